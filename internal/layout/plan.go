package layout

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/marks"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/bidi"
)

// Version1 is the first layout scheme. Every typographic parameter of
// this file (page, margins, fonts and sizes, leading, the break rules,
// where layout points go and Delta) belongs to it: a copy issued under
// version 1 is typeset the same way by every later leaktrace.
// TestVersion1IsPinned holds version 1's PDFs of fixed documents to
// their SHA-256s; a change that moves them needs a new version.
const Version1 = 1

// Errors.
var (
	// ErrGlyph: the document holds a character none of the fonts can draw.
	ErrGlyph = errors.New("character the PDF fonts cannot draw")
	// ErrDirection: the document holds right-to-left text (Hebrew,
	// Arabic), which the typesetter, laying words out left to right,
	// would draw backwards.
	ErrDirection = errors.New("right-to-left text, which the PDF typesetter cannot lay out")
	// ErrVersion: a layout version this leaktrace does not know.
	ErrVersion = errors.New("unknown layout version")
	// ErrFormat: a document format the typesetter does not handle.
	ErrFormat = errors.New("format not typeset as PDF")
)

// Version 1's page: US Letter, in points.
const (
	pageW, pageH = 612.0, 792.0
	margin       = 72.0
	textW        = pageW - 2*margin
	bottom       = pageH - margin // lowest baseline of the body

	bodySize, bodyLeading = 11.0, 14.5
	codeSize, codeLeading = 9.5, 12.0
	titleSize             = 18.0
	paraSkip              = 6.0  // between blocks
	indentStep            = 18.0 // per list or quotation level
	folioSize             = 9.0
	folioY                = pageH - 40 // page number baseline
	footerY               = pageH - 28 // reader footer baseline
	footerSize            = 8.0

	// delta1 is version 1's word shift, in points: 0.35 pt (1/206 in),
	// 13% of the body's 2.75 pt interword space. It lies between
	// Brassil et al.'s 1/300 in and 1/150 in, and under the spread of
	// interword spaces any justified page shows, so a shifted word does
	// not stand out; it is still 0.47 px at 96 dpi and 1.5 px in a
	// 300 dpi scan, and reading it differentially doubles it.
	delta1 = 0.35
)

func headingSize(level int) float64 {
	switch level {
	case 1:
		return 16
	case 2:
		return 13.5
	}
	return 12
}

// seg is a piece of a word: literal text, or a text point (its source
// variant's visible text in text).
type seg struct {
	text  string
	point int // index into the set's points, or -1
}

// run is the part of a word in one typeface.
type run struct {
	st   style
	size float64
	segs []seg
}

// box is a word as typeset: text between breakable spaces. A text point's
// span never contains a break, so it lies within one box.
type box struct {
	runs []run
	w    float64 // width with the source's variants
	wMax float64 // widest any copy's variants make it: what breaking uses
	// space is the interword space that follows the box.
	space      float64
	inkL, inkR float64 // ink extents with the source variants, from the box's left
	hasPoint   bool
	norm       string // the word normalized for matching
}

// pitch is how far the next box on the line starts from this box's
// left edge: the box's width and its space, rounded to the PDF writer's
// 1/100 pt so that every gap is the same in every copy.
func (b *box) pitch(w float64) float64 { return round2(w + b.space) }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// line is a typeset line.
type line struct {
	page  int
	x, y  float64 // left edge and baseline
	boxes []box
	body  bool // body prose: may carry layout points
}

// decor is text drawn that is no word of the document: list markers,
// the header names of an email.
type decor struct {
	page int
	x, y float64
	st   style
	size float64
	text string
}

// point is a layout point: a word moved by ±Delta.
type point struct{ line, box int }

// Plan is a document typeset for version Version: the same for every
// reader. A reader's copy differs only in the text points' variants and
// the layout points' shifts.
type Plan struct {
	Version int
	title   string
	set     *marks.Set
	lines   []line
	decors  []decor
	rules   []rule
	points  []point
	pages   int
	delta   float64
	// noInk: the plan knows no ink extents (a reference rendering read
	// from a PDF that was not rasterized), so pictures are not measured.
	noInk bool
	// reflows: a copy's lines may break elsewhere than the plan's (a
	// reference plan: the word processor breaks each copy's lines after
	// its own text variants), so a line that runs on is no sign of
	// another typesetter.
	reflows bool
}

