package service

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// TestTracePDFReadsLayout: a reader's PDF copy, traced as a file, is
// routed to the PDF reader, its layout points are measured against the
// document's typeset plan and scored against its layout code, and name
// the reader; so do two screenshots of halves of its page, pooled (the
// picture reader, with tesseract); the same reader id's PDF from another
// home (another key) names nobody.
func TestTracePDFReadsLayout(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 700, 51)
	ctx := t.Context()
	home := func(name string) *Service {
		dir := filepath.Join(t.TempDir(), name)
		if err := Init(ctx, dir, InitOptions{}); err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		rs := make([]leaktrace.Recipient, 40)
		for i := range rs {
			rs[i] = leaktrace.Recipient{ID: fmt.Sprintf("r%02d", i)}
		}
		if err := s.AddRecipients(ctx, rs); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddDocument(ctx, "memo.txt", []byte(memos[0]), "memo", ""); err != nil {
			t.Fatal(err)
		}
		m, _, err := s.Marker(ctx, "memo")
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		if _, err := s.Issue(ctx, m, ids); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// pdfOf renders reader's PDF copy as the home's key marks it.
	pdfOf := func(s *Service, reader string) []byte {
		m, d, err := s.Marker(ctx, "memo")
		if err != nil {
			t.Fatal(err)
		}
		a, err := leaktrace.AnalyzeWith(d.Filename, d.Content, d.Options())
		if err != nil {
			t.Fatal(err)
		}
		plan, err := layout.NewPlan(a.Set, d.Title, layout.Version1)
		if err != nil {
			t.Fatal(err)
		}
		lay := make([]uint8, plan.NumPoints())
		code.SymbolsOnce(s.key, layout.CodeDomain(layout.Version1)+d.ID, plan.Specs(), reader, lay)
		var buf bytes.Buffer
		if err := plan.PDF(&buf, m.Symbols(reader), lay, layout.PDFOptions{}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	s, other := home("home"), home("other")
	rep, err := s.TraceInputs(ctx, []TraceInput{{Name: "leak.pdf", Data: pdfOf(s, "r17")}}, DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Kind != KindPDF || rep.Inputs[0].Pages == 0 {
		t.Fatalf("inputs %+v", rep.Inputs)
	}
	if len(rep.Matches) != 1 {
		t.Fatalf("%d matches", len(rep.Matches))
	}
	m := rep.Matches[0]
	sum := m.LayoutFor("r17")
	if m.ByChannel[marks.Layout] == 0 || sum.Read != m.ByChannel[marks.Layout] || sum.Agree != sum.Read {
		t.Errorf("layout: %d read, %d erased, r17's copy agrees with %d of %d", m.ByChannel[marks.Layout], m.Erased[marks.Layout], sum.Agree, sum.Read)
	}
	if !m.Suspects[0].Accused || m.Suspects[0].Recipient != "r17" {
		t.Errorf("top suspect %+v, want r17 accused", m.Suspects[0])
	}
	for _, su := range m.Suspects[1:] {
		if su.Accused {
			t.Errorf("innocent %s accused (p %g)", su.Recipient, su.PValue)
		}
	}
	if n := m.ByChannel[marks.Layout]; n < 40 {
		t.Errorf("only %d layout marks read from a PDF of %d words", n, rep.LeakWords)
	}

	// A screenshot of the page, in two halves traced together: OCR'd,
	// measured on the pixels, pooled.
	pdf := pdfOf(s, "r17")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "leak.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var halves []TraceInput
	for _, crop := range [][]string{{"-H", "800"}, {"-y", "800", "-H", "900"}} {
		name := fmt.Sprintf("half%d", len(halves))
		args := append([]string{"-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"}, crop...)
		out, err := exec.CommandContext(ctx, "pdftoppm", append(args, filepath.Join(dir, "leak.pdf"), filepath.Join(dir, name))...).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, out)
		}
		png, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		halves = append(halves, TraceInput{Name: name + ".png", Data: png})
	}
	rep, err = s.TraceInputs(ctx, halves, DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 2 || rep.Inputs[0].Kind != KindImage || len(rep.Matches) != 1 {
		t.Fatalf("inputs %+v, %d matches", rep.Inputs, len(rep.Matches))
	}
	m = rep.Matches[0]
	sum = m.LayoutFor("r17")
	if m.ByChannel[marks.Typographic] != 0 || sum.Read < 40 || len(sum.Sources) != 2 || !m.Suspects[0].Accused || m.Suspects[0].Recipient != "r17" {
		t.Errorf("screenshot halves: channels %v, layout %+v, top suspect %+v", m.ByChannel, sum, m.Suspects[0])
	}
	for _, su := range m.Suspects[1:] {
		if su.Accused {
			t.Errorf("screenshot halves: innocent %s accused (p %g)", su.Recipient, su.PValue)
		}
	}

	rep, err = s.TraceInputs(ctx, []TraceInput{{Name: "elsewhere.pdf", Data: pdfOf(other, "r17")}}, DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Matches {
		for _, su := range m.Suspects {
			if su.Accused {
				t.Errorf("another home's copy accuses %s (p %g)", su.Recipient, su.PValue)
			}
		}
	}
}
