package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/store"
	"github.com/leaktrace/leaktrace/internal/storetest"
)

// TestConformance runs the store conformance suite on SQLite stores.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Backend{Name: "sqlite", New: newHandle})
}

func newHandle(t *testing.T, signer leaktrace.CheckpointSigner) *storetest.Handle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leaktrace.db")
	open := func(t *testing.T, signer leaktrace.CheckpointSigner, create bool) leaktrace.Store {
		t.Helper()
		f := store.Open
		if create {
			f = store.Create
		}
		s, err := f(t.Context(), path, signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return &storetest.Handle{
		Store: open(t, signer, true),
		Open: func(t *testing.T, signer leaktrace.CheckpointSigner) leaktrace.Store {
			return open(t, signer, false)
		},
		Exec: func(ctx context.Context, query string) error {
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, query)
			return err
		},
	}
}
