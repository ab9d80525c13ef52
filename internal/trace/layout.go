package trace

import (
	"math"
	"sort"
	"strings"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Layout points.
//
// A layout point is a word of a typeset page moved by ±Delta along its
// line; a reader of a picture or a PDF measures the shift s with a
// standard deviation σ (see the layout package). Its hard symbol is the
// sign (s > 0: symbol 1, moved right), and given s the probability that
// the sign is wrong is, for a Gaussian error,
//
//	η = 1 / (1 + exp(2·|s|·Delta/σ²)),
//
// floored at etaFloor (etaFloorExact for a PDF's exact positions, σ = 0):
// no reading is trusted beyond what the typesetter and the reader can
// promise. A point with η above etaErase is erased: it is counted as
// unreadable and is never evidence. η depends on the measurement alone,
// never on any reader, so it is fixed given the observations and the
// tail of an innocent's score stays exact (see score.go).
//
// Layout points have a code of their own, derived from the document id
// under layout.CodeDomain: a reader's layout symbols are independent of
// their text symbols, so both channels' observations of one leak score
// the same reader as independent evidence.

// Soft-value limits.
const (
	etaFloor      = 0.01
	etaFloorExact = 0.001
	etaErase      = 0.4
	// inconsistent is how far from ±δ, as a share of δ, beyond four
	// standard errors, a reading may lie and still be read as a mark.
	inconsistent = 0.1
	// exactSpread is the largest spread of a PDF page's exact readings
	// around ±δ (rms, pt) that is taken for glyph positions as written:
	// a PDF's own positions are rounded to 1/100 pt. A text layer an OCR
	// program made is far more spread, and its page's spread becomes its
	// readings' standard error.
	exactSpread = 0.02
)

// calibrateExact gives the exact readings (σ = 0) of each page whose
// readings lie farther from ±δ than a PDF's positions allow the spread
// they show as their standard error. It depends on the measurements
// alone.
func calibrateExact(obs []layout.Observation, delta float64) []layout.Observation {
	sq := map[string]float64{}
	n := map[string]int{}
	for _, o := range obs {
		if o.Sigma == 0 && !math.IsNaN(o.Shift) && !math.IsInf(o.Shift, 0) {
			d := math.Abs(o.Shift) - delta
			sq[o.Source] += d * d
			n[o.Source]++
		}
	}
	out := make([]layout.Observation, len(obs))
	copy(out, obs)
	for i, o := range out {
		if o.Sigma != 0 || n[o.Source] == 0 {
			continue
		}
		if r := math.Sqrt(sq[o.Source] / float64(n[o.Source])); r > exactSpread {
			out[i].Sigma = r
		}
	}
	return out
}

// FromLayout turns a measured layout point into an observation. ok is
// false when the point is erased: no usable shift, or a misread
// probability above etaErase.
func FromLayout(o layout.Observation, delta float64) (obs Observation, ok bool) {
	s, sigma := o.Shift, o.Sigma
	if math.IsNaN(s) || math.IsInf(s, 0) || math.IsNaN(sigma) || math.IsInf(sigma, 0) || sigma < 0 || s == 0 || !(delta > 0) {
		return Observation{}, false
	}
	var e float64
	if math.Abs(math.Abs(s)-delta) > 4*sigma+inconsistent*delta {
		// Neither mark would read so: two colluders' exact readings
		// pooled to nothing, or a word the plan does not place there.
		return Observation{}, false
	}
	if sigma == 0 {
		e = etaFloorExact
	} else {
		e = math.Max(etaFloor, 1/(1+math.Exp(2*math.Abs(s)*delta/(sigma*sigma))))
	}
	if e > etaErase {
		return Observation{}, false
	}
	sym := uint8(0)
	if s > 0 {
		sym = 1
	}
	return Observation{Point: o.Point, Symbols: []uint8{sym}, Eta: e, Layout: true, Source: o.Source}, true
}

// LayoutCode is a document's layout channel as typeset under one layout
// scheme: its points' code and the shift the marks were made with.
type LayoutCode struct {
	Version int
	Delta   float64 // the word shift, in pt
	Points  int     // the plan's layout points
	// Biases and Symbols are the layout code's, as Source's are the text
	// code's.
	Biases  func(points []int) []code.Point
	Symbols func(reader string, points []int, biases []code.Point) []uint8
}

// NewLayoutCode derives, point by point on demand, the layout code of
// document docID whose plan (under layout scheme version) has points
// specs, marked with shifts of ±delta.
func NewLayoutCode(key code.Key, docID string, version int, specs []code.Spec, delta float64) *LayoutCode {
	return NewLayoutCodeIn(key, layout.CodeDomain(version)+docID, version, specs, delta)
}

// NewLayoutCodeIn is NewLayoutCode for the code derived under domain (a
// document's native layout points: layout.NativeDomain and its id).
func NewLayoutCodeIn(key code.Key, domain string, version int, specs []code.Spec, delta float64) *LayoutCode {
	lazy := code.NewLazy(key, domain, specs)
	return &LayoutCode{Version: version, Delta: delta, Points: len(specs), Biases: lazy.Points,
		Symbols: func(reader string, points []int, biases []code.Point) []uint8 {
			out := make([]uint8, len(points))
			lazy.SymbolsAt(reader, points, biases, out)
			return out
		}}
}

// CombineLayout pools measurements of the same layout points, from
// several pictures or pages of one leak, into one per point: the
// inverse-variance mean of the shifts, with the standard deviation that
// gives. Exact readings (σ = 0, a PDF) outweigh any measured one. It is a
// function of the measurements alone, so an innocent's symbol at each
// point remains one draw from its bias. The result is sorted by point;
// Source lists every page the point was measured on.
func CombineLayout(obs []layout.Observation) []layout.Observation {
	byPoint := map[int][]layout.Observation{}
	var pts []int
	for _, o := range obs {
		if byPoint[o.Point] == nil {
			pts = append(pts, o.Point)
		}
		byPoint[o.Point] = append(byPoint[o.Point], o)
	}
	sort.Ints(pts)
	out := make([]layout.Observation, 0, len(pts))
	for _, p := range pts {
		group := byPoint[p]
		if len(group) == 1 {
			out = append(out, group[0])
			continue
		}
		// A fixed order, so that rounding is the same every time.
		sort.Slice(group, func(i, j int) bool {
			if group[i].Source != group[j].Source {
				return group[i].Source < group[j].Source
			}
			return group[i].Shift < group[j].Shift
		})
		var exact, exactN, wsum, w float64
		var sources []string
		for _, o := range group {
			if o.Source != "" && (len(sources) == 0 || sources[len(sources)-1] != o.Source) {
				sources = append(sources, o.Source)
			}
			switch {
			case o.Sigma == 0:
				exact += o.Shift
				exactN++
			case o.Sigma > 0:
				wsum += o.Shift / (o.Sigma * o.Sigma)
				w += 1 / (o.Sigma * o.Sigma)
			}
		}
		c := layout.Observation{Point: p, Source: joinSources(sources)}
		switch {
		case exactN > 0:
			c.Shift = exact / exactN
		case w > 0:
			c.Shift, c.Sigma = wsum/w, 1/math.Sqrt(w)
		default:
			c.Shift, c.Sigma = math.NaN(), math.NaN() // nothing usable: erased
		}
		out = append(out, c)
	}
	return out
}

// sourceSep joins the pages a pooled point was measured on.
const sourceSep = " + "

func joinSources(s []string) string { return strings.Join(s, sourceSep) }

// AddLayout adds a leak's layout measurements of the match's document,
// typeset as lc, to its observations: measurements of one point are
// pooled (CombineLayout), points whose shift can't be told are counted
// unreadable. It must be called before Score, at most once.
func (m *Match) AddLayout(lc *LayoutCode, measured []layout.Observation) {
	m.layout = lc
	for _, o := range CombineLayout(calibrateExact(measured, lc.Delta)) {
		if o.Point < 0 || o.Point >= lc.Points {
			continue
		}
		m.PointsCovered++
		ob, ok := FromLayout(o, lc.Delta)
		if !ok {
			m.Erased[marks.Layout]++
			continue
		}
		m.Observations = append(m.Observations, ob)
		m.ByChannel[marks.Layout]++
	}
	m.biases = nil
}

// LayoutSummary says what a match's layout observations show about a
// reader: how many were read, how many agree with the reader's copy, and
// the pages they were measured on, in order.
type LayoutSummary struct {
	Read, Agree int
	Sources     []string
}

// LayoutFor summarizes the match's layout observations against reader's
// copy.
func (m *Match) LayoutFor(reader string) LayoutSummary {
	var sum LayoutSummary
	if m.layout == nil {
		return sum
	}
	pts, biases := m.observed()
	syms := m.symbols(reader, pts, biases)
	seen := map[string]bool{}
	for i, o := range m.Observations {
		if !o.Layout {
			continue
		}
		sum.Read++
		if syms[i] == o.Symbols[0] {
			sum.Agree++
		}
		for _, src := range strings.Split(o.Source, sourceSep) {
			if src != "" && !seen[src] {
				seen[src] = true
				sum.Sources = append(sum.Sources, src)
			}
		}
	}
	sort.Strings(sum.Sources)
	return sum
}

// NewMatch returns a match of src with no text observations, for layout
// observations alone (AddLayout): a leak whose document is known and
// whose marks are all in its layout.
func NewMatch(src *Source) *Match {
	return &Match{Source: src, ByChannel: map[marks.Channel]int{}, Erased: map[marks.Channel]int{}}
}
