package layout

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
	"golang.org/x/text/unicode/norm"
)

// A reference plan is the plan of a document laid out by something else
// than the typesetter (a word processor, the source PDF itself): its
// lines and words are those of the unmarked document's rendering as a
// reader of a leak saw it, and its points are the document's native
// layout points (format.Shifter's slots) located on that rendering.
// Observe measures a copy's pictures and PDFs against it as against a
// typeset plan: the gaps a copy shows around a slot's word, less the
// reference's.

// ErrReference: a reference rendering that can't serve as a plan.
var ErrReference = errors.New("unusable reference layout")

// maxCells bounds the table of one alignment of a document's words with
// its rendering's (see alignWords): larger stretches are cut at words
// that occur once in both first.
const maxCells = 1 << 21

// NewReferencePlan makes the plan of a document laid out by something
// else than the typesetter (a word processor, a browser, the source PDF
// itself): ref is what a reader saw of its unmarked rendering, and
// scheme's slots, the document's native layout points, are located on it
// by their words and neighbours. Point i of the plan is slot i; a slot
// not found on ref is never measured.
//
// ref's words are read from a PDF (Ink false) with, where the pages were
// also rasterized, the extents of their ink ([SeenWord.HasInk]): the
// advance boxes serve PDFs of a copy, the ink pictures of one. A plan
// whose reference has no ink measures no picture.
//
// The document's words (its regions' text cut at white space) are
// aligned with the rendering's in reading order, as words are compared
// for Observe (folded to compatibility forms first, so a ligature reads
// as its letters; a word hyphenated across lines matches its halves). A
// slot is located when its word and the words on either side of it in
// its region each match one word of the rendering, side by side on one
// line, every one with its ink measured if the reference has ink, and
// no text point that looks different in some copy touches the three
// words or the spaces between them (it would move a gap, or reflow the
// line, by itself).
func NewReferencePlan(set *marks.Set, scheme format.ShiftScheme, ref []SeenPage) (*Plan, error) {
	if !(scheme.Delta > 0) || math.IsInf(scheme.Delta, 0) {
		return nil, fmt.Errorf("%w: shift %g pt", ErrReference, scheme.Delta)
	}
	p := &Plan{Version: scheme.Version, set: set, delta: scheme.Delta, pages: len(ref), noInk: true, reflows: true}
	// The rendering's words, page by page and line by line.
	var rws []refWord
	for pi, sp := range ref {
		for _, sl := range sp.Lines {
			if len(sl.Words) == 0 {
				continue
			}
			li := len(p.lines)
			l := line{page: pi + 1, x: sl.Words[0].Left, body: true}
			for k, w := range sl.Words {
				b := box{
					runs: []run{{st: serif, segs: []seg{{text: w.Text, point: -1}}}},
					w:    math.Max(w.Right-w.Left, 0),
					norm: Normalize(w.Text),
				}
				if k+1 < len(sl.Words) {
					b.space = sl.Words[k+1].Left - w.Left - b.w
				}
				if w.HasInk() {
					b.inkL, b.inkR = w.InkLeft-w.Left, w.InkRight-w.Left
					p.noInk = false
				}
				l.boxes = append(l.boxes, b)
				if f := fold(w.Text); f != "" {
					rws = append(rws, refWord{line: li, box: k, norm: f})
				}
			}
			p.lines = append(p.lines, l)
		}
	}
	if len(rws) == 0 {
		return nil, fmt.Errorf("%w: the rendering shows no words", ErrReference)
	}
	dws := documentWords(set.Doc.Regions())
	a := make([]string, len(dws))
	for i, w := range dws {
		a[i] = w.norm
	}
	b := make([]string, len(rws))
	for i, w := range rws {
		b[i] = w.norm
	}
	toRef := alignWords(a, b)
	// Boxes whose word may change between copies (a visible text point)
	// do not give the line's scale.
	changing := changingSpans(set)
	for i, j := range toRef {
		if j >= 0 && touches(changing[dws[i].region], dws[i].start, dws[i].end) {
			rw := rws[j]
			p.lines[rw.line].boxes[rw.box].hasPoint = true
		}
	}
	p.points = make([]point, len(scheme.Slots))
	for i, sl := range scheme.Slots {
		p.points[i] = point{line: -1}
		k := sort.Search(len(dws), func(k int) bool {
			return dws[k].region > sl.Region || dws[k].region == sl.Region && dws[k].end >= sl.End
		})
		if k <= 0 || k+1 >= len(dws) || dws[k].region != sl.Region || dws[k].start > sl.Start ||
			dws[k-1].region != sl.Region || dws[k+1].region != sl.Region ||
			sl.End > len(set.Doc.Regions()[sl.Region].Text) || fold(set.Doc.Regions()[sl.Region].Text[sl.Start:sl.End]) != dws[k].norm {
			continue
		}
		jl, j, jr := toRef[k-1], toRef[k], toRef[k+1]
		if jl < 0 || j < 0 || jr < 0 {
			continue
		}
		w, l, r := rws[j], rws[jl], rws[jr]
		if l.line != w.line || r.line != w.line || l.box != w.box-1 || r.box != w.box+1 {
			continue
		}
		if touches(changing[sl.Region], dws[k-1].start, dws[k+1].end) {
			continue
		}
		if !p.noInk {
			bs := p.lines[w.line].boxes
			if !(bs[l.box].inkR > bs[l.box].inkL && bs[w.box].inkR > bs[w.box].inkL && bs[r.box].inkR > bs[r.box].inkL) {
				continue
			}
		}
		p.points[i] = point{line: w.line, box: w.box}
	}
	return p, nil
}

