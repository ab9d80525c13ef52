// Package html reads HTML pages as leaktrace documents and writes their
// copies back.
//
// Only the text of the page's prose is marked: the text nodes outside
// scripts, styles, preformatted and code elements, form fields, the
// title, foreign content (SVG, MathML) and any element marked
// contenteditable or translate="no". A paragraph is one region even when
// it runs through inline elements (<a>, <em>…), so that the lexical
// channel sees whole sentences; an edit never crosses a tag. Character
// references (&amp;, &#8217;…) are protected: an edit never changes what
// they mean. Everything else, every tag, attribute, comment, script and
// style, stays byte for byte.
//
// A copy also carries layout points a browser shows ([Doc.Shifts]): a
// slot's word sits between two Unicode spaces of different widths, the
// wider before it or after it, so that it moves right or left by a
// fraction of a pixel while its line keeps its length.
package html

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
	xhtml "golang.org/x/net/html"
)

// Kind is the kind the store records for an HTML document.
const Kind = "html"

// ErrNoText is returned, wrapped, for a page without text to read.
var ErrNoText = errors.New("the page has no text")

// MaxDepth is the deepest nesting of open elements a page may have, as
// browsers' parsers bound it (Chromium's is 512). A page nested deeper
// (say, thousands of unclosed <b>) is refused rather than read in time
// that grows with the square of its size.
const MaxDepth = 512

// ErrTooDeep is returned for a page nested deeper than MaxDepth. It
// matches format.ErrMalformed.
var ErrTooDeep = fmt.Errorf("%w: elements are nested more than %d deep", format.ErrMalformed, MaxDepth)

func init() {
	format.Register(&format.Descriptor{
		Name:     "HTML",
		Kind:     Kind,
		Exts:     []string{".html", ".htm", ".xhtml"},
		Sniff:    Sniff,
		Parse:    func(data []byte) (format.Document, error) { return Parse(data) },
		LeakText: LeakText,
	})
}

// Sniff reports whether data is an HTML page: after a byte order mark,
// white space, an XML declaration and comments, it starts with
// <!doctype html or <html. Text that merely contains a tag is not HTML.
func Sniff(data []byte) bool {
	b := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	for {
		b = bytes.TrimLeft(b, " \t\r\n\f")
		switch {
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				return false
			}
			b = b[4+end+3:]
			continue
		case bytes.HasPrefix(b, []byte("<?xml")):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				return false
			}
			b = b[end+2:]
			continue
		}
		break
	}
	for _, sig := range []string{"<!doctype html", "<html"} {
		if len(b) > len(sig) && strings.EqualFold(string(b[:len(sig)]), sig) {
			switch b[len(sig)] {
			case ' ', '\t', '\r', '\n', '\f', '>', '/':
				return true
			}
		}
	}
	return false
}

// seg is a piece of a region's text and the source bytes it came from.
type seg struct {
	t0, t1 int // region text
	s0, s1 int // source
	node   int // the text token it is part of
	// lit: the text is the source bytes themselves; otherwise a
	// character reference (or protected text) whose decoded text maps
	// to its source as a whole.
	lit bool
	// prot: the region's Protected covers it.
	prot bool
	// open: a character reference without its closing semicolon, which
	// a letter after it could extend.
	open bool
	// ws: white space other than one plain space, shown as one space; an
	// edit replaces all of it or none.
	ws bool
}

// Doc is a parsed HTML page.
type Doc struct {
	src     []byte
	regions []format.Region
	segs    [][]seg
	slots   []format.Slot
	// big: the region is a heading's text, drawn large (no slots).
	big []bool
}

// Element classes.
const (
	inline    = iota + 1 // phrasing content: stays in its paragraph's region
	protected            // inline, its text kept but never marked (code)
	excluded             // its content is no prose (script, pre…)
)

var classes = map[string]int{}

func init() {
	for _, n := range strings.Fields("a abbr b bdi bdo big cite data del dfn em font i ins label mark nobr q rp rt ruby s small span strike strong sub sup time u wbr") {
		classes[n] = inline
	}
	for _, n := range strings.Fields("code kbd samp tt var") {
		classes[n] = protected
	}
	for _, n := range strings.Fields("script style pre listing xmp plaintext textarea title template svg math noscript noembed noframes iframe object select option head button") {
		classes[n] = excluded
	}
}

var voids = map[string]bool{}

