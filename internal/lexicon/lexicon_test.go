package lexicon_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// corpusFiles returns the files of one corpus folder in name order, or
// ends the test when the corpus is absent (see corpus.Missing).
func corpusFiles(t testing.TB, name string) []string {
	t.Helper()
	return corpus.RequireFiles(t, name)
}

// readText returns a corpus file's prose: for an email, the body after
// the first blank line.
func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(filepath.ToSlash(path), "/email/") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		if i := strings.Index(s, "\n\n"); i >= 0 {
			s = s[i+2:]
		}
	}
	return s
}

// sample picks n files of a corpus folder with a fixed seed.
func sample(t testing.TB, name string, n int, rng *rand.Rand) []string {
	files := corpusFiles(t, name)
	rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	if n < len(files) {
		files = files[:n]
	}
	return files
}

// canonical is the canonical token sequence marks indexes.
func canonical(s string) []string {
	return lexicon.Fold(marks.Tokens(marks.Normalize(s)))
}

// checkCandidates verifies the structural contract of Find's output.
func checkCandidates(t testing.TB, text string, cs []lexicon.Candidate) {
	t.Helper()
	end := 0
	for i, c := range cs {
		if c.Start < end || c.Start > c.End || c.End > len(text) {
			t.Fatalf("candidate %d [%d,%d) %s out of order or range (previous end %d)", i, c.Start, c.End, c.Kind, end)
		}
		if c.Start == c.End && i > 0 && cs[i-1].End == c.Start && cs[i-1].Start == c.Start {
			t.Fatalf("candidate %d: two insertions at %d", i, c.Start)
		}
		end = c.End
		if c.Orig < 0 || c.Orig >= len(c.Variants) || c.Variants[c.Orig] != text[c.Start:c.End] {
			t.Fatalf("candidate %d %s: Variants[Orig] %q != text %q", i, c.Kind, c.Variants, text[c.Start:c.End])
		}
		if len(c.Variants) < 2 || c.Kind == "" {
			t.Fatalf("candidate %d: %d variants, kind %q", i, len(c.Variants), c.Kind)
		}
		for _, v := range c.Variants {
			if strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
				t.Fatalf("candidate %d %s: bad variant %q", i, c.Kind, v)
			}
		}
		if !utf8.ValidString(text[:c.Start]) && utf8.ValidString(text) {
			t.Fatalf("candidate %d %s splits a rune at %d", i, c.Kind, c.Start)
		}
	}
}

// render returns text with variant choice[i] at candidate i.
func render(text string, cs []lexicon.Candidate, choice []int) string {
	var b strings.Builder
	at := 0
	for i, c := range cs {
		b.WriteString(text[at:c.Start])
		b.WriteString(c.Variants[choice[i]])
		at = c.End
	}
	b.WriteString(text[at:])
	return b.String()
}

// checkCopies renders random copies and checks the key invariant; on a
// mismatch it finds the candidate responsible by applying each alone.
func checkCopies(t testing.TB, name, text string, cs []lexicon.Candidate, rng *rand.Rand, copies int) {
	t.Helper()
	want := canonical(text)
	choice := make([]int, len(cs))
	for n := 0; n < copies; n++ {
		for i, c := range cs {
			choice[i] = rng.Intn(len(c.Variants))
		}
		cp := render(text, cs, choice)
		if utf8.ValidString(text) && !utf8.ValidString(cp) {
			t.Fatalf("%s: copy is not valid UTF-8", name)
		}
		if slices.Equal(canonical(cp), want) {
			continue
		}
		t.Errorf("%s: canonical form of a copy differs from the source", name)
		for i, c := range cs {
			for v := range c.Variants {
				one := make([]int, len(cs))
				for j := range one {
					one[j] = cs[j].Orig
				}
				one[i] = v
				if !slices.Equal(canonical(render(text, cs, one)), want) {
					t.Errorf("  culprit alone: %s %q → %q in %q", c.Kind, c.Variants[c.Orig], c.Variants[v], context(text, c.Start, c.End))
				}
			}
		}
		t.Errorf("  tokens: %s", diffTokens(want, canonical(cp)))
		return
	}
}

