package store

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
)

// logSize returns the store's log size, failing the test on error.
func logSize(t *testing.T, s *Store) int64 {
	t.Helper()
	n, err := s.LogSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// vaultStore is a store with documents d1, d2 and readers a, b.
func vaultStore(t *testing.T) *Store {
	t.Helper()
	s, _ := newStore(t)
	ctx := t.Context()
	now := time.Now()
	for _, id := range []string{"d1", "d2"} {
		d := &leaktrace.Document{ID: id, Title: id, Filename: id + ".txt", Format: "txt", Content: []byte(id), SHA256: "ab",
			Marks: leaktrace.Marks{ByChannel: map[string]int{}}, Scheme: 1, AddedAt: now}
		if err := s.AddDocument(ctx, d, rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "a", AddedAt: now}, {ID: "b", AddedAt: now}},
		[]leaktrace.LogRecord{rec("recipient", "", "a"), rec("recipient", "", "b")}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestVaultMigration: a store made before the vault's migration gains
// its columns and tables, and its readers and documents read back with
// the defaults (clearance U, reader, enabled; unmarked).
func TestVaultMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leaktrace.db")
	ctx := t.Context()
	old := migrations
	migrations = migrations[:len(migrations)-1]
	s, err := Create(ctx, path, testSigner(t))
	if err != nil {
		migrations = old
		t.Fatal(err)
	}
	now := time.Now()
	_, err = s.db.ExecContext(ctx, `INSERT INTO recipients (id, name, email, added_at) VALUES ('r', 'R', '', ?)`, now.UTC().Format(timeFormat))
	if err == nil {
		_, err = s.db.ExecContext(ctx, `INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
			VALUES ('d', 'D', 'd.txt', 'txt', x'00', 'ab', 1, 0, '{}', 1, ?)`, now.UTC().Format(timeFormat))
	}
	s.Close()
	migrations = old
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Recipient(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if r.Clearance != "U" || r.Compartments != nil || r.Citizenship != "" || r.Roles != nil || r.Disabled || r.Name != "R" {
		t.Fatalf("migrated reader: %+v", r)
	}
	d, err := s.Document(ctx, "d")
	if err != nil || d.Marking != "" {
		t.Fatalf("migrated document: %+v, %v", d, err)
	}
	if err := s.SetGrants(ctx, "d", []string{"r"}, true, []leaktrace.LogRecord{rec("grant", "d", "r")}); err != nil {
		t.Fatal(err)
	}
}

// TestRecipientAccessFields: AddRecipients stores the access fields and
// UpdateRecipient replaces them (and nothing else), logged in the same
// transaction.
func TestRecipientAccessFields(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := leaktrace.Recipient{ID: "ann", Name: "Ann", Email: "ann@example.org", AddedAt: now, Clearance: "TS",
		Compartments: []string{"SI", "TK"}, Citizenship: "GBR", Roles: []string{"auditor", "issuer"}}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{in, {ID: "bob", AddedAt: now}}, []leaktrace.LogRecord{rec("recipient", "", "ann")}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recipient(ctx, "ann")
	if err != nil || !reflect.DeepEqual(*got, in) {
		t.Fatalf("Recipient = %+v, %v; want %+v", got, err, in)
	}
	bob, _ := s.Recipient(ctx, "bob")
	if bob.Clearance != "U" {
		t.Fatalf("a reader added without a clearance has %q, want U", bob.Clearance)
	}
	n := logSize(t, s)
	change := leaktrace.Recipient{ID: "ann", Name: "ignored", Clearance: "S", Citizenship: "USA", Disabled: true}
	if err := s.UpdateRecipient(ctx, change, rec("clearance", "", "ann")); err != nil {
		t.Fatal(err)
	}
	want := in
	want.Clearance, want.Compartments, want.Citizenship, want.Roles, want.Disabled = "S", nil, "USA", nil, true
	rs, err := s.Recipients(ctx)
	if err != nil || len(rs) != 2 || !reflect.DeepEqual(rs[0], want) {
		t.Fatalf("Recipients after update = %+v, %v; want ann %+v", rs, err, want)
	}
	if logSize(t, s) != n+1 {
		t.Fatal("UpdateRecipient logged nothing")
	}
	if err := s.UpdateRecipient(ctx, leaktrace.Recipient{ID: "nobody"}, rec("clearance", "", "nobody")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("UpdateRecipient of an unknown reader: %v, want ErrNotFound", err)
	}
	if logSize(t, s) != n+1 {
		t.Fatal("a failed UpdateRecipient was logged")
	}
}

// TestMarking: a document's marking is stored at registration and by
// SetMarking, which needs a known document.
func TestMarking(t *testing.T) {
	s := vaultStore(t)
	ctx := t.Context()
	d := &leaktrace.Document{ID: "m", Title: "m", Filename: "m.txt", Format: "txt", Content: []byte("m"), SHA256: "ab",
		Marks: leaktrace.Marks{ByChannel: map[string]int{}}, Scheme: 1, AddedAt: time.Now(), Marking: "SECRET//NOFORN"}
	if err := s.AddDocument(ctx, d, rec("document", "m", "")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Document(ctx, "m"); err != nil || got.Marking != "SECRET//NOFORN" {
		t.Fatalf("marking at registration: %q, %v", got.Marking, err)
	}
	if err := s.SetMarking(ctx, "d1", "TOP SECRET//SI", rec("marking", "d1", "")); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Documents(ctx)
	if err != nil || ds[0].ID != "d1" || ds[0].Marking != "TOP SECRET//SI" || ds[1].Marking != "" {
		t.Fatalf("Documents after SetMarking: %+v, %v", ds, err)
	}
	n := logSize(t, s)
	if err := s.SetMarking(ctx, "nope", "SECRET", rec("marking", "nope", "")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("SetMarking of an unknown document: %v", err)
	}
	if logSize(t, s) != n {
		t.Fatal("a failed SetMarking was logged")
	}
}

// TestGrants: grants and revocations are all or none, an unknown reader
// or document is ErrNotFound and changes nothing, granting twice is
// harmless.
func TestGrants(t *testing.T) {
	s := vaultStore(t)
	ctx := t.Context()
	grant := func(doc string, granted bool, rs ...string) error {
		recs := make([]leaktrace.LogRecord, len(rs))
		for i, r := range rs {
			recs[i] = rec("grant", doc, r)
		}
		return s.SetGrants(ctx, doc, rs, granted, recs)
	}
	if err := grant("d1", true, "a", "b"); err != nil {
		t.Fatal(err)
	}
	if err := grant("d1", true, "a"); err != nil {
		t.Fatalf("granting twice: %v", err)
	}
	if err := grant("d2", true, "b"); err != nil {
		t.Fatal(err)
	}
	n := logSize(t, s)
	if err := grant("d2", true, "a", "nobody"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("grant to an unknown reader: %v", err)
	}
	if err := grant("nope", true, "a"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("grant of an unknown document: %v", err)
	}
	if err := grant("d1", false, "a", "nobody"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("revoke from an unknown reader: %v", err)
	}
	if logSize(t, s) != n {
		t.Fatal("failed SetGrants were logged")
	}
	if ok, _ := s.Granted(ctx, "d2", "a"); ok {
		t.Fatal("a failed batch granted a reader")
	}
	if g, err := s.Grants(ctx, "d1"); err != nil || !reflect.DeepEqual(g, []string{"a", "b"}) {
		t.Fatalf("Grants(d1) = %v, %v", g, err)
	}
	if g, err := s.GrantsOf(ctx, "b"); err != nil || !reflect.DeepEqual(g, []string{"d1", "d2"}) {
		t.Fatalf("GrantsOf(b) = %v, %v", g, err)
	}
	if err := grant("d1", false, "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Granted(ctx, "d1", "a"); ok {
		t.Fatal("revoked grant still granted")
	}
	if ok, _ := s.Granted(ctx, "d1", "b"); !ok {
		t.Fatal("revoking a's grant revoked b's")
	}
	if logSize(t, s) != n+1 {
		t.Fatalf("log has %d entries, want %d", logSize(t, s), n+1)
	}
}

// TestTokens: tokens are stored, found by id, listed, revoked once.
func TestTokens(t *testing.T) {
	s := vaultStore(t)
	ctx := t.Context()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := leaktrace.Token{ID: "0123456789abcdef", Recipient: "a", SHA256: "cd", CreatedAt: t0}
	if err := s.AddToken(ctx, tok, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddToken(ctx, tok, rec("credential", "", "a")); !errors.Is(err, leaktrace.ErrExists) {
		t.Fatalf("duplicate token id: %v", err)
	}
	if err := s.AddToken(ctx, leaktrace.Token{ID: "x", Recipient: "nobody", CreatedAt: t0}, rec("credential", "", "nobody")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("token of an unknown reader: %v", err)
	}
	if err := s.AddToken(ctx, leaktrace.Token{ID: "fedcba9876543210", Recipient: "b", SHA256: "ef", CreatedAt: t0}, rec("credential", "", "b")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Token(ctx, tok.ID)
	if err != nil || !reflect.DeepEqual(*got, tok) {
		t.Fatalf("Token = %+v, %v; want %+v", got, err, tok)
	}
	if _, err := s.Token(ctx, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if l, _ := s.Tokens(ctx, "a"); len(l) != 1 || l[0].ID != tok.ID {
		t.Fatalf("Tokens(a) = %+v", l)
	}
	if l, _ := s.Tokens(ctx, ""); len(l) != 2 {
		t.Fatalf("Tokens() = %+v", l)
	}
	t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
	if err := s.RevokeToken(ctx, tok.ID, t1, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID, t2, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Token(ctx, tok.ID); !got.RevokedAt.Equal(t1) {
		t.Fatalf("revoked at %v, want the first revocation %v", got.RevokedAt, t1)
	}
	n := logSize(t, s)
	if err := s.RevokeToken(ctx, "nope", t1, rec("credential", "", "")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("revoking an unknown token: %v", err)
	}
	if logSize(t, s) != n {
		t.Fatal("a failed RevokeToken was logged")
	}
}

// TestPasswords: a password hash is stored and replaced.
func TestPasswords(t *testing.T) {
	s := vaultStore(t)
	ctx := t.Context()
	if _, err := s.Password(ctx, "a"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("no password yet: %v", err)
	}
	for _, h := range []string{"h1", "h2"} {
		if err := s.SetPassword(ctx, "a", h, rec("credential", "", "a")); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Password(ctx, "a"); err != nil || got != h {
			t.Fatalf("Password = %q, %v; want %q", got, err, h)
		}
	}
	if err := s.SetPassword(ctx, "nobody", "h", rec("credential", "", "nobody")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("password of an unknown reader: %v", err)
	}
}
