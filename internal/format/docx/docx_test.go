package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/format"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// richBody is a body with the structures a copy must keep: bold runs, a
// hyperlink, complex and simple fields, tracked changes, a comment, a
// content control, a tab and a break, entities.
const richBody = `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Bold start</w:t></w:r><w:r><w:t xml:space="preserve"> of the plain text with Tom &amp; Jerry in it, and more words here.</w:t></w:r></w:p>` +
	`<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rId5"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>the example site</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> for details.</w:t></w:r></w:p>` +
	`<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> of the report.</w:t></w:r></w:p>` +
	`<w:p><w:r><w:t xml:space="preserve">We </w:t></w:r><w:del w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve">never </w:delText></w:r></w:del><w:ins w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">always </w:t></w:r></w:ins><w:r><w:t>agree.</w:t></w:r></w:p>` +
	`<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Commented words here</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r></w:p>` +
	`<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Control text stays</w:t></w:r></w:p></w:sdtContent></w:sdt>` +
	`<w:p><w:r><w:t>Tab</w:t><w:tab/><w:t>after</w:t><w:br/><w:t>break</w:t></w:r></w:p>` +
	`<w:p><w:fldSimple w:instr=" DATE "><w:r><w:t>29 November</w:t></w:r></w:fldSimple></w:p>`

var richRegions = []format.Region{
	{Text: "Bold start of the plain text with Tom & Jerry in it, and more words here."},
	{Text: "See the example site for details."},
	{Text: "Page 1 of the report.", Protected: []format.Span{{Start: 5, End: 6}}},
	{Text: "We always agree."},
	{Text: "Commented words here"},
	{Text: "Control text stays", Protected: []format.Span{{Start: 0, End: 18}}},
	{Text: "Tab\tafter\nbreak", Protected: []format.Span{{Start: 3, End: 4}, {Start: 9, End: 10}}},
	{Text: "29 November", Protected: []format.Span{{Start: 0, End: 11}}},
}

