package marks_test

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

var (
	update      = flag.Bool("update", false, "rewrite golden files")
	fullDensity = flag.Bool("density.full", false, "measure density on the whole corpus, not a sample")
)

// randomCopy renders doc with a uniformly random variant at every point.
func randomCopy(t testing.TB, set *marks.Set, rng *rand.Rand) ([]byte, []uint8) {
	syms := make([]uint8, len(set.Points))
	for i, p := range set.Points {
		syms[i] = uint8(rng.IntN(len(p.Variants)))
	}
	var buf bytes.Buffer
	if err := set.Doc.Render(&buf, set.Edits(syms)); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.Bytes(), syms
}

func canonicalRegions(t testing.TB, name string, data []byte) []string {
	doc, err := format.Parse(name, data)
	if err != nil {
		t.Fatalf("re-parse %s: %v", name, err)
	}
	var out []string
	for _, r := range doc.Regions() {
		out = append(out, strings.Join(marks.Canonical(r.Text), " "))
	}
	return out
}

// regionWidths returns the width of the widest line of each region, in
// runes a reader sees (no format characters, no trailing spaces). Regions
// whose widest line is over 100 runes are soft-wrapped paragraphs and are
// not held to it.
func regionWidths(t testing.TB, name string, data []byte) []int {
	doc, err := format.Parse(name, data)
	if err != nil {
		t.Fatalf("re-parse %s: %v", name, err)
	}
	var out []int
	for _, r := range doc.Regions() {
		w := 0
		for _, line := range strings.Split(r.Text, "\n") {
			n := 0
			for _, c := range strings.TrimRight(line, " \t\r") {
				if !unicode.Is(unicode.Cf, c) {
					n++
				}
			}
			w = max(w, n)
		}
		out = append(out, w)
	}
	return out
}

// checkCopies asserts the package invariants for one document: copies
// canonicalize like the source, keep its lines and never widen a line past
// its widest one.
func checkCopies(t *testing.T, name string, src []byte, copies int, rng *rand.Rand) {
	t.Helper()
	doc, err := format.Parse(name, src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	set := marks.Find(doc)
	var empty bytes.Buffer
	if err := doc.Render(&empty, nil); err != nil || !bytes.Equal(empty.Bytes(), src) {
		t.Fatalf("%s: rendering without edits changed the document (err %v)", name, err)
	}
	want := canonicalRegions(t, name, src)
	width := regionWidths(t, name, src)
	lines := bytes.Count(src, []byte("\n"))
	seen := map[string]bool{}
	for k := 0; k < copies; k++ {
		c, _ := randomCopy(t, set, rng)
		if !utf8.Valid(c) && format.Kind(name) != "eml" {
			t.Fatalf("%s: copy is not valid UTF-8", name)
		}
		if got := bytes.Count(c, []byte("\n")); got != lines {
			t.Fatalf("%s: copy has %d lines, source %d", name, got, lines)
		}
		for i, w := range regionWidths(t, name, c) {
			if i < len(width) && w > width[i] && width[i] <= 100 {
				t.Fatalf("%s: region %d of a copy has a line %d wide, the source's widest is %d", name, i, w, width[i])
			}
		}
		got := canonicalRegions(t, name, c)
		if len(got) != len(want) {
			t.Fatalf("%s: copy has %d regions, source %d", name, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: region %d canonicalizes differently:\n%s", name, i, firstDiff(want[i], got[i]))
			}
		}
		if len(set.Points) >= 32 {
			if seen[string(c)] {
				t.Fatalf("%s: two random copies are identical", name)
			}
			seen[string(c)] = true
		}
	}
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-60)
	return fmt.Sprintf("source: …%s…\ncopy:   …%s…", a[lo:min(len(a), i+60)], b[lo:min(len(b), i+60)])
}

