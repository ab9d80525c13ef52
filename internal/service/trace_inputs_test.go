package service_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// wordsOf returns the stretch of text from its from-th word to its to-th
// (by spaces), as an excerpt pasted from it would be.
func wordsOf(text string, from, to int) string {
	f := strings.Fields(text)
	return strings.Join(f[from:to], " ")
}

func matchOf(t *testing.T, rep *service.TraceReport, doc string) *trace.Match {
	t.Helper()
	for _, m := range rep.Matches {
		if m.Source.ID == doc {
			return m
		}
	}
	t.Fatalf("no match of %s", doc)
	return nil
}

// TestTracePoolsInputs: two excerpts of one copy, normalized (the
// lexical marks alone survive), traced together name the reader with a
// smaller p-value than either alone (typically neither alone reaches
// 10⁻⁶ and both together do; the key is fresh every run), with the same number of readers
// corrected for; the report says what each input was.
func TestTracePoolsInputs(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 3000, 41)
	readers := readerIDs("q", 0, 29)
	s := emptyHome(t, readers...)
	copies := register(t, s, "memo", memos[0], readers...)
	leak := attack.Normalize(copies["q11"])
	a := wordsOf(leak, 100, 700)
	b := wordsOf(leak, 1500, 2100)
	ctx := t.Context()
	one := func(name, text string) *trace.Match {
		rep, err := s.Trace(ctx, name, []byte(text), service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		return matchOf(t, rep, "memo")
	}
	ma, mb := one("a.txt", a), one("b.txt", b)
	rep, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "a.txt", Data: []byte(a)}, {Name: "b.txt", Data: []byte(b)}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	m := matchOf(t, rep, "memo")
	for _, su := range m.Suspects {
		if su.Accused && su.Recipient != "q11" {
			t.Errorf("innocent %s accused (p %g)", su.Recipient, su.PValue)
		}
	}
	// The leaker's p-value in a match (1 when not listed).
	pOf := func(m *trace.Match) float64 {
		for _, su := range m.Suspects {
			if su.Recipient == "q11" {
				return su.PValue
			}
		}
		return 1
	}
	pa, pb, p := pOf(ma), pOf(mb), pOf(m)
	t.Logf("p-values: a %g, b %g, pooled %g", pa, pb, p)
	if m.Suspects[0].Recipient != "q11" || !(p < pa && p < pb) {
		t.Errorf("pooled p %g (top suspect %s), alone %g and %g: want q11 first, pooled smaller than either",
			p, m.Suspects[0].Recipient, pa, pb)
	}
	if len(m.Observations) != len(ma.Observations)+len(mb.Observations) || m.MatchedWords != ma.MatchedWords+mb.MatchedWords {
		t.Errorf("pooled %d marks, %d words; alone %d+%d marks, %d+%d words", len(m.Observations), m.MatchedWords,
			len(ma.Observations), len(mb.Observations), ma.MatchedWords, mb.MatchedWords)
	}
	if m.Readers != len(readers) || rep.Readers != len(readers) {
		t.Errorf("pooled trace corrected for %d readers, want %d", m.Readers, len(readers))
	}
	if len(rep.Inputs) != 2 || rep.Inputs[0].Name != "a.txt" || rep.Inputs[1].Kind != service.KindText || rep.Inputs[1].Words != len(rep.Leaks[1].Tokens) ||
		rep.LeakWords != rep.Inputs[0].Words+rep.Inputs[1].Words {
		t.Errorf("inputs %+v, leak words %d", rep.Inputs, rep.LeakWords)
	}
	if !slices.Equal(rep.Channels, []string{"typographic", "lexical"}) {
		t.Errorf("channels read %v, want the text channels", rep.Channels)
	}
	// Every quoted mark agrees with the reader's copy in its own input.
	for _, o := range m.Agreeing("q11") {
		if o.LeakEnd > len(rep.Leaks[o.Input].Text) {
			t.Errorf("mark at %d:%d of input %d is outside its text", o.LeakStart, o.LeakEnd, o.Input)
		}
	}

	// Overlapping excerpts: a point read in both counts once, so that
	// innocents' symbols stay independent draws.
	c := wordsOf(leak, 400, 1000)
	mc := one("c.txt", c)
	over, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "a.txt", Data: []byte(a)}, {Name: "c.txt", Data: []byte(c)}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	mo := matchOf(t, over, "memo")
	union := map[int]bool{}
	for _, o := range append(slices.Clone(ma.Observations), mc.Observations...) {
		union[o.Point] = true
	}
	seen := map[int]bool{}
	for _, o := range mo.Observations {
		if seen[o.Point] {
			t.Errorf("point %d observed twice in the pooled match", o.Point)
		}
		seen[o.Point] = true
	}
	if len(seen) != len(union) || len(union) >= len(ma.Observations)+len(mc.Observations) {
		t.Errorf("overlapping excerpts: %d points pooled, %d in the union of %d and %d", len(seen), len(union), len(ma.Observations), len(mc.Observations))
	}

	// The same file twice is read once, and says so.
	twice, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "a.txt", Data: []byte(a)}, {Name: "a-again.txt", Data: []byte(a)}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	mt := matchOf(t, twice, "memo")
	if len(twice.Inputs) != 1 || pOf(mt) != pa || !slices.Contains(twice.Warnings, "a-again.txt is the same file as a.txt; it was read once") {
		t.Errorf("one file twice: inputs %+v, p %g (once %g), warnings %q", twice.Inputs, pOf(mt), pa, twice.Warnings)
	}
}

