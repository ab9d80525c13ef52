package format

import (
	"bytes"
	"errors"
	"mime/quotedprintable"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// reencodeRender parses msg with Reencode, checks that Fit keeps every
// candidate given whole, renders the edits and returns the copy.
func reencodeRender(t *testing.T, msg string, edits []Edit) []byte {
	t.Helper()
	doc, err := ParseKindWith("eml", []byte(msg), ParseOptions{Reencode: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := doc.Render(&out, edits); err != nil {
		t.Fatalf("render: %v", err)
	}
	return out.Bytes()
}

// body returns the body of a message or part: what follows its first
// empty line.
func bodyOf(t *testing.T, b []byte) []byte {
	t.Helper()
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(b, []byte(sep)); i >= 0 {
			return b[i+len(sep):]
		}
	}
	t.Fatalf("no body in %q", b)
	return nil
}

func TestEmailReencodeHeaders(t *testing.T) {
	text := "Hello there, it is fine.\nSee you.\n"
	at := strings.Index(text, " there")
	want := strings.Replace(text, " there", "\u00a0there", 1)
	for _, tc := range []struct {
		name, header, wantHeader string
	}{{
		name:       "no MIME fields",
		header:     "From: a@example.org\nSubject: s\n\n",
		wantHeader: "From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\nMIME-Version: 1.0\n\n",
	}, {
		name: "fields replaced in place, parameters kept, CRLF",
		header: "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\";\r\n\tformat=flowed\r\n" +
			"Content-Transfer-Encoding: 7bit\r\nSubject: s\r\n\r\n",
		wantHeader: "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\nSubject: s\r\n\r\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			src, txt := tc.header+text, text
			if strings.Contains(tc.header, "\r\n") {
				src, txt = tc.header+crlf(text), crlf(text)
			}
			at := strings.Index(txt, " there")
			edits := []Edit{{Region: 0, Start: at, End: at + 1, Text: "\u00a0"}}
			got := reencodeRender(t, src, edits)
			if !bytes.HasPrefix(got, []byte(tc.wantHeader)) {
				t.Errorf("copy:\n%s\nwant header:\n%s", got, tc.wantHeader)
			}
			parts := stdlibTextParts(t, got)
			wantText := want
			if txt != text {
				wantText = crlf(want)
			}
			if len(parts) != 1 || parts[0] != wantText {
				t.Errorf("the standard library reads %q, want %q", parts, wantText)
			}
		})
	}

	// No edit, or edits that keep the text: the source byte for byte.
	src := "Subject: s\n\n" + text
	for _, es := range [][]Edit{nil, {{Region: 0, Start: at, End: at + 1, Text: " "}}} {
		if got := reencodeRender(t, src, es); string(got) != src {
			t.Errorf("edits %v: copy differs from the source:\n%s", es, got)
		}
	}
}

func TestEmailReencodeMultipart(t *testing.T) {
	latin := "Caf\xe9 cr\xe8me, a drink.\n"
	msg := "Subject: parts\nContent-Type: multipart/alternative; boundary=\"b\"\n\n" +
		"preamble\n--b\nContent-Type: text/plain\n\nFirst part, plain ASCII.\n" +
		"--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n" + latin +
		"--b\nContent-Type: text/html\n\n<p>Hi there</p>\n--b--\n"
	doc, err := ParseKindWith("eml", []byte(msg), ParseOptions{Reencode: true})
	if err != nil {
		t.Fatal(err)
	}
	regs := doc.Regions()
	if len(regs) != 2 {
		t.Fatalf("%d regions, want 2", len(regs))
	}
	// The 8-bit latin-1 part is not re-encodable: it keeps its charset.
	if fit := doc.Fit(1, []Candidate{rep(regs[1].Text, " ", 0, "\u2009")}); len(fit) != 0 {
		t.Errorf("the latin-1 part took a thin space: %+v", fit)
	}
	at := strings.Index(regs[0].Text, " part")
	sp := strings.Index(regs[1].Text, " ")
	got := reencodeRender(t, msg, []Edit{
		{Region: 0, Start: at, End: at + 1, Text: "\u2009"},
		{Region: 1, Start: sp, End: sp + 1, Text: "\u00a0"},
	})
	wantTop := "Subject: parts\nContent-Type: multipart/alternative; boundary=\"b\"\nMIME-Version: 1.0\n\npreamble\n--b\n"
	wantFirst := "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nFirst=E2=80=89part, plain ASCII.\n--b\n"
	if !bytes.HasPrefix(got, []byte(wantTop+wantFirst)) {
		t.Errorf("copy:\n%s\nwant it to start:\n%s", got, wantTop+wantFirst)
	}
	// The latin-1 part keeps its encoding with the edit spliced in, and
	// the HTML part is untouched.
	rest := msg[strings.Index(msg, "--b\nContent-Type: text/plain; charset=iso"):]
	rest = strings.Replace(rest, "Caf\xe9 ", "Caf\xe9\xa0", 1)
	if !bytes.HasSuffix(got, []byte(rest)) {
		t.Errorf("copy:\n%q\nwant it to end:\n%q", got, rest)
	}
	parts := stdlibTextParts(t, got)
	want := []string{"First\u2009part, plain ASCII.", "Café\u00a0crème, a drink."}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("the standard library reads %q, want %q", parts, want)
	}
}

