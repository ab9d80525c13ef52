package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
)

// The meta table holds facts about the home by name (store.MetaMarkingKeyCheck,
// store.MetaFoldVersion). They describe the home rather than change what it
// records, so they are not custody-log entries, and writing one needs no
// checkpoint signer.

// Meta implements leaktrace.Store.
func (s *Store) Meta(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM meta WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// SetMeta implements leaktrace.Store.
func (s *Store) SetMeta(ctx context.Context, name, value string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meta (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
		return err
	})
}

// SetMetaOnce implements leaktrace.Store. It is one transaction, so of
// two processes setting a value at once, both see the same winner.
func (s *Store) SetMetaOnce(ctx context.Context, name, value string) (string, error) {
	var stored string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT value FROM meta WHERE name = $1`, name).Scan(&stored)
	})
	return stored, err
}

// SampleCopies implements leaktrace.Store: one issued copy of each of up
// to n documents, those of the smallest documents first.
func (s *Store) SampleCopies(ctx context.Context, n int) ([]leaktrace.Copy, error) {
	var limit any = n
	if n < 0 {
		limit = nil // SQLite's LIMIT -1: no limit
	}
	return scanCopies(s.db.Query(ctx, `SELECT c.document, c.recipient, '', 0, false, '', c.sha256, c.issued_at
		FROM copies c JOIN documents d ON d.id = c.document
		WHERE c.recipient = (SELECT MIN(recipient) FROM copies WHERE document = c.document)
		ORDER BY octet_length(d.content), d.id LIMIT $1`, limit))
}
