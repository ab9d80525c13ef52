// Package pdfsrc registers existing PDFs as documents: a PDF with a text
// layer, as LibreOffice, Word or LaTeX write it.
//
// A PDF's drawn text can't take the text channels' edits: its regions
// (one per page, the page's words in drawing order, a line per line)
// take no candidate ([Document.Fit] drops them all), and the document
// carries layout points only. Each point
// is a word drawn by one text-showing operation (Tj or TJ), between two
// words of its line; a copy moves it along its line by ±[Delta]
// points with a pair of TJ kerning numbers, one before the word and the
// opposite one after it, so nothing else on the line moves. Words the
// package can't place exactly (a Type3 font, an unknown encoding, turned
// or vertical text, a content stream in a filter it doesn't decode)
// stay where they are.
//
// A copy is the source, byte for byte, followed by an incremental update
// that replaces the content streams of the pages it marks (written
// without compression, so a copy's bytes depend on nothing but the source
// and the reader). The catalog, the pages, fonts, images, information
// dictionary and document identifiers are the source's own objects.
package pdfsrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Errors for PDFs that can't be registered. They are wrapped with detail;
// test with errors.Is.
var (
	// ErrMalformed: the file is not a PDF this package can read. It
	// wraps format.ErrMalformed.
	ErrMalformed = fmt.Errorf("%w: not a readable PDF", format.ErrMalformed)
	// ErrEncrypted: the PDF is encrypted (even with an empty password).
	ErrEncrypted = errors.New("the PDF is encrypted")
	// ErrNoText: the PDF has no text layer (a scanned or image-only PDF).
	ErrNoText = errors.New("the PDF has no text layer")
	// ErrUnsafe: part of the PDF can't be positioned exactly; its
	// words are not moved (never returned by Parse).
	ErrUnsafe = errors.New("text that can't be positioned exactly")
)

// Delta is how far a copy moves a slot's word, in points: a 300 dpi scan
// resolves it (1.7 pixels), pdftotext -bbox reports it to the thousandth.
const Delta = 0.4

// Version numbers how slots are found and drawn (see format.ShiftScheme).
const Version = 1

// Name, Kind and the signature of the format.
const (
	Name = "PDF"
	Kind = "pdf"
)

func init() {
	format.Register(&format.Descriptor{
		Name:     Name,
		Kind:     Kind,
		Exts:     []string{".pdf"},
		Binary:   true,
		Sniff:    Sniff,
		Parse:    func(data []byte) (format.Document, error) { return Parse(data) },
		LeakText: Text,
	})
}

// Sniff reports whether data is a PDF (it starts with %PDF-).
func Sniff(data []byte) bool { return bytes.HasPrefix(data, []byte("%PDF-")) }

// word is one word of a page, located.
type word struct {
	text string
	// x0 is its first glyph's origin, y its baseline, x1 the end of its
	// last glyph's advance.
	x0, x1, y, size float64
	glyphs          []int
	// Region text bytes.
	start, end int
	// sameOp: every glyph is in one Tj/TJ operation and movable.
	sameOp bool
}

// pageText is one page's words, lines and region text.
type pageText struct {
	glyphs []glyph
	words  []word
	// lineOf[i] is the line of words[i].
	lineOf []int
	text   string
	// streams are the page's content streams as operations, and nums
	// their object numbers; markable is false when they can't be
	// rewritten.
	streams  [][]op
	raw      [][]byte
	nums     []int
	markable bool
}

// Document is a parsed PDF.
type Document struct {
	data    []byte
	f       *file
	pages   []*pageText
	regions []format.Region
	slots   []format.Slot
	// slotWord[i] is slot i's word index in its page.
	slotWord []int
}

