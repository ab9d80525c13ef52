package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
)

// TestMetaSetOnce: the first value stored under a name stays; a second
// writer learns the first one's value instead of replacing it.
func TestMetaSetOnce(t *testing.T) {
	s, path := newStore(t)
	ctx := t.Context()
	if v, ok, err := s.Meta(ctx, MetaMarkingKeyCheck); err != nil || ok {
		t.Fatalf("Meta of an unset name = %q, %v, %v; want none", v, ok, err)
	}
	if got, err := s.SetMetaOnce(ctx, MetaMarkingKeyCheck, "first"); err != nil || got != "first" {
		t.Fatalf("SetMetaOnce = %q, %v; want first", got, err)
	}
	if got, err := s.SetMetaOnce(ctx, MetaMarkingKeyCheck, "second"); err != nil || got != "first" {
		t.Fatalf("second SetMetaOnce = %q, %v; want the first value", got, err)
	}
	s.Close()
	// Writing meta needs no signer: it is not a custody-log change.
	ro, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got, err := ro.SetMetaOnce(ctx, "other", "x"); err != nil || got != "x" {
		t.Fatalf("SetMetaOnce without a signer = %q, %v", got, err)
	}
	if v, ok, err := ro.Meta(ctx, MetaMarkingKeyCheck); err != nil || !ok || v != "first" {
		t.Fatalf("Meta after reopening = %q, %v, %v; want first", v, ok, err)
	}
}

// TestMetaMigration: a store made before the meta table gains it, and
// keeps its rows.
func TestMetaMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leaktrace.db")
	ctx := t.Context()
	old := migrations
	migrations = migrations[:slices.IndexFunc(migrations, func(m string) bool { return strings.Contains(m, "CREATE TABLE meta") })]
	s, err := Create(ctx, path, testSigner(t))
	migrations = old
	if err != nil {
		t.Fatal(err)
	}
	// The store's methods write the latest schema: an old store's rows
	// are written by hand.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO recipients (id, name, email, added_at) VALUES ('r', '', '', ?)`, time.Now().UTC().Format(timeFormat)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Meta(ctx, MetaMarkingKeyCheck); err == nil {
		t.Fatal("the pre-meta schema already has a meta table")
	}
	s.Close()
	s, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.Meta(ctx, MetaMarkingKeyCheck); err != nil || ok {
		t.Fatalf("Meta after migrating = %v, %v; want an empty table", ok, err)
	}
	if rs, err := s.Recipients(ctx); err != nil || len(rs) != 1 {
		t.Fatalf("recipients after migrating: %v, %v", rs, err)
	}
}

// TestSampleCopies: one copy per document, smallest document first.
func TestSampleCopies(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	now := time.Now()
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "a", AddedAt: now}, {ID: "b", AddedAt: now}}, nil); err != nil {
		t.Fatal(err)
	}
	for i, size := range []int{30, 10, 20} {
		id := fmt.Sprintf("d%d", i)
		d := &leaktrace.Document{ID: id, Content: make([]byte, size), Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: now}
		if err := s.AddDocument(ctx, d, rec("document", id, "")); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue // d2 has no copies
		}
		for _, r := range []string{"b", "a"} {
			if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: id, Recipient: r, SHA256: id + r, IssuedAt: now}}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	cs, err := s.SampleCopies(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.SHA256)
	}
	if fmt.Sprint(got) != "[d1a d0a]" {
		t.Fatalf("SampleCopies = %v, want [d1a d0a]", got)
	}
}
