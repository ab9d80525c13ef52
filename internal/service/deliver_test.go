package service

import (
	"testing"
)

// TestDeliverLeavesTheMarkerWhole: a delivery's document is its own
// copy without content; the prepared document that concurrent
// deliveries render from keeps its content (Deliver used to clear the
// content of the document it shared with the cached marker, a data race
// with every copy rendered from it).
func TestDeliverLeavesTheMarkerWhole(t *testing.T) {
	s := vaultHome(t)
	ctx := t.Context()
	d, err := s.Deliver(ctx, principal(t, s, "r1"), "memo", DeliverOptions{Action: "download"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Document.Content != nil {
		t.Errorf("the delivery's document holds the content")
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Document().Content) == 0 {
		t.Fatal("after a delivery, the cached marker's document has no content")
	}
}
