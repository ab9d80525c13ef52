package pgstore

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// The same synthetic corpus as internal/store's BenchmarkLookup, so that
// benchstat compares the two backends on the same documents and
// fragments.

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

// buildIndex fills a store with n synthetic documents' fingerprints, with
// COPY. On a server of $LEAKTRACE_TEST_POSTGRES the store is kept, in a
// database named after n, for the next run; on a server the test starts
// it goes with the server.
func buildIndex(b *testing.B, bc *benchCorpus, n int) *Store {
	ctx := context.Background()
	srv := pgtest.Shared(b)
	name := fmt.Sprintf("leaktrace_bench_index_v1_%d", n)
	url, err := srv.DatabaseURL(name)
	if err != nil {
		b.Fatal(err)
	}
	if s, err := Open(ctx, url, nil); err == nil {
		if v, ok, _ := s.Meta(ctx, "bench_built"); ok && v == strconv.Itoa(n) {
			return s
		}
		s.Close()
	}
	if err := srv.DropDatabase(ctx, name); err != nil {
		b.Fatal(err)
	}
	if _, err := srv.CreateDatabase(ctx, name); err != nil {
		b.Fatal(err)
	}
	s, err := Create(ctx, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	const batch = 2000
	for lo := 0; lo < n; lo += batch {
		var docs, nums, fps [][]any
		for i := lo; i < min(lo+batch, n); i++ {
			id := "doc" + strconv.Itoa(i)
			docs = append(docs, []any{id, "", "", "txt", []byte{}, "", 0, 0, "{}", 1, ""})
			nums = append(nums, []any{int32(i + 1), id})
			var toks []string
			for _, k := range synthDoc(bc, i) {
				toks = append(toks, bc.tokens[k]...)
			}
			w := index.Winnow(toks)
			slices.SortFunc(w, func(a, b index.Fingerprint) int {
				return cmp.Or(cmp.Compare(a.Hash, b.Hash), cmp.Compare(a.Pos, b.Pos))
			})
			for _, f := range slices.Compact(w) {
				fps = append(fps, []any{f.Hash, int32(i + 1), f.Pos})
			}
		}
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for _, c := range []struct {
				table string
				cols  []string
				rows  [][]any
			}{
				{"documents", []string{"id", "title", "filename", "format", "content", "sha256", "words", "marks", "by_channel", "scheme", "added_at"}, docs},
				{"doc_numbers", []string{"num", "document"}, nums},
				{"fingerprints", []string{"hash", "num", "pos"}, fps},
			} {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
					return fmt.Errorf("%s: %w", c.table, err)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	if err := s.SetMeta(ctx, "bench_built", strconv.Itoa(n)); err != nil {
		b.Fatal(err)
	}
	b.Logf("built a %d-document index in %v", n, time.Since(start).Round(time.Second))
	return s
}

// BenchmarkLookup measures finding the source of a 40-word fragment among
// 100,000 registered documents (LEAKTRACE_BENCH_DOCS overrides), as
// internal/store's BenchmarkLookup does on SQLite: the fragment's k-gram
// search in the store (index.Search: two or three round trips) and the ranking. It reports ms
// per fragment, the database's size, and how often the right document is
// among the ten candidates the tracer aligns.
func BenchmarkLookup(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("LEAKTRACE_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	bc := loadSentences(b)
	s := buildIndex(b, bc, n)
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
	var size int64
	if err := s.pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/fragment")
	b.ReportMetric(float64(size)/(1<<20), "store-MiB")
	b.ReportMetric(float64(right)/float64(b.N), "found-rate")
}
