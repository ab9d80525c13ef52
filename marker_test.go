package leaktrace_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

func memoDoc(tb testing.TB, words int) *leaktrace.Document {
	tb.Helper()
	memos := corpus.RequireMemos(tb, 1, words, 42)
	data := []byte(memos[0])
	a, err := leaktrace.Analyze("memo.txt", data)
	if err != nil {
		tb.Fatal(err)
	}
	return &leaktrace.Document{ID: "memo", Filename: "memo.txt", Format: "txt", Content: data,
		Words: a.Set.Words, Marks: a.Marks(), Scheme: code.Scheme, Catalogue: lexicon.Latest}
}

func testKey() code.Key {
	var k code.Key
	copy(k[:], "leaktrace test key, not secret!!")
	return k
}

func TestCopiesAreReproducibleAndDistinct(t *testing.T) {
	d := memoDoc(t, 600)
	m, err := leaktrace.NewMarker(testKey(), d)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(marks.Canonical(string(d.Content)), " ")
	seen := map[string]string{}
	for i := 0; i < 200; i++ {
		r := fmt.Sprintf("r%04d", i)
		a, err := m.Copy(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.Copy(r)
		if !bytes.Equal(a, b) {
			t.Fatalf("re-issuing %s gave different bytes", r)
		}
		if other, ok := seen[string(a)]; ok {
			t.Fatalf("%s and %s got the same copy", r, other)
		}
		seen[string(a)] = r
		if got := strings.Join(marks.Canonical(string(a)), " "); got != want {
			t.Fatalf("%s's copy canonicalizes differently", r)
		}
	}
	// Another key gives another copy.
	k := testKey()
	k[5] ^= 0x40
	m2, _ := leaktrace.NewMarker(k, d)
	a, _ := m.Copy("r0001")
	b, _ := m2.Copy("r0001")
	if bytes.Equal(a, b) {
		t.Fatal("copies do not depend on the key")
	}
}

func TestMarkerRefusesForeignScheme(t *testing.T) {
	d := memoDoc(t, 300)
	d.Scheme = code.Scheme + 1
	if _, err := leaktrace.NewMarker(testKey(), d); err == nil {
		t.Fatal("issued a document registered under another scheme")
	}
}

// BenchmarkIssue measures issuing copies of a 2,000-word memo: render and
// hash, as `issue --all` does per reader. copies/s is per core; the
// parallel variant uses every core.
func BenchmarkIssue(b *testing.B) {
	d := memoDoc(b, 2000)
	m, err := leaktrace.NewMarker(testKey(), d)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("memo: %d words, %d points", d.Words, d.Marks.Total)
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			c, err := m.Copy(fmt.Sprintf("r%06d", i))
			if err != nil {
				b.Fatal(err)
			}
			_ = leaktrace.Hash(c)
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "copies/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				c, err := m.Copy(fmt.Sprintf("r%06d", i))
				if err != nil {
					b.Fatal(err)
				}
				_ = leaktrace.Hash(c)
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "copies/s")
	})
}

// TestMarkerReadsPointsWithoutWholeCode: the biases and symbols of chosen
// points, what a trace reads, come without deriving the whole code (about
// 310 bytes per point), and equal the whole code's.
func TestMarkerReadsPointsWithoutWholeCode(t *testing.T) {
	d := memoDoc(t, 2000)
	m, err := leaktrace.NewMarker(testKey(), d)
	if err != nil {
		t.Fatal(err)
	}
	n := len(m.Points())
	pts := []int{n - 1, 0, n / 2, n / 3, n / 2}
	biases := m.Biases(pts)
	given := m.SymbolsGiven("r7", pts, biases)
	at := m.SymbolsAt("r7", pts)
	if m.HoldsCode() {
		t.Fatal("reading a few points derived the whole code")
	}
	whole, err := leaktrace.NewMarker(testKey(), d)
	if err != nil {
		t.Fatal(err)
	}
	c := whole.Code()
	all := whole.Symbols("r7")
	for k, i := range pts {
		if !slices.Equal(biases[k].P, c.Points[i].P) {
			t.Errorf("point %d: biases %v, the whole code's %v", i, biases[k].P, c.Points[i].P)
		}
		if given[k] != all[i] || at[k] != all[i] {
			t.Errorf("point %d: symbols %d and %d, the whole copy's %d", i, given[k], at[k], all[i])
		}
	}
}
