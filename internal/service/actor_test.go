package service

import (
	"fmt"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
)

// TestActorPerCall: two callers sharing one Service, each with its own
// actor, issue copies and log traces at the same time; every entry names
// the caller that made it. (Run under -race: the actor is not state of
// the Service that callers could race on.)
func TestActorPerCall(t *testing.T) {
	s, _ := newHome(t)
	m, _, err := s.Marker(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	callers := map[string]string{"ann": "r1", "bob": "r2"} // actor: the reader they issue to
	const rounds = 8
	var wg sync.WaitGroup
	traces := map[string][]int64{}
	var mu sync.Mutex
	errs := make(chan error, len(callers))
	for actor, reader := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := WithActor(t.Context(), actor)
			for i := range rounds {
				if _, err := s.Issue(ctx, m, []string{reader}); err != nil {
					errs <- err
					return
				}
				idx, err := s.LogTrace(ctx, leaktrace.Hash([]byte(fmt.Sprint(actor, i))), []byte(`{"matches":[]}`))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				traces[actor] = append(traces[actor], idx)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ctx := t.Context()
	for actor, reader := range callers {
		copies, err := s.Store.FindLogEntries(ctx, custody.KindCopy, "memo", reader)
		if err != nil {
			t.Fatal(err)
		}
		// newHome issued r1 and r2 a copy each as "ann" before.
		if len(copies) != rounds+1 {
			t.Fatalf("%s: %d copy entries, want %d", reader, len(copies), rounds+1)
		}
		for _, i := range append(copies[1:], traces[actor]...) {
			_, e, err := s.Entry(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			if e.Actor != actor {
				t.Errorf("entry %d (%s) names %q, want %q", i, e.Kind, e.Actor, actor)
			}
		}
		if len(traces[actor]) != rounds {
			t.Errorf("%s logged %d traces, want %d", actor, len(traces[actor]), rounds)
		}
	}
	verifyOK(t, s, nil)
}

// TestActorDefault: a context naming no actor records the OS user, as a
// Service did by default.
func TestActorDefault(t *testing.T) {
	if got := ActorFrom(t.Context()); got != DefaultActor() {
		t.Errorf("ActorFrom(no actor) = %q, want DefaultActor() %q", got, DefaultActor())
	}
	if got := ActorFrom(WithActor(t.Context(), "ann")); got != "ann" {
		t.Errorf("ActorFrom(WithActor(ann)) = %q", got)
	}
}
