package store

import (
	"context"
	"database/sql"

	"github.com/leaktrace/leaktrace"
)

// Reader is the read side of the store (see [leaktrace.StoreReader]).
type Reader = leaktrace.StoreReader

var (
	_ Reader = (*Store)(nil)
	_ Reader = reads{}
)

// reads implements Reader over db: the database itself, or one
// transaction.
type reads struct {
	db querier
}

// Snapshot runs fn with a Reader that sees one consistent state of the
// store: the state committed when fn's first read ran. Changes that
// commit while fn runs, from this process or another, are not seen.
//
// Use it for any group of reads that must agree with each other, such as
// a log's size and its latest checkpoint. It is one read-only
// transaction; in SQLite's WAL mode it neither waits for writers nor
// holds them up.
func (s *Store) Snapshot(ctx context.Context, fn func(leaktrace.StoreReader) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return wrapBusy(err)
	}
	defer tx.Rollback()
	return wrapBusy(fn(reads{tx}))
}
