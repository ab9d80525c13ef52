package format

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"golang.org/x/text/encoding/htmlindex"
)

func corpusFiles(t testing.TB) []string {
	t.Helper()
	return corpus.RequireFiles(t, "email")
}

// TestEmailCorpusRoundTrip checks that every corpus message renders back
// byte for byte with no edits.
func TestEmailCorpusRoundTrip(t *testing.T) {
	files := corpusFiles(t)
	withRegion := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parseEmail(data)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		var out bytes.Buffer
		if err := doc.Render(&out, nil); err != nil {
			t.Errorf("%s: render: %v", filepath.Base(f), err)
			continue
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Errorf("%s: render without edits differs from the source", filepath.Base(f))
		}
		if len(doc.Regions()) > 0 {
			withRegion++
		}
	}
	t.Logf("%d of %d messages have at least one region", withRegion, len(files))
	if withRegion < len(files)/2 {
		t.Errorf("only %d of %d messages have a region", withRegion, len(files))
	}
}

// TestEmailCorpusEdits marks every corpus message at sparse points through
// Fit and checks that the result keeps its lines and limits and reads back
// as the edited text.
func TestEmailCorpusEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, f := range corpusFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parseEmail(data)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		var edits []Edit
		for r, reg := range doc.Regions() {
			cands := sampleCandidates(reg.Text, 11)
			for k, c := range doc.Fit(r, cands) {
				v := (c.Orig + 1 + k%(len(c.Variants)-1)) % len(c.Variants)
				edits = append(edits, Edit{Region: r, Start: c.Start, End: c.End, Text: c.Variants[v]})
			}
		}
		checkEdited(t, filepath.Base(f), data, doc, edits)
	}
}

// sampleCandidates proposes, every step runes, an insertion or a change of
// a space, with variants a part may or may not be able to carry.
func sampleCandidates(text string, step int) []Candidate {
	var cands []Candidate
	for i, n := 0, 0; i < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		if n%step == 0 {
			if text[i] == ' ' {
				cands = append(cands, Candidate{Start: i, End: i + 1, Variants: []string{" ", "\u00a0", "\u2009", "  ", ""}})
			} else {
				cands = append(cands, Candidate{Start: i, End: i, Variants: []string{"", "\u200b", "=", " ", "\u2019"}})
			}
		}
		i += size
	}
	return cands
}

// checkEdited renders doc with edits and checks the invariants every edit
// must keep: same line count, no line pushed past its limit, and a re-parse
// whose regions are the edited texts.
func checkEdited(t *testing.T, name string, src []byte, doc Document, edits []Edit) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := doc.Render(&out, edits); err != nil {
		t.Errorf("%s: render: %v", name, err)
		return nil
	}
	got := out.Bytes()
	if a, b := bytes.Count(src, []byte("\n")), bytes.Count(got, []byte("\n")); a != b {
		t.Errorf("%s: %d lines became %d", name, a, b)
	}
	again, err := parseEmail(got)
	if err != nil {
		t.Errorf("%s: re-parse: %v", name, err)
		return got
	}
	want := editedTexts(doc, edits)
	if len(again.Regions()) != len(want) {
		t.Errorf("%s: %d regions became %d", name, len(want), len(again.Regions()))
		return got
	}
	for r, reg := range again.Regions() {
		if reg.Text != want[r] {
			t.Errorf("%s: region %d reads back as\n%q\nwant\n%q", name, r, reg.Text, want[r])
		}
	}
	d, d2 := doc.(*emailDoc), again.(*emailDoc)
	for r, p := range d.parts {
		if p.lineLimit == 0 {
			continue
		}
		before := longestLine(src[p.start:p.end])
		after := longestLine(got[d2.parts[r].start:d2.parts[r].end])
		if after > max(before, p.lineLimit) {
			t.Errorf("%s: region %d has a %d-byte line, limit %d", name, r, after, p.lineLimit)
		}
	}
	return got
}