// Parse reads a PDF. An encrypted PDF is refused (ErrEncrypted), and so
// is one without any text (ErrNoText).
func Parse(data []byte) (doc *Document, err error) {
	defer func() {
		// A bug on some malformed input is an error, never a crash.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	doc, err = parse(data)
	if err != nil {
		return nil, err
	}
	if doc.words() == 0 {
		return nil, fmt.Errorf("%w: no word on any page (a scanned or image-only PDF)", ErrNoText)
	}
	return doc, nil
}

func (d *Document) words() int {
	n := 0
	for _, p := range d.pages {
		n += len(p.words)
	}
	return n
}

func parse(data []byte) (*Document, error) {
	f, err := openFile(data)
	if err != nil {
		return nil, err
	}
	pages, err := f.pages()
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: no pages", ErrMalformed)
	}
	d := &Document{data: data, f: f}
	used := map[int]int{}
	for _, p := range pages {
		for _, n := range p.contents {
			used[n]++
		}
	}
	for _, p := range pages {
		pt := &pageText{markable: !p.direct}
		for _, n := range p.contents {
			s := get[*stream](f, ref{n, 0})
			if s == nil {
				pt.markable = false
				continue
			}
			raw, err := f.decode(s)
			if err != nil {
				if errors.Is(err, ErrUnsafe) {
					pt.markable = false
					continue
				}
				return nil, err
			}
			if used[n] > 1 || f.entries[n].kind != 1 {
				pt.markable = false
			}
			pt.raw = append(pt.raw, raw)
			pt.streams = append(pt.streams, parseContent(raw))
			pt.nums = append(pt.nums, n)
		}
		in := &interpreter{f: f, res: p.resources, fonts: map[name]*font{}}
		in.run(pt.streams)
		pt.glyphs = in.glyphs
		pt.layout()
		d.pages = append(d.pages, pt)
		d.regions = append(d.regions, format.Region{Text: pt.text})
	}
	d.findSlots()
	return d, nil
}

// layout groups a page's glyphs into lines and words, in drawing order.
func (pt *pageText) layout() {
	var b strings.Builder
	line := -1
	var cur *word
	var prev *glyph
	var wb strings.Builder // the open word's text
	flush := func() {
		if cur == nil {
			return
		}
		if b.Len() > 0 {
			if pt.lineOf[len(pt.lineOf)-1] == line {
				b.WriteByte(' ')
			} else {
				b.WriteByte('\n')
			}
		}
		cur.text = wb.String()
		wb.Reset()
		cur.start = b.Len()
		b.WriteString(cur.text)
		cur.end = b.Len()
		pt.words = append(pt.words, *cur)
		pt.lineOf = append(pt.lineOf, line)
		cur = nil
	}
	pt.lineOf = []int{}
	newLine := true
	for i := range pt.glyphs {
		g := &pt.glyphs[i]
		if prev != nil {
			size := math.Max(prev.size, 1)
			end := prev.along + prev.adv
			if math.Abs(g.across-prev.across) > 0.3*size || g.along < end-0.5*size || g.along > end+4*size {
				newLine = true
			} else if g.along > end+0.15*size && cur != nil {
				flush()
			}
		}
		if newLine {
			flush()
			line++
			newLine = false
		}
		prev = g
		text := sanitize(g.text)
		if g.space || text == "" {
			flush()
			continue
		}
		if cur == nil {
			cur = &word{x0: g.x, y: g.y, size: g.size, sameOp: true}
		}
		if len(cur.glyphs) > 0 {
			f := &pt.glyphs[cur.glyphs[0]]
			if f.stream != g.stream || f.op != g.op {
				cur.sameOp = false
			}
		}
		cur.sameOp = cur.sameOp && g.movable
		wb.WriteString(text) // the word's text, made in flush
		cur.x1 = g.x + g.adv
		cur.glyphs = append(cur.glyphs, i)
	}
	flush()
	pt.text = b.String()
}

// sanitize keeps a glyph's text valid UTF-8 without control characters
// or blanks (the region text separates words with one space).
func sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\uFFFE' || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
}

