package pgstore

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/storetest"
)

// TestConformance runs the store conformance suite on PostgreSQL stores,
// each in a database of its own on the package's server.
func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Backend{Name: "postgresql", New: newHandle})
}

// newHandle creates a store in a new database; Open opens it again with a
// pool of its own, and Exec runs SQL on a connection of its own.
func newHandle(t *testing.T, signer leaktrace.CheckpointSigner) *storetest.Handle {
	t.Helper()
	url := pgtest.Database(t)
	open := func(t *testing.T, signer leaktrace.CheckpointSigner, create bool) leaktrace.Store {
		t.Helper()
		f := Open
		if create {
			f = Create
		}
		s, err := f(t.Context(), url, signer)
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
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			_, err = conn.Exec(ctx, query)
			return err
		},
	}
}
