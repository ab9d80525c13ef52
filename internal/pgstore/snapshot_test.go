package pgstore

import (
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
)

// TestSnapshotIgnoresLaterCommits: every read of a snapshot sees the
// state of its first read, even after another store commits.
func TestSnapshotIgnoresLaterCommits(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, url, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	err = s.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		size, err := r.LogSize(ctx)
		if err != nil {
			return err
		}
		// Another store, as another server, adds a reader and its
		// entry, and a checkpoint for size 2.
		if err := other.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1", AddedAt: time.Now()}}, []leaktrace.LogRecord{rec("recipient", "", "r1")}); err != nil {
			return err
		}
		if n, _ := s.LogSize(ctx); n != size+1 {
			t.Errorf("outside the snapshot the log has %d entries, want %d", n, size+1)
		}
		if n, _ := r.LogSize(ctx); n != size {
			t.Errorf("the snapshot's log grew from %d to %d entries", size, n)
		}
		cps, err := r.Checkpoints(ctx)
		if err != nil {
			return err
		}
		if last := cps[len(cps)-1].Size; last != size {
			t.Errorf("the snapshot's latest checkpoint is for %d entries, its log has %d", last, size)
		}
		if cp, err := r.Checkpoint(ctx); err != nil || cp.Size != size {
			t.Errorf("the snapshot's Checkpoint is for %d entries (%v), its log has %d", cp.Size, err, size)
		}
		if rs, _ := r.Recipients(ctx); len(rs) != 0 {
			t.Errorf("the snapshot sees readers added after it began: %v", rs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotIsReadOnly: a snapshot can't write, even through raw SQL
// on its transaction.
func TestSnapshotIsReadOnly(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	err := s.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		_, err := r.(reads).db.Exec(ctx, `INSERT INTO meta (name, value) VALUES ('x', 'y')`)
		return err
	})
	if !isCode(err, "25006") {
		t.Fatalf("a write in a snapshot: %v, want read_only_sql_transaction", err)
	}
}
