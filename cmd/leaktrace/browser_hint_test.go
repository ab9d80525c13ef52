package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/browser"
)

// Tracing a picture of an HTML copy without Chromium says what to install.
func TestHintForMissingChromium(t *testing.T) {
	err := fmt.Errorf("drawing the page's reference layout: %w", browser.ErrNotInstalled)
	if h := hintFor(err, nil); !strings.Contains(h, "apt-get install chromium") {
		t.Errorf("hint %q does not say how to install Chromium", h)
	}
	err = fmt.Errorf("drawing the page's reference layout: %w: exit status 1", browser.ErrScreenshot)
	if h := hintFor(err, nil); !strings.Contains(h, "Chromium runs headless") {
		t.Errorf("hint %q does not say how to check Chromium", h)
	}
}
