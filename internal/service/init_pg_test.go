package service

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// TestInitOnPostgresFailingLeavesNoStore: an init whose step after the
// store's creation fails on the server removes the new store as well as
// the home's files, so that init can simply be run again.
func TestInitOnPostgresFailingLeavesNoStore(t *testing.T) {
	ctx := t.Context()
	url := pgtest.Database(t)
	// The server refuses every row of the meta table, which Create
	// makes: the init fails at its first step after Create.
	pgExec(t, url, `
		CREATE FUNCTION lt_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'the test refuses the row'; END $$;
		CREATE FUNCTION lt_test_arm() RETURNS event_trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
				WHERE object_identity = current_schema() || '.meta') THEN
				CREATE TRIGGER lt_test_refuse BEFORE INSERT ON meta
					FOR EACH ROW EXECUTE FUNCTION lt_test_refuse();
			END IF;
		END $$;
		CREATE EVENT TRIGGER lt_test_arm ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
			EXECUTE FUNCTION lt_test_arm();`)
	dir := filepath.Join(t.TempDir(), "home")
	err := Init(ctx, dir, InitOptions{Origin: "example.org/test", Store: url})
	if err == nil || !strings.Contains(err.Error(), "the test refuses the row") {
		t.Fatalf("Init = %v, want the server's refusal", err)
	}
	if strings.Contains(err.Error(), "stays in the database") {
		t.Fatalf("Init = %v: the new store was not removed", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("the failed init left %d files in the home", len(ents))
	}
	var n int
	if err := pgQuery(t, url, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the failed init left %d tables in the database", n)
	}
	pgExec(t, url, `DROP EVENT TRIGGER lt_test_arm`)
	if err := Init(ctx, dir, InitOptions{Origin: "example.org/test", Store: url}); err != nil {
		t.Fatalf("init again: %v", err)
	}
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.VerifyLog(ctx, nil); err != nil || !rep.OK || rep.Size != 1 {
		t.Errorf("the new home's log: %+v, %v; want one entry, verified", rep, err)
	}
}

// pgExec runs statements on the database at url, as another client would.
func pgExec(t *testing.T, url, statements string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	if _, err := conn.Exec(t.Context(), statements); err != nil {
		t.Fatal(err)
	}
}

// pgQuery runs one query on the database at url.
func pgQuery(t *testing.T, url, q string) pgx.Row {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn.QueryRow(t.Context(), q)
}
