package trace_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// fixture is a registered memo with its readers.
type fixture struct {
	doc    *leaktrace.Document
	marker *leaktrace.Marker
	src    *trace.Source
}

func newFixture(t testing.TB, words, readers int, seed uint64) *fixture {
	t.Helper()
	memos := corpus.Memos(1, words, seed)
	if memos == nil {
		t.Skip("corpus not found")
	}
	data := []byte(memos[0])
	a, err := leaktrace.Analyze("memo.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	d := &leaktrace.Document{ID: fmt.Sprintf("memo-%d", seed), Filename: "memo.txt", Content: data,
		Words: a.Set.Words, Marks: a.Marks(), Scheme: code.Scheme}
	var key code.Key
	copy(key[:], fmt.Sprintf("trace test key %d", seed))
	m, err := leaktrace.NewMarker(key, d)
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]string, readers)
	for i := range rs {
		rs[i] = fmt.Sprintf("r%04d", i)
	}
	var regions []string
	for _, r := range a.Set.Doc.Regions() {
		regions = append(regions, r.Text)
	}
	return &fixture{doc: d, marker: m, src: &trace.Source{ID: d.ID, Regions: regions, Points: m.Points(),
		Code: m.Code(), Readers: rs, Symbols: m.Symbols}}
}

func (f *fixture) copyOf(t testing.TB, reader string) string {
	b, err := f.marker.Copy(reader)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func traceLeak(f *fixture, leak string) *trace.Match {
	m := trace.Align(f.src, trace.NewLeak(leak))
	if m == nil {
		return nil
	}
	m.Score(trace.Options{Epsilon: 1e-6, Keep: 5})
	return m
}

func TestPastedExcerptNamesLeaker(t *testing.T) {
	f := newFixture(t, 1500, 1000, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	named, trials := 0, 40
	for i := 0; i < trials; i++ {
		leaker := f.src.Readers[rng.IntN(len(f.src.Readers))]
		leak := attack.Excerpt(f.copyOf(t, leaker), 40, rng)
		m := traceLeak(f, leak)
		if m == nil {
			t.Fatalf("trial %d: excerpt did not align", i)
		}
		for _, s := range m.Suspects {
			if s.Accused && s.Recipient != leaker {
				t.Fatalf("trial %d: innocent %s accused (p=%g)", i, s.Recipient, s.PValue)
			}
		}
		if len(m.Suspects) > 0 && m.Suspects[0].Accused && m.Suspects[0].Recipient == leaker {
			named++
		} else {
			t.Logf("trial %d: not named; observations %d %v, top %+v", i, len(m.Observations), m.ByChannel, m.Suspects[0])
		}
	}
	t.Logf("40-word pastes: leaker named in %d of %d", named, trials)
}

// identification runs trials of an attack and reports how often the
// leaker is named; it fails the test if an innocent is ever accused.
func identification(t *testing.T, f *fixture, trials int, rng *rand.Rand, leakOf func(copy string) string) int {
	named := 0
	for i := 0; i < trials; i++ {
		leaker := f.src.Readers[rng.IntN(len(f.src.Readers))]
		m := traceLeak(f, leakOf(f.copyOf(t, leaker)))
		if m == nil {
			continue
		}
		for _, s := range m.Suspects {
			if s.Accused && s.Recipient != leaker {
				t.Fatalf("trial %d: innocent %s accused (p=%g)", i, s.Recipient, s.PValue)
			}
		}
		if len(m.Suspects) > 0 && m.Suspects[0].Accused && m.Suspects[0].Recipient == leaker {
			named++
		} else if testing.Verbose() {
			t.Logf("trial %d: not named; %d observations %v, erased %v, top %+v", i, len(m.Observations), m.ByChannel, m.Erased, m.Suspects[0])
		}
	}
	return named
}

func TestNormalizedAndRetyped(t *testing.T) {
	f := newFixture(t, 2500, 1000, 2)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name  string
		words int
		leak  func(string) string
	}{
		{"normalize", 600, func(c string) string { return attack.Normalize(attack.Excerpt(c, 600, rng)) }},
		{"retype", 800, func(c string) string { return attack.Retype(attack.Excerpt(c, 800, rng), 0.02, rng) }},
	} {
		n := identification(t, f, 20, rng, c.leak)
		t.Logf("%s@%d: named %d of 20", c.name, c.words, n)
	}
}
