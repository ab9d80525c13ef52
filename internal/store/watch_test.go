package store

import (
	"fmt"
	"testing"
)

// (Leak watch's state is tested by the conformance suite,
// storetest.RunWatch.)

// The watch tables are a migration of their own, appended: a store made
// before them opens and gains them.
func TestWatchMigration(t *testing.T) {
	s, path := newStore(t)
	if _, err := s.db.Exec(fmt.Sprintf(`DROP TABLE watch_alerts; DROP TABLE watch_content; DROP TABLE watch_items; PRAGMA user_version = %d`, len(migrations)-1)); err != nil {
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
