package html

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/format/html/htmltest"
	"github.com/leaktrace/leaktrace/internal/marks"
	xhtml "golang.org/x/net/html"
)

func TestSniff(t *testing.T) {
	for _, s := range []string{
		"<!DOCTYPE html><p>x",
		"\xEF\xBB\xBF  \n<!doctype HTML>\n<html>",
		"<!-- saved from url=(0014)about:internet -->\n<html lang=en>",
		"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
		"<HTML>",
	} {
		if !Sniff([]byte(s)) {
			t.Errorf("Sniff(%q) = false", s)
		}
	}
	for _, s := range []string{
		"# Notes\n\n<html> is a tag.\n",
		"Dear team, see <b>this</b>.",
		"<htmlx>",
		"<!-- never closed <html>",
		"%PDF-1.7",
		"",
	} {
		if Sniff([]byte(s)) {
			t.Errorf("Sniff(%q) = true", s)
		}
	}
	if d := format.ByContent([]byte("<!doctype html><p>Hi")); d == nil || d.Kind != Kind {
		t.Errorf("ByContent does not find HTML: %v", d)
	}
	if d := format.ByName("page.HTM"); d == nil || !d.Marked() || d.Kind != Kind {
		t.Errorf("ByName(page.HTM) = %v", d)
	}
}

const small = `<!doctype html>
<html><head><title>The committee met</title>
<style>p { color: red } /* the committee met */</style>
<script>var s = "the committee met on Tuesday";</script></head>
<body>
<p>The <a href="/c?a=1&amp;b=2">committee</a> met on Tuesday to review the budget &amp; the plan.</p>
<pre>the committee met on Tuesday</pre>
<p>Use <code>the committee</code> with care, said the chair.</p>
<div translate="no">The committee met on Tuesday.</div>
<!-- the committee met -->
<p>AT&ampT and &copy 2024 and &#8217;tis.</p>
</body></html>
`

func TestRegions(t *testing.T) {
	d, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range d.Regions() {
		got = append(got, strings.TrimSpace(r.Text))
	}
	want := []string{
		"The committee met on Tuesday to review the budget & the plan.",
		"Use the committee with care, said the chair.",
		"AT&T and © 2024 and ’tis.",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("regions:\n%q\nwant\n%q", got, want)
	}
	// The inline code and every reference are protected.
	for _, r := range d.Regions() {
		for _, p := range r.Protected {
			t.Logf("protected %q", r.Text[p.Start:p.End])
		}
	}
	r1 := d.Regions()[1]
	if !covers(r1.Protected, strings.Index(r1.Text, "the committee"), strings.Index(r1.Text, " with")) {
		t.Errorf("inline code not protected: %v in %q", r1.Protected, r1.Text)
	}
	r0 := d.Regions()[0]
	if i := strings.Index(r0.Text, "&"); !covers(r0.Protected, i, i+1) {
		t.Errorf("reference not protected: %v in %q", r0.Protected, r0.Text)
	}
	var buf bytes.Buffer
	if err := d.Render(&buf, nil); err != nil || buf.String() != small {
		t.Fatalf("Render(nil) changed the page: %v", err)
	}
}

func covers(spans []format.Span, a, b int) bool {
	for _, s := range spans {
		if s.Start <= a && b <= s.End {
			return true
		}
	}
	return false
}

