package trace

import (
	"math"
	"math/rand/v2"
)

// Capacity of the layout channel: how many of a document's layout points
// a picture of its PDF copy must show for the reader to be named. Like
// [Estimator.WordsNeeded] it uses the scoring's own maths: for windows of
// n consecutive layout points (in the plan's order: line by line, page by
// page), a probe reader's symbols at the points the picture reads are
// the observations, each wrong with the attack's bit error rate and
// carrying the misread probability η the soft reading gives, and the
// probe is named if its p-value among `readers` candidates is at most
// epsilon. The estimate is the smallest n at which at least IdentifyRate
// of the windows name their probe.

// LayoutReading models how pictures under one attack show layout points,
// from measurement: each point in the picture is read with probability
// ReadRate (the others are missed or erased, never evidence), a point
// read has the wrong symbol with probability BER, and the soft reading
// gives it misread probability Eta.
type LayoutReading struct {
	ReadRate, BER, Eta float64
}

// PointsNeeded returns the estimated number of consecutive layout points
// a leak must show under reading rd, or 0 if the whole document would not
// do.
func (lc *LayoutCode) PointsNeeded(readers int, epsilon float64, rd LayoutReading) int {
	total := lc.Points
	if total == 0 || !(rd.ReadRate > 0) {
		return 0
	}
	eta := math.Min(math.Max(rd.Eta, etaFloorExact), etaErase)
	named := func(n int) bool {
		rng := rand.New(rand.NewPCG(uint64(n), 0x1a7c))
		ok, need := 0, int(math.Ceil(IdentifyRate*capacitySamples))
		for k := 0; k < capacitySamples; k++ {
			if ok >= need || k-ok > capacitySamples-need {
				break // decided
			}
			start := 0
			if total > n {
				start = rng.IntN(total - n + 1)
			}
			var points []int
			var wrong []bool
			for i := start; i < start+n; i++ {
				read, flip := rng.Float64() < rd.ReadRate, rng.Float64() < rd.BER
				if read {
					points = append(points, i)
					wrong = append(wrong, flip)
				}
			}
			biases := lc.Biases(points)
			probe := lc.Symbols(probeName(k), points, biases)
			obs := make([]Observation, len(points))
			for j := range obs {
				sym := probe[j]
				if wrong[j] {
					sym = 1 - sym // a layout point is binary
				}
				obs[j] = Observation{Point: j, Symbols: []uint8{sym}, Eta: eta, Layout: true}
			}
			s := newScorer(obs, biases)
			sc, _ := s.score(probe)
			if s.pValue(sc, readers) <= epsilon {
				ok++
			}
		}
		return ok >= need
	}
	// Grow the window until the probe is named, then narrow it down.
	lo, hi := 1, 16
	for !named(min(hi, total)) {
		if hi >= total {
			return 0
		}
		lo, hi = hi+1, hi*2
	}
	hi = min(hi, total)
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
