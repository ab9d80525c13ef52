package service_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// emptyHome makes a home with the given readers and no documents.
func emptyHome(tb testing.TB, readers ...string) *service.Service {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "home")
	if err := service.Init(tb.Context(), dir, service.InitOptions{}); err != nil {
		tb.Fatal(err)
	}
	s, err := service.Open(tb.Context(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if len(readers) == 0 {
		return s
	}
	rs := make([]leaktrace.Recipient, len(readers))
	for i, r := range readers {
		rs[i] = leaktrace.Recipient{ID: r}
	}
	if err := s.AddRecipients(tb.Context(), rs); err != nil {
		tb.Fatal(err)
	}
	return s
}

// register adds a document and issues it to readers, returning their
// copies.
func register(t *testing.T, s *service.Service, id, text string, readers ...string) map[string]string {
	t.Helper()
	if _, err := s.AddDocument(t.Context(), id+".txt", []byte(text), id, ""); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(t.Context(), m, readers)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]string{}
	for _, c := range issued {
		copies[c.Recipient] = string(c.Data)
	}
	return copies
}

func readerIDs(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%s%02d", prefix, i))
	}
	return out
}

// checkTrace fails unless the report accuses exactly the leaker, on doc,
// and corrects every p-value for every reader it scored.
func checkTrace(t *testing.T, rep *service.TraceReport, doc, leaker string) *trace.Match {
	t.Helper()
	var found *trace.Match
	readers := 0
	for _, m := range rep.Matches {
		readers += len(m.Source.Readers)
		if m.Source.ID == doc {
			found = m
		}
		for _, su := range m.Suspects {
			if su.Accused && (su.Recipient != leaker || m.Source.ID != doc) {
				t.Errorf("%s accused on %s (p = %g); the leak is %s's copy of %s", su.Recipient, m.Source.ID, su.PValue, leaker, doc)
			}
		}
	}
	if rep.Readers != readers {
		t.Errorf("report scored %d readers, but its matches have %d", rep.Readers, readers)
	}
	if found == nil {
		var ids []string
		for _, m := range rep.Matches {
			ids = append(ids, m.Source.ID)
		}
		t.Fatalf("the leak of %s's copy of %s matched only %v", leaker, doc, ids)
	}
	if found.Readers != readers {
		t.Errorf("%s's p-values corrected for %d readers, want all %d scored", doc, found.Readers, readers)
	}
	if len(found.Suspects) == 0 || !found.Suspects[0].Accused || found.Suspects[0].Recipient != leaker {
		t.Fatalf("%s's top suspect is %+v, want %s accused", doc, found.Suspects, leaker)
	}
	if rep.Matches[0] != found {
		t.Errorf("the first match is %s, want %s, whose reader is accused", rep.Matches[0].Source.ID, doc)
	}
	return found
}

// A second registration of the same text, never issued, must not hide the
// reader of the first one.
func TestTraceReregisteredTextStillNamesLeaker(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 2000, 31)
	readers := readerIDs("p", 0, 9)
	s := emptyHome(t, readers...)
	copies := register(t, s, "memo", memos[0], readers...)
	register(t, s, "a-copy", memos[0]) // no copy issued
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(copies["p07"]), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkTrace(t, rep, "memo", "p07")
	if !slices.Equal(rep.Equal["memo"], []string{"a-copy"}) || !slices.Equal(rep.Equal["a-copy"], []string{"memo"}) {
		t.Errorf("equal matches %v, want memo and a-copy paired", rep.Equal)
	}
}

// A revision issued to other readers must not hide the reader of the
// revision that leaked, when the excerpt cannot tell them apart.
func TestTraceRevisionNamesLeakerOfEither(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 1200, 32)
	v1 := memos[0]
	i := strings.Index(v1, " the ")
	if i < 0 || i > len(v1)/4 {
		t.Fatalf("no early \"the\" to revise in the memo")
	}
	v2 := v1[:i] + " this " + v1[i+len(" the "):] // one word changed, early on
	early, late := readerIDs("p", 0, 4), readerIDs("p", 10, 15)
	s := emptyHome(t, append(early, late...)...)
	c1 := register(t, s, "memo-v1", v1, early...)
	c2 := register(t, s, "memo-v2", v2, late...)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range []struct {
		doc, leaker, copy string
	}{
		{"memo-v2", "p15", c2["p15"]},
		{"memo-v1", "p03", c1["p03"]},
	} {
		// 300 words from the second half, past the revised word.
		leak := attack.Excerpt(c.copy[len(c.copy)/2:], 300, rng)
		rep, err := s.Trace(t.Context(), "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		checkTrace(t, rep, c.doc, c.leaker)
		if len(rep.Matches) != 2 || rep.Readers != len(early)+len(late) {
			t.Errorf("%s: %d matches scoring %d readers, want both revisions and all %d readers", c.doc, len(rep.Matches), rep.Readers, len(early)+len(late))
		}
		other := "memo-v1"
		if c.doc == other {
			other = "memo-v2"
		}
		if !slices.Equal(rep.Equal[c.doc], []string{other}) {
			t.Errorf("%s: equal matches %v, want %s", c.doc, rep.Equal[c.doc], other)
		}
	}
}

