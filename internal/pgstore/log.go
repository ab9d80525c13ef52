package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/storelog"
	"golang.org/x/mod/sumdb/tlog"
)

// appendLog appends recs to the custody log inside tx (see
// storelog.Append), and returns the index of the first. tx holds the log
// lock (see Store.tx).
func (s *Store) appendLog(ctx context.Context, tx pgx.Tx, recs []leaktrace.LogRecord) (int64, error) {
	return storelog.Append(ctx, logTx{tx}, s.signer, recs)
}

// logTx is the PostgreSQL side of storelog.Tx: each method is one
// statement, whatever the number of rows.
type logTx struct{ tx pgx.Tx }

func (l logTx) Counts(ctx context.Context) (int64, int64, error) {
	var n, h int64
	err := l.tx.QueryRow(ctx, `SELECT (SELECT COALESCE(MAX(idx)+1, 0) FROM log_entries), (SELECT COALESCE(MAX(idx)+1, 0) FROM log_hashes)`).Scan(&n, &h)
	return n, h, err
}

func (l logTx) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, l.tx, indexes)
}

func (l logTx) InsertEntries(ctx context.Context, first int64, recs []leaktrace.LogRecord) error {
	kinds, docs, rcpts := make([]string, len(recs)), make([]string, len(recs)), make([]string, len(recs))
	data := make([][]byte, len(recs))
	for i, r := range recs {
		kinds[i], docs[i], rcpts[i], data[i] = r.Kind, r.Document, r.Recipient, r.Data
	}
	_, err := l.tx.Exec(ctx, `INSERT INTO log_entries (idx, kind, document, recipient, data)
		SELECT $1 + o - 1, k, d, r, x FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY AS u(k, d, r, x, o)`,
		first, kinds, docs, rcpts, data)
	return err
}

func (l logTx) InsertHashes(ctx context.Context, first int64, hashes []tlog.Hash) error {
	hs := make([][]byte, len(hashes))
	for i := range hashes {
		hs[i] = hashes[i][:]
	}
	_, err := l.tx.Exec(ctx, `INSERT INTO log_hashes (idx, hash)
		SELECT $1 + o - 1, h FROM unnest($2::bytea[]) WITH ORDINALITY AS u(h, o)`, first, hs)
	return err
}

func (l logTx) InsertCheckpoint(ctx context.Context, size int64, note []byte) error {
	_, err := l.tx.Exec(ctx, `INSERT INTO log_checkpoints (size, note) VALUES ($1, $2)`, size, note)
	return err
}

// readHashes reads stored hashes in the order asked for, in one query.
func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT idx, hash FROM log_hashes WHERE idx = ANY($1::bigint[])`, indexes)
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
			return nil, fmt.Errorf("%w: stored hash %d has %d bytes", leaktrace.ErrLogCorrupt, x, len(b))
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
			return nil, fmt.Errorf("%w: stored hash %d is missing", leaktrace.ErrLogCorrupt, x)
		}
		out[i] = h
	}
	return out, nil
}

// AppendLog implements leaktrace.Store.
func (s *Store) AppendLog(ctx context.Context, recs []leaktrace.LogRecord) (int64, error) {
	var first int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		first, err = s.appendLog(ctx, tx, recs)
		return err
	})
	return first, err
}

// LogSize implements leaktrace.Store.
func (s reads) LogSize(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `SELECT COALESCE(MAX(idx)+1, 0) FROM log_entries`).Scan(&n)
	return n, err
}

// LogHashCount implements leaktrace.Store.
func (s reads) LogHashCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM log_hashes`).Scan(&n)
	return n, err
}

// LogEntries implements leaktrace.Store. A missing entry in the range is
// an error, not a shorter result: the log has no gaps.
func (s reads) LogEntries(ctx context.Context, start, end int64) ([]leaktrace.LogRecord, error) {
	rows, err := s.db.Query(ctx, `SELECT idx, kind, document, recipient, data FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]leaktrace.LogRecord, 0, min(max(end-start, 0), 1<<16))
	for rows.Next() {
		var x int64
		var b leaktrace.LogRecord
		if err := rows.Scan(&x, &b.Kind, &b.Document, &b.Recipient, &b.Data); err != nil {
			return nil, err
		}
		if x != start+int64(len(out)) {
			return nil, fmt.Errorf("%w: log entry %d is missing", leaktrace.ErrLogCorrupt, start+int64(len(out)))
		}
		if len(b.Data) == 0 {
			b.Data = nil // as SQLite returns an empty blob
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
	rows, err := s.db.Query(ctx, `SELECT idx FROM log_entries WHERE document = $1 AND recipient = $2 AND kind = $3 ORDER BY idx`, doc, recipient, kind)
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
	err := s.db.QueryRow(ctx, `SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&c.Size, &c.Note)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("checkpoint: %w", leaktrace.ErrNotFound)
	}
	return c, err
}

// Checkpoints implements leaktrace.Store.
func (s reads) Checkpoints(ctx context.Context) ([]leaktrace.LogCheckpoint, error) {
	rows, err := s.db.Query(ctx, `SELECT size, note FROM log_checkpoints ORDER BY size`)
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