// An edit never crosses a tag, never touches a reference, and a letter
// never follows a reference without its semicolon.
func TestFitKeepsMarkupAndReferences(t *testing.T) {
	d, err := Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	r0 := d.Regions()[0].Text
	cross := strings.Index(r0, "committee met")
	r2 := d.Regions()[2].Text
	afterAmp := strings.Index(r2, "T and") // right after "&amp" with no ';'
	cands := []format.Candidate{
		{Start: cross, End: cross + len("committee met"), Variants: []string{"committee met", "board sat"}},
		{Start: strings.Index(r0, "&"), End: strings.Index(r0, "&") + 1, Variants: []string{"&", "and"}},
		{Start: strings.Index(r0, "review"), End: strings.Index(r0, "review") + 6, Variants: []string{"review", "examine"}},
	}
	kept := d.Fit(0, cands)
	if len(kept) != 1 || kept[0].Variants[1] != "examine" {
		t.Errorf("Fit kept %v, want only the edit inside one text node", kept)
	}
	if kept := d.Fit(2, []format.Candidate{{Start: afterAmp, End: afterAmp + 1, Variants: []string{"T", "X"}}}); len(kept) != 0 {
		t.Errorf("Fit kept an edit that extends an unterminated reference: %v", kept)
	}
	// Render refuses such edits outright.
	if err := d.Render(&bytes.Buffer{}, []format.Edit{{Region: 0, Start: cross, End: cross + 13, Text: "x"}}); err == nil {
		t.Error("Render accepted an edit across a tag")
	}
	// Edit text is escaped.
	var buf bytes.Buffer
	at := strings.Index(r0, "review")
	if err := d.Render(&buf, []format.Edit{{Region: 0, Start: at, End: at + 6, Text: "<b>&"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "to &lt;b&gt;&amp; the budget") {
		t.Errorf("edit text not escaped: %s", buf.String())
	}
}

// memoPage is a test page around corpus prose.
func memoPage(t testing.TB, words int, seed uint64) []byte {
	memo := corpus.RequireMemos(t, 1, words, seed)[0]
	return htmltest.Page("Minutes of the review", memo)
}

// nonText lists a page's tokens, raw, with the text of text tokens
// replaced by a placeholder unless they are inside an element whose text
// is never marked.
func nonText(t testing.TB, page []byte) []string {
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	var out []string
	var stack []string
	skip := func() bool {
		for _, n := range stack {
			if c := classes[n]; c == excluded || c == protected {
				return true
			}
		}
		return false
	}
	for {
		tt := z.Next()
		raw := string(z.Raw())
		switch tt {
		case xhtml.ErrorToken:
			return out
		case xhtml.TextToken:
			if skip() {
				out = append(out, raw)
			} else {
				out = append(out, "#text")
			}
			continue
		case xhtml.StartTagToken:
			out = append(out, raw)
			n, _ := z.TagName()
			if !voids[string(n)] {
				stack = append(stack, string(n))
			}
		case xhtml.EndTagToken:
			out = append(out, raw)
			n, _ := z.TagName()
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == string(n) {
					stack = stack[:i]
					break
				}
			}
		default:
			out = append(out, raw)
		}
	}
}

// copyOf renders a copy with random symbols and shifts.
func copyOf(t testing.TB, d *Doc, set *marks.Set, rng *rand.Rand) ([]byte, []uint8) {
	sym := make([]uint8, len(set.Points))
	for i, p := range set.Points {
		sym[i] = uint8(rng.IntN(len(p.Variants)))
	}
	shifts := make([]uint8, len(d.Shifts().Slots))
	for i := range shifts {
		shifts[i] = uint8(rng.IntN(2))
	}
	var buf bytes.Buffer
	if err := d.RenderShifted(&buf, set.Edits(sym), shifts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), shifts
}

// Copies keep every tag, attribute, comment, script, style and code
// block byte for byte; only text nodes change.
func TestCopiesKeepMarkup(t *testing.T) {
	page := memoPage(t, 900, 12)
	d, err := Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(d)
	// The page's prose carries about the points the same prose does as
	// plain text (less the words the layout slots hold).
	plain, err := format.Parse("memo.txt", []byte(corpus.RequireMemos(t, 1, 900, 12)[0]))
	if err != nil {
		t.Fatal(err)
	}
	txt := marks.Find(plain).ByChannel()
	for ch, n := range set.ByChannel() {
		if n < txt[ch]*8/10 {
			t.Errorf("%v: %d points, %d in the plain text", ch, n, txt[ch])
		}
	}
	if n := len(d.Shifts().Slots); n < 80 {
		t.Fatalf("%d layout slots in a page of 900 words", n)
	}
	want := nonText(t, page)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		cp, _ := copyOf(t, d, set, rng)
		if bytes.Equal(cp, page) {
			t.Fatal("the copy is the source")
		}
		got := nonText(t, cp)
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("token %d changed: %q, was %q", i, got[i], want[i])
				}
			}
			t.Fatalf("%d tokens, the source has %d", len(got), len(want))
		}
		// The copy reads as the source: same words once folded.
		c, err := Parse(cp)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Regions()) != len(d.Regions()) {
			t.Fatalf("copy has %d regions, source %d", len(c.Regions()), len(d.Regions()))
		}
	}
}

// A copy's shifts are read back exactly from the copy and from its text
// pasted, and never from another page.
func TestReadShifts(t *testing.T) {
	page := memoPage(t, 900, 13)
	d, err := Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(d)
	rng := rand.New(rand.NewPCG(3, 4))
	cp, shifts := copyOf(t, d, set, rng)
	text, err := LeakText(cp)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"copy", cp}, {"paste", []byte(text)}} {
		rs, err := d.ReadShifts(in.data)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) < len(shifts)*8/10 {
			t.Errorf("%s: read %d of %d slots", in.name, len(rs), len(shifts))
		}
		for _, r := range rs {
			want := -Delta
			if shifts[r.Slot] == 1 {
				want = Delta
			}
			if r.Shift != want || r.Sigma != 0 {
				t.Fatalf("%s: slot %d read %v, want %v", in.name, r.Slot, r.Shift, want)
			}
		}
	}
	// The unmarked page and another page show no shifts.
	other := memoPage(t, 900, 99)
	for _, data := range [][]byte{page, other} {
		if rs, err := d.ReadShifts(data); err != nil || len(rs) != 0 {
			t.Errorf("read %d shifts from an unmarked page (%v)", len(rs), err)
		}
	}
}