// Located counts the points a plan placed on its pages: all of a typeset
// plan's, the slots a reference plan found.
func (p *Plan) Located() int {
	n := 0
	for _, pt := range p.points {
		if pt.line >= 0 {
			n++
		}
	}
	return n
}

// refWord is a word of a reference rendering: its line and box in the
// plan, and its text folded.
type refWord struct {
	line, box int
	norm      string
}

// docWord is a word of a document's regions: the byte span of its
// region's text between white space, and its text folded.
type docWord struct {
	region, start, end int
	norm               string
}

// fold is how a document's words and a rendering's are compared when
// they are aligned: compatibility forms (ligatures, full-width letters)
// decomposed, then as Normalize.
func fold(s string) string { return Normalize(norm.NFKC.String(s)) }

// documentWords cuts the regions' text into words at white space, in
// document order, leaving out those with no letter or digit.
func documentWords(regions []format.Region) []docWord {
	var out []docWord
	for ri, rg := range regions {
		start := -1
		emit := func(end int) {
			if start >= 0 {
				if f := fold(rg.Text[start:end]); f != "" {
					out = append(out, docWord{region: ri, start: start, end: end, norm: f})
				}
			}
			start = -1
		}
		for i, r := range rg.Text {
			if unicode.IsSpace(r) {
				emit(i)
				continue
			}
			if start < 0 {
				start = i
			}
		}
		emit(len(rg.Text))
	}
	return out
}

// changingSpans lists, per region, the spans of the text points whose
// variants do not all look alike in print: those that differ by more
// than zero-width characters.
func changingSpans(set *marks.Set) [][]format.Span {
	out := make([][]format.Span, len(set.Doc.Regions()))
	for _, pt := range set.Points {
		if pt.Region < 0 || pt.Region >= len(out) {
			continue
		}
		v0 := printed(pt.Variants[0])
		for _, v := range pt.Variants[1:] {
			if printed(v) != v0 {
				out[pt.Region] = append(out[pt.Region], format.Span{Start: pt.Start, End: pt.End})
				break
			}
		}
	}
	return out
}

