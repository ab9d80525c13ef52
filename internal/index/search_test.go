package index

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
)

// memory is a lookup index held in memory, counting what is read.
type memory struct {
	postings map[int64][]Posting
	read     int // postings returned by Lookup
}

func (m *memory) add(doc string, tokens []string) {
	for _, f := range Winnow(tokens) {
		m.postings[f.Hash] = append(m.postings[f.Hash], Posting{Doc: doc, Hash: f.Hash, Pos: f.Pos})
	}
}

func (m *memory) PostingCounts(_ context.Context, hashes []int64, atMost int) ([]int, error) {
	out := make([]int, len(hashes))
	for i, h := range hashes {
		out[i] = min(len(m.postings[h]), atMost)
	}
	return out, nil
}

func (m *memory) Lookup(_ context.Context, hashes []int64) ([]Posting, error) {
	var out []Posting
	for _, h := range Unique(hashes) {
		if ps := m.postings[h]; len(ps) <= MaxPostings {
			out = append(out, ps...)
			m.read += len(ps)
		}
	}
	return out, nil
}

// corpus makes n documents of sentences drawn from a pool of shared
// ones, as the scale benchmark's are: every sentence is in several
// documents, and what tells documents apart is which sentences follow
// which.
func corpus(rng *rand.Rand, n, sentences, each int) (*memory, [][]string) {
	pool := make([][]string, sentences)
	for i := range pool {
		pool[i] = words(rng, 8+rng.IntN(20), 5000)
	}
	m := &memory{postings: map[int64][]Posting{}}
	docs := make([][]string, n)
	for d := range docs {
		for range each {
			docs[d] = append(docs[d], pool[rng.IntN(len(pool))]...)
		}
		m.add("d"+strconv.Itoa(d), docs[d])
	}
	return m, docs
}

// TestSearchIsTheWholeLookupWhenItFitsTheBudget: when every k-gram of a
// fragment is rare and their postings fit in the budget, a search ranks
// exactly as a lookup of all the fragment's k-grams.
func TestSearchIsTheWholeLookupWhenItFitsTheBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, docs := corpus(rng, 60, 400, 20)
	checked := 0
	for range 200 {
		d := docs[rng.IntN(len(docs))]
		lo := rng.IntN(len(d) - 40)
		hashes := Hashes(d[lo : lo+10+rng.IntN(30)])
		u := Unique(hashes)
		counts, _ := m.PostingCounts(t.Context(), u, Rare+1)
		if total := sum(counts); slices.Max(counts) > Rare || total > Budget {
			continue
		}
		checked++
		got, err := Search(t.Context(), m, hashes)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := m.Lookup(t.Context(), hashes)
		if want := Rank(hashes, all); !reflect.DeepEqual(got, want) {
			t.Fatalf("search ranks %v, a whole lookup %v", got, want)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d of 200 fragments fit the budget", checked)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestChooseProperties: what Choose picks is found, in the order asked,
// within the budget but for one k-gram a stretch, and leaves no stretch
// with a k-gram found unlooked-for; rare k-grams are picked before
// common ones.
func TestChooseProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + rng.IntN(300)
		hashes := make([]int64, n)
		for i := range hashes {
			hashes[i] = int64(rng.IntN(2 * n))
		}
		unique := Unique(hashes)
		counts := make([]int, len(unique))
		count := map[int64]int{}
		for i, h := range unique {
			switch rng.IntN(4) {
			case 0: // not in the index
			case 1:
				counts[i] = Rare + 1
			default:
				counts[i] = 1 + rng.IntN(Rare)
			}
			count[h] = counts[i]
		}
		budget := rng.IntN(400)
		got := Choose(hashes, unique, counts, budget)
		pos := map[int64]int{}
		for i, h := range unique {
			pos[h] = i
		}
		picked := map[int64]bool{}
		rareSpent := 0
		for i, h := range got {
			if count[h] == 0 {
				t.Fatalf("trial %d: picked %d, which is in no document", trial, h)
			}
			if i > 0 && pos[got[i-1]] >= pos[h] {
				t.Fatalf("trial %d: picks out of order", trial)
			}
			picked[h] = true
			if count[h] <= Rare {
				rareSpent += count[h]
			}
		}
		stretches := (n + Stretch - 1) / Stretch
		if rareSpent > budget+stretches*Rare {
			t.Fatalf("trial %d: rare picks cost %d, budget %d", trial, rareSpent, budget)
		}
		for lo := 0; lo < n; lo += Stretch {
			part := hashes[lo:min(lo+Stretch, n)]
			found := slices.ContainsFunc(part, func(h int64) bool { return count[h] > 0 })
			if found && !slices.ContainsFunc(part, func(h int64) bool { return picked[h] }) {
				t.Fatalf("trial %d: stretch at %d has k-grams found, none picked", trial, lo)
			}
		}
		// A rare k-gram left out costs more than what is left of the
		// budget after the rare ones picked, or as much as one picked.
		for h, c := range count {
			if c > 0 && c <= Rare && !picked[h] && rareSpent+c <= budget {
				cheaper := false
				for p := range picked {
					if count[p] <= Rare && count[p] <= c {
						cheaper = true
					}
				}
				if !cheaper {
					t.Fatalf("trial %d: rare k-gram of %d postings left out within the budget", trial, c)
				}
			}
		}
	}
}

