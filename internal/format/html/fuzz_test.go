package html

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/marks"
)

// FuzzParse: any page parses without panicking; rendering without edits
// gives it back; a copy with every point and slot changed keeps every
// token that is not marked text, and reads back its own shifts.
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("<!doctype html><p>a &amp b &#x41; c<b>d</b> e f g h i</p>"))
	f.Add([]byte("<html><body><p>one two three four five six<code>x</code> seven eight nine ten</p><pre>a b c</pre>"))
	f.Add([]byte("<p>A\r\n  b \t c</p><script>if (a<b) {}</script><svg><text>x y z</text></svg><textarea>a b c d e</textarea>"))
	f.Add([]byte("<p>The <a href=x>committee</a> met on Tuesday, and the board didn't agree \"at all\"...</p>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return // the registry refuses these before Parse
		}
		d, err := Parse(data)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := d.Render(&buf, nil); err != nil || !bytes.Equal(buf.Bytes(), data) {
			t.Fatalf("Render(nil) = %q, %v", buf.Bytes(), err)
		}
		for _, r := range d.Regions() {
			if !utf8.ValidString(r.Text) {
				t.Fatalf("region text is not UTF-8: %q", r.Text)
			}
		}
		set := marks.Find(d)
		sym := make([]uint8, len(set.Points))
		for i, p := range set.Points {
			sym[i] = uint8(len(p.Variants) - 1)
		}
		shifts := make([]uint8, len(d.Shifts().Slots))
		for i := range shifts {
			shifts[i] = uint8(i % 2)
		}
		buf.Reset()
		if err := d.RenderShifted(&buf, set.Edits(sym), shifts); err != nil {
			t.Fatalf("RenderShifted: %v", err)
		}
		cp := buf.Bytes()
		if a, b := strings.Join(nonText(t, data), "\x00"), strings.Join(nonText(t, cp), "\x00"); a != b {
			t.Fatalf("markup changed:\n%q\n%q", data, cp)
		}
		// No zero-width space next to a line break or before a slot's
		// space that the source did not have.
		for _, bad := range []string{"\u200B\n", "\u200B\r", "\n\u200B", "\u200B" + Wide, "\u200B" + Narrow} {
			if strings.Count(string(cp), bad) > strings.Count(string(data), bad) {
				t.Fatalf("the copy has %q the source has not:\n%q\n%q", bad, data, cp)
			}
		}
		c, err := Parse(cp)
		if err != nil {
			t.Fatalf("the copy does not parse: %v", err)
		}
		if len(c.Regions()) != len(d.Regions()) {
			t.Fatalf("copy has %d regions, source %d:\n%q\n%q", len(c.Regions()), len(d.Regions()), data, cp)
		}
		rs, err := d.ReadShifts(cp)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if want := (2*float64(shifts[r.Slot]) - 1) * Delta; r.Shift != want {
				t.Fatalf("slot %d read %v, want %v", r.Slot, r.Shift, want)
			}
		}
	})
}
