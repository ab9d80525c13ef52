package trace

import (
	"math/rand/v2"
	"sort"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Capacity estimation: how many words of a document a leak must contain
// for the leaker to be named, under an attack that lets each point survive
// with some probability. It uses the scoring's own maths: for windows of
// W consecutive words, a probe reader's symbols at the points that survive
// are the observations, and the probe is named if its p-value among
// `readers` candidates is at most epsilon. The estimate is the smallest W
// at which at least IdentifyRate of the windows name their probe.

// IdentifyRate is the identification rate a capacity estimate aims for.
const IdentifyRate = 0.9

// capacitySamples is how many windows are tried per length.
const capacitySamples = 16

// Survival gives the probability that a point survives an attack.
type Survival func(p *marks.Point) float64

// WordsNeeded returns the estimated words a leak needs under the given
// survival, or 0 if even the whole document would not do.
func WordsNeeded(src *Source, readers int, epsilon float64, survive Survival) int {
	return NewEstimator(src).WordsNeeded(readers, epsilon, survive)
}

// Estimator estimates capacities of one source under several attacks,
// measuring the source once.
type Estimator struct {
	points []marks.Point
	// biases returns the code's points at the given indexes, and
	// symbolsAt a reader's symbols there given those biases.
	biases    func(idx []int) []code.Point
	symbolsAt func(reader string, idx []int, pts []code.Point) []uint8
	words     int
	// A point is read from between its flanking words, so a window
	// shows it only if both flanks are inside: pos is the first flank,
	// end the second. Points without both flanks are never read.
	pos, end []int
	order    []int // points by pos
}

// NewEstimator measures src for capacity estimates.
func NewEstimator(src *Source) *Estimator {
	return newEstimator(src.Regions, src.Points, src.Biases, src.Symbols)
}

// NewLazyEstimator measures a document, given its regions, its points and
// its lazily derived code, for capacity estimates. The estimates equal
// those of [NewEstimator] with the whole code; only the biases of the
// points the estimate reads are ever derived.
func NewLazyEstimator(regions []string, points []marks.Point, c *code.Lazy) *Estimator {
	symbolsAt := func(reader string, idx []int, pts []code.Point) []uint8 {
		out := make([]uint8, len(idx))
		c.SymbolsAt(reader, idx, pts, out)
		return out
	}
	return newEstimator(regions, points, c.Points, symbolsAt)
}

func newEstimator(regions []string, points []marks.Point, biases func([]int) []code.Point,
	symbolsAt func(string, []int, []code.Point) []uint8) *Estimator {
	rd := newReader(regions, points)
	e := &Estimator{points: points, biases: biases, symbolsAt: symbolsAt, words: len(rd.tokens)}
	if e.words == 0 {
		return e
	}
	e.pos = make([]int, len(points))
	e.end = make([]int, len(points))
	for i := range points {
		a, b := rd.flank(&points[i])
		if a < 0 {
			a, b = -1, e.words // never inside a window
		}
		e.pos[i], e.end[i] = a, b
	}
	e.order = make([]int, len(e.pos))
	for i := range e.order {
		e.order[i] = i
	}
	sort.SliceStable(e.order, func(i, j int) bool { return e.pos[e.order[i]] < e.pos[e.order[j]] })
	return e
}

// WordsNeeded returns the estimated words a leak needs under the given
// survival, or 0 if even the whole document would not do.
func (e *Estimator) WordsNeeded(readers int, epsilon float64, survive Survival) int {
	words, pos, end, order := e.words, e.pos, e.end, e.order
	if words == 0 {
		return 0
	}
	named := func(w int) bool {
		rng := rand.New(rand.NewPCG(uint64(w), 0xca9))
		ok := 0
		for k := 0; k < capacitySamples; k++ {
			start := 0
			if words > w {
				start = rng.IntN(words - w + 1)
			}
			var points []int
			lo := sort.Search(len(order), func(i int) bool { return pos[order[i]] >= start })
			for _, i := range order[lo:] {
				if pos[i] >= start+w {
					break
				}
				if end[i] >= start+w {
					continue
				}
				if rng.Float64() < survive(&e.points[i]) {
					points = append(points, i)
				}
			}
			// The code and the probe's symbols at the surviving points
			// only: a window of a long document holds few of its
			// points. Observation j is of points[j], whose biases are
			// pts[j].
			pts := e.biases(points)
			probe := e.symbolsAt(probeName(k), points, pts)
			obs := make([]Observation, len(points))
			for j := range obs {
				obs[j] = Observation{Point: j, Symbols: probe[j : j+1 : j+1]} // the probe's own symbol
			}
			s := newScorer(obs, pts)
			sc, _ := s.score(probe)
			if s.pValue(sc, readers) <= epsilon {
				ok++
			}
		}
		return float64(ok) >= IdentifyRate*capacitySamples
	}
	// Grow the length until the probe is named, then narrow it down, so
	// that long windows (costly to score) are only tried when needed.
	lo, hi := 1, 8
	for !named(min(hi, words)) {
		if hi >= words {
			return 0
		}
		lo, hi = hi+1, hi*2
	}
	hi = min(hi, words) // named(hi) holds
	for lo < hi {
		mid := (lo + hi) / 2
		if named(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi
}

func probeName(k int) string { return "capacity-probe-" + string(rune('a'+k)) }
