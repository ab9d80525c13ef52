package pgstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/tlog"
)

// twin runs the same calls on the SQLite store and on this one and
// compares what they return.
type twin struct {
	t        *testing.T
	lite, pg leaktrace.Store
}

// sentinels are the errors whose wording callers show: a backend must
// return the same one, worded the same.
var sentinels = []error{leaktrace.ErrNotFound, leaktrace.ErrExists, leaktrace.ErrNoSigner, leaktrace.ErrChanged, leaktrace.ErrLogCorrupt}

// same runs f on both stores and fails t unless they return equal values
// and the same error: both nil, or both wrapping the same sentinel with
// the same message, or (for the database's own errors, worded by each
// database) both failing.
func same[T any](w twin, name string, f func(leaktrace.Store) (T, error)) T {
	w.t.Helper()
	lv, lerr := f(w.lite)
	pv, perr := f(w.pg)
	switch {
	case (lerr == nil) != (perr == nil):
		w.t.Errorf("%s: SQLite's error %v, PostgreSQL's %v", name, lerr, perr)
	case lerr != nil:
		for _, s := range sentinels {
			if errors.Is(lerr, s) != errors.Is(perr, s) {
				w.t.Errorf("%s: SQLite's error %v, PostgreSQL's %v", name, lerr, perr)
			}
			if errors.Is(lerr, s) && lerr.Error() != perr.Error() {
				w.t.Errorf("%s: SQLite's error %q, PostgreSQL's %q", name, lerr, perr)
			}
		}
	}
	if !reflect.DeepEqual(lv, pv) {
		w.t.Errorf("%s: %s", name, difference(reflect.ValueOf(lv), reflect.ValueOf(pv)))
	}
	// Nothing written on error, everything written on success: the
	// logs agree after every call.
	ln, _ := w.lite.LogSize(w.t.Context())
	pn, _ := w.pg.LogSize(w.t.Context())
	if ln != pn {
		w.t.Errorf("after %s: SQLite's log has %d entries, PostgreSQL's %d", name, ln, pn)
	}
	return pv
}

// difference describes how a (SQLite's) and b (PostgreSQL's) differ:
// for slices, at their first differing element.
func difference(a, b reflect.Value) string {
	if a.Kind() == reflect.Slice && b.Kind() == reflect.Slice && !a.IsNil() && !b.IsNil() {
		for i := range min(a.Len(), b.Len()) {
			if !reflect.DeepEqual(a.Index(i).Interface(), b.Index(i).Interface()) {
				return fmt.Sprintf("[%d]: %s", i, difference(a.Index(i), b.Index(i)))
			}
		}
		return fmt.Sprintf("SQLite's has %d elements, PostgreSQL's %d", a.Len(), b.Len())
	}
	return fmt.Sprintf("\nSQLite:     %#v\nPostgreSQL: %#v", a.Interface(), b.Interface())
}

// do is same for calls that return only an error.
func do(w twin, name string, f func(leaktrace.Store) error) {
	w.t.Helper()
	same(w, name, func(s leaktrace.Store) (struct{}, error) { return struct{}{}, f(s) })
}

