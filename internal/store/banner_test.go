package store

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
)

// TestPDFCopiesKeyedByBanner: a store made before PDF copies carried a
// banner keeps its PDF copies, without one; after it, a reader's PDF
// copy under another banner is a row of its own, and the first issue
// under each banner stays the row.
func TestPDFCopiesKeyedByBanner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leaktrace.db")
	ctx := t.Context()
	old := migrations
	migrations = migrations[:slices.IndexFunc(migrations, func(m string) bool { return strings.Contains(m, "pdf_copies_marked") })]
	s, err := Create(ctx, path, testSigner(t))
	migrations = old
	if err != nil {
		t.Fatal(err)
	}
	d := &leaktrace.Document{ID: "d", Content: []byte("x"), Marks: leaktrace.Marks{ByChannel: map[string]int{}}, AddedAt: time.Now()}
	if err := s.AddDocument(ctx, d, rec("document", "d", "")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r", AddedAt: time.Now()}}, nil); err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO pdf_copies (document, recipient, layout, footer, sha256, issued_at) VALUES ('d', 'r', 1, 1, 'aa', ?)`,
		first.Format(timeFormat)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, path, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []leaktrace.Copy{{Document: "d", Recipient: "r", Format: "pdf", Layout: 1, Footer: true, SHA256: "aa", IssuedAt: first}}
	if cs, err := s.Copies(ctx, "d"); err != nil || !slices.EqualFunc(cs, want, sameCopy) {
		t.Fatalf("after migrating: %+v, %v; want %+v", cs, err, want)
	}
	for i, c := range []leaktrace.Copy{
		{Document: "d", Recipient: "r", Format: "pdf", Layout: 1, Footer: true, Marking: "SECRET", SHA256: "bb", IssuedAt: first.Add(time.Hour)},
		{Document: "d", Recipient: "r", Format: "pdf", Layout: 1, Footer: true, Marking: "SECRET", SHA256: "bb", IssuedAt: first.Add(2 * time.Hour)},
		{Document: "d", Recipient: "r", Format: "pdf", Layout: 1, Footer: true, SHA256: "aa", IssuedAt: first.Add(3 * time.Hour)},
	} {
		if err := s.RecordCopies(ctx, []leaktrace.Copy{c}, []leaktrace.LogRecord{rec("copy", "d", "r")}); err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
	}
	want = append(want, leaktrace.Copy{Document: "d", Recipient: "r", Format: "pdf", Layout: 1, Footer: true, Marking: "SECRET", SHA256: "bb", IssuedAt: first.Add(time.Hour)})
	if cs, err := s.Copies(ctx, ""); err != nil || !slices.EqualFunc(cs, want, sameCopy) {
		t.Fatalf("copies: %+v, %v; want %+v", cs, err, want)
	}
	// Only a PDF copy carries a banner.
	if err := s.RecordCopies(ctx, []leaktrace.Copy{{Document: "d", Recipient: "r", Marking: "SECRET", SHA256: "cc", IssuedAt: first}}, []leaktrace.LogRecord{rec("copy", "d", "r")}); err == nil {
		t.Fatal("recorded a banner on a copy in the document's own format")
	}
}

func sameCopy(a, b leaktrace.Copy) bool {
	return a.Document == b.Document && a.Recipient == b.Recipient && a.Format == b.Format && a.Layout == b.Layout &&
		a.Footer == b.Footer && a.Marking == b.Marking && a.SHA256 == b.SHA256 && a.IssuedAt.Equal(b.IssuedAt)
}
