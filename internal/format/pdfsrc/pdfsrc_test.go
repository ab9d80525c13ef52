package pdfsrc

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
)

func mustParse(t *testing.T, data []byte) *Document {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func render(t *testing.T, d *Document, shifts []uint8) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.RenderShifted(&b, nil, shifts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// alternate is a shift pattern: 0 1 0 1 ... or its opposite.
func alternate(n int, first uint8) []uint8 {
	out := make([]uint8, n)
	for i := range out {
		out[i] = first ^ uint8(i%2)
	}
	return out
}

func TestRegisteredForPDF(t *testing.T) {
	src := spec{pages: memo}.build()
	if d := format.ByContent(src); d == nil || d.Kind != Kind || !d.Binary {
		t.Fatalf("content sniffs as %+v", d)
	}
	if format.Kind("memo.PDF") != Kind {
		t.Fatalf("a .pdf name selects %q", format.Kind("memo.PDF"))
	}
	doc, err := format.ParseKind(Kind, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.(format.ShiftReader); !ok {
		t.Fatal("a PDF document does not read its own shifts")
	}
	if format.ByContent([]byte("PDF-1.4 is a version\n")) != nil {
		t.Fatal("text that merely mentions PDF sniffs as a PDF")
	}
}

// TestTextAndSlots: the regions are the pages' words in drawing order;
// every slot is a plain word with a neighbour on each side on its line,
// never next to another slot; the text takes no text points.
func TestTextAndSlots(t *testing.T) {
	for _, s := range []spec{{pages: memo}, {pages: memo, xrefStream: true, compress: true}} {
		d := mustParse(t, s.build())
		rs := d.Regions()
		want := []string{
			"The committee met on Tuesday and agreed to wait\nPrices rose in most regions during the quarter\nThe next step is a vote",
			"Members noted that (growth) had slowed again\nand a quiet summer was expected by most analysts",
		}
		if len(rs) != 2 || rs[0].Text != want[0] || rs[1].Text != want[1] {
			t.Fatalf("regions %+v", rs)
		}
		if got := d.Fit(0, []format.Candidate{{Start: 0, End: 3, Variants: []string{"The", "the"}}}); len(got) != 0 {
			t.Fatalf("Fit kept %v", got)
		}
		sc := d.Shifts()
		if sc.Delta != Delta || sc.Version != Version || len(sc.Slots) < 8 {
			t.Fatalf("scheme %+v", sc)
		}
		for i, sl := range sc.Slots {
			text := rs[sl.Region].Text
			w := text[sl.Start:sl.End]
			if !format.SlotWord(w) || sl.Start == 0 || text[sl.Start-1] != ' ' || sl.End >= len(text) || text[sl.End] != ' ' {
				t.Errorf("slot %d %q is not a word between two on its line", i, w)
			}
			if i > 0 && sc.Slots[i-1].Region == sl.Region && !strings.Contains(text[sc.Slots[i-1].End:sl.Start], " ") {
				t.Errorf("slots %d and %d are neighbours", i-1, i)
			}
		}
		// "expected" is drawn by ', which moves to the next line: its
		// words never move; "(growth)" is not a plain word.
		for _, sl := range sc.Slots {
			if sl.Region == 1 && !strings.Contains(rs[1].Text[sl.Start:], "\n") {
				t.Errorf("a word drawn by ' is a slot: %q", rs[1].Text[sl.Start:sl.End])
			}
			if w := rs[sl.Region].Text[sl.Start:sl.End]; w == "(growth)" {
				t.Error("a word with punctuation is a slot")
			}
		}
	}
}

// TestCopyMovesOnlyTheSlots: a copy is the source followed by an update;
// each slot's word moves by exactly ±Delta and every other word stays
// where it was; the copy's text is the source's, and reading the copy's
// shifts gives back every slot's.
func TestCopyMovesOnlyTheSlots(t *testing.T) {
	for _, s := range []spec{{pages: memo}, {pages: memo, xrefStream: true, compress: true}} {
		src := s.build()
		d := mustParse(t, src)
		var b bytes.Buffer
		if err := d.Render(&b, nil); err != nil || !bytes.Equal(b.Bytes(), src) {
			t.Fatalf("Render without edits changed the PDF (%v)", err)
		}
		if err := d.Render(&b, []format.Edit{{Region: 0, Start: 0, End: 3, Text: "A"}}); err == nil {
			t.Fatal("Render took an edit")
		}
		n := len(d.Shifts().Slots)
		for _, first := range []uint8{0, 1} {
			shifts := alternate(n, first)
			cp := render(t, d, shifts)
			if !bytes.HasPrefix(cp, src) || len(cp) == len(src) {
				t.Fatal("the copy does not keep the source and append an update")
			}
			c := mustParse(t, cp)
			moved := map[[2]int]float64{}
			for i, sl := range d.slots {
				moved[[2]int{sl.Region, d.slotWord[i]}] = Delta * (2*float64(shifts[i]) - 1)
			}
			for p, pt := range d.pages {
				if c.regions[p].Text != d.regions[p].Text {
					t.Fatalf("page %d's text changed:\n%q\n%q", p, c.regions[p].Text, d.regions[p].Text)
				}
				for i, w := range pt.words {
					cw := c.pages[p].words[i]
					want := moved[[2]int{p, i}]
					if math.Abs(cw.x0-w.x0-want) > 1e-3 || math.Abs(cw.x1-w.x1-want) > 1e-3 || cw.y != w.y {
						t.Errorf("page %d word %q moved by %.4f, want %.4f", p, w.text, cw.x0-w.x0, want)
					}
				}
			}
			rs, err := d.ReadShifts(cp)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != n {
				t.Fatalf("read %d of %d slots", len(rs), n)
			}
			for _, r := range rs {
				if r.Sigma != 0 || r.Shift != Delta*(2*float64(shifts[r.Slot])-1) {
					t.Fatalf("slot %d read %+v, shifted %d", r.Slot, r, shifts[r.Slot])
				}
			}
		}
	}
}

// TestReadShiftsOfTheSource: the unmarked source shows no shift, and a
// PDF of other text shows none either: nothing is guessed.
func TestReadShiftsOfTheSource(t *testing.T) {
	src := spec{pages: memo}.build()
	d := mustParse(t, src)
	rs, err := d.ReadShifts(src)
	if err != nil || len(rs) != 0 {
		t.Fatalf("the source reads %v (%v)", rs, err)
	}
	other := spec{pages: []string{"BT /F1 12 Tf 72 700 Td (Something else was said here today) Tj ET"}}.build()
	if rs, err := d.ReadShifts(other); err != nil || len(rs) != 0 {
		t.Fatalf("another PDF reads %v (%v)", rs, err)
	}
	if _, err := d.ReadShifts([]byte("%PDF-1.4 nothing")); err == nil {
		t.Fatal("a broken copy reads without error")
	}
}

// TestUnsafeTextDoesNotMove: a Type3 font, glyphs placed one by one, a
// symbolic font without widths and turned text keep their words where
// they are, though their text is read.
func TestUnsafeTextDoesNotMove(t *testing.T) {
	line := "BT /F1 12 Tf 72 700 Td (The committee met on Tuesday and agreed to wait) Tj ET"
	tu := []string{asciiCMap(false)}
	for name, s := range map[string]spec{
		"Type3": {pages: []string{line}, extra: tu,
			font: "<</Type/Font/Subtype/Type3/FontMatrix[0.001 0 0 0.001 0 0]/FontBBox[0 0 1 1]/CharProcs<<>>/Encoding<</Differences[32/space]>>/FirstChar 32/LastChar 32/Widths[250]/Resources<<>>/ToUnicode 5 0 R>>"},
		"per glyph": {pages: []string{perGlyph("ab cd ef gh ij")}},
		"no widths": {pages: []string{line}, extra: tu, font: "<</Type/Font/Subtype/TrueType/BaseFont/Sym/ToUnicode 5 0 R>>"},
		"turned":    {pages: []string{"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (The committee met on Tuesday and agreed to wait) Tj ET"}},
	} {
		d := mustParse(t, s.build())
		if text := d.Regions()[0].Text; !strings.Contains(text, "committee") && !strings.Contains(text, "cd") {
			t.Errorf("%s: text %q", name, text)
		}
		if n := len(d.Shifts().Slots); n != 0 {
			t.Errorf("%s: %d slots", name, n)
		}
	}
}

// TestCIDFont: a Type0 font with two-byte codes, its widths from /W and
// its text from ToUnicode, as Word and LibreOffice embed fonts, moves
// its words like a simple font.
func TestCIDFont(t *testing.T) {
	font := "<</Type/Font/Subtype/Type0/BaseFont/X/Encoding/Identity-H/DescendantFonts[<</Type/Font/Subtype/CIDFontType2/BaseFont/X/DW 500/W[32 [250] 33 126 520]>>]/ToUnicode 5 0 R>>"
	s := spec{font: font, extra: []string{asciiCMap(true)}, compress: true, pages: []string{
		"BT /F1 12 Tf 72 700 Td " + cidLine("The committee met on Tuesday and agreed to wait") + " Tj ET"}}
	d := mustParse(t, s.build())
	if got := d.Regions()[0].Text; got != "The committee met on Tuesday and agreed to wait" {
		t.Fatalf("text %q", got)
	}
	n := len(d.Shifts().Slots)
	if n < 3 {
		t.Fatalf("%d slots", n)
	}
	for _, first := range []uint8{0, 1} {
		shifts := alternate(n, first)
		cp := render(t, d, shifts)
		c := mustParse(t, cp)
		for i, w := range d.pages[0].words {
			want := 0.0
			for k, si := range d.slotWord {
				if si == i {
					want = Delta * (2*float64(shifts[k]) - 1)
				}
			}
			if got := c.pages[0].words[i].x0 - w.x0; math.Abs(got-want) > 1e-3 {
				t.Errorf("%q moved by %.4f, want %.4f", w.text, got, want)
			}
		}
		rs, err := d.ReadShifts(cp)
		if err != nil || len(rs) != n {
			t.Fatalf("read %d of %d (%v)", len(rs), n, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	img := spec{pages: []string{"q 612 0 0 792 0 0 cm /Im0 Do Q"}}.build()
	if _, err := Parse(img); !errors.Is(err, ErrNoText) {
		t.Errorf("an image-only PDF: %v", err)
	}
	enc := spec{pages: memo, trailer: "/Encrypt<</Filter/Standard/V 1/R 2/O<00>/U<00>/P -4>>"}.build()
	if _, err := Parse(enc); !errors.Is(err, ErrEncrypted) {
		t.Errorf("an encrypted PDF: %v", err)
	}
	src := spec{pages: memo}.build()
	for name, data := range map[string][]byte{
		"not a PDF": []byte("hello world"),
		"truncated": src[:len(src)/2],
		"no xref":   bytes.Replace(src, []byte("startxref"), []byte("startxrex"), 1),
	} {
		if _, err := Parse(data); !errors.Is(err, ErrMalformed) || !errors.Is(err, format.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestReadShiftsOfSomePages: a copy cut down to its second page (as
// pdfseparate leaves it) reads that page's slots, and only those.
func TestReadShiftsOfSomePages(t *testing.T) {
	d := mustParse(t, spec{pages: memo}.build())
	shifts := alternate(len(d.slots), 0)
	full := mustParse(t, render(t, d, shifts))
	// The second page alone: its content, as the copy draws it.
	var page2 []byte
	for _, raw := range full.pages[1].raw {
		page2 = append(page2, raw...)
	}
	cut := spec{pages: []string{string(page2)}}.build()
	rs, err := d.ReadShifts(cut)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, s := range d.slots {
		if s.Region == 1 {
			want++
		}
	}
	if want == 0 || len(rs) != want {
		t.Fatalf("read %d slots of the second page's %d", len(rs), want)
	}
	for _, r := range rs {
		if d.slots[r.Slot].Region != 1 || r.Shift != Delta*(2*float64(shifts[r.Slot])-1) {
			t.Fatalf("read %+v", r)
		}
	}
}

// TestWordPerOperation: text drawn a word per operation, each placed
// anew (as Word draws runs), moves its words like a line drawn at once:
// only the slots' words move, by exactly ±Delta.
func TestWordPerOperation(t *testing.T) {
	var c strings.Builder
	c.WriteString("BT /F1 12 Tf 72 700 Td")
	x := 0.0
	for i, w := range strings.Fields("The committee met on Tuesday and agreed to wait for more data") {
		if i > 0 {
			fmt.Fprintf(&c, " %g 0 Td", x)
		}
		if i%2 == 0 {
			fmt.Fprintf(&c, " (%s) Tj", w)
		} else {
			fmt.Fprintf(&c, " [(%s)] TJ", w)
		}
		x = 6*float64(len(w)) + 3 // 500/1000 of 12 pt a letter, then 3 pt
	}
	c.WriteString(" ET")
	d := mustParse(t, spec{pages: []string{c.String()}}.build())
	if got := d.Regions()[0].Text; got != "The committee met on Tuesday and agreed to wait for more data" {
		t.Fatalf("text %q", got)
	}
	n := len(d.slots)
	if n < 4 {
		t.Fatalf("%d slots", n)
	}
	shifts := alternate(n, 1)
	cp := render(t, d, shifts)
	cd := mustParse(t, cp)
	for i, w := range d.pages[0].words {
		want := 0.0
		for k, si := range d.slotWord {
			if si == i {
				want = Delta * (2*float64(shifts[k]) - 1)
			}
		}
		if got := cd.pages[0].words[i].x0 - w.x0; math.Abs(got-want) > 1e-3 {
			t.Errorf("%q moved by %.4f, want %.4f", w.text, got, want)
		}
	}
	if rs, err := d.ReadShifts(cp); err != nil || len(rs) != n {
		t.Fatalf("read %d of %d (%v)", len(rs), n, err)
	}
}

// perGlyph draws a line a glyph per operation, each placed with Tm.
func perGlyph(line string) string {
	var b strings.Builder
	b.WriteString("BT /F1 12 Tf")
	x := 72.0
	for _, c := range line {
		if c != ' ' {
			fmt.Fprintf(&b, " 1 0 0 1 %g 700 Tm (%c) Tj", x, c)
			x += 6
		} else {
			x += 3
		}
	}
	return b.String() + " ET"
}