func TestLeakText(t *testing.T) {
	text, err := LeakText([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "var s") || strings.Contains(text, "color: red") || strings.Contains(text, "<a") {
		t.Errorf("leak text holds markup or code: %q", text)
	}
	if _, err := LeakText([]byte("<!doctype html><script>x</script>")); !errors.Is(err, ErrNoText) {
		t.Errorf("page without text: %v, want ErrNoText", err)
	}
}

// No zero-width space goes just before a slot's space: a line could
// break there, and the next line would start with a visible space (a
// four-per-em space, unlike a plain one, is not removed at a line's
// start).
func TestNoBreakBeforeSlotSpaces(t *testing.T) {
	page := memoPage(t, 900, 12)
	d, err := Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	spaces := map[[2]int]bool{}
	for _, s := range d.Shifts().Slots {
		spaces[[2]int{s.Region, s.Start - 1}], spaces[[2]int{s.Region, s.End}] = true, true
	}
	set := marks.Find(d)
	at := 0
	for _, p := range set.Points {
		if p.Start != p.End || !spaces[[2]int{p.Region, p.Start}] {
			continue
		}
		at++
		if len(p.Variants) < 2 || p.Variants[p.Orig] != "" {
			t.Fatalf("point before a slot's space: %q", p.Variants)
		}
		for _, v := range p.Variants {
			if strings.Contains(v, "\u200B") {
				t.Fatalf("point before a slot's space may insert a zero-width space: %q", p.Variants)
			}
		}
	}
	if at < len(d.Shifts().Slots) {
		t.Errorf("%d points before %d slots' spaces: they should still carry marks", at, len(d.Shifts().Slots))
	}
}

// No zero-width space goes next to a line break of the source: CSS
// removes a segment break next to one, and the words either side would
// run together.
func TestNoZeroWidthSpaceByLineBreaks(t *testing.T) {
	page := []byte("<!doctype html><p>The committee declined\n  appreciably on balance and\nthe dollar rose</p>")
	d, err := Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(d)
	n := 0
	for _, p := range set.Points {
		if p.Channel != marks.Typographic || p.Start != p.End {
			continue
		}
		n++
		for i, v := range p.Variants {
			if !strings.Contains(v, "\u200B") {
				continue
			}
			var buf bytes.Buffer
			e := set.Edits(make([]uint8, len(set.Points)))
			e = append(e, format.Edit{Region: p.Region, Start: p.Start, End: p.End, Text: p.Variants[i]})
			_ = d.Render(&buf, e)
			if strings.Contains(buf.String(), "\u200B\n") || strings.Contains(buf.String(), "\n\u200B") {
				t.Fatalf("a zero-width space may go next to a line break: %q", buf.String())
			}
		}
	}
	if n < 4 {
		t.Fatalf("%d space points, want the line breaks' too", n)
	}
}

// Headings, drawn large, hold no slots; paragraphs do.
func TestNoSlotsInHeadings(t *testing.T) {
	d, err := Parse([]byte("<!doctype html><h1>The committee met on Tuesday again</h1>\n<p>The committee met on Tuesday again</p>"))
	if err != nil {
		t.Fatal(err)
	}
	slots := d.Shifts().Slots
	if len(slots) == 0 {
		t.Fatal("no slots in the paragraph")
	}
	for _, s := range slots {
		if s.Region != 1 {
			t.Errorf("slot %q in region %d, the heading", d.Regions()[s.Region].Text[s.Start:s.End], s.Region)
		}
	}
}

// TestDeepNestingIsRefused: a page of unclosed inline tags, nested past
// what browsers build, is refused as malformed (reading it would take
// time growing with the square of its size); one just within is read.
func TestDeepNestingIsRefused(t *testing.T) {
	page := func(n int) []byte {
		return []byte("<!doctype html><p>" + strings.Repeat("<b>word ", n) + "</p>")
	}
	if _, err := Parse(page(MaxDepth + 10)); !errors.Is(err, ErrTooDeep) || !errors.Is(err, format.ErrMalformed) {
		t.Errorf("deep page: %v, want ErrTooDeep", err)
	}
	if _, err := Parse(page(MaxDepth - 10)); err != nil {
		t.Errorf("page within the bound: %v", err)
	}
	// Unmatched end tags are cheap: the stack they scan is bounded.
	if _, err := Parse([]byte("<!doctype html><p>x " + strings.Repeat("</i>", 200000) + "</p>")); err != nil {
		t.Errorf("unmatched end tags: %v", err)
	}
}