// TestEmailReencodeFit checks that a 7-bit ASCII part takes only ASCII
// variants by default and every variant with Reencode, with no line
// limit: the encoder wraps.
func TestEmailReencodeFit(t *testing.T) {
	long := strings.Repeat("word ", 199) + "end"
	msg := "Subject: s\n\n" + long + "\n"
	cands := []Candidate{
		rep(long, " ", 0, "\u00a0", "\u2009"),
		ins(20, "\u200b"),
		rep(long, "word", 7, "w\u00f6rd"),
		ins(994, "  "), // past the 998 limit
	}
	plain, err := parseEmail([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.Fit(0, cands); len(got) != 0 {
		t.Errorf("byte-exact Fit kept %+v", got)
	}
	doc, err := ParseKindWith("eml", []byte(msg), ParseOptions{Reencode: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Fit(0, cands); !reflect.DeepEqual(got, cands) {
		t.Errorf("Fit = %+v, want every candidate", got)
	}
}

func TestEmailReencodeLines(t *testing.T) {
	lines := []string{
		strings.Repeat("a", 300),
		"From the start, a line mbox would quote.",
		"trailing space ",
		"trailing tab\t",
		"equals = sign and\ra lone CR",
		strings.Repeat("\u00e9", 100),
		strings.Repeat("x\u2009", 60) + "From here",
		"",
		"end",
	}
	for _, eol := range []string{"\n", "\r\n"} {
		text := strings.Join(lines, eol) + eol
		// The part is ASCII; the edit puts the non-ASCII lines in.
		ascii := strings.Join([]string{lines[0], lines[1], lines[2], lines[3], "equals = sign and\ra lone CR", "EEE", "YYY", "", "end"}, eol) + eol
		src := "Subject: s" + eol + eol + ascii
		e1 := strings.Index(ascii, "EEE")
		e2 := strings.Index(ascii, "YYY")
		got := reencodeRender(t, src, []Edit{
			{Region: 0, Start: e1, End: e1 + 3, Text: lines[5]},
			{Region: 0, Start: e2, End: e2 + 3, Text: lines[6]},
		})
		body := bodyOf(t, got)
		// Every encoded line fits, and no soft break splits a character.
		for i, l := range strings.Split(string(body), "\n") {
			l = strings.TrimSuffix(l, "\r")
			if len(l) > qpLineLimit {
				t.Errorf("eol %q: line %d has %d characters: %q", eol, i, len(l), l)
			}
			if strings.HasPrefix(l, "From ") {
				t.Errorf("eol %q: line %d starts with From: %q", eol, i, l)
			}
			if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
				t.Errorf("eol %q: line %d ends in whitespace: %q", eol, i, l)
			}
		}
		for _, l := range bytes.SplitAfter(body, []byte("=\n")) {
			if dec, err := readQP(l); err == nil && !utf8.Valid(dec) {
				t.Errorf("eol %q: a soft break splits a character: %q", eol, l)
			}
		}
		dec, err := readQP(body)
		if err != nil {
			t.Fatal(err)
		}
		if string(dec) != text {
			t.Errorf("eol %q: decodes to\n%q\nwant\n%q", eol, dec, text)
		}
		// leaktrace's own reader agrees, as a byte-exact email.
		again, err := parseEmail(got)
		if err != nil || len(again.Regions()) != 1 || again.Regions()[0].Text != text {
			t.Errorf("eol %q: re-parsed as %v, %v", eol, again, err)
		}
	}
}

func readQP(b []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := out.ReadFrom(quotedprintable.NewReader(bytes.NewReader(b)))
	return out.Bytes(), err
}

func TestParseOptionsOnlyForEmail(t *testing.T) {
	_, err := ParseKindWith("txt", []byte("hello\n"), ParseOptions{Reencode: true})
	if !errors.Is(err, ErrOption) {
		t.Errorf("txt with Reencode: %v, want ErrOption", err)
	}
	if _, err := ParseKindWith("txt", []byte("hello\n"), ParseOptions{}); err != nil {
		t.Errorf("txt without options: %v", err)
	}
}
