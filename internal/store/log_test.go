package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// TestLogMatchesTlog: after appends in batches of every size, the stored
// hashes are exactly tlog's, every checkpoint signs the tree it names, and
// proofs from the stored hashes check.
func TestLogMatchesTlog(t *testing.T) {
	skey, vkey, err := custody.GenerateKey("example.org/test")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := custody.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	s, err := Create(t.Context(), filepath.Join(t.TempDir(), "leaktrace.db"), signer)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()

	var data [][]byte
	var want []tlog.Hash // stored hashes recomputed in memory
	mem := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for i, x := range ix {
			out[i] = want[x]
		}
		return out, nil
	})
	for batch := 1; batch <= 9; batch++ {
		var recs []leaktrace.LogRecord
		for range batch {
			r := leaktrace.LogRecord{Kind: "trace", Data: fmt.Appendf(nil, "entry %d", len(data)+len(recs))}
			recs = append(recs, r)
		}
		first, err := s.AppendLog(ctx, recs)
		if err != nil {
			t.Fatal(err)
		}
		if first != int64(len(data)) {
			t.Fatalf("first index %d, want %d", first, len(data))
		}
		for _, r := range recs {
			hs, err := tlog.StoredHashes(int64(len(data)), r.Data, mem)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, hs...)
			data = append(data, r.Data)
		}
	}
	n := int64(len(data))
	if got, _ := s.LogSize(ctx); got != n {
		t.Fatalf("LogSize = %d, want %d", got, n)
	}
	if got, _ := s.LogHashCount(ctx); got != int64(len(want)) {
		t.Fatalf("LogHashCount = %d, want %d", got, len(want))
	}
	idx := make([]int64, len(want))
	for i := range idx {
		idx[i] = int64(len(want) - 1 - i) // any order
	}
	got, err := s.ReadLogHashes(ctx, idx)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range idx {
		if got[i] != want[x] {
			t.Fatalf("stored hash %d differs from tlog's", x)
		}
	}
	cps, err := s.Checkpoints(ctx)
	if err != nil || len(cps) != 9 {
		t.Fatalf("%d checkpoints (%v), want one per append", len(cps), err)
	}
	for _, cp := range cps {
		c, err := custody.OpenCheckpoint(cp.Note, verifier)
		if err != nil {
			t.Fatal(err)
		}
		root, _ := tlog.TreeHash(c.Size, mem)
		if c.Size != cp.Size || c.Root != root {
			t.Fatalf("checkpoint %d: size %d root %v, want root %v", cp.Size, c.Size, c.Root, root)
		}
	}
	latest, err := s.Checkpoint(ctx)
	if err != nil || latest.Size != n {
		t.Fatalf("latest checkpoint size %d (%v), want %d", latest.Size, err, n)
	}
	root, _ := tlog.TreeHash(n, mem)
	stored := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) { return s.ReadLogHashes(ctx, ix) })
	for i := range n {
		p, err := tlog.ProveRecord(n, i, stored)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, n, root, i, tlog.RecordHash(data[i])); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	es, err := s.LogEntries(ctx, 3, 6)
	if err != nil || len(es) != 3 || string(es[0].Data) != "entry 3" {
		t.Fatalf("LogEntries(3, 6) = %v, %v", es, err)
	}
	if _, err := s.LogEntries(ctx, n-1, n+1); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("LogEntries past the end: %v", err)
	}
}

// TestLogIsAppendOnly: the store refuses to change or remove log rows,
// and refuses changes it cannot sign.
func TestLogIsAppendOnly(t *testing.T) {
	s, path := newStore(t)
	ctx := t.Context()
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE log_entries SET data = x'00'`, `DELETE FROM log_entries`,
		`UPDATE log_hashes SET hash = x'00'`, `DELETE FROM log_hashes`,
		`UPDATE log_checkpoints SET note = x'00'`, `DELETE FROM log_checkpoints`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	s.Close()

	ro, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, []leaktrace.LogRecord{rec("recipient", "", "r")})
	if !errors.Is(err, ErrNoSigner) {
		t.Fatalf("change without a signer: %v", err)
	}
	if rs, _ := ro.Recipients(ctx); len(rs) != 0 {
		t.Fatal("an unsigned change was kept")
	}
}

// TestFindLogEntries finds an object's entries by the lookup columns.
func TestFindLogEntries(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")})
	d := &leaktrace.Document{ID: "d", Content: []byte("x"), Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: time.Now()}
	if err := s.AddDocument(ctx, d, rec("document", "d", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}, {ID: "q", AddedAt: time.Now()}},
		[]leaktrace.LogRecord{rec("recipient", "", "r"), rec("recipient", "", "q")}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: "d", Recipient: "r", SHA256: "00", IssuedAt: time.Now()}}, []leaktrace.LogRecord{rec("copy", "d", "r")}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindLogEntries(ctx, "copy", "d", "r")
	if err != nil || len(got) != 2 || got[0] != 4 || got[1] != 5 {
		t.Fatalf("FindLogEntries = %v, %v; want [4 5]", got, err)
	}
	if got, _ := s.FindLogEntries(ctx, "copy", "d", "q"); len(got) != 0 {
		t.Fatalf("found a copy never issued: %v", got)
	}
	if cs, _ := s.Copies(ctx, ""); len(cs) != 1 {
		t.Fatalf("Copies(\"\") = %v", cs)
	}
}
