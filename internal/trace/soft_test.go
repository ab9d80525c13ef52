package trace

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/leaktrace/leaktrace/internal/code"
)

// softObservations returns n observations of binary points of a real
// code, each with its own misread allowance from a mix that includes the
// default (0) and a PDF's exact reading, and their biases.
func softObservations(n int, etas []float64, rng *rand.Rand) ([]Observation, []code.Point) {
	var key code.Key
	copy(key[:], "soft-value bound test key")
	specs := make([]code.Spec, n)
	idx := make([]int, n)
	for i := range specs {
		specs[i] = code.Spec{Arity: 2, Class: code.Spread}
		idx[i] = i
	}
	biases := code.NewLazy(key, "soft doc", specs).Points(idx)
	obs := make([]Observation, n)
	for i := range obs {
		obs[i] = Observation{Point: i, Symbols: []uint8{uint8(rng.IntN(2))}, Eta: etas[rng.IntN(len(etas))], Layout: true}
	}
	return obs, biases
}

// TestSoftValuesKeepTheBound: with the observations fixed — soft layout
// readings, each with its own η — an innocent reader's symbols are
// independent draws from the biases. Drawing many innocents so, the
// fraction whose tail probability is at most α must be at most α (up to
// a binomial margin), for each score and for the reported p-value, at
// several α. A tail computed as if every reading had the default η
// fails this.
func TestSoftValuesKeepTheBound(t *testing.T) {
	const innocents = 100_000
	for _, c := range []struct {
		n    int
		etas []float64
	}{
		{40, []float64{0, 0.001, 0.01, 0.03, 0.1, 0.2, 0.3, 0.4}},
		{150, []float64{0, 0.001, 0.01, 0.03, 0.1, 0.2, 0.3, 0.4}},
		// Poor readings (a blurred photo): misses cost less than the
		// default allows, so innocents score higher than with it.
		{150, []float64{0.25, 0.3, 0.35, 0.4}},
		// Exact and near-exact readings: matches weigh more.
		{150, []float64{0.001, 0.01}},
	} {
		n := c.n
		rng := rand.New(rand.NewPCG(11, uint64(n)))
		obs, biases := softObservations(n, c.etas, rng)
		s := newScorer(obs, biases)
		scores := [numKinds][]float64{}
		both := make([][numKinds]float64, innocents)
		syms := make([]uint8, n)
		for k := range both {
			for i := range obs {
				syms[i] = 0
				if rng.Float64() >= biases[i].P[0] {
					syms[i] = 1
				}
			}
			sc, _ := s.score(syms)
			both[k] = sc
			for kind := range sc {
				scores[kind] = append(scores[kind], sc[kind])
			}
		}
		for kind := range scores {
			sort.Sort(sort.Reverse(sort.Float64Slice(scores[kind])))
		}
		// threshold returns the lowest score of kind whose tail is at
		// most a, and how many innocents reach it: tails fall as scores
		// rise, so a binary search over the sorted scores finds it.
		threshold := func(kind scoreKind, a float64) (float64, int) {
			sc := scores[kind]
			hits := sort.Search(len(sc), func(i int) bool { return s.tails[kind].atLeast(sc[i]) > a })
			if hits == 0 {
				return math.Inf(1), 0
			}
			return sc[hits-1], hits
		}
		for _, alpha := range []float64{0.2, 0.05, 0.01, 0.002} {
			limit := alpha*innocents + 4*math.Sqrt(alpha*(1-alpha)*innocents) + 1
			for kind := range scores {
				if _, hits := threshold(scoreKind(kind), alpha); float64(hits) > limit {
					t.Errorf("%d points, %s: %d of %d innocents have tail ≤ %g (at most %.0f expected)",
						n, [numKinds]string{"tardos", "llr"}[kind], hits, innocents, alpha, limit)
				}
			}
			// The reported p-value, for one candidate: at most α when
			// either score's tail is at most α/2.
			tt, _ := threshold(tardos, alpha/float64(numKinds))
			tl, _ := threshold(llr, alpha/float64(numKinds))
			hits := 0
			for _, sc := range both {
				if sc[tardos] >= tt || sc[llr] >= tl {
					hits++
				}
			}
			if float64(hits) > limit {
				t.Errorf("%d points: %d of %d innocents have p-value ≤ %g (at most %.0f expected)", n, hits, innocents, alpha, limit)
			}
		}
	}
}

// TestDefaultEtaIsTheTextScore: an observation without an η of its own
// scores exactly as every text mark did before soft values, on both
// scores.
func TestDefaultEtaIsTheTextScore(t *testing.T) {
	obs, biases := softObservations(30, []float64{0.1}, rand.New(rand.NewPCG(1, 2)))
	for i := range obs {
		obs[i].Eta = 0
	}
	s := newScorer(obs, biases)
	for i := range obs {
		p := biases[i].P[obs[i].Symbols[0]]
		if want := math.Log2((1 - 0.2 + 0.2*p) / p); s.match[llr][i] != want || s.miss[llr][i] != math.Log2(0.2) {
			t.Fatalf("observation %d: llr values %g/%g, want %g/%g", i, s.match[llr][i], s.miss[llr][i], want, math.Log2(0.2))
		}
		if s.match[tardos][i] != math.Sqrt((1-p)/p) || s.miss[tardos][i] != -math.Sqrt(p/(1-p)) {
			t.Fatalf("observation %d: Tardos values %g/%g, want the symmetric score's", i, s.match[tardos][i], s.miss[tardos][i])
		}
	}
}
