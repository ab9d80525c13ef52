package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
)

// testSigner signs checkpoints with a fresh key.
func testSigner(t testing.TB) *custody.Signer {
	skey, _, err := custody.GenerateKey("example.org/test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := custody.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rec is a log record whose data merely names it: the store does not
// interpret entries.
func rec(kind, doc, recipient string) leaktrace.LogRecord {
	return leaktrace.LogRecord{Kind: kind, Document: doc, Recipient: recipient, Data: []byte(kind + "/" + doc + "/" + recipient)}
}

func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leaktrace.db")
	s, err := Create(t.Context(), path, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestCreateRefusesExisting(t *testing.T) {
	_, path := newStore(t)
	if _, err := Create(t.Context(), path, nil); err == nil {
		t.Fatal("Create overwrote an existing store")
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "none.db"), nil); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Open of a missing store: %v, want ErrNoStore", err)
	}
}

func TestMigrationsAreVersioned(t *testing.T) {
	s, path := newStore(t)
	v, err := s.SchemaVersion(t.Context())
	if err != nil || v != len(migrations) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(migrations))
	}
	s.Close()
	// Reopening an up-to-date store runs nothing and keeps the data.
	s2, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, _ := s2.SchemaVersion(t.Context()); v != len(migrations) {
		t.Fatalf("reopened at version %d", v)
	}
	// A store from a newer leaktrace is refused, not silently used.
	if _, err := s2.db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, err := Open(t.Context(), path, nil); err == nil {
		t.Fatal("opened a store with a newer schema")
	}
}

func TestDocumentsRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	d := &leaktrace.Document{ID: "memo", Title: "Memo", Filename: "memo.txt", Format: "txt",
		Content: []byte("text"), SHA256: "ab", Words: 1,
		Marks:  leaktrace.Marks{Total: 3, ByChannel: map[string]int{"typographic": 2, "lexical": 1}},
		Scheme: 1, AddedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	if err := s.AddDocument(ctx, d, rec("document", "memo", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDocument(ctx, d, rec("document", "memo", "")); !errors.Is(err, leaktrace.ErrExists) {
		t.Fatalf("duplicate document: %v, want ErrExists", err)
	}
	got, err := s.Document(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Content) != "text" || got.Marks.ByChannel["lexical"] != 1 || !got.AddedAt.Equal(d.AddedAt) {
		t.Fatalf("round trip: %+v", got)
	}
	if _, err := s.Document(ctx, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("missing document: %v", err)
	}
	list, err := s.Documents(ctx)
	if err != nil || len(list) != 1 || list[0].Content != nil {
		t.Fatalf("Documents: %v %v", list, err)
	}
	if n, err := s.DocumentCount(ctx); err != nil || n != 1 {
		t.Fatalf("DocumentCount = %d (%v), want 1", n, err)
	}
}

// TestRecipientsAllOrNothing: a batch with one duplicate adds nobody.
func TestRecipientsAllOrNothing(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	now := time.Now()
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1", AddedAt: now}}, []leaktrace.LogRecord{rec("recipient", "", "r1")}); err != nil {
		t.Fatal(err)
	}
	err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r2", AddedAt: now}, {ID: "r3", AddedAt: now}, {ID: "r1", AddedAt: now}},
		[]leaktrace.LogRecord{rec("recipient", "", "r2"), rec("recipient", "", "r3"), rec("recipient", "", "r1")})
	if !errors.Is(err, leaktrace.ErrExists) {
		t.Fatalf("batch with a duplicate: %v", err)
	}
	rs, _ := s.Recipients(ctx)
	if len(rs) != 1 {
		t.Fatalf("after a failed batch: %d recipients, want 1", len(rs))
	}
	if n, _ := s.LogSize(ctx); n != 1 {
		t.Fatalf("after a failed batch: %d log entries, want 1", n)
	}
}

func TestCopiesNeedKnownDocumentAndRecipient(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: "x", Recipient: "y", SHA256: "00", IssuedAt: time.Now()}}, []leaktrace.LogRecord{rec("copy", "x", "y")})
	if err == nil {
		t.Fatal("recorded a copy of an unknown document")
	}
	d := &leaktrace.Document{ID: "d", Content: []byte("x"), Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: time.Now()}
	if err := s.AddDocument(ctx, d, rec("document", "d", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, nil); err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: "d", Recipient: "r", SHA256: "00", IssuedAt: first.Add(time.Duration(i) * time.Hour)}}, []leaktrace.LogRecord{rec("copy", "d", "r")}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := s.Copies(ctx, "d")
	if err != nil || len(cs) != 1 || !cs[0].IssuedAt.Equal(first) {
		t.Fatalf("copies: %+v %v", cs, err)
	}
}

// Open refuses a file that holds no leaktrace store — truncated to 0
// bytes, not a database, or an SQLite database without leaktrace's
// schema — instead of taking it for a new store, and leaves it as it was.
func TestOpenRefusesNonStore(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a database\n"), 300), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// An SQLite database with no tables and no schema version, as a
	// store emptied by hand would be.
	blank := filepath.Join(dir, "blank.db")
	db, err = sql.Open("sqlite", blank)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x); DROP TABLE t"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, path := range []string{empty, garbage, foreign, blank} {
		s, err := Open(t.Context(), path, testSigner(t))
		if !errors.Is(err, ErrNotStore) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(%s): %v, want ErrNotStore", filepath.Base(path), err)
		}
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was changed: %v, %v", fi, err)
	}
}
