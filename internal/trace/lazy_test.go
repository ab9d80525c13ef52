package trace_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// TestLazyCodeTracesAsTheWholeCode: tracing through the code derived only
// at the points a leak shows (as the service traces) gives the very report
// that tracing through the whole code gives — the same marks read, every
// reader's scores and p-values, the same verdicts and the same marks quoted
// as evidence — on corpus text, for pastes, attacked excerpts, collusions
// and a whole copy.
func TestLazyCodeTracesAsTheWholeCode(t *testing.T) {
	f := newFixture(t, 3000, 60, 7)
	rng := rand.New(rand.NewPCG(7, 8))
	atk := attacks(rng)
	names := make([]string, 0, len(atk))
	for name := range atk {
		names = append(names, name)
	}
	sort.Strings(names)
	type leakCase struct {
		name   string
		leaker string
		text   string
	}
	var leaks []leakCase
	for _, n := range []int{12, 61, 300} {
		for _, name := range names {
			r := f.src.Readers[rng.IntN(len(f.src.Readers))]
			leaks = append(leaks, leakCase{name, r, atk[name](f.copyOf(t, r), n)})
		}
	}
	leaks = append(leaks, leakCase{"whole copy", "r0003", f.copyOf(t, "r0003")})
	var copies []string
	for _, r := range f.src.Readers[10:13] {
		copies = append(copies, f.copyOf(t, r))
	}
	leaks = append(leaks, leakCase{"collusion", "", attack.Excerpt(attack.Collude(copies, rng), 500, rng)})

	accused := 0
	for i, lc := range leaks {
		leak := trace.NewLeak(lc.text)
		lazy, full := trace.Align(f.src, leak), trace.Align(f.full, leak)
		if (lazy == nil) != (full == nil) {
			t.Fatalf("leak %d (%s): aligned on one path only", i, lc.name)
		}
		if lazy == nil {
			continue
		}
		// Every reader gets a p-value, so that every one is compared.
		opt := trace.Options{Epsilon: 1e-6, Keep: len(f.src.Readers), Candidates: 100}
		lazy.Score(opt)
		full.Score(opt)
		if len(full.Observations) == 0 {
			continue
		}
		if !reflect.DeepEqual(lazy.Observations, full.Observations) || lazy.PointsCovered != full.PointsCovered {
			t.Fatalf("leak %d (%s): the paths read different marks", i, lc.name)
		}
		if lazy.Readers != full.Readers || lazy.Decisive != full.Decisive {
			t.Errorf("leak %d (%s): readers %d, decisive p %g lazily; %d, %g with the whole code",
				i, lc.name, lazy.Readers, lazy.Decisive, full.Readers, full.Decisive)
		}
		if len(lazy.Suspects) != len(f.src.Readers) {
			t.Fatalf("leak %d (%s): %d suspects ranked, want all %d", i, lc.name, len(lazy.Suspects), len(f.src.Readers))
		}
		if !reflect.DeepEqual(lazy.Suspects, full.Suspects) {
			for k := range lazy.Suspects {
				if lazy.Suspects[k] != full.Suspects[k] {
					t.Errorf("leak %d (%s), rank %d: lazily %+v, with the whole code %+v", i, lc.name, k, lazy.Suspects[k], full.Suspects[k])
				}
			}
			continue
		}
		top := full.Suspects[0]
		if !reflect.DeepEqual(lazy.Agreeing(top.Recipient), full.Agreeing(top.Recipient)) {
			t.Errorf("leak %d (%s): the marks agreeing with %s differ", i, lc.name, top.Recipient)
		}
		if top.Accused {
			accused++
			if lc.leaker != "" && top.Recipient != lc.leaker {
				t.Errorf("leak %d (%s): %s accused, the leaker is %s", i, lc.name, top.Recipient, lc.leaker)
			}
		}
	}
	// The comparison must cover accusations, not only acquittals.
	if accused < len(leaks)/3 {
		t.Errorf("only %d of %d leaks accused anyone: too few to compare the paths' accusations", accused, len(leaks))
	}

	// The evidence quoted is each reader's variant at chosen points: the
	// symbols read at any points equal the whole copy's.
	pts := make([]int, 0, len(f.src.Points))
	for i := len(f.src.Points) - 1; i >= 0; i -= 3 {
		pts = append(pts, i)
	}
	for _, r := range f.src.Readers[:5] {
		all := f.marker.Symbols(r)
		want := make([]uint8, len(pts))
		for k, i := range pts {
			want[k] = all[i]
		}
		if got := f.src.SymbolsAt(r, pts); !slices.Equal(got, want) {
			t.Errorf("reader %s: symbols at chosen points differ from the whole copy's", r)
		}
	}
}
