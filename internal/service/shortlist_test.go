package service

import (
	"fmt"
	"testing"

	"github.com/leaktrace/leaktrace/internal/index"
)

// shortlist keeps the best candidates and every one tied with the last of
// them, up to a cap, and counts the tied ones it leaves out.
func TestShortlist(t *testing.T) {
	ranked := func(covered ...int) []index.Candidate {
		out := make([]index.Candidate, len(covered))
		for i, c := range covered {
			out[i] = index.Candidate{Doc: fmt.Sprintf("d%02d", i), Covered: c}
		}
		return out
	}
	same := func(n, c int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = c
		}
		return out
	}
	for _, c := range []struct {
		covered       []int
		kept, dropped int
	}{
		{[]int{9, 8, 7}, 3, 0},
		{append(same(10, 50), 49, 48), 10, 0},
		{append(append(same(9, 50), same(5, 40)...), 30), 14, 0},
		{same(40, 50), maxTiedCandidates, 40 - maxTiedCandidates},
	} {
		kept, dropped := shortlist(ranked(c.covered...))
		if len(kept) != c.kept || len(dropped) != c.dropped {
			t.Errorf("shortlist(%v) kept %d, dropped %d; want %d, %d", c.covered, len(kept), len(dropped), c.kept, c.dropped)
		}
	}
}

// Documents with issued copies are shortlisted apart from documents
// without: however many unissued ones tie, an issued one is kept, and
// only issued ones left out are counted.
func TestPickCandidates(t *testing.T) {
	var ranked []index.Candidate
	for i := 0; i < 40; i++ {
		ranked = append(ranked, index.Candidate{Doc: fmt.Sprintf("a%02d", i), Covered: 50})
	}
	ranked = append(ranked, index.Candidate{Doc: "zzz", Covered: 50})
	kept, dropped := pickCandidates(ranked, map[string]bool{"zzz": true})
	if len(dropped) != 0 || len(kept) != 1+maxTiedCandidates || kept[0].Doc != "zzz" {
		t.Errorf("kept %d (first %s), dropped %d; want zzz and %d others, none dropped", len(kept), kept[0].Doc, len(dropped), maxTiedCandidates)
	}
	issued := map[string]bool{}
	for _, c := range ranked {
		issued[c.Doc] = true
	}
	kept, dropped = pickCandidates(ranked, issued)
	if len(kept) != maxTiedCandidates || len(dropped) != len(ranked)-maxTiedCandidates || dropped[0].Doc != ranked[maxTiedCandidates].Doc {
		t.Errorf("all issued: kept %d, dropped %v; want %d kept, the other %d dropped", len(kept), dropped, maxTiedCandidates, len(ranked)-maxTiedCandidates)
	}
}
