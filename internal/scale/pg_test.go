package scale

import (
	"path/filepath"
	"reflect"
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
	_, lite, url := sqliteAndEmptyPostgres(t, c, n)
	got, err := LoadPostgres(ctx, url, c, n, LoadOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	pg := sameIndex(t, lite, url, got, n)
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

// TestCopyFromSQLiteMakesTheStoreLoadPostgresMakes: copying a SQLite
// store built by LoadSQLite gives the PostgreSQL lookup index LoadSQLite
// and LoadPostgres give, document by document, and the same lookups.
func TestCopyFromSQLiteMakesTheStoreLoadPostgresMakes(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	const n = 5
	path, lite, url := sqliteAndEmptyPostgres(t, c, n)
	got, err := CopyFromSQLite(ctx, path, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg := sameIndex(t, lite, url, got, n)
	for i := range n {
		a, err := lite.Document(ctx, ID(i))
		if err != nil {
			t.Fatal(err)
		}
		b, err := pg.Document(ctx, ID(i))
		if err != nil {
			t.Fatal(err)
		}
		if a.Words != b.Words || a.Title != b.Title || a.Filename != b.Filename || a.Scheme != b.Scheme || a.CatalogueVersion() != b.CatalogueVersion() {
			t.Errorf("document %s: copied %+v, SQLite's %+v", ID(i), b, a)
		}
	}
	for _, f := range c.Fragments(5, 40, n, 1) {
		hashes := index.Hashes(marks.Canonical(f.Text))
		a, err := index.Search(ctx, lite, hashes)
		if err != nil {
			t.Fatal(err)
		}
		b, err := index.Search(ctx, pg, hashes)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || !reflect.DeepEqual(a, b) {
			t.Fatalf("search: SQLite %v, PostgreSQL %v", a, b)
		}
	}
}

// sameIndex opens the PostgreSQL store at url (closed when the test
// ends) and checks that its lookup index equals lite's, document by
// document, with no orphans, and holds the n documents and the
// fingerprints got says were loaded.
func sameIndex(t *testing.T, lite *store.Store, url string, got *Loaded, n int) *pgstore.Store {
	t.Helper()
	ctx := t.Context()
	pg, err := pgstore.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	want, err := lite.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have, err := pg.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if have.Orphans != 0 || int64(have.Rows) != got.Fingerprints || have.Rows != want.Rows || len(have.Documents) != n || got.Documents != n {
		t.Fatalf("PostgreSQL index: %d rows (loader says %d, SQLite has %d), %d orphans, %d documents (loader says %d)",
			have.Rows, got.Fingerprints, want.Rows, have.Orphans, len(have.Documents), got.Documents)
	}
	for i := range n {
		if w, h := want.Documents[ID(i)], have.Documents[ID(i)]; w != h {
			t.Errorf("document %s: PostgreSQL digest %v, SQLite's %v", ID(i), h, w)
		}
	}
	return pg
}

// sqliteAndEmptyPostgres loads documents 0..n-1 of c into a new SQLite
// store (closed when the test ends) and makes an empty PostgreSQL store.
func sqliteAndEmptyPostgres(t *testing.T, c *Corpus, n int) (string, *store.Store, string) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "bulk.db")
	if _, err := LoadSQLite(ctx, path, c, n, LoadOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	lite, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	url := pgtest.Database(t)
	pg, err := pgstore.Create(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	pg.Close()
	return path, lite, url
}
