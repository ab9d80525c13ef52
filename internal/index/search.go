package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// MaxPostings bounds how many documents one k-gram may point to before it
// counts as boilerplate and is ignored by lookups.
const MaxPostings = 1000

const (
	// Budget is how many postings a search reads when the k-grams it
	// counted have more than that between them, beyond the rarest k-gram
	// of each stretch (see Choose). When they are all rare and have at
	// most Budget postings, all are read: for a fragment of at most
	// CountAll distinct k-grams the search then ranks as a lookup of all
	// its k-grams does.
	Budget = 1000
	// Stretch is how many consecutive k-gram positions of a fragment
	// have their rarest k-gram read whatever the budget, so that a leak
	// mixing documents is looked for stretch by stretch. (A stretch with
	// no rare k-gram gets its first common one, which may prove to be
	// boilerplate and give nothing: counts stop at Rare+1.)
	Stretch = 24
	// CountAll is how many distinct k-grams a fragment may have and still
	// have every one counted (see Candidates): about 70 words.
	CountAll = 64
	// Rare is how many postings a k-gram may have and still be counted
	// exactly: a search counts each k-gram's postings no further than
	// Rare+1, so that counting costs little whatever the store's size.
	Rare = 32
)

// Source is the lookup index a search reads: a Store.
type Source interface {
	// PostingCounts returns, for each hash, how many postings the index
	// holds, counting no further than atMost.
	PostingCounts(ctx context.Context, hashes []int64, atMost int) ([]int, error)
	// Lookup returns the postings of the hashes, leaving out those with
	// more than MaxPostings.
	Lookup(ctx context.Context, hashes []int64) ([]Posting, error)
}

// Search finds the documents a fragment comes from: it counts the
// postings of the fragment's [Candidates] (hashes are its k-gram hashes,
// as [Hashes] gives them) no further than Rare+1, reads those of the
// k-grams [Choose] picks, then, while the budget allows, those of more
// of the common k-grams, spread evenly over the fragment ([Spread]),
// their cost guessed from the common k-grams already read; and it ranks
// the documents they name ([Rank]). What it reads is bounded by the
// budget and the fragment's stretches, not by the number of documents
// registered.
func Search(ctx context.Context, src Source, hashes []int64) ([]Candidate, error) {
	unique := Candidates(hashes)
	if len(unique) == 0 {
		return nil, nil
	}
	counts, err := src.PostingCounts(ctx, unique, Rare+1)
	if err != nil {
		return nil, err
	}
	if len(counts) != len(unique) {
		return nil, fmt.Errorf("index: %d posting counts for %d hashes", len(counts), len(unique))
	}
	chosen := Choose(hashes, unique, counts, Budget)
	if len(chosen) == 0 {
		return nil, nil
	}
	postings, err := src.Lookup(ctx, chosen)
	if err != nil {
		return nil, err
	}
	// The common k-grams read so far say what another one costs.
	isCommon := map[int64]bool{}
	for i, h := range unique {
		isCommon[h] = counts[i] > Rare
	}
	read, commons := 0, 0
	got := map[int64]bool{}
	for _, p := range postings {
		if isCommon[p.Hash] {
			read++
			got[p.Hash] = true
		}
	}
	for _, h := range chosen {
		if isCommon[h] {
			commons++
			if !got[h] {
				// Boilerplate: counted to MaxPostings+1 and left out.
				read += MaxPostings + 1
			}
		}
	}
	// With none read yet, a common k-gram is guessed at Rare+1, the
	// least it can cost: then up to Budget/(Rare+1) of them are read,
	// whatever they cost. Reading one first to learn its cost was tried:
	// at a million documents it cost 40-word fragments 0.065 of
	// recall@1 (0.615 against 0.680) and saved no time.
	guess := Rare + 1
	if commons > 0 {
		guess = max(guess, (read+commons-1)/commons)
	}
	if n := (Budget - len(postings)) / guess; n > 0 {
		if more := Spread(hashes, unique, counts, chosen, n); len(more) > 0 {
			extra, err := src.Lookup(ctx, more)
			if err != nil {
				return nil, err
			}
			postings = append(postings, extra...)
		}
	}
	return Rank(hashes, postings), nil
}

