// Package pgstore is leaktrace's PostgreSQL store: the [leaktrace.Store]
// that several processes and servers share. It returns the same values
// and errors as the SQLite store (internal/store) for the same calls, and
// the conformance suite (internal/storetest) checks that it does.
//
// # Schema
//
// The schema is versioned like SQLite's: migrations[i] moves it from
// version i to i+1, and the version is the one row of leaktrace_schema.
// Version 1 is the SQLite store's latest schema in PostgreSQL's dialect,
// plus the log_lock row. Times are TEXT in the SQLite store's RFC 3339
// form and text compares byte by byte (COLLATE "C", as SQLite's BINARY),
// so that both backends return and sort the same values.
//
// # Concurrent writers
//
// Every change is one READ COMMITTED transaction whose first statement
// locks the one row of log_lock (SELECT ... FOR UPDATE). Writers in every
// process and on every server therefore take turns for the whole
// transaction: the custody log's indexes are gap-free and in order, every
// checkpoint covers exactly the entries before it, and the checks a change
// makes (RecordAccess's guard, SetMarking's from, UpdateRecipient's read)
// see every change committed before it. A transaction that fails with a
// serialization failure or a deadlock (SQLSTATE 40001, 40P01) is run again,
// a few times; no other error is retried. [Store.Snapshot] is one
// REPEATABLE READ READ ONLY transaction.
//
// # Distributed engines
//
// The schema keeps to what distributed PostgreSQL-compatible engines
// (Citus, CockroachDB, YugabyteDB) offer: no sequences, SERIAL or IDENTITY
// (doc_numbers.num is MAX+1 under the log lock), no advisory locks,
// LISTEN/NOTIFY, LOCK TABLE, inheritance or partitions; every table has a
// primary key; foreign keys point only to documents, recipients or
// doc_numbers. fingerprints is keyed by hash first (its distribution key),
// copies, pdf_copies and grants by document first. The one exception is
// the triggers that refuse UPDATE, DELETE and TRUNCATE on the log tables
// and on log_lock, which an engine without triggers replaces by REVOKE
// UPDATE, DELETE, TRUNCATE on them.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/leaktrace/leaktrace"
)

