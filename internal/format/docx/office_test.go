package docx_test

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/format/docx"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// richDOCX is a document written by hand with formatting, a hyperlink,
// a field, tracked changes and a comment.
func richDOCX(t *testing.T) []byte {
	t.Helper()
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	para := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	body := para("The committee reviewed the economic situation at length before it turned to the outlook for policy, and participants agreed that the labor market had remained strong over the period.") +
		`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Household spending</w:t></w:r><w:r><w:t xml:space="preserve"> had grown strongly, while business investment had moderated from its rapid pace earlier in the year; see </w:t></w:r>` +
		`<w:hyperlink r:id="rId9"><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>the full statement</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> for the details of the decision.</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">This page is number </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> of the minutes that the committee will publish after its next meeting.</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">Members </w:t></w:r><w:del w:id="1" w:author="Ann" w:date="2026-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve">never </w:delText></w:r></w:del><w:ins w:id="2" w:author="Ann" w:date="2026-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">generally </w:t></w:r></w:ins><w:r><w:t xml:space="preserve">expected that inflation would remain near the objective over the medium term, and they said so.</w:t></w:r></w:p>` +
		`<w:p><w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">Several participants observed that they would be patient as they determined what future adjustments might be appropriate.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>` +
		para("In view of realized and expected labor market conditions and inflation, the committee decided to maintain the target range for the federal funds rate, and it would continue to monitor the implications of incoming information.")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/statement" TargetMode="External"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + ns + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`},
		{"word/comments.xml", `<?xml version="1.0" encoding="UTF-8"?><w:comments ` + ns + `><w:comment w:id="0" w:author="Ann" w:date="2026-01-01T00:00:00Z"><w:p><w:r><w:t>Check this with the staff.</w:t></w:r></w:p></w:comment></w:comments>`},
	} {
		w, _ := zw.Create(p[0])
		io.WriteString(w, p[1])
	}
	zw.Close()
	return b.Bytes()
}

// features counts what a copy must keep of document.xml. Run
// properties are counted apart: a copy repeats them in the runs it
// splits.
var (
	features = regexp.MustCompile(`<w:hyperlink |<w:fldChar |<w:instrText|<w:ins |<w:del |<w:delText|<w:commentReference |<w:commentRangeStart `)
	runProps = regexp.MustCompile(`<w:b/>|<w:u `)
)

func count(re *regexp.Regexp, x string) map[string]int {
	out := map[string]int{}
	for _, f := range re.FindAllString(x, -1) {
		out[f]++
	}
	return out
}

func mainXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

// TestARichCopyOpensInLibreOffice marks a formatted DOCX (every text point at a random variant, every layout point moved)
// and checks that the copy keeps its formatting, hyperlink, field,
// tracked changes and comment, and that LibreOffice reads it as the
// source's text.
func TestARichCopyOpensInLibreOffice(t *testing.T) {
	tooltest.Require(t, "libreoffice-writer-nogui", "soffice", "libreoffice")
	src := richDOCX(t)
	d, err := format.ParseKind("docx", src)
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(d)
	if len(set.Points) < 40 {
		t.Fatalf("%d points", len(set.Points))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	syms := make([]uint8, len(set.Points))
	for i, p := range set.Points {
		syms[i] = uint8(rng.IntN(len(p.Variants)))
	}
	sh := d.(format.Shifter)
	shifts := make([]uint8, len(sh.Shifts().Slots))
	for i := range shifts {
		shifts[i] = uint8(rng.IntN(2))
	}
	var b bytes.Buffer
	if err := sh.RenderShifted(&b, set.Edits(syms), shifts); err != nil {
		t.Fatal(err)
	}
	copy := b.Bytes()
	if got, want := count(features, mainXML(t, copy)), count(features, mainXML(t, src)); len(want) < 8 || !equal(got, want) {
		t.Errorf("the copy's document.xml has %v, the source's %v", got, want)
	}
	for k, n := range count(runProps, mainXML(t, src)) {
		if got := count(runProps, mainXML(t, copy))[k]; got < n {
			t.Errorf("the copy has %d %s, the source %d", got, k, n)
		}
	}
	srcText, _ := docx.LeakText(src)
	for _, w := range []string{"Household spending", "the full statement", "generally expected", "This page is number 1 of"} {
		if !strings.Contains(srcText, w) {
			t.Errorf("the source's text lacks %q: %q", w, srcText)
		}
	}
	if strings.Contains(srcText, "never") || strings.Contains(srcText, "PAGE") {
		t.Errorf("deleted text or a field code is in the text: %q", srcText)
	}
	// LibreOffice reads both: it shows a tracked deletion and a field's
	// result its own way, the same in both.
	want, err := office.Convert(t.Context(), "source.docx", src, "txt:Text (encoded):UTF8", "txt")
	if err != nil {
		t.Fatalf("LibreOffice cannot read the source: %v", err)
	}
	got, err := office.Convert(t.Context(), "copy.docx", copy, "txt:Text (encoded):UTF8", "txt")
	if err != nil {
		t.Fatalf("LibreOffice cannot read the copy: %v", err)
	}
	norm := strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "",
		"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`)
	a, c := strings.Fields(norm.Replace(string(want))), strings.Fields(norm.Replace(string(got)))
	if f := wordsDiffer(a, c); f > 0.06 || len(a) < 140 {
		t.Errorf("%.1f%% of %d words differ between the source and the copy as LibreOffice reads them:\n%q\n%q", 100*f, len(a), a, c)
	}
}

// wordsDiffer is the share of words of a that are not in their longest
// common subsequence with b, or of b that are not, whichever is more.
func wordsDiffer(a, b []string) float64 {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(b)])/float64(max(len(a), len(b), 1))
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