func init() {
	for _, n := range strings.Fields("area base br col embed hr img input keygen link meta param source track wbr") {
		voids[n] = true
	}
}

type open struct {
	name  string
	class int
}

// Parse reads an HTML page. Any bytes parse (browsers read anything);
// the text must be UTF-8, which the format registry checks first.
func Parse(data []byte) (*Doc, error) {
	d := &Doc{src: data}
	z := xhtml.NewTokenizer(bytes.NewReader(data))
	z.SetMaxBuf(0)
	var (
		stack          []open
		nProt, nExcl   int
		cur            []seg
		text           strings.Builder
		pos, node      int
		protectedSpans []format.Span
		heading        bool // the region being built is in a heading
	)
	flush := func() {
		t := text.String()
		if strings.TrimSpace(t) != "" {
			d.regions = append(d.regions, format.Region{Text: t, Protected: format.Unite(protectedSpans)})
			d.segs = append(d.segs, cur)
			d.big = append(d.big, heading)
		}
		cur, protectedSpans, heading = nil, nil, false
		text.Reset()
	}
	recount := func() {
		nProt, nExcl = 0, 0
		for _, o := range stack {
			switch o.class {
			case protected:
				nProt++
			case excluded:
				nExcl++
			}
		}
	}
	for {
		tt := z.Next()
		raw := len(z.Raw())
		start := pos
		pos += raw
		switch tt {
		case xhtml.ErrorToken:
			if z.Err() != io.EOF {
				return nil, fmt.Errorf("%w: %v", format.ErrMalformed, z.Err())
			}
			if pos != len(data) {
				return nil, fmt.Errorf("%w: HTML tokens cover %d of %d bytes", format.ErrMalformed, pos, len(data))
			}
			flush()
			d.slots = d.findSlots()
			return d, nil
		case xhtml.TextToken:
			if nExcl > 0 {
				continue
			}
			node++
			if len(cur) == 0 {
				heading = inHeading(stack)
			}
			d.addText(&cur, &text, &protectedSpans, start, pos, node, nProt > 0)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			n := string(name)
			class := classes[n]
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				key := string(k)
				if key == "translate" && strings.EqualFold(strings.TrimSpace(string(v)), "no") ||
					key == "contenteditable" && !strings.EqualFold(strings.TrimSpace(string(v)), "false") {
					if class == inline || class == protected {
						class = protected
					} else {
						class = excluded
					}
				}
			}
			if class != inline && class != protected {
				flush()
			}
			if tt == xhtml.StartTagToken && !voids[n] {
				if len(stack) >= MaxDepth {
					return nil, ErrTooDeep
				}
				stack = append(stack, open{n, class})
				recount()
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == n {
					stack = stack[:i]
					recount()
					break
				}
			}
			if c := classes[n]; c != inline && c != protected {
				flush()
			}
		case xhtml.CommentToken:
			// A comment inside a paragraph separates text nodes and
			// nothing else.
		default: // doctype
			flush()
		}
	}
}

// inHeading reports whether an h1…h6 element is open.
func inHeading(stack []open) bool {
	for _, o := range stack {
		if len(o.name) == 2 && o.name[0] == 'h' && o.name[1] >= '1' && o.name[1] <= '6' {
			return true
		}
	}
	return false
}

// addText adds the text token src[s0:s1] to the region being built:
// literal runs as they are, character references decoded and protected,
// everything protected when prot.
func (d *Doc) addText(cur *[]seg, text *strings.Builder, prots *[]format.Span, s0, s1, node int, prot bool) {
	raw := d.src[s0:s1]
	add := func(a, b int, t string, lit, open bool) {
		t0 := text.Len()
		text.WriteString(t)
		*cur = append(*cur, seg{t0: t0, t1: text.Len(), s0: s0 + a, s1: s0 + b, node: node, lit: lit, prot: prot || !lit, open: open})
		if prot || !lit {
			*prots = append(*prots, format.Span{Start: t0, End: text.Len()})
		}
	}
	// Literal text, with each run of white space other than one plain
	// space shown as one space, as a browser shows it.
	literal := func(a, b int) {
		from := a // start of the literal run not yet added
		for i := a; i < b; {
			if !isWhite(raw[i]) {
				i++
				continue
			}
			j := i
			for j < b && isWhite(raw[j]) {
				j++
			}
			if j-i == 1 && raw[i] == ' ' {
				i = j
				continue
			}
			if i > from {
				add(from, i, string(raw[from:i]), true, false)
			}
			t0 := text.Len()
			text.WriteByte(' ')
			*cur = append(*cur, seg{t0: t0, t1: t0 + 1, s0: s0 + i, s1: s0 + j, node: node, ws: true, prot: prot})
			if prot {
				*prots = append(*prots, format.Span{Start: t0, End: t0 + 1})
			}
			i, from = j, j
		}
		if b > from {
			add(from, b, string(raw[from:b]), true, false)
		}
	}
	at := 0
	for at < len(raw) {
		amp := bytes.IndexByte(raw[at:], '&')
		if amp < 0 {
			literal(at, len(raw))
			break
		}
		amp += at
		literal(at, amp)
		end := amp + 1
		if end < len(raw) && raw[end] == '#' {
			end++
		}
		for end < len(raw) && isAlnum(raw[end]) {
			end++
		}
		open := true
		if end < len(raw) && raw[end] == ';' {
			end++
			open = false
		}
		add(amp, end, xhtml.UnescapeString(string(raw[amp:end])), false, open)
		at = end
	}
}

