package service_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
)

// markedStore is the home's store, with the markings documents have in
// the vault. The test sets a document's marking here, as the store
// returns it once set (Store.SetMarking), so that it can change one
// between two issues.
type markedStore struct {
	leaktrace.Store
	marking map[string]string
}

func (m *markedStore) Document(ctx context.Context, id string) (*leaktrace.Document, error) {
	d, err := m.Store.Document(ctx, id)
	if err == nil {
		d.Marking = m.marking[id]
	}
	return d, err
}

// pdfPages returns the text of each page of a PDF, as pdftotext reads it.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal("pdftotext is not installed; CI=true, so this fails")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(out), "\f")
	return pages[:len(pages)-1] // pdftotext ends every page with a form feed
}

// TestPDFCopyCarriesTheBanner: a marked document's PDF copy shows its
// marking at the top and the bottom of every page; the copy row and its
// log entry record the banner; the copy still traces to its reader. When
// the marking changes, the same reader's PDF copy is other bytes, a copy
// of its own in the store and the log, and log verify still passes;
// without a banner in the copy's identity, the re-issue would look like
// a copy whose bytes changed.
func TestPDFCopyCarriesTheBanner(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 900, 13)
	ctx := t.Context()
	readers := make([]string, 30)
	for i := range readers {
		readers[i] = fmt.Sprintf("r%02d", i)
	}
	s := emptyHome(t, readers...)
	ms := &markedStore{Store: s.Store, marking: map[string]string{}}
	s.Store = ms
	if _, err := s.AddDocument(ctx, "memo.txt", []byte(memos[0]), "memo", ""); err != nil {
		t.Fatal(err)
	}
	issuePDF := func(reader string) []byte {
		t.Helper()
		m, _, err := s.Marker(ctx, "memo")
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.IssueWith(ctx, m, []string{reader}, service.IssueOptions{Format: leaktrace.FormatPDF, Footer: true})
		if err != nil {
			t.Fatal(err)
		}
		return cs[0].Data
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, m, readers); err != nil {
		t.Fatal(err)
	}
	unmarked := issuePDF("r07")

	const banner = "TOP SECRET//SI//NOFORN"
	ms.marking["memo"] = banner
	pdf := issuePDF("r07")
	pages := pdfPages(t, pdf)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want a document of several", len(pages))
	}
	for i, p := range pages {
		if n := strings.Count(p, banner); n != 2 {
			t.Errorf("page %d shows the banner %d times, want 2 (top and bottom):\n%s", i+1, n, p)
		}
	}
	for i, p := range pdfPages(t, unmarked) {
		if strings.Contains(p, "SECRET") {
			t.Errorf("page %d of the unmarked document's copy shows a banner", i+1)
		}
	}

	// The copy row and its log entry name the banner.
	cs, err := s.Store.Copies(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	var rows []leaktrace.Copy
	for _, c := range cs {
		if c.Format == leaktrace.FormatPDF {
			rows = append(rows, c)
		}
	}
	if len(rows) != 2 || rows[0].Marking != "" || rows[0].SHA256 != leaktrace.Hash(unmarked) ||
		rows[1].Marking != banner || rows[1].SHA256 != leaktrace.Hash(pdf) {
		t.Fatalf("PDF copies recorded: %+v", rows)
	}
	size, err := s.Store.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, e, err := s.Entry(ctx, size-1)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "copy" || e.Format != leaktrace.FormatPDF || e.Marking != banner || e.CopySHA256 != leaktrace.Hash(pdf) {
		t.Fatalf("last entry %+v, want the marked PDF copy's", e)
	}

	// The marked copy names its reader.
	rep, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "leak.pdf", Data: pdf}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Matches) != 1 {
		t.Fatalf("%d matches", len(rep.Matches))
	}
	match := rep.Matches[0]
	if sum := match.LayoutFor("r07"); match.ByChannel[marks.Layout] == 0 || sum.Agree != sum.Read {
		t.Errorf("layout: %d read, r07's copy agrees with %d of %d", match.ByChannel[marks.Layout], sum.Agree, sum.Read)
	}
	if !match.Suspects[0].Accused || match.Suspects[0].Recipient != "r07" {
		t.Errorf("top suspect %+v, want r07 accused", match.Suspects[0])
	}
	for _, su := range match.Suspects[1:] {
		if su.Accused {
			t.Errorf("innocent %s accused (p %g)", su.Recipient, su.PValue)
		}
	}

	// Re-issued under the same marking, the copy is the same bytes;
	// under another, other bytes and a copy of its own.
	if again := issuePDF("r07"); !bytes.Equal(again, pdf) {
		t.Error("re-issued under the same marking, the PDF copy is other bytes")
	}
	ms.marking["memo"] = "SECRET//REL TO USA, GBR"
	relTo := issuePDF("r07")
	if bytes.Equal(relTo, pdf) {
		t.Fatal("the copy under another marking is the same bytes")
	}
	if p := pdfPages(t, relTo)[0]; strings.Count(p, "SECRET//REL TO USA, GBR") != 2 || strings.Contains(p, banner) {
		t.Errorf("after the marking changed, the first page reads:\n%s", p)
	}
	if cs, err = s.Store.Copies(ctx, "memo"); err != nil {
		t.Fatal(err)
	}
	if n := len(cs); n != len(readers)+3 {
		t.Errorf("%d copies recorded, want %d text copies and 3 PDF copies (no banner, two banners)", n, len(readers))
	}
	vr, err := s.VerifyLog(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !vr.OK {
		t.Errorf("log verify after re-issues under three markings: %q", vr.Problems)
	}
}