// TestTraceInputsRouting: inputs are told apart by content, not name; an
// input that can't be read among several is an error naming it.
func TestTraceInputsRouting(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 800, 42)
	readers := readerIDs("q", 0, 4)
	s := emptyHome(t, readers...)
	copies := register(t, s, "memo", memos[0], readers...)
	ctx := t.Context()
	// Text named like a picture is text.
	rep, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "photo.png", Data: []byte(copies["q02"])}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkTrace(t, rep, "memo", "q02")
	if rep.Inputs[0].Kind != service.KindText || rep.LeakSHA256 != rep.Inputs[0].SHA256 {
		t.Errorf("input %+v, leak hash %s", rep.Inputs[0], rep.LeakSHA256)
	}
	for _, bad := range []struct{ name, data, kind string }{
		{"scan.txt", "%PDF-1.7\nnot really a PDF", "pdf"},
		{"leak.txt", "\x89PNG\r\n\x1a\nnot really a PNG", "image"},
		{"leak.bin", "ab\x00cd", "text"},
	} {
		_, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "ok.txt", Data: []byte(copies["q02"])}, {Name: bad.name, Data: []byte(bad.data)}}, service.DefaultEpsilon, 5)
		if !errors.Is(err, service.ErrLeakInput) || !strings.HasPrefix(err.Error(), bad.name+": ") {
			t.Errorf("%s (%s): error %v, want one naming it", bad.name, bad.kind, err)
		}
	}
	// A binary input alone keeps its own error, as before.
	if _, err := s.Trace(ctx, "leak.bin", []byte("ab\x00cd"), service.DefaultEpsilon, 5); !errors.Is(err, service.ErrBinaryLeak) || errors.Is(err, service.ErrLeakInput) {
		t.Errorf("binary leak: %v", err)
	}
}

// TestTraceInputSizes: a picture or PDF may be larger than a registered
// document, up to MaxLeakInput; a text input is still held to the
// documents' limit.
func TestTraceInputSizes(t *testing.T) {
	s := emptyHome(t, "q00")
	ctx := t.Context()
	text := []byte(strings.Repeat("word ", format.MaxSize/5+1))
	if _, err := s.Trace(ctx, "big.txt", text, service.DefaultEpsilon, 5); !errors.Is(err, format.ErrTooLarge) {
		t.Errorf("a text over %d bytes: %v", format.MaxSize, err)
	}
	huge := make([]byte, service.MaxLeakInput+1)
	copy(huge, "\x89PNG\r\n\x1a\n")
	if _, err := s.Trace(ctx, "huge.png", huge, service.DefaultEpsilon, 5); !errors.Is(err, service.ErrLeakTooLarge) {
		t.Errorf("a picture over %d bytes: %v", service.MaxLeakInput, err)
	}
}
