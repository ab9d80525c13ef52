package code

import (
	"fmt"
	"math"
	"testing"
)

// specs gives points of the given arities, cycling through classes.
func specs(arity []int, classes ...Class) []Spec {
	out := make([]Spec, len(arity))
	for i, q := range arity {
		out[i] = Spec{Arity: q, Class: classes[i%len(classes)]}
	}
	return out
}

func testKey() Key {
	var k Key
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

// TestKnownAnswer pins scheme 1: if this changes, every copy issued so far
// would be re-issued differently and could no longer be traced.
func TestKnownAnswer(t *testing.T) {
	c := New(testKey(), "memo-7", specs([]int{2, 2, 3, 5, 5, 2, 2, 2, 5, 3}, Spread, Dense))
	got := ""
	for _, r := range []string{"r0001", "r0002", "alice@example.org"} {
		s := make([]uint8, len(c.Points))
		c.Symbols(r, s)
		got += fmt.Sprint(s)
	}
	const want = "[1 1 1 1 3 1 0 1 0 1][1 1 1 3 1 1 0 0 2 1][1 0 1 4 3 0 1 1 2 1]"
	if got != want {
		t.Fatalf("scheme %d symbols changed:\n got %s\nwant %s", Scheme, got, want)
	}
	if p := c.Points[3].P; math.Abs(p[0]+p[1]+p[2]+p[3]+p[4]-1) > 1e-12 {
		t.Fatalf("biases do not sum to 1: %v", p)
	}
}

func TestBiasesRespectCutoff(t *testing.T) {
	arity := make([]int, 2000)
	for i := range arity {
		arity[i] = 2 + i%4
	}
	sp := specs(arity, Spread, Dense, Dense)
	c := New(testKey(), "doc", sp)
	for i, p := range c.Points {
		sum := 0.0
		for _, x := range p.P {
			if cut := Cutoff(len(p.P), sp[i].Class); x < cut-1e-12 {
				t.Fatalf("point %d: p=%v below cutoff %v", i, p.P, cut)
			}
			sum += x
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("point %d: sum %v", i, sum)
		}
	}
}

// TestSymbolsFollowBiases checks that readers' symbols at a point are
// distributed as its bias vector says: the property the false-accusation
// bound rests on.
func TestSymbolsFollowBiases(t *testing.T) {
	c := New(testKey(), "doc", specs([]int{2, 3, 5, 5}, Spread, Dense))
	const readers = 40000
	counts := make([][]int, len(c.Points))
	for i, p := range c.Points {
		counts[i] = make([]int, len(p.P))
	}
	s := make([]uint8, len(c.Points))
	for r := 0; r < readers; r++ {
		c.Symbols(fmt.Sprintf("r%05d", r), s)
		for i, x := range s {
			counts[i][x]++
		}
	}
	for i, p := range c.Points {
		for j, pj := range p.P {
			mean := pj * readers
			sd := math.Sqrt(readers * pj * (1 - pj))
			if d := math.Abs(float64(counts[i][j]) - mean); d > 5*sd {
				t.Errorf("point %d symbol %d: %d readers, expected %.0f ± %.0f", i, j, counts[i][j], mean, sd)
			}
		}
	}
}

func TestDeterministicAndKeyed(t *testing.T) {
	arity := make([]int, 200)
	for i := range arity {
		arity[i] = 5
	}
	a, b := make([]uint8, 200), make([]uint8, 200)
	New(testKey(), "doc", specs(arity, Spread)).Symbols("r1", a)
	New(testKey(), "doc", specs(arity, Spread)).Symbols("r1", b)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same key, document and reader gave different symbols")
	}
	k2 := testKey()
	k2[0] ^= 1
	for _, other := range []func() []uint8{
		func() []uint8 {
			s := make([]uint8, 200)
			New(k2, "doc", specs(arity, Spread)).Symbols("r1", s)
			return s
		},
		func() []uint8 {
			s := make([]uint8, 200)
			New(testKey(), "doc2", specs(arity, Spread)).Symbols("r1", s)
			return s
		},
		func() []uint8 {
			s := make([]uint8, 200)
			New(testKey(), "doc", specs(arity, Spread)).Symbols("r2", s)
			return s
		},
	} {
		s := other()
		same := 0
		for i := range s {
			if s[i] == a[i] {
				same++
			}
		}
		if same > 150 {
			t.Errorf("a different key, document or reader agreed at %d of 200 points", same)
		}
	}
}

func BenchmarkSymbols(b *testing.B) {
	arity := make([]int, 2000)
	for i := range arity {
		arity[i] = 5
	}
	c := New(testKey(), "doc", specs(arity, Spread))
	s := make([]uint8, len(arity))
	for b.Loop() {
		c.Symbols("r0042", s)
	}
}

// TestSymbolsAtMatchesSymbols: reading the keystream at chosen points
// gives exactly the symbols of the whole stream there.
func TestSymbolsAtMatchesSymbols(t *testing.T) {
	arity := make([]int, 777)
	for i := range arity {
		arity[i] = 2 + i%4
	}
	c := New(testKey(), "doc", specs(arity, Spread, Dense))
	all := make([]uint8, len(arity))
	for _, r := range []string{"r1", "alice@example.org", ""} {
		c.Symbols(r, all)
		pts := []int{0, 1, 2, 5, 6, 7, 100, 101, 500, 776, 3, 0}
		got := make([]uint8, len(pts))
		c.SymbolsAt(r, pts, got)
		for k, i := range pts {
			if got[k] != all[i] {
				t.Fatalf("reader %q point %d: SymbolsAt %d, Symbols %d", r, i, got[k], all[i])
			}
		}
	}
}

// TestLazyEqualsNew: the lazy code derives the same biases and symbols as
// the whole code, at any points, in any order.
func TestLazyEqualsNew(t *testing.T) {
	arity := make([]int, 3000)
	for i := range arity {
		arity[i] = []int{2, 17, 3, 5, 5, 17, 2}[i%7]
	}
	sp := specs(arity, Spread, Dense, Spread)
	c := New(testKey(), "memo-9", sp)
	l := NewLazy(testKey(), "memo-9", sp)
	idx := []int{2999, 0, 1, 17, 1500, 1501, 1501, 42, 2998}
	pts := l.Points(idx)
	for k, i := range idx {
		if fmt.Sprint(pts[k].P, pts[k].cut) != fmt.Sprint(c.Points[i].P, c.Points[i].cut) {
			t.Fatalf("point %d: lazy %v, want %v", i, pts[k].P, c.Points[i].P)
		}
	}
	for _, r := range []string{"r0001", "alice@example.org"} {
		want := make([]uint8, len(idx))
		c.SymbolsAt(r, idx, want)
		got := make([]uint8, len(idx))
		l.SymbolsAt(r, idx, pts, got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: lazy symbols %v, want %v", r, got, want)
		}
	}
}

// TestSymbolsOnceEqualsSymbols: deriving the biases on the fly gives
// every reader the same symbols as the whole code.
func TestSymbolsOnceEqualsSymbols(t *testing.T) {
	arity := make([]int, 5000)
	for i := range arity {
		arity[i] = []int{17, 17, 2, 4, 17, 3}[i%6]
	}
	sp := specs(arity, Spread, Spread, Dense)
	c := New(testKey(), "memo-11", sp)
	for _, r := range []string{"r0001", "r0002", "alice@example.org"} {
		want := make([]uint8, len(sp))
		c.Symbols(r, want)
		got := make([]uint8, len(sp))
		SymbolsOnce(testKey(), "memo-11", sp, r, got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: SymbolsOnce differs from Symbols", r)
		}
	}
}
