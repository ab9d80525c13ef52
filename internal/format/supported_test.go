package format

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckSupported(t *testing.T) {
	const text = "Plain words of a memo.\n"
	for _, c := range []struct {
		name, data string
		want       error  // nil: supported
		says       string // part of the message
	}{
		{"memo.txt", text, nil, ""},
		{"memo.TEXT", text, nil, ""},
		{"memo.md", "# Memo\n\n" + text, nil, ""},
		{"memo.markdown", text, nil, ""},
		{"memo.eml", "Subject: x\n\n" + text, nil, ""},
		{"memo.md", "<div>Markdown may hold HTML</div>\n\n" + text, nil, ""},
		{"memo.html", "<p>" + text, ErrUnsupported, "HTML is not supported yet"},
		{"memo.HTM", text, ErrUnsupported, "HTML is not supported yet"},
		{"memo.pdf", text, ErrUnsupported, "PDF is not supported yet"},
		{"memo.rtf", text, ErrUnsupported, "RTF is not supported yet"},
		{"memo.docx", text, ErrUnsupported, "DOCX is not supported yet"},
		{"memo.txt", "%PDF-1.4\n" + text, ErrUnsupported, "PDF"},
		{"memo.txt", "{\\rtf1\\ansi " + text, ErrUnsupported, "RTF"},
		{"memo.txt", "PK\x03\x04" + text, ErrUnsupported, "ZIP"},
		{"memo.txt", "\ufeff  <!DOCTYPE html>\n<p>" + text, ErrUnsupported, "HTML"},
		{"memo.md", "<HTML><body>" + text, ErrUnsupported, "HTML"},
		{"memo", text, ErrUnknownFormat, "no extension"},
		{"-", text, ErrUnknownFormat, "standard input"},
		{"memo.log", text, ErrUnknownFormat, ".log"},
		{"memo.txt", "\xff\xfeP\x00l\x00a\x00i\x00n\x00", ErrUTF16, "UTF-16"},
		{"memo.txt", "\x00P\x00l\x00a\x00i\x00n\x00 \x00w\x00o\x00r\x00d\x00s\x00", ErrInvalidUTF8, "UTF-16"},
	} {
		err := CheckSupported(c.name, []byte(c.data))
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s %.12q: %v, want %v saying %q", c.name, c.data, err, c.want, c.says)
		}
	}
}

// TestParseKeepsReadingOldDocuments: documents registered before
// CheckSupported, whatever their name, were recorded as plain text and
// are read as such, so their copies stay the same.
func TestParseKeepsReadingOldDocuments(t *testing.T) {
	for _, name := range []string{"memo", "memo.html", "memo.log"} {
		d, err := ParseKind(Kind(name), []byte("<p>Some words.</p>\n"))
		if name == "memo.html" {
			d, err = ParseKind("txt", []byte("<p>Some words.</p>\n"))
		}
		if err != nil || d.Format() != "txt" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestRegistry: every format is named once, every extension selects one
// format, and the built-in ones are found by kind, name and extension.
func TestRegistry(t *testing.T) {
	exts := map[string]string{}
	names := map[string]bool{}
	for _, d := range Formats() {
		if names[d.Name] {
			t.Errorf("%s registered twice", d.Name)
		}
		names[d.Name] = true
		for _, e := range d.Exts {
			if e != strings.ToLower(e) || !strings.HasPrefix(e, ".") {
				t.Errorf("%s: extension %q is not lower case with a dot", d.Name, e)
			}
			if o, dup := exts[e]; dup {
				t.Errorf("%s and %s both claim %s", o, d.Name, e)
			}
			exts[e] = d.Name
		}
		if d.Marked() && ByKind(d.Kind) != d {
			t.Errorf("ByKind(%q) is not %s", d.Kind, d.Name)
		}
	}
	for kind, name := range map[string]string{"txt": "memo.TXT", "md": "a/b.markdown", "eml": "m.eml"} {
		d := ByName(name)
		if d == nil || d.Kind != kind || Kind(name) != kind {
			t.Errorf("%s: %v, want kind %s", name, d, kind)
		}
		doc, err := ParseKind(kind, []byte("Subject: s\n\nSome words.\n"))
		if err != nil || doc.Format() != kind || Of(doc) != ByKind(kind) {
			t.Errorf("ParseKind(%s): %v", kind, err)
		}
	}
	if _, err := ParseKind("nonesuch", []byte("x")); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown kind: %v", err)
	}
	if !strings.Contains(SupportedNames(), "Markdown (.md)") {
		t.Errorf("SupportedNames: %q", SupportedNames())
	}
}

// TestEmailLeakSniff: a leak that begins with a message's header block is
// read as an email whatever its name; text that merely opens with a
// label and a colon, or a memo's To/Subject lines, is not.
func TestEmailLeakSniff(t *testing.T) {
	for _, c := range []struct {
		data string
		want bool
	}{
		{"From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: Rates\n\nThe committee met.\n", true},
		{"From bob@example.org Mon Jan  1 00:00:00 2024\nReceived: by x\n\tfolded\nDate: Mon, 1 Jan 2024\n\nBody.\n", true},
		{"Date: Mon, 1 Jan 2024\r\nMessage-ID: <1@x>\r\n\r\nBody.\r\n", true},
		{"To: All staff\nSubject: Parking\n\nThe garage closes.\n", false}, // no sender, date or id
		{"Note: read this\n\nThe garage closes.\n", false},
		{"From: Ann\nDate: today\n", false}, // no body
		{"From: Ann\nthis line is no field\n\nBody\n", false},
		{"The committee met.\nFrom: Ann\nDate: x\n\nBody\n", false},
	} {
		if got := sniffEmail([]byte(c.data)); got != c.want {
			t.Errorf("sniffEmail(%.40q) = %v, want %v", c.data, got, c.want)
		}
		d := OfLeak("leak.txt", []byte(c.data))
		if (d != nil && d.Kind == "eml") != c.want {
			t.Errorf("OfLeak(%.40q) = %v", c.data, d)
		}
	}
	// Registration is not affected: a .txt memo that looks like a message
	// is still plain text.
	if err := CheckSupported("memo.txt", []byte("From: Ann\nDate: today\n\nBody.\n")); err != nil {
		t.Errorf("CheckSupported: %v", err)
	}
}
