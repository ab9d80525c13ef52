package service

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite"
)

const memo = `MEMORANDUM

Subject: Staff review of the economic situation

Total nonfarm payroll employment expanded at a solid rate, on average, in
recent months, supported by a brisk gain in June. The unemployment rate edged
up to 3.7 percent in June but was still at a historically low level.
`

// newHome makes a home with one document, three readers and copies
// issued to two of them, and returns it open.
func newHome(t *testing.T) (*Service, string) {
	t.Helper()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	if err := Init(ctx, dir, InitOptions{Origin: "example.org/test", Actor: "tester"}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx = WithActor(ctx, "ann")
	if _, err := s.AddDocument(ctx, "memo.txt", []byte(memo), "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}}); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, m, []string{"r1", "r2"}); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func verifyOK(t *testing.T, s *Service, auditor []byte) *Report {
	t.Helper()
	rep, err := s.VerifyLog(t.Context(), auditor)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Err() != nil {
		t.Fatalf("log does not verify: %v", rep.Problems)
	}
	return rep
}

func TestEveryChangeIsLogged(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	want := []string{"init tester", "document ann memo", "recipient ann r1", "recipient ann r2", "recipient ann r3", "copy ann memo r1", "copy ann memo r2"}
	size, _ := s.Store.LogSize(ctx)
	if size != int64(len(want)) {
		t.Fatalf("log has %d entries, want %d", size, len(want))
	}
	d, _ := s.Store.Document(ctx, "memo")
	copies, _ := s.Store.Copies(ctx, "memo")
	for i, w := range want {
		_, e, err := s.Entry(ctx, int64(i))
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(strings.Fields(strings.Join([]string{e.Kind, e.Actor, e.Document, e.Recipient}, " ")), " ")
		if got != w {
			t.Errorf("entry %d: %s, want %s", i, got, w)
		}
		if e.Kind == custody.KindCopy {
			if e.DocumentSHA256 != d.SHA256 || e.CopySHA256 != copies[i-5].SHA256 {
				t.Errorf("entry %d: hashes %s %s, want %s %s", i, e.DocumentSHA256, e.CopySHA256, d.SHA256, copies[i-5].SHA256)
			}
		}
	}
	_, e, _ := s.Entry(ctx, 0)
	if e.Origin != "example.org/test" || s.Origin() != "example.org/test" {
		t.Fatalf("origin %q / %q", e.Origin, s.Origin())
	}
	if _, _, err := s.Entry(ctx, size); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("entry past the end: %v", err)
	}
	rep := verifyOK(t, s, nil)
	if rep.Size != size || rep.Checkpoints != 4 || rep.Documents != 1 || rep.Recipients != 3 || rep.Copies != 2 {
		t.Fatalf("report %+v", rep)
	}
}

func TestLogTrace(t *testing.T) {
	s, _ := newHome(t)
	ctx := WithActor(t.Context(), "ann")
	leak := leaktrace.Hash([]byte("a leaked paragraph"))
	i, err := s.LogTrace(ctx, leak, []byte(`{"epsilon": 1e-6,
		"matches": [{"document": "memo", "suspects": [{"recipient": "r2", "accused": true}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	data, e, err := s.Entry(ctx, i)
	if err != nil || e.Kind != custody.KindTrace || e.LeakSHA256 != leak || e.Actor != "ann" {
		t.Fatalf("entry %d: %+v, %v", i, e, err)
	}
	if !strings.Contains(string(data), `"result":{"epsilon":1e-6,"matches":[{"document":"memo"`) {
		t.Fatalf("trace entry does not carry the compacted result: %s", data)
	}
	p, err := s.Proof(ctx, i, 0)
	if err != nil || p.TreeSize != i+1 {
		t.Fatalf("proof of the trace entry: %+v, %v", p, err)
	}
	for _, bad := range []struct{ hash, result string }{
		{"abc", `{}`}, {strings.ToUpper(leak), `{}`}, {leak, `{"open"`}, {leak, ``},
	} {
		if _, err := s.LogTrace(ctx, bad.hash, []byte(bad.result)); !errors.Is(err, custody.ErrEntry) {
			t.Errorf("LogTrace(%q, %q) = %v, want ErrEntry", bad.hash, bad.result, err)
		}
	}
	verifyOK(t, s, nil)
}

// TestCopyRecord is what a trace report cites: the copy's first issue
// entry and its proof against the signed checkpoint, checkable with tlog
// and note alone.
func TestCopyRecord(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	m, _, _ := s.Marker(ctx, "memo")
	if _, err := s.Issue(ctx, m, []string{"r2"}); err != nil { // a re-issue
		t.Fatal(err)
	}
	cr, err := s.CopyRecord(ctx, "memo", "r2")
	if err != nil {
		t.Fatal(err)
	}
	if cr.Index != 6 || cr.Entry.Recipient != "r2" || cr.TreeSize != 8 {
		t.Fatalf("copy record: index %d recipient %s tree %d; want the first issue (6) in a tree of 8", cr.Index, cr.Entry.Recipient, cr.TreeSize)
	}
	v, err := note.NewVerifier(s.LogKey())
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open(cr.Checkpoint, note.VerifierList(v))
	if err != nil {
		t.Fatal(err)
	}
	c, err := custody.ParseCheckpoint(n.Text)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckRecord(cr.Proof, c.Size, c.Root, cr.Index, tlog.RecordHash(cr.Data)); err != nil {
		t.Fatalf("the cited proof does not check against the checkpoint: %v", err)
	}
	if _, err := s.CopyRecord(ctx, "memo", "r3"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("copy never issued: %v", err)
	}
}

func TestConsistency(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	c, err := s.Consistency(ctx, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(c.Proof, 7, c.NewRoot, 2, c.OldRoot); err != nil {
		t.Fatal(err)
	}
	for _, ab := range [][2]int64{{0, 3}, {4, 3}, {1, 8}} {
		if _, err := s.Consistency(ctx, ab[0], ab[1]); !errors.Is(err, ErrNoEntry) {
			t.Errorf("Consistency(%d, %d) = %v, want ErrNoEntry", ab[0], ab[1], err)
		}
	}
	if _, err := s.Proof(ctx, 7, 0); !errors.Is(err, ErrNoEntry) {
		t.Errorf("proof of an entry past the checkpoint: %v", err)
	}
	if _, err := s.Proof(ctx, 1, 9); !errors.Is(err, ErrNoEntry) {
		t.Errorf("proof in a tree larger than the log: %v", err)
	}
}

// tamper runs SQL on the home's store from outside leaktrace, as an
// insider with file access would.
func tamper(t *testing.T, dir string, queries ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile)+"?_pragma=foreign_keys(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

const dropTriggers = `DROP TRIGGER log_entries_append_only_u; DROP TRIGGER log_entries_append_only_d;
	DROP TRIGGER log_hashes_append_only_u; DROP TRIGGER log_hashes_append_only_d;
	DROP TRIGGER log_checkpoints_append_only_u; DROP TRIGGER log_checkpoints_append_only_d;`

func TestVerifyCatchesTampering(t *testing.T) {
	for _, tc := range []struct {
		name    string
		queries []string
		want    string
	}{
		{"reader renamed", []string{`UPDATE recipients SET id = 'r9' WHERE id = 'r2'`}, `reader "r9" is in the store but not in the log`},
		{"copy reassigned", []string{`UPDATE copies SET recipient = 'r3' WHERE recipient = 'r2'`}, `copy of "memo" for "r3" is in the store but not in the log`},
		{"copy hash", []string{`UPDATE copies SET sha256 = 'ab' WHERE recipient = 'r1'`}, `copy of "memo" for "r1": store has sha256 ab`},
		{"copy deleted", []string{`DELETE FROM copies WHERE recipient = 'r1'`}, `copy of "memo" for "r1" is in the log but not in the store`},
		{"copy slipped in", []string{`INSERT INTO copies VALUES ('memo', 'r3', 'ab', '2026-01-01T00:00:00Z')`}, `copy of "memo" for "r3" is in the store but not in the log`},
		{"document content", []string{`UPDATE documents SET content = 'other'`}, `document "memo": content hashes to`},
		{"reader backdated", []string{`UPDATE recipients SET added_at = '2020-01-01T00:00:00Z' WHERE id = 'r1'`}, `reader "r1": store says added 2020`},
		{"entry rewritten", []string{dropTriggers, `UPDATE log_entries SET data = replace(data, '"r2"', '"r3"') WHERE idx = 6`}, `stored tree hash`},
		{"entry and hashes rewritten", []string{dropTriggers, `UPDATE log_entries SET data = replace(data, '"r2"', '"r3"'), recipient = 'r3' WHERE idx = 6`,
			`DELETE FROM log_hashes WHERE idx >= 0`}, `signed root`},
		{"lookup column", []string{dropTriggers, `UPDATE log_entries SET recipient = 'r3' WHERE idx = 6`}, `entry 6: lookup columns`},
		{"tail removed", []string{dropTriggers, `DELETE FROM log_entries WHERE idx = 6`}, `checkpoint signed for 7 entries, but the log has only 6`},
		{"checkpoint forged", []string{dropTriggers, `UPDATE log_checkpoints SET note = replace(note, 'example.org/test' || char(10) || '7', 'example.org/test' || char(10) || '8')`}, `checkpoint stored for size 7: checkpoint signature does not verify`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := newHome(t)
			verifyOK(t, s, nil)
			tamper(t, dir, tc.queries...)
			rep, err := s.VerifyLog(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || !errors.Is(rep.Err(), ErrTampered) && !errors.Is(rep.Err(), ErrRolledBack) {
				t.Fatalf("tampering not caught: %+v", rep)
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Fatalf("problems:\n%s\nwant one containing %q", strings.Join(rep.Problems, "\n"), tc.want)
			}
		})
	}
}

// TestVerifyCatchesRollback: a store restored from an older copy verifies
// on its own — it is a consistent older log — but not against a newer
// checkpoint an auditor kept.
func TestVerifyCatchesRollback(t *testing.T) {
	s, dir := newHome(t)
	ctx := t.Context()
	s.Close()
	old, err := os.ReadFile(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := s.Marker(ctx, "memo")
	if _, err := s.Issue(ctx, m, []string{"r3"}); err != nil {
		t.Fatal(err)
	}
	kept, _, err := s.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s, kept)
	s.Close()

	for _, f := range []string{DBFile + "-wal", DBFile + "-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	if err := os.WriteFile(filepath.Join(dir, DBFile), old, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	verifyOK(t, s, nil)
	rep, err := s.VerifyLog(ctx, kept)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(rep.Err(), ErrRolledBack) {
		t.Fatalf("rollback not caught: %v %v", rep.Err(), rep.Problems)
	}

	// A checkpoint signed by another key is refused, not trusted.
	skey, _, _ := custody.GenerateKey("example.org/test")
	other, _ := custody.NewSigner(skey)
	forged, _ := other.SignCheckpoint(3, tlog.Hash{})
	if _, err := s.VerifyLog(ctx, forged); !errors.Is(err, custody.ErrSignature) {
		t.Fatalf("foreign checkpoint: %v", err)
	}
}

// TestHomeWithoutLogKey: a copy of the home without log.key can be read
// and verified, but not changed.
func TestHomeWithoutLogKey(t *testing.T) {
	s, dir := newHome(t)
	s.Close()
	if err := os.Remove(filepath.Join(dir, LogKeyFile)); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	verifyOK(t, ro, nil)
	if err := ro.AddRecipients(t.Context(), []leaktrace.Recipient{{ID: "r4"}}); !errors.Is(err, ErrNoLogKey) {
		t.Fatalf("change without log.key: %v", err)
	}
}

func TestInitKeys(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "home")
	if err := Init(ctx, dir, InitOptions{Origin: "bad origin"}); !errors.Is(err, custody.ErrOrigin) {
		t.Fatalf("bad origin: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed init left %s behind", dir)
	}
	if err := Init(ctx, dir, InitOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, LogKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("log.key: %v %v", st.Mode(), err)
	}
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Origin(), "leaktrace.local/") {
		t.Fatalf("default origin %q", s.Origin())
	}
	s.Close()
	if err := Init(ctx, dir, InitOptions{}); !errors.Is(err, ErrHomeExists) {
		t.Fatalf("second init: %v", err)
	}

	// A log.key that is not log.pub's pair is refused before any change.
	other := filepath.Join(t.TempDir(), "other")
	if err := Init(ctx, other, InitOptions{}); err != nil {
		t.Fatal(err)
	}
	k, _ := os.ReadFile(filepath.Join(other, LogKeyFile))
	os.WriteFile(filepath.Join(dir, LogKeyFile), k, 0o600)
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}}); !errors.Is(err, ErrLogKey) {
		t.Fatalf("change with mismatched keys: %v", err)
	}
	if err := s.CheckKeys(ctx); !errors.Is(err, ErrLogKey) {
		t.Fatalf("CheckKeys with mismatched keys: %v", err)
	}
	s.Close()
	// Without log.pub, a home whose log has entries is told to restore
	// it, not that it predates the log.
	os.Remove(filepath.Join(dir, LogPubFile))
	if _, err := Open(ctx, dir); !errors.Is(err, ErrNoLogPub) {
		t.Fatalf("no log.pub: %v", err)
	}
}
