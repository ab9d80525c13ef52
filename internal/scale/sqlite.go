package scale

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/lexicon"
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
	Fingerprints int64 // rows in the lookup index
	Took         time.Duration
}

// LoadOptions say what LoadSQLite writes.
type LoadOptions struct {
	// Full writes each document's row as 'doc add' does (content,
	// SHA-256, words and variation points found by the product's own
	// analysis), so that trace can align and score it; otherwise the
	// row carries no content (Lookup never reads it).
	Full bool
	// Skip leaves documents out (those registered otherwise).
	Skip func(i int) bool
	// Workers make documents in parallel.
	Workers int
	// Progress, if not nil, is called every 5,000 documents.
	Progress func(done int)
}

// LoadSQLite makes a new SQLite store at path (the product's own schema,
// by store.Create) holding documents 0..n-1 of c: see [LoadInto].
func LoadSQLite(ctx context.Context, path string, c *Corpus, n int, opts LoadOptions) (*Loaded, error) {
	s, err := store.Create(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	s.Close()
	return LoadInto(ctx, path, c, n, opts)
}

// LoadInto adds documents 0..n-1 of c to the SQLite store at path, which
// no one else may have open. Document i gets id ID(i), format txt, and
// the rows 'doc add' would write to documents (see LoadOptions.Full),
// doc_numbers (numbered on from the store's last) and fingerprints (by
// [Fingerprints]); it gets no capacity estimate and no custody-log
// entry. The fingerprints go through a scratch table and are written in
// the index's key order at the end, one statement per document: this is
// what makes a million documents load in an hour or two, not days.
func LoadInto(ctx context.Context, path string, c *Corpus, n int, opts LoadOptions) (*Loaded, error) {
	start := time.Now()
	scratch := path + ".load"
	os.Remove(scratch)
	defer os.Remove(scratch)
	out, err := loadScratch(ctx, path, c, n, opts)
	if err != nil {
		return nil, err
	}
	fin, err := FinishLoad(ctx, path)
	if err != nil {
		return nil, err
	}
	out.Fingerprints = fin.Fingerprints
	out.Took = time.Since(start)
	return out, nil
}

// openLoad opens the store at path for loading, its scratch table
// attached as load.
func openLoad(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, p := range []string{
		`PRAGMA journal_mode = OFF`, `PRAGMA synchronous = OFF`, `PRAGMA cache_size = -1000000`,
		`ATTACH DATABASE 'file:` + path + `.load' AS load`,
		`PRAGMA load.journal_mode = OFF`, `PRAGMA load.synchronous = OFF`,
		`CREATE TABLE IF NOT EXISTS load.fp (hash INTEGER, num INTEGER, pos INTEGER)`,
	} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return db, nil
}

// loadScratch is LoadInto's first part: the documents' rows into the
// store, their fingerprints into the scratch table (path + ".load"),
// committed every 5,000 documents. [FinishLoad] is the second.
func loadScratch(ctx context.Context, path string, c *Corpus, n int, opts LoadOptions) (*Loaded, error) {
	db, err := openLoad(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var last int64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(num), 0) FROM doc_numbers`).Scan(&last); err != nil {
		return nil, err
	}
	out := &Loaded{}
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
	type made struct {
		skip bool
		d    *leaktrace.Document
		fps  []byte // JSON [[hash, pos], ...]
		err  error
	}
	err = Pipeline(0, n, opts.Workers, func(i int) made {
		if opts.Skip != nil && opts.Skip(i) {
			return made{skip: true}
		}
		d, fps, err := document(c, i, opts.Full)
		return made{d: d, fps: fps, err: err}
	}, func(i int, m made) error {
		if m.err != nil {
			return m.err
		}
		if !m.skip {
			if tx == nil {
				var err error
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					return err
				}
				if doc, err = tx.PrepareContext(ctx, `INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at, catalogue)
					VALUES (?, ?, ?, 'txt', ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
					return err
				}
				if num, err = tx.PrepareContext(ctx, `INSERT INTO doc_numbers (num, document) VALUES (?, ?)`); err != nil {
					return err
				}
				if fp, err = tx.PrepareContext(ctx, `INSERT INTO load.fp (hash, num, pos) SELECT value->>0, ?2, value->>1 FROM json_each(?1)`); err != nil {
					return err
				}
			}
			d := m.d
			bc, err := json.Marshal(d.Marks.ByChannel)
			if err != nil {
				return err
			}
			if _, err := doc.ExecContext(ctx, d.ID, d.Title, d.Filename, d.Content, d.SHA256, d.Words, d.Marks.Total, string(bc),
				d.Scheme, d.AddedAt.UTC().Format(time.RFC3339Nano), d.Catalogue); err != nil {
				return err
			}
			last++
			if _, err := num.ExecContext(ctx, last, d.ID); err != nil {
				return err
			}
			if _, err := fp.ExecContext(ctx, m.fps, last); err != nil {
				return err
			}
			out.Documents++
		}
		if (i+1)%batch == 0 {
			if opts.Progress != nil {
				opts.Progress(i + 1)
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
	return out, nil
}

// FinishLoad is the end of [LoadInto]: the fingerprints of the scratch
// table (path + ".load") into the store's lookup index, in the index's
// key order, and the scratch table deleted. It also finishes a load
// whose process ended after its last commit, while sorting the scratch
// table for the index: every document's rows and fingerprints were
// committed then. The store is written with no journal, so a process
// that ended while writing the index itself may have left it damaged:
// check it (PRAGMA quick_check) before finishing it.
func FinishLoad(ctx context.Context, path string) (*Loaded, error) {
	start := time.Now()
	scratch := path + ".load"
	if _, err := os.Stat(scratch); err != nil {
		return nil, fmt.Errorf("no scratch table to finish: %w", err)
	}
	db, err := openLoad(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := &Loaded{}
	if err := sortedInsert(ctx, db); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM fingerprints`).Scan(&out.Fingerprints); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `DETACH DATABASE load`); err != nil {
		return nil, err
	}
	if err := os.Remove(scratch); err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// fpRow is a row of the scratch table.
type fpRow struct {
	hash     int64
	num, pos int32
}

// sortedInsert writes the scratch table's rows into the lookup index in
// the index's key order. SQLite's own ORDER BY sorts through temporary
// files, which took most of an hour for 34 million rows; the rows are
// sorted in memory here instead (16 bytes a row: 5.4 GB for the 340
// million of a million documents) and inserted in order, a batch of
// rows a statement. A fingerprint a document holds twice is one row, as
// 'doc add' writes them (INSERT OR IGNORE).
func sortedInsert(ctx context.Context, db *sql.DB) error {
	var n int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM load.fp`).Scan(&n); err != nil {
		return err
	}
	rows := make([]fpRow, 0, n)
	q, err := db.QueryContext(ctx, `SELECT hash, num, pos FROM load.fp`)
	if err != nil {
		return err
	}
	for q.Next() {
		var r fpRow
		if err := q.Scan(&r.hash, &r.num, &r.pos); err != nil {
			q.Close()
			return err
		}
		rows = append(rows, r)
	}
	if err := q.Err(); err != nil {
		return err
	}
	q.Close()
	slices.SortFunc(rows, func(a, b fpRow) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.num, b.num), cmp.Compare(a.pos, b.pos))
	})
	rows = slices.Compact(rows)
	const batch = 4000 // rows a statement (3 parameters each)
	insert := func(tx *sql.Tx, part []fpRow) error {
		var b strings.Builder
		b.WriteString(`INSERT OR IGNORE INTO fingerprints (hash, num, pos) VALUES `)
		args := make([]any, 0, 3*len(part))
		for i, r := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?)")
			args = append(args, r.hash, r.num, r.pos)
		}
		_, err := tx.ExecContext(ctx, b.String(), args...)
		return err
	}
	const perTx = 1000 * batch
	for lo := 0; lo < len(rows); lo += perTx {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for i := lo; i < min(lo+perTx, len(rows)); i += batch {
			if err := insert(tx, rows[i:min(i+batch, lo+perTx, len(rows))]); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// document makes document i's row and its fingerprints as JSON. Full, it
// is what 'doc add' computes: the points by the product's analysis, the
// fingerprints from the same analysis' canonical tokens.
func document(c *Corpus, i int, full bool) (*leaktrace.Document, []byte, error) {
	text := c.Doc(i)
	d := &leaktrace.Document{ID: ID(i), Title: ID(i), Filename: ID(i) + ".txt", Format: "txt",
		Words: len(strings.Fields(text)), Scheme: code.Scheme, Catalogue: lexicon.Latest, AddedAt: time.Unix(0, 0)}
	var fps []index.Fingerprint
	if full {
		d.Content = []byte(text)
		d.SHA256 = leaktrace.Hash(d.Content)
		a, err := leaktrace.AnalyzeDocument(d.Filename, d.Content, format.ParseOptions{}, marks.Options{Catalogue: lexicon.Latest})
		if err != nil {
			return nil, nil, err
		}
		d.Words, d.Marks = a.Set.Words, a.Marks()
		fps = index.Winnow(a.Canonical())
	} else {
		d.Content, d.Marks.ByChannel = []byte{}, map[string]int{}
		var err error
		if fps, err = Fingerprints(text); err != nil {
			return nil, nil, err
		}
	}
	b := make([]byte, 0, 24*len(fps))
	b = append(b, '[')
	for k, f := range fps {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, f.Hash, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(f.Pos), 10)
		b = append(b, ']')
	}
	return d, append(b, ']'), nil
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
