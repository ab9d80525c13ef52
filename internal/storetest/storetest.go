// Package storetest is the conformance suite of [leaktrace.Store]. Every
// backend's own tests run it on stores of that backend:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Backend{Name: "sqlite", New: newHandle})
//	}
//
// so that SQLite, PostgreSQL and any later backend keep the same
// contracts: what each method stores and returns, the custody log's
// indexes, stored hashes and signed checkpoints, isolation of snapshots,
// append-only log tables, concurrent writers in several processes, and
// every error (ErrExists, ErrNotFound, ErrNoSigner, ErrChanged) leaving
// the store and its log as they were.
//
// Checkpoints are signed by a real custody signer and verified with the
// real verifier. The suite reads only through the Store interface, except
// for the few raw SQL statements of [Handle.Exec], which are plain SQL
// that SQLite and PostgreSQL both accept.
package storetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Backend makes stores of one implementation for the suite.
type Backend struct {
	// Name names the backend in failures.
	Name string
	// New creates a new, empty store whose changes signer signs, and
	// closes it (and removes it) when t ends.
	New func(t *testing.T, signer leaktrace.CheckpointSigner) *Handle
}

// Handle is one store made by [Backend.New].
type Handle struct {
	// Store is the store, open with the signer New was given.
	Store leaktrace.Store
	// Open opens the same store again, independently of Store, as
	// another process would (its own connections), with signer, which
	// may be nil for a handle that only reads. The handle is closed
	// when t ends.
	Open func(t *testing.T, signer leaktrace.CheckpointSigner) leaktrace.Store
	// Exec runs one raw SQL statement on the store's database, outside
	// the store, on a connection of its own, and returns its error.
	Exec func(ctx context.Context, query string) error
}

// Run runs every test of the suite on stores that b makes, each test on a
// store of its own.
func Run(t *testing.T, b Backend) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"Documents", testDocuments},
		{"Recipients", testRecipients},
		{"Copies", testCopies},
		{"SampleCopies", testSampleCopies},
		{"Lookup", testLookup},
		{"LookupMaxPostings", testLookupMaxPostings},
		{"PostingCounts", testPostingCounts},
		{"DocumentIDFoldedAndSHA256", testDocumentIDFoldedAndSHA256},
		{"IndexDigestsAndReindex", testReindex},
		{"LogAppend", testLogAppend},
		{"FindLogEntries", testFindLogEntries},
		{"Snapshot", testSnapshot},
		{"AppendOnly", testAppendOnly},
		{"NoSigner", testNoSigner},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentGuards", testConcurrentGuards},
		{"Meta", testMeta},
		{"Grants", testGrants},
		{"Tokens", testTokens},
		{"Passwords", testPasswords},
		{"UpdateRecipient", testUpdateRecipient},
		{"SetMarking", testSetMarking},
		{"RecordAccess", testRecordAccess},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newEnv(t, b))
		})
	}
	RunWatch(t, b)
}

// env is one test's store, with the key its checkpoints are signed with.
type env struct {
	b        Backend
	skey     string
	verifier note.Verifier
	h        *Handle
	s        leaktrace.Store
}

func newEnv(t *testing.T, b Backend) *env {
	t.Helper()
	skey, vkey, err := custody.GenerateKey("example.org/storetest")
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{b: b, skey: skey, verifier: v}
	e.h = b.New(t, e.signer(t))
	if e.h == nil || e.h.Store == nil {
		t.Fatalf("%s: New returned no store", b.Name)
	}
	e.s = e.h.Store
	return e
}