// TestCopiesCanonicalizeLikeSource is the core property: on real text,
// every copy canonicalizes to the source's tokens, keeps its lines, and is
// valid UTF-8, and different copies differ.
func TestCopiesCanonicalizeLikeSource(t *testing.T) {
	memos := corpus.RequireMemos(t, 40, 800, 1)
	rng := rand.New(rand.NewPCG(2, 3))
	for i, m := range memos {
		checkCopies(t, fmt.Sprintf("memo%d.txt", i), []byte(m), 5, rng)
	}
	emails := corpus.RequireFiles(t, "email")
	for i := 0; i < len(emails); i += 25 {
		b, err := os.ReadFile(emails[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := format.Parse("x.eml", b); err != nil {
			continue // not every corpus file is a usable email
		}
		checkCopies(t, filepath.Base(emails[i])+".eml", b, 3, rng)
	}
}

func TestProtectedTextIsNeverMarked(t *testing.T) {
	src := "The staff's report is at https://www.federalreserve.gov/monetarypolicy/fomc.htm and\n" +
		"questions go to press@example.org today. Run `go test ./...` or see file.txt now.\n" +
		"The commit 9f86d081884c7d659a2feaa0c55ad015 fixed reader r0042's copy, says \"the staff\".\n" +
		"    indented code line with spaces\n" +
		"$ leaktrace issue memo r0042 -o out.txt\n" +
		"The committee's members said the snake_case and camelCase names were fine.\n"
	doc, err := format.Parse("p.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	rng := rand.New(rand.NewPCG(1, 1))
	for k := 0; k < 20; k++ {
		c, _ := randomCopy(t, set, rng)
		for _, keep := range []string{
			"https://www.federalreserve.gov/monetarypolicy/fomc.htm and", "press@example.org today",
			"`go test ./...` or", "file.txt now", "9f86d081884c7d659a2feaa0c55ad015 fixed", "r0042's",
			"    indented code line with spaces\n", "$ leaktrace issue memo r0042 -o out.txt\n",
			"snake_case and camelCase names",
		} {
			if !strings.Contains(string(c), keep) {
				t.Errorf("copy changed protected text %q:\n%s", keep, c)
			}
		}
	}
	if len(set.Points) == 0 {
		t.Fatal("no points found in the prose around the protected text")
	}
}

func TestMarkdownSyntaxIsNeverMarked(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/guide.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := format.Parse("guide.md", src)
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	rng := rand.New(rand.NewPCG(7, 7))
	srcLines := strings.Split(string(src), "\n")
	for k := 0; k < 20; k++ {
		c, _ := randomCopy(t, set, rng)
		lines := strings.Split(string(c), "\n")
		inFence := false
		for i, l := range srcLines {
			fence := strings.HasPrefix(l, "```")
			// Front matter, fenced code, indented code and link
			// definitions stay byte-identical.
			if i < 4 || inFence || fence || strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "[") {
				if lines[i] != l {
					t.Fatalf("line %d changed:\n%q\n%q", i+1, l, lines[i])
				}
			}
			if fence {
				inFence = !inFence
			}
		}
		for _, keep := range []string{"`issue --all`", "(https://www.federalreserve.gov/monetarypolicy.htm \"FOMC minutes\")", "<https://www.federalreserve.gov/>", "![chart of the yield curve](chart.png)", "<span title=\"staff's view\">"} {
			if !strings.Contains(string(c), keep) {
				t.Errorf("copy changed %q", keep)
			}
		}
	}
	checkCopies(t, "guide.md", src, 10, rng)
}

// TestGolden pins which points every catalogue version finds in a few
// documents: testdata/golden/NAME.vN.points. A frozen version's file never
// changes (documents registered under it must keep issuing the same
// copies); only the latest version's is regenerated, with: go test
// ./internal/marks -run TestGolden -update
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/golden/*.*")
	for _, in := range inputs {
		if strings.HasSuffix(in, ".points") {
			continue
		}
		for v := lexicon.V1; v <= lexicon.Latest; v++ {
			t.Run(fmt.Sprintf("%s/v%d", filepath.Base(in), v), func(t *testing.T) {
				src, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := format.Parse(in, src)
				if err != nil {
					t.Fatal(err)
				}
				got := describe(marks.FindWith(doc, marks.Options{Catalogue: v}))
				golden := fmt.Sprintf("%s.v%d.points", in, v)
				if *update && v == lexicon.Latest {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create the latest version's)", err)
				}
				if got != string(want) {
					t.Errorf("points of %s under catalogue %d changed; diff %s against the output of -update:\n%s", in, v, golden, firstDiff(string(want), got))
				}
			})
		}
	}
}

// describe lists the points of a set, one a line, with line:column of the
// source rendering and the variants quoted.
func describe(set *marks.Set) string {
	var b strings.Builder
	regions := set.Doc.Regions()
	fmt.Fprintf(&b, "# %d words, %d points: %v\n", set.Words, len(set.Points), set.ByChannel())
	for _, p := range set.Points {
		text := regions[p.Region].Text
		line := strings.Count(text[:p.Start], "\n") + 1
		col := p.Start - strings.LastIndex(text[:p.Start], "\n")
		lo, hi := max(0, p.Start-12), min(len(text), p.End+12)
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		ctx := strings.ReplaceAll(text[lo:p.Start]+"‸"+text[p.End:hi], "\n", "⏎")
		fmt.Fprintf(&b, "r%d %d:%d %s %s %q orig=%d  …%s…\n", p.Region, line, col, p.Channel, p.Kind, p.Variants, p.Orig, ctx)
	}
	return b.String()
}

// TestDensity reports points per word in each channel on the corpus (a
// fifth of it; -density.full for all of it).
func TestDensity(t *testing.T) {
	corpus.Require(t)
	type tally struct {
		words, docs int
		by          map[marks.Channel]int
	}
	measure := func(name string, docs [][]byte, names []string) tally {
		tl := tally{by: map[marks.Channel]int{}}
		for i, d := range docs {
			doc, err := format.Parse(names[i], d)
			if err != nil {
				continue
			}
			set := marks.Find(doc)
			tl.words += set.Words
			tl.docs++
			for ch, n := range set.ByChannel() {
				tl.by[ch] += n
			}
		}
		t.Logf("%-7s %4d docs %8d words: typographic %.3f/word (1 per %.1f), lexical %.3f/word (1 per %.1f)",
			name, tl.docs, tl.words,
			float64(tl.by[marks.Typographic])/float64(tl.words), float64(tl.words)/float64(max(1, tl.by[marks.Typographic])),
			float64(tl.by[marks.Lexical])/float64(tl.words), float64(tl.words)/float64(max(1, tl.by[marks.Lexical])))
		return tl
	}
	load := func(sub string, ext string, every int) ([][]byte, []string) {
		var ds [][]byte
		var ns []string
		for i, f := range corpus.Files(sub) {
			if i%every != 0 {
				continue
			}
			b, err := os.ReadFile(f)
			if err == nil {
				ds = append(ds, b)
				ns = append(ns, filepath.Base(f)+ext)
			}
		}
		return ds, ns
	}
	every := 5
	if *fullDensity {
		every = 1
	}
	for _, c := range []struct{ sub, ext string }{{"fomc", ".txt"}, {"sotu", ".txt"}, {"email", ".eml"}} {
		ds, ns := load(c.sub, c.ext, every)
		tl := measure(c.sub, ds, ns)
		if c.sub != "email" && tl.by[marks.Typographic]*10 < tl.words*9 {
			t.Errorf("%s: typographic density %.2f/word, want about one per word", c.sub, float64(tl.by[marks.Typographic])/float64(tl.words))
		}
	}
}

// TestChannelsStayWithTheirPoints: where a lexical point and a zero-width
// insertion start at the same offset ("2 percent": the insertion before
// the space, the lexical point " percent" ↔ "%"), each keeps its own
// channel and kind.
func TestChannelsStayWithTheirPoints(t *testing.T) {
	src := "The Committee's goal is inflation of 2 percent over the longer run, as noted.\n"
	doc, err := format.Parse("a.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range marks.Find(doc).Points {
		zw := false
		for _, v := range p.Variants {
			if strings.ContainsAny(v, "\u200B\u200C\u200D\u2060") {
				zw = true
			}
		}
		space := p.Kind == "space" && p.Channel == marks.Typographic
		if zw != space {
			t.Errorf("point %d:%d (%s, %s) has variants %q", p.Start, p.End, p.Channel, p.Kind, p.Variants)
		}
	}
}

// TestJoinersOnlyWhereShapingIsSafe: after an Arabic or Devanagari letter
// a zero-width joiner or non-joiner would change the letter's form, so
// space points there use only ZWSP and WJ.
func TestJoinersOnlyWhereShapingIsSafe(t *testing.T) {
	for _, c := range []struct {
		text    string
		joiners bool
	}{
		{"The committee met today.\n", true},
		{"Η επιτροπή συνεδρίασε σήμερα.\n", true},
		{"اجتمعت اللجنة اليوم صباحا.\n", false},
		{"समिति की बैठक आज हुई थी.\n", false},
	} {
		doc, err := format.Parse("a.txt", []byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		set := marks.Find(doc)
		if len(set.Points) == 0 {
			t.Fatalf("%q: no points", c.text)
		}
		for _, p := range set.Points {
			if p.Kind != "space" {
				continue
			}
			has := false
			for _, v := range p.Variants {
				has = has || strings.ContainsAny(v, "\u200C\u200D")
			}
			if has != c.joiners {
				t.Errorf("%q: space point variants %q, joiners wanted: %v", c.text, p.Variants, c.joiners)
			}
		}
	}
}

// TestNoMarkInsideAWordAfterALexicalVariant: where a lexical variant
// removes a space ("2 percent" → "2%"), no zero-width character may end
// up between the two halves.
func TestNoMarkInsideAWordAfterALexicalVariant(t *testing.T) {
	src := "Inflation was 2 percent in June and 3 percent in July, the staff said.\n"
	doc, err := format.Parse("a.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	rng := rand.New(rand.NewPCG(4, 4))
	for k := 0; k < 200; k++ {
		c, _ := randomCopy(t, set, rng)
		for _, tok := range strings.Fields(string(c)) {
			trimmed := strings.TrimRight(tok, marks.ZeroWidth)
			if strings.ContainsAny(trimmed, marks.ZeroWidth) {
				t.Fatalf("zero-width character inside %q in %q", tok, c)
			}
		}
	}
}
