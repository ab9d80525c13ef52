package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// benchCorpus holds corpus sentences and their canonical tokens.
type benchCorpus struct {
	sents  []string
	tokens [][]string
}

func loadSentences(tb testing.TB) *benchCorpus {
	files := append(corpus.RequireFiles(tb, "fomc"), corpus.RequireFiles(tb, "sotu")...)
	bc := &benchCorpus{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, s := range corpus.Sentences(string(b)) {
			if t := marks.Canonical(s); len(t) >= 5 {
				bc.sents = append(bc.sents, s)
				bc.tokens = append(bc.tokens, t)
			}
		}
	}
	return bc
}

// synthDoc returns the sentence indices of synthetic document i: about
// 300 words of sentences drawn at random, reproducibly.
func synthDoc(bc *benchCorpus, i int) []int {
	rng := rand.New(rand.NewPCG(uint64(i), 77))
	var out []int
	for words := 0; words < 300; {
		k := rng.IntN(len(bc.sents))
		out = append(out, k)
		words += len(bc.tokens[k])
	}
	return out
}

// buildIndex fills a store with n synthetic documents' fingerprints. The
// store is cached in the temporary directory, keyed by n.
func buildIndex(b *testing.B, bc *benchCorpus, n int) (*Store, string) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("leaktrace-bench-index-v1-%d.db", n))
	ctx := context.Background()
	if _, err := os.Stat(path); err == nil {
		s, err := Open(ctx, path, nil)
		if err == nil {
			return s, path
		}
		os.Remove(path)
	}
	tmp := path + ".building"
	os.Remove(tmp)
	s, err := Create(ctx, tmp, nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	const batch = 2000
	for lo := 0; lo < n; lo += batch {
		err := s.tx(ctx, func(tx *sqlTx) error {
			for i := lo; i < min(lo+batch, n); i++ {
				id := "doc" + strconv.Itoa(i)
				if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
					VALUES (?, '', '', 'txt', x'', '', 0, 0, '{}', 1, '')`, id); err != nil {
					return err
				}
				var toks []string
				for _, k := range synthDoc(bc, i) {
					toks = append(toks, bc.tokens[k]...)
				}
				if err := insertFingerprints(ctx, tx, id, index.Winnow(toks)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built a %d-document index in %v", n, time.Since(start).Round(time.Second))
	s, err = Open(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	return s, path
}

// BenchmarkLookup measures finding the source of a 40-word fragment among
// 100,000 registered documents (LEAKTRACE_BENCH_DOCS overrides): the
// search index.Search makes in the store (what trace runs) and the ranking. It reports ms per
// fragment, the store's size on disk, and how often the right document
// is among the ten candidates the tracer aligns.
func BenchmarkLookup(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("LEAKTRACE_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	bc := loadSentences(b)
	s, path := buildIndex(b, bc, n)
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	type frag struct {
		doc    string
		hashes []int64
	}
	frags := make([]frag, 200)
	for i := range frags {
		d := rng.IntN(n)
		text := ""
		for _, k := range synthDoc(bc, d) {
			text += bc.sents[k] + " "
		}
		words := strings.Fields(text)
		at := rng.IntN(max(1, len(words)-40))
		frags[i] = frag{"doc" + strconv.Itoa(d), index.Hashes(marks.Canonical(strings.Join(words[at:at+40], " ")))}
	}
	right := 0
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		f := frags[i%len(frags)]
		i++
		ranked, err := index.Search(ctx, s, f.hashes)
		if err != nil {
			b.Fatal(err)
		}
		// The tracer aligns the ten best candidates; synthetic documents
		// share sentences, so the source need not rank first.
		for k, c := range ranked {
			if k < 10 && c.Doc == f.doc {
				right++
			}
		}
	}
	b.StopTimer()
	st, _ := os.Stat(path)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/fragment")
	b.ReportMetric(float64(st.Size())/(1<<20), "store-MiB")
	b.ReportMetric(float64(right)/float64(b.N), "found-rate")
}
