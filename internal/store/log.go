package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/storelog"
	"golang.org/x/mod/sumdb/tlog"
)

// querier is what reads need from a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// appendLog appends recs to the custody log inside tx (see
// storelog.Append), and returns the index of the first.
func (s *Store) appendLog(ctx context.Context, tx *sql.Tx, recs []leaktrace.LogRecord) (int64, error) {
	return storelog.Append(ctx, logTx{tx}, s.signer, recs)
}

// logTx is the SQLite side of storelog.Tx. SQLite's write lock, which
// every write transaction takes at its start (_txlock=immediate), is the
// log lock.
type logTx struct{ tx *sql.Tx }

func (l logTx) Counts(ctx context.Context) (int64, int64, error) {
	n, err := nextIndex(ctx, l.tx, "log_entries")
	if err != nil {
		return 0, 0, err
	}
	h, err := nextIndex(ctx, l.tx, "log_hashes")
	return n, h, err
}

func (l logTx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, l.tx, indexes)
}

func (l logTx) InsertEntries(ctx context.Context, first int64, recs []leaktrace.LogRecord) error {
	st, err := l.tx.PrepareContext(ctx, `INSERT INTO log_entries (idx, kind, document, recipient, data) VALUES (?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, rec := range recs {
		if _, err := st.ExecContext(ctx, first+int64(i), rec.Kind, rec.Document, rec.Recipient, rec.Data); err != nil {
			return fmt.Errorf("log entry %d: %w", first+int64(i), err)
		}
	}
	return nil
}

func (l logTx) InsertHashes(ctx context.Context, first int64, hashes []tlog.Hash) error {
	st, err := l.tx.PrepareContext(ctx, `INSERT INTO log_hashes (idx, hash) VALUES (?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, h := range hashes {
		if _, err := st.ExecContext(ctx, first+int64(i), h[:]); err != nil {
			return err
		}
	}
	return nil
}

func (l logTx) InsertCheckpoint(ctx context.Context, size int64, note []byte) error {
	_, err := l.tx.ExecContext(ctx, `INSERT INTO log_checkpoints (size, note) VALUES (?,?)`, size, note)
	return err
}

// nextIndex returns one past the largest idx in table: the number of rows
// when, as in an append-only log, none is missing.
func nextIndex(ctx context.Context, q querier, table string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(idx)+1, 0) FROM `+table).Scan(&n)
	return n, err
}

// readHashes reads stored hashes in the order asked for. tlog asks for at
// most a few dozen at a time, so one IN query per call is enough.
func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	rows, err := q.QueryContext(ctx, `SELECT idx, hash FROM log_hashes WHERE idx IN (?`+strings.Repeat(",?", len(indexes)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byIndex := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var x int64
		var b []byte
		if err := rows.Scan(&x, &b); err != nil {
			return nil, err
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("%w: stored hash %d has %d bytes", ErrLogCorrupt, x, len(b))
		}
		byIndex[x] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := byIndex[x]
		if !ok {
			return nil, fmt.Errorf("%w: stored hash %d is missing", ErrLogCorrupt, x)
		}
		out[i] = h
	}
	return out, nil
}

// AppendLog implements leaktrace.Store.
func (s *Store) AppendLog(ctx context.Context, recs []leaktrace.LogRecord) (int64, error) {
	var first int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		first, err = s.appendLog(ctx, tx, recs)
		return err
	})
	return first, err
}

// LogSize implements leaktrace.Store.
func (s reads) LogSize(ctx context.Context) (int64, error) {
	return nextIndex(ctx, s.db, "log_entries")
}

// LogHashCount implements leaktrace.Store.
func (s reads) LogHashCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_hashes`).Scan(&n)
	return n, err
}

// LogEntries implements leaktrace.Store. A missing entry in the range is
// an error, not a shorter result: the log has no gaps.
func (s reads) LogEntries(ctx context.Context, start, end int64) ([]leaktrace.LogRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT idx, kind, document, recipient, data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]leaktrace.LogRecord, 0, max(end-start, 0))
	for rows.Next() {
		var x int64
		var b leaktrace.LogRecord
		if err := rows.Scan(&x, &b.Kind, &b.Document, &b.Recipient, &b.Data); err != nil {
			return nil, err
		}
		if x != start+int64(len(out)) {
			return nil, fmt.Errorf("%w: log entry %d is missing", ErrLogCorrupt, start+int64(len(out)))
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(out)) != max(end-start, 0) {
		return nil, fmt.Errorf("log entries %d-%d: %w", start, end-1, leaktrace.ErrNotFound)
	}
	return out, nil
}

// FindLogEntries implements leaktrace.Store.
func (s reads) FindLogEntries(ctx context.Context, kind, doc, recipient string) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT idx FROM log_entries WHERE document = ? AND recipient = ? AND kind = ? ORDER BY idx`, doc, recipient, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ReadLogHashes implements leaktrace.Store.
func (s reads) ReadLogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db, indexes)
}

// Checkpoint implements leaktrace.Store.
func (s reads) Checkpoint(ctx context.Context) (leaktrace.LogCheckpoint, error) {
	var c leaktrace.LogCheckpoint
	err := s.db.QueryRowContext(ctx, `SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&c.Size, &c.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("checkpoint: %w", leaktrace.ErrNotFound)
	}
	return c, err
}

// Checkpoints implements leaktrace.Store.
func (s reads) Checkpoints(ctx context.Context) ([]leaktrace.LogCheckpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT size, note FROM log_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leaktrace.LogCheckpoint
	for rows.Next() {
		var c leaktrace.LogCheckpoint
		if err := rows.Scan(&c.Size, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