func editedTexts(doc Document, edits []Edit) []string {
	regs := doc.Regions()
	by := make([][]Edit, len(regs))
	for _, e := range edits {
		by[e.Region] = append(by[e.Region], e)
	}
	out := make([]string, len(regs))
	for r, reg := range regs {
		var sb strings.Builder
		if err := applyEdits(&sb, reg.Text, by[r]); err != nil {
			panic(err)
		}
		out[r] = sb.String()
	}
	return out
}

func longestLine(b []byte) int {
	n := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		n = max(n, len(bytes.TrimSuffix(l, []byte("\r"))))
	}
	return n
}

// emailCase is a hand-written message with the candidates proposed for its
// regions, what Fit must keep of them, and the exact output when every kept
// candidate takes its last variant.
type emailCase struct {
	name    string
	msg     string
	regions []string
	cands   [][]Candidate // per region
	fitted  [][]Candidate // per region
	want    string
}

func ins(at int, variants ...string) Candidate {
	return Candidate{Start: at, End: at, Variants: append([]string{""}, variants...)}
}

func rep(text, old string, nth int, variants ...string) Candidate {
	at := -1
	for range nth + 1 {
		at += 1 + strings.Index(text[at+1:], old)
	}
	return Candidate{Start: at, End: at + len(old), Variants: append([]string{old}, variants...)}
}

