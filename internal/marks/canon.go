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
	var out []Token
	if len(raw) > 1<<16 {
		// A long text is counted first, so that its tokens take one
		// exact allocation instead of a run of doublings.
		out = make([]Token, 0, countTokens(raw))
	}
	scanTokens(raw, func(word []byte, start, end int) {
		out = append(out, Token{Text: canonicalWord(raw, word, start, end), Start: start, End: end})
	})
	return out
}

// countTokens returns len(Spans(raw)) without building the tokens.
func countTokens(raw string) int {
	n := 0
	scanTokens(raw, func([]byte, int, int) { n++ })
	return n
}

// canonicalWord returns the canonical form of a token whose kept runes are
// word and whose raw span is raw[start:end]. Plain ASCII needs neither
// NFKC nor full case folding, only lower case; a lower-case token that
// kept every byte of its span is that span itself.
func canonicalWord(raw string, word []byte, start, end int) string {
	lower := true
	for _, c := range word {
		if c >= utf8.RuneSelf {
			return folder.String(norm.NFKC.String(string(word)))
		}
		if 'A' <= c && c <= 'Z' {
			lower = false
		}
	}
	if lower && len(word) == end-start {
		// The kept runes only ever drop or shorten raw bytes, so equal
		// lengths mean equal bytes.
		return raw[start:end]
	}
	b := make([]byte, len(word))
	for i, c := range word {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}

// scanTokens calls emit for every token of raw (see [Spans]) with the
// token's kept runes, not yet canonical, and its raw byte span. word is
// reused between calls. "percent" tokens come with word "percent".
func scanTokens(raw string, emit func(word []byte, start, end int)) {
	isAlnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	isCf := func(r rune) bool { return unicode.Is(unicode.Cf, r) }
	// The runes around offset at are decoded where needed: decoding
	// backwards from a rune boundary splits invalid bytes exactly as
	// decoding forwards does (each is a RuneError of width one).
	//
	// before returns the nearest rune ending at or before at that is
	// not a format character, or -1.
	before := func(at int) rune {
		for at > 0 {
			r, n := utf8.DecodeLastRuneInString(raw[:at])
			if !isCf(r) {
				return r
			}
			at -= n
		}
		return -1
	}
	// after returns the nearest rune starting at or after at that is not
	// a format character, or -1.
	after := func(at int) rune {
		for at < len(raw) {
			r, n := utf8.DecodeRuneInString(raw[at:])
			if !isCf(r) {
				return r
			}
			at += n
		}
		return -1
	}
	digitBefore := func(at int) bool {
		if at == 0 {
			return false
		}
		r, _ := utf8.DecodeLastRuneInString(raw[:at])
		return unicode.IsDigit(r)
	}
	// digitsAfter reports whether the k runes starting at at are digits.
	digitsAfter := func(at, k int) bool {
		for ; k > 0; k-- {
			if at >= len(raw) {
				return false
			}
			r, n := utf8.DecodeRuneInString(raw[at:])
			if !unicode.IsDigit(r) {
				return false
			}
			at += n
		}
		return true
	}
	var cur []byte
	start, end := -1, -1
	flush := func() {
		if start >= 0 {
			emit(cur, start, end)
		}
		cur = cur[:0]
		start, end = -1, -1
	}
	percent := []byte("percent")
	for at := 0; at < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[at:]) // an invalid byte is RuneError of width 1
		next := at + size
		switch {
		case isAlnum(r):
			if start < 0 {
				start = at
			}
			cur = utf8.AppendRune(cur, r)
			end = next
		case isCf(r) && start >= 0:
			// transparent inside a word; not part of its span at the end
		case isApostrophe(r) && start >= 0 && unicode.IsLetter(before(at)) && unicode.IsLetter(after(next)):
			cur = append(cur, '\'')
		case r == '.' && start >= 0 && digitBefore(at) && digitsAfter(next, 1):
			cur = append(cur, '.')
		case r == ',' && start >= 0 && digitBefore(at) && digitsAfter(next, 3) && !digitsAfter(next, 4):
			// thousands separator: dropped, the digits run on
		case r == '%' || r == '\uFF05':
			flush()
			emit(percent, at, next)
		default:
			flush()
		}
		at = next
	}
	flush()
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