// More registrations of one text than the trace aligns by default: the one
// whose copy leaked must not be cut off by the order of the ids.
func TestTraceManyRegistrationsOfOneText(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 500, 33)
	readers := readerIDs("r", 0, 3)
	s := emptyHome(t, readers...)
	for i := 0; i < 11; i++ {
		register(t, s, fmt.Sprintf("memo-%02d", i), memos[0])
	}
	copies := register(t, s, "memo-zz", memos[0], readers...) // last by id
	leak := attack.Excerpt(copies["r02"], 200, rand.New(rand.NewPCG(3, 3)))
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkTrace(t, rep, "memo-zz", "r02")
	if len(rep.Matches) != 12 || len(rep.Equal["memo-zz"]) != 11 {
		t.Errorf("%d matches, memo-zz equal to %v; want all 12 registrations", len(rep.Matches), rep.Equal["memo-zz"])
	}
}

// SameText finds registrations of the same content or canonical text,
// and nothing else: not a revision that changes a word, not another text.
func TestSameText(t *testing.T) {
	memos := corpus.RequireMemos(t, 2, 800, 34)
	text := memos[0]
	i := strings.Index(text, " the ")
	if i < 0 {
		t.Fatal("no \"the\" in the memo")
	}
	restyled := strings.Replace(strings.ToUpper(text[:1])+text[1:], ". ", ".  ", 3) // spacing only
	revised := text[:i] + " this " + text[i+len(" the "):]
	s := emptyHome(t)
	for _, c := range []struct {
		id, text string
		want     []service.Twin
	}{
		{"memo", text, nil},
		{"other", memos[1], nil},
		{"revised", revised, nil},
		{"again", text, []service.Twin{{ID: "memo", Identical: true}}},
		{"restyled", restyled, []service.Twin{{ID: "again"}, {ID: "memo"}}},
	} {
		d, err := s.AddDocument(t.Context(), c.id+".txt", []byte(c.text), c.id, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SameText(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("SameText(%s) = %v, want %v", c.id, got, c.want)
		}
	}
}

// More registrations of one text than the trace aligns at all, and only
// one of them, last by id, issued: registrations without copies can't
// name a reader and must not take the place of the one that can.
func TestTraceManyUnissuedRegistrationsOfOneText(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 300, 34)
	readers := readerIDs("r", 0, 3)
	s := emptyHome(t, readers...)
	for i := 0; i < 33; i++ {
		register(t, s, fmt.Sprintf("memo-%02d", i), memos[0])
	}
	copies := register(t, s, "memo-zz", memos[0], readers...) // last by id
	leak := attack.Excerpt(copies["r01"], 200, rand.New(rand.NewPCG(4, 4)))
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkTrace(t, rep, "memo-zz", "r01")
	if rep.Readers != len(readers) {
		t.Errorf("scored %d readers, want %d: only memo-zz has any", rep.Readers, len(readers))
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w, "left out") {
			t.Errorf("warning %q: no document with copies was left out", w)
		}
	}
}

// TestTraceLeavesOutADamagedDocument: a registered document that can no
// longer be prepared (its stored row changed) does not make the trace of
// another document's copy fail; it is left out with a warning, and the
// leaker of the intact one is named.
func TestTraceLeavesOutADamagedDocument(t *testing.T) {
	memo := corpus.RequireMemos(t, 1, 1500, 3)[0]
	s := emptyHome(t, "p00", "p01", "p02")
	copies := register(t, s, "intact", memo, "p00", "p01", "p02")
	register(t, s, "damaged", memo, "p00")
	s.Close()
	db, err := sql.Open("sqlite", filepath.Join(s.Dir, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE documents SET marks = marks + 1 WHERE id = 'damaged'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = service.Open(t.Context(), s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(copies["p01"]), service.DefaultEpsilon, service.DefaultSuspects)
	if err != nil {
		t.Fatalf("a damaged duplicate makes the trace fail: %v", err)
	}
	if len(rep.Matches) == 0 || rep.Matches[0].Source.ID != "intact" || len(rep.Matches[0].Suspects) == 0 ||
		rep.Matches[0].Suspects[0].Recipient != "p01" || !rep.Matches[0].Suspects[0].Accused {
		t.Fatalf("p01 is not accused on the intact document: %+v", rep.Matches)
	}
	for _, m := range rep.Matches {
		if m.Source.ID == "damaged" {
			t.Fatal("the damaged document was scored")
		}
	}
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, `document "damaged" was left out`) }) {
		t.Fatalf("no warning about the damaged document: %q", rep.Warnings)
	}
	if _, _, err := s.Marker(t.Context(), "damaged"); !errors.Is(err, service.ErrDocument) {
		t.Fatalf("Marker of the damaged document: %v, want ErrDocument", err)
	}
}