func context(text string, start, end int) string {
	a, b := max(0, start-50), min(len(text), end+50)
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	return text[a:start] + "[[" + text[start:end] + "]]" + text[end:b]
}

func diffTokens(a, b []string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-5)
	return fmt.Sprintf("at %d: source %q, copy %q", i, a[lo:min(len(a), i+5)], b[lo:min(len(b), i+5)])
}

// styled forces every style-dependent family on, as a document that
// contracts and uses the dated compounds would.
var styled = []string{"We don't know, and they can't say. See the e-mail, the on-line web site, co-operate, co-ordinate.", bothStyles}

// TestCopiesFoldToSource is the key invariant on real text: for random
// variant choices at all candidates at once, the copy's canonical tokens
// equal the source's. It also checks the structure of every candidate.
// Texts are also run in a mutated form (curly apostrophes and quotes,
// zero-width characters inside and between words) and with the
// style-dependent families forced on.
func TestCopiesFoldToSource(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var files []string
	files = append(files, sample(t, "fomc", 20, rng)...)
	files = append(files, sample(t, "sotu", 20, rng)...)
	files = append(files, sample(t, "email", 200, rng)...)
	points := 0
	for _, path := range files {
		text := excerpt(readText(t, path), 2500, rng)
		for variant, src := range []string{text, mutate(text, rng)} {
			name := fmt.Sprintf("%s#%d", filepath.Base(path), variant)
			for _, texts := range [][]string{{src}, append([]string{src}, styled...)} {
				cs := lexicon.NewFinder(texts, lexicon.Latest).Find(src)
				points += len(cs)
				checkCandidates(t, src, cs)
				checkCopies(t, name, src, cs, rng, 2)
			}
		}
	}
	if points == 0 {
		t.Fatal("no candidates at all")
	}
}

// excerpt returns a memo-sized stretch of about n words of text, cut at
// sentence ends, or all of a shorter text.
func excerpt(text string, n int, rng *rand.Rand) string {
	if len(text) < n*8 {
		return text
	}
	size := n * 6
	a := rng.Intn(len(text) - size)
	if i := strings.Index(text[a:], ". "); i >= 0 {
		a += i + 2
	}
	b := min(len(text), a+size)
	if i := strings.LastIndex(text[a:b], ". "); i > 0 {
		b = a + i + 1
	}
	return text[a:b]
}

// mutate returns text with the typographic noise a pasted document
// carries: curly apostrophes and quotes, zero-width characters at random
// places (inside words too), non-breaking spaces.
func mutate(text string, rng *rand.Rand) string {
	var b strings.Builder
	zw := []string{"\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF"}
	for _, r := range text {
		switch {
		case r == '\'' && rng.Intn(2) == 0:
			b.WriteRune('\u2019')
		case r == '"' && rng.Intn(2) == 0:
			b.WriteRune('\u201C')
		case r == ' ' && rng.Intn(40) == 0:
			b.WriteRune('\u00A0')
		default:
			b.WriteRune(r)
		}
		if rng.Intn(60) == 0 {
			b.WriteString(zw[rng.Intn(len(zw))])
		}
	}
	return b.String()
}

// TestFoldRobustOnExcerpts checks that Fold does not depend on where an
// excerpt starts or ends: the canonical tokens of an excerpt cut at word
// boundaries match the corresponding stretch of the whole text's
// canonical tokens, away from the cut.
func TestFoldRobustOnExcerpts(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, path := range sample(t, "fomc", 5, rng) {
		toks := marks.Tokens(marks.Normalize(readText(t, path)))
		whole := strings.Join(lexicon.Fold(toks), " ")
		for n := 0; n < 50; n++ {
			a := rng.Intn(len(toks) - 60)
			b := a + 20 + rng.Intn(40)
			ex := lexicon.Fold(toks[a:b])
			// Drop a margin of 3 tokens at both cuts; the inside must
			// appear in the whole text's folded form.
			if len(ex) <= 6 {
				continue
			}
			inner := strings.Join(ex[3:len(ex)-3], " ")
			if !strings.Contains(whole, inner) {
				t.Errorf("%s: folded excerpt %q not inside folded whole", filepath.Base(path), inner)
			}
		}
	}
}
