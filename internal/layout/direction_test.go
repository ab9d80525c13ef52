package layout

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRightToLeftTextIsAnError: the typesetter lays words out left to
// right, so Hebrew would be drawn backwards (and with it the copy's
// text layer). A right-to-left letter in the document, its title or the
// footer is an error naming it, not a copy a reader can't read.
func TestRightToLeftTextIsAnError(t *testing.T) {
	if _, err := plan(t, "memo.txt", "The greeting שלום opens the letter to the branch office.\n"); !errors.Is(err, ErrDirection) || !strings.Contains(err.Error(), "U+05E9") {
		t.Errorf("Hebrew in the text: got %v, want ErrDirection naming U+05E9", err)
	}
	p, err := plan(t, "memo.txt", "The committee met on Tuesday and reached no decision about the budget.\n")
	if err != nil {
		t.Fatal(err)
	}
	ts, ls := make([]uint8, len(p.set.Points)), make([]uint8, p.NumPoints())
	if err := p.PDF(&bytes.Buffer{}, ts, ls, PDFOptions{Footer: "Issued to דוד כהן (heb)"}); !errors.Is(err, ErrDirection) {
		t.Errorf("Hebrew in the footer: got %v, want ErrDirection", err)
	}
}

// TestLongFooterStaysOnThePage: a reader's name of hundreds of
// characters is shortened in the middle so that the footer ends within
// the right margin and still names the reader's id at its end.
func TestLongFooterStaysOnThePage(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("pdftotext is not installed; CI=true, so this fails")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	p, err := plan(t, "memo.txt", "The committee met on Tuesday and reached no decision about the budget.\n")
	if err != nil {
		t.Fatal(err)
	}
	ts, ls := make([]uint8, len(p.set.Points)), make([]uint8, p.NumPoints())
	var buf bytes.Buffer
	footer := "Issued to " + strings.Repeat("Bartholomew ", 21) + "(r0042)"
	if err := p.PDF(&buf, ts, ls, PDFOptions{Footer: footer}); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	word := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)
	var last string
	for _, m := range word.FindAllStringSubmatch(string(out), -1) {
		y, _ := strconv.ParseFloat(m[2], 64)
		if y < footerY-footerSize {
			continue
		}
		if x, _ := strconv.ParseFloat(m[3], 64); x > pageW-margin+0.5 {
			t.Errorf("footer word %q ends at x = %.1f pt, past the right margin at %.0f", m[4], x, pageW-margin)
		}
		last = m[4]
	}
	if last != "(r0042)" {
		t.Errorf("footer ends with %q, want the reader's id (r0042)", last)
	}
}