// after returns the offset just past the nth (from 0) occurrence of s.
func after(text, s string, nth int) int {
	return rep(text, s, nth).End
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func emailCases() []emailCase {
	var cases []emailCase

	plain := "It's a plain note with two spaces.\n-- \nAlice\n"
	cases = append(cases, emailCase{
		name:    "plain 7bit",
		msg:     "From: alice@example.com\nTo: bob@example.com\nSubject: Plain\n\n" + plain,
		regions: []string{plain},
		cands: [][]Candidate{{
			rep(plain, "'", 0, "\u2019"),                 // not ASCII: dropped
			rep(plain, " ", 0, "\u00a0", "  "),           // keeps the ASCII variant
			ins(after(plain, "plain", 0), "\u200b"),      // not ASCII: dropped
			ins(after(plain, "note", 0), "\n"),           // a line break: dropped
			rep(plain, "Alice", 0, "Alicia"),             // signature: dropped
			{Start: 1, End: 3, Variants: []string{"xx"}}, // Orig is not the source: dropped
		}},
		fitted: [][]Candidate{{rep(plain, " ", 0, "  ")}},
		want:   "From: alice@example.com\nTo: bob@example.com\nSubject: Plain\n\nIt's  a plain note with two spaces.\n-- \nAlice\n",
	})

	utf := "Grüße — it's a café.\n"
	cases = append(cases, emailCase{
		name:    "utf-8 8bit",
		msg:     "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n" + utf,
		regions: []string{utf},
		cands: [][]Candidate{{
			{Start: 3, End: 3, Variants: []string{"", "x"}}, // inside "ü": dropped
			ins(after(utf, "Grüße", 0), "\u200b"),
			rep(utf, "'", 0, "\u2019"),
			rep(utf, "a", 1, "a\nb"), // line break: dropped
		}},
		fitted: [][]Candidate{{
			ins(after(utf, "Grüße", 0), "\u200b"),
			rep(utf, "'", 0, "\u2019"),
		}},
		want: "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\nGrüße\u200b — it\u2019s a café.\n",
	})

	// Quoted-printable with CRLF line ends and soft line breaks. The first
	// encoded line is 74 characters long, so no insertion fits on it; the
	// third is 60, so one 9-character =E2=80=8B fits but not two.
	qpBody := crlf("Line one is long enough that the encoder had to wrap it somewhere near he=\n" +
		"re, caf=C3=A9 =3D ok.\n" +
		"Short line.\n" +
		strings.Repeat("abcdefghij", 6) + "\n")
	qp := crlf("Line one is long enough that the encoder had to wrap it somewhere near here, café = ok.\n" +
		"Short line.\n" + strings.Repeat("abcdefghij", 6) + "\n")
	cases = append(cases, emailCase{
		name:    "quoted-printable",
		msg:     crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n") + qpBody,
		regions: []string{qp},
		cands: [][]Candidate{{
			ins(after(qp, "Line", 0), "\u200b"), // 74+9 > 76: dropped
			rep(qp, "here", 0, "there"),         // crosses the soft break: dropped
			rep(qp, "=", 0, "\u2248"),
			ins(after(qp, "ok", 0), "\u200b"),
			ins(after(qp, "line.", 0), " "), // ends the line: written =20
			ins(10+after(qp, "Short line.\r\n", 0), "\u200b"),
			ins(20+after(qp, "Short line.\r\n", 0), "\u200b"), // second on a full line: dropped
		}},
		fitted: [][]Candidate{{
			rep(qp, "=", 0, "\u2248"),
			ins(after(qp, "ok", 0), "\u200b"),
			ins(after(qp, "line.", 0), " "),
			ins(10+after(qp, "Short line.\r\n", 0), "\u200b"),
		}},
		want: crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
			"Line one is long enough that the encoder had to wrap it somewhere near he=\n" +
			"re, caf=C3=A9 =E2=89=88 ok=E2=80=8B.\n" +
			"Short line.=20\n" +
			"abcdefghij=E2=80=8B" + strings.Repeat("abcdefghij", 5) + "\n"),
	})

	// Base64: 120 bytes encode to 160 characters on three lines of 76;
	// three lines hold at most 171 bytes, so 17 insertions of three bytes
	// fit and the rest are dropped from the end.
	words := strings.Repeat("word ", 24)
	var b64Cands, b64Fitted []Candidate
	for i := range 24 {
		b64Cands = append(b64Cands, ins(5*i, "\u200b"))
		if i < 17 {
			b64Fitted = append(b64Fitted, ins(5*i, "\u200b"))
		}
	}
	b64Head := "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
	cases = append(cases, emailCase{
		name:    "base64",
		msg:     b64Head + wrap64(words, 76, "\n") + "\n",
		regions: []string{words},
		cands:   [][]Candidate{b64Cands},
		fitted:  [][]Candidate{b64Fitted},
		want:    b64Head + wrap64(strings.Repeat("\u200bword ", 17)+strings.Repeat("word ", 7), 76, "\n") + "\n",
	})

	// 117 bytes encode to 156 characters: 76+76+4. Losing four bytes
	// would lose the third line, so the last candidate, which can lose
	// three, is dropped; growing is fine.
	short := strings.Repeat("x", 114) + "abc"
	cases = append(cases, emailCase{
		name:    "base64 keeps its line count",
		msg:     b64Head + wrap64(short, 76, "\n"),
		regions: []string{short},
		cands: [][]Candidate{{
			ins(1, "\u00e9"),
			{Start: 50, End: 52, Variants: []string{"xx", "x"}},
			rep(short, "abc", 0, "", "ab"),
		}},
		fitted: [][]Candidate{{ins(1, "\u00e9"), {Start: 50, End: 52, Variants: []string{"xx", "x"}}}},
		want:   b64Head + wrap64("x\u00e9"+strings.Repeat("x", 112)+"abc", 76, "\n"),
	})

	multi := "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n" +
		"This is a multi-part message in MIME format.\n\n" +
		"--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n" +
		"--inner\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n" +
		"Hello from the plain part.\n\n" +
		"--inner\nContent-Type: text/html; charset=us-ascii\n\n<p>Hello from the HTML part.</p>\n\n" +
		"--inner--\n\n" +
		"--outer\nContent-Type: text/plain; name=\"notes.txt\"\nContent-Disposition: attachment; filename=\"notes.txt\"\n\n" +
		"Attached notes.\n" +
		"--outer--\nepilogue\n"
	hello := "Hello from the plain part.\n"
	cases = append(cases, emailCase{
		name:    "multipart/alternative with html and an attachment",
		msg:     multi,
		regions: []string{hello},
		cands:   [][]Candidate{{rep(hello, " ", 0, "  "), ins(len(hello), "x")}},
		fitted:  [][]Candidate{{rep(hello, " ", 0, "  "), ins(len(hello), "x")}},
		want:    strings.Replace(multi, "Hello from the plain part.\n\n", "Hello  from the plain part.\nx\n", 1),
	})

	latin := "Café crème, it's nice.\n"
	cases = append(cases, emailCase{
		name:    "latin-1 8bit",
		msg:     "Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\nCaf\xe9 cr\xe8me, it's nice.\n",
		regions: []string{latin},
		cands: [][]Candidate{{
			rep(latin, " ", 0, "\u00a0", "\u200b "),
			rep(latin, "'", 0, "\u2019"), // U+2019 is not in latin-1
			ins(after(latin, "nice", 0), "\u200b"),
		}},
		fitted: [][]Candidate{{rep(latin, " ", 0, "\u00a0")}},
		want:   "Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\nCaf\xe9\xa0cr\xe8me, it's nice.\n",
	})

	cp := "It's “quoted”.\n"
	cases = append(cases, emailCase{
		name:    "windows-1252 quoted-printable",
		msg:     "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\nIt's =93quoted=94.\n",
		regions: []string{cp},
		cands:   [][]Candidate{{rep(cp, "'", 0, "\u2019", "\u200b")}},
		fitted:  [][]Candidate{{rep(cp, "'", 0, "\u2019")}},
		want:    "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\nIt=92s =93quoted=94.\n",
	})
	return cases
}

