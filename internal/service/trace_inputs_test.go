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
// smaller p-value than either alone (here: neither alone accuses, both
// together do), with the same number of readers
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
	m := checkTrace(t, rep, "memo", "q11")
	pa, pb, p := ma.Suspects[0].PValue, mb.Suspects[0].PValue, m.Suspects[0].PValue
	t.Logf("p-values: a %g, b %g, pooled %g", pa, pb, p)
	if ma.Suspects[0].Recipient != "q11" || mb.Suspects[0].Recipient != "q11" || !(p < pa && p < pb) {
		t.Errorf("pooled p %g (%s), alone %g (%s) and %g (%s): want pooled smaller than either",
			p, m.Suspects[0].Recipient, pa, ma.Suspects[0].Recipient, pb, mb.Suspects[0].Recipient)
	}
	if len(m.Observations) != len(ma.Observations)+len(mb.Observations) || m.MatchedWords != ma.MatchedWords+mb.MatchedWords {
		t.Errorf("pooled %d marks, %d words; alone %d+%d marks, %d+%d words", len(m.Observations), m.MatchedWords,
			len(ma.Observations), len(mb.Observations), ma.MatchedWords, mb.MatchedWords)
	}
	if ma.Suspects[0].Accused || mb.Suspects[0].Accused {
		t.Errorf("an excerpt alone accuses (p %g, %g); the test wants excerpts that need each other", pa, pb)
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

	// The same excerpt twice is the same evidence once: a point read in
	// both counts once, so innocents' symbols stay independent draws.
	twice, err := s.TraceInputs(ctx, []service.TraceInput{{Name: "a.txt", Data: []byte(a)}, {Name: "a-again.txt", Data: []byte(a)}}, service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	mt := matchOf(t, twice, "memo")
	if len(mt.Observations) != len(ma.Observations) || mt.Suspects[0].PValue != pa || mt.PointsCovered != ma.PointsCovered || mt.CoveredWords != ma.CoveredWords {
		t.Errorf("one excerpt twice: %d marks, p %g, %d points and %d words covered; once: %d, %g, %d, %d",
			len(mt.Observations), mt.Suspects[0].PValue, mt.PointsCovered, mt.CoveredWords, len(ma.Observations), pa, ma.PointsCovered, ma.CoveredWords)
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