// signer returns a new signer of the store's key, as another process
// holding the key would make.
func (e *env) signer(t *testing.T) *custody.Signer {
	t.Helper()
	s, err := custody.NewSigner(e.skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// open opens a second handle on the store, signing with the store's key
// if signed, else with no signer.
func (e *env) open(t *testing.T, signed bool) leaktrace.Store {
	t.Helper()
	if signed {
		return e.h.Open(t, e.signer(t))
	}
	return e.h.Open(t, nil)
}

// rec is a log record whose data merely names it: the store does not
// interpret entries.
func rec(kind, doc, recipient string) leaktrace.LogRecord {
	return leaktrace.LogRecord{Kind: kind, Document: doc, Recipient: recipient, Data: []byte(kind + "/" + doc + "/" + recipient)}
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

// doc is a minimal document.
func doc(id string) *leaktrace.Document {
	return &leaktrace.Document{ID: id, Title: "Title of " + id, Filename: id + ".txt", Format: "txt",
		Content: []byte("content of " + id), SHA256: "ab", Words: 3,
		Marks: leaktrace.Marks{Total: 0, ByChannel: map[string]int{}}, Scheme: 1, AddedAt: t0}
}

// addDocs adds documents with the given ids and fingerprints.
func addDocs(t *testing.T, s leaktrace.Store, fps map[string][]index.Fingerprint, ids ...string) {
	t.Helper()
	for _, id := range ids {
		d := doc(id)
		d.Fingerprints = fps[id]
		if err := s.AddDocument(t.Context(), d, rec("document", id, "")); err != nil {
			t.Fatalf("AddDocument(%s): %v", id, err)
		}
	}
}

// addReaders adds recipients with the given ids.
func addReaders(t *testing.T, s leaktrace.Store, ids ...string) {
	t.Helper()
	rs := make([]leaktrace.Recipient, len(ids))
	recs := make([]leaktrace.LogRecord, len(ids))
	for i, id := range ids {
		rs[i] = leaktrace.Recipient{ID: id, Name: "Name of " + id, Email: id + "@example.org", AddedAt: t0}
		recs[i] = rec("recipient", "", id)
	}
	if err := s.AddRecipients(t.Context(), rs, recs); err != nil {
		t.Fatalf("AddRecipients(%v): %v", ids, err)
	}
}

// vault is a store with documents d1, d2 and readers a, b.
func vault(t *testing.T, e *env) leaktrace.Store {
	t.Helper()
	addDocs(t, e.s, nil, "d1", "d2")
	addReaders(t, e.s, "a", "b")
	return e.s
}

func logSize(t *testing.T, r leaktrace.StoreReader) int64 {
	t.Helper()
	n, err := r.LogSize(t.Context())
	if err != nil {
		t.Fatalf("LogSize: %v", err)
	}
	return n
}

// dump renders everything a StoreReader shows (but meta), so that two
// dumps are equal only if nothing changed: every document with its
// content and grants, reader with their password, copy, token, the
// lookup index's digests, and the whole custody log.
func dump(t *testing.T, r leaktrace.StoreReader) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	put := func(what string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("dump: %s: %v", what, err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("dump: %s: %v", what, err)
		}
		fmt.Fprintf(&b, "%s %s\n", what, j)
	}
	ds, err := r.Documents(ctx)
	put("documents", len(ds), err)
	for _, d := range ds {
		full, err := r.Document(ctx, d.ID)
		put("document", full, err)
		g, err := r.Grants(ctx, d.ID)
		put("grants", g, err)
	}
	n, err := r.DocumentCount(ctx)
	put("count", n, err)
	rs, err := r.Recipients(ctx)
	put("recipients", rs, err)
	for _, x := range rs {
		p, err := r.Password(ctx, x.ID)
		if errors.Is(err, leaktrace.ErrNotFound) {
			p, err = "(none)", nil
		}
		put("password", p, err)
	}
	cs, err := r.Copies(ctx, "")
	put("copies", cs, err)
	ts, err := r.Tokens(ctx, "")
	put("tokens", ts, err)
	st, err := r.IndexDigests(ctx)
	put("index", st, err)
	size, err := r.LogSize(ctx)
	put("log size", size, err)
	hc, err := r.LogHashCount(ctx)
	put("hash count", hc, err)
	es, err := r.LogEntries(ctx, 0, size)
	put("entries", es, err)
	cps, err := r.Checkpoints(ctx)
	put("checkpoints", cps, err)
	return b.String()
}

// unchanged runs a change that must fail with want (any error if want is
// nil) and checks that the store, its log included, is as it was.
func unchanged(t *testing.T, r leaktrace.StoreReader, what string, want error, change func() error) {
	t.Helper()
	before := dump(t, r)
	err := change()
	switch {
	case err == nil:
		t.Errorf("%s: no error", what)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: %v, want %v", what, err, want)
	}
	if after := dump(t, r); after != before {
		t.Errorf("%s changed the store:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

// memLog is the custody log recomputed in memory from its entries' data.
type memLog struct{ hashes []tlog.Hash }

func (m *memLog) ReadHashes(ix []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ix))
	for i, x := range ix {
		if x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("hash %d not computed", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memLog) add(t *testing.T, n int64, data []byte) {
	t.Helper()
	hs, err := tlog.StoredHashes(n, data, m)
	if err != nil {
		t.Fatal(err)
	}
	m.hashes = append(m.hashes, hs...)
}

// checkLog checks the whole custody log as stored: entries 0..size-1 all
// present, the stored hashes exactly tlog's for their data, every
// checkpoint signed by the store's key over the tree of its size, sizes
// increasing, the latest checkpoint the last one and of the whole log,
// and an inclusion proof of every entry. It returns the entries.
func (e *env) checkLog(t *testing.T, r leaktrace.StoreReader) []leaktrace.LogRecord {
	t.Helper()
	ctx := t.Context()
	size := logSize(t, r)
	es, err := r.LogEntries(ctx, 0, size)
	if err != nil {
		t.Fatalf("LogEntries(0, %d): %v", size, err)
	}
	if int64(len(es)) != size {
		t.Fatalf("LogEntries(0, %d) gave %d entries", size, len(es))
	}
	mem := &memLog{}
	for i, x := range es {
		mem.add(t, int64(i), x.Data)
	}
	if hc, err := r.LogHashCount(ctx); err != nil || hc != int64(len(mem.hashes)) || hc != tlog.StoredHashCount(size) {
		t.Fatalf("LogHashCount = %d (%v), want %d", hc, err, len(mem.hashes))
	}
	ix := make([]int64, len(mem.hashes))
	for i := range ix {
		ix[i] = int64(len(ix) - 1 - i) // any order
	}
	got, err := r.ReadLogHashes(ctx, ix)
	if err != nil || len(got) != len(ix) {
		t.Fatalf("ReadLogHashes: %d hashes, %v", len(got), err)
	}
	for i, x := range ix {
		if got[i] != mem.hashes[x] {
			t.Fatalf("stored hash %d differs from tlog's", x)
		}
	}
	cps, err := r.Checkpoints(ctx)
	if err != nil {
		t.Fatalf("Checkpoints: %v", err)
	}
	if size == 0 {
		if len(cps) != 0 {
			t.Fatalf("an empty log has checkpoints %v", cps)
		}
		return es
	}
	var prev int64
	for _, cp := range cps {
		c, err := custody.OpenCheckpoint(cp.Note, e.verifier)
		if err != nil {
			t.Fatalf("checkpoint %d: %v", cp.Size, err)
		}
		root, err := tlog.TreeHash(c.Size, mem)
		if err != nil {
			t.Fatalf("checkpoint %d: %v", cp.Size, err)
		}
		if c.Size != cp.Size || c.Root != root {
			t.Fatalf("checkpoint stored for size %d signs size %d, root %v; the tree's root is %v", cp.Size, c.Size, c.Root, root)
		}
		if cp.Size <= prev {
			t.Fatalf("checkpoint sizes not increasing: %d after %d", cp.Size, prev)
		}
		prev = cp.Size
	}
	if prev != size {
		t.Fatalf("the last checkpoint is of %d entries, the log has %d", prev, size)
	}
	latest, err := r.Checkpoint(ctx)
	if err != nil || latest.Size != size || !bytes.Equal(latest.Note, cps[len(cps)-1].Note) {
		t.Fatalf("Checkpoint = %d (%v), want the last of Checkpoints, %d", latest.Size, err, size)
	}
	root, _ := tlog.TreeHash(size, mem)
	stored := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) { return r.ReadLogHashes(ctx, ix) })
	for i := range size {
		p, err := tlog.ProveRecord(size, i, stored)
		if err != nil {
			t.Fatalf("proving entry %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, size, root, i, tlog.RecordHash(es[i].Data)); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	return es
}

// entryIs checks that entry i of the log is rec.
func entryIs(t *testing.T, r leaktrace.StoreReader, i int64, want leaktrace.LogRecord) {
	t.Helper()
	es, err := r.LogEntries(t.Context(), i, i+1)
	if err != nil {
		t.Fatalf("LogEntries(%d): %v", i, err)
	}
	if !reflect.DeepEqual(es[0], want) {
		t.Fatalf("log entry %d = %+v, want %+v", i, es[0], want)
	}
}

func testDocuments(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	words := 40
	pages := 0.5
	full := &leaktrace.Document{ID: "memo", Title: "Memo", Filename: "memo.eml", Format: "eml",
		Content: []byte("text\x00\xff with bytes that are not UTF-8"), SHA256: "abcd", Words: 7,
		Marks:  leaktrace.Marks{Total: 3, ByChannel: map[string]int{"typographic": 2, "lexical": 1}},
		Scheme: 2, Catalogue: 3, Verbatim: true, Reencode: true,
		Variants:       []marks.AuthorVariant{{Original: "begin", Alternatives: []string{"start", "commence"}}},
		VariantsSHA256: "ef01",
		AddedAt:        time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600)),
		Capacity: &leaktrace.Capacity{Recipients: 10, Epsilon: 1e-6, WordsNeeded: map[string]*int{"none": &words, "paraphrase": nil},
			PagesNeeded: map[string]*float64{"photo": &pages}, Layout: &leaktrace.LayoutCapacity{Version: 1, Pages: 2, Points: 30}},
		Baseline:     &leaktrace.Baseline{Without: "verbatim", Marks: leaktrace.Marks{Total: 5, ByChannel: map[string]int{"lexical": 5}}},
		Marking:      "SECRET//NOFORN",
		Fingerprints: []index.Fingerprint{{Hash: 1, Pos: 0}},
	}
	if err := s.AddDocument(ctx, full, rec("document", "memo", "")); err != nil {
		t.Fatal(err)
	}
	addDocs(t, s, nil, "b-doc", "z-doc")
	got, err := s.Document(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	want := *full
	want.Fingerprints = nil // written, not read back
	if !got.AddedAt.Equal(full.AddedAt) {
		t.Errorf("AddedAt = %v, want %v", got.AddedAt, full.AddedAt)
	}
	got.AddedAt, want.AddedAt = time.Time{}, time.Time{}
	if g, w := jsonOf(t, got), jsonOf(t, &want); g != w {
		t.Errorf("Document round trip:\n got %s\nwant %s", g, w)
	}
	if got, err := s.Document(ctx, "b-doc"); err != nil || got.CatalogueVersion() != 1 || got.Capacity != nil || got.Baseline != nil || got.Variants != nil || got.Marking != "" {
		t.Errorf("a document registered without options reads back as %+v, %v", got, err)
	}

	list, err := s.Documents(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("Documents = %d documents, %v; want 3", len(list), err)
	}
	for i, id := range []string{"b-doc", "memo", "z-doc"} {
		if list[i].ID != id || list[i].Content != nil {
			t.Errorf("Documents[%d] = %q with %d bytes of content, want %q without content", i, list[i].ID, len(list[i].Content), id)
		}
	}
	list[1].Content, list[1].AddedAt = want.Content, time.Time{}
	if g, w := jsonOf(t, list[1]), jsonOf(t, &want); g != w {
		t.Errorf("Documents lists memo as\n %s\nwant %s", g, w)
	}
	if ids, err := s.DocumentIDs(ctx); err != nil || !slices.Equal(ids, []string{"b-doc", "memo", "z-doc"}) {
		t.Errorf("DocumentIDs = %v, %v", ids, err)
	}
	if n, err := s.DocumentCount(ctx); err != nil || n != 3 {
		t.Errorf("DocumentCount = %d, %v; want 3", n, err)
	}
	if _, err := s.Document(ctx, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Document(nope): %v, want ErrNotFound", err)
	}
	entryIs(t, s, 0, rec("document", "memo", ""))
	if n := logSize(t, s); n != 3 {
		t.Errorf("log has %d entries after 3 documents", n)
	}

	again := doc("memo")
	again.Fingerprints = []index.Fingerprint{{Hash: 99, Pos: 1}}
	unchanged(t, s, "adding a document whose id is taken", leaktrace.ErrExists, func() error {
		err := s.AddDocument(ctx, again, rec("document", "memo", ""))
		if err != nil && !strings.Contains(err.Error(), `"memo"`) {
			t.Errorf("ErrExists does not name the document: %v", err)
		}
		return err
	})
	e.checkLog(t, s)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testRecipients(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	zed := leaktrace.Recipient{ID: "zed", Name: "Zed", Email: "zed@example.org", AddedAt: t0.Add(time.Hour),
		Clearance: "TS", Compartments: []string{"SI", "TK"}, Citizenship: "USA", Roles: []string{"admin", "issuer"}, Disabled: true}
	amy := leaktrace.Recipient{ID: "amy", Name: "Amy", Email: "amy@example.org", AddedAt: t0}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{zed, amy}, []leaktrace.LogRecord{rec("recipient", "", "zed"), rec("recipient", "", "amy")}); err != nil {
		t.Fatal(err)
	}
	amy.Clearance = "U" // stored form of ""
	rs, err := s.Recipients(ctx)
	if err != nil || !reflect.DeepEqual(rs, []leaktrace.Recipient{amy, zed}) {
		t.Fatalf("Recipients = %+v, %v; want %+v", rs, err, []leaktrace.Recipient{amy, zed})
	}
	if r, err := s.Recipient(ctx, "zed"); err != nil || !reflect.DeepEqual(*r, zed) {
		t.Errorf("Recipient(zed) = %+v, %v", r, err)
	}
	if _, err := s.Recipient(ctx, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Recipient(nope): %v, want ErrNotFound", err)
	}
	if ids, err := s.RecipientIDs(ctx); err != nil || !slices.Equal(ids, []string{"amy", "zed"}) {
		t.Errorf("RecipientIDs = %v, %v", ids, err)
	}
	entryIs(t, s, 0, rec("recipient", "", "zed"))
	entryIs(t, s, 1, rec("recipient", "", "amy"))

	// All or none: a batch with a duplicate adds nobody and logs nothing.
	unchanged(t, s, "a batch holding a reader already added", leaktrace.ErrExists, func() error {
		err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "bob", AddedAt: t0}, {ID: "amy", AddedAt: t0}},
			[]leaktrace.LogRecord{rec("recipient", "", "bob"), rec("recipient", "", "amy")})
		if err != nil && !strings.Contains(err.Error(), `"amy"`) {
			t.Errorf("ErrExists does not name the duplicate: %v", err)
		}
		return err
	})
	unchanged(t, s, "a batch naming a reader twice", leaktrace.ErrExists, func() error {
		return s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "cat", AddedAt: t0}, {ID: "cat", AddedAt: t0}},
			[]leaktrace.LogRecord{rec("recipient", "", "cat"), rec("recipient", "", "cat")})
	})
	// Readers may be added without log records (as import does with
	// its own batch record elsewhere): nothing is appended.
	n := logSize(t, s)
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "dan", AddedAt: t0}}, nil); err != nil {
		t.Fatal(err)
	}
	if logSize(t, s) != n {
		t.Error("AddRecipients without records appended to the log")
	}
	if _, err := s.Recipient(ctx, "dan"); err != nil {
		t.Errorf("reader added without records: %v", err)
	}
	e.checkLog(t, s)
}

