// Package trace reads the marks that survive in a leaked fragment and
// names the reader whose copy it came from, with the probability that an
// innocent reader would score as high.
//
// The pipeline for one registered document: align the fragment's tokens
// to the document's (align.go), read each variation point in the aligned
// stretches (read.go), and score every reader who was issued a copy
// (score.go). Finding which documents a fragment comes from is the index
// package's job.
package trace

import (
	"slices"
	"sort"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Source is a registered document prepared for tracing.
type Source struct {
	ID      string
	Regions []string      // the document's markable text
	Points  []marks.Point // its variation points
	// ProseWords is the document's registered word count: the words of
	// its prose outside protected text (links, code, signatures), after
	// Unicode normalization. A trace counts every word of the text as
	// written ([Match.SourceWords]), so the two may differ.
	ProseWords int
	// Readers are the candidates: every reader issued a copy.
	Readers []string
	// Biases returns the code's points (their biases) at the given point
	// indexes. A trace asks only for the points it read, so a source may
	// derive them on demand instead of holding a long document's whole
	// code (see code.Lazy).
	Biases func(points []int) []code.Point
	// Symbols returns a reader's symbols at the given points, given their
	// biases (from Biases): many readers are scored against the same
	// points, whose biases are derived once.
	Symbols func(reader string, points []int, biases []code.Point) []uint8
}

// pointsOf returns the points of observations, in order.
func pointsOf(obs []Observation) []int {
	pts := make([]int, len(obs))
	for i, o := range obs {
		pts[i] = o.Point
	}
	return pts
}

// SymbolsAt returns a reader's symbols at the given points, deriving only
// those points' biases.
func (src *Source) SymbolsAt(reader string, points []int) []uint8 {
	return src.Symbols(reader, points, src.Biases(points))
}

// Leak is a leaked fragment, tokenized once for every source.
type Leak struct {
	Text   string
	Tokens []marks.Token
	// Input numbers the leak among the inputs of one trace, whose
	// matches Pool combines; its observations carry it.
	Input int
	// Erase lists channels whose points the leak's carrier can't show
	// faithfully (OCR of a picture guesses quote shapes and drops
	// zero-width characters: the typographic channel). Their points are
	// erased, never read.
	Erase []marks.Channel
}

// NewLeak tokenizes a leaked text.
func NewLeak(text string) *Leak { return &Leak{Text: text, Tokens: marks.Spans(text)} }

// Match is what a leak shows about one source document.
type Match struct {
	Source        *Source
	MatchedWords  int // leak words aligned to the document
	LeakWords     int
	SourceWords   int // words of the document's text, all counted as the leak's are
	CoveredWords  int // source words inside the aligned stretches
	PointsCovered int // variation points inside the aligned stretches
	Observations  []Observation
	// ByChannel counts observations per channel; Erased counts points in
	// the aligned stretches that could not be read, per channel.
	ByChannel map[marks.Channel]int
	Erased    map[marks.Channel]int
	Suspects  []Suspect
	// Readers is how many readers the p-values were corrected for, and
	// Decisive the p-value a reader whose copy agreed with every mark
	// read would get: above ε, the marks read could not name anyone,
	// whoever leaked; far below it with nobody accused, the marks are
	// likely from no candidate's copy. Both are set by Score.
	Readers  int
	Decisive float64
	// leakTokens claimed by this match, for overlap checks.
	claimed []int
	// biases of the observed points, in observation order, once derived.
	biases []code.Point
	// layout is the document's layout code, when the leak showed layout
	// points (AddLayout).
	layout *LayoutCode
	// covered marks the source tokens and the points inside the aligned
	// stretches, for pooling matches (Pool).
	covered    []bool
	coveredPts []bool
}

// Options tune a trace.
type Options struct {
	Epsilon float64 // accuse at p-value ≤ Epsilon
	Keep    int     // suspects to report at least
	// Candidates is the number of readers the p-values are corrected
	// for: every reader of every document the trace scores, so that the
	// chance of accusing any innocent in the whole trace is at most
	// Epsilon. Zero means the readers of this document only.
	Candidates int
}

// Align aligns the leak to a source and reads its marks. It returns nil if
// the leak does not align to the source well enough.
func Align(src *Source, leak *Leak) *Match {
	rd := newReader(src.Regions, src.Points)
	ids := map[string]int32{}
	var words []string
	lt := make([]string, len(leak.Tokens))
	for i, t := range leak.Tokens {
		lt[i] = t.Text
	}
	st := make([]string, len(rd.tokens))
	for i, t := range rd.tokens {
		st[i] = t.Text
	}
	frag := intern(ids, &words, lt)
	srcIDs := intern(ids, &words, st)
	pairs := newAligner(words, frag, srcIDs).align(frag, srcIDs)
	if len(pairs) == 0 {
		return nil
	}
	m := &Match{Source: src, LeakWords: len(leak.Tokens), SourceWords: len(rd.tokens),
		ByChannel: map[marks.Channel]int{}, Erased: map[marks.Channel]int{}}
	// Coverage: source tokens spanned by each alignment block.
	type span struct{ lo, hi int }
	blocks := map[int]*span{}
	for _, p := range pairs {
		m.MatchedWords++
		m.claimed = append(m.claimed, p.Frag)
		b := blocks[p.Block]
		if b == nil {
			blocks[p.Block] = &span{p.Src, p.Src}
		} else {
			b.lo, b.hi = min(b.lo, p.Src), max(b.hi, p.Src)
		}
	}
	covered := make([]bool, len(rd.tokens))
	for _, b := range blocks {
		for i := b.lo; i <= b.hi; i++ {
			covered[i] = true
		}
	}
	for _, c := range covered {
		if c {
			m.CoveredWords++
		}
	}
	m.Observations = rd.read(leak.Text, leak.Tokens, pairs)
	if len(leak.Erase) > 0 {
		kept := m.Observations[:0]
		for _, o := range m.Observations {
			if !slices.Contains(leak.Erase, src.Points[o.Point].Channel) {
				kept = append(kept, o)
			}
		}
		m.Observations = kept
	}
	seen := make(map[int]bool, len(m.Observations))
	for i := range m.Observations {
		o := &m.Observations[i]
		o.Input = leak.Input
		seen[o.Point] = true
		m.ByChannel[src.Points[o.Point].Channel]++
	}
	m.covered = covered
	m.coveredPts = make([]bool, len(src.Points))
	for i := range src.Points {
		a, b := rd.flank(&src.Points[i])
		if a >= 0 && covered[a] && covered[b] {
			m.coveredPts[i] = true
			m.PointsCovered++
			if !seen[i] {
				m.Erased[src.Points[i].Channel]++
			}
		}
	}
	if leak.Input != 0 {
		for i := range m.claimed {
			m.claimed[i] = claimKey(leak.Input, m.claimed[i])
		}
	}
	return m
}

// claimKey numbers leak token frag of input in, so that the tokens of
// several inputs are told apart.
func claimKey(in, frag int) int { return in<<40 | frag }

// Score ranks the source's readers against the match's observations.
func (m *Match) Score(opt Options) {
	if len(m.Source.Readers) == 0 {
		return
	}
	pts, biases := m.observed()
	s := newScorer(m.Observations, biases)
	n := max(opt.Candidates, len(m.Source.Readers))
	m.Readers = n
	m.Decisive = s.pValue(s.allAgree(), n)
	symbols := func(r string) []uint8 { return m.symbols(r, pts, biases) }
	m.Suspects = rankSuspects(s, m.Source.Readers, n, symbols, opt.Epsilon, opt.Keep)
}

// observed returns the observed points, in observation order, and their
// biases, derived on first use: a text point's from the document's code,
// a layout point's from its layout code.
func (m *Match) observed() ([]int, []code.Point) {
	pts := pointsOf(m.Observations)
	if m.biases == nil {
		text, lay := m.split()
		m.biases = make([]code.Point, len(pts))
		if len(text) > 0 {
			for k, b := range m.Source.Biases(pick(pts, text)) {
				m.biases[text[k]] = b
			}
		}
		if len(lay) > 0 {
			for k, b := range m.layout.Biases(pick(pts, lay)) {
				m.biases[lay[k]] = b
			}
		}
	}
	return pts, m.biases
}

// split returns the indexes of the text observations and of the layout
// ones.
func (m *Match) split() (text, lay []int) {
	for i, o := range m.Observations {
		if o.Layout {
			lay = append(lay, i)
		} else {
			text = append(text, i)
		}
	}
	return text, lay
}

func pick[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = xs[i]
	}
	return out
}

