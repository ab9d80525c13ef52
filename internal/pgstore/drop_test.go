package pgstore

import (
	"errors"
	"testing"

	"github.com/leaktrace/leaktrace"
)

// TestDropIfEmpty: a store whose log is empty is removed, table and
// function alike, and the database takes a new one; a store with an
// entry is never touched.
func TestDropIfEmpty(t *testing.T) {
	ctx := t.Context()
	s, url := newStore(t)
	if err := s.DropIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, url, nil); !errors.Is(err, leaktrace.ErrNoStore) {
		t.Fatalf("Open after the drop: %v, want ErrNoStore", err)
	}
	s2, err := Create(ctx, url, testSigner(t))
	if err != nil {
		t.Fatalf("Create after the drop: %v", err)
	}
	defer s2.Close()
	if _, err := s2.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	if err := s2.DropIfEmpty(ctx); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("DropIfEmpty with an entry: %v, want ErrNotEmpty", err)
	}
	if n, err := s2.LogSize(ctx); err != nil || n != 1 {
		t.Fatalf("the log after a refused drop: %d, %v; want 1 entry", n, err)
	}
}
