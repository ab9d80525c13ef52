package store

import (
	"context"
	"database/sql"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"golang.org/x/mod/sumdb/tlog"
)

// Reader is the read side of the store. A *Store is one, reading the
// latest committed state afresh with every call; the Reader that
// [Store.Snapshot] passes reads one state throughout.
type Reader interface {
	Document(ctx context.Context, id string) (*leaktrace.Document, error)
	Documents(ctx context.Context) ([]*leaktrace.Document, error)
	DocumentCount(ctx context.Context) (int, error)
	Recipient(ctx context.Context, id string) (*leaktrace.Recipient, error)
	Recipients(ctx context.Context) ([]leaktrace.Recipient, error)
	Copies(ctx context.Context, doc string) ([]leaktrace.Copy, error)
	Lookup(ctx context.Context, hashes []int64) ([]index.Posting, error)
	IndexDigests(ctx context.Context) (*IndexState, error)

	LogSize(ctx context.Context) (int64, error)
	LogEntries(ctx context.Context, start, end int64) ([]leaktrace.LogRecord, error)
	FindLogEntries(ctx context.Context, kind, doc, recipient string) ([]int64, error)
	ReadLogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	LogHashCount(ctx context.Context) (int64, error)
	Checkpoint(ctx context.Context) (leaktrace.LogCheckpoint, error)
	Checkpoints(ctx context.Context) ([]leaktrace.LogCheckpoint, error)
}

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
func (s *Store) Snapshot(ctx context.Context, fn func(Reader) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return wrapBusy(err)
	}
	defer tx.Rollback()
	return wrapBusy(fn(reads{tx}))
}