// Candidates are the k-grams of a fragment a search counts: every one,
// distinct, of a fragment of at most CountAll of them; of a longer one,
// its own winnowed fingerprints and the k-grams of its first and last
// W−1 positions, distinct, in the order of their first position. A
// document's fingerprint is the smallest hash of a window of W k-grams;
// where the fragment holds that window whole it selects the same hash,
// so every run of K+W−1 tokens the fragment shares with a document still
// shares a fingerprint with it (the winnowing guarantee). Only a
// document's fingerprints chosen by windows that overlap an edit of the
// fragment may go uncounted: a long fragment has others.
func Candidates(hashes []int64) []int64 {
	unique := Unique(hashes)
	if len(unique) <= CountAll {
		return unique
	}
	keep := make(map[int64]bool, len(unique)/2)
	for i, h := range hashes {
		if i < W-1 || i >= len(hashes)-(W-1) {
			keep[h] = true
		}
	}
	for _, f := range winnowHashes(hashes) {
		keep[f.Hash] = true
	}
	out := make([]int64, 0, len(keep))
	for _, h := range unique {
		if keep[h] {
			out = append(out, h)
		}
	}
	return out
}

// Spread picks up to n more of the common k-grams (counted above Rare),
// none of chosen, spread evenly over the fragment's positions.
func Spread(hashes, unique []int64, counts []int, chosen []int64, n int) []int64 {
	common := make(map[int64]bool, len(unique))
	for i, h := range unique {
		common[h] = counts[i] > Rare
	}
	for _, h := range chosen {
		common[h] = false
	}
	var left []int64 // in the order of first position
	for _, h := range hashes {
		if common[h] {
			left = append(left, h)
			common[h] = false
		}
	}
	if n >= len(left) {
		return left
	}
	out := make([]int64, 0, n)
	for i := range n {
		out = append(out, left[i*len(left)/n])
	}
	return out
}

// Choose picks the k-grams a search reads. hashes are the fragment's
// k-gram hashes in order, unique their distinct values and counts the
// postings of each of unique, counted no further than Rare+1: a k-gram
// counted Rare+1 is common, one counted 1 to Rare is rare, one counted 0
// is in no document.
//
// When every k-gram found is rare and their postings come to at most
// budget, every one is picked: the search ranks as a lookup of all the
// fragment's k-grams does. Otherwise the rare k-grams are picked from
// the rarest up while their postings fit in the budget (the rarest are
// the ones that tell documents apart), and then every Stretch
// consecutive positions of the fragment that hold no picked k-gram get
// their rarest one (the first of the common ones if it has no rare
// one), so that no passage of the fragment goes unlooked-for. Ties go to
// the earlier k-gram. The result is in the order of unique.
func Choose(hashes, unique []int64, counts []int, budget int) []int64 {
	count := make(map[int64]int, len(unique))
	total, common := 0, false
	for i, h := range unique {
		if c := counts[i]; c > 0 {
			count[h] = c
			total += c
			common = common || c > Rare
		}
	}
	picked := make(map[int64]bool, len(count))
	if !common && total <= budget {
		for h := range count {
			picked[h] = true
		}
		return inOrder(unique, picked)
	}
	rare := make([]int64, 0, len(unique))
	for _, h := range unique {
		if c := count[h]; c > 0 && c <= Rare {
			rare = append(rare, h)
		}
	}
	slices.SortStableFunc(rare, func(a, b int64) int { return cmp.Compare(count[a], count[b]) })
	spent := 0
	for _, h := range rare {
		if spent+count[h] > budget {
			break
		}
		picked[h] = true
		spent += count[h]
	}
	for lo := 0; lo < len(hashes); lo += Stretch {
		part := hashes[lo:min(lo+Stretch, len(hashes))]
		if slices.ContainsFunc(part, func(h int64) bool { return picked[h] }) {
			continue
		}
		best, found := int64(0), false
		for _, h := range part {
			if c := count[h]; c > 0 && (!found || c < count[best]) {
				best, found = h, true
			}
		}
		if found {
			picked[best] = true
		}
	}
	return inOrder(unique, picked)
}

// inOrder is the picked hashes in the order of unique.
func inOrder(unique []int64, picked map[int64]bool) []int64 {
	var out []int64
	for _, h := range unique {
		if picked[h] {
			out = append(out, h)
		}
	}
	return out
}
