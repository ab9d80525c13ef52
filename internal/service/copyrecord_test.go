package service

import (
	"testing"

	"github.com/leaktrace/leaktrace/internal/custody"
)

// TestCopyRecordOfADelivery: a copy the server delivered (an access
// entry, no copy entry) is cited as a CLI copy is, so that a trace of it
// can name its reader with the evidence.
func TestCopyRecordOfADelivery(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	secret := "S"
	if _, err := s.UpdateRecipient(ctx, "r3", AccessChange{Clearance: &secret}); err != nil {
		t.Fatal(err)
	}
	if err := s.Grant(ctx, "memo", []string{"r3"}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Deliver(ctx, principal(t, s, "r3"), "memo", DeliverOptions{Action: "view"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliver(ctx, principal(t, s, "r3"), "memo", DeliverOptions{Action: "download"}); err != nil {
		t.Fatal(err)
	}
	cr, err := s.CopyRecord(ctx, "memo", "r3")
	if err != nil {
		t.Fatalf("the delivered copy has no record: %v", err)
	}
	if cr.Index != d.LogEntry || cr.Entry.Kind != custody.KindAccess || cr.Entry.CopySHA256 != d.SHA256 {
		t.Errorf("copy record: entry %d (%s), want the first delivery's access entry %d", cr.Index, cr.Entry.Kind, d.LogEntry)
	}
	// A CLI issue after it is not the first issue.
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, m, []string{"r3"}); err != nil {
		t.Fatal(err)
	}
	if cr, err := s.CopyRecord(ctx, "memo", "r3"); err != nil || cr.Index != d.LogEntry {
		t.Errorf("after a later CLI issue, the record is %v, %v; want the first delivery's", cr, err)
	}
	verifyOK(t, s, nil)
}
