package trace

import (
	"github.com/leaktrace/leaktrace/internal/marks"
	"slices"
	"sort"
)

// Pooling several inputs.
//
// A leak may come as several files: pages of a PDF, several photos, a
// few excerpts. Each is aligned to a document on its own; Pool combines
// the matches of one document into one, whose observations are scored
// together, with the same candidates and the same Bonferroni count as a
// single input's.
//
// A point read in more than one input keeps one observation whose symbol
// set is the union of the readings' sets: every variant some input shows.
// When the readings agree that is their reading; when they disagree it
// keeps whatever either shows, which may leave the point saying nothing
// (every variant), and then it is dropped, never a contradiction turned
// into evidence. The union depends on the leak alone, so an innocent's
// symbol at the point remains one draw from its bias, independent of
// every other point: the tail stays exact. Its misread allowance is the
// largest of the readings'. The observation quoted as evidence is the
// first input's.

// Pool combines matches of the same source from different inputs (each
// aligned from a Leak with its own Input). It returns the single match
// unchanged, and nil for none. Layout observations are added after
// pooling (AddLayout pools them by itself).
func Pool(ms []*Match) *Match {
	switch len(ms) {
	case 0:
		return nil
	case 1:
		return ms[0]
	}
	src := ms[0].Source
	out := &Match{Source: src, SourceWords: ms[0].SourceWords, ByChannel: map[marks.Channel]int{}, Erased: map[marks.Channel]int{},
		covered: make([]bool, len(ms[0].covered)), coveredPts: make([]bool, len(src.Points))}
	byPoint := map[int]int{} // point -> index in out.Observations
	for _, m := range ms {
		out.MatchedWords += m.MatchedWords
		out.LeakWords += m.LeakWords
		out.claimed = append(out.claimed, m.claimed...)
		for i, c := range m.covered {
			out.covered[i] = out.covered[i] || c
		}
		for i, c := range m.coveredPts {
			out.coveredPts[i] = out.coveredPts[i] || c
		}
		for _, o := range m.Observations {
			k, ok := byPoint[o.Point]
			if !ok {
				byPoint[o.Point] = len(out.Observations)
				o.Symbols = slices.Clone(o.Symbols)
				out.Observations = append(out.Observations, o)
				continue
			}
			prev := &out.Observations[k]
			for _, x := range o.Symbols {
				if !slices.Contains(prev.Symbols, x) {
					prev.Symbols = append(prev.Symbols, x)
				}
			}
			sort.Slice(prev.Symbols, func(i, j int) bool { return prev.Symbols[i] < prev.Symbols[j] })
			if etaOf(&o) > etaOf(prev) {
				prev.Eta = o.Eta
			}
		}
	}
	// Drop the points whose pooled readings say nothing.
	kept := out.Observations[:0]
	seen := make(map[int]bool, len(out.Observations))
	for _, o := range out.Observations {
		if len(o.Symbols) < len(src.Points[o.Point].Variants) {
			kept = append(kept, o)
			seen[o.Point] = true
			out.ByChannel[src.Points[o.Point].Channel]++
		}
	}
	out.Observations = kept
	for _, c := range out.covered {
		if c {
			out.CoveredWords++
		}
	}
	for i, c := range out.coveredPts {
		if c {
			out.PointsCovered++
			if !seen[i] {
				out.Erased[src.Points[i].Channel]++
			}
		}
	}
	return out
}