// TestSpread: the common k-grams Spread adds are new, common, at most n,
// and all of them when n allows.
func TestSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		n := 1 + rng.IntN(200)
		hashes := make([]int64, n)
		for i := range hashes {
			hashes[i] = int64(rng.IntN(n))
		}
		unique := Unique(hashes)
		counts := make([]int, len(unique))
		commons := map[int64]bool{}
		for i, h := range unique {
			if rng.IntN(2) == 0 {
				counts[i] = Rare + 1
				commons[h] = true
			} else {
				counts[i] = rng.IntN(Rare + 1)
			}
		}
		var chosen []int64
		for _, h := range unique {
			if rng.IntN(3) == 0 {
				chosen = append(chosen, h)
			}
		}
		left := 0
		for h := range commons {
			if !slices.Contains(chosen, h) {
				left++
			}
		}
		k := rng.IntN(40)
		got := Spread(hashes, unique, counts, chosen, k)
		if want := min(k, left); len(got) != want {
			t.Fatalf("Spread gave %d k-grams, want %d", len(got), want)
		}
		seen := map[int64]bool{}
		for _, h := range got {
			if !commons[h] || slices.Contains(chosen, h) || seen[h] {
				t.Fatalf("Spread gave %d: common %v, chosen before %v, twice %v", h, commons[h], slices.Contains(chosen, h), seen[h])
			}
			seen[h] = true
		}
	}
}

// TestSearchFindsTheSourceAsTheWholeLookupDoes: on a corpus where every
// sentence is in many documents, so that the search cannot read every
// k-gram of a fragment within its budget, it reads far fewer postings
// than a whole lookup and ranks first the document a whole lookup ranks
// first, for nearly every fragment; never a document a whole lookup
// does not name, and never with more k-grams covered.
func TestSearchFindsTheSourceAsTheWholeLookupDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	m, docs := corpus(rng, 3000, 150, 20)
	const frags = 200
	same, readSearch, readAll := 0, 0, 0
	for range frags {
		d := docs[rng.IntN(len(docs))]
		lo := rng.IntN(len(d) - 200)
		hashes := Hashes(d[lo : lo+200])
		m.read = 0
		got, err := Search(t.Context(), m, hashes)
		if err != nil {
			t.Fatal(err)
		}
		readSearch += m.read
		m.read = 0
		all, _ := m.Lookup(t.Context(), hashes)
		readAll += m.read
		want := Rank(hashes, all)
		covered := map[string]int{}
		for _, c := range want {
			covered[c.Doc] = c.Covered
		}
		for _, c := range got {
			if w, ok := covered[c.Doc]; !ok || c.Covered > w {
				t.Fatalf("search names %s covering %d, a whole lookup %d (named %v)", c.Doc, c.Covered, w, ok)
			}
		}
		if len(got) > 0 && len(want) > 0 && got[0].Doc == want[0].Doc {
			same++
		}
	}
	t.Logf("search read %d postings, a whole lookup %d; same first %d of %d", readSearch, readAll, same, frags)
	if readSearch*4 > readAll {
		t.Errorf("search read %d postings, a whole lookup %d: not a quarter", readSearch, readAll)
	}
	if same < frags*95/100 {
		t.Errorf("search ranked first the whole lookup's first for %d of %d fragments", same, frags)
	}
}

// TestCandidatesKeepTheWinnowingGuarantee: a fragment too long to count
// every k-gram of still counts one of a document's fingerprints in every
// run of at least K+W−1 tokens it shares with it, wherever the run lies
// (at either end of the fragment too), among other tokens.
func TestCandidatesKeepTheWinnowingGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 2000 {
		doc := words(rng, 50+rng.IntN(500), 200)
		selected := map[int64]bool{}
		for _, f := range Winnow(doc) {
			selected[f.Hash] = true
		}
		n := K + W - 1 + rng.IntN(10)
		at := rng.IntN(len(doc) - n + 1)
		before, after := 0, 0
		switch rng.IntN(3) {
		case 0:
			before = CountAll + rng.IntN(100)
		case 1:
			after = CountAll + rng.IntN(100)
		default:
			before, after = rng.IntN(CountAll), CountAll+rng.IntN(100)
		}
		frag := append(words(rng, before, 100000), doc[at:at+n]...)
		frag = append(frag, words(rng, after, 100000)...)
		hashes := Hashes(frag)
		counted := Candidates(hashes)
		if len(Unique(hashes)) > CountAll && len(counted) >= len(Unique(hashes)) {
			t.Fatalf("trial %d: a fragment of %d distinct k-grams has all counted", trial, len(Unique(hashes)))
		}
		if !slices.ContainsFunc(counted, func(h int64) bool { return selected[h] }) {
			t.Fatalf("trial %d: a shared run of %d tokens at %d of %d has no fingerprint counted", trial, n, before, len(frag))
		}
	}
}

// TestSearchOfBoilerplate: a fragment all of whose k-grams are in more
// than MaxPostings places names no document and costs one statement of
// counts and one of the picked k-grams, with nothing read.
func TestSearchOfBoilerplate(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	text := words(rng, 100, 1000)
	m := &memory{postings: map[int64][]Posting{}}
	for d := range MaxPostings + 1 {
		m.add("d"+strconv.Itoa(d), text)
	}
	calls := &countingSource{memory: m}
	got, err := Search(t.Context(), calls, Hashes(text[10:90]))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || m.read != 0 || calls.lookups > 1 {
		t.Fatalf("boilerplate: %d candidates, %d postings read, %d lookups", len(got), m.read, calls.lookups)
	}
}

type countingSource struct {
	*memory
	lookups int
}

func (c *countingSource) Lookup(ctx context.Context, hashes []int64) ([]Posting, error) {
	c.lookups++
	return c.memory.Lookup(ctx, hashes)
}