// wrap64 base64-encodes s in lines of width joined by eol.
func wrap64(s string, width int, eol string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var lines []string
	for len(enc) > width {
		lines = append(lines, enc[:width])
		enc = enc[width:]
	}
	return strings.Join(append(lines, enc), eol)
}

func TestEmailCases(t *testing.T) {
	for _, tc := range emailCases() {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parseEmail([]byte(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format() != "eml" {
				t.Errorf("Format() = %q", doc.Format())
			}
			var texts []string
			for _, r := range doc.Regions() {
				texts = append(texts, r.Text)
			}
			if !reflect.DeepEqual(texts, tc.regions) {
				t.Fatalf("regions:\n%q\nwant\n%q", texts, tc.regions)
			}
			var out bytes.Buffer
			if err := doc.Render(&out, nil); err != nil || out.String() != tc.msg {
				t.Fatalf("render without edits: %v\n%q", err, out.String())
			}

			var edits []Edit
			for r := range tc.cands {
				got := doc.Fit(r, tc.cands[r])
				if !reflect.DeepEqual(got, tc.fitted[r]) {
					t.Errorf("Fit(%d):\n%+v\nwant\n%+v", r, got, tc.fitted[r])
				}
				if again := doc.Fit(r, tc.cands[r]); !reflect.DeepEqual(got, again) {
					t.Errorf("Fit(%d) is not deterministic", r)
				}
				for _, c := range got {
					edits = append(edits, Edit{Region: r, Start: c.Start, End: c.End, Text: c.Variants[len(c.Variants)-1]})
				}
			}
			got := checkEdited(t, tc.name, []byte(tc.msg), doc, edits)
			if string(got) != tc.want {
				t.Errorf("render:\n%q\nwant\n%q", got, tc.want)
			}
			// An independent reader decodes the rendered parts to the
			// edited text.
			if dec := stdlibTextParts(t, got); !reflect.DeepEqual(dec, editedTexts(doc, edits)) {
				t.Errorf("stdlib decodes the output as\n%q\nwant\n%q", dec, editedTexts(doc, edits))
			}
		})
	}
}

// stdlibTextParts decodes the text/plain parts of msg with the standard
// library's readers, as an independent check on parseEmail and Render.
func stdlibTextParts(t *testing.T, msg []byte) []string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	var out []string
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if get("Content-Type") == "" {
			mt, params, err = "text/plain", map[string]string{}, nil
		}
		if err != nil || strings.HasPrefix(get("Content-Disposition"), "attachment") {
			return
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header, p)
			}
		}
		if mt != "text/plain" {
			return
		}
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("decoding a part: %v", err)
		}
		if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "us-ascii") && !strings.EqualFold(cs, "utf-8") {
			enc, err := htmlindex.Get(cs)
			if err != nil {
				t.Fatal(err)
			}
			if b, err = enc.NewDecoder().Bytes(b); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, string(b))
	}
	walk(m.Header, m.Body)
	return out
}

