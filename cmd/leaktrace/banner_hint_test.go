package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// TestBannerTooLongHint: a marking too long for a PDF copy's pages says
// what the user can do about it.
func TestBannerTooLongHint(t *testing.T) {
	err := fmt.Errorf("PDF copy of %q for %q: %w", "memo", "r1", layout.CheckBanner("SECRET//REL TO USA, "+strings.Repeat("GBR, ", 60)+"AUS"))
	if h := hintFor(err, nil); !strings.Contains(h, "shorten it, or issue the copy in the document's own format") {
		t.Errorf("hint %q", h)
	}
}
