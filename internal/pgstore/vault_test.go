package pgstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
)

// vaultStore is a store with documents d1 (marked SECRET) and d2,
// readers a (cleared TS, granted d1) and b.
func vaultStore(t *testing.T) (*Store, string) {
	t.Helper()
	s, url := newStore(t)
	ctx := t.Context()
	for _, id := range []string{"d1", "d2"} {
		if err := s.AddDocument(ctx, testDoc(id), rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "a", Clearance: "TS", AddedAt: time.Now()}, {ID: "b", AddedAt: time.Now()}},
		[]leaktrace.LogRecord{rec("recipient", "", "a"), rec("recipient", "", "b")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMarking(ctx, "d1", "SECRET", nil, rec("marking", "d1", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetGrants(ctx, "d1", []string{"a"}, true, []leaktrace.LogRecord{rec("grant", "d1", "a")}); err != nil {
		t.Fatal(err)
	}
	return s, url
}

// whileLocked holds the log lock in another connection, as another
// server's change would, starts change, lets it wait for the lock,
// commits meanwhile (a change another server made after change's caller
// decided), and returns change's error.
func whileLocked(t *testing.T, url, meanwhile string, change func() error) error {
	t.Helper()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT id FROM log_lock WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- change() }()
	// change waits for the lock: its session shows waiting on a lock.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var waiting bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the change did not wait for the log lock: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the change never waited for the log lock")
		}
	}
	if _, err := tx.Exec(ctx, meanwhile); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return <-done
}

// TestGuardsReadAfterTheLock: RecordAccess's guard, SetMarking's from and
// UpdateRecipient's read see a change committed while they waited for
// the log lock, not the state when their transaction began.
func TestGuardsReadAfterTheLock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	guard := leaktrace.AccessGuard{Document: "d1", Marking: "SECRET", Recipient: "a", Clearance: "TS"}
	copies := []leaktrace.Copy{{Document: "d1", Recipient: "a", SHA256: "cc", IssuedAt: time.Now()}}
	for _, tc := range []struct {
		name, meanwhile string
		change          func(*Store) error
		want            error
	}{
		{"RecordAccess after a revocation", `DELETE FROM grants`, func(s *Store) error {
			_, err := s.RecordAccess(ctx, copies, []leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
			return err
		}, leaktrace.ErrChanged},
		{"RecordAccess after a new marking", `UPDATE documents SET marking = 'TOP SECRET'`, func(s *Store) error {
			_, err := s.RecordAccess(ctx, copies, []leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
			return err
		}, leaktrace.ErrChanged},
		{"RecordAccess after the reader is disabled", `UPDATE recipients SET disabled = true`, func(s *Store) error {
			_, err := s.RecordAccess(ctx, copies, []leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
			return err
		}, leaktrace.ErrChanged},
		{"SetMarking after a new marking", `UPDATE documents SET marking = 'TOP SECRET'`, func(s *Store) error {
			from := "SECRET"
			return s.SetMarking(ctx, "d1", "CONFIDENTIAL", &from, rec("marking", "d1", ""))
		}, leaktrace.ErrChanged},
		{"UpdateRecipient after another change", `UPDATE recipients SET compartments = 'SI' WHERE id = 'a'`, func(s *Store) error {
			return s.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				if len(r.Compartments) != 1 {
					return leaktrace.LogRecord{}, errors.New("apply did not see the compartment added meanwhile")
				}
				r.Roles = []string{"issuer"}
				return rec("clearance", "", "a"), nil
			})
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, url := vaultStore(t)
			n, _ := s.LogSize(ctx)
			err := whileLocked(t, url, tc.meanwhile, func() error { return tc.change(s) })
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
			if m, _ := s.LogSize(ctx); tc.want != nil && m != n {
				t.Fatalf("a refused change was logged")
			}
			if cs, _ := s.Copies(ctx, "d1"); len(cs) != 0 {
				t.Fatalf("a refused access recorded copies: %v", cs)
			}
		})
	}
}