// migrations[i] moves the schema from version i to i+1. Never edit one
// that has shipped; append a new one.
var migrations = []string{
	`CREATE TABLE documents (
		id              TEXT COLLATE "C" PRIMARY KEY,
		title           TEXT COLLATE "C" NOT NULL,
		filename        TEXT COLLATE "C" NOT NULL,
		format          TEXT COLLATE "C" NOT NULL,
		content         BYTEA NOT NULL,
		sha256          TEXT COLLATE "C" NOT NULL,
		words           INTEGER NOT NULL,
		marks           INTEGER NOT NULL,
		by_channel      TEXT COLLATE "C" NOT NULL,
		scheme          INTEGER NOT NULL,
		added_at        TEXT COLLATE "C" NOT NULL,
		capacity        TEXT COLLATE "C" NOT NULL DEFAULT '',
		catalogue       INTEGER NOT NULL DEFAULT 1,
		verbatim        BOOLEAN NOT NULL DEFAULT false,
		variants        TEXT COLLATE "C" NOT NULL DEFAULT '',
		variants_sha256 TEXT COLLATE "C" NOT NULL DEFAULT '',
		baseline        TEXT COLLATE "C" NOT NULL DEFAULT '',
		reencode        BOOLEAN NOT NULL DEFAULT false,
		marking         TEXT COLLATE "C" NOT NULL DEFAULT ''
	);
	CREATE TABLE recipients (
		id           TEXT COLLATE "C" PRIMARY KEY,
		name         TEXT COLLATE "C" NOT NULL,
		email        TEXT COLLATE "C" NOT NULL,
		added_at     TEXT COLLATE "C" NOT NULL,
		clearance    TEXT COLLATE "C" NOT NULL DEFAULT 'U',
		compartments TEXT COLLATE "C" NOT NULL DEFAULT '',
		citizenship  TEXT COLLATE "C" NOT NULL DEFAULT '',
		roles        TEXT COLLATE "C" NOT NULL DEFAULT '',
		disabled     BOOLEAN NOT NULL DEFAULT false
	);
	CREATE TABLE copies (
		document  TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
		recipient TEXT COLLATE "C" NOT NULL REFERENCES recipients(id),
		sha256    TEXT COLLATE "C" NOT NULL,
		issued_at TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (document, recipient)
	);
	-- Typeset copies: a reader's PDF copy of a document under a layout
	-- version and a banner (its document's marking when it was issued,
	-- '' for none).
	CREATE TABLE pdf_copies (
		document  TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
		recipient TEXT COLLATE "C" NOT NULL REFERENCES recipients(id),
		layout    INTEGER NOT NULL,
		footer    BOOLEAN NOT NULL, -- its pages name the reader
		marking   TEXT COLLATE "C" NOT NULL,
		sha256    TEXT COLLATE "C" NOT NULL,
		issued_at TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (document, recipient, layout, footer, marking)
	);
	-- The source index: winnowed k-gram fingerprints of every document,
	-- numbered so that the index does not repeat their ids. num is
	-- MAX(num)+1, assigned under the log lock.
	CREATE TABLE doc_numbers (
		num      INTEGER PRIMARY KEY,
		document TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES documents(id)
	);
	CREATE TABLE fingerprints (
		hash BIGINT NOT NULL,
		num  INTEGER NOT NULL REFERENCES doc_numbers(num),
		pos  INTEGER NOT NULL,
		PRIMARY KEY (hash, num, pos)
	);
	-- The custody log (see internal/storelog).
	CREATE TABLE log_entries (
		idx       BIGINT PRIMARY KEY,
		kind      TEXT COLLATE "C" NOT NULL,
		document  TEXT COLLATE "C" NOT NULL,
		recipient TEXT COLLATE "C" NOT NULL,
		data      BYTEA NOT NULL
	);
	CREATE INDEX log_entries_by_object ON log_entries (document, recipient, kind);
	CREATE TABLE log_hashes (
		idx  BIGINT PRIMARY KEY,
		hash BYTEA NOT NULL
	);
	CREATE TABLE log_checkpoints (
		size BIGINT PRIMARY KEY,
		note BYTEA NOT NULL
	);
	-- Every change locks this one row first: writers take turns.
	CREATE TABLE log_lock (
		id INTEGER PRIMARY KEY
	);
	INSERT INTO log_lock (id) VALUES (1);
	-- Where an engine lacks triggers: REVOKE UPDATE, DELETE, TRUNCATE on
	-- the three log tables from the role leaktrace connects as.
	CREATE FUNCTION leaktrace_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RAISE EXCEPTION 'custody log is append-only';
	END
	$$;
	CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
		FOR EACH ROW EXECUTE FUNCTION leaktrace_append_only();
	CREATE TRIGGER log_entries_append_only_t BEFORE TRUNCATE ON log_entries
		FOR EACH STATEMENT EXECUTE FUNCTION leaktrace_append_only();
	CREATE TRIGGER log_hashes_append_only BEFORE UPDATE OR DELETE ON log_hashes
		FOR EACH ROW EXECUTE FUNCTION leaktrace_append_only();
	CREATE TRIGGER log_hashes_append_only_t BEFORE TRUNCATE ON log_hashes
		FOR EACH STATEMENT EXECUTE FUNCTION leaktrace_append_only();
	CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
		FOR EACH ROW EXECUTE FUNCTION leaktrace_append_only();
	CREATE TRIGGER log_checkpoints_append_only_t BEFORE TRUNCATE ON log_checkpoints
		FOR EACH STATEMENT EXECUTE FUNCTION leaktrace_append_only();
	-- Facts about the home by name; not custody-log changes.
	CREATE TABLE meta (
		name  TEXT COLLATE "C" PRIMARY KEY,
		value TEXT COLLATE "C" NOT NULL
	);
	-- The vault: grants (need to know), API tokens (only their secrets'
	-- hashes; revoked_at '' while valid) and web sign-in passwords.
	CREATE TABLE grants (
		document   TEXT COLLATE "C" NOT NULL REFERENCES documents(id),
		recipient  TEXT COLLATE "C" NOT NULL REFERENCES recipients(id),
		granted_at TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (document, recipient)
	);
	CREATE INDEX grants_by_recipient ON grants (recipient, document);
	CREATE TABLE tokens (
		id         TEXT COLLATE "C" PRIMARY KEY,
		recipient  TEXT COLLATE "C" NOT NULL REFERENCES recipients(id),
		sha256     TEXT COLLATE "C" NOT NULL,
		created_at TEXT COLLATE "C" NOT NULL,
		revoked_at TEXT COLLATE "C" NOT NULL DEFAULT ''
	);
	CREATE INDEX tokens_by_recipient ON tokens (recipient);
	CREATE TABLE passwords (
		recipient TEXT COLLATE "C" PRIMARY KEY REFERENCES recipients(id),
		hash      TEXT COLLATE "C" NOT NULL,
		set_at    TEXT COLLATE "C" NOT NULL
	);`,
	// Leak watch, as in the SQLite store: the contents traced,
	// by SHA-256, with the custody-log entry of the trace; the item ids
	// each source showed, with their latest content; the alerts to
	// deliver, each pending (sent_at '') until its alerter delivered it,
	// and claimed by a deliverer until claimed_until (Unix nanoseconds).
	// Alerts are numbered under the log lock, as log entries are (no
	// sequence), and refer to their content without a foreign key (the
	// transaction that records them records it).
	`CREATE TABLE watch_content (
		sha256    TEXT COLLATE "C" PRIMARY KEY,
		log_entry BIGINT NOT NULL,
		source    TEXT COLLATE "C" NOT NULL,
		item      TEXT COLLATE "C" NOT NULL,
		traced_at TEXT COLLATE "C" NOT NULL
	);
	CREATE TABLE watch_items (
		source  TEXT COLLATE "C" NOT NULL,
		item    TEXT COLLATE "C" NOT NULL,
		sha256  TEXT COLLATE "C" NOT NULL,
		seen_at TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (source, item)
	);
	CREATE TABLE watch_alerts (
		id            BIGINT PRIMARY KEY,
		alerter       TEXT COLLATE "C" NOT NULL,
		sha256        TEXT COLLATE "C" NOT NULL,
		alert         BYTEA NOT NULL,
		created_at    TEXT COLLATE "C" NOT NULL,
		claimed_until BIGINT NOT NULL,
		attempts      INTEGER NOT NULL DEFAULT 0,
		last_error    TEXT COLLATE "C" NOT NULL DEFAULT '',
		sent_at       TEXT COLLATE "C" NOT NULL DEFAULT ''
	);
	CREATE INDEX watch_alerts_pending ON watch_alerts (claimed_until, id) WHERE sent_at = '';`,
	// The log lock's row must stay: without it SELECT ... FOR UPDATE
	// locks nothing and writers stop taking turns. Where an engine lacks
	// triggers: REVOKE UPDATE, DELETE, TRUNCATE ON log_lock too.
	`CREATE FUNCTION leaktrace_keep_log_lock() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RAISE EXCEPTION 'the log_lock row must stay';
	END
	$$;
	CREATE TRIGGER log_lock_kept BEFORE UPDATE OR DELETE ON log_lock
		FOR EACH ROW EXECUTE FUNCTION leaktrace_keep_log_lock();
	CREATE TRIGGER log_lock_kept_t BEFORE TRUNCATE ON log_lock
		FOR EACH STATEMENT EXECUTE FUNCTION leaktrace_keep_log_lock();`,
	// doc add finds an id taken in another case, and the documents with
	// the same content, by index, not by reading every document. Ids are
	// ASCII; id's collation is "C", in which lower() folds ASCII letters
	// alone (the query folds its argument in "C" too: in a Turkish
	// collation lower('I') is not 'i').
	`CREATE INDEX documents_by_folded_id ON documents (lower(id));
	CREATE INDEX documents_by_sha256 ON documents (sha256);`,
}

