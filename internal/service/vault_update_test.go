package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestSignInHashesBounded: at most argonSlots hashes run at once, and the
// rest wait their turn; a password longer than MaxPassword is refused
// after hashing the dummy with an input of bounded size.
func TestSignInHashesBounded(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	const pw = "correct horse battery"
	if err := s.SetPassword(ctx, "r1", pw); err != nil {
		t.Fatal(err)
	}
	var lengths []int
	onArgon = func(n int) { lengths = append(lengths, n) }
	t.Cleanup(func() { onArgon = nil })
	if _, err := s.SignIn(t.Context(), "r1", pw+strings.Repeat(" ", MaxPassword)); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("an over-long password: %v, want ErrUnauthenticated", err)
	}
	if len(lengths) != 1 || lengths[0] > MaxPassword {
		t.Fatalf("an over-long password hashed inputs of %v bytes, want one of at most %d", lengths, MaxPassword)
	}

	old := argonSlots
	argonSlots = make(chan struct{}, 2)
	t.Cleanup(func() { argonSlots = old })
	var mu sync.Mutex
	running, most, entered := 0, 0, make(chan struct{}, 8)
	release := make(chan struct{})
	onArgon = func(int) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		running--
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			id, guess := "r1", pw
			if i%2 == 1 {
				id, guess = "nobody", "wrong password!"
			}
			if _, err := s.SignIn(t.Context(), id, guess); (err == nil) != (i%2 == 0) {
				t.Errorf("SignIn(%q): %v", id, err)
			}
		})
	}
	<-entered
	<-entered
	// Two hold the slots; give the others time to try for one.
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if most != 2 {
		t.Fatalf("%d hashes ran at once, want at most (and here exactly) 2", most)
	}
	// A sign-in waiting for a slot gives up when its request does.
	argonSlots <- struct{}{}
	argonSlots <- struct{}{}
	cctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.SignIn(cctx, "r1", pw); !errors.Is(err, context.Canceled) {
		t.Fatalf("a canceled sign-in waiting for a slot: %v", err)
	}
}