// printed is s without the characters a page never shows (format
// characters: zero-width spaces and joiners, soft hyphens). White space
// stays: a word processor lays out every space it is given.
func printed(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// touches reports whether any span meets [start, end]: inside it, or
// right at either end (an insertion there).
func touches(spans []format.Span, start, end int) bool {
	for _, s := range spans {
		if s.Start <= end && s.End >= start {
			return true
		}
	}
	return false
}

// alignWords matches a document's words a with its rendering's b, in
// order, and returns for each of a the index of the one word of b it
// matches, or -1 (a word not found, or hyphenated across lines: matched
// to two). Stretches too long to align word by word are first cut at
// words that occur once in both (the longest increasing run of them, as
// patience diff does); a stretch that is still too long and has none is
// left unmatched.
func alignWords(a, b []string) []int {
	out := make([]int, len(a))
	for i := range out {
		out[i] = -1
	}
	alignRange(a, b, 0, len(a), 0, len(b), out)
	return out
}

func alignRange(a, b []string, a0, a1, b0, b1 int, out []int) {
	for a0 < a1 && b0 < b1 && a[a0] == b[b0] {
		out[a0] = b0
		a0++
		b0++
	}
	for a0 < a1 && b0 < b1 && a[a1-1] == b[b1-1] {
		out[a1-1] = b1 - 1
		a1--
		b1--
	}
	if a0 == a1 || b0 == b1 {
		return
	}
	if (a1-a0+1)*(b1-b0+1) <= maxCells {
		alignTable(a, b, a0, a1, b0, b1, out)
		return
	}
	anchors := uniqueAnchors(a, b, a0, a1, b0, b1)
	pa, pb := a0, b0
	for _, an := range anchors {
		alignRange(a, b, pa, an[0], pb, an[1], out)
		out[an[0]] = an[1]
		pa, pb = an[0]+1, an[1]+1
	}
	if len(anchors) > 0 {
		alignRange(a, b, pa, a1, pb, b1, out)
	}
}

// uniqueAnchors returns the pairs (i, j) of words equal and occurring
// once in a[a0:a1] and once in b[b0:b1], the longest run of them in
// order in both.
func uniqueAnchors(a, b []string, a0, a1, b0, b1 int) [][2]int {
	type seen struct{ na, nb, i, j int }
	m := map[string]*seen{}
	for i := a0; i < a1; i++ {
		s := m[a[i]]
		if s == nil {
			s = &seen{}
			m[a[i]] = s
		}
		s.na++
		s.i = i
	}
	for j := b0; j < b1; j++ {
		if s := m[b[j]]; s != nil {
			s.nb++
			s.j = j
		}
	}
	var pairs [][2]int
	for _, s := range m {
		if s.na == 1 && s.nb == 1 {
			pairs = append(pairs, [2]int{s.i, s.j})
		}
	}
	sort.Slice(pairs, func(x, y int) bool { return pairs[x][0] < pairs[y][0] })
	// Longest increasing subsequence in j.
	tails := []int{} // index into pairs of the last of the best run of each length
	prev := make([]int, len(pairs))
	for k, pr := range pairs {
		n := sort.Search(len(tails), func(x int) bool { return pairs[tails[x]][1] >= pr[1] })
		if n > 0 {
			prev[k] = tails[n-1]
		} else {
			prev[k] = -1
		}
		if n == len(tails) {
			tails = append(tails, k)
		} else {
			tails[n] = k
		}
	}
	if len(tails) == 0 {
		return nil
	}
	out := make([][2]int, len(tails))
	for k, x := len(tails)-1, tails[len(tails)-1]; k >= 0; k, x = k-1, prev[x] {
		out[k] = pairs[x]
	}
	return out
}

// alignTable aligns a[a0:a1] with b[b0:b1] by the longest common
// subsequence under wordsMatch, where a word of a may also match two
// consecutive words of b (hyphenated across lines) or two of a one of b
// (run together); only one-to-one matches are recorded.
func alignTable(a, b []string, a0, a1, b0, b1 int, out []int) {
	n, m := a1-a0, b1-b0
	w := m + 1
	dp := make([]int32, (n+1)*w)
	at := func(i, j int) int32 { return dp[i*w+j] }
	// step: the words of a (i..i+di-1) and of b (j..j+dj-1) a match of
	// kind makes, if they match.
	step := func(i, j, kind int) (int, int, bool) {
		switch kind {
		case 0:
			return 1, 1, wordsMatch(a[a0+i], b[b0+j])
		case 1:
			return 1, 2, j+1 < m && wordsMatch(a[a0+i], b[b0+j]+b[b0+j+1])
		default:
			return 2, 1, i+1 < n && wordsMatch(a[a0+i]+a[a0+i+1], b[b0+j])
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := max(at(i+1, j), at(i, j+1))
			for kind := range 3 {
				if di, dj, ok := step(i, j, kind); ok {
					v = max(v, at(i+di, j+dj)+1)
				}
			}
			dp[i*w+j] = v
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		took := false
		for kind := range 3 {
			if di, dj, ok := step(i, j, kind); ok && at(i, j) == at(i+di, j+dj)+1 {
				if kind == 0 {
					out[a0+i] = b0 + j
				}
				i, j, took = i+di, j+dj, true
				break
			}
		}
		if took {
			continue
		}
		if at(i+1, j) >= at(i, j+1) {
			i++
		} else {
			j++
		}
	}
}
