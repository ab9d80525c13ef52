package service

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/format"
)

// memoEmail is memo sent as a 7-bit US-ASCII email.
const memoEmail = "From: ann@example.org\nTo: board@example.org\nSubject: Staff review\nDate: Mon, 1 Jun 2026 09:00:00 +0000\n\n" + memo

// TestReencodeIsPartOfTheRegistration: a document registered with
// Reencode is stored and logged so, finds more points than the byte-exact
// registration of the same email, and issues re-encoded copies that are
// the same from a fresh marker, as every issue and trace reads it.
func TestReencodeIsPartOfTheRegistration(t *testing.T) {
	s, dir := newHome(t)
	ctx := t.Context()
	exact, err := s.AddDocumentWith(ctx, "memo.eml", []byte(memoEmail), AddOptions{ID: "exact"})
	if err != nil {
		t.Fatal(err)
	}
	re, err := s.AddDocumentWith(ctx, "memo.eml", []byte(memoEmail), AddOptions{ID: "re", Reencode: true})
	if err != nil {
		t.Fatal(err)
	}
	if !re.Reencode || exact.Reencode {
		t.Fatalf("Reencode = %t and %t", re.Reencode, exact.Reencode)
	}
	if re.Marks.Total <= exact.Marks.Total {
		t.Errorf("re-encodable: %d points, byte-exact: %d", re.Marks.Total, exact.Marks.Total)
	}
	if got, err := s.Store.Document(ctx, "re"); err != nil || !got.Reencode {
		t.Fatalf("stored: %+v, %v", got, err)
	}
	// The document's log entry records the choice; the other's does not.
	size, err := s.Store.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.Store.LogEntries(ctx, 0, size)
	if err != nil {
		t.Fatal(err)
	}
	logged := map[string]bool{}
	for _, r := range recs {
		if e, err := custody.Decode(r.Data); err == nil && e.Kind == custody.KindDocument {
			logged[e.Document] = e.Reencode
		}
	}
	if !logged["re"] || logged["exact"] {
		t.Errorf("logged reencode: %v", logged)
	}

	issue := func(s *Service, doc string) []byte {
		t.Helper()
		m, _, err := s.Marker(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		is, err := s.Issue(ctx, m, []string{"r3"})
		if err != nil {
			t.Fatal(err)
		}
		return is[0].Data
	}
	cp := issue(s, "re")
	if !bytes.Contains(cp, []byte("Content-Transfer-Encoding: quoted-printable\n")) ||
		!bytes.Contains(cp, []byte("Content-Type: text/plain; charset=utf-8\n")) {
		t.Errorf("copy is not re-encoded:\n%s", cp)
	}
	if cp := issue(s, "exact"); !bytes.HasPrefix(cp, []byte(memoEmail[:strings.Index(memoEmail, "\n\n")+2])) {
		t.Errorf("a byte-exact copy's header changed:\n%s", cp)
	}
	// Another handle on the home finds the same points and issues the
	// same copy.
	s2, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if again := issue(s2, "re"); !bytes.Equal(again, cp) {
		t.Errorf("the copy differs when issued again")
	}
	verifyOK(t, s, nil)
}

// log verify notices a registration's reencode changed in the store.
func TestVerifyCatchesChangedReencode(t *testing.T) {
	s, dir := newHome(t)
	if _, err := s.AddDocumentWith(t.Context(), "memo.eml", []byte(memoEmail), AddOptions{ID: "re", Reencode: true}); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s, nil)
	tamper(t, dir, `UPDATE documents SET reencode = 0 WHERE id = 're'`)
	rep, err := s.VerifyLog(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || !errors.Is(rep.Err(), ErrTampered) || !strings.Contains(strings.Join(rep.Problems, "\n"), `document "re": store has reencode false, the log true`) {
		t.Fatalf("changed reencode not caught: %v", rep.Problems)
	}
}

func TestReencodeOnlyForEmail(t *testing.T) {
	s, _ := newHome(t)
	_, err := s.AddDocumentWith(t.Context(), "memo2.txt", []byte(memo+"More.\n"), AddOptions{Reencode: true})
	if !errors.Is(err, format.ErrOption) {
		t.Fatalf("err = %v, want format.ErrOption", err)
	}
	if _, err := s.Store.Document(t.Context(), "memo2"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Errorf("the refused document was stored: %v", err)
	}
}