// schemaTable holds the schema version, in its one row. It is made by
// Create, before the first migration.
const schemaTable = `CREATE TABLE leaktrace_schema (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO leaktrace_schema (id, version) VALUES (1, 0);`

// Errors.
var (
	// ErrStoreExists is returned by Create when the database holds a
	// leaktrace store already.
	ErrStoreExists = errors.New("the database already holds a leaktrace store")
	// ErrNotStore is returned by Open when the database holds tables but
	// no leaktrace store, and by Create when it holds tables: a store is
	// made only in an empty database.
	ErrNotStore = errors.New("the database is not a leaktrace store")
	// ErrUnreachable is returned when the server can't be connected to:
	// it is not running or not reachable, the URL is malformed, or the
	// server refuses the role, password or database it names.
	ErrUnreachable = errors.New("can't connect to the PostgreSQL server")
)

// Store is a PostgreSQL-backed leaktrace.Store.
//
// Its read methods come from the embedded reads, whose db is the pool:
// each reads the latest committed state. [Store.Snapshot] runs the same
// methods in one transaction.
type Store struct {
	reads
	pool   *pgxpool.Pool
	signer leaktrace.CheckpointSigner
	url    string // redacted, for messages
}

var _ leaktrace.Store = (*Store)(nil)

// Create makes a new store in the database that url names (a libpq URL or
// key=value string; PG* variables and ~/.pgpass apply). The database
// must hold no tables: ErrStoreExists if it holds a leaktrace store,
// ErrNotStore if it holds others. The whole schema is made in one
// transaction. signer signs the checkpoint written with every change; it
// may be nil for a store that is only read.
func Create(ctx context.Context, url string, signer leaktrace.CheckpointSigner) (*Store, error) {
	s, err := connect(ctx, url, signer)
	if err != nil {
		return nil, fmt.Errorf("creating store %s: %w", Redact(url), err)
	}
	if err := s.create(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("creating store %s: %w", s.url, err)
	}
	return s, nil
}

