package pgstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/store"
)

// Leak watch's state (leaktrace.WatchState), as in the SQLite store. It
// changes nothing the custody log records (the traces are logged by the
// service), so it needs no checkpoint signer.

// WatchItem implements leaktrace.WatchState.
func (s *Store) WatchItem(ctx context.Context, source, id string) (string, bool, error) {
	var sha string
	err := s.pool.QueryRow(ctx, `SELECT sha256 FROM watch_items WHERE source = $1 AND item = $2`, store.WatchKey(source), store.WatchKey(id)).Scan(&sha)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return sha, err == nil, err
}

// WatchTraced implements leaktrace.WatchState.
func (s *Store) WatchTraced(ctx context.Context, sha string) (int64, bool, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT log_entry FROM watch_content WHERE sha256 = $1`, sha).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return n, err == nil, err
}

// RecordWatch implements leaktrace.WatchState.
func (s *Store) RecordWatch(ctx context.Context, r leaktrace.WatchRecord, alerts []leaktrace.PendingAlert) ([]leaktrace.PendingAlert, bool, error) {
	var stored []leaktrace.PendingAlert
	var dup bool
	err := s.tx(ctx, func(tx pgx.Tx) error {
		stored, dup = nil, r.LogEntry == nil
		at := r.At.UTC().Format(timeFormat)
		if r.ID != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO watch_items (source, item, sha256, seen_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (source, item) DO UPDATE SET sha256 = excluded.sha256, seen_at = excluded.seen_at`,
				store.WatchKey(r.Source), store.WatchKey(r.ID), r.SHA256, at); err != nil {
				return err
			}
		}
		if r.LogEntry == nil {
			return nil
		}
		tag, err := tx.Exec(ctx, `INSERT INTO watch_content (sha256, log_entry, source, item, traced_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (sha256) DO NOTHING`, r.SHA256, *r.LogEntry, r.Source, r.ID, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			dup = true
			return nil
		}
		// Numbered under the log lock, which every change holds (see tx).
		var next int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM watch_alerts`).Scan(&next); err != nil {
			return err
		}
		for _, a := range alerts {
			a.ID, next = next, next+1
			if _, err := tx.Exec(ctx, `INSERT INTO watch_alerts (id, alerter, sha256, alert, created_at, claimed_until)
				VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, a.Alerter, r.SHA256, a.Alert, at, r.ClaimUntil.UnixNano()); err != nil {
				return fmt.Errorf("recording an alert: %w", err)
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `UPDATE watch_alerts SET claimed_until = $1 WHERE id IN (
				SELECT id FROM watch_alerts WHERE sent_at = '' AND claimed_until <= $2 ORDER BY id LIMIT $3 FOR UPDATE)
			RETURNING id, alerter, sha256, alert, attempts, last_error`, until.UnixNano(), now.UnixNano(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a leaktrace.PendingAlert
			if err := rows.Scan(&a.ID, &a.Alerter, &a.SHA256, &a.Alert, &a.Attempts, &a.LastError); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order.
	slices.SortFunc(out, func(a, b leaktrace.PendingAlert) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// AlertSent implements leaktrace.WatchState.
func (s *Store) AlertSent(ctx context.Context, id int64, at time.Time) error {
	return s.updateAlert(ctx, id, `UPDATE watch_alerts SET sent_at = $1, attempts = attempts + 1, last_error = '' WHERE id = $2`,
		at.UTC().Format(timeFormat), id)
}

// AlertFailed implements leaktrace.WatchState.
func (s *Store) AlertFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error {
	return s.updateAlert(ctx, id, `UPDATE watch_alerts SET claimed_until = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3 AND sent_at = ''`,
		retryAt.UnixNano(), reason, id)
}

func (s *Store) updateAlert(ctx context.Context, id int64, q string, args ...any) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("alert %d: %w", id, leaktrace.ErrNotFound)
		}
		return nil
	})
}

// PendingAlertCount implements leaktrace.WatchState.
func (s *Store) PendingAlertCount(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM watch_alerts WHERE sent_at = ''`).Scan(&n)
	return n, err
}
