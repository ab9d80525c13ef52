// Package storelog appends to the custody log inside a store's write
// transaction: the entries, their tlog stored hashes (so that proofs and
// tree heads read O(log n) hashes instead of recomputing the tree), and a
// signed checkpoint of the new tree. It is the same for every backend; a
// backend implements only [Tx], in its own SQL.
//
// The caller must hold its backend's log lock for the whole transaction
// (SQLite's write lock; PostgreSQL's log_lock row), so that no other
// append interleaves between reading the log's size and committing.
package storelog

import (
	"context"
	"fmt"

	"github.com/leaktrace/leaktrace"
	"golang.org/x/mod/sumdb/tlog"
)

// Tx is what an append needs from a backend's write transaction.
type Tx interface {
	// Counts returns the number of log entries and of stored hashes, as
	// one past the largest index of each (the counts, in a log with no
	// gaps).
	Counts(ctx context.Context) (entries, hashes int64, err error)
	// ReadHashes returns the stored hashes at the given indexes, in the
	// order asked for, ErrLogCorrupt if one is missing.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// InsertEntries stores recs at indexes first, first+1, ...
	InsertEntries(ctx context.Context, first int64, recs []leaktrace.LogRecord) error
	// InsertHashes stores hashes at storage indexes first, first+1, ...
	InsertHashes(ctx context.Context, first int64, hashes []tlog.Hash) error
	// InsertCheckpoint stores the signed checkpoint of the tree of size.
	InsertCheckpoint(ctx context.Context, size int64, note []byte) error
}

// Append appends recs to the log inside tx, with their stored hashes and
// a checkpoint signed by signer, and returns the index of the first. For
// no records it appends and signs nothing and returns the log's size. It
// refuses with leaktrace.ErrNoSigner when signer is nil, and with
// leaktrace.ErrLogCorrupt when the stored hashes don't match the entries.
func Append(ctx context.Context, tx Tx, signer leaktrace.CheckpointSigner, recs []leaktrace.LogRecord) (int64, error) {
	n, base, err := tx.Counts(ctx)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return n, nil
	}
	if signer == nil {
		return 0, leaktrace.ErrNoSigner
	}
	if want := tlog.StoredHashCount(n); base != want {
		return 0, fmt.Errorf("%w: %d entries need %d stored hashes, found %d", leaktrace.ErrLogCorrupt, n, want, base)
	}
	// New hashes are read back from memory: they are not written until
	// every entry's are computed.
	var fresh []tlog.Hash
	r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var old []int64
		for i, x := range indexes {
			if x >= base {
				if x-base >= int64(len(fresh)) {
					return nil, fmt.Errorf("%w: stored hash %d is not written yet", leaktrace.ErrLogCorrupt, x)
				}
				out[i] = fresh[x-base]
			} else {
				old = append(old, x)
			}
		}
		if len(old) == 0 {
			return out, nil
		}
		got, err := tx.ReadHashes(ctx, old)
		if err != nil {
			return nil, err
		}
		if len(got) != len(old) {
			return nil, fmt.Errorf("%w: asked for %d stored hashes, read %d", leaktrace.ErrLogCorrupt, len(old), len(got))
		}
		j := 0
		for i, x := range indexes {
			if x < base {
				out[i] = got[j]
				j++
			}
		}
		return out, nil
	})
	first := n
	for _, rec := range recs {
		hs, err := tlog.StoredHashes(n, rec.Data, r)
		if err != nil {
			return 0, fmt.Errorf("log entry %d: %w", n, err)
		}
		fresh = append(fresh, hs...)
		n++
	}
	root, err := tlog.TreeHash(n, r)
	if err != nil {
		return 0, err
	}
	if err := tx.InsertEntries(ctx, first, recs); err != nil {
		return 0, fmt.Errorf("log entries %d-%d: %w", first, n-1, err)
	}
	if err := tx.InsertHashes(ctx, base, fresh); err != nil {
		return 0, fmt.Errorf("log hashes of entries %d-%d: %w", first, n-1, err)
	}
	note, err := signer.SignCheckpoint(n, root)
	if err != nil {
		return 0, fmt.Errorf("signing checkpoint: %w", err)
	}
	if err := tx.InsertCheckpoint(ctx, n, note); err != nil {
		return 0, fmt.Errorf("storing checkpoint: %w", err)
	}
	return first, nil
}