// pkg builds a DOCX package around body: parts in a fixed order, one of
// them stored rather than deflated, with fixed times.
func pkg(t testing.TB, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	mod := time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)
	for _, p := range []struct {
		name, data string
		method     uint16
	}{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>`, zip.Deflate},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`, zip.Store},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:document ` + wNS + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`, zip.Deflate},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>`, zip.Deflate},
		{"word/comments.xml", `<?xml version="1.0" encoding="UTF-8"?><w:comments ` + wNS + `><w:comment w:id="0" w:author="A"><w:p><w:r><w:t>A comment that stays as it is.</w:t></w:r></w:p></w:comment></w:comments>`, zip.Deflate},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: p.method, Modified: mod})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustParse(t testing.TB, data []byte) *Document {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func render(t testing.TB, d *Document, edits []format.Edit) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.Render(&b, edits); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// part returns a package part's content.
func part(t testing.TB, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// checkOtherParts fails unless copy has the same entries as source in
// the same order, and every entry but word/document.xml has the same
// header fields and the same compressed bytes.
func checkOtherParts(t testing.TB, source, copy []byte) {
	t.Helper()
	a, err := zip.NewReader(bytes.NewReader(source), int64(len(source)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := zip.NewReader(bytes.NewReader(copy), int64(len(copy)))
	if err != nil {
		t.Fatalf("the copy is not a ZIP package: %v", err)
	}
	if len(a.File) != len(b.File) {
		t.Fatalf("copy has %d entries, source %d", len(b.File), len(a.File))
	}
	for i, fa := range a.File {
		fb := b.File[i]
		if fa.Name != fb.Name || fa.Method != fb.Method || !fa.Modified.Equal(fb.Modified) {
			t.Errorf("entry %d: %s (method %d, %v) became %s (method %d, %v)", i, fa.Name, fa.Method, fa.Modified, fb.Name, fb.Method, fb.Modified)
		}
		if fa.Name == mainPart {
			continue
		}
		ra, _ := fa.OpenRaw()
		rb, _ := fb.OpenRaw()
		ba, _ := io.ReadAll(ra)
		bb, _ := io.ReadAll(rb)
		if !bytes.Equal(ba, bb) || fa.CRC32 != fb.CRC32 {
			t.Errorf("entry %s changed", fa.Name)
		}
	}
}

func TestRegionsOfARichDocument(t *testing.T) {
	d := mustParse(t, pkg(t, richBody))
	got := d.Regions()
	if len(got) != len(richRegions) {
		t.Fatalf("%d regions, want %d: %v", len(got), len(richRegions), got)
	}
	for i, r := range got {
		w := richRegions[i]
		if r.Text != w.Text || fmt.Sprint(r.Protected) != fmt.Sprint(w.Protected) {
			t.Errorf("region %d = %q %v, want %q %v", i, r.Text, r.Protected, w.Text, w.Protected)
		}
	}
}

func TestRenderWithoutEditsIsTheSource(t *testing.T) {
	src := pkg(t, richBody)
	if got := render(t, mustParse(t, src), nil); !bytes.Equal(got, src) {
		t.Error("Render without edits changed the package")
	}
}

func TestEditsSpliceIntoTheText(t *testing.T) {
	src := pkg(t, richBody)
	d := mustParse(t, src)
	r0 := richRegions[0].Text
	amp := strings.Index(r0, "&")
	edits := []format.Edit{
		{Region: 0, Start: 5, End: 13, Text: "begin of"},   // "start of": across the bold run and the next
		{Region: 0, Start: amp, End: amp + 1, Text: "<&>"}, // escaped
		{Region: 1, Start: 3, End: 3, Text: "\u200b"},      // after "See", in its run
		{Region: 4, Start: 0, End: 9, Text: " Noted"},      // a leading space: xml:space="preserve"
	}
	out := render(t, d, edits)
	checkOtherParts(t, src, out)
	c := mustParse(t, out)
	want := []string{
		"Bold begin of the plain text with Tom <&> Jerry in it, and more words here.",
		"See\u200b the example site for details.",
		richRegions[2].Text, richRegions[3].Text,
		" Noted words here",
	}
	for i, w := range want {
		if got := c.Regions()[i].Text; got != w {
			t.Errorf("region %d of the copy = %q, want %q", i, got, w)
		}
	}
	x := part(t, out, mainPart)
	for _, keep := range []string{
		`<w:r><w:rPr><w:b/></w:rPr><w:t>Bold begin of</w:t></w:r><w:r><w:t xml:space="preserve"> the plain`,
		`Tom &lt;&amp;&gt; Jerry`,
		`<w:t xml:space="preserve">See` + "\u200b" + ` </w:t></w:r><w:hyperlink r:id="rId5">`,
		`<w:instrText xml:space="preserve"> PAGE </w:instrText>`,
		`<w:delText xml:space="preserve">never </w:delText>`,
		`<w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve"> Noted words here</w:t></w:r><w:commentRangeEnd w:id="0"/>`,
	} {
		if !strings.Contains(x, keep) {
			t.Errorf("the copy's document.xml lacks %q", keep)
		}
	}
	if again := render(t, mustParse(t, src), edits); !bytes.Equal(again, out) {
		t.Error("the same edits gave different bytes")
	}
}

