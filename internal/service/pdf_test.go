package service_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestLayoutCodeMatchesIssuedCopies: the layout code a trace reads equals
// the symbols the PDF copies were issued with.
func TestLayoutCodeMatchesIssuedCopies(t *testing.T) {
	s, m := layoutHome(t)
	ctx := t.Context()
	p, err := s.Layout(m)
	if err != nil {
		t.Fatal(err)
	}
	if p.NumPoints() < 10 {
		t.Fatalf("%d layout points", p.NumPoints())
	}
	lc, err := s.LayoutCode(ctx, service.OpTrace, m, p)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, p.NumPoints())
	for i := range idx {
		idx[i] = i
	}
	biases := lc.Points(idx)
	var prev []uint8
	for _, r := range []string{"r1", "r2"} {
		want, err := s.LayoutSymbols(ctx, m, p, r)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]uint8, len(idx))
		lc.SymbolsAt(r, idx, biases, got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: the layout code gives other symbols than the copy's", r)
		}
		if slices.Equal(got, prev) {
			t.Fatal("two readers have the same layout symbols")
		}
		prev = got
	}
}

// layoutHome registers a one-page memo for readers r1 and r2.
func layoutHome(t *testing.T) (*service.Service, *leaktrace.Marker) {
	t.Helper()
	s := emptyHome(t, "r1", "r2")
	text := strings.Repeat("The committee met on Tuesday and reached no decision about the budget for the coming year. ", 12) + "\n"
	if _, err := s.AddDocument(t.Context(), "memo.txt", []byte(text), "memo", ""); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

// TestIssuePDFRecordsFormatAndLayout: a PDF copy is recorded beside the
// copy in the document's own format, with its layout version, and both
// stand in the store.
func TestIssuePDFRecordsFormatAndLayout(t *testing.T) {
	s, m := layoutHome(t)
	ctx := t.Context()
	txt, err := s.Issue(ctx, m, []string{"r1"})
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := s.IssueWith(ctx, m, []string{"r1"}, service.IssueOptions{Format: leaktrace.FormatPDF})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf[0].Data, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	cs, err := s.Store.Copies(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Format != "" || cs[0].SHA256 != leaktrace.Hash(txt[0].Data) ||
		cs[1].Format != leaktrace.FormatPDF || cs[1].Layout != layout.Version1 || cs[1].SHA256 != leaktrace.Hash(pdf[0].Data) {
		t.Fatalf("copies recorded: %+v", cs)
	}
	if _, err := s.IssueWith(ctx, m, []string{"r1"}, service.IssueOptions{Footer: true}); !errors.Is(err, service.ErrIssueFormat) {
		t.Fatalf("a footer on a text copy: %v", err)
	}
}
