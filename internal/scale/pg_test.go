package scale

import (
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/store"
)

// TestLoadPostgresWritesTheRowsOfLoadSQLite: the PostgreSQL loader's
// lookup index equals, document by document, the SQLite loader's (which
// equals doc add's), and pgstore's Lookup over it returns what the
// SQLite store's returns.
func TestLoadPostgresWritesTheRowsOfLoadSQLite(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	const n = 5
	path := filepath.Join(t.TempDir(), "bulk.db")
	if _, err := LoadSQLite(ctx, path, c, n, LoadOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	lite, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()

	url := pgtest.Database(t)
	pg, err := pgstore.Create(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg.Close()
	got, err := LoadPostgres(ctx, url, c, n, LoadOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if pg, err = pgstore.Open(ctx, url, nil); err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	want, err := lite.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have, err := pg.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if have.Orphans != 0 || int64(have.Rows) != got.Fingerprints || have.Rows != want.Rows || len(have.Documents) != n {
		t.Fatalf("PostgreSQL index: %d rows (loader says %d, SQLite has %d), %d orphans, %d documents", have.Rows, got.Fingerprints, want.Rows, have.Orphans, len(have.Documents))
	}
	for i := range n {
		if w, h := want.Documents[ID(i)], have.Documents[ID(i)]; w != h {
			t.Errorf("document %s: PostgreSQL digest %v, SQLite's %v", ID(i), h, w)
		}
	}
	for _, f := range c.Fragments(5, 40, n, 1) {
		hashes := index.Hashes(marks.Canonical(f.Text))
		a, err := lite.Lookup(ctx, hashes)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pg.Lookup(ctx, hashes)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || len(a) != len(b) {
			t.Fatalf("lookup: SQLite %d postings, PostgreSQL %d", len(a), len(b))
		}
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("posting %d: SQLite %v, PostgreSQL %v", k, a[k], b[k])
			}
		}
	}
	if size, err := PostgresIndexSize(ctx, url); err != nil || size == 0 {
		t.Errorf("index size %d, %v", size, err)
	}
}
