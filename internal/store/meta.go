package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/leaktrace/leaktrace"
)

// The meta table holds facts about the home by name. They describe the
// home rather than change what it records, so they are not custody-log
// entries, and writing one needs no checkpoint signer.

// MetaMarkingKeyCheck names the marking key's check value: a keyed hash
// that tells whether a marking key is the home's own, without storing
// the key.
const MetaMarkingKeyCheck = "marking_key_check"

// MetaFoldVersion names the canonical-form version (lexicon.FoldVersion)
// the lookup index was built with. A home without it was indexed by a
// release before the version was recorded.
const MetaFoldVersion = "fold_version"

// Meta returns the value stored under name, and whether there is one.
func (s *Store) Meta(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// SetMeta stores value under name, replacing any value there.
func (s *Store) SetMeta(ctx context.Context, name, value string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
		return err
	})
}

// SetMetaOnce stores value under name unless a value is stored there
// already, and returns the value stored after it: value, or the one that
// was there first. It is one transaction, so of two processes setting a
// value at once, both see the same winner.
func (s *Store) SetMetaOnce(ctx context.Context, name, value string) (string, error) {
	var stored string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = ?`, name).Scan(&stored)
	})
	return stored, err
}

// SampleCopies returns one issued copy of each of up to n documents,
// those of the smallest documents first: the cheapest copies to derive
// again.
func (s *Store) SampleCopies(ctx context.Context, n int) ([]leaktrace.Copy, error) {
	return scanCopies(s.db.QueryContext(ctx, `SELECT c.document, c.recipient, '', 0, 0, '', c.sha256, c.issued_at
		FROM copies c JOIN documents d ON d.id = c.document
		WHERE c.recipient = (SELECT MIN(recipient) FROM copies WHERE document = c.document)
		ORDER BY length(d.content), d.id LIMIT ?`, n))
}
