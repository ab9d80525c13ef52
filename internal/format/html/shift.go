package html

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/format"
)

// The layout points of an HTML copy. A slot is a word between two plain
// spaces, with a plain word on each side, in the same text node; a copy
// replaces the space before it and the space after it by two Unicode
// spaces of fixed widths, the wider first (the word moves right) or the
// narrower first (it moves left). Every font draws them at the same
// fraction of the em, and every copy's line has the same length, so
// nothing reflows between copies. They are characters: a forwarded page
// and a paste of its text keep them, and a copy in HTML is read exactly
// ([Doc.ReadShifts]).
const (
	// ShiftVersion numbers the way slots are found and drawn.
	ShiftVersion = 1
	// Wide and Narrow are the two spaces: THREE-PER-EM SPACE (1/3 em)
	// and FOUR-PER-EM SPACE (1/4 em). A plain space is 0.28 em in
	// Arial and Liberation Sans, 0.32 em in DejaVu Sans and 0.25 em in
	// Times: the two together are about as wide as two plain spaces.
	Wide   = "\u2004"
	Narrow = "\u2005"
	// DeltaEm is how far a slot's word moves, in em: half the
	// difference of the two spaces' widths.
	DeltaEm = (1.0/3 - 1.0/4) / 2
	// Delta is DeltaEm in points at a browser's default text size
	// (16 px, 12 pt): 0.5 pt, 2/3 px.
	Delta = DeltaEm * 12
	// slotGap is the least number of words between two slots' words.
	slotGap = 2
)

// findSlots picks the layout slots of the regions: a word of letters
// (two or more) between single plain spaces, its neighbours words that
// start and end with a letter or digit (so that the spaces sit between
// words), the word and both spaces in one unprotected literal run of one
// text node, and at least slotGap words after the previous slot's word;
// none in headings.
func (d *Doc) findSlots() []format.Slot {
	var out []format.Slot
	for ri, r := range d.regions {
		if d.big[ri] {
			continue // a heading's large type would show the spaces
		}
		text := r.Text
		fs := fields(text)
		last := -slotGap - 1
		for k := 1; k+1 < len(fs); k++ {
			if k-last <= slotGap {
				continue
			}
			w, prev, next := fs[k], fs[k-1], fs[k+1]
			if w.Start-prev.End != 1 || text[w.Start-1] != ' ' || next.Start-w.End != 1 || text[w.End] != ' ' {
				continue
			}
			if !format.SlotWord(text[w.Start:w.End]) || !wordy(lastRune(text[prev.Start:prev.End])) || !wordy(firstRune(text[next.Start:next.End])) {
				continue
			}
			if !inOneLiteral(d.segs[ri], w.Start-1, w.End+1) {
				continue
			}
			if _, _, ok := d.span(ri, w.Start-1, w.End+1); !ok {
				continue
			}
			out = append(out, format.Slot{Region: ri, Start: w.Start, End: w.End})
			last = k
		}
	}
	return out
}