func sameCopies(a, b []leaktrace.Copy) bool {
	return slices.EqualFunc(a, b, func(a, b leaktrace.Copy) bool {
		return a.Document == b.Document && a.Recipient == b.Recipient && a.Format == b.Format && a.Layout == b.Layout &&
			a.Footer == b.Footer && a.Marking == b.Marking && a.SHA256 == b.SHA256 && a.IssuedAt.Equal(b.IssuedAt)
	})
}

func testCopies(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	record := func(c leaktrace.Copy) {
		t.Helper()
		if err := s.RecordCopies(ctx, []leaktrace.Copy{c}, []leaktrace.LogRecord{rec("copy", c.Document, c.Recipient)}); err != nil {
			t.Fatalf("RecordCopies(%+v): %v", c, err)
		}
	}
	own := leaktrace.Copy{Document: "d1", Recipient: "b", SHA256: "b1", IssuedAt: t0}
	pdf := leaktrace.Copy{Document: "d1", Recipient: "a", Format: leaktrace.FormatPDF, Layout: 1, Footer: true, SHA256: "p1", IssuedAt: t0}
	n := logSize(t, s)
	record(own)
	record(pdf)
	// Re-issued later: the first issue stays the row; the log keeps both.
	later := own
	later.IssuedAt = t0.Add(time.Hour)
	record(later)
	laterPDF := pdf
	laterPDF.IssuedAt = t0.Add(time.Hour)
	record(laterPDF)
	// The banner, the layout version and the footer are part of a PDF
	// copy's identity.
	banner := pdf
	banner.Marking, banner.SHA256, banner.IssuedAt = "SECRET", "p2", t0.Add(2*time.Hour)
	record(banner)
	layout2 := pdf
	layout2.Layout, layout2.SHA256 = 2, "p3"
	record(layout2)
	noFooter := pdf
	noFooter.Footer, noFooter.SHA256 = false, "p4"
	record(noFooter)
	aOwn := leaktrace.Copy{Document: "d1", Recipient: "a", SHA256: "a1", IssuedAt: t0.Add(3 * time.Hour)}
	d2 := leaktrace.Copy{Document: "d2", Recipient: "a", Format: leaktrace.FormatPDF, Layout: 1, SHA256: "q1", IssuedAt: t0}
	if err := s.RecordCopies(ctx, []leaktrace.Copy{aOwn, d2}, []leaktrace.LogRecord{rec("copy", "d1", "a"), rec("copy", "d2", "a")}); err != nil {
		t.Fatal(err)
	}
	if got := logSize(t, s); got != n+9 {
		t.Errorf("the log has %d entries for 9 issues, want %d", got-n, 9)
	}
	// Ordered by recipient, format, layout, footer, banner.
	want := []leaktrace.Copy{aOwn, noFooter, pdf, banner, layout2, own}
	if cs, err := s.Copies(ctx, "d1"); err != nil || !sameCopies(cs, want) {
		t.Errorf("Copies(d1) = %+v, %v;\nwant %+v", cs, err, want)
	}
	if cs, err := s.Copies(ctx, ""); err != nil || !sameCopies(cs, append(want, d2)) {
		t.Errorf("Copies() = %+v, %v;\nwant %+v", cs, err, append(want, d2))
	}
	if cs, err := s.Copies(ctx, "nope"); err != nil || len(cs) != 0 {
		t.Errorf("Copies(nope) = %+v, %v", cs, err)
	}
	addDocs(t, s, nil, "d3")
	if got, err := s.Issued(ctx, []string{"d1", "d2", "d3", "nope"}); err != nil || !reflect.DeepEqual(got, map[string]bool{"d1": true, "d2": true}) {
		t.Errorf("Issued = %v, %v; want d1 and d2 (a PDF copy only)", got, err)
	}

	ok := leaktrace.Copy{Document: "d2", Recipient: "b", SHA256: "ok", IssuedAt: t0}
	for _, tc := range []struct {
		name string
		c    leaktrace.Copy
	}{
		{"a banner on a copy in the document's own format", leaktrace.Copy{Document: "d2", Recipient: "b", Marking: "SECRET", SHA256: "x", IssuedAt: t0}},
		{"a PDF copy without a layout version", leaktrace.Copy{Document: "d2", Recipient: "b", Format: leaktrace.FormatPDF, SHA256: "x", IssuedAt: t0}},
		{"a copy in an unknown format", leaktrace.Copy{Document: "d2", Recipient: "b", Format: "docx", Layout: 1, SHA256: "x", IssuedAt: t0}},
		{"a copy of an unknown document", leaktrace.Copy{Document: "nope", Recipient: "b", SHA256: "x", IssuedAt: t0}},
		{"a copy for an unknown reader", leaktrace.Copy{Document: "d2", Recipient: "nobody", SHA256: "x", IssuedAt: t0}},
		{"a PDF copy for an unknown reader", leaktrace.Copy{Document: "d2", Recipient: "nobody", Format: leaktrace.FormatPDF, Layout: 1, SHA256: "x", IssuedAt: t0}},
	} {
		// With a good copy before it in the batch: all or none.
		unchanged(t, s, "recording "+tc.name, nil, func() error {
			return s.RecordCopies(ctx, []leaktrace.Copy{ok, tc.c}, []leaktrace.LogRecord{rec("copy", "d2", "b"), rec("copy", tc.c.Document, tc.c.Recipient)})
		})
	}
	e.checkLog(t, s)
}

func testSampleCopies(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	addReaders(t, s, "a", "b")
	for i, size := range []int{30, 10, 20, 5} {
		id := fmt.Sprintf("d%d", i)
		d := doc(id)
		d.Content = bytes.Repeat([]byte("x"), size)
		if err := s.AddDocument(ctx, d, rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
		switch i {
		case 2:
			continue // no copies
		case 3: // only a PDF copy
			if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: id, Recipient: "a", Format: leaktrace.FormatPDF, Layout: 1, SHA256: id, IssuedAt: t0}}, nil); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for _, r := range []string{"b", "a"} {
			if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: id, Recipient: r, SHA256: id + r, IssuedAt: t0}}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		n    int
		want string
	}{{5, "[d1a d0a]"}, {1, "[d1a]"}} {
		cs, err := s.SampleCopies(ctx, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.SHA256)
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("SampleCopies(%d) = %v, want %s (one copy in the document's own format per document, the smallest document first)", tc.n, got, tc.want)
		}
	}
}

// sortPostings orders postings by hash, document and position: Lookup's
// order is not part of its contract.
func sortPostings(ps []index.Posting) []index.Posting {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b index.Posting) int {
		return cmp.Or(cmp.Compare(a.Hash, b.Hash), cmp.Compare(a.Doc, b.Doc), cmp.Compare(a.Pos, b.Pos))
	})
	return ps
}

