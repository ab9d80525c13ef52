package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// (Leak watch's state is tested by the conformance suite,
// storetest.RunWatch.)

// The watch tables are a migration of their own, appended: a store made
// before them opens and gains them.
func TestWatchMigration(t *testing.T) {
	s, path := newStore(t)
	at := slices.IndexFunc(migrations, func(m string) bool { return strings.Contains(m, "CREATE TABLE watch_content") })
	if _, err := s.db.Exec(fmt.Sprintf(`DROP TABLE watch_alerts; DROP TABLE watch_content; DROP TABLE watch_items;
		DROP INDEX documents_by_folded_id; DROP INDEX documents_by_sha256; PRAGMA user_version = %d`, at)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok, err := r.WatchItem(t.Context(), "feed:a", "g1"); err != nil || ok {
		t.Fatalf("after migrating: %v, %v", ok, err)
	}
	if v, _ := r.SchemaVersion(t.Context()); v != len(migrations) {
		t.Fatalf("schema version %d, want %d", v, len(migrations))
	}
}

// The indexes doc add finds taken ids and same-content documents by are
// a migration of their own, appended: a store made before them opens,
// gains them, and its documents are found through them.
func TestDocumentIndexMigration(t *testing.T) {
	s, path := newStore(t)
	ctx := t.Context()
	d := testDoc("Memo-1")
	if err := s.AddDocument(ctx, d, rec("document", d.ID, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf(`DROP INDEX documents_by_folded_id; DROP INDEX documents_by_sha256; PRAGMA user_version = %d`, len(migrations)-1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('documents_by_folded_id', 'documents_by_sha256')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after migrating: %d of the 2 indexes, %v", n, err)
	}
	if id, err := r.DocumentIDFolded(ctx, "MEMO-1"); err != nil || id != "Memo-1" {
		t.Fatalf("DocumentIDFolded after migrating: %q, %v", id, err)
	}
	if ids, err := r.DocumentsWithSHA256(ctx, d.SHA256); err != nil || !slices.Equal(ids, []string{"Memo-1"}) {
		t.Fatalf("DocumentsWithSHA256 after migrating: %q, %v", ids, err)
	}
	var plan string
	if err := r.db.QueryRow(`EXPLAIN QUERY PLAN SELECT id FROM documents WHERE lower(id) = lower('x') ORDER BY id LIMIT 1`).Scan(new(int), new(int), new(int), &plan); err != nil || !strings.Contains(plan, "documents_by_folded_id") {
		t.Errorf("the folded-id lookup's plan: %q, %v; want it to use documents_by_folded_id", plan, err)
	}
}