func TestEmailProtectsSignature(t *testing.T) {
	text := "Hi.\n-- not a signature\n--\n-- \r\nBob\n-- \nmore\n"
	doc, err := parseEmail([]byte("Subject: s\n\n" + text))
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(text, "-- \r\n")
	want := []Span{{at, len(text)}}
	if got := doc.Regions()[0].Protected; !reflect.DeepEqual(got, want) {
		t.Errorf("Protected = %v, want %v", got, want)
	}
}

func TestEmailLongLines(t *testing.T) {
	line := strings.Repeat("a", 995)
	doc, err := parseEmail([]byte("Subject: long\n\n" + line + "\nshort\n"))
	if err != nil {
		t.Fatal(err)
	}
	cands := []Candidate{ins(10, "  "), ins(20, "  "), ins(1000, "  ")}
	got := doc.Fit(0, cands)
	if want := []Candidate{ins(10, "  "), ins(1000, "  ")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Fit = %+v, want %+v", got, want)
	}

	// A line already over the limit may not grow, but may keep its length.
	over := strings.Repeat("b", 1200)
	doc, err = parseEmail([]byte("Subject: long\nContent-Transfer-Encoding: 8bit\n\n" + over + " x\n"))
	if err != nil {
		t.Fatal(err)
	}
	cands = []Candidate{ins(5, "c"), rep(over+" x\n", " ", 0, "_")}
	if got, want := doc.Fit(0, cands), cands[1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("Fit = %+v, want %+v", got, want)
	}
}

func TestEmailFlowed(t *testing.T) {
	text := "> quoted\nThis line is flowed \nand this ends it.\n"
	doc, err := parseEmail([]byte("Content-Type: text/plain; format=flowed\n\n" + text))
	if err != nil {
		t.Fatal(err)
	}
	cands := []Candidate{
		ins(0, "x"),                         // before the quote marker
		ins(after(text, "flowed ", 0), "x"), // after the flowing space
		rep(text, "line", 0, "Line"),
	}
	if got, want := doc.Fit(0, cands), cands[2:]; !reflect.DeepEqual(got, want) {
		t.Errorf("Fit = %+v, want %+v", got, want)
	}
}

