package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grants WHERE document = $1 AND recipient = $2)`, doc, recipient).Scan(&ok)
	return ok, err
}

// Grants implements leaktrace.Store.
func (s reads) Grants(ctx context.Context, doc string) ([]string, error) {
	return s.column(ctx, `SELECT recipient FROM grants WHERE document = $1 ORDER BY recipient`, doc)
}

// GrantsOf implements leaktrace.Store.
func (s reads) GrantsOf(ctx context.Context, recipient string) ([]string, error) {
	return s.column(ctx, `SELECT document FROM grants WHERE recipient = $1 ORDER BY document`, recipient)
}

// column runs a query of one text column.
func (s reads) column(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.Query(ctx, q, args...)
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

func scanToken(sc pgx.Row) (leaktrace.Token, error) {
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
	t, err := scanToken(s.db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("token %q: %w", id, leaktrace.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Tokens implements leaktrace.Store.
func (s reads) Tokens(ctx context.Context, recipient string) ([]leaktrace.Token, error) {
	q, args := `SELECT `+tokenColumns+` FROM tokens WHERE recipient = $1 ORDER BY created_at, id`, []any{recipient}
	if recipient == "" {
		q, args = `SELECT `+tokenColumns+` FROM tokens ORDER BY recipient, created_at, id`, nil
	}
	rows, err := s.db.Query(ctx, q, args...)
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
	err := s.db.QueryRow(ctx, `SELECT hash FROM passwords WHERE recipient = $1`, recipient).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("password of %q: %w", recipient, leaktrace.ErrNotFound)
	}
	return h, err
}

// mustExist returns ErrNotFound, worded with what, unless table has a
// row whose column col is v.
func mustExist(ctx context.Context, tx pgx.Tx, what, table, col, v string) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE `+col+` = $1)`, v).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s %q: %w", what, v, leaktrace.ErrNotFound)
	}
	return nil
}

