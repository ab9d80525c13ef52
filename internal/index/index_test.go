package index

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

func words(rng *rand.Rand, n, vocab int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "w" + strconv.Itoa(rng.IntN(vocab))
	}
	return out
}

// TestWinnowingGuarantee is the property winnowing promises: a fragment
// that shares a run of at least K+W−1 tokens with a document shares one of
// the document's fingerprints, wherever the run lies.
func TestWinnowingGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		doc := words(rng, 50+rng.IntN(500), 200)
		fps := Winnow(doc)
		selected := map[int64]bool{}
		for _, f := range fps {
			selected[f.Hash] = true
			if Hashes(doc)[f.Pos] != f.Hash {
				t.Fatalf("fingerprint at %d has the wrong hash", f.Pos)
			}
		}
		n := K + W - 1 + rng.IntN(10)
		at := rng.IntN(len(doc) - n + 1)
		frag := append(words(rng, rng.IntN(5), 200), doc[at:at+n]...)
		found := false
		for _, h := range Hashes(frag) {
			if selected[h] {
				found = true
			}
		}
		if !found {
			t.Fatalf("trial %d: a shared run of %d tokens has no fingerprint", trial, n)
		}
	}
}

func TestWinnowingDensity(t *testing.T) {
	doc := words(rand.New(rand.NewPCG(3, 4)), 20000, 5000)
	got := float64(len(Winnow(doc))) / float64(len(doc))
	if want := 2.0 / (W + 1); got < want*0.8 || got > want*1.2 {
		t.Errorf("density %.3f fingerprints per token, expected about 2/(W+1) = %.3f", got, want)
	}
}

func TestRank(t *testing.T) {
	frag := Hashes([]string{"a", "b", "c", "d", "e", "f", "g", "h"})
	ps := []Posting{
		{Doc: "x", Hash: frag[0], Pos: 10}, {Doc: "x", Hash: frag[2], Pos: 12}, {Doc: "x", Hash: frag[3], Pos: 13},
		{Doc: "y", Hash: frag[1], Pos: 4}, {Doc: "y", Hash: frag[1], Pos: 90},
		{Doc: "z", Hash: frag[0], Pos: 1}, {Doc: "z", Hash: frag[1], Pos: 2},
	}
	got := Rank(frag, ps)
	if len(got) != 3 || got[0].Doc != "x" || got[0].Covered != 3 || got[1].Doc != "z" || got[1].Covered != 2 || got[2].Doc != "y" || got[2].Covered != 1 {
		t.Fatalf("Rank = %+v; want x (3 k-grams), z (2), then y (1, twice)", got)
	}
	if Rank(frag, nil) != nil || Winnow([]string{"a"}) != nil {
		t.Fatal("empty input gave results")
	}
}
