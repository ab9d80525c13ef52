package service_test

import (
	"errors"
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// A document whose format carries no layout points of its own has no
// reference layout: ReferencePlan says so, and names its format.
func TestReferencePlanNeedsNativeLayout(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	if _, err := s.AddDocument(ctx, "memo.txt", []byte("A short memo about the plans for the coming year, to be read by the staff.\n"), "memo", ""); err != nil {
		t.Fatal(err)
	}
	mk, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.ReferencePlan(ctx, mk)
	if !errors.Is(err, service.ErrNoReference) || p != nil {
		t.Fatalf("ReferencePlan of a text document = %v, %v; want ErrNoReference", p, err)
	}
}