// Open opens the store in the database that url names and brings its
// schema up to date: leaktrace.ErrNoStore if the database holds no
// tables, ErrNotStore if it holds tables but no store. signer is as for
// [Create].
func Open(ctx context.Context, url string, signer leaktrace.CheckpointSigner) (*Store, error) {
	s, err := connect(ctx, url, signer)
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", Redact(url), err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		if errors.Is(err, leaktrace.ErrNoStore) {
			return nil, fmt.Errorf("%w in database %s", leaktrace.ErrNoStore, s.url)
		}
		return nil, fmt.Errorf("opening store %s: %w", s.url, err)
	}
	return s, nil
}

func connect(ctx context.Context, url string, signer leaktrace.CheckpointSigner) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message quotes the URL, redacted only on a best-effort
		// basis: say what is wrong without it.
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) {
			c := *pe
			c.ConnString = ""
			return nil, fmt.Errorf("%w: the URL is not valid: %s", ErrUnreachable, strings.TrimPrefix(c.Error(), "cannot parse ``: "))
		}
		return nil, fmt.Errorf("%w: the URL is not valid", ErrUnreachable)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Neither connect_timeout nor $PGCONNECT_TIMEOUT: a server
		// that never answers is an error, not a hang.
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "leaktrace"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, connectFailure{err})
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(err)
	}
	return &Store{reads: reads{connected{pool}}, pool: pool, signer: signer, url: Redact(url)}, nil
}

// connected is the pool as reads use it: a failure to connect (a new
// connection, after the server restarted or went away) is
// ErrUnreachable, as at Open.
type connected struct{ *pgxpool.Pool }

func (p connected) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := p.Pool.Query(ctx, sql, args...)
	return rows, unreachable(err)
}

func (p connected) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return connectedRow{p.Pool.QueryRow(ctx, sql, args...)}
}

func (p connected) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := p.Pool.Exec(ctx, sql, args...)
	return tag, unreachable(err)
}

type connectedRow struct{ pgx.Row }

func (r connectedRow) Scan(dest ...any) error { return unreachable(r.Row.Scan(dest...)) }

// unreachable marks a failure to connect with ErrUnreachable.
func unreachable(err error) error {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && !errors.Is(err, ErrUnreachable) {
		return fmt.Errorf("%w: %w", ErrUnreachable, connectFailure{err})
	}
	return err
}

// connectFailure is a failure to connect whose message says each
// attempt's failure once: pgx lists every attempt, and with sslmode
// prefer (the default) it tries each address twice, with TLS and
// without, for the same "connection refused".
type connectFailure struct{ err error }

func (e connectFailure) Unwrap() error { return e.err }

func (e connectFailure) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	seen := make(map[string]bool, len(lines))
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	if len(out) == 2 {
		// One attempt's failure left: on the first line, as pgx puts
		// a single one.
		return out[0] + " " + strings.TrimPrefix(out[1], "\t")
	}
	return strings.Join(out, "\n")
}

// tables counts the tables and views in the schema new tables go to.
func tables(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
	return n, err
}

