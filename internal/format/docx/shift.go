package docx

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Layout points of a DOCX (scheme version 1).
//
// A slot is a word of letters between two single spaces, each in the w:t
// of a run without character spacing or a tracked format change of its
// own, with a word on each side, two words or more from the next slot.
// In a copy both spaces go into runs of their own (with the run's other
// properties), one with w:spacing 2·Delta and the other with 0: the
// space before the word is widened for +Delta, the space after it for
// -Delta. Both spaces get a run of their own in every copy because
// LibreOffice places each run on a 0.1 pt grid: the same runs in every
// copy keep every other word where it is. Word and LibreOffice both
// honour positive character spacing on a space; LibreOffice 7.4 ignores
// negative spacing on the last character of a run, so no space is ever
// narrowed. Every copy's line is 2·Delta longer per slot than the
// source's, the same in every copy, so every copy breaks its lines
// alike, and the word sits Delta off the middle of the gap between its
// neighbours, one way or the other. [Neutral] renders the source with
// every slot in that middle (both spaces widened by Delta): the
// reference a picture of a copy is measured against.
const (
	// Version numbers the way slots are found and drawn.
	Version = 1
	// Delta is how far a slot's word moves from the middle, in points.
	Delta = 0.35
	// wide is the spacing that widens a space by 2·Delta, in
	// twentieths of a point.
	wide = 14
)

// slot is a layout point: the word text[start:end] of a region, with
// the spaces before and after it and the words around it.
type slot struct {
	region      int
	start, end  int
	before      int    // offset of the space before the word
	after       int    // offset of the space after it
	k           int    // the word's index in its region (see windows)
	key         string // its words and its neighbours'
	occurrence  int    // how many times key occurs before it in its region
	occurrences int    // how many times key occurs in its region
}

// spaceAt is the space at off in a region's text.
type spaceAt struct{ region, off int }

// piece returns the index of the piece of p holding the space.
func (a spaceAt) piece(p *para) int {
	i := sort.Search(len(p.pieces), func(i int) bool { return p.pieces[i].end > a.off })
	if i < len(p.pieces) && p.pieces[i].start <= a.off {
		return i
	}
	return -1
}

// neighbour reports whether s can stand beside a slot: letters and
// plain punctuation, with a letter next to the slot's space (its last
// rune when it comes before, first when after).
func neighbour(s string, before bool) bool {
	if s == "" {
		return false
	}
	var edge rune
	if before {
		edge, _ = utf8.DecodeLastRuneInString(s)
	} else {
		edge, _ = utf8.DecodeRuneInString(s)
	}
	if !unicode.IsLetter(edge) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !strings.ContainsRune(",.;:!?()-", r) {
			return false
		}
	}
	return true
}

// stripZW removes zero-width characters (what a copy's text marks
// insert) and returns, for each byte of the result, its offset in s.
func stripZW(s string) (string, []int) {
	var b strings.Builder
	at := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF' {
			i += n
			continue
		}
		for k := 0; k < n; k++ {
			at = append(at, i+k)
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	at = append(at, len(s))
	return b.String(), at
}

// windows indexes a region's text, zero-width characters removed, by
// its words (the text between single spaces): key(k) is words k-1, k
// and k+1 with their spaces, and byKey lists the k of every key, in
// order. Removing zero-width characters keeps every space, so word k of
// the text is word k of the stripped text.
type windows struct {
	at       []int // stripped offset → offset in the text
	starts   []int // of the words in the stripped text
	ends     []int
	stripped string
	byKey    map[string][]int
}

func windowsOf(text string) *windows {
	st, at := stripZW(text)
	w := &windows{at: at, stripped: st, byKey: map[string][]int{}}
	for i := 0; i <= len(st); {
		j := strings.IndexByte(st[i:], ' ')
		if j < 0 {
			j = len(st) - i
		}
		w.starts, w.ends = append(w.starts, i), append(w.ends, i+j)
		i += j + 1
	}
	for k := 1; k+1 < len(w.starts); k++ {
		if w.ends[k-1] > w.starts[k-1] && w.ends[k] > w.starts[k] && w.ends[k+1] > w.starts[k+1] {
			key := w.key(k)
			w.byKey[key] = append(w.byKey[key], k)
		}
	}
	return w
}

func (w *windows) key(k int) string { return w.stripped[w.starts[k-1]:w.ends[k+1]] }

// findSlots chooses the document's slots from its text alone.
func (d *Document) findSlots() {
	for ri, r := range d.regions {
		p := d.paraOf(ri)
		text := r.Text
		w := windowsOf(text)
		word := func(k int) string { return w.stripped[w.starts[k]:w.ends[k]] }
		last := -10
		for k := 1; k+1 < len(w.starts); k++ {
			if k-1 <= last+1 || !format.SlotWord(word(k)) || !neighbour(word(k-1), true) || !neighbour(word(k+1), false) {
				continue
			}
			// The slot's word holds no zero-width character, so its
			// offsets in the text are those in the stripped text mapped.
			s := slot{region: ri, start: w.at[w.starts[k]], end: w.at[w.ends[k]-1] + 1, k: k}
			s.before, s.after = s.start-1, s.end
			if text[s.start:s.end] != word(k) || !d.slotSpace(p, s.before) || !d.slotSpace(p, s.after) {
				continue
			}
			if _, _, ok := d.editable(p, s.start, s.end); !ok {
				continue
			}
			s.key = w.key(k)
			ks := w.byKey[s.key]
			s.occurrences = len(ks)
			s.occurrence = sort.SearchInts(ks, k)
			d.slots = append(d.slots, s)
			last = k
		}
	}
}