func newTwin(t *testing.T, signer leaktrace.CheckpointSigner) twin {
	ctx := t.Context()
	lite, err := store.Create(ctx, filepath.Join(t.TempDir(), "leaktrace.db"), signer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	pg, err := Create(ctx, pgtest.Database(t), signer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return twin{t, lite, pg}
}

func intp(n int) *int { return &n }

// TestSameAsSQLite makes the same calls on both stores, the SQLite store
// being the reference, and checks that every value and every error
// contract is the same: results and their order, times as returned,
// errors and their wording, and the log (entries, stored hashes, signed
// checkpoints) byte for byte.
func TestSameAsSQLite(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newTwin(t, testSigner(t))
	zone := time.FixedZone("X", 5400)
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 891011, zone)

	do(w, "AppendLog(init)", func(s leaktrace.Store) error {
		_, err := s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")})
		return err
	})
	same(w, "AppendLog(none)", func(s leaktrace.Store) (int64, error) { return s.AppendLog(ctx, nil) })
	same(w, "AppendLog(empty)", func(s leaktrace.Store) (int64, error) {
		return s.AppendLog(ctx, []leaktrace.LogRecord{{Kind: "trace", Data: []byte{}}, rec("trace", "x", "y")})
	})

	// Documents, with every field set, and one with nothing set.
	full := &leaktrace.Document{ID: "memo", Title: "Mémo", Filename: "memo.txt", Format: "txt",
		Content: []byte("the text\x00\xff"), SHA256: "ab", Words: 3,
		Marks:  leaktrace.Marks{Total: 3, ByChannel: map[string]int{"typographic": 2, "lexical": 1}},
		Scheme: 2, Catalogue: 3, Verbatim: true, Reencode: true, AddedAt: t0, Marking: "SECRET//NOFORN",
		Variants:       []marks.AuthorVariant{{Original: "a", Alternatives: []string{"b", "c"}}},
		VariantsSHA256: "cd",
		Capacity: &leaktrace.Capacity{Recipients: 10, Epsilon: 1e-6, WordsNeeded: map[string]*int{"retype": intp(40), "ocr": nil},
			PagesNeeded: map[string]*float64{}, Layout: &leaktrace.LayoutCapacity{Version: 1, Pages: 2, Points: 30, PerPage: &leaktrace.Spread{Min: 1, Median: 2, Max: 3}}},
		Baseline:     &leaktrace.Baseline{Without: "verbatim", Marks: leaktrace.Marks{Total: 9, ByChannel: map[string]int{"lexical": 9}}},
		Fingerprints: []index.Fingerprint{{Hash: 7, Pos: 3}, {Hash: 5, Pos: 0}, {Hash: -9, Pos: 1}, {Hash: 5, Pos: 4}, {Hash: 7, Pos: 3}},
	}
	bare := &leaktrace.Document{ID: "Bare", Content: []byte{}, AddedAt: t0.Add(time.Nanosecond)}
	for _, d := range []*leaktrace.Document{full, bare, full} {
		do(w, "AddDocument("+d.ID+")", func(s leaktrace.Store) error { return s.AddDocument(ctx, d, rec("document", d.ID, "")) })
	}
	for _, id := range []string{"b", "a", "Z", "é", "e", "_x", "10", "9"} {
		d := &leaktrace.Document{ID: id, Content: []byte(id), Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: t0,
			Fingerprints: []index.Fingerprint{{Hash: 5, Pos: int32(len(id))}, {Hash: 11, Pos: 0}}}
		do(w, "AddDocument("+id+")", func(s leaktrace.Store) error { return s.AddDocument(ctx, d, rec("document", id, "")) })
	}
	same(w, "Document(memo)", func(s leaktrace.Store) (*leaktrace.Document, error) { return s.Document(ctx, "memo") })
	same(w, "Document(Bare)", func(s leaktrace.Store) (*leaktrace.Document, error) { return s.Document(ctx, "Bare") })
	same(w, "Document(nope)", func(s leaktrace.Store) (*leaktrace.Document, error) { return s.Document(ctx, "nope") })
	same(w, "Documents", func(s leaktrace.Store) ([]*leaktrace.Document, error) { return s.Documents(ctx) })
	same(w, "DocumentIDs", func(s leaktrace.Store) ([]string, error) { return s.DocumentIDs(ctx) })
	same(w, "DocumentCount", func(s leaktrace.Store) (int, error) { return s.DocumentCount(ctx) })
	for _, hs := range [][]int64{nil, {5}, {11, 5, 7, 5, 404, -9}, {404}} {
		same(w, fmt.Sprint("Lookup", hs), func(s leaktrace.Store) ([]index.Posting, error) { return s.Lookup(ctx, hs) })
	}
	same(w, "IndexDigests", func(s leaktrace.Store) (*leaktrace.IndexState, error) { return s.IndexDigests(ctx) })

	// Recipients, sorted byte by byte.
	var rs []leaktrace.Recipient
	for i, id := range []string{"b", "B", "a", "Z", "é", "e", "_x", "10", "9"} {
		rs = append(rs, leaktrace.Recipient{ID: id, Name: "N" + id, Email: id + "@example.org", AddedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	rs[0].Clearance, rs[0].Compartments, rs[0].Citizenship, rs[0].Roles, rs[0].Disabled = "TS", []string{"SI", "TK"}, "GBR", []string{"auditor", "issuer"}, true
	recsFor := func(rs []leaktrace.Recipient) []leaktrace.LogRecord {
		var out []leaktrace.LogRecord
		for _, r := range rs {
			out = append(out, rec("recipient", "", r.ID))
		}
		return out
	}
	do(w, "AddRecipients", func(s leaktrace.Store) error { return s.AddRecipients(ctx, rs, recsFor(rs)) })
	for _, batch := range [][]leaktrace.Recipient{
		{{ID: "new1", AddedAt: t0}, {ID: "new2", AddedAt: t0}, {ID: "new1", AddedAt: t0}, {ID: "a", AddedAt: t0}},
		{{ID: "new1", AddedAt: t0}, {ID: "Z", AddedAt: t0}, {ID: "new1", AddedAt: t0}},
	} {
		do(w, "AddRecipients(duplicate)", func(s leaktrace.Store) error { return s.AddRecipients(ctx, batch, recsFor(batch)) })
	}
	same(w, "Recipients", func(s leaktrace.Store) ([]leaktrace.Recipient, error) { return s.Recipients(ctx) })
	same(w, "RecipientIDs", func(s leaktrace.Store) ([]string, error) { return s.RecipientIDs(ctx) })
	same(w, "Recipient(b)", func(s leaktrace.Store) (*leaktrace.Recipient, error) { return s.Recipient(ctx, "b") })
	same(w, "Recipient(nope)", func(s leaktrace.Store) (*leaktrace.Recipient, error) { return s.Recipient(ctx, "nope") })

	// Copies in both formats, re-issued, and refused.
	cp := func(doc, r, format string, layout int, footer bool, marking string, at time.Time) leaktrace.Copy {
		return leaktrace.Copy{Document: doc, Recipient: r, Format: format, Layout: layout, Footer: footer, Marking: marking, SHA256: doc + r + marking, IssuedAt: at}
	}
	for i, cs := range [][]leaktrace.Copy{
		{cp("memo", "b", "", 0, false, "", t0), cp("memo", "a", "pdf", 1, true, "SECRET", t0), cp("memo", "a", "pdf", 1, false, "", t0)},
		{cp("memo", "b", "", 0, false, "", t0.Add(time.Hour)), cp("memo", "a", "pdf", 1, true, "SECRET", t0.Add(time.Hour)), cp("memo", "a", "pdf", 1, true, "", t0)},
		{cp("Bare", "Z", "", 0, false, "", t0), cp("Bare", "é", "", 0, false, "", t0), cp("b", "9", "", 0, false, "", t0), cp("b", "10", "pdf", 2, false, "", t0)},
		{cp("Bare", "10", "", 0, false, "", t0), cp("Bare", "e", "", 0, false, "SECRET", t0)},
		{cp("Bare", "10", "", 0, false, "", t0), cp("Bare", "e", "epub", 0, false, "", t0)},
		{cp("Bare", "10", "", 0, false, "", t0), cp("Bare", "e", "pdf", 0, false, "", t0)},
		{cp("nope", "a", "", 0, false, "", t0), cp("Bare", "e", "", 0, false, "SECRET", t0)},
		{cp("Bare", "a", "", 0, false, "", t0), cp("Bare", "nobody", "pdf", 1, false, "", t0)},
	} {
		do(w, fmt.Sprint("RecordCopies#", i), func(s leaktrace.Store) error {
			return s.RecordCopies(ctx, cs, []leaktrace.LogRecord{rec("copy", cs[0].Document, cs[0].Recipient)})
		})
	}
	same(w, "Copies()", func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.Copies(ctx, "") })
	same(w, "Copies(memo)", func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.Copies(ctx, "memo") })
	same(w, "Copies(nope)", func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.Copies(ctx, "nope") })
	same(w, "Issued", func(s leaktrace.Store) (map[string]bool, error) {
		return s.Issued(ctx, []string{"memo", "Bare", "a", "nope", "b"})
	})
	same(w, "Issued(none)", func(s leaktrace.Store) (map[string]bool, error) { return s.Issued(ctx, nil) })
	for _, n := range []int{-1, 0, 1, 5} {
		same(w, fmt.Sprint("SampleCopies(", n, ")"), func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.SampleCopies(ctx, n) })
	}

	// The vault.
	for _, g := range []struct {
		doc     string
		rs      []string
		granted bool
	}{
		{"memo", []string{"b", "a", "é"}, true}, {"memo", []string{"a"}, true}, {"Bare", []string{"b", "10", "9"}, true},
		{"memo", []string{"a", "nobody", "x"}, true}, {"nope", []string{"nobody"}, true}, {"memo", []string{"é", "nobody"}, false},
		{"memo", []string{"é", "never"}, false}, {"memo", nil, true}, {"memo", []string{"é"}, false},
	} {
		do(w, fmt.Sprint("SetGrants", g), func(s leaktrace.Store) error {
			return s.SetGrants(ctx, g.doc, g.rs, g.granted, []leaktrace.LogRecord{rec("grant", g.doc, "")})
		})
	}
	same(w, "Grants(memo)", func(s leaktrace.Store) ([]string, error) { return s.Grants(ctx, "memo") })
	same(w, "Grants(nope)", func(s leaktrace.Store) ([]string, error) { return s.Grants(ctx, "nope") })
	same(w, "GrantsOf(b)", func(s leaktrace.Store) ([]string, error) { return s.GrantsOf(ctx, "b") })
	same(w, "Granted(memo, é)", func(s leaktrace.Store) (bool, error) { return s.Granted(ctx, "memo", "é") })
	same(w, "Granted(memo, a)", func(s leaktrace.Store) (bool, error) { return s.Granted(ctx, "memo", "a") })
	for _, tok := range []leaktrace.Token{
		{ID: "t2", Recipient: "b", SHA256: "x", CreatedAt: t0}, {ID: "t1", Recipient: "b", SHA256: "y", CreatedAt: t0},
		{ID: "T0", Recipient: "a", SHA256: "z", CreatedAt: t0.Add(-time.Hour), RevokedAt: t0},
		{ID: "t1", Recipient: "a", SHA256: "w", CreatedAt: t0}, {ID: "t1", Recipient: "nobody", CreatedAt: t0},
	} {
		do(w, "AddToken("+tok.ID+")", func(s leaktrace.Store) error { return s.AddToken(ctx, tok, rec("credential", "", tok.Recipient)) })
	}
	for _, id := range []string{"t1", "t1", "nope"} {
		do(w, "RevokeToken("+id+")", func(s leaktrace.Store) error {
			return s.RevokeToken(ctx, id, t0.Add(time.Minute), rec("credential", "", id))
		})
	}
	same(w, "Token(t1)", func(s leaktrace.Store) (*leaktrace.Token, error) { return s.Token(ctx, "t1") })
	same(w, "Token(nope)", func(s leaktrace.Store) (*leaktrace.Token, error) { return s.Token(ctx, "nope") })
	same(w, "Tokens()", func(s leaktrace.Store) ([]leaktrace.Token, error) { return s.Tokens(ctx, "") })
	same(w, "Tokens(b)", func(s leaktrace.Store) ([]leaktrace.Token, error) { return s.Tokens(ctx, "b") })
	same(w, "Tokens(nope)", func(s leaktrace.Store) ([]leaktrace.Token, error) { return s.Tokens(ctx, "nope") })
	for _, r := range []string{"a", "a", "nobody"} {
		do(w, "SetPassword("+r+")", func(s leaktrace.Store) error { return s.SetPassword(ctx, r, "h-"+r, rec("credential", "", r)) })
	}
	same(w, "Password(a)", func(s leaktrace.Store) (string, error) { return s.Password(ctx, "a") })
	same(w, "Password(b)", func(s leaktrace.Store) (string, error) { return s.Password(ctx, "b") })
	refused := errors.New("refused")
	for _, id := range []string{"a", "nobody", "b"} {
		do(w, "UpdateRecipient("+id+")", func(s leaktrace.Store) error {
			return s.UpdateRecipient(ctx, id, func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
				if r.ID == "b" {
					r.Clearance = "U"
					return leaktrace.LogRecord{}, refused
				}
				r.Name, r.Clearance, r.Compartments, r.Citizenship, r.Roles = "ignored", "S", []string{"SI"}, "USA", []string{"reader"}
				return rec("clearance", "", id), nil
			})
		})
	}
	same(w, "Recipient(a)", func(s leaktrace.Store) (*leaktrace.Recipient, error) { return s.Recipient(ctx, "a") })
	secret, other := "SECRET//NOFORN", "CONFIDENTIAL"
	for i, m := range []struct {
		doc, marking string
		from         *string
	}{{"memo", "SECRET", &other}, {"memo", "SECRET", &secret}, {"nope", "SECRET", nil}, {"nope", "SECRET", &secret}, {"Bare", "", nil}} {
		do(w, fmt.Sprint("SetMarking#", i), func(s leaktrace.Store) error {
			return s.SetMarking(ctx, m.doc, m.marking, m.from, rec("marking", m.doc, ""))
		})
	}
	guard := leaktrace.AccessGuard{Document: "memo", Marking: "SECRET", Recipient: "a", Clearance: "S", Compartments: []string{"SI"}, Citizenship: "USA"}
	for i, g := range []func(*leaktrace.AccessGuard){
		func(g *leaktrace.AccessGuard) { g.Document = "nope" },
		func(g *leaktrace.AccessGuard) { g.Marking = "TOP SECRET" },
		func(g *leaktrace.AccessGuard) { g.Recipient = "nobody" },
		func(g *leaktrace.AccessGuard) { g.Recipient = "b" },
		func(g *leaktrace.AccessGuard) { g.Compartments = nil },
		func(g *leaktrace.AccessGuard) { g.Clearance = "" },
		func(g *leaktrace.AccessGuard) {
			g.Recipient, g.Clearance, g.Compartments, g.Citizenship = "9", "", nil, ""
		},
		func(*leaktrace.AccessGuard) {},
	} {
		gg := guard
		g(&gg)
		same(w, fmt.Sprint("RecordAccess#", i), func(s leaktrace.Store) (int64, error) {
			return s.RecordAccess(ctx, []leaktrace.Copy{cp(gg.Document, gg.Recipient, "pdf", 1, true, "SECRET", t0)}, []leaktrace.LogRecord{rec("access", gg.Document, gg.Recipient)}, gg)
		})
	}
	same(w, "Copies(memo) after access", func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.Copies(ctx, "memo") })

	// Meta.
	same(w, "Meta(unset)", func(s leaktrace.Store) (string, error) { v, _, err := s.Meta(ctx, "k"); return v, err })
	same(w, "SetMetaOnce", func(s leaktrace.Store) (string, error) { return s.SetMetaOnce(ctx, "k", "first") })
	same(w, "SetMetaOnce again", func(s leaktrace.Store) (string, error) { return s.SetMetaOnce(ctx, "k", "second") })
	do(w, "SetMeta", func(s leaktrace.Store) error { return s.SetMeta(ctx, "j", "v") })
	do(w, "SetMeta again", func(s leaktrace.Store) error { return s.SetMeta(ctx, "j", "w") })
	same(w, "Meta(j)", func(s leaktrace.Store) ([2]string, error) {
		v, ok, err := s.Meta(ctx, "j")
		return [2]string{v, fmt.Sprint(ok)}, err
	})

	// The index, rebuilt.
	fail := errors.New("no")
	same(w, "Reindex(failing)", func(s leaktrace.Store) (*leaktrace.Reindexed, error) {
		return s.Reindex(ctx, func(*leaktrace.Document) ([]index.Fingerprint, error) { return nil, fail }, nil)
	})
	same(w, "Reindex", func(s leaktrace.Store) ([2]any, error) {
		var calls []int
		r, err := s.Reindex(ctx, func(d *leaktrace.Document) ([]index.Fingerprint, error) {
			if d.ID == "memo" {
				return []index.Fingerprint{{Hash: 5, Pos: 1}, {Hash: 13, Pos: 2}}, nil
			}
			return []index.Fingerprint{{Hash: 5, Pos: int32(len(d.Content))}, {Hash: 11, Pos: 0}}, nil
		}, func(done, total int) { calls = append(calls, done, total) })
		return [2]any{r, calls}, err
	})
	same(w, "IndexDigests after Reindex", func(s leaktrace.Store) (*leaktrace.IndexState, error) { return s.IndexDigests(ctx) })
	same(w, "Lookup after Reindex", func(s leaktrace.Store) ([]index.Posting, error) { return s.Lookup(ctx, []int64{13, 11, 5, 7}) })

	// The log, byte for byte.
	n := same(w, "LogSize", func(s leaktrace.Store) (int64, error) { return s.LogSize(ctx) })
	same(w, "LogEntries", func(s leaktrace.Store) ([]leaktrace.LogRecord, error) { return s.LogEntries(ctx, 0, n) })
	same(w, "LogEntries(past the end)", func(s leaktrace.Store) ([]leaktrace.LogRecord, error) { return s.LogEntries(ctx, n-1, n+1) })
	same(w, "LogEntries(empty)", func(s leaktrace.Store) ([]leaktrace.LogRecord, error) { return s.LogEntries(ctx, 3, 3) })
	same(w, "FindLogEntries", func(s leaktrace.Store) ([]int64, error) { return s.FindLogEntries(ctx, "copy", "memo", "b") })
	same(w, "FindLogEntries(none)", func(s leaktrace.Store) ([]int64, error) { return s.FindLogEntries(ctx, "copy", "memo", "nobody") })
	hc := same(w, "LogHashCount", func(s leaktrace.Store) (int64, error) { return s.LogHashCount(ctx) })
	if hc != tlog.StoredHashCount(n) {
		t.Errorf("%d stored hashes for %d entries, want %d", hc, n, tlog.StoredHashCount(n))
	}
	same(w, "ReadLogHashes", func(s leaktrace.Store) ([]tlog.Hash, error) { return s.ReadLogHashes(ctx, []int64{hc - 1, 0, 3, 3}) })
	same(w, "ReadLogHashes(missing)", func(s leaktrace.Store) ([]tlog.Hash, error) { return s.ReadLogHashes(ctx, []int64{0, hc}) })
	same(w, "ReadLogHashes(none)", func(s leaktrace.Store) ([]tlog.Hash, error) { return s.ReadLogHashes(ctx, nil) })
	same(w, "Checkpoint", func(s leaktrace.Store) (leaktrace.LogCheckpoint, error) { return s.Checkpoint(ctx) })
	same(w, "Checkpoints", func(s leaktrace.Store) ([]leaktrace.LogCheckpoint, error) { return s.Checkpoints(ctx) })
	same(w, "Snapshot", func(s leaktrace.Store) ([]int64, error) {
		var out []int64
		err := s.Snapshot(ctx, func(r leaktrace.StoreReader) error {
			n, err := r.LogSize(ctx)
			out = append(out, n)
			return err
		})
		return out, err
	})
}

