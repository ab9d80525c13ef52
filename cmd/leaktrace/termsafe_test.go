package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
	_ "modernc.org/sqlite"
)

func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Q3 memo":                   "Q3 memo",
		"Zoë Ångström":              "Zoë Ångström",
		`DOMAIN\user`:               `DOMAIN\user`,
		"eve\x1b[31m\nforged: line": `"eve\x1b[31m\nforged: line"`,
		"a\tb":                      `"a\tb"`,
		"good\u202etxt.exe":         `"good\u202etxt.exe"`,
		"c1\u009b2J":                `"c1\u009b2J"`,
		"bad\xff":                   `"bad\xff"`,
		"line\u2028sep":             `"line\u2028sep"`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %s, want %s", in, got, want)
		}
	}
}

// cli runs the command line in home and returns its output.
func cli(t *testing.T, home string, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), append([]string{"--home", home}, args...), strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("leaktrace %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String(), errb.String()
}

// TestStoredControlCharactersAreEscaped: rows that an older release
// stored with control characters (entry validation refuses them now) are
// shown escaped by every human-readable listing, never rejected; JSON
// keeps them exact.
func TestStoredControlCharactersAreEscaped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	memo := filepath.Join(dir, "memo.txt")
	if err := os.WriteFile(memo, []byte("The committee reviewed the staff projection and agreed that the outlook had changed little.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli(t, home, "init")
	cli(t, home, "doc", "add", memo)
	cli(t, home, "recipient", "add", "r1")

	// What an older release let in.
	const evil = "eve\x1b[31m\nforged: line\u202e"
	db, err := sql.Open("sqlite", "file:"+filepath.Join(home, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE documents SET title = ?`, `UPDATE recipients SET name = ?`} {
		if _, err := db.ExecContext(ctx, q, evil); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	key, err := os.ReadFile(filepath.Join(home, service.LogKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := custody.NewSigner(string(key))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(home, service.DBFile), signer)
	if err != nil {
		t.Fatal(err)
	}
	e := &custody.Entry{V: custody.Version, Kind: custody.KindTrace, Time: custody.FormatTime(time.Now()), Actor: evil,
		LeakSHA256: leaktrace.Hash([]byte("leak")), Result: json.RawMessage(`{}`)}
	data, err := custody.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.AppendLog(ctx, []leaktrace.LogRecord{{Kind: e.Kind, Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	for _, args := range [][]string{{"doc", "list"}, {"doc", "show", "memo"}, {"recipient", "list"}, {"log", "show", itoa(n)}} {
		out, _ := cli(t, home, args...)
		if strings.ContainsAny(out, "\x1b\u202e") || strings.Contains(out, "\nforged") {
			t.Errorf("leaktrace %s prints the stored control characters:\n%s", strings.Join(args, " "), out)
		}
		if !strings.Contains(out, `"eve\x1b[31m\nforged: line\u202e"`) {
			t.Errorf("leaktrace %s does not show the stored value escaped:\n%s", strings.Join(args, " "), out)
		}
	}
	// A store tampered with afterwards: verify's problems and the error
	// quote the forged row, escaped.
	db, err = sql.Open("sqlite", "file:"+filepath.Join(home, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER log_entries_append_only_u`, `UPDATE log_entries SET kind = 'trace` + "\x1b[2J" + `' WHERE idx = ` + itoa(n)} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	var vout, verr bytes.Buffer
	if code := run(ctx, []string{"--home", home, "log", "verify"}, strings.NewReader(""), &vout, &verr); code == 0 {
		t.Fatalf("log verify passes a tampered log:\n%s", vout.String())
	}
	if !strings.Contains(vout.String(), `\x1b[2J`) || strings.Contains(vout.String()+verr.String(), "\x1b") {
		t.Errorf("log verify shows the tampered row unescaped or not at all:\n%s%s", vout.String(), verr.String())
	}

	out, _ := cli(t, home, "recipient", "list", "--json")
	var rs []recipientJSON
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 1 || rs[0].Name != evil {
		t.Errorf("recipient list --json: %v, %+v; want the name exact", err, rs)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