// symbols returns reader's symbols at the observations, given their
// points and biases (from observed).
func (m *Match) symbols(reader string, pts []int, biases []code.Point) []uint8 {
	text, lay := m.split()
	if len(lay) == 0 {
		return m.Source.Symbols(reader, pts, biases)
	}
	out := make([]uint8, len(pts))
	if len(text) > 0 {
		for k, x := range m.Source.Symbols(reader, pick(pts, text), pick(biases, text)) {
			out[text[k]] = x
		}
	}
	for k, x := range m.layout.Symbols(reader, pick(pts, lay), pick(biases, lay)) {
		out[lay[k]] = x
	}
	return out
}

// SameWords reports whether two matches align exactly the same words of
// the leak: the leak's text then cannot tell their documents apart (a
// revision, or one text registered twice), and only the marks can.
func (m *Match) SameWords(o *Match) bool {
	if m.MatchedWords != o.MatchedWords {
		return false
	}
	mine := make(map[int]bool, len(m.claimed))
	for _, f := range m.claimed {
		mine[f] = true
	}
	theirs := make(map[int]bool, len(o.claimed))
	for _, f := range o.claimed {
		if !mine[f] {
			return false
		}
		theirs[f] = true
	}
	return len(mine) == len(theirs)
}

// Agreeing returns the text observations that agree with a reader's
// copy, in leak order (see LayoutFor for the layout ones).
func (m *Match) Agreeing(reader string) []Observation {
	pts, biases := m.observed()
	syms := m.symbols(reader, pts, biases)
	var out []Observation
	for i, o := range m.Observations {
		if o.Layout {
			continue
		}
		for _, x := range o.Symbols {
			if x == syms[i] {
				out = append(out, o)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Input != out[j].Input {
			return out[i].Input < out[j].Input
		}
		return out[i].LeakStart < out[j].LeakStart
	})
	return out
}
