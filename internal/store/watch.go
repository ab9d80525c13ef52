package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/leaktrace/leaktrace"
)

// Leak watch's state (leaktrace.WatchState). It changes nothing the
// custody log records (the traces are logged by the service), so it
// needs no checkpoint signer.

// WatchItem implements leaktrace.WatchState.
func (s *Store) WatchItem(ctx context.Context, source, id string) (string, bool, error) {
	var sha string
	err := s.db.QueryRowContext(ctx, `SELECT sha256 FROM watch_items WHERE source = ? AND item = ?`, WatchKey(source), WatchKey(id)).Scan(&sha)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return sha, err == nil, err
}

// WatchTraced implements leaktrace.WatchState.
func (s *Store) WatchTraced(ctx context.Context, sha string) (int64, bool, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT log_entry FROM watch_content WHERE sha256 = ?`, sha).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return n, err == nil, err
}

// RecordWatch implements leaktrace.WatchState.
func (s *Store) RecordWatch(ctx context.Context, r leaktrace.WatchRecord, alerts []leaktrace.PendingAlert) ([]leaktrace.PendingAlert, bool, error) {
	var stored []leaktrace.PendingAlert
	dup := r.LogEntry == nil
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stored, dup = nil, r.LogEntry == nil
		at := r.At.UTC().Format(timeFormat)
		if r.ID != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO watch_items (source, item, sha256, seen_at) VALUES (?,?,?,?)
				ON CONFLICT (source, item) DO UPDATE SET sha256 = excluded.sha256, seen_at = excluded.seen_at`,
				WatchKey(r.Source), WatchKey(r.ID), r.SHA256, at); err != nil {
				return err
			}
		}
		if r.LogEntry == nil {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO watch_content (sha256, log_entry, source, item, traced_at) VALUES (?,?,?,?,?)
			ON CONFLICT (sha256) DO NOTHING`, r.SHA256, *r.LogEntry, r.Source, r.ID, at)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			dup = true
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO watch_alerts (alerter, sha256, alert, created_at, claimed_until) VALUES (?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, a := range alerts {
			res, err := st.ExecContext(ctx, a.Alerter, r.SHA256, a.Alert, at, r.ClaimUntil.UnixNano())
			if err != nil {
				return fmt.Errorf("recording an alert: %w", err)
			}
			if a.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			a.SHA256, a.Attempts, a.LastError = r.SHA256, 0, ""
			stored = append(stored, a)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return stored, dup, nil
}

// ClaimAlerts implements leaktrace.WatchState.
func (s *Store) ClaimAlerts(ctx context.Context, now, until time.Time, limit int) ([]leaktrace.PendingAlert, error) {
	var out []leaktrace.PendingAlert
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT id, alerter, sha256, alert, attempts, last_error FROM watch_alerts
			WHERE sent_at = '' AND claimed_until <= ? ORDER BY id LIMIT ?`, now.UnixNano(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a leaktrace.PendingAlert
			if err := rows.Scan(&a.ID, &a.Alerter, &a.SHA256, &a.Alert, &a.Attempts, &a.LastError); err != nil {
				rows.Close()
				return err
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE watch_alerts SET claimed_until = ? WHERE id = ?`, until.UnixNano(), a.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AlertSent implements leaktrace.WatchState.
func (s *Store) AlertSent(ctx context.Context, id int64, at time.Time) error {
	return s.updateAlert(ctx, id, `UPDATE watch_alerts SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`,
		at.UTC().Format(timeFormat), id)
}

// AlertFailed implements leaktrace.WatchState.
func (s *Store) AlertFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	return s.updateAlert(ctx, id, `UPDATE watch_alerts SET claimed_until = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND sent_at = ''`,
		retryAt.UnixNano(), reason, id)
}

func (s *Store) updateAlert(ctx context.Context, id int64, q string, args ...any) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("alert %d: %w", id, leaktrace.ErrNotFound)
			}
			return err
		}
		return nil
	})
}

// PendingAlertCount implements leaktrace.WatchState.
func (s *Store) PendingAlertCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM watch_alerts WHERE sent_at = ''`).Scan(&n)
	return n, err
}

// maxWatchKey is the longest source name or item id kept as it is in
// watch_items' key; a longer one is kept as "sha256:" and its hash (an
// index entry has a size limit in PostgreSQL, and both backends key
// alike).
const maxWatchKey = 512

// WatchKey is a source name's or item id's form in watch_items' key, on
// either backend.
func WatchKey(s string) string {
	if len(s) <= maxWatchKey {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
