package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
)

const shortMemo = "The committee reviewed the staff projection and agreed that the outlook had changed little since the last meeting.\n"

func TestCheckTextRefusesControlCharacters(t *testing.T) {
	for _, bad := range []string{
		"eve\x1b[31m", "two\nlines", "tab\there", "nul\x00", "del\x7f", "c1\u0085", "c1\u009b31m",
		"bidi\u202eevil", "isolate\u2066x\u2069", "mark\u200f", "line\u2028sep", "para\u2029sep",
		"bad\xffutf8", strings.Repeat("a", service.MaxName+1),
		// Invisible format characters: two names that look alike differ.
		"\ufeffAnn", "Ann\u2061", "An\u2062n", "x\u2063", "x\u2064", "An\u00adna", "zero\u200bwidth",
	} {
		if err := service.CheckText("name", bad, service.MaxName); !errors.Is(err, service.ErrInvalidText) {
			t.Errorf("CheckText(%q) = %v, want ErrInvalidText", bad, err)
		}
		if err := service.CheckActor(bad); !errors.Is(err, service.ErrInvalidActor) {
			t.Errorf("CheckActor(%q) = %v, want ErrInvalidActor", bad, err)
		}
	}
	for _, good := range []string{"", "Zoë Ångström", "José 'Pepe' O'Neil, Jr.", "محمد\u200cرضا", "👩\u200d💻 ops", "DOMAIN\\user", strings.Repeat("é", service.MaxName/2)} {
		if err := service.CheckText("name", good, service.MaxName); err != nil {
			t.Errorf("CheckText(%q) = %v", good, err)
		}
	}
	for _, blank := range []string{"", "  "} {
		if err := service.CheckActor(blank); !errors.Is(err, service.ErrInvalidActor) {
			t.Errorf("CheckActor(%q) = %v, want ErrInvalidActor", blank, err)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	for _, good := range []string{"", "ann@example.org", "a.b+tag@sub.example.co.uk"} {
		if err := service.CheckEmail(good); err != nil {
			t.Errorf("CheckEmail(%q) = %v", good, err)
		}
	}
	for _, bad := range []string{"ann", "ann@", "@example.org", "Ann <ann@example.org>", "<ann@example.org>", "ann@example.org, bo@example.org",
		" ann@example.org", "ann@example.org\n", "ann@exa\x1bmple.org", strings.Repeat("a", 315) + "@x.org"} {
		if err := service.CheckEmail(bad); err == nil {
			t.Errorf("CheckEmail(%q) accepted", bad)
		}
	}
}

func TestCheckIDIsASCII(t *testing.T) {
	err := service.CheckID("recipient", "Zoë")
	if !errors.Is(err, service.ErrInvalidID) || !strings.Contains(err.Error(), "ASCII letters") {
		t.Fatalf("CheckID(Zoë) = %v, want ErrInvalidID saying ASCII letters", err)
	}
	if err := service.CheckID("recipient", "Zoe.Smith-2@x"); err != nil {
		t.Fatal(err)
	}
}

// TestAddRecipientsValidates: a bad name, email or actor anywhere in a
// batch refuses the whole batch, and nothing is recorded.
func TestAddRecipientsValidates(t *testing.T) {
	ctx := t.Context()
	s := emptyHome(t)
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "x1", Email: "x1@example.org"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rs   []leaktrace.Recipient
		want error
	}{
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "a2", Name: "Eve\x1b[31m\nforged: line"}}, service.ErrInvalidText},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "a2", Name: strings.Repeat("n", service.MaxName+1)}}, service.ErrInvalidText},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "a2", Email: "not an address"}}, service.ErrInvalidEmail},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "a2", Email: "Ann <a2@example.org>"}}, service.ErrInvalidEmail},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "Zoë"}}, service.ErrInvalidID},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "A1"}}, service.ErrIDCase},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "X1"}}, service.ErrIDCase},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "a1"}}, service.ErrRecipientExists},
		{[]leaktrace.Recipient{{ID: "a1"}, {ID: "x1"}}, service.ErrRecipientExists},
	} {
		err := s.AddRecipients(ctx, c.rs)
		if !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.rs, err, c.want)
		}
	}
	ctx = service.WithActor(ctx, "eve\x1b[31m\nforged: line")
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "a1"}}); !errors.Is(err, service.ErrInvalidActor) {
		t.Errorf("actor with control characters: %v, want ErrInvalidActor", err)
	}
	ctx = service.WithActor(ctx, strings.Repeat("a", 100<<10))
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "a1"}}); !errors.Is(err, service.ErrInvalidActor) {
		t.Errorf("100 KB actor: %v, want ErrInvalidActor", err)
	}
	rs, err := s.Store.Recipients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != "x1" {
		t.Fatalf("after refused batches the store holds %+v, want only x1", rs)
	}
	ctx = service.WithActor(ctx, "Zoë Ångström")
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "zoe", Name: "Zoë Ångström", Email: "zoe@example.org"}}); err != nil {
		t.Fatal(err)
	}
}

