package scale

import (
	"maps"
	"path/filepath"
	"testing"

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