func TestFitKeepsOnlyWhatACopyCanChange(t *testing.T) {
	d := mustParse(t, pkg(t, richBody))
	cand := func(s, e int) format.Candidate {
		return format.Candidate{Start: s, End: e, Variants: []string{"x", "y"}}
	}
	for _, c := range []struct {
		region, start, end int
		ok                 bool
		why                string
	}{
		{0, 5, 13, true, "across two runs of one paragraph"},
		{0, 10, 10, true, "an insertion where a run ends"},
		{1, 2, 6, false, "from a run into a hyperlink"},
		{1, 4, 7, true, "inside the hyperlink's text"},
		{2, 4, 7, false, "across a field's result"},
		{2, 6, 6, true, "an insertion after a field, in the next run"},
		{5, 0, 7, false, "in a content control"},
		{6, 2, 5, false, "across a tab"},
		{7, 0, 2, false, "in a simple field's result"},
	} {
		got := d.Fit(c.region, []format.Candidate{cand(c.start, c.end)})
		if (len(got) == 1) != c.ok {
			t.Errorf("Fit(%s) kept %d, want ok=%v", c.why, len(got), c.ok)
		}
	}
	bad := format.Candidate{Start: 0, End: 4, Variants: []string{"Bold", "Bo\x01d"}}
	if got := d.Fit(0, []format.Candidate{bad}); len(got) != 0 {
		t.Error("Fit kept a variant XML can't hold")
	}
}

// prose is a long body of plain paragraphs: room for many slots.
func prose(paras int) string {
	words := strings.Fields("the quick brown fox jumps over lazy dogs while seven wise owls watch from tall green trees and count every leaf that falls")
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for p := 0; p < paras; p++ {
		b.WriteString(`<w:p><w:r><w:rPr><w:i/><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">`)
		for i := 0; i < 40; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		b.WriteString(`.</w:t></w:r></w:p>`)
	}
	return b.String()
}