func testLookup(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	addDocs(t, s, map[string][]index.Fingerprint{
		// A fingerprint listed twice is stored once.
		"a": {{Hash: 7, Pos: 3}, {Hash: 5, Pos: 0}, {Hash: 9, Pos: 1}, {Hash: 5, Pos: 4}, {Hash: 5, Pos: 4}},
		"b": {{Hash: 5, Pos: 2}, {Hash: 1, Pos: 0}, {Hash: -3, Pos: 1}},
		"c": {{Hash: 1 << 62, Pos: 1 << 30}},
	}, "a", "b", "c", "empty")
	for _, tc := range []struct {
		hashes []int64
		want   []index.Posting
	}{
		{nil, nil},
		{[]int64{42}, nil},
		// A hash asked twice is answered once.
		{[]int64{5, 9, 5, 42}, []index.Posting{{Doc: "a", Hash: 5, Pos: 0}, {Doc: "a", Hash: 5, Pos: 4}, {Doc: "b", Hash: 5, Pos: 2}, {Doc: "a", Hash: 9, Pos: 1}}},
		{[]int64{-3, 1 << 62, 1}, []index.Posting{{Doc: "b", Hash: -3, Pos: 1}, {Doc: "b", Hash: 1, Pos: 0}, {Doc: "c", Hash: 1 << 62, Pos: 1 << 30}}},
	} {
		got, err := s.Lookup(ctx, tc.hashes)
		if err != nil {
			t.Fatalf("Lookup(%v): %v", tc.hashes, err)
		}
		if g, w := sortPostings(got), sortPostings(tc.want); !(len(g) == 0 && len(w) == 0) && !reflect.DeepEqual(g, w) {
			t.Errorf("Lookup(%v) = %v, want %v", tc.hashes, g, w)
		}
	}
}

// testDocumentIDFoldedAndSHA256: doc add's indexed lookups find an id
// in any case of its ASCII letters, and the documents of one content.
func testDocumentIDFoldedAndSHA256(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	// A store from before ids were checked may hold ids differing only
	// in case (Memo-1, MEMO-1): the exact one is found first.
	for _, d := range []*leaktrace.Document{doc("Memo-1"), doc("b.doc"), doc("c@x"), doc("MEMO-1")} {
		d.SHA256 = map[string]string{"Memo-1": "aa", "b.doc": "bb", "c@x": "aa", "MEMO-1": "dd"}[d.ID]
		if err := s.AddDocument(ctx, d, rec("document", d.ID, "")); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string]string{"Memo-1": "Memo-1", "memo-1": "MEMO-1", "MEMO-1": "MEMO-1", "mEMO-1": "MEMO-1", "B.DOC": "b.doc", "C@X": "c@x", "memo": "", "Memo-2": "", "": ""} {
		if got, err := s.DocumentIDFolded(ctx, id); err != nil || got != want {
			t.Errorf("DocumentIDFolded(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
	for sha, want := range map[string][]string{"aa": {"Memo-1", "c@x"}, "bb": {"b.doc"}, "cc": nil, "AA": nil} {
		if got, err := s.DocumentsWithSHA256(ctx, sha); err != nil || !slices.Equal(got, want) {
			t.Errorf("DocumentsWithSHA256(%q) = %q, %v; want %q", sha, got, err, want)
		}
	}
}

// testPostingCounts: a hash's count is its rows in the index, stopped at
// atMost; hashes asked twice are answered twice, in the order asked.
func testPostingCounts(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	fps := map[string][]index.Fingerprint{
		"a": {{Hash: 7, Pos: 3}, {Hash: 5, Pos: 0}, {Hash: 5, Pos: 4}, {Hash: -3, Pos: 9}},
		"b": {{Hash: 5, Pos: 2}, {Hash: 1 << 62, Pos: 0}},
	}
	for i := range 40 {
		fps["c"] = append(fps["c"], index.Fingerprint{Hash: 11, Pos: int32(i)})
	}
	addDocs(t, s, fps, "a", "b", "c")
	for _, tc := range []struct {
		hashes []int64
		atMost int
		want   []int
	}{
		{nil, 10, []int{}},
		{[]int64{5, 7}, 0, []int{0, 0}},
		{[]int64{5}, -1, []int{0}},
		{[]int64{42}, 10, []int{0}},
		{[]int64{5, 7, 42, 5, -3, 1 << 62}, 10, []int{3, 1, 0, 3, 1, 1}},
		{[]int64{5, 11, 7}, 2, []int{2, 2, 1}},
		{[]int64{11}, 33, []int{33}},
		{[]int64{11}, 41, []int{40}},
	} {
		got, err := s.PostingCounts(ctx, tc.hashes, tc.atMost)
		if err != nil {
			t.Fatalf("PostingCounts(%v, %d): %v", tc.hashes, tc.atMost, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("PostingCounts(%v, %d) = %v, want %v", tc.hashes, tc.atMost, got, tc.want)
		}
	}
}

// testLookupMaxPostings: a hash with more than store.MaxPostings postings
// is boilerplate and left out; one with exactly that many is kept whole.
func testLookupMaxPostings(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	const common, limit = 100, 200
	fps := map[string][]index.Fingerprint{}
	// common has MaxPostings+1 postings over two documents, limit
	// exactly MaxPostings.
	split := store.MaxPostings / 2
	for i := range store.MaxPostings + 1 {
		d := "m1"
		if i >= split {
			d = "m2"
		}
		fps[d] = append(fps[d], index.Fingerprint{Hash: common, Pos: int32(i)})
		if i < store.MaxPostings {
			fps[d] = append(fps[d], index.Fingerprint{Hash: limit, Pos: int32(i)})
		}
	}
	fps["m1"] = append(fps["m1"], index.Fingerprint{Hash: 5, Pos: 0})
	addDocs(t, s, fps, "m1", "m2")
	got, err := s.Lookup(ctx, []int64{common, limit, 5})
	if err != nil {
		t.Fatal(err)
	}
	count := map[int64]int{}
	for _, p := range got {
		count[p.Hash]++
	}
	if want := map[int64]int{limit: store.MaxPostings, 5: 1}; !reflect.DeepEqual(count, want) {
		t.Errorf("Lookup: postings per hash %v, want %v (a hash with %d postings left out)", count, want, store.MaxPostings+1)
	}
}

func testReindex(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	fps := map[string][]index.Fingerprint{
		"a": {{Hash: 7, Pos: 3}, {Hash: 5, Pos: 0}, {Hash: 9, Pos: 1}, {Hash: 5, Pos: 4}},
		"b": {{Hash: 5, Pos: 2}, {Hash: 1, Pos: 0}},
		"c": nil,
	}
	addDocs(t, s, fps, "a", "b", "c")
	st, err := s.IndexDigests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 6 || st.Orphans != 0 || len(st.Documents) != 3 {
		t.Fatalf("IndexDigests = %+v, want 6 rows of 3 documents", st)
	}
	for id, f := range fps {
		if got, want := st.Documents[id], store.DigestFingerprints(f); got != want {
			t.Errorf("document %s: digest %+v, want %+v", id, got, want)
		}
	}

	// Damage: a's rows lost.
	if err := e.h.Exec(ctx, `DELETE FROM fingerprints WHERE num IN (SELECT num FROM doc_numbers WHERE document = 'a')`); err != nil {
		t.Fatal(err)
	}
	if st, err := s.IndexDigests(ctx); err != nil || st.Rows != 2 || st.Documents["a"].Count != 0 || st.Documents["b"] != store.DigestFingerprints(fps["b"]) {
		t.Fatalf("damaged IndexDigests = %+v, %v", st, err)
	}

	n := logSize(t, s)
	var calls []string
	res, err := s.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) {
		if string(d.Content) != "content of "+d.ID {
			t.Errorf("document %s read with content %q", d.ID, d.Content)
		}
		return fps[d.ID], nil
	}, func(done, total int) { calls = append(calls, fmt.Sprintf("%d/%d", done, total)) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 3 || res.Fingerprints != 6 || res.Removed != 0 || !slices.Equal(res.Rebuilt, []string{"a"}) {
		t.Errorf("Reindex = %+v, want 3 documents, 6 fingerprints, none removed, a rebuilt", res)
	}
	if fmt.Sprint(calls) != "[1/3 2/3 3/3]" {
		t.Errorf("progress calls %v, want 1/3, 2/3, 3/3", calls)
	}
	if st, err := s.IndexDigests(ctx); err != nil || st.Rows != 6 || st.Documents["a"] != store.DigestFingerprints(fps["a"]) {
		t.Fatalf("IndexDigests after Reindex = %+v, %v", st, err)
	}
	if ps, err := s.Lookup(ctx, []int64{5}); err != nil || len(ps) != 3 {
		t.Errorf("Lookup(5) after Reindex = %v, %v; want 3 postings", ps, err)
	}
	if logSize(t, s) != n {
		t.Error("Reindex appended to the custody log")
	}

	// New fingerprints for b: its old rows go, the new ones are found.
	// Reindex needs no signer: it changes no logged fact.
	ro := e.open(t, false)
	fps["b"] = []index.Fingerprint{{Hash: 11, Pos: 0}}
	res, err = ro.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) { return fps[d.ID], nil }, nil)
	if err != nil {
		t.Fatalf("Reindex without a signer: %v", err)
	}
	if !slices.Equal(res.Rebuilt, []string{"b"}) || res.Fingerprints != 5 {
		t.Errorf("second Reindex = %+v, want b rebuilt, 5 fingerprints", res)
	}
	if ps, err := s.Lookup(ctx, []int64{1, 5, 11}); err != nil || !reflect.DeepEqual(sortPostings(ps),
		[]index.Posting{{Doc: "a", Hash: 5, Pos: 0}, {Doc: "a", Hash: 5, Pos: 4}, {Doc: "b", Hash: 11, Pos: 0}}) {
		t.Errorf("Lookup after b was reindexed = %v, %v", sortPostings(ps), err)
	}

	fail := errors.New("no fingerprints today")
	unchanged(t, s, "a Reindex whose function fails", fail, func() error {
		_, err := s.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) {
			if d.ID == "c" {
				return nil, fail
			}
			return []index.Fingerprint{{Hash: 77, Pos: 0}}, nil
		}, nil)
		return err
	})
}

