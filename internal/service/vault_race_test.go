package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marking"
)

// commitStore runs before, once per call, just before the transaction
// that records a delivered copy: a change committed there is one made
// between Deliver's decision and its commit.
type commitStore struct {
	leaktrace.Store
	before []func()
}

func (c *commitStore) RecordAccess(ctx context.Context, cs []leaktrace.Copy, recs []leaktrace.LogRecord, g leaktrace.AccessGuard) (int64, error) {
	if len(c.before) > 0 {
		f := c.before[0]
		c.before = c.before[1:]
		f()
	}
	return c.Store.RecordAccess(ctx, cs, recs, g)
}

// grantedStore runs after, once, right after the grant is read for a
// decision.
type grantedStore struct {
	leaktrace.Store
	after func()
}

func (g *grantedStore) Granted(ctx context.Context, doc, rec string) (bool, error) {
	ok, err := g.Store.Granted(ctx, doc, rec)
	if f := g.after; f != nil {
		g.after = nil
		f()
	}
	return ok, err
}

// TestDeliverChangedBeforeCommit: a revocation, a disabled reader, a
// lowered clearance, a compartment or citizenship withdrawn or a raised
// marking committed between Deliver's decision and the transaction that
// records the copy stops the delivery: Deliver decides again, logs the
// denial, and no copy is recorded or logged. A change that still allows
// the reader delivers after the second decision; access changing again
// is ErrChanged, with nothing delivered.
func TestDeliverChangedBeforeCommit(t *testing.T) {
	type change func(t *testing.T, s *Service)
	access := func(c AccessChange) change {
		return func(t *testing.T, s *Service) {
			if _, err := s.UpdateRecipient(WithActor(t.Context(), "ann"), "r1", c); err != nil {
				t.Fatal(err)
			}
		}
	}
	str := func(v string) *string { return &v }
	list := func(v ...string) *[]string { return &v }
	yes := true
	for _, tc := range []struct {
		name    string
		initial AccessChange // r1's access before the delivery (cleared S otherwise)
		marking string       // memo's marking before the delivery (SECRET otherwise)
		changes []change
		reason  string // the denial's reason; "" for a delivery
		err     error  // the error, when not a denial
	}{
		{name: "revoked", changes: []change{func(t *testing.T, s *Service) {
			if err := s.Revoke(WithActor(t.Context(), "ann"), "memo", []string{"r1"}); err != nil {
				t.Fatal(err)
			}
		}}, reason: "grant"},
		{name: "disabled", changes: []change{access(AccessChange{Disabled: &yes})}, err: ErrUnauthenticated},
		{name: "clearance lowered", changes: []change{access(AccessChange{Clearance: str("C")})}, reason: "clearance"},
		{name: "compartment withdrawn", initial: AccessChange{Compartments: list("SI")}, marking: "SECRET//SI",
			changes: []change{access(AccessChange{Compartments: list()})}, reason: "compartments"},
		{name: "citizenship changed", initial: AccessChange{Citizenship: str("USA")}, marking: "SECRET//NOFORN",
			changes: []change{access(AccessChange{Citizenship: str("GBR")})}, reason: "noforn"},
		{name: "marking raised", changes: []change{func(t *testing.T, s *Service) {
			if _, err := s.SetMarking(WithActor(t.Context(), "ann"), "memo", "TOP SECRET"); err != nil {
				t.Fatal(err)
			}
		}}, reason: "clearance"},
		{name: "clearance raised", changes: []change{access(AccessChange{Clearance: str("TS")})}},
		{name: "changed twice", changes: []change{access(AccessChange{Clearance: str("TS")}), access(AccessChange{Clearance: str("S")})},
			err: leaktrace.ErrChanged},
	} {
		for _, format := range []string{"", leaktrace.FormatPDF} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				s := vaultHome(t)
				ctx := WithActor(t.Context(), "ann")
				if tc.initial != (AccessChange{}) {
					access(tc.initial)(t, s)
				}
				if tc.marking != "" {
					if _, err := s.SetMarking(ctx, "memo", tc.marking); err != nil {
						t.Fatal(err)
					}
				}
				cs := &commitStore{Store: s.Store}
				for _, c := range tc.changes {
					cs.before = append(cs.before, func() { c(t, s) })
				}
				s.Store = cs
				p := principal(t, s, "r1")
				n, _ := s.Store.LogSize(ctx)
				before, err := s.Store.Copies(ctx, "memo")
				if err != nil {
					t.Fatal(err)
				}
				d, err := s.Deliver(t.Context(), p, "memo", DeliverOptions{Action: "download", Format: format})
				if len(cs.before) != 0 {
					t.Fatal("the change was not made")
				}
				access, _ := s.Store.FindLogEntries(ctx, custody.KindAccess, "memo", "r1")
				denied, _ := s.Store.FindLogEntries(ctx, custody.KindDenied, "memo", "r1")
				var dn *DeniedError
				switch {
				case tc.reason == "" && tc.err == nil:
					if err != nil || len(access) != 1 || access[0] != d.LogEntry || d.LogEntry < n+1 {
						t.Fatalf("Deliver: %v; access entries %v", err, access)
					}
				case tc.reason != "":
					if !errors.As(err, &dn) || dn.Reason != tc.reason || len(access) != 0 || len(denied) != 1 || denied[0] < n {
						t.Fatalf("Deliver: %v, want a %q denial; access entries %v, denied %v", err, tc.reason, access, denied)
					}
				default:
					if !errors.Is(err, tc.err) || d != nil || len(access) != 0 {
						t.Fatalf("Deliver: %v, want %v; access entries %v", err, tc.err, access)
					}
				}
				copies, err := s.Store.Copies(ctx, "memo")
				if err != nil {
					t.Fatal(err)
				}
				if len(access) == 0 && len(copies) != len(before) {
					t.Fatalf("nothing delivered, yet %d copies recorded", len(copies)-len(before))
				}
				verifyOK(t, s, nil)
			})
		}
	}
}

