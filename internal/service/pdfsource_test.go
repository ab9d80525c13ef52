package service_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format/pdfsrc"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

var (
	sourcePDFOnce sync.Once
	sourcePDF     []byte
	sourcePDFErr  error
)

// officePDF is a PDF LibreOffice makes from a memo of the corpus, made
// once per test binary.
func officePDF(t *testing.T) []byte {
	t.Helper()
	tooltest.Require(t, "libreoffice-writer-nogui", "soffice", "libreoffice")
	memo := corpus.RequireMemos(t, 1, 700, 31)[0]
	sourcePDFOnce.Do(func() {
		sourcePDF, sourcePDFErr = office.Convert(t.Context(), "memo.txt", []byte(memo), "pdf", "pdf")
	})
	if sourcePDFErr != nil {
		t.Fatal(sourcePDFErr)
	}
	return sourcePDF
}

// TestPDFSourceCopyNamesItsReader: a PDF registered as it is, issued to
// 300 readers; each copy file traced names its reader (from its layout
// points, read exactly), and accuses nobody else, at ε = 1e-6. Its text
// alone accuses nobody.
func TestPDFSourceCopyNamesItsReader(t *testing.T) {
	tooltest.Require(t, "poppler-utils", "pdftotext")
	src := officePDF(t)
	readers := make([]string, 300)
	for i := range readers {
		readers[i] = fmt.Sprintf("r%03d", i)
	}
	s := emptyHome(t, readers...)
	ctx := t.Context()
	d, err := s.AddDocument(ctx, "memo.pdf", src, "memo", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != pdfsrc.Kind || d.Marks.Total != 0 {
		t.Fatalf("registered as %q with %d text points", d.Format, d.Marks.Total)
	}
	l := d.Capacity.Layout
	if l == nil || !l.Native || l.Points < 100 || l.ExactPointsNeeded == 0 || l.ExactPointsNeeded > l.Points {
		t.Fatalf("layout capacity %+v", l)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(ctx, m, readers)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string][]byte{}
	for _, c := range issued {
		copies[c.Recipient] = c.Data
	}
	// --format pdf of a PDF source is its own format, not a typeset copy.
	asPDF, err := s.IssueWith(ctx, m, readers[7:8], service.IssueOptions{Format: leaktrace.FormatPDF})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(asPDF[0].Data, copies[readers[7]]) {
		t.Fatal("a PDF copy of a PDF source is not the copy in its own format")
	}
	if bytes.Equal(copies["r000"], copies["r001"]) {
		t.Fatal("two readers' copies are the same")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 6; k++ {
		r := readers[rng.IntN(len(readers))]
		rep, err := s.Trace(ctx, "copy.pdf", copies[r], service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range rep.Warnings {
			t.Errorf("%s: warning: %s", r, w)
		}
		mt := checkTrace(t, rep, "memo", r)
		if mt.Suspects[0].PValue > 1e-12 {
			t.Errorf("%s named with p = %g only", r, mt.Suspects[0].PValue)
		}
	}
	// The copy's text, pasted, carries no mark: nobody is accused.
	text, err := pdfsrc.Text(copies["r042"])
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Trace(ctx, "paste.txt", []byte(text), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, mt := range rep.Matches {
		for _, su := range mt.Suspects {
			if su.Accused {
				t.Fatalf("a paste of a PDF copy's text accuses %s", su.Recipient)
			}
		}
	}
}
