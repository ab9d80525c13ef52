package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
)

// TestVerifyWhileAnotherHandleWrites: log verify reads one snapshot, so a
// writer committing documents, readers, copies and traces while it runs
// never makes it report a problem. The writer uses its own handle on the
// home, with its own connections, as another process would.
func TestVerifyWhileAnotherHandleWrites(t *testing.T) {
	s, dir := newHome(t)
	ctx := t.Context()
	w, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m, _, err := w.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}

	var writes atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- func() error {
			ctx := WithActor(ctx, "writer")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return nil
				default:
				}
				id := fmt.Sprintf("w%d", i)
				if err := w.AddRecipients(ctx, []leaktrace.Recipient{{ID: id}}); err != nil {
					return err
				}
				writes.Add(1)
				if _, err := w.Issue(ctx, m, []string{id, "r3"}); err != nil {
					return err
				}
				writes.Add(1)
				if _, err := w.LogTrace(ctx, strings.Repeat("0", 64), []byte(`{"matches":[]}`)); err != nil {
					return err
				}
				writes.Add(1)
				if i%10 == 0 {
					text := fmt.Sprintf("%s\nAddendum %d: the review continues next quarter.\n", memo, i)
					if _, err := w.AddDocument(ctx, "memo.txt", []byte(text), fmt.Sprintf("memo-%d", i), ""); err != nil {
						return err
					}
					writes.Add(1)
				}
			}
		}()
	}()
	// Wait for the writer to be under way.
	for writes.Load() == 0 {
		select {
		case err := <-done:
			t.Fatalf("writer stopped: %v", err)
		default:
		}
	}

	// Verify until enough runs have overlapped a commit: each run takes
	// milliseconds, a commit waits for fsync.
	const want, most = 20, 5000
	overlapped, runs := 0, 0
	for ; overlapped < want && runs < most; runs++ {
		before := writes.Load()
		rep, err := s.VerifyLog(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Fatalf("verify run %d, of a log being written, reports problems: %v", runs, rep.Problems)
		}
		if writes.Load() > before {
			overlapped++
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	// The test proves nothing unless writes committed while verify ran.
	if overlapped < want {
		t.Fatalf("only %d of %d verify runs overlapped a write", overlapped, runs)
	}
	// And what was written while verifying verifies too.
	verifyOK(t, s, nil)
}

// TestVerifyChecksTheLookupIndex: an index that has lost rows, gained
// rows or holds another document's rows is reported, as stale or damaged
// and not as tampering with the log, and Reindex repairs it.
func TestVerifyChecksTheLookupIndex(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		want  string
	}{
		{"deleted", `DELETE FROM fingerprints`, `document "memo": stale or damaged lookup index: 0 fingerprints stored, its content gives`},
		{"one row lost", `DELETE FROM fingerprints WHERE hash = (SELECT MIN(hash) FROM fingerprints)`, `document "memo": stale or damaged lookup index`},
		{"row moved", `UPDATE fingerprints SET pos = pos + 1000 WHERE hash = (SELECT MIN(hash) FROM fingerprints)`, `document "memo": stale or damaged lookup index: its 9 fingerprints differ from those its content gives`},
		{"row hash changed", `UPDATE fingerprints SET hash = hash + 1 WHERE hash = (SELECT MIN(hash) FROM fingerprints)`, `document "memo": stale or damaged lookup index: its 9 fingerprints differ from those its content gives`},
		{"number dropped", `DELETE FROM doc_numbers`, `document "memo": stale or damaged lookup index: 0 fingerprints stored`},
		{"orphan rows", `INSERT INTO fingerprints VALUES (42, 99, 0)`, `the lookup index has rows of no registered document (1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, dir := newHome(t)
			ctx := t.Context()
			if rep := verifyOK(t, s, nil); rep.Fingerprints == 0 {
				t.Fatalf("verify checked no fingerprints: %+v", rep)
			}
			tamper(t, dir, tc.query)
			rep, err := s.VerifyLog(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK || !errors.Is(rep.Err(), ErrIndex) || errors.Is(rep.Err(), ErrTampered) {
				t.Fatalf("damaged index: ok=%v err=%v problems=%v", rep.OK, rep.Err(), rep.Problems)
			}
			if !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Fatalf("problems:\n%s\nwant one containing %q", strings.Join(rep.Problems, "\n"), tc.want)
			}
			size, _ := s.Store.LogSize(ctx)
			if _, err := s.Reindex(ctx, nil); err != nil {
				t.Fatal(err)
			}
			verifyOK(t, s, nil)
			if after, _ := s.Store.LogSize(ctx); after != size {
				t.Errorf("reindex changed the log's size from %d to %d", size, after)
			}
		})
	}
}

// TestReindexRestoresTracing: with the index deleted, a whole copy is not
// found; after Reindex it is traced to its reader again, and only the
// documents whose rows changed are listed.
func TestReindexRestoresTracing(t *testing.T) {
	s, dir := newHome(t)
	ctx := t.Context()
	if _, err := s.AddDocument(ctx, "other.txt", []byte(strings.ReplaceAll(memo, "June", "July")+"\nA second page follows.\n"), "other", ""); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := m.Copy("r2")
	if err != nil {
		t.Fatal(err)
	}
	found := func() bool {
		rep, err := s.Trace(ctx, "leak.txt", cp, DefaultEpsilon, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range rep.Matches {
			if m.Source.ID == "memo" {
				return true
			}
		}
		return false
	}
	if !found() {
		t.Fatal("the copy is not found before the index is damaged")
	}
	tamper(t, dir, `DELETE FROM fingerprints WHERE num = (SELECT num FROM doc_numbers WHERE document = 'memo')`)
	if found() {
		t.Fatal("the copy is still found with its document's index deleted")
	}
	got, err := s.Reindex(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Documents != 2 || len(got.Rebuilt) != 1 || got.Rebuilt[0] != "memo" || got.Removed != 0 {
		t.Fatalf("reindex: %+v, want 2 documents with memo rebuilt", got)
	}
	if !found() {
		t.Fatal("the copy is not found after reindex")
	}
	verifyOK(t, s, nil)

	// A second run changes nothing.
	again, err := s.Reindex(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Rebuilt) != 0 || again.Fingerprints != got.Fingerprints {
		t.Fatalf("second reindex: %+v after %+v", again, got)
	}
}

// TestReindexNeedsNoLogKey: reindex changes no logged row and derives
// the index from content alone, so a home without log.key (which refuses
// logged changes) or marking.key can still rebuild its index.
func TestReindexNeedsNoLogKey(t *testing.T) {
	s, dir := newHome(t)
	s.Close()
	for _, f := range []string{LogKeyFile, KeyFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	tamper(t, dir, `DELETE FROM fingerprints`)
	ro, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Reindex(t.Context(), nil); err != nil {
		t.Fatalf("reindex without log.key: %v", err)
	}
	verifyOK(t, ro, nil)
	if err := ro.AddRecipients(t.Context(), []leaktrace.Recipient{{ID: "r4"}}); !errors.Is(err, ErrNoLogKey) {
		t.Fatalf("logged change without log.key: %v", err)
	}
}

// TestFingerprintsAsAddDocument: the index verify and Reindex recompute
// is the one AddDocument stores, for every format.
func TestFingerprintsAsAddDocument(t *testing.T) {
	dir := filepath.Join("..", "marks", "testdata", "golden")
	for _, name := range []string{"memo.txt", "guide.md", "ascii.eml", "latin1-qp.eml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		a, err := leaktrace.Analyze(name, data)
		if err != nil {
			t.Fatal(err)
		}
		want := index.Winnow(a.Canonical())
		got, err := fingerprints(&leaktrace.Document{ID: name, Filename: name, Content: data})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: %d fingerprints recomputed, AddDocument stores %d (or they differ)", name, len(got), len(want))
		}
	}
}

func TestReportErrCountsProblems(t *testing.T) {
	for _, tc := range []struct {
		rep  Report
		want string
	}{
		{Report{Problems: []string{"a"}}, "(1 problem; first: a)"},
		{Report{Problems: []string{"a", "b"}}, "(2 problems; first: a)"},
		{Report{Problems: []string{"a"}, Omitted: 3}, "(4 problems; first: a)"},
	} {
		if err := tc.rep.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Err() = %v, want it to contain %q", err, tc.want)
		}
	}
}
