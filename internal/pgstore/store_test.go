package pgstore

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// TestCreateAndOpenRefuse: Create refuses a database that holds a store
// or other tables; Open refuses one that holds no store.
func TestCreateAndOpenRefuse(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, url := newStore(t)
	if _, err := Create(ctx, url, nil); !errors.Is(err, ErrStoreExists) {
		t.Fatalf("Create over a store: %v, want ErrStoreExists", err)
	}
	empty := pgtest.Database(t)
	if _, err := Open(ctx, empty, nil); !errors.Is(err, leaktrace.ErrNoStore) {
		t.Fatalf("Open of an empty database: %v, want ErrNoStore", err)
	}
	foreign := pgtest.Database(t)
	if err := exec(t, foreign, `CREATE TABLE documents (x int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, foreign, nil); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Open of a database with other tables: %v, want ErrNotStore", err)
	}
	if _, err := Create(ctx, foreign, nil); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Create in a database with other tables: %v, want ErrNotStore", err)
	}
	if err := exec(t, foreign, `SELECT x FROM documents`); err != nil {
		t.Fatalf("the other tables were changed: %v", err)
	}
	// Open made nothing in the empty database: Create still can.
	s, err := Create(ctx, empty, nil)
	if err != nil {
		t.Fatalf("Create after a refused Open: %v", err)
	}
	s.Close()
}

// TestUnreachable: a server that isn't there, a malformed URL, a
// database that doesn't exist and a wrong password are ErrUnreachable,
// and no message shows the password.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	good := pgtest.Database(t)
	for _, url := range []string{
		"postgres://leaktrace:s3cret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=5",
		"postgres://leaktrace:s3cret-pw@127.0.0.1:notaport/db",
		"postgres://leaktrace:s3cret-pw@127.0.0.1/db?pool_max_conns=many",
		"postgres://leaktrace:s3cret-pw%zz@127.0.0.1/db",
		"host=127.0.0.1 password='s3cret-pw",
		"host=127.0.0.1 port=1 user=leaktrace password=s3cret-pw dbname=db sslmode=disable connect_timeout=5",
		strings.Replace(good, "/lt_", "/s3cret-pw_missing_", 1),
	} {
		for name, f := range map[string]func(context.Context, string, leaktrace.CheckpointSigner) (*Store, error){"Open": Open, "Create": Create} {
			s, err := f(ctx, url, nil)
			if !errors.Is(err, ErrUnreachable) {
				if s != nil {
					s.Close()
				}
				t.Errorf("%s(%s): %v, want ErrUnreachable", name, Redact(url), err)
				continue
			}
			if strings.Contains(err.Error(), "s3cret-pw") && !strings.Contains(url, "_missing_") {
				t.Errorf("%s(%s): the message shows the password: %v", name, Redact(url), err)
			}
		}
	}
}

// TestUnreachableSaysItOnce: a server that refuses the connection is
// named once in the message, though pgx tries it twice (with TLS and
// without, sslmode prefer being the default).
func TestUnreachableSaysItOnce(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	for name, f := range map[string]func(context.Context, string, leaktrace.CheckpointSigner) (*Store, error){"Open": Open, "Create": Create} {
		_, err := f(t.Context(), "postgres://leaktrace@"+addr+"/db?connect_timeout=5", nil)
		if !errors.Is(err, ErrUnreachable) {
			t.Fatalf("%s: %v, want ErrUnreachable", name, err)
		}
		var ce *pgconn.ConnectError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v is no longer pgx's ConnectError", name, err)
		}
		if n := strings.Count(err.Error(), "connection refused"); n != 1 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %q says connection refused %d times, want once on one line", name, err, n)
		}
	}
}

// TestMigrationsAreVersioned: a new store is at the latest version;
// reopening runs nothing; a store from a newer leaktrace is refused.
func TestMigrationsAreVersioned(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(migrations))
	}
	s2, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s2.SchemaVersion(ctx); v != len(migrations) {
		t.Fatalf("reopened at version %d", v)
	}
	s2.Close()
	if err := exec(t, url, `UPDATE leaktrace_schema SET version = 999`); err != nil {
		t.Fatal(err)
	}
	if s3, err := Open(ctx, url, nil); err == nil || !strings.Contains(err.Error(), "newer") {
		if s3 != nil {
			s3.Close()
		}
		t.Fatalf("Open of a store with a newer schema: %v", err)
	}
}

// TestMigrateOnce: processes opening an old store at once all succeed
// and the new migration runs once.
func TestMigrateOnce(t *testing.T) {
	_, url := newStore(t)
	ctx := t.Context()
	if err := exec(t, url, `INSERT INTO meta (name, value) VALUES ('kept', 'yes')`); err != nil {
		t.Fatal(err)
	}
	// The next release's migration, counting its runs.
	old := migrations
	defer func() { migrations = old }()
	migrations = append(append([]string{}, old...), `CREATE TABLE extra (n INTEGER PRIMARY KEY);
		INSERT INTO meta (name, value) VALUES ('migrated', 'once');`)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := Open(ctx, url, nil)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("opening an old store at once: %v", err)
		}
	}
	s, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != len(migrations) {
		t.Fatalf("migrated to version %d, want %d", v, len(migrations))
	}
	for name, want := range map[string]string{"kept": "yes", "migrated": "once"} {
		if v, ok, err := s.Meta(ctx, name); err != nil || !ok || v != want {
			t.Fatalf("meta %s = %q, %v, %v; want %q", name, v, ok, err, want)
		}
	}
}

// TestCreateOnce: of processes creating a store in one database at
// once, one succeeds and the others find the store there.
func TestCreateOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.Database(t)
	ctx := t.Context()
	const n = 3
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := Create(ctx, url, nil)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	created := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			created++
		case !errors.Is(err, ErrStoreExists):
			t.Errorf("a concurrent Create: %v, want ErrStoreExists", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d Creates succeeded, want 1", created)
	}
}

// TestDistributedSubset: the schema keeps to what distributed engines
// offer: every table has a primary key, foreign keys point only to
// documents, recipients or doc_numbers, and there are no sequences
// (SERIAL, IDENTITY), inherited or partitioned tables.
func TestDistributedSubset(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	col := func(q string) []string {
		t.Helper()
		rows, err := s.pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := col(`SELECT c.relname::text FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') ORDER BY 1`); len(got) > 0 {
		t.Errorf("tables without a primary key: %v", got)
	}
	if got := col(`SELECT confrelid::regclass::text FROM pg_constraint
		WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
		AND confrelid::regclass::text NOT IN ('documents', 'recipients', 'doc_numbers')`); len(got) > 0 {
		t.Errorf("foreign keys to %v", got)
	}
	if got := col(`SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('S', 'p')
		UNION ALL SELECT inhrelid::regclass::text FROM pg_inherits`); len(got) > 0 {
		t.Errorf("sequences, partitioned or inherited tables: %v", got)
	}
	if got := col(`SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`); len(got) != 8 {
		t.Errorf("triggers %v, want only the log tables' append-only ones and log_lock's", got)
	}
}