// TestAddDocumentValidates: titles, ids and formats are checked before
// anything is recorded.
func TestAddDocumentValidates(t *testing.T) {
	ctx := t.Context()
	s := emptyHome(t)
	if _, err := s.AddDocument(ctx, "memo.txt", []byte(shortMemo), "", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, id, title, data string
		want                  error
	}{
		{"memo.txt", "m2", "Q3 \x1b[2J\x1b[Hmemo", shortMemo, service.ErrInvalidText},
		{"memo.txt", "m2", strings.Repeat("t", service.MaxTitle+1), shortMemo, service.ErrInvalidText},
		{"memo\nforged.txt", "m2", "", shortMemo, service.ErrInvalidText}, // the default title is the file name
		{"memo\xff.txt", "m2", "Memo", shortMemo, service.ErrInvalidText}, // the file name is stored beside a given title
		{"memo\nforged.txt", "m2", "Memo", shortMemo, service.ErrInvalidText},
		{"memo.txt", "MEMO", "", shortMemo, service.ErrIDCase},
		{"memo.txt", "", "", shortMemo, service.ErrDocumentExists},
		{"memo.pdf", "m2", "", shortMemo, format.ErrMalformed},
		{"memo.txt", "m2", "", "%PDF-1.7\n" + shortMemo, format.ErrUnknownFormat}, // "the content is PDF; name the file .pdf"
		{"memo.rtf", "m2", "", shortMemo, format.ErrUnsupported},
		{"memo", "m2", "", shortMemo, format.ErrUnknownFormat},
		{"-", "m2", "", shortMemo, format.ErrUnknownFormat},
	} {
		_, err := s.AddDocument(ctx, c.name, []byte(c.data), c.id, c.title)
		if !errors.Is(err, c.want) {
			t.Errorf("%q id %q title %q: %v, want %v", c.name, c.id, c.title, err, c.want)
		}
	}
	ids, err := s.Store.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != "memo" {
		t.Fatalf("after refusals the store holds %v, want only memo", ids)
	}
}

// TestTraceReadsAnyText: only registration refuses unknown formats; a
// leak in a file without an extension is still traced.
func TestTraceReadsAnyText(t *testing.T) {
	for _, name := range []string{"leak", "leak.rtf", "leak.log", "-"} {
		text, _, err := service.LeakText(name, []byte(shortMemo))
		if err != nil || text != shortMemo {
			t.Errorf("LeakText(%q) = %q, %v", name, text, err)
		}
	}
	// A text named as HTML is read as a browser shows it: the same words.
	text, _, err := service.LeakText("leak.html", []byte(shortMemo))
	if err != nil || strings.Join(strings.Fields(text), " ") != strings.Join(strings.Fields(shortMemo), " ") {
		t.Errorf("LeakText(leak.html) = %q, %v", text, err)
	} // A forwarded email saved under any name is read as an email: its
	// quoted-printable body decoded, its header left out.
	mail := "From: Ann <ann@example.org>\nDate: Mon, 1 Jan 2024 09:00:00 +0000\nSubject: Rates\n" +
		"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
		"The committee=E2=80=99s members agreed to keep the target range where it w=\nas.\n"
	for _, name := range []string{"leak.eml", "leak.txt", "leak"} {
		text, _, err := service.LeakText(name, []byte(mail))
		if err != nil || text != "The committee\u2019s members agreed to keep the target range where it was.\n" {
			t.Errorf("LeakText(%s) = %q, %v", name, text, err)
		}
	}
}

// TestEveryChangeChecksTheActor: issuing and logging a trace refuse an
// actor that would forge a line in the permanent log, and record nothing.
func TestEveryChangeChecksTheActor(t *testing.T) {
	ctx := t.Context()
	s := emptyHome(t)
	if _, err := s.AddDocument(ctx, "memo.txt", []byte(shortMemo), "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}}); err != nil {
		t.Fatal(err)
	}
	_, before, err := s.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	ctx = service.WithActor(ctx, "eve\r\nforged: line")
	if _, err := s.Issue(ctx, m, []string{"r1"}); !errors.Is(err, service.ErrInvalidActor) {
		t.Errorf("Issue: %v, want ErrInvalidActor", err)
	}
	if _, err := s.LogTrace(ctx, leaktrace.Hash([]byte("leak")), []byte(`{}`)); !errors.Is(err, service.ErrInvalidActor) {
		t.Errorf("LogTrace: %v, want ErrInvalidActor", err)
	}
	_, after, err := s.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size != before.Size {
		t.Errorf("the log grew from %d to %d entries", before.Size, after.Size)
	}
}
