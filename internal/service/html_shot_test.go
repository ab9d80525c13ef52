package service_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// A headless Chromium screenshot of an HTML copy (the top of the page, as
// a 1200×1600 window shows it) names its reader among 300, by the layout
// points it shows, and accuses nobody else.
func TestHTMLScreenshotNamesTheReader(t *testing.T) {
	tooltest.Require(t, "chromium", "chromium")
	tooltest.Require(t, "tesseract-ocr", "tesseract")
	s, _, copies := htmlHome(t, 300)
	rng := rand.New(rand.NewPCG(12, 1600))
	for trial := range 2 {
		reader := fmt.Sprintf("r%03d", rng.IntN(300))
		shot, err := browser.Screenshot(t.Context(), copies[reader], service.HTMLReferenceWidth, 1600)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Trace(t.Context(), "screenshot.png", shot, service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Matches) != 1 {
			t.Fatalf("trial %d: %d matches", trial, len(rep.Matches))
		}
		m := rep.Matches[0]
		lay := m.LayoutFor(reader)
		t.Logf("trial %d: %d layout points read, %d agree; p %.3g", trial, lay.Read, lay.Agree, m.Suspects[0].PValue)
		if top := m.Suspects[0]; top.Recipient != reader || !top.Accused {
			t.Errorf("trial %d: top suspect %s (accused %v), want %s", trial, top.Recipient, top.Accused, reader)
		}
		for _, sus := range m.Suspects[1:] {
			if sus.Accused {
				t.Errorf("trial %d: innocent %s accused", trial, sus.Recipient)
			}
		}
		if lay.Read < 50 {
			t.Errorf("trial %d: %d layout points read", trial, lay.Read)
		}
	}
}
