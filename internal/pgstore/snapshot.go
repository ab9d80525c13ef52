package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
)

// Snapshot implements leaktrace.Store: fn reads in one REPEATABLE READ
// READ ONLY transaction, which sees the state committed when its first
// read ran; changes that commit while fn runs, from this process or
// another, are not seen. Its reads run one at a time, on one connection:
// fn must not read from several goroutines at once.
func (s *Store) Snapshot(ctx context.Context, fn func(leaktrace.StoreReader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return unreachable(err)
	}
	defer tx.Rollback(ctx)
	return fn(reads{tx})
}