// rule is a horizontal line (a thematic break) or a quotation bar.
type rule struct {
	page           int
	x1, y1, x2, y2 float64
}

// NewPlan typesets set's document under layout version.
func NewPlan(set *marks.Set, title string, version int) (*Plan, error) {
	if version != Version1 {
		return nil, fmt.Errorf("%w: %d (this leaktrace typesets version %d)", ErrVersion, version, Version1)
	}
	if err := loadFaces(); err != nil {
		return nil, err
	}
	t := &typesetter{p: &Plan{Version: version, title: title, set: set, delta: delta1}, page: 1}
	t.points = make([][]int, len(set.Doc.Regions()))
	for i, p := range set.Points {
		t.points[p.Region] = append(t.points[p.Region], i)
	}
	for _, ps := range t.points {
		sort.SliceStable(ps, func(a, b int) bool { return set.Points[ps[a]].Start < set.Points[ps[b]].Start })
	}
	if err := t.check(title, sansBold, "the title"); err != nil {
		return nil, err
	}
	// The title, broken between words onto lines of the text block's
	// width (a word wider than that stands alone); none when empty.
	t.y = margin
	if lines := t.titleLines(title); len(lines) > 0 {
		for i, l := range lines {
			if i > 0 {
				t.y += titleSize * 1.2
			} else {
				t.y += titleSize
			}
			t.p.decors = append(t.p.decors, decor{page: 1, x: margin, y: t.y, st: sansBold, size: titleSize, text: l})
		}
		t.y += 10
	}
	var err error
	switch set.Doc.Format() {
	case "txt":
		err = t.plain(0, 0)
	case "md":
		err = t.markdown()
	case "eml":
		err = t.email()
	default:
		err = fmt.Errorf("%w: %s", ErrFormat, set.Doc.Format())
	}
	if err != nil {
		return nil, err
	}
	t.p.pages = t.page
	t.placePoints()
	return t.p, nil
}

// Delta is the word shift of a layout point, in points.
func (p *Plan) Delta() float64 { return p.delta }

// NumPoints is the number of layout points.
func (p *Plan) NumPoints() int { return len(p.points) }

// Pages is the number of pages.
func (p *Plan) Pages() int { return p.pages }

// PointsOnPage counts the layout points on page (1-based).
func (p *Plan) PointsOnPage(page int) int {
	n := 0
	for _, pt := range p.points {
		if pt.line >= 0 && p.lines[pt.line].page == page {
			n++
		}
	}
	return n
}

// Specs describes the layout points to the code: binary, spread biases.
func (p *Plan) Specs() []code.Spec {
	out := make([]code.Spec, len(p.points))
	for i := range out {
		out[i] = code.Spec{Arity: 2, Class: code.Spread}
	}
	return out
}

// typesetter places blocks one after another down the pages.
type typesetter struct {
	p      *Plan
	page   int
	y      float64 // baseline of the last line placed
	points [][]int // per region, the set's point indexes by start
}

// piece is inline content of a block: a span of a region's text in one
// typeface, literal text that is not in the region, or a hard break.
type piece struct {
	start, end int
	lit        string
	st         style
	size       float64
	hard       bool
}

// block is a paragraph-like unit to break into lines.
type block struct {
	region  int
	pieces  []piece
	indent  float64
	leading float64
	body    bool
	pre     bool   // preformatted: spaces are kept and never break
	marker  string // list marker, drawn left of the first line
	skip    float64
}

// advance moves to the next baseline, leading below, starting a new page
// when it would fall under the bottom margin.
func (t *typesetter) advance(leading float64) {
	if t.y+leading > bottom {
		t.page++
		t.y = margin + bodySize
		return
	}
	t.y += leading
}

