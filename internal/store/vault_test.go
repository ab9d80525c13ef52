package store

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
	migrations = migrations[:slices.IndexFunc(migrations, func(m string) bool { return strings.Contains(m, "CREATE TABLE grants") })]
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
	var seen leaktrace.Recipient
	if err := s.UpdateRecipient(ctx, "ann", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
		seen = *r
		r.Name, r.ID = "ignored", "bob"
		r.Clearance, r.Compartments, r.Citizenship, r.Roles, r.Disabled = "S", nil, "USA", nil, true
		return rec("clearance", "", "ann"), nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, in) {
		t.Fatalf("apply was given %+v, want %+v", seen, in)
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
	if err := s.UpdateRecipient(ctx, "nobody", func(*leaktrace.Recipient) (leaktrace.LogRecord, error) {
		t.Error("apply called for an unknown reader")
		return rec("clearance", "", "nobody"), nil
	}); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("UpdateRecipient of an unknown reader: %v, want ErrNotFound", err)
	}
	refused := errors.New("refused")
	if err := s.UpdateRecipient(ctx, "ann", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
		r.Clearance = "TS"
		return leaktrace.LogRecord{}, refused
	}); !errors.Is(err, refused) {
		t.Fatalf("UpdateRecipient whose apply fails: %v", err)
	}
	if logSize(t, s) != n+1 {
		t.Fatal("a failed UpdateRecipient was logged")
	}
	if got, _ := s.Recipient(ctx, "ann"); got.Clearance != "S" {
		t.Fatalf("a failed UpdateRecipient stored clearance %q", got.Clearance)
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
	if err := s.SetMarking(ctx, "d1", "TOP SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Documents(ctx)
	if err != nil || ds[0].ID != "d1" || ds[0].Marking != "TOP SECRET//SI" || ds[1].Marking != "" {
		t.Fatalf("Documents after SetMarking: %+v, %v", ds, err)
	}
	n := logSize(t, s)
	if err := s.SetMarking(ctx, "nope", "SECRET", nil, rec("marking", "nope", "")); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("SetMarking of an unknown document: %v", err)
	}
	if logSize(t, s) != n {
		t.Fatal("a failed SetMarking was logged")
	}
	// A guarded change commits only over the marking it was decided on.
	was := "SECRET"
	if err := s.SetMarking(ctx, "d1", "CONFIDENTIAL", &was, rec("marking", "d1", "")); !errors.Is(err, leaktrace.ErrChanged) {
		t.Fatalf("SetMarking from %q over %q: %v, want ErrChanged", was, "TOP SECRET//SI", err)
	}
	if got, _ := s.Document(ctx, "d1"); got.Marking != "TOP SECRET//SI" || logSize(t, s) != n {
		t.Fatalf("a refused guarded SetMarking changed the marking to %q or was logged", got.Marking)
	}
	was = "TOP SECRET//SI"
	if err := s.SetMarking(ctx, "d1", "CONFIDENTIAL", &was, rec("marking", "d1", "")); err != nil {
		t.Fatalf("SetMarking from the marking it has: %v", err)
	}
	if got, _ := s.Document(ctx, "d1"); got.Marking != "CONFIDENTIAL" || logSize(t, s) != n+1 {
		t.Fatalf("a guarded SetMarking over its own marking: %q", got.Marking)
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

// TestRecordAccessGuard: RecordAccess records the copy and its entry only
// while the guard holds, checked on the rows in its own transaction; any
// difference in the grant, the reader's access fields or state, or the
// document's marking records nothing and is ErrChanged.
func TestRecordAccessGuard(t *testing.T) {
	ctx := t.Context()
	setup := func(t *testing.T) *Store {
		s := vaultStore(t)
		if err := s.SetMarking(ctx, "d1", "SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
			r.Clearance, r.Compartments, r.Citizenship = "TS", []string{"SI", "TK"}, "USA"
			return rec("clearance", "", "a"), nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGrants(ctx, "d1", []string{"a"}, true, []leaktrace.LogRecord{rec("grant", "d1", "a")}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	guard := leaktrace.AccessGuard{Document: "d1", Marking: "SECRET//SI", Recipient: "a", Clearance: "TS", Compartments: []string{"SI", "TK"}, Citizenship: "USA"}
	copyOf := []leaktrace.Copy{{Document: "d1", Recipient: "a", SHA256: "cc", IssuedAt: time.Now()}}
	for _, tc := range []struct {
		name   string
		change func(*testing.T, *Store)
		guard  func(*leaktrace.AccessGuard)
	}{
		{"revoked", func(t *testing.T, s *Store) {
			if err := s.SetGrants(ctx, "d1", []string{"a"}, false, []leaktrace.LogRecord{rec("revoke", "d1", "a")}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"disabled", func(t *testing.T, s *Store) {
			if err := s.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				r.Disabled = true
				return rec("clearance", "", "a"), nil
			}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"marking", func(t *testing.T, s *Store) {
			if err := s.SetMarking(ctx, "d1", "TOP SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"clearance", nil, func(g *leaktrace.AccessGuard) { g.Clearance = "S" }},
		{"compartments", nil, func(g *leaktrace.AccessGuard) { g.Compartments = []string{"SI"} }},
		{"citizenship", nil, func(g *leaktrace.AccessGuard) { g.Citizenship = "GBR" }},
		{"another reader", nil, func(g *leaktrace.AccessGuard) { g.Recipient = "b" }},
		{"unknown document", nil, func(g *leaktrace.AccessGuard) { g.Document = "nope" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := setup(t)
			g := guard
			g.Compartments = slices.Clone(guard.Compartments)
			if tc.change != nil {
				tc.change(t, s)
			}
			if tc.guard != nil {
				tc.guard(&g)
			}
			n := logSize(t, s)
			if _, err := s.RecordAccess(ctx, copyOf, []leaktrace.LogRecord{rec("access", "d1", "a")}, g); !errors.Is(err, leaktrace.ErrChanged) {
				t.Fatalf("RecordAccess: %v, want ErrChanged", err)
			}
			if logSize(t, s) != n {
				t.Fatal("an entry was appended")
			}
			if cs, _ := s.Copies(ctx, "d1"); len(cs) != 0 {
				t.Fatalf("copies recorded: %v", cs)
			}
		})
	}
	s := setup(t)
	n := logSize(t, s)
	first, err := s.RecordAccess(ctx, copyOf, []leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
	if err != nil || first != n || logSize(t, s) != n+1 {
		t.Fatalf("RecordAccess under a guard that holds: first %d, %v; log %d -> %d", first, err, n, logSize(t, s))
	}
	if cs, _ := s.Copies(ctx, "d1"); len(cs) != 1 {
		t.Fatalf("copies: %v", cs)
	}
}
