package scale

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/store"
	_ "modernc.org/sqlite"
)

// Fingerprints computes a plain-text document's lookup-index rows as the
// product does ('leaktrace reindex' and 'doc add'): the winnowed k-grams
// of the canonical tokens of its regions, region after region.
func Fingerprints(text string) ([]index.Fingerprint, error) {
	d := &leaktrace.Document{Filename: "doc.txt", Format: "txt", Content: []byte(text)}
	doc, err := d.Parse()
	if err != nil {
		return nil, err
	}
	var toks []string
	for _, r := range doc.Regions() {
		toks = append(toks, marks.Canonical(r.Text)...)
	}
	return index.Winnow(toks), nil
}

// Loaded says how a store was loaded.
type Loaded struct {
	Documents    int
	Fingerprints int64 // rows written
	Took         time.Duration
}

// LoadSQLite makes a new SQLite store at path (the product's own schema,
// by store.Create) holding documents 0..n-1 of c in its lookup index.
//
// Each document gets the rows 'doc add' would write to documents,
// doc_numbers and fingerprints, except that its documents row carries no
// content (Lookup never reads it) and no custody-log entry is appended.
// The fingerprints are written in the index's key order, through a
// scratch table, in one transaction per batch of documents: this is what
// makes a million documents load in hours, not days.
func LoadSQLite(ctx context.Context, path string, c *Corpus, n, workers int, progress func(done int)) (*Loaded, error) {
	start := time.Now()
	s, err := store.Create(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	s.Close()
	scratch := path + ".load"
	os.Remove(scratch)
	defer os.Remove(scratch)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, p := range []string{
		`PRAGMA journal_mode = OFF`, `PRAGMA synchronous = OFF`, `PRAGMA cache_size = -1000000`,
		`ATTACH DATABASE 'file:` + scratch + `' AS load`,
		`PRAGMA load.journal_mode = OFF`, `PRAGMA load.synchronous = OFF`,
		`CREATE TABLE load.fp (hash INTEGER, num INTEGER, pos INTEGER)`,
	} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	out := &Loaded{Documents: n}
	const batch = 5000
	var tx *sql.Tx
	var doc, num, fp *sql.Stmt
	commit := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx = nil
		return err
	}
	type rows struct {
		fps   []index.Fingerprint
		words int
		err   error
	}
	err = Pipeline(0, n, workers, func(i int) rows {
		text := c.Doc(i)
		fps, err := Fingerprints(text)
		return rows{fps, len(strings.Fields(text)), err}
	}, func(i int, r rows) error {
		if r.err != nil {
			return r.err
		}
		if tx == nil {
			var err error
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return err
			}
			if doc, err = tx.PrepareContext(ctx, `INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
				VALUES (?, ?, ?, 'txt', x'', '', ?, 0, '{}', 1, '')`); err != nil {
				return err
			}
			if num, err = tx.PrepareContext(ctx, `INSERT INTO doc_numbers (num, document) VALUES (?, ?)`); err != nil {
				return err
			}
			if fp, err = tx.PrepareContext(ctx, `INSERT INTO load.fp (hash, num, pos) VALUES (?, ?, ?)`); err != nil {
				return err
			}
		}
		id := ID(i)
		if _, err := doc.ExecContext(ctx, id, id, id+".txt", r.words); err != nil {
			return err
		}
		if _, err := num.ExecContext(ctx, i+1, id); err != nil {
			return err
		}
		for _, f := range r.fps {
			if _, err := fp.ExecContext(ctx, f.Hash, i+1, f.Pos); err != nil {
				return err
			}
		}
		out.Fingerprints += int64(len(r.fps))
		if (i+1)%batch == 0 {
			if progress != nil {
				progress(i + 1)
			}
			return commit()
		}
		return nil
	})
	if err != nil {
		if tx != nil {
			tx.Rollback()
		}
		return nil, err
	}
	if err := commit(); err != nil {
		return nil, err
	}
	// INSERT OR IGNORE, as 'doc add' writes them: a fingerprint a
	// document holds twice is one row.
	if _, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO fingerprints (hash, num, pos) SELECT hash, num, pos FROM load.fp ORDER BY hash, num, pos`); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM fingerprints`).Scan(&out.Fingerprints); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `DETACH DATABASE load`); err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// SQLiteIndexSize is the size on disk of a SQLite store's lookup index:
// the pages of the fingerprints and doc_numbers tables and their indexes.
func SQLiteIndexSize(ctx context.Context, path string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, `SELECT sum(pgsize) FROM dbstat WHERE name IN ('fingerprints', 'doc_numbers')
		OR name IN (SELECT name FROM sqlite_master WHERE tbl_name IN ('fingerprints', 'doc_numbers') AND type = 'index')`).Scan(&n)
	return n, err
}
