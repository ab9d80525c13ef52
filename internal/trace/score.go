package trace

import (
	"math"
	"sort"

	"github.com/leaktrace/leaktrace/internal/code"
)

// Scoring and the false-accusation bound.
//
// With the observations fixed, an innocent reader's symbol at each
// observed point is an independent draw from that point's bias vector,
// whatever the leakers did. So an innocent's score is a sum of
// independent two-point variables — value m_i with probability p_i (the
// observed set's probability), value u_i otherwise — and the chance that
// it reaches s can be bounded without approximation. leaktrace computes
// two rigorous upper bounds and keeps the smaller: the exact distribution
// on a grid with every value rounded up (so the grid's tail dominates the
// true one), and the Chernoff bound.
//
// Two scores are used: the symmetric Tardos score (Škorić et al.), robust
// against colluders, and a log-likelihood score for a single leaker whose
// marks may be misread or mixed with probability η, which needs fewer
// points when one reader leaks. η is 0.2 for a text mark; a layout mark
// measured as a shift brings its own, from how far the shift lies from
// zero against its measurement error (a soft value, see FromLayout), and
// the Tardos score weighs such a mark by its reliability. Each reader's p-value is the smaller of
// the two tails, doubled (one test per score) and multiplied by the
// number of candidate readers (Bonferroni), so that the probability that
// any innocent reader is accused is at most ε.

// eta is the single-leaker score's allowance for marks that are not the
// leaker's (misreadings, a colluder's copy), for an observation that
// gives none of its own (Observation.Eta zero: every text mark).
const eta = 0.2

// etaOf is the misread probability the single-leaker score allows for an
// observation: its own, when it has one (a soft layout reading), or eta.
// It depends on the observation alone, never on any reader, so given the
// observations an innocent's score is still a sum of independent
// two-point variables with known values and the tail stays exact.
func etaOf(o *Observation) float64 {
	if o.Eta > 0 {
		return o.Eta
	}
	return eta
}

// reliability weighs an observation in the Tardos score by how far its
// misread probability is from a coin toss, relative to a text mark's: 1
// for every text mark (so their score is the symmetric Tardos score),
// more for an exact layout reading, less for a doubtful one. Like η it
// depends on the observation alone.
func reliability(e float64) float64 {
	return (1 - 2*e) / (1 - 2*eta)
}

// gridBins is the resolution of the exact tail computation.
const gridBins = 1 << 14

// maxGridWork bounds points × bins for the exact computation; beyond it
// only the Chernoff bound is used (it is then tight anyway).
const maxGridWork = 60_000_000

// scoreKind is one of the two scores.
type scoreKind int

const (
	tardos scoreKind = iota
	llr
	numKinds
)

// scorer holds the per-observation values of both scores.
type scorer struct {
	obs   []Observation
	p     []float64           // P(innocent's symbol is in the observed set)
	match [numKinds][]float64 // value when the reader's symbol is in the set
	miss  [numKinds][]float64 // value otherwise
	tails [numKinds]*tail
	in    [][]bool // in[i][x]: symbol x is in observation i's set
}

// newScorer prepares the scores of observations; biases[i] is the code's
// point observation i read.
func newScorer(obs []Observation, biases []code.Point) *scorer {
	s := &scorer{obs: obs, p: make([]float64, len(obs)), in: make([][]bool, len(obs))}
	for k := range s.match {
		s.match[k] = make([]float64, len(obs))
		s.miss[k] = make([]float64, len(obs))
	}
	for i, o := range obs {
		bias := biases[i].P
		s.in[i] = make([]bool, len(bias))
		p := 0.0
		for _, x := range o.Symbols {
			p += bias[x]
			s.in[i][x] = true
		}
		p = math.Min(math.Max(p, 1e-12), 1-1e-12)
		s.p[i] = p
		e := etaOf(&obs[i])
		w := reliability(e)
		s.match[tardos][i] = w * math.Sqrt((1-p)/p)
		s.miss[tardos][i] = -w * math.Sqrt(p/(1-p))
		s.match[llr][i] = math.Log2((1 - e + e*p) / p)
		s.miss[llr][i] = math.Log2(e)
	}
	for k := range s.tails {
		s.tails[k] = newTail(s.p, s.match[k], s.miss[k])
	}
	return s
}

// score returns a reader's two scores and how many observations their
// copy agrees with; syms[i] is the reader's symbol at observation i.
func (s *scorer) score(syms []uint8) (sc [numKinds]float64, agree int) {
	for i := range s.obs {
		if s.in[i][syms[i]] {
			agree++
			for k := range sc {
				sc[k] += s.match[k][i]
			}
		} else {
			for k := range sc {
				sc[k] += s.miss[k][i]
			}
		}
	}
	return sc, agree
}

// allAgree returns the scores of a reader whose copy agrees with every
// observation.
func (s *scorer) allAgree() (sc [numKinds]float64) {
	for k := range sc {
		for i := range s.obs {
			sc[k] += s.match[k][i]
		}
	}
	return sc
}

// pValue is the probability that some innocent among n candidates scores
// at least as high as sc on either score.
func (s *scorer) pValue(sc [numKinds]float64, n int) float64 {
	best := 1.0
	for k := range sc {
		best = math.Min(best, s.tails[k].atLeast(sc[k]))
	}
	return math.Min(1, best*float64(numKinds)*float64(max(n, 1)))
}

