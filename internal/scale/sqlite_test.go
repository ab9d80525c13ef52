package scale

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
)

// TestLoadSQLiteWritesTheRowsDocAddWrites: the bulk loader's lookup
// index equals, document by document, the one 'doc add' writes for the
// same texts, and Lookup over it finds a fragment's source.
func TestLoadSQLiteWritesTheRowsDocAddWrites(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	const n = 3
	home := filepath.Join(t.TempDir(), "home")
	if err := service.Init(ctx, home, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	for i := range n {
		if _, err := svc.AddDocument(ctx, ID(i)+".txt", []byte(c.Doc(i)), ID(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	want, err := svc.Store.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, full := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "bulk.db")
		got, err := LoadSQLite(ctx, path, c, n, LoadOptions{Full: full, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		have, err := s.IndexDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if have.Orphans != 0 || int64(have.Rows) != got.Fingerprints || len(have.Documents) != n || got.Documents != n {
			t.Fatalf("bulk index: %d rows (loader says %d), %d orphans, %d documents", have.Rows, got.Fingerprints, have.Orphans, len(have.Documents))
		}
		for i := range n {
			if w, h := want.Documents[ID(i)], have.Documents[ID(i)]; w != h || w.Count == 0 {
				t.Errorf("document %s: bulk index digest %v, doc add's %v", ID(i), h, w)
			}
			if !full {
				continue
			}
			a, err := svc.Store.Document(ctx, ID(i))
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Document(ctx, ID(i))
			if err != nil {
				t.Fatal(err)
			}
			if string(a.Content) != string(b.Content) || a.SHA256 != b.SHA256 || a.Words != b.Words || a.Scheme != b.Scheme ||
				a.CatalogueVersion() != b.CatalogueVersion() || a.Marks.Total != b.Marks.Total || !maps.Equal(a.Marks.ByChannel, b.Marks.ByChannel) {
				t.Errorf("document %s loaded in full differs from doc add's", ID(i))
			}
		}
		if full {
			continue
		}
		for _, f := range c.Fragments(5, 40, n, 1) {
			hashes := index.Hashes(marks.Canonical(f.Text))
			ps, err := s.Lookup(ctx, hashes)
			if err != nil {
				t.Fatal(err)
			}
			if r := index.Rank(hashes, ps); len(r) == 0 || r[0].Doc != ID(f.Doc) {
				t.Errorf("fragment of %s: ranked %v", ID(f.Doc), r)
			}
		}
		if size, err := SQLiteIndexSize(ctx, path); err != nil || size == 0 {
			t.Errorf("index size %d, %v", size, err)
		}
	}
}

// TestFinishLoadCompletesAnInterruptedLoad: a load that stopped after
// its last commit (documents and the scratch table written, the index
// not, or only partly) is finished by FinishLoad into the same index a
// load that ran through writes, and the scratch table is deleted.
func TestFinishLoadCompletesAnInterruptedLoad(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	const n = 6
	digests := func(path string) *leaktrace.IndexState {
		t.Helper()
		s, err := store.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		d, err := s.IndexDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	whole := filepath.Join(t.TempDir(), "whole.db")
	if _, err := LoadSQLite(ctx, whole, c, n, LoadOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want := digests(whole)

	for _, partly := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "stopped.db")
		s, err := store.Create(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := loadScratch(ctx, path, c, n, LoadOptions{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		if got := digests(path); got.Rows != 0 {
			t.Fatalf("%d index rows before FinishLoad", got.Rows)
		}
		if partly {
			db, err := openLoad(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO fingerprints SELECT DISTINCT hash, num, pos FROM load.fp WHERE num <= 2`); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}
		l, err := FinishLoad(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got := digests(path)
		if l.Fingerprints != int64(want.Rows) || got.Rows != want.Rows || got.Orphans != 0 || !maps.Equal(got.Documents, want.Documents) {
			t.Errorf("partly %v: finished index %d rows (FinishLoad says %d), %d orphans; a whole load's %d rows", partly, got.Rows, l.Fingerprints, got.Orphans, want.Rows)
		}
		if _, err := os.Stat(path + ".load"); !os.IsNotExist(err) {
			t.Errorf("scratch table left: %v", err)
		}
		if _, err := FinishLoad(ctx, path); err == nil {
			t.Errorf("FinishLoad with no scratch table: no error")
		}
	}
}
