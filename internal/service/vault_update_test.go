package service

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
)

// changeStore runs before, once, at the first read of a reader or the
// first update of one, whichever comes first: a change committed there
// is one made while another change to the reader is under way.
type changeStore struct {
	leaktrace.Store
	before func()
}

func (c *changeStore) fire() {
	if f := c.before; f != nil {
		c.before = nil
		f()
	}
}

func (c *changeStore) Recipient(ctx context.Context, id string) (*leaktrace.Recipient, error) {
	r, err := c.Store.Recipient(ctx, id)
	c.fire()
	return r, err
}

func (c *changeStore) UpdateRecipient(ctx context.Context, id string, apply func(*leaktrace.Recipient) (leaktrace.LogRecord, error)) error {
	c.fire()
	return c.Store.UpdateRecipient(ctx, id, apply)
}

// TestUpdateRecipientKeepsConcurrentChange: "recipient disable" committed
// while "recipient set --compartments" is under way is not undone, and
// the set's clearance entry describes the state written (disabled).
func TestUpdateRecipientKeepsConcurrentChange(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	cs := &changeStore{Store: s.Store}
	s.Store = cs
	cs.before = func() {
		yes := true
		if _, err := s.UpdateRecipient(ctx, "r1", AccessChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	comps := []string{"SI"}
	got, err := s.UpdateRecipient(ctx, "r1", AccessChange{Compartments: &comps})
	if err != nil {
		t.Fatal(err)
	}
	if cs.before != nil {
		t.Fatal("the concurrent disable was not made")
	}
	r, err := s.Store.Recipient(ctx, "r1")
	if err != nil || !r.Disabled || !slices.Equal(r.Compartments, comps) || !got.Disabled || !slices.Equal(got.Compartments, comps) {
		t.Fatalf("r1 after disable and set: stored %+v, returned %+v, %v", r, got, err)
	}
	idx, _ := s.Store.FindLogEntries(ctx, custody.KindClearance, "", "r1")
	if _, e, err := s.Entry(ctx, idx[len(idx)-1]); err != nil || !e.Disabled || !slices.Equal(e.Compartments, comps) {
		t.Fatalf("the set's clearance entry: %+v, %v", e, err)
	}
	if _, err := s.PrincipalOf(t.Context(), "r1", "token"); err == nil {
		t.Fatal("the disabled reader is let in")
	}
	verifyOK(t, s, nil)
}

// TestUpdateRecipientConcurrent: changes of different fields made at
// once all hold afterwards, whatever their order.
func TestUpdateRecipientConcurrent(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	for round := range 4 {
		str := func(v string) *string { return &v }
		no, yes := false, true
		reset := AccessChange{Clearance: str("U"), Compartments: &[]string{}, Citizenship: str(""), Roles: &[]string{}, Disabled: &no}
		if _, err := s.UpdateRecipient(ctx, "r1", reset); err != nil {
			t.Fatal(err)
		}
		changes := []AccessChange{{Clearance: str("TS")}, {Compartments: &[]string{"SI"}}, {Citizenship: str("USA")},
			{Roles: &[]string{"auditor"}}, {Disabled: &yes}}
		var wg sync.WaitGroup
		for _, c := range changes {
			wg.Go(func() {
				if _, err := s.UpdateRecipient(ctx, "r1", c); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		r, err := s.Store.Recipient(ctx, "r1")
		if err != nil || r.Clearance != "TS" || !slices.Equal(r.Compartments, []string{"SI"}) || r.Citizenship != "USA" ||
			!slices.Equal(r.Roles, []string{"auditor"}) || !r.Disabled {
			t.Fatalf("round %d: after five concurrent changes r1 is %+v, %v", round, r, err)
		}
	}
	verifyOK(t, s, nil)
}