// TestDeliverRevokedAfterGrantRead: a revocation committed right after
// the decision read the grant stops the delivery (the reviewer's case:
// the decision read outside the copy's transaction).
func TestDeliverRevokedAfterGrantRead(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	gs := &grantedStore{Store: s.Store}
	s.Store = gs
	gs.after = func() {
		if err := s.Revoke(ctx, "memo", []string{"r1"}); err != nil {
			t.Fatal(err)
		}
	}
	var dn *DeniedError
	if d, err := s.Deliver(t.Context(), principal(t, s, "r1"), "memo", DeliverOptions{Action: "download"}); !errors.As(err, &dn) || dn.Reason != "grant" {
		t.Fatalf("Deliver after the grant was revoked: %v (%d bytes)", err, len(d.Data))
	}
	if idx, _ := s.Store.FindLogEntries(ctx, custody.KindAccess, "memo", "r1"); len(idx) != 0 {
		t.Fatalf("access entries %v", idx)
	}
	verifyOK(t, s, nil)
}

// logReadStore counts the reads of log entries.
type logReadStore struct {
	leaktrace.Store
	reads int
}

func (l *logReadStore) FindLogEntries(ctx context.Context, kind, doc, rec string) ([]int64, error) {
	l.reads++
	return l.Store.FindLogEntries(ctx, kind, doc, rec)
}

func (l *logReadStore) LogEntries(ctx context.Context, start, end int64) ([]leaktrace.LogRecord, error) {
	l.reads++
	return l.Store.LogEntries(ctx, start, end)
}

