package marks

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"golang.org/x/text/unicode/norm"
)

// spansReference is the tokenizer as first written: it decodes every rune
// of raw into a slice and looks at neighbours by rune index. Spans walks
// the text without that slice (it cost 24 bytes per rune of a document);
// the tests below hold it to exactly this output.
func spansReference(raw string) []Token {
	type rr struct {
		r    rune
		at   int
		size int
	}
	rs := make([]rr, 0, len(raw))
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRuneInString(raw[i:])
		rs = append(rs, rr{r, i, n})
		i += n
	}
	isAlnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	isCf := func(r rune) bool { return unicode.Is(unicode.Cf, r) }
	neighbour := func(i, dir int) rune {
		for j := i + dir; j >= 0 && j < len(rs); j += dir {
			if !isCf(rs[j].r) {
				return rs[j].r
			}
		}
		return -1
	}
	digitAt := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i].r) }
	var out []Token
	var cur strings.Builder
	start, end := -1, -1
	flush := func() {
		if start >= 0 {
			out = append(out, Token{Text: folder.String(norm.NFKC.String(cur.String())), Start: start, End: end})
		}
		cur.Reset()
		start, end = -1, -1
	}
	for i, c := range rs {
		r := c.r
		switch {
		case isAlnum(r):
			if start < 0 {
				start = c.at
			}
			cur.WriteRune(r)
			end = c.at + c.size
		case isCf(r) && start >= 0:
		case isApostrophe(r) && start >= 0 && unicode.IsLetter(neighbour(i, -1)) && unicode.IsLetter(neighbour(i, +1)):
			cur.WriteByte('\'')
		case r == '.' && start >= 0 && digitAt(i-1) && digitAt(i+1):
			cur.WriteByte('.')
		case r == ',' && start >= 0 && digitAt(i-1) && digitAt(i+1) && digitAt(i+2) && digitAt(i+3) && !digitAt(i+4):
		case r == '%' || r == '\uFF05':
			flush()
			out = append(out, Token{Text: "percent", Start: c.at, End: c.at + c.size})
		default:
			flush()
		}
	}
	flush()
	return out
}

// spansSeeds are texts at the tokenizer's edges: format characters around
// apostrophes and digits, invalid bytes next to multi-byte runes, case,
// NFKC, thousands separators and percent signs.
var spansSeeds = []string{
	"Don't stop: 1,000 or 1,0000 or 12,345,678 and 2.5% (3\uFF05).",
	"O\u200B'\u200DReilly it\u2019s \u2018quoted\u2019 rock'n'roll 'tis",
	"A\u200B1,\u200B000 1\u200B,000 1,00\u200B0 1.\u200B5 .5 5. 1..2",
	"caf\u00E9 CAF\u00C9 \uFB01ne \u2460 \u00BD STRASSE Stra\u00DFe \u212Aelvin",
	"bad \xe2\x80 bytes \xff\xfe'\xc3\xa9'x \xe2\x28\xa1 \xc3\xa9\x80 d\xe2\x80\x99t",
	"\u200Bzero-width\u200C\u200D\u2060 only\u200B \u200B",
	"'x' x' 'x a'\u200B b 9'9 \u00E9'\u00E9 1,2345 1,234,5",
	"",
}

func TestSpansMatchesReference(t *testing.T) {
	texts := append([]string(nil), spansSeeds...)
	files, err := filepath.Glob("testdata/golden/*.*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	// The corpus, when present, adds real text of every kind.
	for _, sub := range []string{"email", "fomc", "sotu"} {
		all := corpus.Files(sub)
		for i := 0; i < len(all); i += max(1, len(all)/10) {
			files = append(files, all[i])
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for i, s := range texts {
		got, want := Spans(s), spansReference(s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("text %d: Spans differs from the reference", i)
		}
		if n := countTokens(s); n != len(want) {
			t.Fatalf("text %d: countTokens = %d, want %d", i, n, len(want))
		}
	}
}

func FuzzSpans(f *testing.F) {
	for _, s := range spansSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := Spans(s), spansReference(s)
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Spans(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestTouchesAnyMatchesScan: touchesAny over the union of spans answers
// as a scan of every span does, for spans in any order, empty, touching,
// overlapping or nested.
func TestTouchesAnyMatchesScan(t *testing.T) {
	scan := func(spans []format.Span, start, end int) bool {
		for _, s := range spans {
			if s.Start <= end && start <= s.End {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 5000; trial++ {
		var spans []format.Span
		for n := rng.IntN(8); n > 0; n-- {
			at := rng.IntN(30)
			spans = append(spans, format.Span{Start: at, End: at + rng.IntN(6)})
		}
		orig := append([]format.Span(nil), spans...)
		union := format.Unite(spans)
		for start := 0; start < 40; start++ {
			end := start + rng.IntN(3)
			if got, want := touchesAny(union, start, end), scan(orig, start, end); got != want {
				t.Fatalf("spans %v: touches [%d, %d] = %v, want %v", orig, start, end, got, want)
			}
		}
	}
}