func testLogAppend(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	if _, err := s.Checkpoint(ctx); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Checkpoint of an empty log: %v, want ErrNotFound", err)
	}
	if first, err := s.AppendLog(ctx, nil); err != nil || first != 0 {
		t.Errorf("AppendLog(nil) on an empty log = %d, %v; want 0", first, err)
	}
	e.checkLog(t, s) // no entries, no checkpoints
	var all []leaktrace.LogRecord
	var sizes []int64
	for batch := 1; batch <= 7; batch++ {
		var recs []leaktrace.LogRecord
		for i := range batch {
			n := len(all) + i
			// Data are bytes, not text.
			recs = append(recs, leaktrace.LogRecord{Kind: "trace", Document: fmt.Sprint("d", n%3), Recipient: fmt.Sprint("r", n%2),
				Data: fmt.Appendf([]byte{0, 0xff, byte(n)}, "entry %d\n", n)})
		}
		first, err := s.AppendLog(ctx, recs)
		if err != nil {
			t.Fatal(err)
		}
		if first != int64(len(all)) {
			t.Fatalf("AppendLog of batch %d: first index %d, want %d", batch, first, len(all))
		}
		all = append(all, recs...)
		sizes = append(sizes, int64(len(all)))
		if first, err := s.AppendLog(ctx, nil); err != nil || first != int64(len(all)) {
			t.Fatalf("AppendLog(nil) = %d, %v; want the log's size %d", first, err, len(all))
		}
	}
	es := e.checkLog(t, s)
	if !reflect.DeepEqual(es, all) {
		t.Errorf("LogEntries differ from what was appended")
	}
	cps, _ := s.Checkpoints(ctx)
	var got []int64
	for _, c := range cps {
		got = append(got, c.Size)
	}
	if !slices.Equal(got, sizes) {
		t.Errorf("checkpoint sizes %v, want one per append: %v", got, sizes)
	}
	n := int64(len(all))
	if part, err := s.LogEntries(ctx, 3, 6); err != nil || !reflect.DeepEqual(part, all[3:6]) {
		t.Errorf("LogEntries(3, 6) = %v, %v", part, err)
	}
	if part, err := s.LogEntries(ctx, 5, 5); err != nil || len(part) != 0 {
		t.Errorf("LogEntries(5, 5) = %v, %v; want none", part, err)
	}
	if _, err := s.LogEntries(ctx, n-1, n+1); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("LogEntries past the end: %v, want ErrNotFound", err)
	}
}

func testFindLogEntries(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	addDocs(t, s, nil, "d")
	addReaders(t, s, "r", "q")
	for range 2 {
		if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: "d", Recipient: "r", SHA256: "00", IssuedAt: t0}}, []leaktrace.LogRecord{rec("copy", "d", "r")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		kind, doc, recipient string
		want                 []int64
	}{
		{"copy", "d", "r", []int64{4, 5}},
		{"copy", "d", "q", nil},
		{"recipient", "", "q", []int64{3}},
		{"document", "d", "", []int64{1}},
		{"init", "", "", []int64{0}},
		{"copy", "", "r", nil}, // every field must match
	} {
		got, err := s.FindLogEntries(ctx, tc.kind, tc.doc, tc.recipient)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("FindLogEntries(%q, %q, %q) = %v, %v; want %v", tc.kind, tc.doc, tc.recipient, got, err, tc.want)
		}
	}
}

// testSnapshot: every read of a snapshot sees one state, even when
// another handle commits meanwhile.
func testSnapshot(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	other := e.open(t, true)
	ran := false
	err := s.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		ran = true
		size, err := r.LogSize(ctx)
		if err != nil {
			return err
		}
		// Another handle, as another process, adds a reader and a
		// document with their entries and checkpoints.
		addReaders(t, other, "r1")
		addDocs(t, other, nil, "d1")
		if n := logSize(t, s); n != size+2 {
			t.Errorf("outside the snapshot the log has %d entries, want %d", n, size+2)
		}
		if n := logSize(t, r); n != size {
			t.Errorf("the snapshot's log grew from %d to %d entries", size, n)
		}
		if hc, err := r.LogHashCount(ctx); err != nil || hc != tlog.StoredHashCount(size) {
			t.Errorf("the snapshot has %d stored hashes (%v), its log %d entries", hc, err, size)
		}
		if c, err := r.Checkpoint(ctx); err != nil || c.Size != size {
			t.Errorf("the snapshot's latest checkpoint is for %d entries (%v), its log has %d", c.Size, err, size)
		}
		if cps, err := r.Checkpoints(ctx); err != nil || len(cps) != 1 {
			t.Errorf("the snapshot has %d checkpoints (%v), want 1", len(cps), err)
		}
		if _, err := r.LogEntries(ctx, size, size+1); !errors.Is(err, leaktrace.ErrNotFound) {
			t.Errorf("the snapshot reads an entry appended after it began: %v", err)
		}
		if rs, _ := r.Recipients(ctx); len(rs) != 0 {
			t.Errorf("the snapshot sees readers added after it began: %v", rs)
		}
		if _, err := r.Document(ctx, "d1"); !errors.Is(err, leaktrace.ErrNotFound) {
			t.Errorf("the snapshot sees a document added after it began: %v", err)
		}
		if n, _ := r.DocumentCount(ctx); n != 0 {
			t.Errorf("the snapshot counts %d documents", n)
		}
		e.checkLog(t, r)
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("Snapshot: %v (ran %v)", err, ran)
	}
	// A new snapshot sees the other handle's changes, and fn's error is
	// Snapshot's.
	stop := errors.New("stop")
	err = s.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		if n := logSize(t, r); n != 3 {
			t.Errorf("a later snapshot sees %d entries, want 3", n)
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("Snapshot returned %v, want fn's error", err)
	}
	e.checkLog(t, s)
}

// testAppendOnly: the log tables refuse UPDATE and DELETE, even in raw
// SQL outside the store.
func testAppendOnly(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	for i := range 3 {
		if _, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("trace", fmt.Sprint(i), "")}); err != nil {
			t.Fatal(err)
		}
	}
	// Exec reaches the store's database: a statement on another table
	// takes effect.
	if err := e.h.Exec(ctx, `INSERT INTO meta (name, value) VALUES ('storetest', 'exec')`); err != nil {
		t.Fatalf("Exec of an INSERT into meta: %v", err)
	}
	if v, ok, err := s.Meta(ctx, "storetest"); err != nil || !ok || v != "exec" {
		t.Fatalf("Exec's INSERT not seen by the store: %q, %v, %v", v, ok, err)
	}
	for _, q := range []string{
		`UPDATE log_entries SET kind = 'tampered'`,
		`UPDATE log_entries SET idx = idx + 1000 WHERE idx = 2`,
		`DELETE FROM log_entries WHERE idx = 2`,
		`DELETE FROM log_entries`,
		`UPDATE log_hashes SET idx = idx + 1000`,
		`DELETE FROM log_hashes WHERE idx = 0`,
		`DELETE FROM log_hashes`,
		`UPDATE log_checkpoints SET size = size + 1000`,
		`DELETE FROM log_checkpoints WHERE size = 3`,
		`DELETE FROM log_checkpoints`,
	} {
		unchanged(t, s, q, nil, func() error { return e.h.Exec(ctx, q) })
	}
	// The log still grows and verifies.
	if first, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("trace", "after", "")}); err != nil || first != 3 {
		t.Fatalf("AppendLog after the refusals = %d, %v", first, err)
	}
	e.checkLog(t, s)
}