// titleLines breaks the title into lines that fit the text block:
// between words, and inside a word wider than a line (a file name).
func (t *typesetter) titleLines(title string) []string {
	fits := func(s string) bool {
		w, _, _ := faces[sansBold].width(s, titleSize)
		return w <= textW
	}
	var out []string
	cur := ""
	for _, w := range strings.Fields(clean(title)) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && !fits(next) {
			out = append(out, cur)
			next = w
		}
		for !fits(next) {
			rs := []rune(next)
			n := len(rs) - 1
			for n > 1 && !fits(string(rs[:n])) {
				n--
			}
			out = append(out, string(rs[:n]))
			next = string(rs[n:])
		}
		cur = next
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// check fails when a face can't draw a character of s, or s holds
// right-to-left text.
func (t *typesetter) check(s string, st style, where string) error {
	if _, r, ok := faces[st].width(clean(s), 10); !ok {
		return fmt.Errorf("%w: %q (U+%04X) in %s", ErrGlyph, r, r, where)
	}
	if r, ok := rightToLeft(s); ok {
		return fmt.Errorf("%w: %q (U+%04X) in %s", ErrDirection, r, r, where)
	}
	return nil
}

// rightToLeft returns the first strong right-to-left letter of s
// (bidirectional class R or AL), if any.
func rightToLeft(s string) (rune, bool) {
	for _, r := range s {
		if r < 0x0590 {
			continue
		}
		if p, _ := bidi.LookupRune(r); p.Class() == bidi.R || p.Class() == bidi.AL {
			return r, true
		}
	}
	return 0, false
}

// clean drops what is never drawn: format characters (zero-width marks)
// and controls, with tabs made spaces.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u2011' || unicode.Is(unicode.Cf, r)
	}) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r >= 0x80 && r <= 0x9f:
			// A C1 control in text is a Windows-1252 character decoded
			// as Latin-1 (U+0092 for ’): it is drawn as that character,
			// and dropped where Windows-1252 has none.
			if c := charmap.Windows1252.DecodeByte(byte(r)); c != utf8.RuneError && c >= 0xa0 {
				b.WriteRune(c)
			}
		case r == '\u2011':
			// The non-breaking hyphen, which the fonts lack, is drawn
			// as the hyphen it looks like; lines never break at either.
			b.WriteByte('-')
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBreak(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
}

