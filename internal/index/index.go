// Package index finds the registered documents a leaked fragment comes
// from, by winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003) over
// canonical word k-grams.
//
// Documents and fragments are reduced to canonical tokens first (package
// marks), in which every rendering of every variation point is the same,
// so the original, every copy, and a normalized or retyped fragment hash
// alike. A document keeps the winnowed subset of its k-gram hashes; a
// fragment is looked up by all of its k-gram hashes. Winnowing guarantees
// that any run of at least K+W−1 tokens shared with a document shares one
// of its fingerprints.
package index

import (
	"hash/fnv"
	"sort"
)

const (
	// K is the k-gram length in tokens.
	K = 5
	// W is the winnowing window, in k-grams. Shared runs of K+W−1 = 10
	// tokens are always found; fewer than one k-gram in three is kept.
	W = 6
)

// Fingerprint is a selected k-gram hash and the token position it starts at.
type Fingerprint struct {
	Hash int64
	Pos  int32
}

// Hashes returns the hash of every k-gram of tokens: Hashes(t)[i] is the
// hash of t[i:i+K].
func Hashes(tokens []string) []int64 {
	if len(tokens) < K {
		return nil
	}
	out := make([]int64, len(tokens)-K+1)
	h := fnv.New64a()
	for i := range out {
		h.Reset()
		for _, t := range tokens[i : i+K] {
			h.Write([]byte(t))
			h.Write([]byte{0})
		}
		// Positive, so that SQLite and Go order hashes the same way.
		out[i] = int64(h.Sum64() >> 1)
	}
	return out
}

// Winnow selects a document's fingerprints: in every window of W
// consecutive k-grams, the smallest hash (the rightmost on ties), each
// selection recorded once.
func Winnow(tokens []string) []Fingerprint {
	return winnowHashes(Hashes(tokens))
}

// winnowHashes is Winnow of the k-gram hashes hs.
func winnowHashes(hs []int64) []Fingerprint {
	if len(hs) == 0 {
		return nil
	}
	if len(hs) <= W {
		m := 0
		for i, h := range hs {
			if h <= hs[m] {
				m = i
			}
		}
		return []Fingerprint{{hs[m], int32(m)}}
	}
	var out []Fingerprint
	last := -1
	for start := 0; start+W <= len(hs); start++ {
		m := start
		for i := start; i < start+W; i++ {
			if hs[i] <= hs[m] {
				m = i
			}
		}
		if m != last {
			out = append(out, Fingerprint{hs[m], int32(m)})
			last = m
		}
	}
	return out
}

// Posting is a fingerprint of a registered document.
type Posting struct {
	Doc  string
	Hash int64
	Pos  int32
}

// Hit is a k-gram the fragment shares with a document.
type Hit struct {
	Frag int   // k-gram position in the fragment
	Pos  int32 // k-gram position in the document
}

// Candidate is a document that shares k-grams with a fragment.
type Candidate struct {
	Doc  string
	Hits []Hit // sorted by Frag
	// Covered counts the distinct fragment k-grams that hit.
	Covered int
}

// MinHits is how many distinct shared k-grams make a document a
// candidate. One is enough: a ten-word excerpt may share only one
// fingerprint with its source, and the tracer's alignment rejects
// candidates that share no real passage.
const MinHits = 1

// Rank groups postings by document and orders documents by how much of
// the fragment they cover. hashes are the fragment's k-gram hashes.
func Rank(hashes []int64, postings []Posting) []Candidate {
	at := make(map[int64][]int, len(hashes))
	for i, h := range hashes {
		at[h] = append(at[h], i)
	}
	byDoc := map[string]*Candidate{}
	for _, p := range postings {
		c := byDoc[p.Doc]
		if c == nil {
			c = &Candidate{Doc: p.Doc}
			byDoc[p.Doc] = c
		}
		for _, i := range at[p.Hash] {
			c.Hits = append(c.Hits, Hit{Frag: i, Pos: p.Pos})
		}
	}
	var out []Candidate
	for _, c := range byDoc {
		sort.Slice(c.Hits, func(i, j int) bool {
			if c.Hits[i].Frag != c.Hits[j].Frag {
				return c.Hits[i].Frag < c.Hits[j].Frag
			}
			return c.Hits[i].Pos < c.Hits[j].Pos
		})
		seen := -1
		for _, h := range c.Hits {
			if h.Frag != seen {
				c.Covered++
				seen = h.Frag
			}
		}
		if c.Covered >= MinHits {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Covered != out[j].Covered {
			return out[i].Covered > out[j].Covered
		}
		return out[i].Doc < out[j].Doc
	})
	return out
}

// Unique returns the distinct values of hs.
func Unique(hs []int64) []int64 {
	seen := make(map[int64]bool, len(hs))
	var out []int64
	for _, h := range hs {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}
