package lexicon

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is one word of a text as Find sees it.
//
// Find must agree with the canonical tokenizer (marks.Tokens after
// marks.Normalize) about where words begin and end, or a replacement could
// merge with, or split, a neighbouring token. The scanner therefore never
// splits where the tokenizer might join: letters, digits, marks, format
// characters (zero-width and the like, which Normalize deletes) and every
// non-ASCII rune it does not positively know to be a separator all count as
// word runes, and an apostrophe between letters stays inside the word.
// Words that are not plain ASCII get an empty low form and so match no
// table entry: exotic text yields fewer candidates, never wrong ones.
type word struct {
	start, end int
	// low is the word lowercased, curly apostrophes straightened, when the
	// word is plain ASCII letters, digits and apostrophes; "" otherwise.
	low   string
	cap   bool // first letter upper case
	upper bool // at least two letters, all upper case
	alpha bool // ASCII letters only (apostrophes allowed)
	num   bool // ASCII digits only
}

// isApostrophe reports whether r is one of the runes Normalize turns into
// an ASCII apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201A', '\u201B', '\u2032':
		return true
	}
	return false
}

// isSep reports whether r separates words for certain, before and after
// normalization: ASCII punctuation and spaces, Unicode spaces, dashes,
// quotation marks and the ellipsis, none of which NFKC turns into a letter
// or digit.
func isSep(r rune) bool {
	if r < utf8.RuneSelf {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	switch {
	case unicode.IsSpace(r):
		return true
	case r >= 0x2010 && r <= 0x2015, r >= 0x2018 && r <= 0x201F, r == 0x2026, r == 0xAB, r == 0xBB:
		return true
	}
	return false
}

// scan splits text into words. See word for the rules.
func scan(text string, ws []word) []word {
	ws = ws[:0]
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isSep(r) {
			i += n
			continue
		}
		start := i
		i += n
		prevLetter := isLetterish(r)
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if unicode.Is(unicode.Cf, r) {
				i += n
				continue
			}
			if !isSep(r) {
				prevLetter = isLetterish(r)
				i += n
				continue
			}
			if isApostrophe(r) && prevLetter && letterAfter(text, i+n) {
				i += n
				continue
			}
			break
		}
		ws = append(ws, makeWord(text, start, i))
	}
	return ws
}

// isLetterish is true for letters and for the opaque non-ASCII runes the
// scanner keeps inside words (they might normalize to letters).
func isLetterish(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return !unicode.IsDigit(r)
}

// letterAfter reports whether the first rune at or after i, skipping
// format characters, is letterish.
func letterAfter(text string, i int) bool {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.Is(unicode.Cf, r) {
			i += n
			continue
		}
		return !isSep(r) && isLetterish(r)
	}
	return false
}

func makeWord(text string, start, end int) word {
	w := word{start: start, end: end, alpha: true, num: true}
	s := text[start:end]
	// Fast path, the common case: lower-case ASCII letters or digits
	// only, so the low form is the text itself.
	fast := true
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z':
			w.num = false
		case '0' <= c && c <= '9':
			w.alpha = false
		default:
			fast = false
		}
		if !fast {
			break
		}
	}
	if fast {
		w.low = s
		return w
	}
	w.alpha, w.num = true, true
	var b strings.Builder
	letters, uppers := 0, 0
	plain := true
	for j, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			w.num = false
			letters++
			b.WriteRune(r)
		case 'A' <= r && r <= 'Z':
			w.num = false
			if letters == 0 {
				w.cap = true
			}
			letters++
			uppers++
			b.WriteRune(r + 'a' - 'A')
		case '0' <= r && r <= '9':
			w.alpha = false
			b.WriteRune(r)
		case isApostrophe(r) && j > 0:
			w.num = false
			b.WriteByte('\'')
		default:
			plain = false
		}
	}
	if !plain {
		w.alpha, w.num = false, false
		return w
	}
	w.low = b.String()
	w.upper = letters >= 2 && uppers == letters
	return w
}
