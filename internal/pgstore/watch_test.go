package pgstore

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/storetest"
)

// TestWatchConformance runs the conformance suite's tests of leak watch's
// state on PostgreSQL stores.
func TestWatchConformance(t *testing.T) {
	t.Parallel()
	storetest.RunWatch(t, storetest.Backend{Name: "postgres", New: func(t *testing.T, signer leaktrace.CheckpointSigner) *storetest.Handle {
		url := pgtest.Database(t)
		s, err := Create(t.Context(), url, signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return &storetest.Handle{
			Store: s,
			Open: func(t *testing.T, signer leaktrace.CheckpointSigner) leaktrace.Store {
				r, err := Open(t.Context(), url, signer)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close() })
				return r
			},
			Exec: func(ctx context.Context, query string) error {
				conn, err := pgx.Connect(ctx, url)
				if err != nil {
					return err
				}
				defer conn.Close(ctx)
				_, err = conn.Exec(ctx, query)
				return err
			},
		}
	}})
}
