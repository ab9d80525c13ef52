// Package store is leaktrace's embedded SQLite store: one database file,
// versioned schema migrations, and one transaction per change.
//
// # Custody log tables
//
// The custody log lives beside the data it records, so that a change and
// its log entries commit in one transaction:
//
//   - log_entries(idx, kind, document, recipient, data): data is the
//     entry's canonical bytes (the Merkle leaf); the other columns are a
//     lookup aid that readers check against data.
//   - log_hashes(idx, hash): the tlog stored hashes (tlog.StoredHashes), so
//     that proofs and tree heads read O(log n) hashes instead of
//     recomputing the tree.
//   - log_checkpoints(size, note): every signed checkpoint, one per change.
//
// Triggers refuse UPDATE and DELETE on all three. They do not stop someone
// with write access to the file (who can drop them); they stop leaktrace
// itself, or a careless script, from rewriting the record. Tampering by
// anyone else is what the signed checkpoints and "leaktrace log verify"
// are for.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"modernc.org/sqlite" // pure-Go SQLite driver
	sqlite3 "modernc.org/sqlite/lib"
)

// migrations[i] moves the schema from version i to i+1. Never edit one
// that has shipped; append a new one.
var migrations = []string{
	`CREATE TABLE documents (
		id         TEXT PRIMARY KEY,
		title      TEXT NOT NULL,
		filename   TEXT NOT NULL,
		format     TEXT NOT NULL,
		content    BLOB NOT NULL,
		sha256     TEXT NOT NULL,
		words      INTEGER NOT NULL,
		marks      INTEGER NOT NULL,
		by_channel TEXT NOT NULL,
		scheme     INTEGER NOT NULL,
		added_at   TEXT NOT NULL
	);
	CREATE TABLE recipients (
		id       TEXT PRIMARY KEY,
		name     TEXT NOT NULL,
		email    TEXT NOT NULL,
		added_at TEXT NOT NULL
	);
	CREATE TABLE copies (
		document  TEXT NOT NULL REFERENCES documents(id),
		recipient TEXT NOT NULL REFERENCES recipients(id),
		sha256    TEXT NOT NULL,
		issued_at TEXT NOT NULL,
		PRIMARY KEY (document, recipient)
	);`,
	// The source index: winnowed k-gram fingerprints of every document.
	// Documents are numbered so that the index does not repeat their ids.
	`CREATE TABLE doc_numbers (
		num      INTEGER PRIMARY KEY,
		document TEXT NOT NULL UNIQUE REFERENCES documents(id)
	);
	CREATE TABLE fingerprints (
		hash INTEGER NOT NULL,
		num  INTEGER NOT NULL REFERENCES doc_numbers(num),
		pos  INTEGER NOT NULL,
		PRIMARY KEY (hash, num, pos)
	) WITHOUT ROWID;`,
	`CREATE TABLE log_entries (
		idx       INTEGER PRIMARY KEY,
		kind      TEXT NOT NULL,
		document  TEXT NOT NULL,
		recipient TEXT NOT NULL,
		data      BLOB NOT NULL
	);
	CREATE INDEX log_entries_by_object ON log_entries (document, recipient, kind);
	CREATE TABLE log_hashes (
		idx  INTEGER PRIMARY KEY,
		hash BLOB NOT NULL
	);
	CREATE TABLE log_checkpoints (
		size INTEGER PRIMARY KEY,
		note BLOB NOT NULL
	);
	CREATE TRIGGER log_entries_append_only_u BEFORE UPDATE ON log_entries BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
	CREATE TRIGGER log_entries_append_only_d BEFORE DELETE ON log_entries BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
	CREATE TRIGGER log_hashes_append_only_u BEFORE UPDATE ON log_hashes BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
	CREATE TRIGGER log_hashes_append_only_d BEFORE DELETE ON log_hashes BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
	CREATE TRIGGER log_checkpoints_append_only_u BEFORE UPDATE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;
	CREATE TRIGGER log_checkpoints_append_only_d BEFORE DELETE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'custody log is append-only'); END;`,
	// The capacity report computed when a document is added, as JSON.
	`ALTER TABLE documents ADD COLUMN capacity TEXT NOT NULL DEFAULT '';`,
	// Facts about the home by name, such as the marking key's check value
	// (see meta.go). They are not custody-log changes.
	`CREATE TABLE meta (
		name  TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
	// How a document's points are found: the catalogue version it was
	// registered under (documents from before the column have version 1),
	// and whether it was registered verbatim (no lexical points).
	`ALTER TABLE documents ADD COLUMN catalogue INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE documents ADD COLUMN verbatim INTEGER NOT NULL DEFAULT 0;`,
	// The author's own variants as canonical JSON ('' for none) and its
	// SHA-256, and the baseline a report compares the registration with
	// (JSON, '' for none).
	`ALTER TABLE documents ADD COLUMN variants TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN variants_sha256 TEXT NOT NULL DEFAULT '';
	ALTER TABLE documents ADD COLUMN baseline TEXT NOT NULL DEFAULT '';`,
	// Typeset copies: a reader's PDF copy of a document under a layout
	// version, beside the copy in the document's own format (copies).
	`CREATE TABLE pdf_copies (
		document  TEXT NOT NULL REFERENCES documents(id),
		recipient TEXT NOT NULL REFERENCES recipients(id),
		layout    INTEGER NOT NULL,
		footer    INTEGER NOT NULL, -- 1 if its pages name the reader
		sha256    TEXT NOT NULL,
		issued_at TEXT NOT NULL,
		PRIMARY KEY (document, recipient, layout, footer)
	);`,
	// Whether a document was registered with its email's 7-bit text
	// parts open to re-encoding (format.ParseOptions.Reencode).
	`ALTER TABLE documents ADD COLUMN reencode INTEGER NOT NULL DEFAULT 0;`,
	// The vault: readers' access fields (readers from before the columns
	// are cleared for U only, read into no compartment, of no known
	// citizenship, and readers), documents' markings (canonical banners,
	// '' for none), grants (need to know), API tokens (only their
	// secrets' hashes) and web sign-in passwords (argon2id PHC strings).
	// Lists are comma-joined and sorted.
	`ALTER TABLE recipients ADD COLUMN clearance TEXT NOT NULL DEFAULT 'U';
	ALTER TABLE recipients ADD COLUMN compartments TEXT NOT NULL DEFAULT '';
	ALTER TABLE recipients ADD COLUMN citizenship TEXT NOT NULL DEFAULT '';
	ALTER TABLE recipients ADD COLUMN roles TEXT NOT NULL DEFAULT '';
	ALTER TABLE recipients ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE documents ADD COLUMN marking TEXT NOT NULL DEFAULT '';
	CREATE TABLE grants (
		document   TEXT NOT NULL REFERENCES documents(id),
		recipient  TEXT NOT NULL REFERENCES recipients(id),
		granted_at TEXT NOT NULL,
		PRIMARY KEY (document, recipient)
	);
	CREATE INDEX grants_by_recipient ON grants (recipient, document);
	CREATE TABLE tokens (
		id         TEXT PRIMARY KEY,
		recipient  TEXT NOT NULL REFERENCES recipients(id),
		sha256     TEXT NOT NULL,
		created_at TEXT NOT NULL,
		revoked_at TEXT NOT NULL DEFAULT '' -- '' while the token is valid
	);
	CREATE INDEX tokens_by_recipient ON tokens (recipient);
	CREATE TABLE passwords (
		recipient TEXT PRIMARY KEY REFERENCES recipients(id),
		hash      TEXT NOT NULL,
		set_at    TEXT NOT NULL
	);`,
	// The banner printed on a PDF copy's pages (its document's marking
	// when it was issued; '' for none, as for every copy issued before)
	// is part of the copy's identity: re-issued under another marking,
	// the same reader's copy is other bytes, a row of its own.
	`CREATE TABLE pdf_copies_marked (
		document  TEXT NOT NULL REFERENCES documents(id),
		recipient TEXT NOT NULL REFERENCES recipients(id),
		layout    INTEGER NOT NULL,
		footer    INTEGER NOT NULL, -- 1 if its pages name the reader
		marking   TEXT NOT NULL,    -- the banner on its pages, '' for none
		sha256    TEXT NOT NULL,
		issued_at TEXT NOT NULL,
		PRIMARY KEY (document, recipient, layout, footer, marking)
	);
	INSERT INTO pdf_copies_marked (document, recipient, layout, footer, marking, sha256, issued_at)
		SELECT document, recipient, layout, footer, '', sha256, issued_at FROM pdf_copies;
	DROP TABLE pdf_copies;
	ALTER TABLE pdf_copies_marked RENAME TO pdf_copies;`,
	// Leak watch (see watch.go): the contents traced, by SHA-256, with
	// the custody-log entry of the trace; the item ids each source
	// showed, with their latest content; the alerts to deliver, each
	// pending (sent_at '') until its alerter delivered it, and claimed
	// by a deliverer until claimed_until (Unix nanoseconds).
	`CREATE TABLE watch_content (
		sha256    TEXT PRIMARY KEY,
		log_entry INTEGER NOT NULL,
		source    TEXT NOT NULL,
		item      TEXT NOT NULL,
		traced_at TEXT NOT NULL
	);
	CREATE TABLE watch_items (
		source  TEXT NOT NULL,
		item    TEXT NOT NULL,
		sha256  TEXT NOT NULL,
		seen_at TEXT NOT NULL,
		PRIMARY KEY (source, item)
	);
	CREATE TABLE watch_alerts (
		id            INTEGER PRIMARY KEY,
		alerter       TEXT NOT NULL,
		sha256        TEXT NOT NULL REFERENCES watch_content(sha256),
		alert         BLOB NOT NULL,
		created_at    TEXT NOT NULL,
		claimed_until INTEGER NOT NULL,
		attempts      INTEGER NOT NULL DEFAULT 0,
		last_error    TEXT NOT NULL DEFAULT '',
		sent_at       TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX watch_alerts_pending ON watch_alerts (claimed_until, id) WHERE sent_at = '';`,
	// doc add finds an id taken in another case, and the documents with
	// the same content, by index, not by reading every document. Ids are
	// ASCII, which lower() folds.
	`CREATE INDEX documents_by_folded_id ON documents (lower(id));
	CREATE INDEX documents_by_sha256 ON documents (sha256);`,
}

// Errors.
var (
	// ErrNoStore is returned by Open when the database file does not
	// exist; ErrNoSigner and ErrLogCorrupt are as in the root package.
	ErrNoStore    = leaktrace.ErrNoStore
	ErrNoSigner   = leaktrace.ErrNoSigner
	ErrLogCorrupt = leaktrace.ErrLogCorrupt
	// ErrNotStore is returned by Open when the file is there but holds no
	// leaktrace store: it is empty (truncated), not an SQLite database,
	// or a database without leaktrace's schema. Only [Create] makes a
	// store; Open never takes such a file for a new one.
	ErrNotStore = errors.New("the file is empty or not a leaktrace store")
	// ErrBusy is returned when another connection held the database
	// locked for longer than the busy timeout (10 s).
	ErrBusy = errors.New("the store is busy")
)

// busyTimeout is how long a change waits for another connection's lock
// before it fails with ErrBusy.
var busyTimeout = 10 * time.Second

// Store is a SQLite-backed leaktrace.Store.
//
// Its read methods come from the embedded reads, whose db is the same
// database: each reads the latest committed state. [Store.Snapshot] runs
// the same methods over one read transaction.
type Store struct {
	reads
	db     *sql.DB
	signer leaktrace.CheckpointSigner
	// writer is held by the one change running in this process. Changes
	// queue for it in order, in Go, rather than racing for SQLite's write
	// lock: SQLite's busy handler sleeps and retries, unfairly, so that
	// under many concurrent writers (a server's downloads) some wait out
	// the busy timeout while others get through. The busy timeout is left
	// for other processes' changes.
	writer chan struct{}
}

var _ leaktrace.Store = (*Store)(nil)

// Create makes a new store at path. It fails if the file exists. signer
// signs the checkpoint written with every change; it may be nil for a
// store that is only read.
func Create(ctx context.Context, path string, signer leaktrace.CheckpointSigner) (*Store, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	f.Close()
	s, err := open(ctx, path, signer, true)
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return s, nil
}

// Open opens an existing store and brings its schema up to date. signer
// is as for [Create].
func Open(ctx context.Context, path string, signer leaktrace.CheckpointSigner) (*Store, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoStore, path)
	}
	if err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("opening store %s: %w (not a regular file)", path, ErrNotStore)
	}
	if err == nil && fi.Size() == 0 {
		// Checked before SQLite opens it: SQLite would take an empty
		// file for a new database and write to it.
		return nil, fmt.Errorf("opening store %s: %w (it has 0 bytes)", path, ErrNotStore)
	}
	return open(ctx, path, signer, false)
}

// open opens the database at path. fresh says that Create has just made
// it: only then may its schema start from nothing.
func open(ctx context.Context, path string, signer leaktrace.CheckpointSigner, fresh bool) (*Store, error) {
	// synchronous=FULL: a committed change survives a power cut.
	// _txlock=immediate: appending to the log reads its size and then writes,
	// so a transaction must hold the write lock from its start, or two
	// concurrent writers would fail instead of waiting their turn.
	// cache_size: 32 MiB of pages a connection, not SQLite's 2 MiB, so
	// that the lookup index's upper pages stay in memory between
	// lookups.
	dsn := "file:" + path + "?_txlock=immediate&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)&_pragma=cache_size(-32768)", busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{reads: reads{db}, db: db, signer: signer, writer: make(chan struct{}, 1)}
	if err := s.migrate(ctx, fresh); err != nil {
		db.Close()
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
			err = fmt.Errorf("%w (%w)", ErrNotStore, err)
		}
		return nil, fmt.Errorf("opening store %s: %w", path, wrapBusy(err))
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context, fresh bool) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v == 0 && !fresh {
		// Every store Create made has a schema version: a database
		// without one is someone else's, or one whose content is gone.
		var tables int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
			return err
		}
		if tables == 0 {
			return fmt.Errorf("%w (no tables)", ErrNotStore)
		}
		return fmt.Errorf("%w (its %d tables are not leaktrace's)", ErrNotStore, tables)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this leaktrace (%d); upgrade leaktrace", v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion returns the store's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// sqlTx is the transaction type tx passes to its function.
type sqlTx = sql.Tx

func (s *Store) tx(ctx context.Context, fn func(*sqlTx) error) error {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writer }()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrapBusy(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return wrapBusy(err)
	}
	return wrapBusy(tx.Commit())
}

// wrapBusy marks SQLite's "database is locked" errors (SQLITE_BUSY and
// SQLITE_LOCKED, with their extended codes) with ErrBusy.
func wrapBusy(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && !errors.Is(err, ErrBusy) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%w: %w", ErrBusy, err)
		}
	}
	return err
}

const timeFormat = time.RFC3339Nano

// isUnique reports whether err is SQLite's refusal of a row whose primary
// key or unique column is taken, by its extended result code: an error's
// wording is no contract.
func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return true
	}
	return false
}

// AddDocument implements leaktrace.Store.
func (s *Store) AddDocument(ctx context.Context, d *leaktrace.Document, rec leaktrace.LogRecord) error {
	bc, err := json.Marshal(d.Marks.ByChannel)
	if err != nil {
		return err
	}
	capacity := ""
	if d.Capacity != nil {
		b, err := json.Marshal(d.Capacity)
		if err != nil {
			return err
		}
		capacity = string(b)
	}
	variants, baseline := "", ""
	if len(d.Variants) > 0 {
		b, err := json.Marshal(d.Variants)
		if err != nil {
			return err
		}
		variants = string(b)
	}
	if d.Baseline != nil {
		b, err := json.Marshal(d.Baseline)
		if err != nil {
			return err
		}
		baseline = string(b)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO documents
			(id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at, capacity, catalogue, verbatim,
			 variants, variants_sha256, baseline, reencode, marking)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			d.ID, d.Title, d.Filename, d.Format, d.Content, d.SHA256, d.Words,
			d.Marks.Total, string(bc), d.Scheme, d.AddedAt.UTC().Format(timeFormat), capacity, d.CatalogueVersion(), d.Verbatim,
			variants, d.VariantsSHA256, baseline, d.Reencode, d.Marking)
		if isUnique(err) {
			return fmt.Errorf("document %q: %w", d.ID, leaktrace.ErrExists)
		}
		if err != nil {
			return err
		}
		if err := insertFingerprints(ctx, tx, d.ID, d.Fingerprints); err != nil {
			return err
		}
		_, err = s.appendLog(ctx, tx, []leaktrace.LogRecord{rec})
		return err
	})
}

func insertFingerprints(ctx context.Context, tx *sql.Tx, doc string, fps []index.Fingerprint) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO doc_numbers (document) VALUES (?)`, doc)
	if err != nil {
		return err
	}
	num, err := res.LastInsertId()
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO fingerprints (hash, num, pos) VALUES (?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range fps {
		if _, err := st.ExecContext(ctx, f.Hash, num, f.Pos); err != nil {
			return err
		}
	}
	return nil
}

// MaxPostings bounds how many documents one k-gram may point to before it
// counts as boilerplate and is ignored by lookups.
const MaxPostings = index.MaxPostings

// PostingCounts implements leaktrace.Store: one statement for all the
// hashes, each counted in the index alone (no join).
func (s reads) PostingCounts(ctx context.Context, hashes []int64, atMost int) ([]int, error) {
	out := make([]int, len(hashes))
	if len(hashes) == 0 || atMost <= 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT j.key, (SELECT count(*) FROM (SELECT 1 FROM fingerprints f WHERE f.hash = j.value LIMIT ?2))
		FROM json_each(?1) j`, hashList(hashes), atMost)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, rows.Err()
}

// hashList is hashes as a JSON array, for json_each.
func hashList(hashes []int64) string {
	list := make([]byte, 0, 20*len(hashes)+2)
	list = append(list, '[')
	for i, h := range hashes {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, h, 10)
	}
	return string(append(list, ']'))
}

// Lookup implements leaktrace.Store.
//
// It is one statement for all the hashes, not one per hash: a 200-word
// fragment has about 200 of them, and a statement's own cost was most of
// a lookup's. Per hash, the count of its postings stops at
// MaxPostings+1, so a boilerplate k-gram costs no more than that to skip.
// The postings come out hash by hash, in the order of the hashes' first
// appearance, and by document number and position within a hash.
func (s reads) Lookup(ctx context.Context, hashes []int64) ([]index.Posting, error) {
	unique := index.Unique(hashes)
	if len(unique) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `WITH wanted(hash) AS (SELECT DISTINCT value FROM json_each(?1)),
		kept(hash) AS (SELECT hash FROM wanted WHERE (SELECT count(*) FROM (SELECT 1 FROM fingerprints g
			WHERE g.hash = wanted.hash LIMIT ?2)) < ?2)
		SELECT f.hash, f.num, d.document, f.pos FROM kept
		JOIN fingerprints f ON f.hash = kept.hash JOIN doc_numbers d ON d.num = f.num`, hashList(unique), MaxPostings+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type posting struct {
		num int64
		index.Posting
	}
	byHash := make(map[int64][]posting, len(unique))
	for rows.Next() {
		var p posting
		if err := rows.Scan(&p.Hash, &p.num, &p.Doc, &p.Pos); err != nil {
			return nil, err
		}
		byHash[p.Hash] = append(byHash[p.Hash], p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []index.Posting
	for _, h := range unique {
		ps := byHash[h]
		slices.SortFunc(ps, func(a, b posting) int {
			return cmp.Or(cmp.Compare(a.num, b.num), cmp.Compare(a.Pos, b.Pos))
		})
		for _, p := range ps {
			out = append(out, p.Posting)
		}
	}
	return out, nil
}

// DocColumns are the documents table's columns but content, in the
// order ScanDocument reads them, on either backend.
const DocColumns = `id, title, filename, format, sha256, words, marks, by_channel, scheme, added_at, capacity, catalogue, verbatim, variants, variants_sha256, baseline, reencode, marking`

// Scanner is a row of either backend's driver.
type Scanner interface{ Scan(dest ...any) error }

// ScanDocument reads a row of DocColumns, then extra, into a document,
// decoding its JSON columns and time, on either backend.
func ScanDocument(sc Scanner, extra ...any) (*leaktrace.Document, error) {
	var d leaktrace.Document
	var bc, added, capacity, variants, baseline string
	dest := append([]any{&d.ID, &d.Title, &d.Filename, &d.Format, &d.SHA256, &d.Words,
		&d.Marks.Total, &bc, &d.Scheme, &added, &capacity, &d.Catalogue, &d.Verbatim,
		&variants, &d.VariantsSHA256, &baseline, &d.Reencode, &d.Marking}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if variants != "" {
		if err := json.Unmarshal([]byte(variants), &d.Variants); err != nil {
			return nil, fmt.Errorf("document %q: variants: %w", d.ID, err)
		}
	}
	if baseline != "" {
		d.Baseline = new(leaktrace.Baseline)
		if err := json.Unmarshal([]byte(baseline), d.Baseline); err != nil {
			return nil, fmt.Errorf("document %q: baseline: %w", d.ID, err)
		}
	}
	if capacity != "" {
		d.Capacity = new(leaktrace.Capacity)
		if err := json.Unmarshal([]byte(capacity), d.Capacity); err != nil {
			return nil, fmt.Errorf("document %q: capacity: %w", d.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(bc), &d.Marks.ByChannel); err != nil {
		return nil, fmt.Errorf("document %q: marks: %w", d.ID, err)
	}
	t, err := time.Parse(timeFormat, added)
	if err != nil {
		return nil, fmt.Errorf("document %q: time: %w", d.ID, err)
	}
	d.AddedAt = t
	return &d, nil
}

// Document implements leaktrace.Store.
func (s reads) Document(ctx context.Context, id string) (*leaktrace.Document, error) {
	var content []byte
	row := s.db.QueryRowContext(ctx, `SELECT `+DocColumns+`, content FROM documents WHERE id = ?`, id)
	d, err := ScanDocument(row, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %q: %w", id, leaktrace.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	d.Content = content
	return d, nil
}

// DocumentCount implements leaktrace.Store.
func (s reads) DocumentCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents`).Scan(&n)
	return n, err
}