// hasSchema reports whether the database holds leaktrace_schema.
func hasSchema(ctx context.Context, q querier) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT to_regclass('leaktrace_schema') IS NOT NULL`).Scan(&ok)
	return ok, err
}

func (s *Store) create(ctx context.Context) error {
	if ok, err := hasSchema(ctx, s.pool); err != nil {
		return err
	} else if ok {
		return ErrStoreExists
	}
	if n, err := tables(ctx, s.pool); err != nil {
		return err
	} else if n > 0 {
		// Another process's Create may have committed between the two
		// reads: its tables and its schema row commit together, so the
		// schema is seen now if its tables were.
		if ok, err := hasSchema(ctx, s.pool); err != nil {
			return err
		} else if ok {
			return ErrStoreExists
		}
		return fmt.Errorf("%w (it holds %d tables; make the store in an empty database)", ErrNotStore, n)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, schemaTable); err != nil {
			return err
		}
		for v := range migrations {
			if err := runMigration(ctx, tx, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Another process created the store meanwhile: its
		// transaction committed first, and ours collided with its
		// tables.
		if ok, _ := hasSchema(ctx, s.pool); ok {
			return ErrStoreExists
		}
		return err
	}
	return nil
}

func runMigration(ctx context.Context, tx pgx.Tx, v int) error {
	if _, err := tx.Exec(ctx, migrations[v]); err != nil {
		return fmt.Errorf("migration %d: %w", v+1, err)
	}
	_, err := tx.Exec(ctx, `UPDATE leaktrace_schema SET version = $1 WHERE id = 1`, v+1)
	return err
}

// migrate checks that the database holds a store and runs the
// migrations it lacks. It first reads the version without a lock, so
// that a read-only role or a hot standby can open an up-to-date store;
// only when a migration is needed does it run each in a transaction that
// first locks the schema row and reads the version again: of processes
// opening an old store at once, one migrates and the others find it
// done.
func (s *Store) migrate(ctx context.Context) error {
	ok, err := hasSchema(ctx, s.pool)
	if err != nil {
		return err
	}
	if !ok {
		n, err := tables(ctx, s.pool)
		if err != nil {
			return err
		}
		if n == 0 {
			return leaktrace.ErrNoStore
		}
		return fmt.Errorf("%w (its %d tables are not leaktrace's)", ErrNotStore, n)
	}
	if v, err := readVersion(ctx, s.pool, ""); err != nil {
		return err
	} else if done, err := upToDate(v); err != nil || done {
		return err
	}
	for {
		done := false
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			v, err := readVersion(ctx, tx, " FOR UPDATE")
			if err != nil {
				return err
			}
			if done, err = upToDate(v); err != nil || done {
				return err
			}
			return runMigration(ctx, tx, v)
		})
		if err != nil || done {
			return err
		}
	}
}

// readVersion reads the schema version, with lock appended to the query.
func readVersion(ctx context.Context, q querier, lock string) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT version FROM leaktrace_schema WHERE id = 1`+lock).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%w (its schema version is missing)", ErrNotStore)
	}
	return v, err
}

// upToDate reports whether schema version v is this leaktrace's, and
// fails if it is newer.
func upToDate(v int) (bool, error) {
	if v > len(migrations) {
		return false, fmt.Errorf("schema version %d is newer than this leaktrace (%d); upgrade leaktrace", v, len(migrations))
	}
	return v == len(migrations), nil
}

// SchemaVersion returns the store's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRow(ctx, `SELECT version FROM leaktrace_schema WHERE id = 1`).Scan(&v)
	return v, err
}

// Close closes the pool's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// connectTimeout bounds a connection attempt when the URL sets no
// connect_timeout.
var connectTimeout = 30 * time.Second

// retries bounds how many times a change runs when it keeps failing
// with a serialization failure or a deadlock.
const retries = 5

// tx runs fn in one write transaction that holds the log lock from its
// first statement, and commits. It runs it again, after a short random
// pause, when it fails with SQLSTATE 40001 or 40P01; fn must be safe to
// run again.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.txOnce(ctx, fn)
		if err == nil || !retryable(err) || attempt == retries {
			return unreachable(err)
		}
		pause := time.Duration(rand.Int64N(int64(attempt) * int64(20*time.Millisecond)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return err
		}
	}
}

func (s *Store) txOnce(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// Scan, not Exec: with its row gone the lock would lock nothing and
	// writers would no longer take turns.
	var id int
	err = tx.QueryRow(ctx, `SELECT id FROM log_lock WHERE id = 1 FOR UPDATE`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: the log_lock row is missing; restore it with INSERT INTO log_lock (id) VALUES (1)", leaktrace.ErrLogCorrupt)
	}
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// retryable reports whether err is a serialization failure or a
// deadlock, after which the whole transaction may run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// SQLSTATEs the store maps to leaktrace's errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// isCode reports whether err is a PostgreSQL error with SQLSTATE code.
func isCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}