// testNoSigner: a handle without a signer refuses every change that
// appends to the log, writes nothing, and still reads and sets meta.
func testNoSigner(t *testing.T, e *env) {
	ctx := t.Context()
	vault(t, e)
	if err := e.s.SetGrants(ctx, "d1", []string{"a"}, true, []leaktrace.LogRecord{rec("grant", "d1", "a")}); err != nil {
		t.Fatal(err)
	}
	if err := e.s.AddToken(ctx, leaktrace.Token{ID: "tok", Recipient: "a", SHA256: "ab", CreatedAt: t0}, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	ro := e.open(t, false)
	guard := leaktrace.AccessGuard{Document: "d1", Recipient: "a"}
	for _, tc := range []struct {
		name   string
		change func() error
	}{
		{"AddDocument", func() error { return ro.AddDocument(ctx, doc("d9"), rec("document", "d9", "")) }},
		{"AddRecipients", func() error {
			return ro.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r9", AddedAt: t0}}, []leaktrace.LogRecord{rec("recipient", "", "r9")})
		}},
		{"RecordCopies", func() error {
			return ro.RecordCopies(ctx, []leaktrace.Copy{{Document: "d1", Recipient: "a", SHA256: "x", IssuedAt: t0}}, []leaktrace.LogRecord{rec("copy", "d1", "a")})
		}},
		{"RecordAccess", func() error {
			_, err := ro.RecordAccess(ctx, []leaktrace.Copy{{Document: "d1", Recipient: "a", SHA256: "x", IssuedAt: t0}}, []leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
			return err
		}},
		{"UpdateRecipient", func() error {
			return ro.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				r.Clearance = "S"
				return rec("clearance", "", "a"), nil
			})
		}},
		{"SetMarking", func() error { return ro.SetMarking(ctx, "d1", "SECRET", nil, rec("marking", "d1", "")) }},
		{"SetGrants", func() error {
			return ro.SetGrants(ctx, "d2", []string{"b"}, true, []leaktrace.LogRecord{rec("grant", "d2", "b")})
		}},
		{"AddToken", func() error {
			return ro.AddToken(ctx, leaktrace.Token{ID: "tok9", Recipient: "b", SHA256: "cd", CreatedAt: t0}, rec("credential", "", "b"))
		}},
		{"RevokeToken", func() error { return ro.RevokeToken(ctx, "tok", t0, rec("credential", "", "a")) }},
		{"SetPassword", func() error { return ro.SetPassword(ctx, "a", "hash", rec("credential", "", "a")) }},
		{"AppendLog", func() error {
			_, err := ro.AppendLog(ctx, []leaktrace.LogRecord{rec("trace", "", "")})
			return err
		}},
	} {
		unchanged(t, e.s, tc.name+" without a signer", leaktrace.ErrNoSigner, tc.change)
	}
	if first, err := ro.AppendLog(ctx, nil); err != nil || first != logSize(t, e.s) {
		t.Errorf("AppendLog(nil) without a signer = %d, %v; want the log's size", first, err)
	}
	if got, err := ro.SetMetaOnce(ctx, "k", "v"); err != nil || got != "v" {
		t.Errorf("SetMetaOnce without a signer = %q, %v", got, err)
	}
	if dump(t, ro) != dump(t, e.s) {
		t.Error("the second handle reads another state than the first")
	}
	e.checkLog(t, ro)
}

// testConcurrentWriters: goroutines writing through two handles, as two
// processes would, each change appending two records: every change is
// recorded once, its records adjacent, the log has no gap, and every
// checkpoint (one per change) signs the tree of its size.
func testConcurrentWriters(t *testing.T, e *env) {
	ctx := t.Context()
	if _, err := e.s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")}); err != nil {
		t.Fatal(err)
	}
	handles := []leaktrace.Store{e.s, e.open(t, true)}
	const perHandle, changes = 3, 6
	var wg sync.WaitGroup
	errs := make(chan error, len(handles)*perHandle*changes)
	start := make(chan struct{})
	for h, s := range handles {
		for g := range perHandle {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range changes {
					name := fmt.Sprintf("h%dg%di%d", h, g, i)
					recs := []leaktrace.LogRecord{
						{Kind: "recipient", Recipient: name + "a", Data: []byte(name + "/0")},
						{Kind: "recipient", Recipient: name + "b", Data: []byte(name + "/1")},
					}
					var err error
					if i%2 == 0 {
						err = s.AddRecipients(ctx, []leaktrace.Recipient{{ID: name + "a", AddedAt: t0}, {ID: name + "b", AddedAt: t0}}, recs)
					} else {
						_, err = s.AppendLog(ctx, recs)
					}
					if err != nil {
						errs <- fmt.Errorf("%s: %w", name, err)
					}
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := len(handles) * perHandle * changes
	es := e.checkLog(t, e.s)
	if len(es) != 1+2*total {
		t.Fatalf("the log has %d entries, want %d", len(es), 1+2*total)
	}
	at := map[string]int{}
	for i, x := range es[1:] {
		if _, dup := at[string(x.Data)]; dup {
			t.Errorf("entry %q is in the log twice", x.Data)
		}
		at[string(x.Data)] = i + 1
	}
	readers := 0
	for h := range handles {
		for g := range perHandle {
			for i := range changes {
				name := fmt.Sprintf("h%dg%di%d", h, g, i)
				i0, ok0 := at[name+"/0"]
				i1, ok1 := at[name+"/1"]
				if !ok0 || !ok1 || i1 != i0+1 {
					t.Errorf("change %s: entries at %d (%v) and %d (%v), want adjacent", name, i0, ok0, i1, ok1)
				}
				if i%2 == 0 {
					readers += 2
					for _, id := range []string{name + "a", name + "b"} {
						if _, err := e.s.Recipient(ctx, id); err != nil {
							t.Errorf("reader %s: %v", id, err)
						}
					}
				}
			}
		}
	}
	if rs, err := e.s.Recipients(ctx); err != nil || len(rs) != readers {
		t.Errorf("%d readers (%v), want %d", len(rs), err, readers)
	}
	if cps, err := e.s.Checkpoints(ctx); err != nil || len(cps) != 1+total {
		t.Errorf("%d checkpoints (%v), want one per change: %d", len(cps), err, 1+total)
	}
	if dump(t, handles[1]) != dump(t, e.s) {
		t.Error("the two handles read different states")
	}
}

// testConcurrentGuards: guarded changes racing through two handles each
// see every change committed before theirs. Of SetMarking calls all
// decided on the same marking, exactly one commits; UpdateRecipient calls
// each adding a role to what they read lose none.
func testConcurrentGuards(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	handles := []leaktrace.Store{s, e.open(t, true)}
	const n = 8
	var wg sync.WaitGroup
	markErrs := make([]error, n)
	roleErrs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		h := handles[i%2]
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			from := ""
			markErrs[i] = h.SetMarking(ctx, "d1", fmt.Sprint("SECRET//M", i), &from, rec("marking", "d1", ""))
		}()
		go func() {
			defer wg.Done()
			<-start
			roleErrs[i] = h.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				r.Roles = append(slices.Clone(r.Roles), fmt.Sprint("role", i))
				slices.Sort(r.Roles)
				return rec("roles", "", "a"), nil
			})
		}()
	}
	close(start)
	wg.Wait()
	won := -1
	for i, err := range markErrs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("SetMarking %d and %d both committed over the same marking", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, leaktrace.ErrChanged):
			t.Errorf("SetMarking %d: %v, want ErrChanged", i, err)
		}
	}
	if m := markingOf(t, s, "d1"); won < 0 || m != fmt.Sprint("SECRET//M", won) {
		t.Errorf("d1 is marked %q, SetMarking %d won", m, won)
	}
	for i, err := range roleErrs {
		if err != nil {
			t.Errorf("UpdateRecipient %d: %v", i, err)
		}
	}
	var want []string
	for i := range n {
		want = append(want, fmt.Sprint("role", i))
	}
	slices.Sort(want)
	if r, err := s.Recipient(ctx, "a"); err != nil {
		t.Error(err)
	} else if !slices.Equal(r.Roles, want) {
		t.Errorf("a's roles after concurrent updates = %v, want %v: an update was undone", r.Roles, want)
	}
	es := e.checkLog(t, s)
	counts := map[string]int{}
	for _, x := range es {
		counts[x.Kind]++
	}
	if counts["marking"] != 1 || counts["roles"] != n {
		t.Errorf("the log has %d marking and %d roles entries, want 1 and %d", counts["marking"], counts["roles"], n)
	}
}