// UpdateRecipient implements leaktrace.Store. The reader is read after
// the log lock is taken, so apply sees every change committed before.
func (s *Store) UpdateRecipient(ctx context.Context, id string, apply func(*leaktrace.Recipient) (leaktrace.LogRecord, error)) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		r, err := scanRecipient(tx.QueryRow(ctx, `SELECT `+recipientColumns+` FROM recipients WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("recipient %q: %w", id, leaktrace.ErrNotFound)
		}
		if err != nil {
			return err
		}
		rec, err := apply(&r)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE recipients SET clearance = $1, compartments = $2, citizenship = $3, roles = $4, disabled = $5
			WHERE id = $6`, clearance(r.Clearance), joinList(r.Compartments), r.Citizenship, joinList(r.Roles), r.Disabled, id); err != nil {
			return err
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// RecordAccess implements leaktrace.Store. The guard is checked after
// the log lock is taken, on the rows as every earlier change left them,
// and no change commits before this one does.
func (s *Store) RecordAccess(ctx context.Context, cs []leaktrace.Copy, recs []leaktrace.LogRecord, guard leaktrace.AccessGuard) (int64, error) {
	var first int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
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
// tx. It reads the document's marking, the reader and the grant in one
// query.
func checkGuard(ctx context.Context, tx pgx.Tx, g leaktrace.AccessGuard) error {
	changed := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", leaktrace.ErrChanged, fmt.Sprintf(format, args...))
	}
	var marking *string
	var found, disabled, ok bool
	var cl, compartments, citizenship string
	err := tx.QueryRow(ctx, `SELECT
			(SELECT marking FROM documents WHERE id = $1),
			r.id IS NOT NULL, COALESCE(r.disabled, false), COALESCE(r.clearance, ''), COALESCE(r.compartments, ''), COALESCE(r.citizenship, ''),
			EXISTS (SELECT 1 FROM grants WHERE document = $1 AND recipient = $2)
		FROM (SELECT 1) one LEFT JOIN recipients r ON r.id = $2`, g.Document, g.Recipient).
		Scan(&marking, &found, &disabled, &cl, &compartments, &citizenship, &ok)
	switch {
	case err != nil:
		return err
	case marking == nil:
		return changed("document %q is gone", g.Document)
	case *marking != g.Marking:
		return changed("document %q is now marked %q, not %q", g.Document, *marking, g.Marking)
	case !found:
		return changed("reader %q is gone", g.Recipient)
	case disabled:
		return changed("reader %q is disabled", g.Recipient)
	case clearance(cl) != clearance(g.Clearance) || compartments != joinList(g.Compartments) || citizenship != g.Citizenship:
		return changed("reader %q's clearance, compartments or citizenship changed", g.Recipient)
	case !ok:
		return changed("reader %q is no longer granted %q", g.Recipient, g.Document)
	}
	return nil
}

// SetMarking implements leaktrace.Store.
func (s *Store) SetMarking(ctx context.Context, doc, marking string, from *string, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if from != nil {
			var now string
			err := tx.QueryRow(ctx, `SELECT marking FROM documents WHERE id = $1`, doc).Scan(&now)
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("document %q: %w", doc, leaktrace.ErrNotFound)
			}
			if err != nil {
				return err
			}
			if now != *from {
				return fmt.Errorf("%w: document %q is marked %q, not %q", leaktrace.ErrChanged, doc, now, *from)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE documents SET marking = $1 WHERE id = $2`, marking, doc)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("document %q: %w", doc, leaktrace.ErrNotFound)
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// SetGrants implements leaktrace.Store. The document is checked first,
// then the readers, in order: the first unknown one is named, as in the
// SQLite store.
func (s *Store) SetGrants(ctx context.Context, doc string, recipients []string, granted bool, recs []leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "document", "documents", "id", doc); err != nil {
			return err
		}
		if len(recipients) > 0 {
			var unknown string
			err := tx.QueryRow(ctx, `SELECT r FROM unnest($1::text[]) WITH ORDINALITY AS u(r, o)
				WHERE NOT EXISTS (SELECT 1 FROM recipients WHERE id = u.r) ORDER BY o LIMIT 1`, recipients).Scan(&unknown)
			if err == nil {
				return fmt.Errorf("recipient %q: %w", unknown, leaktrace.ErrNotFound)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if granted {
				_, err = tx.Exec(ctx, `INSERT INTO grants (document, recipient, granted_at) SELECT $1, r, $2 FROM unnest($3::text[]) AS u(r)
					ON CONFLICT (document, recipient) DO NOTHING`, doc, time.Now().UTC().Format(timeFormat), recipients)
			} else {
				_, err = tx.Exec(ctx, `DELETE FROM grants WHERE document = $1 AND recipient = ANY($2::text[])`, doc, recipients)
			}
			if err != nil {
				return err
			}
		}
		_, err := s.appendLog(ctx, tx, recs)
		return err
	})
}

// AddToken implements leaktrace.Store.
func (s *Store) AddToken(ctx context.Context, t leaktrace.Token, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "recipient", "recipients", "id", t.Recipient); err != nil {
			return err
		}
		revoked := ""
		if !t.RevokedAt.IsZero() {
			revoked = t.RevokedAt.UTC().Format(timeFormat)
		}
		_, err := tx.Exec(ctx, `INSERT INTO tokens (`+tokenColumns+`) VALUES ($1,$2,$3,$4,$5)`,
			t.ID, t.Recipient, t.SHA256, t.CreatedAt.UTC().Format(timeFormat), revoked)
		if isCode(err, uniqueViolation) {
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
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "token", "tokens", "id", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''`,
			at.UTC().Format(timeFormat), id); err != nil {
			return err
		}
		_, err := s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

// SetPassword implements leaktrace.Store. The reader is checked by the
// foreign key: the only one the statement can break.
func (s *Store) SetPassword(ctx context.Context, recipient, hash string, rec leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO passwords (recipient, hash, set_at) VALUES ($1,$2,$3)
			ON CONFLICT (recipient) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at`,
			recipient, hash, time.Now().UTC().Format(timeFormat))
		if isCode(err, foreignKeyViolation) {
			return fmt.Errorf("recipient %q: %w", recipient, leaktrace.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}
