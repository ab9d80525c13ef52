package evalplot

import (
	"bytes"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// table is a small evaluation: two attacks alone, one with colluders,
// lengths from 10 to 400 words (log x), rows deliberately out of order.
func table() []Row {
	var rows []Row
	for _, w := range []int{400, 10, 100, 25, 50} {
		rate := min(1, float64(w)/120)
		rows = append(rows,
			Row{Attack: "retype", Words: w, Colluders: 1, Trials: 20, Identified: rate},
			Row{Attack: "excerpt", Words: w, Colluders: 1, Trials: 20, Identified: min(1, rate*1.5)},
			Row{Attack: "collude", Words: w, Colluders: 3, Trials: 20, Identified: rate * 0.8},
		)
	}
	return rows
}

func TestPlotSVG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id.svg")
	if err := Plot(table(), "Identification by excerpt length", path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "<?xml") && !strings.HasPrefix(s, "<svg") {
		t.Fatalf("not an SVG: %.60q", s)
	}
	for _, want := range []string{"retype", "excerpt", "collude, 3 colluders", "Identification by excerpt length", "excerpt length (words)", "100%", "400"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(s), "</svg>") {
		t.Errorf("SVG is not closed")
	}
}

func TestPlotPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id.png")
	if err := Plot(table(), "Identification", path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" {
		t.Fatalf("format %q, want png", format)
	}
	// 6 in of plot plus the legend, 4 in high, at 150 DPI.
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w < 900 || w > 2000 || h != 600 {
		t.Errorf("PNG is %d×%d, want about 1100×600", w, h)
	}
	// Not blank: some pixels are far from the white background.
	var dark int
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("PNG looks blank: %d dark pixels sampled", dark)
	}
}

func TestPlotIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	rows := table()
	a, b := filepath.Join(dir, "a.svg"), filepath.Join(dir, "b.svg")
	if err := Plot(rows, "t", a); err != nil {
		t.Fatal(err)
	}
	// Reversed input must give the same chart.
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	if err := Plot(rows, "t", b); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("the same rows in another order gave a different SVG")
	}
}

func TestPlotLinearNarrowRange(t *testing.T) {
	rows := []Row{
		{Attack: "edit", Words: 40, Colluders: 1, Trials: 5, Identified: 0.2},
		{Attack: "edit", Words: 80, Colluders: 1, Trials: 5, Identified: 0.6},
		{Attack: "edit", Words: 80, Colluders: 1, Trials: 15, Identified: 1}, // pooled with the row above
		{Attack: "edit", Words: 160, Colluders: 1, Trials: 5, Identified: 1},
	}
	if err := Plot(rows, "", filepath.Join(t.TempDir(), "lin.svg")); err != nil {
		t.Fatal(err)
	}
	s := group(rows)
	if len(s) != 1 || len(s[0].points) != 3 || s[0].points[1].Y != 90 {
		t.Errorf("group = %+v, want 3 points with 80 words pooled to 90%%", s)
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"x.pdf", "x", "x.jpg"} {
		if err := Plot(table(), "t", filepath.Join(dir, name)); err == nil {
			t.Errorf("Plot to %s: no error", name)
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("Plot to %s left a file", name)
		}
	}
	if err := Plot(nil, "t", filepath.Join(dir, "empty.svg")); err == nil {
		t.Error("Plot of no rows: no error")
	}
}