// Documents implements leaktrace.Store.
func (s reads) Documents(ctx context.Context) ([]*leaktrace.Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+DocColumns+` FROM documents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*leaktrace.Document
	for rows.Next() {
		d, err := ScanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddRecipients implements leaktrace.Store.
func (s *Store) AddRecipients(ctx context.Context, rs []leaktrace.Recipient, recs []leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO recipients
			(id, name, email, added_at, clearance, compartments, citizenship, roles, disabled) VALUES (?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rs {
			_, err := st.ExecContext(ctx, r.ID, r.Name, r.Email, r.AddedAt.UTC().Format(timeFormat),
				clearance(r.Clearance), joinList(r.Compartments), r.Citizenship, joinList(r.Roles), r.Disabled)
			if isUnique(err) {
				return fmt.Errorf("recipient %q: %w", r.ID, leaktrace.ErrExists)
			}
			if err != nil {
				return err
			}
		}
		_, err = s.appendLog(ctx, tx, recs)
		return err
	})
}

// clearance is the stored form of a reader's clearance: "" is "U".
func clearance(c string) string {
	if c == "" {
		return "U"
	}
	return c
}

// joinList and splitList store a sorted list as one comma-joined column,
// empty for none.
func joinList(l []string) string { return strings.Join(l, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

const recipientColumns = `id, name, email, added_at, clearance, compartments, citizenship, roles, disabled`

func scanRecipient(sc interface{ Scan(...any) error }) (leaktrace.Recipient, error) {
	var r leaktrace.Recipient
	var added, compartments, roles string
	if err := sc.Scan(&r.ID, &r.Name, &r.Email, &added, &r.Clearance, &compartments, &r.Citizenship, &roles, &r.Disabled); err != nil {
		return r, err
	}
	r.Compartments, r.Roles = splitList(compartments), splitList(roles)
	t, err := time.Parse(timeFormat, added)
	r.AddedAt = t
	return r, err
}

// Recipient implements leaktrace.Store.
func (s reads) Recipient(ctx context.Context, id string) (*leaktrace.Recipient, error) {
	r, err := scanRecipient(s.db.QueryRowContext(ctx, `SELECT `+recipientColumns+` FROM recipients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("recipient %q: %w", id, leaktrace.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Recipients implements leaktrace.Store.
func (s reads) Recipients(ctx context.Context) ([]leaktrace.Recipient, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+recipientColumns+` FROM recipients ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leaktrace.Recipient
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordCopies implements leaktrace.Store.
func (s *Store) RecordCopies(ctx context.Context, cs []leaktrace.Copy, recs []leaktrace.LogRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertCopies(ctx, tx, cs); err != nil {
			return err
		}
		_, err := s.appendLog(ctx, tx, recs)
		return err
	})
}

// insertCopies records issued copies inside tx.
func insertCopies(ctx context.Context, tx *sql.Tx, cs []leaktrace.Copy) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO copies (document, recipient, sha256, issued_at)
		VALUES (?,?,?,?) ON CONFLICT (document, recipient) DO NOTHING`)
	if err != nil {
		return err
	}
	defer st.Close()
	pst, err := tx.PrepareContext(ctx, `INSERT INTO pdf_copies (document, recipient, layout, footer, marking, sha256, issued_at)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (document, recipient, layout, footer, marking) DO NOTHING`)
	if err != nil {
		return err
	}
	defer pst.Close()
	for _, c := range cs {
		at := c.IssuedAt.UTC().Format(timeFormat)
		switch c.Format {
		case "":
			if c.Marking != "" {
				return fmt.Errorf("recording copy of %q for %q: a banner on a copy in the document's own format", c.Document, c.Recipient)
			}
			_, err = st.ExecContext(ctx, c.Document, c.Recipient, c.SHA256, at)
		case leaktrace.FormatPDF:
			if c.Layout < 1 {
				return fmt.Errorf("recording PDF copy of %q for %q: no layout version", c.Document, c.Recipient)
			}
			_, err = pst.ExecContext(ctx, c.Document, c.Recipient, c.Layout, c.Footer, c.Marking, c.SHA256, at)
		default:
			return fmt.Errorf("recording copy of %q for %q: unknown copy format %q", c.Document, c.Recipient, c.Format)
		}
		if err != nil {
			return fmt.Errorf("recording copy of %q for %q: %w", c.Document, c.Recipient, err)
		}
	}
	return nil
}

// Copies implements leaktrace.Store.
func (s reads) Copies(ctx context.Context, doc string) ([]leaktrace.Copy, error) {
	const all = `SELECT document, recipient, '' AS format, 0 AS layout, 0 AS footer, '' AS marking, sha256, issued_at FROM copies
		UNION ALL SELECT document, recipient, 'pdf', layout, footer, marking, sha256, issued_at FROM pdf_copies`
	q, qargs := `SELECT * FROM (`+all+`) WHERE document = ? ORDER BY recipient, format, layout, footer, marking`, []any{doc}
	if doc == "" {
		q, qargs = `SELECT * FROM (`+all+`) ORDER BY document, recipient, format, layout, footer, marking`, nil
	}
	return scanCopies(s.db.QueryContext(ctx, q, qargs...))
}

// scanCopies reads rows of (document, recipient, format, layout, footer,
// marking, sha256, issued_at).
func scanCopies(rows *sql.Rows, err error) ([]leaktrace.Copy, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leaktrace.Copy
	for rows.Next() {
		var c leaktrace.Copy
		var t string
		if err := rows.Scan(&c.Document, &c.Recipient, &c.Format, &c.Layout, &c.Footer, &c.Marking, &c.SHA256, &t); err != nil {
			return nil, err
		}
		if c.IssuedAt, err = time.Parse(timeFormat, t); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Issued returns which of docs have at least one issued copy.
func (s reads) Issued(ctx context.Context, docs []string) (map[string]bool, error) {
	st, err := s.db.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM copies WHERE document = ?1) OR EXISTS (SELECT 1 FROM pdf_copies WHERE document = ?1)`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	out := make(map[string]bool, len(docs))
	for _, d := range docs {
		var ok bool
		if err := st.QueryRowContext(ctx, d).Scan(&ok); err != nil {
			return nil, err
		}
		if ok {
			out[d] = true
		}
	}
	return out, nil
}