// boxes cuts a block's pieces into boxes, keeping every text point's span
// inside one box.
func (t *typesetter) boxes(bl *block) ([]box, []bool, error) {
	text := ""
	var pts []int
	if bl.region >= 0 {
		text = t.p.set.Doc.Regions()[bl.region].Text
		pts = t.points[bl.region]
	}
	var out []box
	var hard []bool // hard break after box i
	open := false
	add := func(st style, size float64, s string, pt int) {
		if !open {
			out = append(out, box{})
			hard = append(hard, false)
			open = true
		}
		b := &out[len(out)-1]
		if n := len(b.runs); n == 0 || b.runs[n-1].st != st || b.runs[n-1].size != size {
			b.runs = append(b.runs, run{st: st, size: size})
		}
		r := &b.runs[len(b.runs)-1]
		if n := len(r.segs); pt < 0 && n > 0 && r.segs[n-1].point < 0 {
			r.segs[n-1].text += s
			return
		}
		r.segs = append(r.segs, seg{text: s, point: pt})
		if pt >= 0 {
			b.hasPoint = true
		}
	}
	literal := func(st style, size float64, s string) {
		for _, r := range s {
			if bl.pre && (r == ' ' || r == '\t') {
				add(st, size, " ", -1)
				continue
			}
			if isBreak(r) {
				open = false
				continue
			}
			if r < 0x20 || r == 0x7f || unicode.Is(unicode.Cf, r) {
				continue
			}
			add(st, size, clean(string(r)), -1)
		}
	}
	pi := 0
	skipTo := 0
	for _, pc := range bl.pieces {
		if pc.hard {
			open = false
			if len(hard) > 0 {
				hard[len(hard)-1] = true
			}
			continue
		}
		if pc.lit != "" {
			literal(pc.st, pc.size, pc.lit)
			continue
		}
		for pos := max(pc.start, skipTo); pos < pc.end; {
			for pi < len(pts) && t.p.set.Points[pts[pi]].Start < pos {
				pi++
			}
			jumped := false
			for pi < len(pts) && t.p.set.Points[pts[pi]].Start == pos {
				p := &t.p.set.Points[pts[pi]]
				idx := pts[pi]
				pi++
				if invisible(p) {
					continue
				}
				add(pc.st, pc.size, clean(p.Variants[p.Orig]), idx)
				if p.End > pos {
					pos, skipTo, jumped = p.End, p.End, true
					break
				}
			}
			if jumped {
				continue
			}
			r, n := utf8.DecodeRuneInString(text[pos:])
			literal(pc.st, pc.size, string(r))
			pos += n
		}
	}
	// Measure, and check every variant can be drawn.
	for i := range out {
		b := &out[i]
		last := b.runs[len(b.runs)-1]
		b.space, _, _ = faces[last.st].width(" ", last.size)
		var norm strings.Builder
		inked := false
		for _, r := range b.runs {
			f := faces[r.st]
			for _, s := range r.segs {
				w, bad, ok := f.width(s.text, r.size)
				if !ok {
					return nil, nil, fmt.Errorf("%w: %q (U+%04X) in %q", ErrGlyph, bad, bad, s.text)
				}
				if bad, ok := rightToLeft(s.text); ok {
					return nil, nil, fmt.Errorf("%w: %q (U+%04X) in %q", ErrDirection, bad, bad, s.text)
				}
				wm := w
				if s.point >= 0 {
					for _, v := range t.p.set.Points[s.point].Variants {
						vw, bad, ok := f.width(clean(v), r.size)
						if !ok {
							return nil, nil, fmt.Errorf("%w: %q (U+%04X) in the variant %q", ErrGlyph, bad, bad, v)
						}
						if bad, ok := rightToLeft(v); ok {
							return nil, nil, fmt.Errorf("%w: %q (U+%04X) in the variant %q", ErrDirection, bad, bad, v)
						}
						wm = max(wm, vw)
					}
				}
				if l, rr, ok := f.ink(s.text, r.size); ok {
					if !inked {
						b.inkL, inked = b.w+l, true
					}
					b.inkR = b.w + rr
				}
				b.w += w
				b.wMax += wm
				norm.WriteString(s.text)
			}
		}
		b.norm = Normalize(norm.String())
	}
	return out, hard, nil
}

// invisible reports whether a point's variants all look alike on a page:
// only zero-width characters or the amount of white space tell them
// apart, which a typeset page can't carry (nor does its text layer).
func invisible(p *marks.Point) bool {
	v0 := looks(p.Variants[0])
	for _, v := range p.Variants[1:] {
		if looks(v) != v0 {
			return false
		}
	}
	return true
}

