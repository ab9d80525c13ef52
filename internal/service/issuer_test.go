package service

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
)

// TestIssuerBoundByClearance: an issuer marks, grants, revokes, sees and
// registers only at markings they are cleared for, and never grants
// themselves; each refusal is a logged denied entry and changes nothing.
// The operator's SetMarking and Grant stay unrestricted.
func TestIssuerBoundByClearance(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	if _, err := s.SetMarking(ctx, "memo", "SECRET//NOFORN"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{
		{ID: "ian", Clearance: "U", Roles: []string{RoleIssuer}},
		{ID: "sam", Clearance: "S", Citizenship: "USA", Roles: []string{RoleIssuer}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDocument(ctx, "draft.txt", []byte(memo), "draft", ""); err != nil {
		t.Fatal(err)
	}
	ian, sam := principal(t, s, "ian"), principal(t, s, "sam")
	// refused checks that err is a denial for reason, logged as the
	// last entry with p as actor, and that memo is as it was.
	refused := func(what string, p *Principal, err error, action, doc, reason string) {
		t.Helper()
		var dn *DeniedError
		if !errors.As(err, &dn) || !errors.Is(err, ErrForbidden) || dn.Reason != reason {
			t.Fatalf("%s: %v, want a denial for %q", what, err, reason)
		}
		n, err := s.Store.LogSize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, e, err := s.Entry(ctx, n-1)
		if err != nil || e.Kind != custody.KindDenied || e.Actor != p.ID || e.Recipient != p.ID || e.Action != action ||
			e.Document != doc || e.Reason != reason {
			t.Fatalf("%s: last entry %+v, %v", what, e, err)
		}
		d, err := s.Store.Document(ctx, "memo")
		if err != nil || d.Marking != "SECRET//NOFORN" {
			t.Fatalf("%s: memo's marking now %q, %v", what, d.Marking, err)
		}
		if g, _ := s.Store.Grants(ctx, "memo"); !slices.Equal(g, []string{"r1"}) {
			t.Fatalf("%s: memo's grants now %v", what, g)
		}
	}

	// ian (UNCLASSIFIED) can't take memo down, nor up, nor grant it.
	_, err := s.MarkAs(ctx, ian, "memo", "UNCLASSIFIED")
	refused("ian marking memo UNCLASSIFIED", ian, err, "mark", "memo", "clearance")
	_, err = s.MarkAs(ctx, ian, "memo", "TOP SECRET")
	refused("ian marking memo TOP SECRET", ian, err, "mark", "memo", "clearance")
	refused("ian granting himself memo", ian, s.GrantAs(ctx, ian, "memo", []string{"ian"}), "grant", "memo", "clearance")
	refused("ian granting r2 memo", ian, s.GrantAs(ctx, ian, "memo", []string{"r2"}), "grant", "memo", "clearance")
	refused("ian revoking r1", ian, s.RevokeAs(ctx, ian, "memo", []string{"r1"}), "revoke", "memo", "clearance")
	_, err = s.IssuerDocument(ctx, ian, "holders", "memo")
	refused("ian's holders of memo", ian, err, "holders", "memo", "clearance")
	refused("ian registering at SECRET", ian, s.MayRegister(ctx, ian, "new", "secret"), "register", "new", "clearance")
	if _, err := s.Authorize(ctx, ian, "memo"); err == nil {
		t.Fatal("ian may read memo")
	}
	docs, err := s.IssuerDocuments(ctx, ian)
	if err != nil {
		t.Fatal(err)
	}
	if ids := docIDs(docs); !slices.Equal(ids, []string{"draft"}) {
		t.Errorf("ian's issuer list: %v, want only the unmarked draft", ids)
	}
	if _, err := s.IssuerDocument(ctx, ian, "issue", "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("an unknown document: %v", err)
	}
	// An unmarked document: marked first (at what ian is cleared for),
	// granted after.
	if err := s.GrantAs(ctx, ian, "draft", []string{"r2"}); err == nil {
		t.Fatal("ian granted the unmarked draft")
	}
	if err := s.MayRegister(ctx, ian, "new", "UNCLASSIFIED"); err != nil {
		t.Fatalf("ian registering at UNCLASSIFIED: %v", err)
	}
	if _, err := s.MarkAs(ctx, ian, "draft", "CONFIDENTIAL"); err == nil {
		t.Fatal("ian marked draft CONFIDENTIAL")
	}
	if _, err := s.MarkAs(ctx, ian, "draft", "u"); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantAs(ctx, ian, "draft", []string{"r2"}); err != nil {
		t.Fatal(err)
	}
	// A reader without the issuer role is refused too.
	_, err = s.MarkAs(ctx, principal(t, s, "r2"), "memo", "U")
	refused("r2 marking memo", principal(t, s, "r2"), err, "mark", "memo", "role")

	// sam (SECRET, USA) is cleared for memo: grants others, not himself;
	// marks it down, not above his clearance.
	refused("sam granting himself memo", sam, s.GrantAs(ctx, sam, "memo", []string{"r2", "sam"}), "grant", "memo", "self")
	_, err = s.MarkAs(ctx, sam, "memo", "TOP SECRET")
	refused("sam marking memo TOP SECRET", sam, err, "mark", "memo", "clearance")
	if docs, err = s.IssuerDocuments(ctx, sam); err != nil || !slices.Equal(docIDs(docs), []string{"draft", "memo"}) {
		t.Errorf("sam's issuer list: %v, %v", docIDs(docs), err)
	}
	if err := s.GrantAs(ctx, sam, "memo", []string{"r3"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAs(ctx, sam, "memo", []string{"r3"}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.MarkAs(ctx, sam, "memo", "confidential"); err != nil || m != "CONFIDENTIAL" {
		t.Fatalf("sam marking memo CONFIDENTIAL: %q, %v", m, err)
	}
	n, _ := s.Store.LogSize(ctx)
	if _, e, err := s.Entry(ctx, n-1); err != nil || e.Kind != custody.KindMarking || e.Actor != "sam" {
		t.Fatalf("sam's marking entry: %+v, %v", e, err)
	}
	// The operator may do anything.
	if _, err := s.SetMarking(ctx, "memo", "TOP SECRET"); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s, nil)
}

func docIDs(ds []*leaktrace.Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// markingStore runs before, once, just before the transaction that
// writes a marking: a change committed there is one made between
// MarkAs's decision and its write.
type markingStore struct {
	leaktrace.Store
	before func()
}

func (m *markingStore) SetMarking(ctx context.Context, doc, marking string, from *string, rec leaktrace.LogRecord) error {
	if f := m.before; f != nil {
		m.before = nil
		f()
	}
	return m.Store.SetMarking(ctx, doc, marking, from, rec)
}

// TestMarkAsChangedBeforeWrite: the operator raising a document's
// marking between an issuer's decision (cleared for SECRET) and the
// write makes MarkAs write nothing (ErrChanged), so an issuer cleared
// for SECRET can't overwrite TOP SECRET with CONFIDENTIAL.
func TestMarkAsChangedBeforeWrite(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	if _, err := s.SetMarking(ctx, "memo", "SECRET"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "sam", Clearance: "S", Citizenship: "USA", Roles: []string{RoleIssuer}}}); err != nil {
		t.Fatal(err)
	}
	sam := principal(t, s, "sam")
	inner := s.Store
	ms := &markingStore{Store: inner}
	ms.before = func() {
		s.Store = inner // the operator's change goes straight to the store
		defer func() { s.Store = ms }()
		if _, err := s.SetMarking(ctx, "memo", "TOP SECRET"); err != nil {
			t.Fatal(err)
		}
	}
	s.Store = ms
	n, _ := inner.LogSize(ctx)
	if _, err := s.MarkAs(ctx, sam, "memo", "CONFIDENTIAL"); !errors.Is(err, leaktrace.ErrChanged) {
		t.Fatalf("MarkAs over a marking raised meanwhile: %v, want ErrChanged", err)
	}
	d, err := inner.Document(ctx, "memo")
	if err != nil || d.Marking != "TOP SECRET" {
		t.Fatalf("memo is marked %q after the refused MarkAs (%v), want TOP SECRET", d.Marking, err)
	}
	if m, _ := inner.LogSize(ctx); m != n+1 {
		t.Fatalf("the log grew by %d entries, want 1 (the operator's marking)", m-n)
	}
	s.Store = inner
	if rep, err := s.VerifyLog(ctx, nil); err != nil || rep.Err() != nil {
		t.Fatalf("log verify: %v, %v", err, rep.Err())
	}
}