// neighbour reports whether a word can stand next to a moved one: it
// has a letter or a digit.
func neighbour(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// minSize is the smallest type whose words move: at 6 pt the gap pdftotext
// reads as a space (0.1 of the size) is still wider than Delta.
const minSize = 6

// findSlots chooses the slots: a plain word drawn by one text-showing
// operation, with a neighbour on each side on its line, at least two
// words from the previous slot. Its neighbours may be drawn by other
// operations: the number after the word undoes the one before it within
// the word's own operation, and an operation that follows either goes on
// from there or places its text anew (Td, Tm, T*), from the line matrix,
// which kerning never moves.
func (d *Document) findSlots() {
	for pi, pt := range d.pages {
		if !pt.markable {
			continue
		}
		last := -10
		for i := 1; i+1 < len(pt.words); i++ {
			if i-last < 2 {
				continue
			}
			a, w, b := &pt.words[i-1], &pt.words[i], &pt.words[i+1]
			if pt.lineOf[i-1] != pt.lineOf[i] || pt.lineOf[i+1] != pt.lineOf[i] {
				continue
			}
			if !w.sameOp || !format.SlotWord(w.text) || !neighbour(a.text) || !neighbour(b.text) {
				continue
			}
			gw := &pt.glyphs[w.glyphs[0]]
			if w.size < minSize || gw.kscale <= 0 {
				continue
			}
			// The word must be clear of its neighbours by more than
			// Delta, so that it never touches them.
			if w.x0-a.x1 < 2*Delta || b.x0-w.x1 < 2*Delta {
				continue
			}
			d.slots = append(d.slots, format.Slot{Region: pi, Start: w.start, End: w.end})
			d.slotWord = append(d.slotWord, i)
			last = i
		}
	}
}

// Format returns "pdf".
func (d *Document) Format() string { return Kind }

// Regions returns one region per page: its words, a line per line.
func (d *Document) Regions() []format.Region { return d.regions }

// Fit drops every candidate: a PDF's text takes no edits.
func (d *Document) Fit(int, []format.Candidate) []format.Candidate { return nil }

// Render writes the source; a PDF's text takes no edits.
func (d *Document) Render(w io.Writer, edits []format.Edit) error {
	if len(edits) > 0 {
		return fmt.Errorf("%w: a PDF's text takes no edits", format.ErrFormat)
	}
	_, err := w.Write(d.data)
	return err
}

// Shifts returns the document's layout points.
func (d *Document) Shifts() format.ShiftScheme {
	return format.ShiftScheme{Version: Version, Delta: Delta, Slots: d.slots}
}

// PageCount is the number of pages (and regions).
func (d *Document) PageCount() int { return len(d.pages) }

// insertion is a TJ number inserted before byte at of element elem of an
// operation.
type insertion struct {
	elem, at int
	n        float64
}

// RenderShifted writes a copy whose slot i's word is moved by -Delta
// (shifts[i] == 0) or +Delta (1).
func (d *Document) RenderShifted(w io.Writer, edits []format.Edit, shifts []uint8) error {
	if len(edits) > 0 {
		return fmt.Errorf("%w: a PDF's text takes no edits", format.ErrFormat)
	}
	if len(shifts) != len(d.slots) {
		return fmt.Errorf("%d shifts for %d layout points", len(shifts), len(d.slots))
	}
	if len(shifts) == 0 {
		_, err := w.Write(d.data)
		return err
	}
	type opKey struct{ page, stream, op int }
	ins := map[opKey][]insertion{}
	for i, s := range d.slots {
		pt := d.pages[s.Region]
		wd := &pt.words[d.slotWord[i]]
		first, last := &pt.glyphs[wd.glyphs[0]], &pt.glyphs[wd.glyphs[len(wd.glyphs)-1]]
		n := -Delta / first.kscale
		if shifts[i] == 0 {
			n = -n
		}
		k := opKey{s.Region, first.stream, first.op}
		ins[k] = append(ins[k], insertion{first.elem, first.bstart, n}, insertion{last.elem, last.bend, -n})
	}
	repl := map[int][]byte{}
	var nums []int
	for pi, pt := range d.pages {
		for si, raw := range pt.raw {
			var out bytes.Buffer
			at := 0
			changed := false
			for oi, o := range pt.streams[si] {
				list := ins[opKey{pi, si, oi}]
				if len(list) == 0 {
					continue
				}
				// Only the text operand and the operator change.
				out.Write(raw[at:o.args[len(o.args)-1].start])
				writeShifted(&out, o, raw, list)
				at = o.end
				changed = true
			}
			if !changed {
				continue
			}
			out.Write(raw[at:])
			repl[pt.nums[si]] = out.Bytes()
			nums = append(nums, pt.nums[si])
		}
	}
	sort.Ints(nums)
	_, err := w.Write(d.f.appendUpdate(nums, repl))
	return err
}

// writeShifted writes a Tj or TJ operation as a TJ with the insertions.
func writeShifted(out *bytes.Buffer, o op, raw []byte, list []insertion) {
	arg := o.args[len(o.args)-1]
	elems := arg.elems
	if o.name == "Tj" {
		elems = []operand{arg}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].elem != list[j].elem {
			return list[i].elem < list[j].elem
		}
		return list[i].at < list[j].at
	})
	out.WriteByte('[')
	lastNum := false
	putNum := func(n float64) {
		if lastNum {
			out.WriteByte(' ')
		}
		out.WriteString(formatKern(n))
		lastNum = true
	}
	k := 0
	for ei, e := range elems {
		s, isStr := e.v.([]byte)
		if !isStr {
			if lastNum {
				out.WriteByte(' ')
			}
			out.Write(raw[e.start:e.end])
			lastNum = true
			continue
		}
		from := 0
		for ; k < len(list) && list[k].elem == ei; k++ {
			at := min(max(list[k].at, from), len(s))
			if at > from {
				writeString(out, s[from:at], e.hex)
				lastNum = false
			}
			putNum(list[k].n)
			from = at
		}
		if from < len(s) || from == 0 {
			writeString(out, s[from:], e.hex)
			lastNum = false
		}
	}
	out.WriteString("]TJ")
}

