package trace

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/marks"
)

func TestTypoAway(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"inflation", "inflatoin", true}, {"inflation", "inflaton", true}, {"inflation", "inflattion", true},
		{"inflation", "inflaxion", true}, {"inflation", "deflation", false}, {"rate", "rates", true},
		{"the", "thx", false}, {"market", "market", false}, {"labor", "lobar", false},
	} {
		if got := typoAway(c.a, c.b); got != c.want {
			t.Errorf("typoAway(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestAlignmentUnderTyposAndDeletions is a property test on real text: an
// excerpt with typos in some words and some words deleted aligns back to
// where it came from. Every pair links equal or typo-close tokens, pairs
// never cross, and almost every untouched token finds its true source
// position.
func TestAlignmentUnderTyposAndDeletions(t *testing.T) {
	memos := corpus.RequireMemos(t, 12, 1200, 11)
	rng := rand.New(rand.NewPCG(11, 12))
	for trial, memo := range memos {
		src := marks.Tokens(memo)
		start := rng.IntN(len(src) - 200)
		n := 40 + rng.IntN(150)
		// Mutate the excerpt, remembering each kept token's origin.
		var frag []string
		var origin []int // source index, or -1 for a typo'd token
		for i := start; i < start+n; i++ {
			switch r := rng.Float64(); {
			case r < 0.05: // deleted
			case r < 0.10 && len([]rune(src[i])) >= 4:
				frag = append(frag, marks.Tokens(attack.Typos(src[i], 1, rng))...)
				origin = append(origin, -1)
				for len(origin) < len(frag) {
					origin = append(origin, -1)
				}
			default:
				frag = append(frag, src[i])
				origin = append(origin, i)
			}
		}
		ids := map[string]int32{}
		var words []string
		fi := intern(ids, &words, frag)
		si := intern(ids, &words, src)
		pairs := newAligner(words, fi, si).align(fi, si)
		right, untouched := 0, 0
		for _, o := range origin {
			if o >= 0 {
				untouched++
			}
		}
		for k, p := range pairs {
			if fi[p.Frag] != si[p.Src] && !typoAway(frag[p.Frag], src[p.Src]) {
				t.Fatalf("trial %d: pair links %q to %q", trial, frag[p.Frag], src[p.Src])
			}
			if k > 0 && pairs[k-1].Block == p.Block && (pairs[k-1].Frag >= p.Frag || pairs[k-1].Src >= p.Src) {
				t.Fatalf("trial %d: pairs cross within a block", trial)
			}
			if origin[p.Frag] == p.Src {
				right++
			}
		}
		if right*100 < untouched*95 {
			t.Errorf("trial %d: only %d of %d untouched tokens aligned to their source", trial, right, untouched)
		}
	}
}

// TestAnchorIndexOnlyFragmentRuns: the anchors built from the fragment's
// runs give every run of the fragment the same first source position as
// an index of every source run would, and nothing else.
func TestAnchorIndexOnlyFragmentRuns(t *testing.T) {
	var texts []string
	for _, f := range []string{"memo.txt", "guide.md"} {
		b, err := os.ReadFile(filepath.Join("..", "marks", "testdata", "golden", f))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, text := range texts {
		src := marks.Tokens(text)
		// A fragment of excerpts, some repeated, with a few foreign words.
		var frag []string
		for range 4 {
			at := rng.IntN(len(src) - 60)
			frag = append(frag, src[at:at+10+rng.IntN(50)]...)
			frag = append(frag, "zzqx")
		}
		ids := map[string]int32{}
		var words []string
		fi := intern(ids, &words, frag)
		si := intern(ids, &words, src)
		all := map[[anchorK]int32]int{}
		for i := 0; i+anchorK <= len(si); i++ {
			var k [anchorK]int32
			copy(k[:], si[i:i+anchorK])
			if _, ok := all[k]; !ok {
				all[k] = i
			}
		}
		got := anchorIndex(fi, si)
		for i := 0; i+anchorK <= len(fi); i++ {
			var k [anchorK]int32
			copy(k[:], fi[i:i+anchorK])
			j, ok := got[k]
			wj, wok := all[k]
			if ok != wok || j != wj {
				t.Fatalf("run at %d: got (%d, %v), want (%d, %v)", i, j, ok, wj, wok)
			}
		}
		for k := range got {
			if _, ok := all[k]; !ok {
				t.Fatalf("anchor %v is not in the source", k)
			}
		}
	}
}
