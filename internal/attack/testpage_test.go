package attack

import (
	"bytes"
	"os/exec"
	"testing"
	"time"

	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"
)

// testPDF typesets text as the issued PDF copies are: US Letter, one-inch
// margins, Liberation Serif 11 pt on 14.5 pt leading, ragged right. Each
// "\n\n" starts a paragraph.
func testPDF(t testing.TB, paragraphs ...string) []byte {
	t.Helper()
	return testPDFSized(t, 612, 792, 72, paragraphs...)
}

// testPDFSized is testPDF on a w×h pt page with the given margins.
func testPDFSized(t testing.TB, w, h, margin float64, paragraphs ...string) []byte {
	t.Helper()
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "pt", Size: fpdf.SizeType{Wd: w, Ht: h}})
	p.SetCreationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p.SetCatalogSort(true)
	p.AddUTF8FontFromBytes("serif", "", liberationserifregular.TTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, margin)
	p.AddPage()
	p.SetFont("serif", "", 11)
	for _, para := range paragraphs {
		p.MultiCell(0, 14.5, para, "", "L", false)
		p.Ln(7)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// needPdftoppm skips a test when poppler's pdftoppm is missing, saying so;
// CI installs it (.ci/run).
func needPdftoppm(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skipf("picture attacks not tested: pdftoppm not found; install it with: apt-get install poppler-utils")
	}
}
