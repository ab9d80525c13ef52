package service_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format/html"
	"github.com/leaktrace/leaktrace/internal/format/html/htmltest"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
)

// htmlHome registers an HTML page made around corpus prose and issues it
// to readers readers; it returns the page's copies by reader.
func htmlHome(t *testing.T, readers int) (*service.Service, []byte, map[string][]byte) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	ctx := t.Context()
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var rs []leaktrace.Recipient
	var ids []string
	for i := range readers {
		id := fmt.Sprintf("r%03d", i)
		rs = append(rs, leaktrace.Recipient{ID: id})
		ids = append(ids, id)
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		t.Fatal(err)
	}
	page := htmltest.Page("Minutes of the review", corpus.RequireMemos(t, 1, 900, 31)[0])
	d, err := s.AddDocument(ctx, "minutes.html", page, "minutes", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != html.Kind {
		t.Fatalf("registered as %q, want %q", d.Format, html.Kind)
	}
	m, _, err := s.Marker(ctx, "minutes")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(ctx, m, ids)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string][]byte{}
	for _, c := range issued {
		copies[c.Recipient] = c.Data
	}
	return s, page, copies
}

// shown is a copy's text as a browser shows it and a paste keeps it:
// each paragraph on one line, white space collapsed.
func shown(t *testing.T, page []byte) string {
	text, err := html.LeakText(page)
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, p := range strings.Split(text, "\n\n") {
		paras = append(paras, strings.Join(strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }), " "))
	}
	return strings.Join(paras, "\n")
}

// A 40-word paste of an HTML copy's text names its reader, among 300,
// every time, and accuses nobody else; the layout points it keeps (the
// copy's spaces) are read, and agree with the reader's copy.
func TestHTMLPasteNamesTheReader(t *testing.T) {
	s, _, copies := htmlHome(t, 300)
	rng := rand.New(rand.NewPCG(12, 40))
	layoutRead := 0
	for trial := range 12 {
		reader := fmt.Sprintf("r%03d", rng.IntN(300))
		paste := attack.Excerpt(shown(t, copies[reader]), 40, rng)
		rep, err := s.Trace(t.Context(), "paste.txt", []byte(paste), service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Matches) != 1 {
			t.Fatalf("trial %d: %d matches", trial, len(rep.Matches))
		}
		m := rep.Matches[0]
		if top := m.Suspects[0]; top.Recipient != reader || !top.Accused {
			t.Errorf("trial %d: top suspect %s (accused %v, p %.3g), want %s; paste %q", trial, top.Recipient, top.Accused, top.PValue, reader, paste)
		}
		for _, sus := range m.Suspects[1:] {
			if sus.Accused {
				t.Errorf("trial %d: innocent %s accused", trial, sus.Recipient)
			}
		}
		lay := m.LayoutFor(reader)
		if lay.Agree != lay.Read {
			t.Errorf("trial %d: %d of %d layout points agree with the reader's copy", trial, lay.Agree, lay.Read)
		}
		layoutRead += lay.Read
	}
	if layoutRead < 12*3 {
		t.Errorf("%d layout points read from 12 pastes of 40 words", layoutRead)
	}
}

// A forwarded copy of the page is traced by every channel it keeps: its
// text points and, read exactly from its spaces, its layout points.
func TestHTMLCopyIsTracedWithItsLayout(t *testing.T) {
	s, page, copies := htmlHome(t, 20)
	rep, err := s.Trace(t.Context(), "forwarded.html", copies["r007"], service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Matches) != 1 {
		t.Fatalf("%d matches", len(rep.Matches))
	}
	m := rep.Matches[0]
	if top := m.Suspects[0]; top.Recipient != "r007" || !top.Accused {
		t.Fatalf("top suspect %s (accused %v)", top.Recipient, top.Accused)
	}
	d, err := html.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	slots := len(d.Shifts().Slots)
	lay := m.LayoutFor("r007")
	if m.ByChannel[marks.Layout] < slots*9/10 || lay.Agree != lay.Read {
		t.Errorf("layout points read %d of %d slots, %d agree with the copy", m.ByChannel[marks.Layout], slots, lay.Agree)
	}
	// The unmarked page accuses nobody.
	rep, err = s.Trace(t.Context(), "page.html", page, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Matches {
		for _, sus := range m.Suspects {
			if sus.Accused {
				t.Errorf("the unmarked page accuses %s", sus.Recipient)
			}
		}
	}
}