// TestUnreachableLater: when the server can no longer be connected to
// after Open (here: the database is gone), reads, snapshots and changes
// fail with ErrUnreachable too.
func TestUnreachableLater(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := t.Context()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := pgtest.Shared(t).DropDatabase(ctx, strings.TrimPrefix(u.Path, "/")); err != nil {
		t.Fatal(err)
	}
	s.pool.Reset() // its connections were ended: new ones are needed
	for name, f := range map[string]func() error{
		"DocumentCount": func() error { _, err := s.DocumentCount(ctx); return err },
		"Documents":     func() error { _, err := s.Documents(ctx); return err },
		"Meta":          func() error { _, _, err := s.Meta(ctx, "x"); return err },
		"Snapshot":      func() error { return s.Snapshot(ctx, func(leaktrace.StoreReader) error { return nil }) },
		"AppendLog":     func() error { _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); return err },
	} {
		if err := f(); !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %v, want ErrUnreachable", name, err)
		}
	}
}

// TestConnectTimeout: a server that accepts the connection and never
// answers is ErrUnreachable after the connect timeout, not a hang.
func TestConnectTimeout(t *testing.T) {
	defer func(d time.Duration) { connectTimeout = d }(connectTimeout)
	connectTimeout = 200 * time.Millisecond
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent until the test ends
		}
	}()
	_, err = Open(t.Context(), "postgres://u:pw@"+l.Addr().String()+"/db?sslmode=disable", nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Open of a silent server: %v, want ErrUnreachable", err)
	}
}

// TestOpenReadOnly: a role with only SELECT rights (as on a read replica
// or a hot standby) opens an up-to-date store and reads it; its changes
// fail with the server's refusal and change nothing.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := t.Context()
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	role := "ro_" + strings.TrimPrefix(u.Path, "/")
	id := pgx.Identifier{role}.Sanitize()
	if err := exec(t, dbURL, `CREATE ROLE `+id+` LOGIN PASSWORD 'ro'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO `+id); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Roles are the server's, not the database's: drop it.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP OWNED BY `+id+`; DROP ROLE `+id); err != nil {
			t.Errorf("dropping role: %v", err)
		}
	})
	u.User = url.UserPassword(role, "ro")
	ro, err := Open(ctx, u.String(), testSigner(t))
	if err != nil {
		t.Fatalf("opening as a read-only role: %v", err)
	}
	defer ro.Close()
	if n, err := ro.LogSize(ctx); err != nil || n != 1 {
		t.Fatalf("LogSize = %d, %v; want 1", n, err)
	}
	if c, err := ro.Checkpoint(ctx); err != nil || c.Size != 1 {
		t.Fatalf("Checkpoint = %+v, %v; want size 1", c, err)
	}
	if _, err := ro.AppendLog(ctx, []leaktrace.LogRecord{rec("access", "d", "r")}); !isCode(err, "42501") {
		t.Fatalf("AppendLog as a read-only role: %v, want permission denied", err)
	}
	if n, err := s.LogSize(ctx); err != nil || n != 1 {
		t.Fatalf("LogSize after the refused change = %d, %v; want 1", n, err)
	}
}

// TestDocumentIndexMigration: a store made before the indexes doc add
// finds taken ids and same-content documents by opens and gains them.
func TestDocumentIndexMigration(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	s.Close()
	if err := exec(t, url, fmt.Sprintf(`DROP INDEX documents_by_folded_id; DROP INDEX documents_by_sha256; UPDATE leaktrace_schema SET version = %d`, len(migrations)-1)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('documents_by_folded_id', 'documents_by_sha256')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("after migrating: %d of the 2 indexes, %v", n, err)
	}
	if v, _ := r.SchemaVersion(ctx); v != len(migrations) {
		t.Fatalf("schema version %d, want %d", v, len(migrations))
	}
}
