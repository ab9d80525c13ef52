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
// CheckSupported, whatever their name, are still read as plain text, so
// their copies stay the same.
func TestParseKeepsReadingOldDocuments(t *testing.T) {
	for _, name := range []string{"memo", "memo.html", "memo.log"} {
		d, err := Parse(name, []byte("<p>Some words.</p>\n"))
		if err != nil || d.Format() != "txt" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
