package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestPostgres runs the transcripts in testdata/postgres, each with a new
// database of its own on a real PostgreSQL server (internal/pgtest) named
// by $LEAKTRACE_STORE, $PGSTORE and (with the password s3cret, which the
// server does not check) $PGSTORE_PW; $PGSERVER is the server's own
// "postgres" database, which holds no store. memo1.txt to memo3.txt are
// memos from the corpus.
func TestPostgres(t *testing.T) {
	srv := pgtest.Shared(t)
	memos := corpus.RequireMemos(t, 3, 300, 2)
	var n atomic.Int64
	testscript.Run(t, testscript.Params{
		Dir: "testdata/postgres",
		Setup: func(env *testscript.Env) error {
			name := fmt.Sprintf("lt_cli_%d_%d", os.Getpid(), n.Add(1))
			u, err := srv.CreateDatabase(context.Background(), name)
			if err != nil {
				return err
			}
			env.Defer(func() {
				if err := srv.DropDatabase(context.Background(), name); err != nil {
					env.T().Log(err)
				}
			})
			pu, err := url.Parse(u)
			if err != nil {
				return err
			}
			pu.User = url.UserPassword(pu.User.Username(), "s3cret")
			env.Setenv("LEAKTRACE_HOME", env.WorkDir+"/home")
			env.Setenv("LEAKTRACE_STORE", u)
			env.Setenv("PGSTORE", u)
			env.Setenv("PGSTORE_PW", pu.String())
			env.Setenv("PGSERVER", srv.URL)
			env.Setenv("changes", changesQuery)
			for i, m := range memos {
				if err := os.WriteFile(filepath.Join(env.WorkDir, fmt.Sprintf("memo%d.txt", i+1)), []byte(m), 0o644); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"sql":     cmdSQL,
			"readers": cmdReaders,
			"excerpt": cmdExcerpt,
		},
		Condition: toolCondition,
	})
}

// changesQuery describes the custody log's changes, as the checkpoints
// delimit them: each checkpoint closes the entries after the one before,
// and the rows count the checkpoints by how many entries they close and by
// how many kinds of entry for how many documents those are (one, for a
// change that is one block).
const changesQuery = `
SELECT n, kinds, count(*) FROM (
	SELECT c.size - c.prev AS n, count(DISTINCT e.kind || '/' || e.document) AS kinds
	FROM (SELECT size, lag(size, 1, 0) OVER (ORDER BY size) AS prev FROM log_checkpoints) c
	JOIN log_entries e ON e.idx >= c.prev AND e.idx < c.size
	GROUP BY c.size, c.prev
) per GROUP BY n, kinds ORDER BY n, kinds`

// cmdSQL is "sql STORE QUERY": it runs QUERY on STORE, a postgres:// URL
// or an SQLite file, and prints each row's columns separated by spaces.
func cmdSQL(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sql STORE QUERY")
	}
	driver, dsn := "sqlite", "file:"+ts.MkAbs(args[0])+"?mode=ro"
	if strings.HasPrefix(args[0], "postgres") {
		driver, dsn = "pgx", args[0]
	}
	db, err := sql.Open(driver, dsn)
	ts.Check(err)
	defer db.Close()
	rows, err := db.Query(args[1])
	if neg {
		if err == nil {
			rows.Close()
			ts.Fatalf("query succeeded")
		}
		return
	}
	ts.Check(err)
	defer rows.Close()
	cols, err := rows.Columns()
	ts.Check(err)
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		ts.Check(rows.Scan(ptrs...))
		var out []string
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprint(v))
		}
		fmt.Fprintln(ts.Stdout(), strings.Join(out, " "))
	}
	ts.Check(rows.Err())
}

// cmdReaders is "readers N FILE": it writes a recipients CSV of readers
// r1 to rN.
func cmdReaders(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: readers N FILE")
	}
	var n int
	_, err := fmt.Sscan(args[0], &n)
	ts.Check(err)
	var b strings.Builder
	b.WriteString("id,name,email\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "r%d,Reader %d,r%d@example.org\n", i, i, i)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// cmdExcerpt is "excerpt IN OUT": it writes to OUT whole paragraphs of IN,
// byte for byte, from a third of the way in, at least 120 words of them.
func cmdExcerpt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: excerpt IN OUT")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	paras := strings.Split(string(data), "\n\n")
	var out []string
	words := 0
	for _, p := range paras[len(paras)/3:] {
		out = append(out, p)
		if words += len(strings.Fields(p)); words >= 120 {
			break
		}
	}
	if words < 120 {
		ts.Fatalf("%s has %d words from a third of the way in, want at least 120", args[0], words)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(strings.TrimSuffix(strings.Join(out, "\n\n"), "\n")+"\n"), 0o644))
}
