package service

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/marking"
)

// markingForm is a banner and what it means, written out by hand for the
// reference below.
type markingForm struct {
	banner string
	level  int // 0 U, 1 C, 2 S, 3 TS; -1 unmarked
	sci    []string
	noforn bool
	relTo  []string
}

var markingForms = []markingForm{
	{"", -1, nil, false, nil},
	{"UNCLASSIFIED", 0, nil, false, nil},
	{"CONFIDENTIAL", 1, nil, false, nil},
	{"SECRET", 2, nil, false, nil},
	{"TOP SECRET", 3, nil, false, nil},
	{"TOP SECRET//SI", 3, []string{"SI"}, false, nil},
	{"TOP SECRET//SI/TK//NOFORN", 3, []string{"SI", "TK"}, true, nil},
	{"SECRET//NOFORN", 2, nil, true, nil},
	{"SECRET//REL TO USA, GBR", 2, nil, false, []string{"USA", "GBR"}},
	{"CONFIDENTIAL//REL TO USA, FRA", 1, nil, false, []string{"USA", "FRA"}},
	{"S//TK//REL TO USA, GBR", 2, []string{"TK"}, false, []string{"USA", "GBR"}},
}

// reader is one combination of the matrix's reader fields.
type reader struct {
	id           string
	level        int
	compartments []string
	citizenship  string
	granted      bool
	disabled     bool
}

// referenceAccess is the vault's rule book written plainly: what
// Authorize must answer for a reader and a document.
func referenceAccess(r reader, m markingForm) string {
	if r.disabled {
		return "unauthenticated"
	}
	if m.level < 0 {
		return "unmarked"
	}
	if r.level < m.level {
		return "clearance"
	}
	for _, c := range m.sci {
		found := false
		for _, have := range r.compartments {
			if have == c {
				found = true
			}
		}
		if !found {
			return "compartments"
		}
	}
	if m.noforn && r.citizenship != "USA" {
		return "noforn"
	}
	if m.relTo != nil {
		listed := false
		for _, c := range m.relTo {
			if c == r.citizenship {
				listed = true
			}
		}
		if !listed {
			return "rel-to"
		}
	}
	if !r.granted {
		return "grant"
	}
	return "ok"
}

// outcome names Authorize's answer as referenceAccess does.
func outcome(t *testing.T, d *leaktrace.Document, err error) string {
	t.Helper()
	var dn *DeniedError
	switch {
	case err == nil && d != nil:
		return "ok"
	case errors.Is(err, ErrUnauthenticated):
		return "unauthenticated"
	case errors.As(err, &dn) && errors.Is(err, ErrForbidden):
		return dn.Reason
	}
	t.Fatalf("Authorize: %v", err)
	return ""
}

