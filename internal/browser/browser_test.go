package browser_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

func TestScreenshot(t *testing.T) {
	tooltest.Require(t, "chromium", "chromium")
	page := []byte(`<!doctype html><html><body style="margin:0;background:#fff"><p style="font-size:40px;margin:0">The committee met</p>
<link rel="stylesheet" href="https://example.org/never.css"></body></html>`)
	shot, err := browser.Screenshot(t.Context(), page, 400, 120)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 400 || b.Dy() != 120 {
		t.Fatalf("screenshot is %v, want 400×120", b)
	}
	// The text is drawn: dark pixels in its line, none below it.
	dark := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := 0; x < 400; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if dark(0, 50) < 200 || dark(70, 120) != 0 {
		t.Errorf("dark pixels: %d in the text's line, %d below", dark(0, 50), dark(70, 120))
	}
}