// slotSpace reports whether the space at off can be widened: a single
// space in the w:t of a run that has no character spacing of its own and
// no tracked format change, written with a namespace prefix.
func (d *Document) slotSpace(p *para, off int) bool {
	i := spaceAt{off: off}.piece(p)
	if i < 0 || p.pieces[i].fixed {
		return false
	}
	s := &d.segs[p.pieces[i].seg]
	r := &d.runs[s.run]
	return p.text[off] == ' ' && !r.hasSpace && !r.tracked && r.prefix != ""
}

// Shifts describes the document's layout points.
func (d *Document) Shifts() format.ShiftScheme {
	out := format.ShiftScheme{Version: Version, Delta: Delta, Slots: make([]format.Slot, len(d.slots))}
	for i, s := range d.slots {
		out.Slots[i] = format.Slot{Region: s.region, Start: s.start, End: s.end}
	}
	return out
}

// RenderShifted is Render with slot i's word moved by -Delta
// (shifts[i] == 0: the space after it widened) or +Delta (1: the space
// before it).
func (d *Document) RenderShifted(w io.Writer, edits []format.Edit, shifts []uint8) error {
	if len(shifts) != len(d.slots) {
		return fmt.Errorf("%d shifts for %d layout slots", len(shifts), len(d.slots))
	}
	spacing := make(map[spaceAt]int, len(d.slots))
	for i, s := range d.slots {
		b, a := 0, wide
		if shifts[i] == 1 {
			b, a = wide, 0
		}
		spacing[spaceAt{s.region, s.before}] = b
		spacing[spaceAt{s.region, s.after}] = a
	}
	return d.render(w, edits, spacing)
}

// Neutral renders the document with every slot's word in the middle of
// its gap (both spaces widened by Delta): how a copy looks but for its
// layout code, the reference a picture of a copy is measured against.
func (d *Document) Neutral(w io.Writer) error {
	spacing := make(map[spaceAt]int, 2*len(d.slots))
	for _, s := range d.slots {
		spacing[spaceAt{s.region, s.before}] = wide / 2
		spacing[spaceAt{s.region, s.after}] = wide / 2
	}
	return d.render(w, nil, spacing)
}

// Neutral is [Document.Neutral] of a DOCX source.
func Neutral(source []byte) ([]byte, error) {
	d, err := Parse(source)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := d.Neutral(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadShifts reads the layout points of a DOCX copy of the document
// exactly, from the spacing of its runs. A slot is read when its words
// are found in the copy unambiguously (the same occurrence of the same
// three words, ignoring zero-width characters) and exactly one of its
// spaces carries the copy's spacing; other slots are left out.
func (d *Document) ReadShifts(copy []byte) ([]format.ShiftReading, error) {
	c, err := Parse(copy)
	if err != nil {
		return nil, err
	}
	type hit struct{ region, k int }
	srcCount := map[string]int{}
	for _, s := range d.slots {
		srcCount[s.key] = 0
	}
	for _, r := range d.regions {
		for key, ks := range windowsOf(r.Text).byKey {
			if _, ok := srcCount[key]; ok {
				srcCount[key] += len(ks)
			}
		}
	}
	ws := make([]*windows, len(c.regions))
	global := map[string][]hit{}
	for i, r := range c.regions {
		ws[i] = windowsOf(r.Text)
		for key, ks := range ws[i].byKey {
			if _, ok := srcCount[key]; ok {
				for _, k := range ks {
					global[key] = append(global[key], hit{i, k})
				}
			}
		}
	}
	var out []format.ShiftReading
	for i, s := range d.slots {
		h := hit{-1, -1}
		if len(c.regions) == len(d.regions) && len(ws[s.region].byKey[s.key]) == s.occurrences {
			h = hit{s.region, ws[s.region].byKey[s.key][s.occurrence]}
		} else if srcCount[s.key] == 1 && len(global[s.key]) == 1 {
			h = global[s.key][0]
		}
		if h.region < 0 {
			continue
		}
		w, p := ws[h.region], &c.paras[c.regPara[h.region]]
		b, okb := c.spacingAt(p, w.at[w.starts[h.k]-1])
		a, oka := c.spacingAt(p, w.at[w.ends[h.k]])
		if !okb || !oka {
			continue
		}
		switch {
		case b == wide && a == 0:
			out = append(out, format.ShiftReading{Slot: i, Shift: Delta})
		case b == 0 && a == wide:
			out = append(out, format.ShiftReading{Slot: i, Shift: -Delta})
		}
	}
	return out, nil
}

// spacingAt returns the character spacing of the run holding the space
// at off of p (0 for none), and false when off is not a space in a w:t.
func (d *Document) spacingAt(p *para, off int) (int, bool) {
	if off >= len(p.text) || p.text[off] != ' ' {
		return 0, false
	}
	i := spaceAt{off: off}.piece(p)
	if i < 0 || p.pieces[i].fixed {
		return 0, false
	}
	r := &d.runs[d.segs[p.pieces[i].seg].run]
	if !r.hasSpace {
		return 0, true
	}
	return r.spacing, true
}
