package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrNotEmpty is returned by [Store.DropIfEmpty] when the custody log
// holds entries: such a store is never dropped.
var ErrNotEmpty = errors.New("the store's custody log holds entries")

// DropIfEmpty removes the store's own tables and function from its
// database, in one transaction, if its custody log holds no entry: it
// undoes a [Create] whose home was never finished. A store with entries
// is left as it is (ErrNotEmpty). Nothing else in the database is
// touched.
func (s *Store) DropIfEmpty(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Wait for any writer, and keep others out until the end.
		if _, err := tx.Exec(ctx, `LOCK TABLE log_lock, log_entries IN ACCESS EXCLUSIVE MODE`); err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM log_entries`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w (%d)", ErrNotEmpty, n)
		}
		_, err := tx.Exec(ctx, `DROP TABLE documents, recipients, copies, pdf_copies, doc_numbers,
			fingerprints, log_entries, log_hashes, log_checkpoints, log_lock, meta, grants,
			tokens, passwords, leaktrace_schema;
			DROP FUNCTION leaktrace_append_only()`)
		return err
	})
	if err != nil {
		return fmt.Errorf("removing store %s: %w", s.url, unreachable(err))
	}
	return nil
}
