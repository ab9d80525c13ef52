package pgstore

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/store"
)

func testDoc(id string) *leaktrace.Document {
	return &leaktrace.Document{ID: id, Title: id, Filename: id + ".txt", Format: "txt", Content: []byte("content of " + id),
		SHA256: "x", Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: time.Now()}
}

// TestIndexDigestsAndReindex: the stored digest of a document equals
// DigestFingerprints of what was stored; Reindex replaces every
// document's rows, drops rows of no document, and lists the documents
// whose rows changed; a failed Reindex changes nothing.
func TestIndexDigestsAndReindex(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
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
		if got, want := st.Documents[id], store.DigestFingerprints(f); got != want {
			t.Errorf("document %s: stored digest %+v, want %+v", id, got, want)
		}
	}

	// Damage, past the foreign keys: a's rows lost, a row of a number
	// that names no document, and a number of a document that is gone.
	if err := exec(t, url, `SET session_replication_role = replica;
		DELETE FROM fingerprints WHERE num = (SELECT num FROM doc_numbers WHERE document = 'a');
		INSERT INTO fingerprints VALUES (3, 99, 0);
		INSERT INTO doc_numbers VALUES (98, 'gone')`); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.IndexDigests(ctx); st.Documents["a"].Count != 0 || st.Orphans != 2 {
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
	if res.Documents != 3 || res.Fingerprints != 6 || res.Removed != 2 || len(res.Rebuilt) != 1 || res.Rebuilt[0] != "a" {
		t.Fatalf("reindex: %+v, want 3 documents, 6 fingerprints, 2 removed, a rebuilt", res)
	}
	if fmt.Sprint(calls) != "[13 23 33]" {
		t.Errorf("progress calls %v, want 1/3, 2/3, 3/3", calls)
	}
	st, err = s.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 6 || st.Orphans != 0 || st.Documents["a"] != store.DigestFingerprints(fps["a"]) {
		t.Fatalf("index after reindex %+v", st)
	}
	if ps, err := s.Lookup(ctx, []int64{5}); err != nil || len(ps) != 3 {
		t.Fatalf("lookup after reindex: %v %v, want 3 postings of hash 5", ps, err)
	}

	fail := errors.New("no")
	if _, err := s.Reindex(ctx, func(*leaktrace.Document) ([]index.Fingerprint, error) { return nil, fail }, nil); !errors.Is(err, fail) {
		t.Fatalf("reindex with a failing function: %v", err)
	}
	if st2, _ := s.IndexDigests(ctx); st2.Rows != 6 {
		t.Fatalf("a failed reindex left %d rows, want 6", st2.Rows)
	}
	// A document added after a reindex gets the next number.
	d := testDoc("d")
	d.Fingerprints = []index.Fingerprint{{Hash: 5, Pos: 9}}
	if err := s.AddDocument(ctx, d, rec("document", "d", "")); err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.Lookup(ctx, []int64{5}); len(ps) != 4 || ps[3].Doc != "d" {
		t.Fatalf("lookup of a document added after a reindex: %v", ps)
	}
}

// TestLookupMaxPostings: a hash with more than MaxPostings postings is
// left out, its rows or not; one with exactly MaxPostings is kept; the
// order is the hashes' first appearance, then the index's.
func TestLookupMaxPostings(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	// MaxPostings+1 documents hold hash 1, MaxPostings hold hash 2,
	// and every third holds hash 3 twice.
	if err := exec(t, url, fmt.Sprintf(`INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
			SELECT 'd' || lpad(i::text, 5, '0'), '', '', 'txt', '', '', 0, 0, '{}', 1, '' FROM generate_series(1, %[1]d) i;
		INSERT INTO doc_numbers (num, document) SELECT i, 'd' || lpad(i::text, 5, '0') FROM generate_series(1, %[1]d) i;
		INSERT INTO fingerprints (hash, num, pos) SELECT 1, i, 0 FROM generate_series(1, %[1]d) i;
		INSERT INTO fingerprints (hash, num, pos) SELECT 2, i, 7 FROM generate_series(2, %[1]d) i;
		INSERT INTO fingerprints (hash, num, pos) SELECT 3, i, p FROM generate_series(1, %[1]d, 3) i, generate_series(5, 4, -1) p`,
		MaxPostings+1)); err != nil {
		t.Fatal(err)
	}
	ps, err := s.Lookup(ctx, []int64{3, 1, 2, 3, 404})
	if err != nil {
		t.Fatal(err)
	}
	var want []index.Posting
	for i := 1; i <= MaxPostings+1; i += 3 {
		for _, p := range []int32{4, 5} {
			want = append(want, index.Posting{Doc: fmt.Sprintf("d%05d", i), Hash: 3, Pos: p})
		}
	}
	for i := 2; i <= MaxPostings+1; i++ {
		want = append(want, index.Posting{Doc: fmt.Sprintf("d%05d", i), Hash: 2, Pos: 7})
	}
	if len(ps) != len(want) {
		t.Fatalf("%d postings, want %d", len(ps), len(want))
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Fatalf("posting %d is %+v, want %+v", i, ps[i], want[i])
		}
	}
	if ps, err := s.Lookup(ctx, []int64{1}); err != nil || ps != nil {
		t.Fatalf("lookup of a boilerplate hash: %v, %v; want none", ps, err)
	}
}

// TestReindexProgressOnRetry: when Reindex's transaction fails with a
// serialization failure part way (here: raised by a trigger on its
// second insert) and runs again, progress never goes backwards.
func TestReindexProgressOnRetry(t *testing.T) {
	t.Parallel()
	s, url := newStore(t)
	ctx := t.Context()
	fps := map[string][]index.Fingerprint{"a": {{Hash: 1, Pos: 0}}, "b": {{Hash: 2, Pos: 0}}, "c": {{Hash: 3, Pos: 0}}}
	for _, id := range []string{"a", "b", "c"} {
		d := testDoc(id)
		d.Fingerprints = fps[id]
		if err := s.AddDocument(ctx, d, rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
	}
	// A sequence is not rolled back: only the first attempt's second
	// insert fails.
	if err := exec(t, url, `CREATE SEQUENCE inserts;
		CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('inserts') = 2 THEN
				RAISE EXCEPTION 'injected' USING ERRCODE = '40001';
			END IF;
			RETURN NULL;
		END
		$$;
		CREATE TRIGGER fail_once BEFORE INSERT ON fingerprints
			FOR EACH STATEMENT EXECUTE FUNCTION fail_once();`); err != nil {
		t.Fatal(err)
	}
	var calls []int
	res, err := s.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) { return fps[d.ID], nil },
		func(done, total int) { calls = append(calls, done*10+total) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 3 || res.Fingerprints != 3 {
		t.Fatalf("reindex: %+v, want 3 documents, 3 fingerprints", res)
	}
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT nextval('inserts')`).Scan(&n); err != nil || n < 5 {
		t.Fatalf("the trigger ran %d times (%v): the transaction did not run again", n-1, err)
	}
	if fmt.Sprint(calls) != "[13 23 33]" {
		t.Errorf("progress calls %v, want 1/3, 2/3, 3/3 once each", calls)
	}
}