func TestEmailQPTrailingSpace(t *testing.T) {
	// The decoder strips the spaces after "x"; a deletion of "x" would
	// leave "b " exposed, and text written before them must escape a
	// final space.
	msg := "Content-Transfer-Encoding: quoted-printable\n\na b x   \nnext\n"
	doc, err := parseEmail([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Regions()[0].Text
	if text != "a b x\nnext\n" {
		t.Fatalf("text = %q", text)
	}
	cands := []Candidate{rep(text, "x", 0, "", "y ")}
	got := doc.Fit(0, cands)
	if want := []Candidate{rep(text, "x", 0, "y ")}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Fit = %+v, want %+v", got, want)
	}
	out := checkEdited(t, "qp", []byte(msg), doc, []Edit{{Start: 4, End: 5, Text: "y "}})
	if want := "Content-Transfer-Encoding: quoted-printable\n\na b y=20   \nnext\n"; string(out) != want {
		t.Errorf("render = %q, want %q", out, want)
	}
	if err := doc.Render(io.Discard, []Edit{{Start: 4, End: 5}}); err == nil {
		t.Error("render of a deletion exposing a space: no error")
	}
}

func TestEmailRenderErrors(t *testing.T) {
	doc, err := parseEmail([]byte("Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nna\xefve text\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, edits := range map[string][]Edit{
		"region out of range": {{Region: 1}},
		"out of range":        {{Start: 5, End: 100}},
		"overlap":             {{Start: 0, End: 4, Text: "x"}, {Start: 2, End: 5, Text: "y"}},
		"mid-character":       {{Start: 3, End: 3, Text: "x"}},
		"not in charset":      {{Start: 0, End: 0, Text: "\u2019"}},
	} {
		if err := doc.Render(io.Discard, edits); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestEmailMalformed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		msg     string
		regions int
		err     error
	}{
		{"empty", "", 0, ErrMalformed},
		{"no header field", "just some text\nwithout a header\n\nbody\n", 0, ErrMalformed},
		{"body only", "\nbody\n", 0, ErrMalformed},
		{"mbox From line and garbage", "From someone Thu Aug 22 12:36:23 2002\nnot a field\nSubject: x\n\nbody\n", 1, nil},
		{"headers only", "Subject: x\n", 0, nil},
		{"unparsable content-type", "Content-Type: text/plain; charset\n\nbody\n", 0, nil},
		{"empty content-type", "Content-Type:\n\nbody\n", 0, nil},
		{"unknown charset", "Content-Type: text/plain; charset=x-klingon\n\nbody\n", 0, nil},
		{"unknown transfer encoding", "Content-Transfer-Encoding: x-uuencode\n\nbody\n", 0, nil},
		{"8-bit bytes in us-ascii", "Subject: x\n\ncaf\xe9\n", 0, nil},
		{"bad quoted-printable", "Content-Transfer-Encoding: quoted-printable\n\nbad =ZZ escape\n", 0, nil},
		{"literal = in quoted-printable", "Content-Transfer-Encoding: quoted-printable\n\na = b\n", 0, nil},
		{"bad base64", "Content-Transfer-Encoding: base64\n\nnot base64!\n", 0, nil},
		{"uneven base64 lines", "Content-Transfer-Encoding: base64\n\naGVsbG8g\nd29y\nbGQ=\n", 0, nil},
		{"html only", "Content-Type: text/html\n\n<p>hi</p>\n", 0, nil},
		{"message/rfc822", "Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n", 0, nil},
		{"multipart without boundary", "Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n", 0, nil},
		{"boundary never found", "Content-Type: multipart/mixed; boundary=x\n\nbody\n", 0, nil},
		{"no closing boundary", "Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--x\n\ntwo\n", 1, nil},
		{"boundary prefix is not a delimiter", "Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--xy\n--x--\n", 1, nil},
		{"invalid utf-8 in one part", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\nbad \xff\n--b\nContent-Type: text/plain; charset=utf-8\n\ngood\n--b--\n", 1, nil},
		{"digest parts default to message/rfc822", "Content-Type: multipart/digest; boundary=b\n\n--b\n\nSubject: x\n\nbody\n--b--\n", 0, nil},
		{"part without body", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n--b--\n", 0, nil},
		{"deep nesting", strings.Repeat("Content-Type: multipart/mixed; boundary=b\n\n--b\n", 100) + "\nbody\n", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parseEmail([]byte(tc.msg))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(doc.Regions()); n != tc.regions {
				t.Errorf("%d regions, want %d", n, tc.regions)
			}
			var out bytes.Buffer
			if err := doc.Render(&out, nil); err != nil || out.String() != tc.msg {
				t.Errorf("render without edits: %v\n%q", err, out.String())
			}
		})
	}
}

func TestEmailCharsets(t *testing.T) {
	for _, tc := range []struct {
		label, text string
		raw         []byte
		fits        map[string]bool
	}{
		{"us-ascii", "plain", []byte("plain"), map[string]bool{"a": true, "\u00e9": false, "\u200b": false}},
		{"latin1", "café", []byte("caf\xe9"), map[string]bool{"\u00e9": true, "\u2019": false, "\u200b": false}},
		{"windows-1252", "café", []byte("caf\xe9"), map[string]bool{"\u2019": true, "\u200b": false}},
		{"utf-8", "café", []byte("café"), map[string]bool{"\u2019": true, "\u200b": true}},
		{"koi8-r", "мир", []byte("\xcd\xc9\xd2"), map[string]bool{"ж": true, "\u00e9": false}},
		{"shift_jis", "日本", []byte("\x93\xfa\x96\x7b"), map[string]bool{"語": true, "\u00e9": false}},
	} {
		cs, ok := lookupCharset(tc.label)
		if !ok {
			t.Errorf("%s: unknown", tc.label)
			continue
		}
		text, _, ok := cs.decode(tc.raw)
		if !ok || text != tc.text {
			t.Errorf("%s: decode = %q, %v; want %q", tc.label, text, ok, tc.text)
		}
		for v, want := range tc.fits {
			if _, ok := cs.encode(v); ok != want {
				t.Errorf("%s: encode(%q) ok = %v, want %v", tc.label, v, ok, want)
			}
		}
	}
	if _, ok := lookupCharset("iso-2022-kr"); ok {
		t.Error("iso-2022-kr (the WHATWG replacement encoding) is accepted")
	}
}

func TestEmailShiftJISEdit(t *testing.T) {
	msg := "Content-Type: text/plain; charset=shift_jis\nContent-Transfer-Encoding: 8bit\n\n\x93\xfa\x96\x7b \x8c\xea\n"
	doc, err := parseEmail([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Regions()[0].Text
	if text != "日本 語\n" {
		t.Fatalf("text = %q", text)
	}
	fit := doc.Fit(0, []Candidate{rep(text, "語", 0, "\u00e9", "話"), {Start: 1, End: 1, Variants: []string{"", "x"}}})
	if want := []Candidate{rep(text, "語", 0, "話")}; !reflect.DeepEqual(fit, want) {
		t.Fatalf("Fit = %+v, want %+v", fit, want)
	}
	out := checkEdited(t, "shift_jis", []byte(msg), doc, []Edit{{Start: fit[0].Start, End: fit[0].End, Text: "話"}})
	if want := strings.Replace(msg, "\x8c\xea", "\x98\x62", 1); string(out) != want {
		t.Errorf("render = %q, want %q", out, want)
	}
}

func TestEmailCRLFIsOneBreak(t *testing.T) {
	// Found by FuzzEmail: text put between the CR and LF of a
	// quoted-printable line lands after whitespace the decoder strips.
	msg := "Content-Transfer-Encoding: quoted-printable\r\n\r\nabc \r\ndef\r\n"
	doc, err := Parse("crlf.eml", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format() != "eml" || doc.Regions()[0].Text != "abc\r\ndef\r\n" {
		t.Fatalf("Parse = %q, %q", doc.Format(), doc.Regions()[0].Text)
	}
	cands := []Candidate{ins(3, "x"), ins(4, "x"), ins(5, "x")}
	if got, want := doc.Fit(0, cands), []Candidate{ins(3, "x"), ins(5, "x")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Fit = %+v, want %+v", got, want)
	}
	if err := doc.Render(io.Discard, []Edit{{Start: 4, End: 4, Text: "x"}}); err == nil {
		t.Error("render of an insertion inside CRLF: no error")
	}
	out := checkEdited(t, "crlf", []byte(msg), doc, []Edit{{Start: 3, End: 3, Text: "x"}, {Start: 5, End: 5, Text: "x"}})
	if want := "Content-Transfer-Encoding: quoted-printable\r\n\r\nabcx \r\nxdef\r\n"; string(out) != want {
		t.Errorf("render = %q, want %q", out, want)
	}
}

// TestSignedContentIsLeftAlone: marking the signed part of a PGP/MIME or
// S/MIME message would invalidate its signature.
func TestSignedContentIsLeftAlone(t *testing.T) {
	msg := "From: a@example.org\nContent-Type: multipart/signed; boundary=\"b\"; protocol=\"application/pgp-signature\"\n\n" +
		"--b\nContent-Type: text/plain\n\nThe committee met on Tuesday and agreed.\n--b\nContent-Type: application/pgp-signature\n\nxyz\n--b--\n"
	d, err := Parse("s.eml", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Regions()); n != 0 {
		t.Fatalf("signed message has %d markable regions, want 0", n)
	}
}
