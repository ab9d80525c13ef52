package format

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/corpus"
)

// FuzzEmail checks that no input makes parseEmail or Render panic, that
// Render without edits reproduces the input, and that one zero-width
// insertion per region, passed through Fit, keeps the message's structure:
// the same regions (now with the insertion) and the same line count. It
// then checks the same of many candidates at once, and, parsed with
// Reencode, that a copy still reads back as the edited text, with every
// re-encoded part's lines within 76 characters.
func FuzzEmail(f *testing.F) {
	for _, tc := range emailCases() {
		f.Add([]byte(tc.msg))
	}
	for _, data := range corpusSeeds() {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parseEmail(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		var out bytes.Buffer
		if err := doc.Render(&out, nil); err != nil {
			t.Fatalf("render without edits: %v", err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("render without edits differs from the input")
		}
		var edits []Edit
		for r, reg := range doc.Regions() {
			at := (len(data)*31 + r) % (len(reg.Text) + 1)
			for at > 0 && at < len(reg.Text) && !utf8.RuneStart(reg.Text[at]) {
				at--
			}
			fit := doc.Fit(r, []Candidate{{Start: at, End: at, Variants: []string{"", "\u200b"}}})
			if len(fit) == 1 {
				edits = append(edits, Edit{Region: r, Start: at, End: at, Text: "\u200b"})
			}
		}
		checkEdited(t, "fuzz", data, doc, edits)

		// Then many candidates at once, with deletions, spaces, "=" and
		// characters some charsets lack, taking varied variants.
		edits = edits[:0]
		for r, reg := range doc.Regions() {
			for k, c := range doc.Fit(r, sampleCandidates(reg.Text, 1+len(data)%5)) {
				v := (c.Orig + 1 + k%(len(c.Variants)-1)) % len(c.Variants)
				edits = append(edits, Edit{Region: r, Start: c.Start, End: c.End, Text: c.Variants[v]})
			}
		}
		checkEdited(t, "fuzz (many)", data, doc, edits)
		checkReencoded(t, data)
	})
}

// checkReencoded parses data with Reencode and checks the invariants of
// its copies: no edits (or none that change the text) give the source
// byte for byte; with many candidates' edits, the copy re-parses
// (byte-exact) to the edited texts, and each re-encoded part's lines fit.
func checkReencoded(t *testing.T, data []byte) {
	doc, err := parseEmailWith(data, ParseOptions{Reencode: true})
	if err != nil {
		return
	}
	var out bytes.Buffer
	if err := doc.Render(&out, nil); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("reencode: render without edits differs from the input (%v)", err)
	}
	var edits, same []Edit
	for r, reg := range doc.Regions() {
		for k, c := range doc.Fit(r, sampleCandidates(reg.Text, 1+len(data)%3)) {
			v := (c.Orig + 1 + k%(len(c.Variants)-1)) % len(c.Variants)
			edits = append(edits, Edit{Region: r, Start: c.Start, End: c.End, Text: c.Variants[v]})
			same = append(same, Edit{Region: r, Start: c.Start, End: c.End, Text: c.Variants[c.Orig]})
		}
	}
	out.Reset()
	if err := doc.Render(&out, same); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("reencode: render with unchanging edits differs from the input (%v)", err)
	}
	out.Reset()
	if err := doc.Render(&out, edits); err != nil {
		t.Fatalf("reencode: render: %v", err)
	}
	again, err := parseEmail(out.Bytes())
	if err != nil {
		t.Fatalf("reencode: re-parse: %v", err)
	}
	want := editedTexts(doc, edits)
	if len(again.Regions()) != len(want) {
		t.Fatalf("reencode: %d regions became %d", len(want), len(again.Regions()))
	}
	d, d2 := doc.(*emailDoc), again.(*emailDoc)
	for r, reg := range again.Regions() {
		if reg.Text != want[r] {
			t.Fatalf("reencode: region %d reads back as\n%q\nwant\n%q", r, reg.Text, want[r])
		}
		if p := d2.parts[r]; d.parts[r].reencode && p.te == teQP {
			if n := longestLine(out.Bytes()[p.start:p.end]); n > qpLineLimit {
				t.Fatalf("reencode: region %d has a %d-character line", r, n)
			}
		}
	}
}

// corpusSeeds returns the first corpus message of each kind worth
// mutating: quoted-printable, base64, multipart, latin-1, and plain.
func corpusSeeds() [][]byte {
	files := corpus.Files("email")
	kinds := []string{"quoted-printable", "base64", "multipart/alternative", "multipart/signed", "iso-8859-1", "us-ascii"}
	var seeds [][]byte
	for _, f := range files {
		if len(kinds) == 0 {
			break
		}
		data, err := os.ReadFile(f)
		if err != nil || len(data) > 16<<10 {
			continue
		}
		lower := strings.ToLower(string(data))
		for i, k := range kinds {
			if strings.Contains(lower, k) {
				seeds = append(seeds, data)
				kinds = append(kinds[:i], kinds[i+1:]...)
				break
			}
		}
	}
	return seeds
}
