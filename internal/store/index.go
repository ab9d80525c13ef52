package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"hash"
	"slices"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
)

// The lookup index (the fingerprints and doc_numbers tables) is derived
// data: a function of each document's content. It is not in the custody
// log. These methods let a verifier compare it with what the documents
// give, and rebuild it.

// IndexDigest, IndexState and Reindexed are the root package's.
type (
	IndexDigest = leaktrace.IndexDigest
	IndexState  = leaktrace.IndexState
	Reindexed   = leaktrace.Reindexed
)

// DigestFingerprints returns the IndexDigest of a document whose index
// rows are exactly fps (a fingerprint listed twice is stored once).
func DigestFingerprints(fps []index.Fingerprint) IndexDigest {
	sorted := slices.Clone(fps)
	slices.SortFunc(sorted, func(a, b index.Fingerprint) int {
		return cmp.Or(cmp.Compare(a.Hash, b.Hash), cmp.Compare(a.Pos, b.Pos))
	})
	sorted = slices.Compact(sorted)
	d := newDigester()
	for _, f := range sorted {
		d.add(f.Hash, int64(f.Pos))
	}
	return d.sum()
}

type digester struct {
	h     hash.Hash
	n     int
	bytes [16]byte
}

func newDigester() *digester { return &digester{h: sha256.New()} }

func (d *digester) add(h, pos int64) {
	binary.BigEndian.PutUint64(d.bytes[:8], uint64(h))
	binary.BigEndian.PutUint64(d.bytes[8:], uint64(pos))
	d.h.Write(d.bytes[:])
	d.n++
}

func (d *digester) sum() IndexDigest {
	out := IndexDigest{Count: d.n}
	d.h.Sum(out.Digest[:0])
	return out
}

// IndexDigester digests a lookup index as IndexDigests reads it, on
// either backend: first every doc_numbers row (Number), then every
// fingerprints row in the primary-key order (Row), which within one
// document number is the (hash, pos) order DigestFingerprints uses.
type IndexDigester struct {
	st   *IndexState
	nums map[int64]string
	ds   map[int64]*digester
}

// NewIndexDigester returns an IndexDigester with nothing read.
func NewIndexDigester() *IndexDigester {
	return &IndexDigester{st: &IndexState{Documents: map[string]IndexDigest{}}, nums: map[int64]string{}, ds: map[int64]*digester{}}
}

// Number records that num numbers doc; known says that doc is a
// registered document (a number of none is an orphan).
func (x *IndexDigester) Number(num int64, doc string, known bool) {
	if !known {
		x.st.Orphans++
		return
	}
	x.nums[num] = doc
}

// Row records a fingerprints row; one of no numbered document is an
// orphan.
func (x *IndexDigester) Row(h, num, pos int64) {
	x.st.Rows++
	if _, ok := x.nums[num]; !ok {
		x.st.Orphans++
		return
	}
	d := x.ds[num]
	if d == nil {
		d = newDigester()
		x.ds[num] = d
	}
	d.add(h, pos)
}

// State returns every numbered document's digest (that of no rows for
// one with none), the rows read and the orphans.
func (x *IndexDigester) State() *IndexState {
	for num, doc := range x.nums {
		if d := x.ds[num]; d != nil {
			x.st.Documents[doc] = d.sum()
		} else {
			x.st.Documents[doc] = newDigester().sum()
		}
	}
	return x.st
}

// IndexDigests reads the whole lookup index once, in its primary-key
// order, and digests it per document.
func (s reads) IndexDigests(ctx context.Context) (*IndexState, error) {
	x := NewIndexDigester()
	rows, err := s.db.QueryContext(ctx, `SELECT n.num, n.document, d.id IS NOT NULL
		FROM doc_numbers n LEFT JOIN documents d ON d.id = n.document`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var num int64
		var doc string
		var known bool
		if err := rows.Scan(&num, &doc, &known); err != nil {
			return nil, err
		}
		x.Number(num, doc, known)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT hash, num, pos FROM fingerprints ORDER BY hash, num, pos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h, num, pos int64
		if err := rows.Scan(&h, &num, &pos); err != nil {
			return nil, err
		}
		x.Row(h, num, pos)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return x.State(), nil
}

// Reindex rebuilds the lookup index in one transaction: it stores
// fingerprints(d) as the rows of every document d (read with its
// content, in id order), and drops every other row. progress, if not
// nil, is called after each document with the count done and the total.
//
// It appends nothing to the custody log, so it needs no signer: the index
// is derived from the documents' content, which the log does record.
func (s *Store) Reindex(ctx context.Context, fingerprints func(*leaktrace.Document) ([]index.Fingerprint, error), progress func(done, total int)) (*Reindexed, error) {
	out := &Reindexed{Rebuilt: []string{}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r := reads{tx}
		before, err := r.IndexDigests(ctx)
		if err != nil {
			return err
		}
		out.Removed = before.Orphans
		ds, err := r.Documents(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM fingerprints`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM doc_numbers WHERE document NOT IN (SELECT id FROM documents)`); err != nil {
			return err
		}
		num, err := tx.PrepareContext(ctx, `INSERT INTO doc_numbers (document) VALUES (?)
			ON CONFLICT (document) DO UPDATE SET document = excluded.document RETURNING num`)
		if err != nil {
			return err
		}
		defer num.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO fingerprints (hash, num, pos) VALUES (?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i, row := range ds {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := r.Document(ctx, row.ID)
			if err != nil {
				return err
			}
			fps, err := fingerprints(d)
			if err != nil {
				return err
			}
			var n int64
			if err := num.QueryRowContext(ctx, d.ID).Scan(&n); err != nil {
				return err
			}
			for _, f := range fps {
				if _, err := ins.ExecContext(ctx, f.Hash, n, f.Pos); err != nil {
					return err
				}
			}
			after := DigestFingerprints(fps)
			if old, ok := before.Documents[d.ID]; after != old && (ok || after.Count > 0) {
				out.Rebuilt = append(out.Rebuilt, d.ID)
			}
			out.Documents++
			out.Fingerprints += after.Count
			if progress != nil {
				progress(i+1, len(ds))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
