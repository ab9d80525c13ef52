package store

import (
	"database/sql"
	"errors"

	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
)

// TestSnapshotIgnoresLaterCommits: every read of a snapshot sees the
// state of its first read, even after another connection commits.
func TestSnapshotIgnoresLaterCommits(t *testing.T) {
	s, path := newStore(t)
	ctx := t.Context()
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	err = s.Snapshot(ctx, func(r Reader) error {
		size, err := r.LogSize(ctx)
		if err != nil {
			return err
		}
		// Another handle, as another process, adds a reader and its
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
		if rs, _ := r.Recipients(ctx); len(rs) != 0 {
			t.Errorf("the snapshot sees readers added after it began: %v", rs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBusyIsErrBusy: a change that waits out the busy timeout behind
// another connection's write lock fails with ErrBusy.
func TestBusyIsErrBusy(t *testing.T) {
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 50 * time.Millisecond
	s, path := newStore(t)
	ctx := t.Context()

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	_, err = s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("change behind another's write lock: %v, want ErrBusy", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatalf("change after the lock is released: %v", err)
	}
}

func testDoc(id string) *leaktrace.Document {
	return &leaktrace.Document{ID: id, Title: id, Filename: id + ".txt", Format: "txt", Content: []byte("content of " + id),
		SHA256: "x", Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: time.Now()}
}

// TestIndexDigestsAndReindex: the stored digest of a document equals
// DigestFingerprints of what was stored, whatever its order; Reindex
// replaces every document's rows, drops rows of no document, and lists
// the documents whose rows changed.
func TestIndexDigestsAndReindex(t *testing.T) {
	s, path := newStore(t)
	ctx := t.Context()
	fps := map[string][]index.Fingerprint{
		"a": {{Hash: 7, Pos: 3}, {Hash: 5, Pos: 0}, {Hash: 9, Pos: 1}, {Hash: 5, Pos: 4}},
		"b": {{Hash: 5, Pos: 2}, {Hash: 1, Pos: 0}},
		"c": nil,
	}
	for _, id := range []string{"a", "b", "c"} {
		d := testDoc(id)
		d.Fingerprints = fps[id]
		if err := s.AddDocument(ctx, d, rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 6 || st.Orphans != 0 || len(st.Documents) != 3 {
		t.Fatalf("index state %+v, want 6 rows of 3 documents", st)
	}
	for id, f := range fps {
		if got, want := st.Documents[id], DigestFingerprints(f); got != want {
			t.Errorf("document %s: stored digest %+v, want %+v", id, got, want)
		}
	}
	if DigestFingerprints(fps["a"]) == DigestFingerprints(fps["a"][1:]) {
		t.Error("a lost fingerprint leaves the digest unchanged")
	}

	// Damage: a's rows lost, a row of a number that names no document.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM fingerprints WHERE num = (SELECT num FROM doc_numbers WHERE document = 'a');
		INSERT INTO fingerprints VALUES (3, 99, 0)`); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.IndexDigests(ctx); st.Documents["a"].Count != 0 || st.Orphans != 1 {
		t.Fatalf("damaged index state %+v", st)
	}

	var calls []int
	res, err := s.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) {
		if string(d.Content) != "content of "+d.ID {
			t.Errorf("document %s read with content %q", d.ID, d.Content)
		}
		return fps[d.ID], nil
	}, func(done, total int) { calls = append(calls, done*10+total) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 3 || res.Fingerprints != 6 || res.Removed != 1 || len(res.Rebuilt) != 1 || res.Rebuilt[0] != "a" {
		t.Fatalf("reindex: %+v, want 3 documents, 6 fingerprints, 1 removed, a rebuilt", res)
	}
	if len(calls) != 3 || calls[2] != 33 {
		t.Errorf("progress calls %v, want 1/3, 2/3, 3/3", calls)
	}
	st, err = s.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 6 || st.Orphans != 0 || st.Documents["a"] != DigestFingerprints(fps["a"]) {
		t.Fatalf("index after reindex %+v", st)
	}
	ps, err := s.Lookup(ctx, []int64{5})
	if err != nil || len(ps) != 3 {
		t.Fatalf("lookup after reindex: %v %v, want 3 postings of hash 5", ps, err)
	}

	// A failing fingerprint function changes nothing.
	fail := errors.New("no")
	if _, err := s.Reindex(ctx, func(*leaktrace.Document) ([]index.Fingerprint, error) { return nil, fail }, nil); !errors.Is(err, fail) {
		t.Fatalf("reindex with a failing function: %v", err)
	}
	if st2, _ := s.IndexDigests(ctx); st2.Rows != 6 {
		t.Fatalf("a failed reindex left %d rows, want 6", st2.Rows)
	}
}

// TestConcurrentChangesAllCommit: many changes at once through one Store
// (a server's concurrent downloads) all commit, however long the queue
// takes: they wait their turn in the process, and the busy timeout is
// only for other processes' locks. Before, they raced for SQLite's write
// lock, whose busy handler let some wait out the timeout (ErrBusy) while
// later ones got through.
func TestConcurrentChangesAllCommit(t *testing.T) {
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 100 * time.Millisecond
	s, _ := newStore(t)
	ctx := t.Context()
	const n = 100
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			_, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")})
			errs <- err
		}()
	}
	close(start)
	failed := 0
	for range n {
		if err := <-errs; err != nil {
			failed++
			if failed == 1 {
				t.Errorf("a concurrent change: %v", err)
			}
		}
	}
	if size, _ := s.LogSize(ctx); failed > 0 || size != n {
		t.Fatalf("%d of %d concurrent changes failed; the log has %d entries", failed, n, size)
	}
}