func isWhite(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Format returns "html".
func (d *Doc) Format() string { return Kind }

// Regions returns the page's paragraphs of text.
func (d *Doc) Regions() []format.Region { return d.regions }

// segAt returns the index of the segment of region r holding text offset
// p (the one starting there at a boundary), or len(segs) at the end.
func (d *Doc) segAt(r, p int) int {
	segs := d.segs[r]
	return sort.Search(len(segs), func(i int) bool { return segs[i].t1 > p })
}

// span maps the text span [a, b) of region r to source bytes: ok only if
// it lies within one text token's literal runs, or is an insertion
// between two characters of literal text (at a token's edge, the
// literal side is chosen: the end of the token before, unless it ends in
// a reference or protected text).
func (d *Doc) span(r, a, b int) (s0, s1 int, ok bool) {
	segs := d.segs[r]
	if a == b {
		i := d.segAt(r, a)
		if i < len(segs) && segs[i].t0 < a {
			sg := segs[i]
			if !sg.lit || sg.prot {
				return 0, 0, false
			}
			return sg.s0 + a - sg.t0, sg.s0 + a - sg.t0, true
		}
		// At a boundary: between segs[i-1] and segs[i].
		if i > 0 && segs[i-1].lit && !segs[i-1].prot {
			return segs[i-1].s1, segs[i-1].s1, true
		}
		if i < len(segs) && segs[i].lit && !segs[i].prot && (i == 0 || !segs[i-1].open) {
			return segs[i].s0, segs[i].s0, true
		}
		return 0, 0, false
	}
	i, j := d.segAt(r, a), d.segAt(r, b-1)
	if i >= len(segs) || j >= len(segs) || segs[i].node != segs[j].node {
		return 0, 0, false
	}
	for k := i; k <= j; k++ {
		if !segs[k].lit && !segs[k].ws || segs[k].prot {
			return 0, 0, false
		}
	}
	if segs[i].t0 == a && i > 0 && segs[i-1].open {
		// A letter right after "&amp" would extend the reference.
		return 0, 0, false
	}
	// White space shown as one space is replaced whole (an edit can't
	// start or end inside one byte of text).
	s0, s1 = segs[i].s0+a-segs[i].t0, segs[j].s0+b-segs[j].t0
	if segs[j].ws {
		s1 = segs[j].s1
	}
	return s0, s1, true
}

// Fit drops candidates that cross a tag or touch a reference, and those
// that would change a layout slot's word or spaces.
func (d *Doc) Fit(r int, cands []format.Candidate) []format.Candidate {
	// The region's slots (d.slots is in region order).
	lo := sort.Search(len(d.slots), func(i int) bool { return d.slots[i].Region >= r })
	hi := sort.Search(len(d.slots), func(i int) bool { return d.slots[i].Region > r })
	slots := d.slots[lo:hi]
	spaces := make(map[int]bool, 2*len(slots)) // offsets of the slots' spaces
	for _, s := range slots {
		spaces[s.Start-1], spaces[s.End] = true, true
	}
	out := cands[:0:0]
	for _, c := range cands {
		if _, _, ok := d.span(r, c.Start, c.End); !ok {
			continue
		}
		if touchesSlot(slots, c) {
			continue
		}
		if c.Start == c.End && (spaces[c.Start] || d.bySegmentBreak(r, c.Start)) {
			// A zero-width space before a slot's space would let a line
			// break there and start the next line with a visible space;
			// next to a line break in the source, it would remove the
			// space the line break shows (CSS removes a segment break
			// next to a zero-width space).
			if c = withoutBreaks(c); len(c.Variants) < 2 {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// touchesSlot reports whether c changes a slot's word or one of its two
// spaces (an insertion just before either space leaves them be).
func touchesSlot(slots []format.Slot, c format.Candidate) bool {
	i := sort.Search(len(slots), func(i int) bool { return slots[i].End+1 > c.Start })
	for ; i < len(slots) && slots[i].Start-1 <= c.End; i++ {
		b, a := slots[i].Start-1, slots[i].End // the spaces
		if c.Start == c.End {
			if c.Start > b && c.Start < a {
				return true
			}
			continue
		}
		if c.Start < a+1 && c.End > b {
			return true
		}
	}
	return false
}

// bySegmentBreak reports whether text offset p of region r is next to
// white space that holds a line break in the source.
func (d *Doc) bySegmentBreak(r, p int) bool {
	segs := d.segs[r]
	i := d.segAt(r, p)
	for _, k := range []int{i - 1, i} {
		if k < 0 || k >= len(segs) || !segs[k].ws || segs[k].t1 != p && segs[k].t0 != p {
			continue
		}
		if bytes.ContainsAny(d.src[segs[k].s0:segs[k].s1], "\r\n") {
			return true
		}
	}
	return false
}

// withoutBreaks drops c's variants that hold a zero-width space (a line
// break opportunity); the source's variant stays.
func withoutBreaks(c format.Candidate) format.Candidate {
	vs := make([]string, 0, len(c.Variants))
	orig := 0
	for i, v := range c.Variants {
		if i != c.Orig && strings.Contains(v, "\u200B") {
			continue
		}
		if i == c.Orig {
			orig = len(vs)
		}
		vs = append(vs, v)
	}
	c.Variants, c.Orig = vs, orig
	return c
}

// Render writes the page with edits applied to its text. Edit text is
// escaped (& and < become references); the rest of the page is kept.
func (d *Doc) Render(w io.Writer, edits []format.Edit) error {
	type rep struct {
		s0, s1 int
		text   string
	}
	reps := make([]rep, 0, len(edits))
	for _, e := range edits {
		if e.Region < 0 || e.Region >= len(d.regions) || e.Start < 0 || e.End < e.Start || e.End > len(d.regions[e.Region].Text) {
			return fmt.Errorf("edit [%d,%d) of region %d is out of range", e.Start, e.End, e.Region)
		}
		s0, s1, ok := d.span(e.Region, e.Start, e.End)
		if !ok {
			return fmt.Errorf("edit [%d,%d) of region %d crosses markup", e.Start, e.End, e.Region)
		}
		reps = append(reps, rep{s0, s1, escape(e.Text)})
	}
	slices.SortStableFunc(reps, func(a, b rep) int {
		if a.s0 != b.s0 {
			return a.s0 - b.s0
		}
		return a.s1 - b.s1
	})
	var buf bytes.Buffer
	buf.Grow(len(d.src) + 8*len(reps))
	at := 0
	for _, r := range reps {
		if r.s0 < at {
			return fmt.Errorf("edits overlap at byte %d", r.s0)
		}
		buf.Write(d.src[at:r.s0])
		buf.WriteString(r.text)
		at = r.s1
	}
	buf.Write(d.src[at:])
	_, err := w.Write(buf.Bytes())
	return err
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

// LeakText is the text of an HTML leak: its regions' text, paragraph by
// paragraph, as the page shows it (references decoded).
func LeakText(data []byte) (string, error) {
	d, err := Parse(data)
	if err != nil {
		return "", err
	}
	if len(d.regions) == 0 {
		return "", ErrNoText
	}
	parts := make([]string, len(d.regions))
	for i, r := range d.regions {
		parts[i] = r.Text
	}
	return strings.Join(parts, "\n\n"), nil
}

// isSpace reports whether r separates words.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// fields returns the byte spans of text's words: maximal runs of
// characters that are not white space.
func fields(text string) []format.Span {
	var out []format.Span
	start := -1
	for i, r := range text {
		if isSpace(r) {
			if start >= 0 {
				out = append(out, format.Span{Start: start, End: i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, format.Span{Start: start, End: len(text)})
	}
	return out
}

// firstRune and lastRune of s.
func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
