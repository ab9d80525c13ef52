package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leaktrace/leaktrace"
)

// The vault's tables: readers' access fields, documents' markings,
// grants, tokens and passwords.

// Granted implements leaktrace.Store.
func (s reads) Granted(ctx context.Context, doc, recipient string) (bool, error) {
	return granted(ctx, s.db, doc, recipient)
}

func granted(ctx context.Context, q querier, doc, recipient string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM grants WHERE document = ? AND recipient = ?)`, doc, recipient).Scan(&ok)
	return ok, err
}

// Grants implements leaktrace.Store.
func (s reads) Grants(ctx context.Context, doc string) ([]string, error) {
	return s.column(ctx, `SELECT recipient FROM grants WHERE document = ? ORDER BY recipient`, doc)
}

// GrantsOf implements leaktrace.Store.
func (s reads) GrantsOf(ctx context.Context, recipient string) ([]string, error) {
	return s.column(ctx, `SELECT document FROM grants WHERE recipient = ? ORDER BY document`, recipient)
}

// column runs a query of one text column.
func (s reads) column(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const tokenColumns = `id, recipient, sha256, created_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (leaktrace.Token, error) {
	var t leaktrace.Token
	var created, revoked string
	if err := sc.Scan(&t.ID, &t.Recipient, &t.SHA256, &created, &revoked); err != nil {
		return t, err
	}
	var err error
	if t.CreatedAt, err = time.Parse(timeFormat, created); err != nil {
		return t, fmt.Errorf("token %q: time: %w", t.ID, err)
	}
	if revoked != "" {
		if t.RevokedAt, err = time.Parse(timeFormat, revoked); err != nil {
			return t, fmt.Errorf("token %q: time: %w", t.ID, err)
		}
	}
	return t, nil
}

// Token implements leaktrace.Store.
func (s reads) Token(ctx context.Context, id string) (*leaktrace.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token %q: %w", id, leaktrace.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Tokens implements leaktrace.Store.
func (s reads) Tokens(ctx context.Context, recipient string) ([]leaktrace.Token, error) {
	q, args := `SELECT `+tokenColumns+` FROM tokens WHERE recipient = ? ORDER BY created_at, id`, []any{recipient}
	if recipient == "" {
		q, args = `SELECT `+tokenColumns+` FROM tokens ORDER BY recipient, created_at, id`, nil
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leaktrace.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Password implements leaktrace.Store.
func (s reads) Password(ctx context.Context, recipient string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM passwords WHERE recipient = ?`, recipient).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("password of %q: %w", recipient, leaktrace.ErrNotFound)
	}
	return h, err
}

// exists reports whether table has a row whose column col is v.
func exists(ctx context.Context, tx *sql.Tx, table, col, v string) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE `+col+` = ?)`, v).Scan(&ok)
	return ok, err
}

// mustExist returns ErrNotFound, worded with what, unless table has a
// row whose column col is v.
func mustExist(ctx context.Context, tx *sql.Tx, what, table, col, v string) error {
	ok, err := exists(ctx, tx, table, col, v)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s %q: %w", what, v, leaktrace.ErrNotFound)
	}
	return nil
}

// UpdateRecipient implements leaktrace.Store.
func (s *Store) UpdateRecipient(ctx context.Context, id string, apply func(*leaktrace.Recipient) (leaktrace.LogRecord, error)) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRecipient(tx.QueryRowContext(ctx, `SELECT `+recipientColumns+` FROM recipients WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("recipient %q: %w", id, leaktrace.ErrNotFound)
		}
		if err != nil {
			return err
		}
		rec, err := apply(&r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recipients SET clearance = ?, compartments = ?, citizenship = ?, roles = ?, disabled = ?
			WHERE id = ?`, clearance(r.Clearance), joinList(r.Compartments), r.Citizenship, joinList(r.Roles), r.Disabled, id); err != nil {
			return err
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// RecordAccess implements leaktrace.Store. The transaction holds the
// write lock from its start (see open), so the rows the guard is checked
// on are the rows the copy is recorded beside: no change commits between.
func (s *Store) RecordAccess(ctx context.Context, cs []leaktrace.Copy, recs []leaktrace.LogRecord, guard leaktrace.AccessGuard) (int64, error) {
	var first int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkGuard(ctx, tx, guard); err != nil {
			return err
		}
		if err := insertCopies(ctx, tx, cs); err != nil {
			return err
		}
		var err error
		first, err = s.appendLog(ctx, tx, recs)
		return err
	})
	return first, err
}

// checkGuard returns ErrChanged, saying what changed, unless g holds in
// tx.
func checkGuard(ctx context.Context, tx *sql.Tx, g leaktrace.AccessGuard) error {
	changed := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", leaktrace.ErrChanged, fmt.Sprintf(format, args...))
	}
	var marking string
	err := tx.QueryRowContext(ctx, `SELECT marking FROM documents WHERE id = ?`, g.Document).Scan(&marking)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return changed("document %q is gone", g.Document)
	case err != nil:
		return err
	case marking != g.Marking:
		return changed("document %q is now marked %q, not %q", g.Document, marking, g.Marking)
	}
	r, err := scanRecipient(tx.QueryRowContext(ctx, `SELECT `+recipientColumns+` FROM recipients WHERE id = ?`, g.Recipient))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return changed("reader %q is gone", g.Recipient)
	case err != nil:
		return err
	case r.Disabled:
		return changed("reader %q is disabled", g.Recipient)
	case clearance(r.Clearance) != clearance(g.Clearance) || joinList(r.Compartments) != joinList(g.Compartments) || r.Citizenship != g.Citizenship:
		return changed("reader %q's clearance, compartments or citizenship changed", g.Recipient)
	}
	ok, err := granted(ctx, tx, g.Document, g.Recipient)
	if err != nil {
		return err
	}
	if !ok {
		return changed("reader %q is no longer granted %q", g.Recipient, g.Document)
	}
	return nil
}