// tail bounds P(Σ X_i ≥ s) for independent X_i ∈ {match_i (prob p_i),
// miss_i}. Writing X_i = miss_i + Y_i with Y_i ∈ {0, d_i}, d_i > 0.
type tail struct {
	p, d    []float64
	base    float64   // Σ miss_i
	total   float64   // Σ d_i
	step    float64   // grid step; 0 if the grid was not computed
	suffix  []float64 // suffix[v] = P(Σ ⌈Y_i/step⌉ ≥ v)
	allHits float64   // Π p_i
}

func newTail(p, match, miss []float64) *tail {
	t := &tail{p: p, d: make([]float64, len(p)), allHits: 1}
	for i := range p {
		t.base += miss[i]
		t.d[i] = match[i] - miss[i]
		t.total += t.d[i]
		t.allHits *= p[i]
	}
	if len(p) == 0 || len(p)*(gridBins+len(p)) > maxGridWork {
		return t
	}
	t.step = t.total / gridBins
	dist := make([]float64, gridBins+len(p)+2)
	dist[0] = 1
	top := 0
	for i := range p {
		w := int(math.Ceil(t.d[i] / t.step))
		for v := top; v >= 0; v-- {
			if x := dist[v]; x != 0 {
				dist[v+w] += p[i] * x
				dist[v] = (1 - p[i]) * x
			}
		}
		top += w
	}
	t.suffix = make([]float64, top+2)
	for v := top; v >= 0; v-- {
		t.suffix[v] = t.suffix[v+1] + dist[v]
	}
	return t
}

// atLeast returns an upper bound on P(Σ X_i ≥ s).
func (t *tail) atLeast(s float64) float64 {
	y := s - t.base
	if y <= 0 {
		return 1
	}
	if y > t.total*(1+1e-12) {
		return 0
	}
	if y >= t.total*(1-1e-12) {
		return math.Min(1, t.allHits)
	}
	best := t.chernoff(y)
	if t.step > 0 {
		v := int(math.Ceil(y/t.step - 1e-9))
		if v < len(t.suffix) {
			best = math.Min(best, math.Min(1, t.suffix[v]))
		} else {
			best = 0
		}
	}
	return best
}

// chernoff returns min over λ ≥ 0 of exp(−λy) Π E[exp(λ Y_i)].
func (t *tail) chernoff(y float64) float64 {
	logMGF := func(l float64) float64 {
		sum := -l * y
		for i, p := range t.p {
			x := l * t.d[i]
			// log(1 − p + p·eˣ), stably for large x.
			sum += x + math.Log(p+(1-p)*math.Exp(-x))
		}
		return sum
	}
	slope := func(l float64) float64 {
		g := -y
		for i, p := range t.p {
			x := l * t.d[i]
			g += t.d[i] * p / (p + (1-p)*math.Exp(-x))
		}
		return g
	}
	if slope(0) >= 0 {
		return 1 // y is at or below the mean
	}
	hi := 1.0
	for slope(hi) < 0 && hi < 1e6 {
		hi *= 2
	}
	lo := 0.0
	// Any λ gives a valid bound; 40 halvings come close enough to the
	// best one.
	for k := 0; k < 40; k++ {
		mid := (lo + hi) / 2
		if slope(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Min(1, math.Exp(logMGF((lo+hi)/2)))
}

// Suspect is a candidate reader's standing against a leak.
type Suspect struct {
	Recipient string
	Score     float64 // symmetric Tardos score
	LLR       float64 // single-leaker log-likelihood score, bits
	Agree     int     // observations that match the reader's copy
	PValue    float64
	Accused   bool
}

// rankSuspects scores every candidate and returns them best first. Only
// the strongest candidates on either score get a p-value computed; the
// others are not accused, and their p-values, at least as large, are
// reported as 1.
//
// n is the number of candidates the p-values are corrected for, at least
// len(readers); symbols returns a reader's symbols at the observations.
func rankSuspects(s *scorer, readers []string, n int, symbols func(reader string) []uint8, epsilon float64, keep int) []Suspect {
	keep = max(keep, 0)
	all := make([]Suspect, len(readers))
	for i, r := range readers {
		sc, agree := s.score(symbols(r))
		all[i] = Suspect{Recipient: r, Score: sc[tardos], LLR: sc[llr], Agree: agree, PValue: 1}
	}
	// p-values are monotone in each score, so walking each score's
	// ranking until past the report's length and at a reader who is not
	// accused finds every accused reader.
	done := make([]bool, len(all))
	for _, by := range []func(a, b Suspect) bool{
		func(a, b Suspect) bool { return a.Score > b.Score },
		func(a, b Suspect) bool { return a.LLR > b.LLR },
	} {
		idx := make([]int, len(all))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return by(all[idx[i]], all[idx[j]]) })
		for rank, i := range idx {
			if !done[i] {
				all[i].PValue = s.pValue([numKinds]float64{all[i].Score, all[i].LLR}, n)
				all[i].Accused = all[i].PValue <= epsilon
				done[i] = true
			}
			if rank >= keep+5 && !all[i].Accused {
				break
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].PValue != all[j].PValue {
			return all[i].PValue < all[j].PValue
		}
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].Recipient < all[j].Recipient
	})
	k := keep
	for k < len(all) && all[k].Accused {
		k++
	}
	return all[:min(k, len(all))]
}