func wordy(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// inOneLiteral reports whether text [a, b) lies in one unprotected
// literal segment.
func inOneLiteral(segs []seg, a, b int) bool {
	for _, s := range segs {
		if s.t0 <= a && b <= s.t1 {
			return s.lit && !s.prot
		}
	}
	return false
}

// Shifts describes the page's layout slots.
func (d *Doc) Shifts() format.ShiftScheme {
	return format.ShiftScheme{Version: ShiftVersion, Delta: Delta, Slots: d.slots}
}

// RenderShifted is Render with each slot's spaces replaced: Narrow then
// Wide moves its word left (shifts[i] == 0), Wide then Narrow right.
func (d *Doc) RenderShifted(w io.Writer, edits []format.Edit, shifts []uint8) error {
	all := make([]format.Edit, 0, len(edits)+2*len(d.slots))
	all = append(all, edits...)
	for i, s := range d.slots {
		if i >= len(shifts) {
			break
		}
		before, after := Narrow, Wide
		if shifts[i] == 1 {
			before, after = Wide, Narrow
		}
		all = append(all,
			format.Edit{Region: s.Region, Start: s.Start - 1, End: s.Start, Text: before},
			format.Edit{Region: s.Region, Start: s.End, End: s.End + 1, Text: after})
	}
	return d.Render(w, all)
}

// ReadShifts reads the slots' shifts from a copy of the page (HTML, or
// text that kept the copy's spaces): each slot whose word and two
// neighbours on either side are found once, in this page and in the
// copy, between a Wide and a Narrow space. A slot found elsewhere, or
// twice, or between other spaces, is left out.
func (d *Doc) ReadShifts(copy []byte) ([]format.ShiftReading, error) {
	if !Sniff(copy) {
		return d.ReadTextShifts(string(copy)), nil
	}
	c, err := Parse(copy)
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, r := range c.regions {
		texts = append(texts, r.Text)
	}
	return d.readShifts(texts), nil
}

// ReadTextShifts reads the slots' shifts from text pasted from a copy, as
// ReadShifts does: the copy's spaces are characters, which a paste keeps.
func (d *Doc) ReadTextShifts(text string) []format.ShiftReading {
	return d.readShifts([]string{text})
}

func (d *Doc) readShifts(texts []string) []format.ShiftReading {
	// Where each context occurs in the copy, and the separators either
	// side of its middle word.
	type seen struct {
		before, after string
		n             int
	}
	found := map[string]*seen{}
	cs := stream(texts)
	for k := range cs {
		key := cs.key(k)
		s := found[key]
		if s == nil {
			s = &seen{}
			found[key] = s
		}
		s.n++
		s.before, s.after = cs.sep(k-1, k), cs.sep(k, k+1)
	}
	// Contexts that occur more than once in this page can't name a slot.
	own := make([]string, len(d.regions))
	for i, r := range d.regions {
		own[i] = r.Text
	}
	ds := stream(own)
	once := make(map[string]int, len(ds))
	at := make(map[[2]int]int, len(ds))
	for k, w := range ds {
		once[ds.key(k)]++
		at[[2]int{w.region, w.Start}] = k
	}
	var out []format.ShiftReading
	for i, sl := range d.slots {
		k, ok := at[[2]int{sl.Region, sl.Start}]
		if !ok {
			continue
		}
		key := ds.key(k)
		s := found[key]
		if once[key] != 1 || s == nil || s.n != 1 {
			continue
		}
		switch {
		case s.before == Wide && s.after == Narrow:
			out = append(out, format.ShiftReading{Slot: i, Shift: Delta})
		case s.before == Narrow && s.after == Wide:
			out = append(out, format.ShiftReading{Slot: i, Shift: -Delta})
		}
	}
	return out
}

// word is one word of a stream of texts.
type word struct {
	format.Span
	text   string
	region int
}

type words []word

// stream lists the words of texts, one after the other.
func stream(texts []string) words {
	var out words
	for ri, t := range texts {
		for _, f := range fields(t) {
			out = append(out, word{Span: f, text: t, region: ri})
		}
	}
	return out
}

// sep is the space between words i and j of one text, format characters
// removed; "" if they are not neighbours in one text.
func (ws words) sep(i, j int) string {
	if i < 0 || j >= len(ws) || ws[i].region != ws[j].region {
		return ""
	}
	return stripFormat(ws[i].text[ws[i].End:ws[j].Start])
}

// key is word k with two words either side, folded (format characters
// removed, lower case).
func (ws words) key(k int) string {
	var b strings.Builder
	for j := k - 2; j <= k+2; j++ {
		if j >= 0 && j < len(ws) {
			b.WriteString(strings.ToLower(stripFormat(ws[j].text[ws[j].Start:ws[j].End])))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// stripFormat removes format characters (zero-width and the like).
func stripFormat(s string) string {
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	var b bytes.Buffer
	for _, r := range s {
		if !isFormat(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }
