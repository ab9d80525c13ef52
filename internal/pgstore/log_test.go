package pgstore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memLog recomputes stored hashes in memory.
type memLog struct {
	data   [][]byte
	hashes []tlog.Hash
}

func (m *memLog) ReadHashes(ix []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ix))
	for i, x := range ix {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memLog) add(t *testing.T, data []byte) {
	hs, err := tlog.StoredHashes(int64(len(m.data)), data, m)
	if err != nil {
		t.Fatal(err)
	}
	m.hashes = append(m.hashes, hs...)
	m.data = append(m.data, data)
}

// checkLog checks that s's log is gap-free, that its stored hashes are
// tlog's for its entries, and that every checkpoint is signed by vkey and
// names the tree of the entries before it. It returns the entries.
func checkLog(t *testing.T, s *Store, vkey string) []leaktrace.LogRecord {
	t.Helper()
	ctx := t.Context()
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var count int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM log_entries`).Scan(&count); err != nil || count != n {
		t.Fatalf("%d log entries for a log of size %d (%v): a gap", count, n, err)
	}
	recs, err := s.LogEntries(ctx, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	mem := &memLog{}
	for _, r := range recs {
		mem.add(t, r.Data)
	}
	if hc, _ := s.LogHashCount(ctx); hc != int64(len(mem.hashes)) {
		t.Fatalf("%d stored hashes, want %d", hc, len(mem.hashes))
	}
	idx := make([]int64, len(mem.hashes))
	for i := range idx {
		idx[i] = int64(len(idx) - 1 - i) // any order
	}
	got, err := s.ReadLogHashes(ctx, idx)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range idx {
		if got[i] != mem.hashes[x] {
			t.Fatalf("stored hash %d differs from tlog's", x)
		}
	}
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range cps {
		c, err := custody.OpenCheckpoint(cp.Note, verifier)
		if err != nil {
			t.Fatalf("checkpoint %d: %v", cp.Size, err)
		}
		root, err := tlog.TreeHash(c.Size, mem)
		if err != nil {
			t.Fatal(err)
		}
		if c.Size != cp.Size || c.Root != root {
			t.Fatalf("checkpoint stored for %d names size %d root %v, want root %v", cp.Size, c.Size, c.Root, root)
		}
	}
	if n > 0 {
		if latest, err := s.Checkpoint(ctx); err != nil || latest.Size != n {
			t.Fatalf("latest checkpoint for %d entries (%v), want %d", latest.Size, err, n)
		}
	}
	return recs
}

func signerPair(t *testing.T) (*custody.Signer, string) {
	skey, vkey, err := custody.GenerateKey("example.org/test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := custody.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s, vkey
}

// TestLogMatchesTlog: after appends in batches of every size, the stored
// hashes are exactly tlog's, every checkpoint signs the tree it names,
// and proofs from the stored hashes check.
func TestLogMatchesTlog(t *testing.T) {
	t.Parallel()
	signer, vkey := signerPair(t)
	s, err := Create(t.Context(), pgtest.Database(t), signer)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	var data [][]byte
	for batch := 1; batch <= 9; batch++ {
		var recs []leaktrace.LogRecord
		for range batch {
			recs = append(recs, leaktrace.LogRecord{Kind: "trace", Data: fmt.Appendf(nil, "entry %d", len(data)+len(recs))})
		}
		first, err := s.AppendLog(ctx, recs)
		if err != nil {
			t.Fatal(err)
		}
		if first != int64(len(data)) {
			t.Fatalf("first index %d, want %d", first, len(data))
		}
		for _, r := range recs {
			data = append(data, r.Data)
		}
	}
	checkLog(t, s, vkey)
	if cps, _ := s.Checkpoints(ctx); len(cps) != 9 {
		t.Fatalf("%d checkpoints, want one per append", len(cps))
	}
	n := int64(len(data))
	stored := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) { return s.ReadLogHashes(ctx, ix) })
	root, err := tlog.TreeHash(n, stored)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		p, err := tlog.ProveRecord(n, i, stored)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, n, root, i, tlog.RecordHash(data[i])); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

// TestLogIsAppendOnly: the database refuses to change, remove or
// truncate log rows, whoever asks; the store refuses changes it can't
// sign.
func TestLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE log_entries SET data = '\x00'`, `DELETE FROM log_entries`, `TRUNCATE log_entries`,
		`UPDATE log_hashes SET hash = '\x00'`, `DELETE FROM log_hashes`, `TRUNCATE log_hashes`,
		`UPDATE log_checkpoints SET note = '\x00'`, `DELETE FROM log_checkpoints`, `TRUNCATE log_checkpoints`,
		`TRUNCATE log_entries, log_hashes, log_checkpoints CASCADE`,
	} {
		err := exec(t, url, q)
		if err == nil {
			t.Errorf("%s: allowed", q)
			continue
		}
		if !strings.Contains(err.Error(), "custody log is append-only") {
			t.Errorf("%s: %v, want the append-only trigger's refusal", q, err)
		}
	}
	if n, _ := s.LogSize(ctx); n != 1 {
		t.Fatalf("log has %d entries after the refused changes, want 1", n)
	}
	// Appending still works, through the store or not.
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}

	ro, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, []leaktrace.LogRecord{rec("recipient", "", "r")})
	if !errors.Is(err, leaktrace.ErrNoSigner) {
		t.Fatalf("change without a signer: %v", err)
	}
	if rs, _ := ro.Recipients(ctx); len(rs) != 0 {
		t.Fatal("an unsigned change was kept")
	}
}

// TestConcurrentWriters: goroutines on two independently opened stores
// on one database (as two servers would be) append at once, single
// records and batches, beside changes of other kinds. Every change
// commits, and the log is gap-free: every entry once, each writer's
// batches contiguous and in its order, and every checkpoint signs
// exactly the entries before it.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	signer, vkey := signerPair(t)
	url := pgtest.Database(t)
	ctx := t.Context()
	a, err := Create(ctx, url, signer)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, url, signer)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const writers, appends = 8, 12
	var wg sync.WaitGroup
	errs := make(chan error, writers*appends)
	for w := range writers {
		s := []*Store{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range appends {
				id := fmt.Sprintf("w%d-%d", w, i)
				var err error
				switch i % 3 {
				case 0:
					_, err = s.AppendLog(ctx, []leaktrace.LogRecord{rec("trace", id, "")})
				case 1:
					_, err = s.AppendLog(ctx, []leaktrace.LogRecord{rec("trace", id, "1"), rec("trace", id, "2"), rec("trace", id, "3")})
				case 2:
					err = s.AddRecipients(ctx, []leaktrace.Recipient{{ID: id, AddedAt: time.Now()}}, []leaktrace.LogRecord{rec("recipient", "", id)})
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", id, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	recs := checkLog(t, a, vkey)
	if want := writers * appends / 3 * 5; len(recs) != want {
		t.Fatalf("%d entries, want %d", len(recs), want)
	}
	seen := map[string]int{}
	for i, r := range recs {
		key := string(r.Data)
		if _, dup := seen[key]; dup {
			t.Fatalf("entry %q twice", key)
		}
		seen[key] = i
		if r.Recipient == "2" || r.Recipient == "3" {
			prev := string(recs[i-1].Data)
			if want := fmt.Sprintf("trace/%s/%d", r.Document, r.Recipient[0]-'0'-1); prev != want {
				t.Fatalf("entry %d is %q after %q: a batch was interleaved", i, key, prev)
			}
		}
	}
	if cps, _ := b.Checkpoints(ctx); len(cps) != writers*appends {
		t.Fatalf("%d checkpoints, want one per change", len(cps))
	}
	if ids, _ := b.RecipientIDs(ctx); len(ids) != writers*appends/3 {
		t.Fatalf("%d readers added, want %d", len(ids), writers*appends/3)
	}
}

// TestConcurrentChangesAllCommit: many changes at once through one Store
// (a server's concurrent downloads) all commit, waiting their turn.
func TestConcurrentChangesAllCommit(t *testing.T) {
	t.Parallel()
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
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if size, _ := s.LogSize(ctx); size != n {
		t.Fatalf("the log has %d entries, want %d", size, n)
	}
}

// TestRetry: a change that fails with a serialization failure or a
// deadlock runs again, a bounded number of times; any other error is
// returned at once; what a failed attempt wrote is rolled back.
func TestRetry(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	for _, tc := range []struct {
		code     string
		failures int
		attempts int
		ok       bool
	}{
		{"40001", 2, 3, true},
		{"40P01", 1, 2, true},
		{"40001", 99, retries, false},
		{"23505", 1, 1, false},
		{"55P03", 1, 1, false},
	} {
		attempts := 0
		err := s.tx(ctx, func(tx pgx.Tx) error {
			attempts++
			if _, err := tx.Exec(ctx, `INSERT INTO meta (name, value) VALUES ('retry', $1)`, tc.code); err != nil {
				return err
			}
			if attempts <= tc.failures {
				return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: tc.code})
			}
			return nil
		})
		if attempts != tc.attempts || (err == nil) != tc.ok {
			t.Errorf("SQLSTATE %s %d times: %d attempts, %v; want %d attempts, ok %v", tc.code, tc.failures, attempts, err, tc.attempts, tc.ok)
		}
		v, ok, _ := s.Meta(ctx, "retry")
		if ok != tc.ok || (ok && v != tc.code) {
			t.Errorf("SQLSTATE %s %d times: meta %q, %v", tc.code, tc.failures, v, ok)
		}
		if err := exec(t, url, `DELETE FROM meta`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLogLockRowStays: the database refuses to change or remove the
// log_lock row, whoever asks; and should it go anyway (here: with the
// triggers off), changes fail with ErrLogCorrupt instead of running
// without taking turns.
func TestLogLockRowStays(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	for _, q := range []string{`UPDATE log_lock SET id = 2`, `DELETE FROM log_lock`, `TRUNCATE log_lock`} {
		err := exec(t, url, q)
		if err == nil || !strings.Contains(err.Error(), "the log_lock row must stay") {
			t.Errorf("%s: %v, want the trigger's refusal", q, err)
		}
	}
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	if err := exec(t, url, `SET session_replication_role = replica; DELETE FROM log_lock`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				_, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("access", "d", "r")})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, leaktrace.ErrLogCorrupt) {
			t.Fatalf("AppendLog without the log_lock row: %v, want ErrLogCorrupt", err)
		}
	}
	if n, _ := s.LogSize(ctx); n != 1 {
		t.Errorf("log has %d entries, want 1: nothing appended without the lock", n)
	}
}
