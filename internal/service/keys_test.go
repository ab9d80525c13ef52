package service_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
	_ "modernc.org/sqlite"
)

// sampleMemo is the memo shipped with the CLI: real text that is always
// in the repository.
const sampleMemo = "../../cmd/leaktrace/sample/memo.txt"

// keyHome makes a home with the sample memo and readers r1 and r2, and
// issues r1's copy if issue is set. It returns the home's directory and
// r1's copy, closed.
func keyHome(t *testing.T, issue bool) (string, []byte) {
	t.Helper()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	defer s.Close()
	memo, err := os.ReadFile(sampleMemo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDocument(ctx, "memo.txt", memo, "memo", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}, {ID: "r2"}}); err != nil {
		t.Fatal(err)
	}
	if !issue {
		return dir, nil
	}
	return dir, issueCopy(t, s, "r1")
}

func open(t *testing.T, dir string) *service.Service {
	t.Helper()
	s, err := service.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func issueCopy(t *testing.T, s *service.Service, r string) []byte {
	t.Helper()
	m, _, err := s.Marker(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Issue(t.Context(), m, []string{r})
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Data
}

// flipDigit changes one hex digit of a home's marking.key.
func flipDigit(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, service.KeyFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b[10] == '0' {
		b[10] = '1'
	} else {
		b[10] = '0'
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// checkRefused checks that every use of the marking key fails with want,
// and that reading the home still works.
func checkRefused(t *testing.T, dir string, want error) {
	t.Helper()
	ctx := t.Context()
	s := open(t, dir)
	defer s.Close()
	if _, _, err := s.Marker(ctx, "memo"); !errors.Is(err, want) {
		t.Errorf("Marker: %v, want %v", err, want)
	}
	memo, _ := os.ReadFile(sampleMemo)
	if _, err := s.AddDocument(ctx, "memo2.txt", memo, "memo2", ""); !errors.Is(err, want) {
		t.Errorf("AddDocument: %v, want %v", err, want)
	}
	if err := s.Need(ctx, service.OpTrace); !errors.Is(err, want) {
		t.Errorf("Need(OpTrace): %v, want %v", err, want)
	}
	if err := s.CheckKeys(ctx); !errors.Is(err, want) {
		t.Errorf("CheckKeys: %v, want %v", err, want)
	}
	if ds, err := s.Store.Documents(ctx); err != nil || len(ds) != 1 {
		t.Errorf("Documents with a wrong key: %d, %v; want the memo alone", len(ds), err)
	}
}

// TestWrongMarkingKeyIsRefused: a marking.key with one digit changed, or
// another home's, is refused by everything that uses it, and the right
// key still issues the same copy.
func TestWrongMarkingKeyIsRefused(t *testing.T) {
	dir, r1 := keyHome(t, true)
	orig, err := os.ReadFile(filepath.Join(dir, service.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("flipped digit", func(t *testing.T) {
		flipDigit(t, dir)
		checkRefused(t, dir, service.ErrWrongMarkingKey)
	})
	t.Run("another home's key", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other")
		if err := service.Init(t.Context(), other, service.InitOptions{}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(other, service.KeyFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, service.KeyFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		checkRefused(t, dir, service.ErrWrongMarkingKey)
	})
	if err := os.WriteFile(filepath.Join(dir, service.KeyFile), orig, 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	defer s.Close()
	if err := s.CheckKeys(t.Context()); err != nil {
		t.Fatalf("CheckKeys with the home's key: %v", err)
	}
	if got := issueCopy(t, s, "r1"); string(got) != string(r1) {
		t.Fatal("the restored key issues a different copy")
	}
}

// makeLegacy turns a home into one made by release b4ba44e, the last
// before check values: its schema had four migrations, without the meta
// table and the documents' catalogue columns. It then upgrades the
// schema; the memo, registered by this release, keeps its catalogue.
func makeLegacy(t *testing.T, dir string) {
	t.Helper()
	ctx := t.Context()
	db, err := sql.Open("sqlite", filepath.Join(dir, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP INDEX documents_by_folded_id`, `DROP INDEX documents_by_sha256`, `DROP TABLE watch_alerts`, `DROP TABLE watch_content`, `DROP TABLE watch_items`, `DROP TABLE meta`, `DROP TABLE pdf_copies`, `ALTER TABLE documents DROP COLUMN catalogue`,
		`ALTER TABLE documents DROP COLUMN verbatim`, `ALTER TABLE documents DROP COLUMN variants`,
		`ALTER TABLE documents DROP COLUMN variants_sha256`, `ALTER TABLE documents DROP COLUMN baseline`,
		`ALTER TABLE documents DROP COLUMN reencode`, `DROP TABLE grants`, `DROP TABLE tokens`, `DROP TABLE passwords`,
		`ALTER TABLE documents DROP COLUMN marking`, `ALTER TABLE recipients DROP COLUMN clearance`,
		`ALTER TABLE recipients DROP COLUMN compartments`, `ALTER TABLE recipients DROP COLUMN citizenship`,
		`ALTER TABLE recipients DROP COLUMN roles`, `ALTER TABLE recipients DROP COLUMN disabled`, `PRAGMA user_version = 4`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// Bring the schema up to date and give the memo back the catalogue
	// it was registered under: only the check value is legacy here.
	st, err := store.Open(ctx, filepath.Join(dir, service.DBFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := db.ExecContext(ctx, `UPDATE documents SET catalogue = ?`, lexicon.Latest); err != nil {
		t.Fatal(err)
	}
}

// storedCheck returns the home's stored check value, if any.
func storedCheck(t *testing.T, dir string) (string, bool) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(dir, service.DBFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, ok, err := st.Meta(t.Context(), store.MetaMarkingKeyCheck)
	if err != nil {
		t.Fatal(err)
	}
	return v, ok
}

// TestLegacyHomeKeyIsVouchedForByACopy: in a home made before check
// values, a wrong key fails to derive an issued copy again and is
// refused; the home's key derives it, and its check value is recorded.
func TestLegacyHomeKeyIsVouchedForByACopy(t *testing.T) {
	dir, r1 := keyHome(t, true)
	makeLegacy(t, dir)
	orig, _ := os.ReadFile(filepath.Join(dir, service.KeyFile))
	flipDigit(t, dir)
	checkRefused(t, dir, service.ErrWrongMarkingKey)
	if _, ok := storedCheck(t, dir); ok {
		t.Fatal("a wrong key's check value was recorded")
	}
	if err := os.WriteFile(filepath.Join(dir, service.KeyFile), orig, 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	// A health check vouches for the key but records nothing.
	if err := s.CheckKeys(t.Context()); err != nil {
		t.Fatalf("CheckKeys with the home's key: %v", err)
	}
	if _, ok := storedCheck(t, dir); ok {
		t.Fatal("CheckKeys recorded the check value")
	}
	if got := issueCopy(t, s, "r1"); string(got) != string(r1) {
		t.Fatal("the home's key issues a different copy")
	}
	s.Close()
	if _, ok := storedCheck(t, dir); !ok {
		t.Fatal("the check value was not recorded on first use")
	}
	// From now on the check value decides, even with no copy to derive.
	flipDigit(t, dir)
	checkRefused(t, dir, service.ErrWrongMarkingKey)
}

// TestLegacyHomeWithoutCopiesRecordsOnFirstUse: with no copy to derive,
// the key in use is taken, and any other key is refused after.
func TestLegacyHomeWithoutCopiesRecordsOnFirstUse(t *testing.T) {
	dir, _ := keyHome(t, false)
	makeLegacy(t, dir)
	s := open(t, dir)
	issueCopy(t, s, "r2")
	s.Close()
	v, ok := storedCheck(t, dir)
	if !ok || len(v) != 64 {
		t.Fatalf("check value %q (%v), want 64 hex digits", v, ok)
	}
	flipDigit(t, dir)
	checkRefused(t, dir, service.ErrWrongMarkingKey)
}

// TestCheckValueIsNotTheKey: the stored check value is neither the key
// nor anything the key file contains.
func TestCheckValueIsNotTheKey(t *testing.T) {
	dir, _ := keyHome(t, false)
	v, ok := storedCheck(t, dir)
	key, _ := os.ReadFile(filepath.Join(dir, service.KeyFile))
	if !ok || strings.Contains(string(key), v) || strings.Contains(v, strings.TrimSpace(string(key))[:16]) {
		t.Fatalf("check value %q (%v) reveals the key", v, ok)
	}
}

// TestReadOnlyWithoutKeys: a home without its secret keys lists, shows,
// proves and verifies; what needs a key says which and why.
func TestReadOnlyWithoutKeys(t *testing.T) {
	dir, _ := keyHome(t, true)
	ctx := t.Context()
	for _, f := range []string{service.KeyFile, service.LogKeyFile} {
		if err := os.Rename(filepath.Join(dir, f), filepath.Join(dir, f+".away")); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dir)
	defer s.Close()
	if ds, err := s.Store.Documents(ctx); err != nil || len(ds) != 1 {
		t.Fatalf("Documents: %v %v", ds, err)
	}
	if rs, err := s.Store.Recipients(ctx); err != nil || len(rs) != 2 {
		t.Fatalf("Recipients: %v %v", rs, err)
	}
	if _, _, err := s.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	if _, _, err := s.Entry(ctx, 0); err != nil {
		t.Fatalf("Entry: %v", err)
	}
	if _, err := s.CopyRecord(ctx, "memo", "r1"); err != nil {
		t.Fatalf("CopyRecord: %v", err)
	}
	rep, err := s.VerifyLog(ctx, nil)
	if err != nil || !rep.OK {
		t.Fatalf("VerifyLog: %+v %v", rep, err)
	}
	if err := s.CheckKeys(ctx); err != nil {
		t.Fatalf("CheckKeys of a home without keys: %v", err)
	}

	for _, c := range []struct {
		name string
		err  error
		want error
		says []string
	}{
		{"Marker", second(s.Marker(ctx, "memo")), service.ErrNoMarkingKey, []string{"issuing a copy needs marking.key", "derived from it"}},
		{"Need(OpTrace)", s.Need(ctx, service.OpTrace), service.ErrNoMarkingKey, []string{"tracing a leak needs marking.key"}},
		{"AddRecipients", s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r3"}}), service.ErrNoLogKey, []string{"registering readers needs log.key", "custody log"}},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
			continue
		}
		for _, w := range c.says {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: %q does not say %q", c.name, c.err, w)
			}
		}
	}

	// With marking.key back, tracing still needs log.key: it is logged.
	if err := os.Rename(filepath.Join(dir, service.KeyFile+".away"), filepath.Join(dir, service.KeyFile)); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, dir)
	defer s2.Close()
	err = s2.Need(ctx, service.OpTrace)
	if !errors.Is(err, service.ErrNoLogKey) || !strings.Contains(err.Error(), "every trace is recorded in the custody log") {
		t.Fatalf("Need(OpTrace) without log.key: %v", err)
	}
	if _, err := s2.LogTrace(ctx, strings.Repeat("0", 64), []byte(`{}`)); !errors.Is(err, service.ErrNoLogKey) {
		t.Fatalf("LogTrace without log.key: %v", err)
	}
	m, _, err := s2.Marker(ctx, "memo")
	if err != nil {
		t.Fatalf("Marker with marking.key: %v", err)
	}
	if _, err := s2.Issue(ctx, m, []string{"r2"}); !errors.Is(err, service.ErrNoLogKey) {
		t.Fatalf("Issue without log.key: %v", err)
	}
	if cs, _ := s2.Store.Copies(ctx, "memo"); len(cs) != 1 {
		t.Fatalf("%d copies after refused issues, want 1", len(cs))
	}
}

func second[T, U any](_ T, _ U, err error) error { return err }

// TestKeyFileModes: a key others can read gets a warning; one others can
// write is not used.
func TestKeyFileModes(t *testing.T) {
	dir, _ := keyHome(t, false)
	ctx := t.Context()
	mk, lk := filepath.Join(dir, service.KeyFile), filepath.Join(dir, service.LogKeyFile)
	chmod := func(path string, mode os.FileMode) {
		t.Helper()
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}

	chmod(mk, 0o644)
	chmod(lk, 0o640)
	s := open(t, dir)
	w := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{"marking.key is readable by others (mode 0644); run chmod 600 " + mk,
		"log.key is readable by its group (mode 0640); run chmod 600 " + lk} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q lack %q", w, want)
		}
	}
	issueCopy(t, s, "r1") // readable keys still work
	s.Close()

	chmod(mk, 0o620)
	chmod(lk, 0o600)
	s = open(t, dir)
	if len(s.Warnings()) != 0 {
		t.Errorf("warnings with mode 0600/0620: %q", s.Warnings())
	}
	var km *service.KeyModeError
	_, _, err := s.Marker(ctx, "memo")
	if !errors.Is(err, service.ErrKeyWritable) || !errors.As(err, &km) || km.Path != mk || km.Mode != 0o620 {
		t.Errorf("Marker with a group-writable marking.key: %v", err)
	}
	if err := s.CheckKeys(ctx); !errors.Is(err, service.ErrKeyWritable) {
		t.Errorf("CheckKeys with a group-writable marking.key: %v", err)
	}
	s.Close()

	chmod(mk, 0o600)
	chmod(lk, 0o602)
	s = open(t, dir)
	defer s.Close()
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r3"}}); !errors.Is(err, service.ErrKeyWritable) || !strings.Contains(err.Error(), "writable by others (mode 0602)") {
		t.Errorf("AddRecipients with a world-writable log.key: %v", err)
	}
	if _, err := s.Store.Documents(ctx); err != nil {
		t.Errorf("Documents with a world-writable log.key: %v", err)
	}
}

// TestMissingLogPub: a home whose log has entries but whose log.pub is
// gone is told so, not that it predates the log.
func TestMissingLogPub(t *testing.T) {
	dir, _ := keyHome(t, false)
	if err := os.Remove(filepath.Join(dir, service.LogPubFile)); err != nil {
		t.Fatal(err)
	}
	_, err := service.Open(context.Background(), dir)
	if !errors.Is(err, service.ErrNoLogPub) || errors.Is(err, service.ErrNoLog) {
		t.Fatalf("Open without log.pub: %v, want ErrNoLogPub", err)
	}
}

// A marking.key that is not the home's own is a problem of the log
// verification report itself: the report is not ok, lists it, and its
// error is the key's, not tampering.
func TestVerifyLogReportsWrongMarkingKey(t *testing.T) {
	dir, _ := keyHome(t, true)
	flipDigit(t, dir)
	s := open(t, dir)
	defer s.Close()
	rep, err := s.VerifyLog(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "marking.key does not belong to this home") {
		t.Errorf("report ok %v, problems %q; want not ok, the key named", rep.OK, rep.Problems)
	}
	if err := rep.Err(); !errors.Is(err, service.ErrWrongMarkingKey) || errors.Is(err, service.ErrTampered) {
		t.Errorf("report error %v, want ErrWrongMarkingKey alone", err)
	}
}
