package marks_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// FuzzCopies: for any text document, every copy canonicalizes like the
// source, keeps its lines and stays valid UTF-8.
func FuzzCopies(f *testing.F) {
	for _, m := range corpus.Memos(4, 120, 9) {
		f.Add(m, false, uint64(1))
		f.Add(m, true, uint64(2))
	}
	f.Add("It's \"quoted\" -- and... done. See http://x.y/z or a@b.co.\n", false, uint64(3))
	f.Fuzz(func(t *testing.T, s string, md bool, seed uint64) {
		name := "f.txt"
		if md {
			name = "f.md"
		}
		doc, err := format.Parse(name, []byte(s))
		if err != nil {
			return
		}
		set := marks.Find(doc)
		for i, p := range set.Points {
			if i > 0 && set.Points[i-1].End > p.Start && set.Points[i-1].Region == p.Region {
				t.Fatalf("points %d and %d overlap", i-1, i)
			}
			if doc.Regions()[p.Region].Text[p.Start:p.End] != p.Variants[p.Orig] {
				t.Fatalf("point %d: source text is not its original variant", i)
			}
		}
		checkCopies(t, name, []byte(s), 2, rand.New(rand.NewPCG(seed, seed)))
	})
}

func FuzzCanonical(f *testing.F) {
	f.Add("Don’t stop — it’s 1,000 “units” … 2.5% of U.S. e-mail")
	f.Fuzz(func(t *testing.T, s string) {
		toks := marks.Canonical(s)
		// Canonicalization is idempotent on its own output.
		again := marks.Canonical(strings.Join(toks, " "))
		if strings.Join(again, " ") != strings.Join(toks, " ") {
			t.Fatalf("not idempotent: %q -> %q", toks, again)
		}
	})
}
