package scale

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestSchemaKeepsToTheDistributedSubset: the PostgreSQL schema uses only
// what docs/scale.md says distributed engines offer: no sequences or
// identity columns, no partitioned or inherited tables, a primary key on
// every table, foreign keys only to documents, recipients and
// doc_numbers, triggers only on the three log tables and log_lock
// (refusing UPDATE, DELETE and TRUNCATE), and primary keys that start with the distribution
// keys; and pgstore's code takes no advisory lock, table lock or
// notification.
func TestSchemaKeepsToTheDistributedSubset(t *testing.T) {
	ctx := t.Context()
	url := pgtest.Database(t)
	s, err := pgstore.Create(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	strs := func(q string) []string {
		t.Helper()
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return out
	}
	tables := strs(`SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`)
	if !slices.Contains(tables, "fingerprints") || !slices.Contains(tables, "log_entries") {
		t.Fatalf("tables %v", tables)
	}
	for what, q := range map[string]string{
		"sequences": `SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relkind = 'S'`,
		"identity or serial columns": `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval%')`,
		"partitioned tables": `SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relkind = 'p'`,
		"inherited tables": `SELECT inhrelid::regclass::text FROM pg_inherits`,
		"tables without a primary key": `SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relkind = 'r'
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')`,
		"foreign keys to other tables": `SELECT conrelid::regclass::text || ' -> ' || confrelid::regclass::text FROM pg_constraint
			WHERE contype = 'f' AND confrelid::regclass::text NOT IN ('documents', 'recipients', 'doc_numbers')`,
		"triggers off the log tables": `SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger
			WHERE NOT tgisinternal AND tgrelid::regclass::text NOT IN ('log_entries', 'log_hashes', 'log_checkpoints', 'log_lock')`,
	} {
		if got := strs(q); len(got) > 0 {
			t.Errorf("%s: %v", what, got)
		}
	}
	// Each log table, and log_lock, refuses UPDATE, DELETE (per row) and
	// TRUNCATE.
	for _, tbl := range []string{"log_entries", "log_hashes", "log_checkpoints", "log_lock"} {
		var upd, del, trunc bool
		err := conn.QueryRow(ctx, `SELECT bool_or(tgtype & 16 <> 0 AND tgtype & 1 <> 0), bool_or(tgtype & 8 <> 0 AND tgtype & 1 <> 0), bool_or(tgtype & 32 <> 0)
			FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = $1::regclass AND tgtype & 2 <> 0`, tbl).Scan(&upd, &del, &trunc)
		if err != nil || !upd || !del || !trunc {
			t.Errorf("%s: BEFORE row UPDATE %v, row DELETE %v, TRUNCATE %v triggers (%v)", tbl, upd, del, trunc, err)
		}
	}
	// Primary keys start with the distribution keys.
	for tbl, want := range map[string]string{
		"fingerprints": "hash,num,pos", "copies": "document,", "pdf_copies": "document,", "grants": "document,",
	} {
		var cols string
		err := conn.QueryRow(ctx, `SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM pg_constraint c
			CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
			WHERE c.conrelid = $1::regclass AND c.contype = 'p'`, tbl).Scan(&cols)
		if err != nil || !strings.HasPrefix(cols+",", want) {
			t.Errorf("%s: primary key (%s), want it to start with %q (%v)", tbl, cols, strings.TrimSuffix(want, ","), err)
		}
	}
	// The code: no advisory locks, table locks, notifications or sequences.
	files, _ := filepath.Glob("../pgstore/*.go")
	avoided := regexp.MustCompile(`(?i)pg_(try_)?advisory|\bLOCK TABLE\b|\bNOTIFY\b|\bLISTEN\b|nextval|\bSERIAL\b|GENERATED .* AS IDENTITY|\bINHERITS\b|PARTITION BY`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for i, line := range strings.Split(string(b), "\n") {
			// Comments say what is avoided; code and SQL must not use it.
			code, _, _ := strings.Cut(line, "//")
			code, _, _ = strings.Cut(code, "--")
			if m := avoided.FindString(code); m != "" {
				t.Errorf("%s:%d uses %q", f, i+1, m)
			}
		}
	}
	if n == 0 {
		t.Fatal("found no pgstore source to check")
	}
}