// formatKern writes a TJ number with three decimals.
func formatKern(n float64) string {
	s := fmt.Sprintf("%.3f", n)
	return trimZeros(s)
}

func writeString(out *bytes.Buffer, s []byte, hex bool) {
	if hex {
		writeHex(out, s)
		return
	}
	out.WriteByte('(')
	for _, c := range s {
		switch {
		case c == '(' || c == ')' || c == '\\':
			out.WriteByte('\\')
			out.WriteByte(c)
		case c < 32 || c > 126:
			fmt.Fprintf(out, "\\%03o", c)
		default:
			out.WriteByte(c)
		}
	}
	out.WriteByte(')')
}

// ReadShifts reads the shift of each slot's word in a PDF copy of the
// document: exactly, from the copy's content streams. The copy may hold
// only some of the pages, in any order. A slot whose word, between the
// same neighbours, where the source has them, is not found once and only
// once in the copy, or has moved by anything but about ±Delta, is left
// out.
func (d *Document) ReadShifts(copy []byte) ([]format.ShiftReading, error) {
	c, err := Parse(copy)
	if err != nil {
		return nil, err
	}
	type at struct{ page, word int }
	where := map[string][]at{}
	for p, pt := range c.pages {
		for i := 1; i+1 < len(pt.words); i++ {
			where[pt.words[i].text] = append(where[pt.words[i].text], at{p, i})
		}
	}
	const tol = 0.02
	var out []format.ShiftReading
	for i, s := range d.slots {
		sp := d.pages[s.Region]
		wi := d.slotWord[i]
		a, w, b := sp.words[wi-1], sp.words[wi], sp.words[wi+1]
		found := 0
		var shift float64
		for _, x := range where[w.text] {
			cp := c.pages[x.page]
			cw, ca, cb := cp.words[x.word], cp.words[x.word-1], cp.words[x.word+1]
			if math.Abs(cw.y-w.y) > tol || math.Abs(cw.x0-w.x0) > 2*Delta ||
				ca.text != a.text || cb.text != b.text || math.Abs(ca.x0-a.x0) > tol || math.Abs(cb.x0-b.x0) > tol {
				continue
			}
			found++
			shift = cw.x0 - w.x0
		}
		if found != 1 || math.Abs(math.Abs(shift)-Delta) > 0.25*Delta {
			continue
		}
		out = append(out, format.ShiftReading{Slot: i, Shift: math.Copysign(Delta, shift)})
	}
	return out, nil
}

// Text is a PDF's text, page by page: the LeakText of the format.
func Text(data []byte) (string, error) {
	d, err := Parse(data)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, r := range d.regions {
		if r.Text != "" {
			parts = append(parts, r.Text)
		}
	}
	return strings.Join(parts, "\n\n") + "\n", nil
}

// SlotsPerPage counts the layout points on each page.
func (d *Document) SlotsPerPage() []int {
	out := make([]int, len(d.pages))
	for _, s := range d.slots {
		out[s.Region]++
	}
	return out
}