// TestSameAsSQLiteEmpty compares the two stores before anything is
// written, and without a signer.
func TestSameAsSQLiteEmpty(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newTwin(t, nil)
	same(w, "Checkpoint", func(s leaktrace.Store) (leaktrace.LogCheckpoint, error) { return s.Checkpoint(ctx) })
	same(w, "Checkpoints", func(s leaktrace.Store) ([]leaktrace.LogCheckpoint, error) { return s.Checkpoints(ctx) })
	same(w, "LogEntries", func(s leaktrace.Store) ([]leaktrace.LogRecord, error) { return s.LogEntries(ctx, 0, 0) })
	same(w, "Documents", func(s leaktrace.Store) ([]*leaktrace.Document, error) { return s.Documents(ctx) })
	same(w, "Recipients", func(s leaktrace.Store) ([]leaktrace.Recipient, error) { return s.Recipients(ctx) })
	same(w, "Copies", func(s leaktrace.Store) ([]leaktrace.Copy, error) { return s.Copies(ctx, "") })
	same(w, "IndexDigests", func(s leaktrace.Store) (*leaktrace.IndexState, error) { return s.IndexDigests(ctx) })
	same(w, "Reindex", func(s leaktrace.Store) (*leaktrace.Reindexed, error) {
		return s.Reindex(ctx, func(*leaktrace.Document) ([]index.Fingerprint, error) { return nil, nil }, nil)
	})
	same(w, "AppendLog(none)", func(s leaktrace.Store) (int64, error) { return s.AppendLog(ctx, nil) })
	same(w, "AppendLog", func(s leaktrace.Store) (int64, error) {
		return s.AppendLog(ctx, []leaktrace.LogRecord{rec("init", "", "")})
	})
	do(w, "AddRecipients", func(s leaktrace.Store) error {
		return s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, []leaktrace.LogRecord{rec("recipient", "", "r")})
	})
	do(w, "AddRecipients(unlogged)", func(s leaktrace.Store) error {
		return s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, nil)
	})
	same(w, "Recipients after", func(s leaktrace.Store) ([]string, error) { return s.RecipientIDs(ctx) })
	same(w, "SetMetaOnce", func(s leaktrace.Store) (string, error) { return s.SetMetaOnce(ctx, "k", "v") })
	do(w, "SetPassword", func(s leaktrace.Store) error { return s.SetPassword(ctx, "r", "h", rec("credential", "", "r")) })
	same(w, "Password", func(s leaktrace.Store) (string, error) { return s.Password(ctx, "r") })
}
