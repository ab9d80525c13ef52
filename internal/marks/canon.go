package marks

import (
	"strings"
	"unicode"

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

// Tokens splits normalized text into canonical word tokens: runs of
// letters and digits. An apostrophe between letters stays inside the word
// (don't), a comma between a digit and exactly three digits is dropped
// (1,000 → 1000), a point between digits stays (2.5), and % is the word
// "percent". Everything else separates tokens and is dropped.
func Tokens(s string) []string {
	rs := []rune(s)
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	alnum := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || unicode.Is(unicode.Mn, rs[i]))
	}
	digit := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i]) }
	for i, r := range rs {
		switch {
		case alnum(i):
			cur = append(cur, r)
		case r == '\'' && len(cur) > 0 && unicode.IsLetter(rs[i-1]) && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			cur = append(cur, r)
		case r == '.' && len(cur) > 0 && digit(i-1) && digit(i+1):
			cur = append(cur, r)
		case r == ',' && len(cur) > 0 && digit(i-1) && digit(i+1) && digit(i+2) && digit(i+3) && !digit(i+4):
			// thousands separator: dropped, the digits run on
		case r == '%':
			flush()
			out = append(out, "percent")
		default:
			flush()
		}
	}
	flush()
	return out
}

// Canonical returns the canonical token sequence of text: every rendering
// of every variation point folds to the same sequence, so the original, all
// copies, and a retyped or normalized excerpt index alike.
func Canonical(text string) []string {
	return lexicon.Fold(Tokens(Normalize(text)))
}