func testMeta(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	if v, ok, err := s.Meta(ctx, "k"); err != nil || ok || v != "" {
		t.Fatalf("Meta of an unset name = %q, %v, %v; want none", v, ok, err)
	}
	for _, v := range []string{"one", "two"} {
		if err := s.SetMeta(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Meta(ctx, "k"); err != nil || !ok || got != v {
			t.Fatalf("Meta after SetMeta(%q) = %q, %v, %v", v, got, ok, err)
		}
	}
	if got, err := s.SetMetaOnce(ctx, "once", "first"); err != nil || got != "first" {
		t.Fatalf("SetMetaOnce = %q, %v; want first", got, err)
	}
	if got, err := s.SetMetaOnce(ctx, "once", "second"); err != nil || got != "first" {
		t.Fatalf("second SetMetaOnce = %q, %v; want the first value", got, err)
	}
	if got, err := s.SetMetaOnce(ctx, "k", "three"); err != nil || got != "two" {
		t.Fatalf("SetMetaOnce over SetMeta's value = %q, %v; want two", got, err)
	}
	// Of many setting at once through two handles, all learn the same
	// winner, which is what is stored.
	handles := []leaktrace.Store{s, e.open(t, false)}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := handles[i%2].SetMetaOnce(ctx, "race", fmt.Sprint("v", i))
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	wg.Wait()
	v, ok, err := s.Meta(ctx, "race")
	if err != nil || !ok || !strings.HasPrefix(v, "v") {
		t.Fatalf("Meta(race) = %q, %v, %v", v, ok, err)
	}
	for i, g := range got {
		if g != v {
			t.Errorf("SetMetaOnce %d learned %q, the stored value is %q", i, g, v)
		}
	}
	if n := logSize(t, s); n != 0 {
		t.Errorf("meta wrote %d log entries", n)
	}
}

func testGrants(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	grant := func(doc string, granted bool, rs ...string) error {
		recs := make([]leaktrace.LogRecord, len(rs))
		for i, r := range rs {
			recs[i] = rec("grant", doc, r)
		}
		return s.SetGrants(ctx, doc, rs, granted, recs)
	}
	if err := grant("d1", true, "b", "a"); err != nil {
		t.Fatal(err)
	}
	n := logSize(t, s)
	if err := grant("d1", true, "a"); err != nil {
		t.Fatalf("granting twice: %v", err)
	}
	if logSize(t, s) != n+1 {
		t.Error("granting twice appended no record")
	}
	if err := grant("d2", true, "b"); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, "a grant to an unknown reader", leaktrace.ErrNotFound, func() error { return grant("d2", true, "a", "nobody") })
	unchanged(t, s, "a grant of an unknown document", leaktrace.ErrNotFound, func() error { return grant("nope", true, "a") })
	unchanged(t, s, "a revocation from an unknown reader", leaktrace.ErrNotFound, func() error { return grant("d1", false, "a", "nobody") })
	if g, err := s.Grants(ctx, "d1"); err != nil || !slices.Equal(g, []string{"a", "b"}) {
		t.Errorf("Grants(d1) = %v, %v", g, err)
	}
	if g, err := s.GrantsOf(ctx, "b"); err != nil || !slices.Equal(g, []string{"d1", "d2"}) {
		t.Errorf("GrantsOf(b) = %v, %v", g, err)
	}
	if g, err := s.Grants(ctx, "nope"); err != nil || len(g) != 0 {
		t.Errorf("Grants(nope) = %v, %v", g, err)
	}
	n = logSize(t, s)
	if err := grant("d1", false, "a"); err != nil {
		t.Fatal(err)
	}
	if err := grant("d2", false, "a"); err != nil {
		t.Fatalf("revoking what was not granted: %v", err)
	}
	if logSize(t, s) != n+2 {
		t.Error("a revocation appended no record")
	}
	for _, tc := range []struct {
		doc, r string
		want   bool
	}{{"d1", "a", false}, {"d1", "b", true}, {"d2", "b", true}, {"d2", "a", false}, {"nope", "a", false}} {
		if ok, err := s.Granted(ctx, tc.doc, tc.r); err != nil || ok != tc.want {
			t.Errorf("Granted(%s, %s) = %v, %v; want %v", tc.doc, tc.r, ok, err, tc.want)
		}
	}
	e.checkLog(t, s)
}

