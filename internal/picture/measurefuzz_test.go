package picture

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// FuzzMeasurePage checks that any boxes, however wrong for the picture
// (outside it, overlapping, huge, tiny), give finite extents or the
// box's own with a large Sigma, never a panic.
func FuzzMeasurePage(f *testing.F) {
	f.Add([]byte{10, 10, 40, 20, 50, 10, 90, 20, 100, 10, 150, 22})
	f.Add([]byte{0, 0, 255, 255, 255, 255, 1, 1})
	g := toPlane(samplePage())
	f.Fuzz(func(t *testing.T, data []byte) {
		var ln ocrLine
		for len(data) >= 8 {
			v := func(i int) int { return int(int16(binary.LittleEndian.Uint16(data[i:]))) }
			l, tp := v(0)&0x3ff, v(2)&0x3ff
			w, h := 1+v(4)&0x3ff, 1+v(6)&0x3ff
			ln.words = append(ln.words, box{text: "w", left: l, top: tp, right: l + w, bottom: tp + h})
			data = data[8:]
		}
		if len(ln.words) == 0 {
			return
		}
		page := measurePage(g, []ocrLine{ln})
		for _, w := range page.Lines[0].Words {
			if math.IsNaN(w.Left) || math.IsNaN(w.Right) || math.IsInf(w.Left, 0) || math.IsInf(w.Right, 0) || !(w.Sigma > 0) || math.IsInf(w.Sigma, 0) {
				t.Fatalf("word measured as %+v", w)
			}
		}
	})
}

// FuzzInkOf: boxes read from an untrusted PDF, however wrong for the
// page drawn (outside it, inverted, huge, overlapping), give each word
// finite ink extents inside the picture's reach, or none, never a panic.
func FuzzInkOf(f *testing.F) {
	f.Add([]byte{10, 10, 40, 20, 50, 10, 90, 20, 100, 10, 150, 22}, 1.0)
	f.Add([]byte{0, 0, 255, 255, 255, 255, 1, 1}, 300.0/72)
	img := samplePage()
	f.Fuzz(func(t *testing.T, data []byte, scale float64) {
		var line layout.SeenLine
		for len(data) >= 8 {
			v := func(i int) float64 { return float64(int16(binary.LittleEndian.Uint16(data[i:]))) / 4 }
			line.Words = append(line.Words, layout.SeenWord{Text: "w", Left: v(0), Top: v(2), Right: v(0) + v(4), Bottom: v(2) + v(6)})
			data = data[8:]
		}
		page := InkOf(img, layout.SeenPage{Lines: []layout.SeenLine{line}}, scale)
		if len(page.Lines) != 1 || len(page.Lines[0].Words) != len(line.Words) {
			t.Fatalf("InkOf changed the words: %+v", page)
		}
		for _, w := range page.Lines[0].Words {
			if w.HasInk() && (math.IsNaN(w.InkLeft) || math.IsInf(w.InkLeft, 0) || math.IsInf(w.InkRight, 0)) {
				t.Fatalf("word measured as %+v", w)
			}
		}
	})
}
