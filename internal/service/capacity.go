package service

import (
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// CapacityRecipients is the number of readers capacity is estimated for.
const CapacityRecipients = 1000

// retypeSurvival is the share of lexical points that survive retyping
// with typos in 2% of words: a typo in the variant's words or in either
// neighbour makes the point unreadable.
const retypeSurvival = 0.94

// survivals model what each attack leaves readable, for capacity
// estimates: a paste keeps every mark; normalizing removes the
// typographic channel; retyping removes it too and loses a few lexical
// points to typos.
var survivals = map[string]trace.Survival{
	"paste": func(*marks.Point) float64 { return 1 },
	"normalize": func(p *marks.Point) float64 {
		if p.Channel == marks.Lexical {
			return 1
		}
		return 0
	},
	"retype": func(p *marks.Point) float64 {
		if p.Channel == marks.Lexical {
			return retypeSurvival
		}
		return 0
	},
}

// Capacity estimates, with the scoring's own maths, how many words a leak
// of the analysed document must hold for its reader to be named.
func (s *Service) Capacity(id string, a *leaktrace.Analysis) *leaktrace.Capacity {
	return s.capacity(id, a, func(int) {})
}

// addSteps is how many steps AddDocument reports: finding points,
// indexing, one capacity estimate per attack, saving.
var addSteps = 3 + len(survivals)

// capacity is Capacity, calling step(0) before the first estimate and
// step(k) after the k-th.
func (s *Service) capacity(id string, a *leaktrace.Analysis, step func(done int)) *leaktrace.Capacity {
	step(0)
	var regions []string
	for _, r := range a.Set.Doc.Regions() {
		regions = append(regions, r.Text)
	}
	// The estimate reads few of a long document's points: derive the
	// code only at those.
	est := trace.NewLazyEstimator(regions, a.Set.Points, code.NewLazy(s.key, id, a.Set.Specs()))
	cp := &leaktrace.Capacity{Recipients: CapacityRecipients, Epsilon: DefaultEpsilon, WordsNeeded: map[string]*int{}}
	done := 0
	for name, survive := range survivals {
		if w := est.WordsNeeded(CapacityRecipients, DefaultEpsilon, survive); w > 0 {
			cp.WordsNeeded[name] = &w
		} else {
			cp.WordsNeeded[name] = nil
		}
		done++
		step(done)
	}
	return cp
}