// SetMarking implements leaktrace.Store.
func (s *Store) SetMarking(ctx context.Context, doc, marking string, from *string, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if from != nil {
			var now string
			err := tx.QueryRowContext(ctx, `SELECT marking FROM documents WHERE id = ?`, doc).Scan(&now)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("document %q: %w", doc, leaktrace.ErrNotFound)
			}
			if err != nil {
				return err
			}
			if now != *from {
				return fmt.Errorf("%w: document %q is marked %q, not %q", leaktrace.ErrChanged, doc, now, *from)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET marking = ? WHERE id = ?`, marking, doc)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("document %q: %w", doc, leaktrace.ErrNotFound)
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// SetGrants implements leaktrace.Store.
func (s *Store) SetGrants(ctx context.Context, doc string, recipients []string, granted bool, recs []leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "document", "documents", "id", doc); err != nil {
			return err
		}
		q := `DELETE FROM grants WHERE document = ? AND recipient = ?`
		args := func(r string) []any { return []any{doc, r} }
		if granted {
			q = `INSERT INTO grants (document, recipient, granted_at) VALUES (?,?,?) ON CONFLICT (document, recipient) DO NOTHING`
			at := time.Now().UTC().Format(timeFormat)
			args = func(r string) []any { return []any{doc, r, at} }
		}
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range recipients {
			if err := mustExist(ctx, tx, "recipient", "recipients", "id", r); err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, args(r)...); err != nil {
				return err
			}
		}
		_, err = s.appendLog(ctx, tx, recs)
		return err
	})
}

// AddToken implements leaktrace.Store.
func (s *Store) AddToken(ctx context.Context, t leaktrace.Token, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "recipient", "recipients", "id", t.Recipient); err != nil {
			return err
		}
		revoked := ""
		if !t.RevokedAt.IsZero() {
			revoked = t.RevokedAt.UTC().Format(timeFormat)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (`+tokenColumns+`) VALUES (?,?,?,?,?)`,
			t.ID, t.Recipient, t.SHA256, t.CreatedAt.UTC().Format(timeFormat), revoked)
		if isUnique(err) {
			return fmt.Errorf("token %q: %w", t.ID, leaktrace.ErrExists)
		}
		if err != nil {
			return err
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// RevokeToken implements leaktrace.Store. A token revoked before keeps
// its first revocation time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "token", "tokens", "id", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`,
			at.UTC().Format(timeFormat), id); err != nil {
			return err
		}
		_, err := s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// SetPassword implements leaktrace.Store.
func (s *Store) SetPassword(ctx context.Context, recipient, hash string, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "recipient", "recipients", "id", recipient); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO passwords (recipient, hash, set_at) VALUES (?,?,?)
			ON CONFLICT (recipient) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at`,
			recipient, hash, time.Now().UTC().Format(timeFormat)); err != nil {
			return err
		}
		_, err := s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}
