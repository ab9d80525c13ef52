package service_test

import (
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// TestTraceDerivesCodeOnlyAtObservedPoints: a trace reads the code only at
// the points its leak shows — it never derives a document's whole code,
// about 310 bytes per point — and its report, every suspect's scores and
// p-values, equals that of a trace through the whole code.
func TestTraceDerivesCodeOnlyAtObservedPoints(t *testing.T) {
	memos := corpus.RequireMemos(t, 1, 2500, 41)
	readers := readerIDs("q", 0, 11)
	dir := filepath.Join(t.TempDir(), "home")
	if err := service.Init(t.Context(), dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	// Issue in one session (many copies derive the whole code) and trace
	// in another, as the command line does.
	copies := func() map[string]string {
		s, err := service.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rs := make([]leaktrace.Recipient, len(readers))
		for i, r := range readers {
			rs[i] = leaktrace.Recipient{ID: r}
		}
		if err := s.AddRecipients(t.Context(), rs); err != nil {
			t.Fatal(err)
		}
		return register(t, s, "memo", memos[0], readers...)
	}()
	s, err := service.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(41, 1))
	leaks := map[string]string{
		"q03": attack.Excerpt(copies["q03"], 61, rng),
		"q07": copies["q07"],
		"q10": attack.Retype(attack.Excerpt(copies["q10"], 900, rng), 0.02, rng),
	}
	var reps []*service.TraceReport
	var got []*trace.Match
	for _, leaker := range []string{"q03", "q07", "q10"} {
		rep, err := s.Trace(t.Context(), "leak.txt", []byte(leaks[leaker]), service.DefaultEpsilon, len(readers))
		if err != nil {
			t.Fatal(err)
		}
		reps, got = append(reps, rep), append(got, checkTrace(t, rep, "memo", leaker))
	}
	m, _, err := s.Marker(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	if m.HoldsCode() {
		t.Fatal("tracing derived the document's whole code")
	}
	// The same leaks through the whole code.
	c := m.Code()
	for i, rep := range reps {
		full := *got[i].Source
		full.Biases = func(points []int) []code.Point {
			out := make([]code.Point, len(points))
			for k, p := range points {
				out[k] = c.Points[p]
			}
			return out
		}
		full.Symbols = func(r string, points []int, _ []code.Point) []uint8 {
			all := make([]uint8, len(c.Points))
			c.Symbols(r, all)
			out := make([]uint8, len(points))
			for k, p := range points {
				out[k] = all[p]
			}
			return out
		}
		want := trace.Align(&full, rep.Leak)
		want.Score(trace.Options{Epsilon: rep.Epsilon, Keep: len(readers), Candidates: rep.Readers})
		if len(want.Suspects) != len(readers) {
			t.Fatalf("%d suspects ranked, want all %d", len(want.Suspects), len(readers))
		}
		if !reflect.DeepEqual(got[i].Suspects, want.Suspects) || got[i].Decisive != want.Decisive {
			t.Errorf("leak %d: the trace reports %+v (all-agree p %g); through the whole code %+v (%g)",
				i, got[i].Suspects, got[i].Decisive, want.Suspects, want.Decisive)
		}
	}
}