// TestAccessMatrix: every reader clearance × compartments × citizenship
// × granted or not × disabled or not, against every marking form
// (unmarked included): Authorize and Readable answer as the reference.
func TestAccessMatrix(t *testing.T) {
	s, _ := newHome(t)
	ctx := WithActor(t.Context(), "ann")
	levels := []string{"U", "C", "S", "TS"}
	var readers []reader
	var rs []leaktrace.Recipient
	for l := range levels {
		for _, comps := range [][]string{nil, {"SI"}, {"SI", "TK"}, {"TK"}} {
			for _, cit := range []string{"", "USA", "GBR", "FRA"} {
				for _, granted := range []bool{false, true} {
					for _, disabled := range []bool{false, true} {
						r := reader{fmt.Sprintf("m%d", len(readers)), l, comps, cit, granted, disabled}
						readers = append(readers, r)
						rs = append(rs, leaktrace.Recipient{ID: r.id, Clearance: levels[l], Compartments: comps, Citizenship: cit})
					}
				}
			}
		}
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		t.Fatal(err)
	}
	var granted []string
	for _, r := range readers {
		if r.granted {
			granted = append(granted, r.id)
		}
		if r.disabled {
			disabled := true
			if _, err := s.UpdateRecipient(ctx, r.id, AccessChange{Disabled: &disabled}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Grant(ctx, "memo", granted); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, m := range markingForms {
		if m.banner != "" {
			if _, err := s.SetMarking(ctx, "memo", m.banner); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range readers {
			p := &Principal{Recipient: leaktrace.Recipient{ID: r.id}, Via: "token"}
			d, err := s.Authorize(ctx, p, "memo")
			got, want := outcome(t, d, err), referenceAccess(r, m)
			counts[want]++
			if got != want {
				t.Errorf("reader %+v, marking %q: Authorize says %s, the rules %s", r, m.banner, got, want)
			}
			list, err := s.Readable(ctx, p)
			switch {
			case r.disabled && !errors.Is(err, ErrUnauthenticated):
				t.Errorf("Readable of disabled reader %s: %v", r.id, err)
			case r.disabled:
			case err != nil:
				t.Fatal(err)
			case (len(list) == 1 && list[0].ID == "memo") != (want == "ok"):
				t.Errorf("reader %+v, marking %q: Readable lists %d documents, the rules say %s", r, m.banner, len(list), want)
			}
		}
	}
	// Every rule decided some case.
	for _, want := range []string{"ok", "unauthenticated", "unmarked", "clearance", "compartments", "noforn", "rel-to", "grant"} {
		if counts[want] == 0 {
			t.Errorf("no case of %s", want)
		}
	}
	if _, err := s.Authorize(ctx, &Principal{Recipient: leaktrace.Recipient{ID: "m0"}}, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Authorize of an unknown document: %v, want ErrNotFound", err)
	}
	verifyOK(t, s, nil)
}

// vaultHome is newHome with the memo marked SECRET and r1 cleared for
// it and granted it.
func vaultHome(t *testing.T) *Service {
	t.Helper()
	s, _ := newHome(t)
	ctx := WithActor(t.Context(), "ann")
	secret := "S"
	if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Clearance: &secret}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetMarking(ctx, "memo", "secret"); err != nil {
		t.Fatal(err)
	}
	if err := s.Grant(ctx, "memo", []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	return s
}

func principal(t *testing.T, s *Service, id string) *Principal {
	t.Helper()
	p, err := s.PrincipalOf(t.Context(), id, "token")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDeliver: a delivery is the reader's own copy, byte-identical to
// what issue gives, and its access entry, naming the copy's hash, is in
// the log when Deliver returns; the log still verifies.
func TestDeliver(t *testing.T) {
	s := vaultHome(t)
	ctx := t.Context()
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"", leaktrace.FormatPDF} {
		for _, action := range []string{"download", "view"} {
			d, err := s.Deliver(ctx, principal(t, s, "r1"), "memo", DeliverOptions{Action: action, Format: format})
			if err != nil {
				t.Fatal(err)
			}
			_, e, err := s.Entry(ctx, d.LogEntry)
			if err != nil {
				t.Fatal(err)
			}
			if e.Kind != custody.KindAccess || e.Action != action || e.Recipient != "r1" || e.Actor != "r1" || e.Document != "memo" ||
				e.CopySHA256 != leaktrace.Hash(d.Data) || d.SHA256 != e.CopySHA256 || e.Format != format {
				t.Fatalf("access entry %d for a %s (%q) of %d bytes: %+v", d.LogEntry, action, format, len(d.Data), e)
			}
			issued, err := s.IssueWith(ctx, m, []string{"r1"}, IssueOptions{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if string(issued[0].Data) != string(d.Data) {
				t.Fatalf("delivered %q copy differs from the issued one", format)
			}
			wantType := map[string]string{"": "text/plain; charset=utf-8", "pdf": "application/pdf"}[format]
			wantName := map[string]string{"": "memo-r1.txt", "pdf": "memo-r1.pdf"}[format]
			if d.ContentType != wantType || d.Filename != wantName || d.Document.Content != nil {
				t.Fatalf("delivery: %s, %s, content %d bytes", d.ContentType, d.Filename, len(d.Document.Content))
			}
		}
	}
	// Copies delivered and issued are one copy to verify: its row, and
	// four issue entries, two of them access entries.
	verifyOK(t, s, nil)
	if _, err := s.Deliver(ctx, principal(t, s, "r1"), "memo", DeliverOptions{Action: "print"}); err == nil {
		t.Fatal("Deliver took an unknown action")
	}
}

// TestDeliverDenied: a refusal is logged (a denied entry naming the
// caller and the rule) and tells the caller only that access was denied;
// an unknown document is ErrNotFound; a revocation or a disabled reader
// takes effect at the next call.
func TestDeliverDenied(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	size := func() int64 {
		n, err := s.Store.LogSize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := size()
	_, err := s.Deliver(ctx, principal(t, s, "r2"), "memo", DeliverOptions{Action: "download"})
	var dn *DeniedError
	if !errors.As(err, &dn) || !errors.Is(err, ErrForbidden) || dn.Reason != "clearance" {
		t.Fatalf("r2 (cleared U) reading a SECRET memo: %v", err)
	}
	if size() != n+1 {
		t.Fatal("the denial was not logged")
	}
	_, e, err := s.Entry(ctx, n)
	if err != nil || e.Kind != custody.KindDenied || e.Recipient != "r2" || e.Actor != "r2" || e.Reason != "clearance" || e.Action != "download" || e.Document != "memo" {
		t.Fatalf("denied entry: %+v, %v", e, err)
	}
	if _, err := s.Deliver(ctx, principal(t, s, "r2"), "nope", DeliverOptions{Action: "view"}); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("an unknown document: %v", err)
	}

	p := principal(t, s, "r1")
	if _, err := s.Deliver(ctx, p, "memo", DeliverOptions{Action: "view"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, "memo", []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliver(ctx, p, "memo", DeliverOptions{Action: "view"}); !errors.As(err, &dn) || dn.Reason != "grant" {
		t.Fatalf("after the grant was revoked: %v", err)
	}
	if err := s.Grant(ctx, "memo", []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliver(ctx, p, "memo", DeliverOptions{Action: "view"}); err != nil {
		t.Fatalf("granted again: %v", err)
	}
	disabled := true
	if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	// p was read before the reader was disabled: the decision reads the
	// store afresh.
	if _, err := s.Deliver(ctx, p, "memo", DeliverOptions{Action: "view"}); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a disabled reader: %v", err)
	}
	if _, err := s.PrincipalOf(ctx, "r1", "password"); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("PrincipalOf a disabled reader: %v", err)
	}
	if err := s.LogDenied(ctx, principal(t, s, "r2"), "trace", "", "role", "needs investigator"); !errors.As(err, &dn) || dn.Reason != "role" {
		t.Fatalf("LogDenied: %v", err)
	}
	verifyOK(t, s, nil)
}

// TestTokens: a token authenticates its reader until it is revoked or
// they are disabled; a wrong, malformed or unknown one never does. Only
// its hash is stored, and its creation and revocation are logged.
func TestTokens(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	secret, tok, err := s.CreateToken(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if !tokenPattern.MatchString(secret) || !strings.HasPrefix(secret, "lt_"+tok.ID+"_") || len(tok.ID) != 16 {
		t.Fatalf("token %q, id %q", secret, tok.ID)
	}
	stored, err := s.Store.Token(ctx, tok.ID)
	if err != nil || stored.SHA256 != leaktrace.Hash([]byte(secret)) || stored.Recipient != "r1" {
		t.Fatalf("stored token: %+v, %v", stored, err)
	}
	p, err := s.Authenticate(ctx, secret)
	if err != nil || p.ID != "r1" || p.Via != "token" || p.Clearance != "S" {
		t.Fatalf("Authenticate: %+v, %v", p, err)
	}
	other, _, err := s.CreateToken(ctx, "r2")
	if err != nil {
		t.Fatal(err)
	}
	last := secret[len(secret)-1]
	flipped := secret[:len(secret)-1] + map[bool]string{true: "B", false: "A"}[last == 'A']
	for _, bad := range []string{"", "lt_", secret + "x", flipped, strings.ToUpper(secret),
		"lt_0123456789abcdef_" + secret[len("lt_0123456789abcdef_"):], // an unknown id with a real secret
		"lt_" + tok.ID + other[len("lt_0123456789abcdef"):],           // r1's id with r2's secret
	} {
		if _, err := s.Authenticate(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Authenticate(%q): %v, want ErrUnauthenticated", bad, err)
		}
	}
	disabled, enabled := true, false
	if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a disabled reader's token: %v", err)
	}
	if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Disabled: &enabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a revoked token: %v", err)
	}
	if err := s.RevokeToken(ctx, "0123456789abcdef"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("revoking an unknown token: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, "nobody"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("a token for an unknown reader: %v", err)
	}
	idx, err := s.Store.FindLogEntries(ctx, custody.KindCredential, "", "r1")
	if err != nil || len(idx) != 2 {
		t.Fatalf("r1's credential entries: %v, %v", idx, err)
	}
	for i, action := range []string{"token-create", "token-revoke"} {
		data, e, err := s.Entry(ctx, idx[i])
		if err != nil || e.Action != action || e.Token != tok.ID || strings.Contains(string(data), secret[20:]) {
			t.Fatalf("credential entry %d: %s, %v", idx[i], data, err)
		}
	}
	verifyOK(t, s, nil)
}

// TestPasswords: a password is hashed with argon2id and checked by
// SignIn; a wrong password, an unknown reader, one without a password
// and a disabled one all get the same error.
func TestPasswords(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	for _, bad := range []string{"short", strings.Repeat("x", MaxPassword+1)} {
		if err := s.SetPassword(ctx, "r1", bad); !errors.Is(err, ErrPassword) {
			t.Fatalf("SetPassword(%d bytes): %v, want ErrPassword", len(bad), err)
		}
	}
	const pw = "correct horse battery"
	if err := s.SetPassword(ctx, "r1", pw); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, "nobody", pw); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("a password for an unknown reader: %v", err)
	}
	h, err := s.Store.Password(ctx, "r1")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=1$") || strings.Contains(h, pw) {
		t.Fatalf("stored hash %q, %v", h, err)
	}
	p, err := s.SignIn(ctx, "r1", pw)
	if err != nil || p.ID != "r1" || p.Via != "password" {
		t.Fatalf("SignIn: %+v, %v", p, err)
	}
	for _, c := range []struct{ id, pw string }{{"r1", pw + " "}, {"r1", ""}, {"nobody", pw}, {"r2", pw}} {
		if _, err := s.SignIn(ctx, c.id, c.pw); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("SignIn(%q, %q): %v, want ErrUnauthenticated", c.id, c.pw, err)
		}
	}
	disabled := true
	if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(ctx, "r1", pw); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a disabled reader's sign-in: %v", err)
	}
	// The dummy hash costs what a real one does: same parameters.
	if !strings.HasPrefix(dummyHash(), "$argon2id$v=19$m=65536,t=2,p=1$") || checkPassword(dummyHash(), "") {
		t.Fatalf("dummy hash %q", dummyHash())
	}
	// Parameters are read back from the hash.
	cheap := hashPassword(pw, []byte("0123456789abcdef"), argonParams{memory: 64, time: 1, threads: 1})
	if !checkPassword(cheap, pw) || checkPassword(cheap, "other") || checkPassword(strings.Replace(cheap, "m=64", "m=65", 1), pw) {
		t.Fatal("parameters not read back from the PHC string")
	}
	verifyOK(t, s, nil)
}

// TestAccessFieldsAtAdd: AddRecipients and AddDocumentWith validate,
// store and log the access fields and the marking.
func TestAccessFieldsAtAdd(t *testing.T) {
	s, _ := newHome(t)
	ctx := WithActor(t.Context(), "ann")
	add := leaktrace.Recipient{ID: "r9", Clearance: "top secret", Compartments: []string{"tk", "si"}, Citizenship: "gbr", Roles: []string{"reader", "issuer"}}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{add}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Store.Recipient(ctx, "r9")
	if err != nil || r.Clearance != "TS" || !slices.Equal(r.Compartments, []string{"SI", "TK"}) || r.Citizenship != "GBR" || !slices.Equal(r.Roles, []string{"issuer"}) {
		t.Fatalf("stored reader: %+v, %v", r, err)
	}
	idx, _ := s.Store.FindLogEntries(ctx, custody.KindRecipient, "", "r9")
	if data, _, _ := s.Entry(ctx, idx[0]); !strings.HasSuffix(string(data), `"recipient":"r9","clearance":"TS","compartments":["SI","TK"],"citizenship":"GBR","roles":["issuer"]}`) {
		t.Fatalf("recipient entry: %s", data)
	}
	// A reader added without access fields logs what an earlier release
	// logged.
	idx, _ = s.Store.FindLogEntries(ctx, custody.KindRecipient, "", "r3")
	if data, _, _ := s.Entry(ctx, idx[0]); !strings.HasSuffix(string(data), `"recipient":"r3"}`) {
		t.Fatalf("default recipient entry: %s", data)
	}
	for _, bad := range []leaktrace.Recipient{
		{ID: "x1", Clearance: "cosmic"}, {ID: "x2", Citizenship: "XYZ"}, {ID: "x3", Compartments: []string{"NOFORN"}},
	} {
		if err := s.AddRecipients(ctx, []leaktrace.Recipient{bad}); !errors.Is(err, marking.ErrMarking) {
			t.Errorf("AddRecipients(%+v): %v, want ErrMarking", bad, err)
		}
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "x4", Roles: []string{"king"}}}); !errors.Is(err, ErrRole) {
		t.Errorf("an unknown role: %v", err)
	}
	d, err := s.AddDocumentWith(ctx, "plan.txt", []byte(memo+"\nPlan.\n"), AddOptions{Marking: "top secret // si / tk // noforn"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Marking != "TOP SECRET//SI/TK//NOFORN" {
		t.Fatalf("marking %q", d.Marking)
	}
	if got, _ := s.Store.Document(ctx, "plan"); got.Marking != d.Marking {
		t.Fatalf("stored marking %q", got.Marking)
	}
	idx, _ = s.Store.FindLogEntries(ctx, custody.KindDocument, "plan", "")
	if _, e, _ := s.Entry(ctx, idx[0]); e.Marking != d.Marking {
		t.Fatalf("document entry: %+v", e)
	}
	if _, err := s.AddDocumentWith(ctx, "other.txt", []byte(memo), AddOptions{Marking: "SECRET//ORCON"}); !errors.Is(err, marking.ErrMarking) {
		t.Fatalf("an unreadable marking: %v", err)
	}
	if _, err := s.SetMarking(ctx, "memo", "SECRETISH"); !errors.Is(err, marking.ErrMarking) {
		t.Fatalf("SetMarking of an unreadable marking: %v", err)
	}
	if _, err := s.SetMarking(ctx, "nope", "SECRET"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("SetMarking of an unknown document: %v", err)
	}
	if err := s.Grant(ctx, "memo", []string{"r1", "nobody"}); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("a grant to an unknown reader: %v", err)
	}
	if g, _ := s.Store.Grants(ctx, "memo"); len(g) != 0 {
		t.Fatalf("a failed grant granted %v", g)
	}
	verifyOK(t, s, nil)
}

func TestRoles(t *testing.T) {
	if r, err := ParseRoles(" Issuer,reader,issuer "); err != nil || !slices.Equal(r, []string{"issuer", "reader"}) {
		t.Fatalf("ParseRoles: %v, %v", r, err)
	}
	if _, err := ParseRoles("reader,boss"); !errors.Is(err, ErrRole) {
		t.Fatalf("ParseRoles of an unknown role: %v", err)
	}
	for _, c := range []struct {
		roles []string
		has   []string
	}{
		{nil, []string{RoleReader}},
		{[]string{RoleIssuer}, []string{RoleReader, RoleIssuer}},
		{[]string{RoleAdmin}, []string{RoleReader, RoleIssuer, RoleInvestigator, RoleAuditor, RoleAdmin}},
		{[]string{RoleAuditor, RoleInvestigator}, []string{RoleReader, RoleInvestigator, RoleAuditor}},
	} {
		p := &Principal{Recipient: leaktrace.Recipient{Roles: c.roles}}
		for _, role := range []string{RoleReader, RoleIssuer, RoleInvestigator, RoleAuditor, RoleAdmin} {
			if p.Has(role) != slices.Contains(c.has, role) {
				t.Errorf("roles %v: Has(%s) = %t", c.roles, role, p.Has(role))
			}
		}
	}
}

// TestVerifyCatchesVaultTampering: the vault's rows are checked against
// the log replayed: grants, markings, clearances, tokens, passwords.
func TestVerifyCatchesVaultTampering(t *testing.T) {
	for _, tc := range []struct {
		name    string
		queries []string
		want    string
	}{
		{"grant slipped in", []string{`INSERT INTO grants VALUES ('memo', 'r2', '2026-01-01T00:00:00Z')`}, `document "memo": store grants it to [r1, r2], the log to [r1]`},
		{"grant removed", []string{`DELETE FROM grants`}, `store grants it to [], the log to [r1]`},
		{"marking lowered", []string{`UPDATE documents SET marking = 'UNCLASSIFIED'`}, `store has marking "UNCLASSIFIED", the log "SECRET"`},
		{"clearance raised", []string{`UPDATE recipients SET clearance = 'TS' WHERE id = 'r2'`}, `reader "r2": store has clearance TS, the log clearance U`},
		{"reader enabled", []string{`UPDATE recipients SET disabled = 0`}, `reader "r3": store has clearance U, the log clearance U disabled`},
		{"token slipped in", []string{`INSERT INTO tokens VALUES ('0123456789abcdef', 'r2', 'ab', '2026-01-01T00:00:00Z', '')`}, `token 0123456789abcdef of "r2" is in the store but not in the log`},
		{"token unrevoked", []string{`UPDATE tokens SET revoked_at = ''`}, `store has it revoked false, the log true`},
		{"password slipped in", []string{`INSERT INTO passwords VALUES ('r2', 'x', '2026-01-01T00:00:00Z')`}, `reader "r2" has a password the log never recorded being set`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := vaultHome(t)
			ctx := WithActor(t.Context(), "ann")
			disabled := true
			if _, err := s.UpdateRecipient(ctx, "r3", AccessChange{Disabled: &disabled}); err != nil {
				t.Fatal(err)
			}
			_, tok, err := s.CreateToken(ctx, "r1")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
			verifyOK(t, s, nil)
			tamper(t, s.Dir, tc.queries...)
			rep, err := s.VerifyLog(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Fatalf("problems %q, want one containing %q", rep.Problems, tc.want)
			}
		})
	}
}