// looks is what a typeset page shows of s.
func looks(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

// Normalize is how words are compared between a plan and a leak: lower
// case letters and digits only.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// setBlock breaks a block into lines and places them.
func (t *typesetter) setBlock(bl *block) error {
	bs, hard, err := t.boxes(bl)
	if err != nil {
		return err
	}
	if len(bs) == 0 && bl.marker == "" {
		return nil
	}
	// Deep nesting stops indenting at half the text block.
	indent := min(bl.indent, textW/2)
	left := margin + indent
	avail := textW - indent
	// Split any box wider than a whole line.
	for i := 0; i < len(bs); i++ {
		if bs[i].wMax > avail {
			parts := t.split(bs[i], avail)
			h := hard[i]
			bs = append(bs[:i], append(parts, bs[i+1:]...)...)
			hs := make([]bool, len(parts))
			hs[len(hs)-1] = h
			hard = append(hard[:i], append(hs, hard[i+1:]...)...)
			i += len(parts) - 1
		}
	}
	t.y += bl.skip
	first := true
	for i := 0; i < len(bs) || first; {
		j := i
		x := 0.0
		for j < len(bs) {
			if j > i && x+bs[j].wMax > avail {
				break
			}
			x += bs[j].pitch(bs[j].wMax)
			j++
			if hard[j-1] {
				break
			}
		}
		t.advance(bl.leading)
		if first && bl.marker != "" {
			st := serif
			w, _, _ := faces[st].width(bl.marker, bodySize)
			t.p.decors = append(t.p.decors, decor{page: t.page, x: round2(left - w - 4), y: t.y, st: st, size: bodySize, text: bl.marker})
		}
		first = false
		t.p.lines = append(t.p.lines, line{page: t.page, x: round2(left), y: t.y, boxes: bs[i:j], body: bl.body})
		i = j
	}
	return nil
}

// split cuts a box too wide for a line into boxes that fit, between
// characters of its literal text; a text point stays whole.
func (t *typesetter) split(b box, avail float64) []box {
	type unit struct {
		st   style
		size float64
		s    seg
		w    float64
	}
	var us []unit
	for _, r := range b.runs {
		for _, s := range r.segs {
			if s.point >= 0 {
				w := 0.0
				for _, v := range t.p.set.Points[s.point].Variants {
					vw, _, _ := faces[r.st].width(clean(v), r.size)
					w = max(w, vw)
				}
				us = append(us, unit{r.st, r.size, s, w})
				continue
			}
			for _, c := range s.text {
				w, _, _ := faces[r.st].width(string(c), r.size)
				us = append(us, unit{r.st, r.size, seg{string(c), -1}, w})
			}
		}
	}
	var out []box
	for i := 0; i < len(us); {
		nb := box{}
		w := 0.0
		j := i
		for j < len(us) && (j == i || w+us[j].w <= avail) {
			u := us[j]
			if n := len(nb.runs); n == 0 || nb.runs[n-1].st != u.st || nb.runs[n-1].size != u.size {
				nb.runs = append(nb.runs, run{st: u.st, size: u.size})
			}
			r := &nb.runs[len(nb.runs)-1]
			if n := len(r.segs); u.s.point < 0 && n > 0 && r.segs[n-1].point < 0 {
				r.segs[n-1].text += u.s.text
			} else {
				r.segs = append(r.segs, u.s)
			}
			if u.s.point >= 0 {
				nb.hasPoint = true
				vw, _, _ := faces[u.st].width(u.s.text, u.size)
				nb.w += vw
			} else {
				nb.w += u.w
			}
			nb.wMax += u.w
			w += u.w
			j++
		}
		nb.space = 0
		nb.norm = ""
		out = append(out, nb)
		i = j
	}
	if len(out) > 0 {
		out[len(out)-1].space = b.space
	}
	return out
}

// placePoints chooses the layout points: on body lines of four words or
// more, the interior words at odd positions whose word and neighbours are
// plain body text outside every text point.
func (t *typesetter) placePoints() {
	for li, l := range t.p.lines {
		if !l.body || len(l.boxes) < 4 {
			continue
		}
		plain := func(k int) bool {
			b := &l.boxes[k]
			return !b.hasPoint && len(b.runs) == 1 && b.runs[0].st == serif && b.runs[0].size == bodySize && b.norm != "" && b.inkR > b.inkL
		}
		for k := 1; k+1 < len(l.boxes); k += 2 {
			if plain(k-1) && plain(k) && plain(k+1) {
				t.p.points = append(t.p.points, point{line: li, box: k})
			}
		}
	}
}

// PointInfo describes layout point i for reports: the page it is on, and
// its line's words with the moved one in brackets.
func (p *Plan) PointInfo(i int) (page int, context string) {
	pt := p.points[i]
	if pt.line < 0 {
		return 0, "" // a reference plan's slot not found on its rendering
	}
	l := &p.lines[pt.line]
	var b strings.Builder
	for k := range l.boxes {
		if k > 0 {
			b.WriteByte(' ')
		}
		var w strings.Builder
		for _, r := range l.boxes[k].runs {
			for _, s := range r.segs {
				w.WriteString(s.text)
			}
		}
		if k == pt.box {
			b.WriteString("[" + w.String() + "]")
		} else {
			b.WriteString(w.String())
		}
	}
	return l.page, b.String()
}
