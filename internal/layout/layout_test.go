package layout

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

func plan(t testing.TB, name, src string) (*Plan, error) {
	t.Helper()
	doc, err := format.Parse(name, []byte(src))
	if err != nil {
		t.Skip("not a document:", err)
	}
	return NewPlan(marks.Find(doc), "Title", Version1)
}

// words returns the plan's lines as text, one string per line.
func (p *Plan) lineTexts() []string {
	var out []string
	for _, l := range p.lines {
		var ws []string
		for _, b := range l.boxes {
			var s strings.Builder
			for _, r := range b.runs {
				for _, sg := range r.segs {
					s.WriteString(sg.text)
				}
			}
			ws = append(ws, s.String())
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

func TestUndrawableCharacterIsAnError(t *testing.T) {
	_, err := plan(t, "memo.txt", "The budget for 北京 is set.\n")
	if !errors.Is(err, ErrGlyph) || !strings.Contains(err.Error(), "U+5317") {
		t.Fatalf("got %v, want ErrGlyph naming U+5317", err)
	}
}

// TestNonBreakingHyphenIsDrawn: the non-breaking hyphen (U+2011), which
// the fonts lack, is drawn as a hyphen rather than refused (FOMC minutes
// use it), and no line breaks at it.
func TestNonBreakingHyphenIsDrawn(t *testing.T) {
	p, err := plan(t, "memo.txt", "The well\u2011known result holds for the long\u2011run rate of growth in this quarter.\n")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(p.lineTexts(), "\n")
	if !strings.Contains(lines, "well-known") || !strings.Contains(lines, "long-run") || strings.ContainsRune(lines, '\u2011') {
		t.Errorf("lines = %q, want the hyphens drawn as -", lines)
	}
}

func TestUnknownVersion(t *testing.T) {
	doc, _ := format.Parse("a.txt", []byte("some words here\n"))
	if _, err := NewPlan(marks.Find(doc), "T", 2); !errors.Is(err, ErrVersion) {
		t.Fatalf("got %v, want ErrVersion", err)
	}
}

func TestEmailHasItsHeaderBlock(t *testing.T) {
	src := "From: Ann Example <ann@example.org>\r\nTo: board@example.org\r\nSubject: =?UTF-8?Q?Q3_review?=\r\nX-Mailer: none\r\nContent-Type: text/plain\r\n\r\nThe board met on Tuesday and reached no decision about the budget.\r\n"
	p, err := plan(t, "m.eml", src)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(p.lineTexts(), "\n")
	for _, want := range []string{"From: Ann Example <ann@example.org>", "To: board@example.org", "Subject: Q3 review", "The board met on Tuesday"} {
		if !strings.Contains(got, want) {
			t.Errorf("typeset email lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "X-Mailer") {
		t.Errorf("typeset email shows a field a reader doesn't see:\n%s", got)
	}
}

func TestMarkdownShowsLabelsNotMarkup(t *testing.T) {
	p, err := plan(t, "a.md", "# Head\n\nSee [the label](https://example.com/target) and *this* and `x := 1`.\n\n- one\n- two\n")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(p.lineTexts(), "\n")
	for _, bad := range []string{"](", "https://", "*this*", "`", "# Head"} {
		if strings.Contains(got, bad) {
			t.Errorf("typeset Markdown shows markup %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"Head", "the label", "this", "x\u00a0:=\u00a01", "one", "two"} {
		if !strings.Contains(got, want) {
			t.Errorf("typeset Markdown lacks %q:\n%s", want, got)
		}
	}
}

// FuzzPlan: any document typesets without a panic, every word on the
// page, and the copy with the source's variants renders.
func FuzzPlan(f *testing.F) {
	f.Add("md", "# T\n\nSome *words* and **more** words, don't you think...\n\n> quote\n\n1. x\n2. y\n")
	f.Add("txt", "MEMO\n\nThe staff's view is that it's fine.\n- one item\n- two items\n")
	f.Add("txt", strings.Repeat("averyveryverylongwordwithoutanybreakatall", 20)+"\n")
	f.Add("md", "```\n"+strings.Repeat("x", 300)+"\n```\n")
	f.Add("eml", "From: a@b\nSubject: hi\n\nbody text here, with some words.\n")
	f.Add("md", strings.Repeat("> ", 40)+"deeply quoted words that go on and on for a while\n")
	f.Add("md", strings.Repeat("  ", 30)+"- deep\n"+strings.Repeat("- ", 40)+"nested list items\n")
	f.Fuzz(func(t *testing.T, kind, src string) {
		name := "doc.txt"
		switch kind {
		case "md":
			name = "doc.md"
		case "eml":
			name = "doc.eml"
		}
		doc, err := format.Parse(name, []byte(src))
		if err != nil {
			return
		}
		set := marks.Find(doc)
		p, err := NewPlan(set, "T", Version1)
		if errors.Is(err, ErrGlyph) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range p.lines {
			if l.page < 1 || l.page > p.pages || l.y < 0 || l.y > pageH-margin+1e-9 {
				t.Fatalf("line at page %d y %.2f is off the page", l.page, l.y)
			}
			x := l.x
			for _, b := range l.boxes {
				if x < 0 || x+b.wMax > pageW-margin+0.01 {
					t.Fatalf("word %q at x %.2f width %.2f leaves the text block", b.norm, x, b.wMax)
				}
				x += b.pitch(b.wMax)
			}
		}
		ts := make([]uint8, len(set.Points))
		for i, pt := range set.Points {
			ts[i] = uint8(pt.Orig)
		}
		if err := p.PDF(&bytes.Buffer{}, ts, make([]uint8, p.NumPoints()), PDFOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPointInfo(t *testing.T) {
	p, err := plan(t, "a.txt", "The committee met on Tuesday and reached no decision about the budget.\n")
	if err != nil {
		t.Fatal(err)
	}
	if p.NumPoints() == 0 {
		t.Fatal("no layout points")
	}
	page, ctx := p.PointInfo(0)
	if page != 1 || ctx != "The [committee] met on Tuesday and reached no decision about the budget." {
		t.Fatalf("PointInfo(0) = %d, %q", page, ctx)
	}
}

// BenchmarkPDF: one reader's PDF copy of a one-page memo.
func BenchmarkPDF(b *testing.B) {
	p, err := plan(b, "a.md", strings.Repeat("The committee met on Tuesday and reached no decision about the budget. ", 40)+"\n")
	if err != nil {
		b.Fatal(err)
	}
	ts := make([]uint8, len(p.set.Points))
	ls := make([]uint8, p.NumPoints())
	for b.Loop() {
		if err := p.PDF(&bytes.Buffer{}, ts, ls, PDFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPlainTextTableKeepsItsColumns(t *testing.T) {
	p, err := plan(t, "a.txt", "Totals for the quarter follow.\n\nItem        Amount\nApples      3\nPears       12\n\nThat is all for now.\n")
	if err != nil {
		t.Fatal(err)
	}
	got := p.lineTexts()
	want := []string{"Totals for the quarter follow.", "Item        Amount", "Apples      3", "Pears       12", "That is all for now."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%q\nwant\n%q", got, want)
	}
	if st := p.lines[1].boxes[0].runs[0].st; st != mono {
		t.Fatalf("table set in style %d, want mono", st)
	}
}

// TestMarkdownTableKeepsItsRows: a GFM table (which the typesetter's
// CommonMark reader takes for a paragraph) keeps a line per row, in the
// mono face, instead of running its rows together into one line.
func TestMarkdownTableKeepsItsRows(t *testing.T) {
	p, err := plan(t, "a.md", "Totals for the quarter follow.\n\n| Item   | Amount |\n|--------|--------|\n| Apples | 3      |\n\nThat is all for now.\n")
	if err != nil {
		t.Fatal(err)
	}
	got := p.lineTexts()
	want := []string{"Totals for the quarter follow.", "| Item   | Amount |", "|--------|--------|", "| Apples | 3      |", "That is all for now."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%q\nwant\n%q", got, want)
	}
	if st := p.lines[1].boxes[0].runs[0].st; st != mono {
		t.Fatalf("table set in style %d, want mono", st)
	}
}

// TestDocumentTitle: without a title of its own, an email's copy is
// titled by its Subject, and a Markdown document that opens with a
// heading by that heading alone (no second title above it); anything
// else keeps the name it was registered under.
func TestDocumentTitle(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"m.eml", "From: ann@example.org\r\nSubject: =?UTF-8?Q?Q3_review?=\r\n\r\nThe board met on Tuesday.\r\n", "Q3 review"},
		{"m.eml", "From: ann@example.org\r\n\r\nThe board met on Tuesday.\r\n", "m.eml"},
		{"a.md", "# Quarterly plan\n\nThe board met on Tuesday.\n", ""},
		{"a.md", "---\ntitle: x\n---\nQuarterly plan\n==============\n\nThe board met on Tuesday.\n", ""},
		{"a.md", "The board met on Tuesday.\n\n# Later\n", "a.md"},
		{"a.txt", "The board met on Tuesday.\n", "a.txt"},
	} {
		doc, err := format.Parse(tc.name, []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if got := DocumentTitle(marks.Find(doc), tc.name); got != tc.want {
			t.Errorf("%s %q: title %q, want %q", tc.name, tc.src, got, tc.want)
		}
	}
}

// TestTitleStaysOnThePage: a long title wraps onto lines of the text
// block's width, and an empty one draws nothing.
func TestTitleStaysOnThePage(t *testing.T) {
	doc, err := format.Parse("a.txt", []byte("The board met on Tuesday and reached no decision about the budget.\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, long := range []string{
		strings.TrimSpace(strings.Repeat("Minutes of the Federal Open Market Committee ", 8)),
		"Q3-financial-forecast-and-budget-review-for-the-board-final-v2.txt",
	} {
		checkTitle(t, marks.Find(doc), long)
	}
	p, err := NewPlan(marks.Find(doc), "", Version1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.decors) != 0 {
		t.Errorf("an empty title draws %d decors", len(p.decors))
	}
}

func checkTitle(t *testing.T, set *marks.Set, long string) {
	t.Helper()
	p, err := NewPlan(set, long, Version1)
	if err != nil {
		t.Fatal(err)
	}
	var drawn []string
	for _, d := range p.decors {
		if d.st == sansBold && d.size == titleSize {
			if w, _, _ := faces[d.st].width(d.text, d.size); d.x+w > pageW-margin+0.01 {
				t.Errorf("title line %q ends at %.1f pt, past the right margin", d.text, d.x+w)
			}
			drawn = append(drawn, d.text)
		}
	}
	if got := strings.Join(drawn, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(long, " ", "") {
		t.Errorf("title drawn as %q, want %q", drawn, long)
	}
	if p.lines[0].y <= p.decors[len(drawn)-1].y {
		t.Errorf("text starts at %.1f, above the title's last line at %.1f", p.lines[0].y, p.decors[len(drawn)-1].y)
	}
}

// TestFrontMatterDrawsNothing: a YAML front matter block is metadata:
// its fences are not drawn as a horizontal rule, nor its fields as text.
func TestFrontMatterDrawsNothing(t *testing.T) {
	p, err := plan(t, "a.md", "---\ntitle: Front\nauthor: me\n---\n\nThe board met on Tuesday and reached no decision.\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.rules) != 0 {
		t.Errorf("front matter drawn as %d rules", len(p.rules))
	}
	if got := strings.Join(p.lineTexts(), "\n"); strings.Contains(got, "author") {
		t.Errorf("front matter drawn as text:\n%s", got)
	}
}
