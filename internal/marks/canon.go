package marks

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/lexicon"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// Normalize folds the typographic channel away: NFKC, format characters
// (zero-width and the like) removed, case folded, curly quotes and
// apostrophes straightened, dashes made hyphens.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r):
			return -1
		case r == '\u2018' || r == '\u2019' || r == '\u201A' || r == '\u201B' || r == '\u2032':
			return '\''
		case r == '\u201C' || r == '\u201D' || r == '\u201E' || r == '\u201F' || r == '\u2033':
			return '"'
		case r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2015' || r == '\u2212':
			return '-'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	return folder.String(s)
}

// Token is a canonical word token with the byte span of raw text it came
// from.
type Token struct {
	Text       string // canonical form: NFKC, case folded, format characters removed
	Start, End int    // raw byte span; End excludes format characters after the word
}

// Spans splits raw text into canonical word tokens: runs of letters and
// digits. Format characters (zero-width and the like) inside a word are
// skipped, an apostrophe between letters stays inside the word (don't), a
// comma between a digit and exactly three digits is dropped (1,000 →
// 1000), a point between digits stays (2.5), and % is the word "percent".
// Everything else separates tokens and is dropped.
func Spans(raw string) []Token {
	type rr struct {
		r    rune
		at   int
		size int
	}
	rs := make([]rr, 0, len(raw))
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRuneInString(raw[i:]) // an invalid byte is RuneError of width 1
		rs = append(rs, rr{r, i, n})
		i += n
	}
	isAlnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	isCf := func(r rune) bool { return unicode.Is(unicode.Cf, r) }
	// neighbour returns the nearest rune before (dir -1) or after (+1)
	// index i that is not a format character.
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
			// transparent inside a word; not part of its span at the end
		case isApostrophe(r) && start >= 0 && unicode.IsLetter(neighbour(i, -1)) && unicode.IsLetter(neighbour(i, +1)):
			cur.WriteByte('\'')
		case r == '.' && start >= 0 && digitAt(i-1) && digitAt(i+1):
			cur.WriteByte('.')
		case r == ',' && start >= 0 && digitAt(i-1) && digitAt(i+1) && digitAt(i+2) && digitAt(i+3) && !digitAt(i+4):
			// thousands separator: dropped, the digits run on
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

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u02BC' || r == '\u2032'
}

// Tokens returns the texts of [Spans].
func Tokens(s string) []string {
	sp := Spans(s)
	out := make([]string, len(sp))
	for i, t := range sp {
		out[i] = t.Text
	}
	return out
}

// Canonical returns the canonical token sequence of text: every rendering
// of every variation point folds to the same sequence, so the original, all
// copies, and a retyped or normalized excerpt index alike.
func Canonical(text string) []string {
	return lexicon.Fold(Tokens(text))
}