func TestShiftsAreReadBackExactly(t *testing.T) {
	src := pkg(t, prose(3)+richBody)
	d := mustParse(t, src)
	s := d.Shifts()
	if s.Version != Version || s.Delta != Delta || len(s.Slots) < 20 {
		t.Fatalf("scheme %d, delta %v, %d slots", s.Version, s.Delta, len(s.Slots))
	}
	for i, sl := range s.Slots {
		text := d.Regions()[sl.Region].Text
		if !format.SlotWord(text[sl.Start:sl.End]) || text[sl.Start-1] != ' ' || text[sl.End] != ' ' {
			t.Fatalf("slot %d is %q", i, text[sl.Start-1:sl.End+1])
		}
		if i > 0 && sl.Region == s.Slots[i-1].Region && len(strings.Fields(text[s.Slots[i-1].End:sl.Start])) < 2 {
			t.Errorf("slots %d and %d are not two words apart", i-1, i)
		}
	}
	if rs, err := d.ReadShifts(src); err != nil || len(rs) != 0 {
		t.Errorf("ReadShifts(source) = %v, %v; want no readings", rs, err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var prev []byte
	for trial := 0; trial < 3; trial++ {
		shifts := make([]uint8, len(s.Slots))
		for i := range shifts {
			shifts[i] = uint8(rng.IntN(2))
		}
		// A zero-width insertion right before a slot's space.
		edits := []format.Edit{{Region: s.Slots[0].Region, Start: s.Slots[0].End, End: s.Slots[0].End, Text: "\u2060"}}
		var b bytes.Buffer
		if err := d.RenderShifted(&b, edits, shifts); err != nil {
			t.Fatal(err)
		}
		out := b.Bytes()
		checkOtherParts(t, src, out)
		if bytes.Equal(out, prev) {
			t.Error("copies with different shifts are the same")
		}
		prev = out
		rs, err := d.ReadShifts(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != len(shifts) {
			t.Errorf("read %d of %d slots", len(rs), len(shifts))
		}
		for _, r := range rs {
			want := -Delta
			if shifts[r.Slot] == 1 {
				want = Delta
			}
			if r.Shift != want || r.Sigma != 0 {
				t.Errorf("slot %d read %v±%v, want %v", r.Slot, r.Shift, r.Sigma, want)
			}
		}
		// The copy's text is the source's with the edit: the spaces
		// moved into runs of their own are still there.
		c := mustParse(t, out)
		for i, r := range c.Regions() {
			w := d.Regions()[i].Text
			if i == s.Slots[0].Region {
				w = w[:s.Slots[0].End] + "\u2060" + w[s.Slots[0].End:]
			}
			if r.Text != w {
				t.Fatalf("region %d of the copy = %q, want %q", i, r.Text, w)
			}
		}
	}
}

func TestASlotWhoseSpaceIsEditedIsLeftOut(t *testing.T) {
	d := mustParse(t, pkg(t, prose(1)))
	s := d.Shifts().Slots[0]
	shifts := make([]uint8, len(d.slots))
	var b bytes.Buffer
	// An edit replacing the space after the slot's word.
	if err := d.RenderShifted(&b, []format.Edit{{Region: s.Region, Start: s.End, End: s.End + 1, Text: "  "}}, shifts); err != nil {
		t.Fatal(err)
	}
	rs, err := d.ReadShifts(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Slot == 0 {
			t.Errorf("slot 0 was read as %v though its space was edited", r.Shift)
		}
	}
	if len(rs) != len(shifts)-1 {
		t.Errorf("read %d slots, want %d", len(rs), len(shifts)-1)
	}
}

func TestNeutralWidensBothSpaces(t *testing.T) {
	src := pkg(t, prose(1))
	d := mustParse(t, src)
	n, err := Neutral(src)
	if err != nil {
		t.Fatal(err)
	}
	x := part(t, n, mainPart)
	if got, want := strings.Count(x, `<w:spacing w:val="7"/>`), 2*len(d.slots); got != want {
		t.Errorf("%d spaces widened by Delta, want %d", got, want)
	}
	if rs, _ := d.ReadShifts(n); len(rs) != 0 {
		t.Errorf("the neutral rendering reads as %d shifts", len(rs))
	}
}

func TestSpacingGoesInSchemaOrder(t *testing.T) {
	d := mustParse(t, pkg(t, prose(1)))
	x := part(t, func() []byte {
		var b bytes.Buffer
		if err := d.RenderShifted(&b, nil, make([]uint8, len(d.slots))); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}(), mainPart)
	if !strings.Contains(x, `<w:rPr><w:i/><w:spacing w:val="14"/><w:sz w:val="24"/></w:rPr>`) {
		t.Error("w:spacing is not between w:i and w:sz")
	}
}

func TestMalformedPackages(t *testing.T) {
	var noDoc bytes.Buffer
	zw := zip.NewWriter(&noDoc)
	w, _ := zw.Create("content.xml")
	io.WriteString(w, "<office/>")
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"text", []byte("just some text"), ErrNotDOCX},
		{"truncated", pkg(t, richBody)[:300], ErrNotDOCX},
		{"an ODT-like zip", noDoc.Bytes(), ErrNotDOCX},
		{"bad xml", pkg(t, `<w:p><w:r><w:t>open`), ErrBadXML},
		{"unclosed element", pkg(t, `<w:p><w:r><w:t>a</w:t></w:r></w:x>`), ErrBadXML},
	} {
		_, err := format.ParseKind("docx", c.data)
		if !errors.Is(err, c.want) || !errors.Is(err, format.ErrMalformed) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestSniffAndLeakText(t *testing.T) {
	src := pkg(t, richBody)
	if !Sniff(src) || Sniff([]byte("PK\x03\x04 not a zip")) || Sniff([]byte("text")) {
		t.Error("Sniff is wrong")
	}
	if d := format.ByContent(src); d == nil || d.Kind != "docx" {
		t.Errorf("ByContent = %v", d)
	}
	text, err := LeakText(src)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range richRegions {
		want = append(want, r.Text)
	}
	if text != strings.Join(want, "\n") {
		t.Errorf("LeakText = %q", text)
	}
}

// FuzzParse: Parse never panics, Render without edits is the input, and
// a copy with every slot moved parses. Run it with -fuzzminimizetime
// 200x: minimizing a whole package for the default minute leaves no time
// to fuzz.
func FuzzParse(f *testing.F) {
	f.Add(pkg(f, richBody))
	f.Add(pkg(f, prose(1)))
	f.Add(pkg(f, `<w:p><w:r><w:t>a &#x2019; &#65; <![CDATA[x]]></w:t></w:r></w:p>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		if out := render(t, d, nil); !bytes.Equal(out, data) {
			t.Fatal("Render without edits changed the package")
		}
		var b bytes.Buffer
		if err := d.RenderShifted(&b, nil, make([]uint8, len(d.slots))); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReadShifts(b.Bytes()); err != nil {
			t.Fatalf("a copy does not parse: %v", err)
		}
	})
}

// replacePart returns data with a part's content replaced.
func replacePart(t *testing.T, data []byte, name, content string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if f.Name == name {
			io.WriteString(w, content)
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
	}
	zw.Close()
	return b.Bytes()
}

// TestShiftsOfAnEditedCopy: a copy that lost a paragraph is read where
// its slots' words are found once in the source and once in the copy,
// and never wrongly.
func TestShiftsOfAnEditedCopy(t *testing.T) {
	d := mustParse(t, pkg(t, prose(4)))
	shifts := make([]uint8, len(d.slots))
	for i := range shifts {
		shifts[i] = uint8(i % 3 % 2)
	}
	var b bytes.Buffer
	if err := d.RenderShifted(&b, nil, shifts); err != nil {
		t.Fatal(err)
	}
	x := part(t, b.Bytes(), mainPart)
	first := strings.Index(x, "<w:p>")
	second := strings.Index(x[first+1:], "<w:p>") + first + 1
	edited := replacePart(t, b.Bytes(), mainPart, x[:first]+x[second:])
	rs, err := d.ReadShifts(edited)
	if err != nil {
		t.Fatal(err)
	}
	inFirst := 0
	for _, s := range d.slots {
		if s.region == 0 {
			inFirst++
		}
	}
	if len(rs) == 0 || len(rs) > len(shifts)-inFirst {
		t.Errorf("read %d slots of %d, %d of them in the removed paragraph", len(rs), len(shifts), inFirst)
	}
	for _, r := range rs {
		if d.slots[r.Slot].region == 0 || (r.Shift > 0) != (shifts[r.Slot] == 1) {
			t.Errorf("slot %d (region %d) read as %v", r.Slot, d.slots[r.Slot].region, r.Shift)
		}
	}
}

// TestMutatedPackagesNeverPanic feeds Parse, RenderShifted and
// ReadShifts packages with bytes changed, cut and inserted, and with
// sizes and offsets in their headers set to extreme values: a malformed
// file is an error, never a panic. (FuzzParse explores further.)
func TestMutatedPackagesNeverPanic(t *testing.T) {
	seeds := [][]byte{pkg(t, richBody), pkg(t, prose(1))}
	extremes := []uint32{0, 1, 0xFFFF, 0x8000, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000}
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 1500; i++ {
		s := bytes.Clone(seeds[i%2])
		for k := 0; k < 1+rng.IntN(3); k++ {
			at := rng.IntN(len(s) - 4)
			switch rng.IntN(4) {
			case 0:
				s[at] = byte(rng.IntN(256))
			case 1:
				s = append(s[:at], s[min(len(s), at+1+rng.IntN(8)):]...)
			case 2:
				s = append(s[:at], append(bytes.Repeat([]byte{byte(rng.IntN(256))}, 1+rng.IntN(8)), s[at:]...)...)
			case 3:
				v := extremes[rng.IntN(len(extremes))]
				s[at], s[at+1], s[at+2], s[at+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
			}
		}
		d, err := Parse(s)
		if err != nil {
			if !errors.Is(err, format.ErrMalformed) {
				t.Fatalf("input %d: %v does not match format.ErrMalformed", i, err)
			}
			continue
		}
		var b bytes.Buffer
		if err := d.RenderShifted(&b, nil, make([]uint8, len(d.slots))); err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		if _, err := d.ReadShifts(b.Bytes()); err != nil {
			t.Fatalf("input %d: its copy does not parse: %v", i, err)
		}
	}
}