// TestDeliverReadsNoLog: a delivery learns its access entry's index from
// the transaction that appends it, instead of searching the reader's
// earlier entries (work that grew with every download).
func TestDeliverReadsNoLog(t *testing.T) {
	s := vaultHome(t)
	ls := &logReadStore{Store: s.Store}
	s.Store = ls
	for i := range 3 {
		d, err := s.Deliver(t.Context(), principal(t, s, "r1"), "memo", DeliverOptions{Action: "view"})
		if err != nil {
			t.Fatal(err)
		}
		if ls.reads != 0 {
			t.Fatalf("delivery %d read the log %d times", i, ls.reads)
		}
		_, e, err := s.Entry(t.Context(), d.LogEntry)
		if err != nil || e.Kind != custody.KindAccess || e.CopySHA256 != d.SHA256 {
			t.Fatalf("entry %d: %+v, %v", d.LogEntry, e, err)
		}
		ls.reads = 0
	}
}

// TestDeniedErrorSaysNoRule: a refusal's message, which a front end may
// show the reader, never names the rule that failed or its detail; the
// fields keep them for the auditor and the operator.
func TestDeniedErrorSaysNoRule(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	_, err := s.Deliver(ctx, principal(t, s, "r2"), "memo", DeliverOptions{Action: "download"})
	var dn *DeniedError
	if !errors.As(err, &dn) || dn.Reason != "clearance" || dn.Detail == "" || err.Error() != "access to memo denied" {
		t.Errorf("r2 (cleared U) reading a SECRET memo: %v (%+v)", err, dn)
	}
	err = s.LogDenied(ctx, principal(t, s, "r2"), "trace", "", "role", "needs investigator")
	if err == nil || err.Error() != "access denied" {
		t.Errorf("a refused trace says %v", err)
	}
	if err := s.Revoke(ctx, "memo", []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Deliver(ctx, principal(t, s, "r1"), "memo", DeliverOptions{Action: "view"})
	if !errors.As(err, &dn) || dn.Reason != "grant" || err.Error() != "access to memo denied" {
		t.Errorf("r1 without the grant: %v", err)
	}
}

// TestMarkingTooLongForABanner: a marking no PDF copy's pages could
// print is refused by SetMarking and at registration, and nothing
// changes; one just short enough is accepted.
func TestMarkingTooLongForABanner(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	var codes []string // country codes but USA, in order
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			for c := 'A'; c <= 'Z'; c++ {
				if code := string([]rune{a, b, c}); code != "USA" && marking.ValidCountry(code) {
					codes = append(codes, code)
				}
			}
		}
	}
	relTo := func(n int) string { return "SECRET//REL TO USA, " + strings.Join(codes[:n], ", ") }
	long := relTo(80)
	if _, err := marking.Parse(long); err != nil {
		t.Fatalf("the long marking does not parse: %v", err)
	}
	n, _ := s.Store.LogSize(ctx)
	if _, err := s.SetMarking(ctx, "memo", long); !errors.Is(err, ErrMarkingBanner) || !errors.Is(err, layout.ErrBanner) {
		t.Fatalf("SetMarking of %d characters: %v, want ErrMarkingBanner", len(long), err)
	}
	if _, err := s.AddDocumentWith(ctx, "plan.txt", []byte(memo+"\nPlan.\n"), AddOptions{Marking: long}); !errors.Is(err, ErrMarkingBanner) {
		t.Fatalf("AddDocumentWith a marking of %d characters: %v, want ErrMarkingBanner", len(long), err)
	}
	if size, _ := s.Store.LogSize(ctx); size != n {
		t.Fatalf("the refused markings logged %d entries", size-n)
	}
	if d, _ := s.Store.Document(ctx, "memo"); d.Marking != "SECRET" {
		t.Fatalf("memo is marked %q", d.Marking)
	}
	if _, err := s.Store.Document(ctx, "plan"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("plan was registered: %v", err)
	}
	if _, err := s.SetMarking(ctx, "memo", relTo(20)); err != nil {
		t.Fatalf("a REL TO list of 21 countries: %v", err)
	}
}