func testTokens(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	tok := leaktrace.Token{ID: "0123456789abcdef", Recipient: "a", SHA256: "cd", CreatedAt: t0}
	if err := s.AddToken(ctx, tok, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, "a token whose id is taken", leaktrace.ErrExists, func() error {
		return s.AddToken(ctx, leaktrace.Token{ID: tok.ID, Recipient: "b", SHA256: "ee", CreatedAt: t0}, rec("credential", "", "b"))
	})
	unchanged(t, s, "a token of an unknown reader", leaktrace.ErrNotFound, func() error {
		return s.AddToken(ctx, leaktrace.Token{ID: "x", Recipient: "nobody", CreatedAt: t0}, rec("credential", "", "nobody"))
	})
	older := leaktrace.Token{ID: "fedcba9876543210", Recipient: "a", SHA256: "ef", CreatedAt: t0.Add(-time.Hour)}
	revoked := leaktrace.Token{ID: "aaaa", Recipient: "b", SHA256: "01", CreatedAt: t0, RevokedAt: t0.Add(time.Minute)}
	for _, x := range []leaktrace.Token{older, revoked} {
		if err := s.AddToken(ctx, x, rec("credential", "", x.Recipient)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Token(ctx, tok.ID); err != nil || !reflect.DeepEqual(*got, tok) {
		t.Errorf("Token = %+v, %v; want %+v", got, err, tok)
	}
	if got, err := s.Token(ctx, revoked.ID); err != nil || !reflect.DeepEqual(*got, revoked) {
		t.Errorf("Token = %+v, %v; want %+v", got, err, revoked)
	}
	if _, err := s.Token(ctx, "nope"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Token(nope): %v, want ErrNotFound", err)
	}
	if l, err := s.Tokens(ctx, "a"); err != nil || !reflect.DeepEqual(l, []leaktrace.Token{older, tok}) {
		t.Errorf("Tokens(a) = %+v, %v; want the older first", l, err)
	}
	if l, err := s.Tokens(ctx, ""); err != nil || !reflect.DeepEqual(l, []leaktrace.Token{older, tok, revoked}) {
		t.Errorf("Tokens() = %+v, %v; want by reader, then time", l, err)
	}
	if l, err := s.Tokens(ctx, "nobody"); err != nil || len(l) != 0 {
		t.Errorf("Tokens(nobody) = %+v, %v", l, err)
	}
	n := logSize(t, s)
	t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
	if err := s.RevokeToken(ctx, tok.ID, t1, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID, t2, rec("credential", "", "a")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Token(ctx, tok.ID); got == nil || !got.RevokedAt.Equal(t1) {
		t.Errorf("revoked at %v, want the first revocation %v", got, t1)
	}
	if logSize(t, s) != n+2 {
		t.Error("a revocation appended no record")
	}
	unchanged(t, s, "revoking an unknown token", leaktrace.ErrNotFound, func() error {
		return s.RevokeToken(ctx, "nope", t1, rec("credential", "", ""))
	})
	e.checkLog(t, s)
}

func testPasswords(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	if _, err := s.Password(ctx, "a"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("Password before one is set: %v, want ErrNotFound", err)
	}
	n := logSize(t, s)
	for _, h := range []string{"$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", "h2"} {
		if err := s.SetPassword(ctx, "a", h, rec("credential", "", "a")); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Password(ctx, "a"); err != nil || got != h {
			t.Fatalf("Password = %q, %v; want %q", got, err, h)
		}
	}
	if logSize(t, s) != n+2 {
		t.Error("SetPassword appended no record")
	}
	if _, err := s.Password(ctx, "b"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("Password of another reader: %v, want ErrNotFound", err)
	}
	unchanged(t, s, "a password of an unknown reader", leaktrace.ErrNotFound, func() error {
		return s.SetPassword(ctx, "nobody", "h", rec("credential", "", "nobody"))
	})
	e.checkLog(t, s)
}

func testUpdateRecipient(t *testing.T, e *env) {
	ctx := t.Context()
	s := e.s
	ann := leaktrace.Recipient{ID: "ann", Name: "Ann", Email: "ann@example.org", AddedAt: t0,
		Clearance: "TS", Compartments: []string{"SI", "TK"}, Citizenship: "GBR", Roles: []string{"issuer", "reader"}}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{ann, {ID: "bob", AddedAt: t0}}, nil); err != nil {
		t.Fatal(err)
	}
	n := logSize(t, s)
	var seen leaktrace.Recipient
	if err := s.UpdateRecipient(ctx, "ann", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
		seen = *r
		seen.Compartments, seen.Roles = slices.Clone(r.Compartments), slices.Clone(r.Roles)
		r.Clearance, r.Compartments, r.Citizenship, r.Roles, r.Disabled = "S", nil, "USA", []string{"auditor"}, true
		// Not access fields: never stored.
		r.ID, r.Name, r.Email, r.AddedAt = "other", "Changed", "changed@example.org", t0.Add(time.Hour)
		return rec("clearance", "", "ann"), nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, ann) {
		t.Errorf("apply was given %+v, want %+v", seen, ann)
	}
	want := ann
	want.Clearance, want.Compartments, want.Citizenship, want.Roles, want.Disabled = "S", nil, "USA", []string{"auditor"}, true
	if got, err := s.Recipient(ctx, "ann"); err != nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("Recipient after UpdateRecipient = %+v, %v; want %+v", got, err, want)
	}
	if _, err := s.Recipient(ctx, "other"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("UpdateRecipient changed the reader's id: %v", err)
	}
	if logSize(t, s) != n+1 {
		t.Fatal("UpdateRecipient appended no record")
	}
	entryIs(t, s, n, rec("clearance", "", "ann"))
	// Clearance "" is stored as "U".
	if err := s.UpdateRecipient(ctx, "ann", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
		r.Clearance = ""
		return rec("clearance", "", "ann"), nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Recipient(ctx, "ann"); got == nil || got.Clearance != "U" {
		t.Errorf("clearance \"\" stored as %+v, want U", got)
	}
	unchanged(t, s, "UpdateRecipient of an unknown reader", leaktrace.ErrNotFound, func() error {
		return s.UpdateRecipient(ctx, "nobody", func(*leaktrace.Recipient) (leaktrace.LogRecord, error) {
			t.Error("apply called for an unknown reader")
			return rec("clearance", "", "nobody"), nil
		})
	})
	refused := errors.New("refused")
	unchanged(t, s, "UpdateRecipient whose apply fails", refused, func() error {
		return s.UpdateRecipient(ctx, "ann", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
			r.Clearance = "TS"
			return leaktrace.LogRecord{}, refused
		})
	})
	e.checkLog(t, s)
}

func markingOf(t *testing.T, r leaktrace.StoreReader, doc string) string {
	t.Helper()
	d, err := r.Document(t.Context(), doc)
	if err != nil {
		t.Fatalf("Document(%s): %v", doc, err)
	}
	return d.Marking
}

func testSetMarking(t *testing.T, e *env) {
	ctx := t.Context()
	s := vault(t, e)
	if err := s.SetMarking(ctx, "d1", "TOP SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
		t.Fatal(err)
	}
	entryIs(t, s, logSize(t, s)-1, rec("marking", "d1", ""))
	if ds, err := s.Documents(ctx); err != nil || len(ds) != 2 || ds[0].Marking != "TOP SECRET//SI" || ds[1].Marking != "" {
		t.Fatalf("Documents after SetMarking: %+v, %v", ds, err)
	}
	unchanged(t, s, "SetMarking of an unknown document", leaktrace.ErrNotFound, func() error {
		return s.SetMarking(ctx, "nope", "SECRET", nil, rec("marking", "nope", ""))
	})
	was := "SECRET"
	unchanged(t, s, "SetMarking of an unknown document from a marking", leaktrace.ErrNotFound, func() error {
		return s.SetMarking(ctx, "nope", "SECRET", &was, rec("marking", "nope", ""))
	})
	// A guarded change commits only over the marking it was decided on.
	unchanged(t, s, "SetMarking from a marking the document no longer has", leaktrace.ErrChanged, func() error {
		return s.SetMarking(ctx, "d1", "CONFIDENTIAL", &was, rec("marking", "d1", ""))
	})
	none := ""
	unchanged(t, s, "SetMarking from no marking over a marking", leaktrace.ErrChanged, func() error {
		return s.SetMarking(ctx, "d1", "CONFIDENTIAL", &none, rec("marking", "d1", ""))
	})
	n := logSize(t, s)
	was = "TOP SECRET//SI"
	if err := s.SetMarking(ctx, "d1", "CONFIDENTIAL", &was, rec("marking", "d1", "")); err != nil {
		t.Fatalf("SetMarking from the marking it has: %v", err)
	}
	if err := s.SetMarking(ctx, "d2", "SECRET", &none, rec("marking", "d2", "")); err != nil {
		t.Fatalf("SetMarking from no marking: %v", err)
	}
	if m := markingOf(t, s, "d1"); m != "CONFIDENTIAL" || logSize(t, s) != n+2 {
		t.Errorf("a guarded SetMarking over its own marking: %q", m)
	}
	if m := markingOf(t, s, "d2"); m != "SECRET" {
		t.Errorf("a guarded SetMarking from no marking: %q", m)
	}
	e.checkLog(t, s)
}

func testRecordAccess(t *testing.T, e *env) {
	ctx := t.Context()
	setup := func(t *testing.T, s leaktrace.Store) {
		t.Helper()
		addDocs(t, s, nil, "d1", "d2")
		addReaders(t, s, "a", "b", "u")
		if err := s.SetMarking(ctx, "d1", "SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
			r.Clearance, r.Compartments, r.Citizenship = "TS", []string{"SI", "TK"}, "USA"
			return rec("clearance", "", "a"), nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGrants(ctx, "d1", []string{"a"}, true, []leaktrace.LogRecord{rec("grant", "d1", "a")}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGrants(ctx, "d2", []string{"u"}, true, []leaktrace.LogRecord{rec("grant", "d2", "u")}); err != nil {
			t.Fatal(err)
		}
	}
	setup(t, e.s)
	guard := leaktrace.AccessGuard{Document: "d1", Marking: "SECRET//SI", Recipient: "a", Clearance: "TS", Compartments: []string{"SI", "TK"}, Citizenship: "USA"}
	copies := []leaktrace.Copy{
		{Document: "d1", Recipient: "a", SHA256: "cc", IssuedAt: t0},
		{Document: "d1", Recipient: "a", Format: leaktrace.FormatPDF, Layout: 1, Marking: "SECRET//SI", SHA256: "pp", IssuedAt: t0},
	}
	recs := []leaktrace.LogRecord{rec("access", "d1", "a"), rec("access", "d1", "a")}
	for _, tc := range []struct {
		name   string
		change func(*testing.T, leaktrace.Store)
		guard  func(*leaktrace.AccessGuard)
	}{
		{"revoked", func(t *testing.T, s leaktrace.Store) {
			if err := s.SetGrants(ctx, "d1", []string{"a"}, false, []leaktrace.LogRecord{rec("revoke", "d1", "a")}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"disabled", func(t *testing.T, s leaktrace.Store) {
			if err := s.UpdateRecipient(ctx, "a", func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				r.Disabled = true
				return rec("clearance", "", "a"), nil
			}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"marking", func(t *testing.T, s leaktrace.Store) {
			if err := s.SetMarking(ctx, "d1", "TOP SECRET//SI", nil, rec("marking", "d1", "")); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"clearance", nil, func(g *leaktrace.AccessGuard) { g.Clearance = "S" }},
		{"compartments", nil, func(g *leaktrace.AccessGuard) { g.Compartments = []string{"SI"} }},
		{"citizenship", nil, func(g *leaktrace.AccessGuard) { g.Citizenship = "GBR" }},
		{"another reader", nil, func(g *leaktrace.AccessGuard) { g.Recipient = "b" }},
		{"unknown reader", nil, func(g *leaktrace.AccessGuard) { g.Recipient = "nobody" }},
		{"unknown document", nil, func(g *leaktrace.AccessGuard) { g.Document = "nope" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A case that changes the store has a store of its own; the
			// others share one, which unchanged shows they leave as
			// set up.
			s := e.s
			if tc.change != nil {
				s = e.b.New(t, e.signer(t)).Store
				setup(t, s)
			}
			g := guard
			g.Compartments = slices.Clone(guard.Compartments)
			if tc.change != nil {
				tc.change(t, s)
			}
			if tc.guard != nil {
				tc.guard(&g)
			}
			unchanged(t, s, "RecordAccess under a guard that no longer holds", leaktrace.ErrChanged, func() error {
				_, err := s.RecordAccess(ctx, copies, recs, g)
				return err
			})
		})
	}

	s := e.s
	n := logSize(t, s)
	first, err := s.RecordAccess(ctx, copies, recs, guard)
	if err != nil || first != n || logSize(t, s) != n+2 {
		t.Fatalf("RecordAccess under a guard that holds: first %d, %v; log %d -> %d", first, err, n, logSize(t, s))
	}
	if cs, err := s.Copies(ctx, "d1"); err != nil || !sameCopies(cs, copies) {
		t.Errorf("Copies = %+v, %v; want %+v", cs, err, copies)
	}
	// Clearance "" in a guard is "U", as stored.
	uCopy := []leaktrace.Copy{{Document: "d2", Recipient: "u", SHA256: "uu", IssuedAt: t0}}
	if _, err := s.RecordAccess(ctx, uCopy, []leaktrace.LogRecord{rec("access", "d2", "u")}, leaktrace.AccessGuard{Document: "d2", Recipient: "u"}); err != nil {
		t.Errorf("RecordAccess for a reader cleared for U, guard clearance \"\": %v", err)
	}
	// A copy that can't be recorded fails the whole access.
	unchanged(t, s, "RecordAccess of a banner on a copy in the document's own format", nil, func() error {
		_, err := s.RecordAccess(ctx, []leaktrace.Copy{{Document: "d1", Recipient: "a", Marking: "SECRET//SI", SHA256: "x", IssuedAt: t0}},
			[]leaktrace.LogRecord{rec("access", "d1", "a")}, guard)
		return err
	})
	e.checkLog(t, s)
}
