package marks

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// ZeroWidth lists the zero-width characters space points use: zero-width
// space, non-joiner, joiner and word joiner.
const ZeroWidth = "\u200B\u200C\u200D\u2060"

// spaceVariants are a space point's renderings: nothing, one zero-width
// character, or two different ones, immediately before the inter-word
// space. They attach to the end of the preceding word, never inside it,
// and sit at an existing break opportunity, so they change neither what a
// reader sees nor where lines wrap. Seventeen renderings carry up to four
// bits a word, so a short paste already names its reader.
var spaceVariants = zeroWidthRenderings(ZeroWidth)

// nonJoiningVariants are used after letters of scripts that join or form
// conjuncts (Arabic, Devanagari…), where the joiners ZWJ and ZWNJ would
// change how the letter before them is drawn: only ZWSP and WJ, which
// never affect shaping.
var nonJoiningVariants = zeroWidthRenderings("\u200B\u2060")

// eolVariants are an eol-space point's renderings.
var eolVariants = []string{"", " "}

func zeroWidthRenderings(chars string) []string {
	vs := []string{""}
	for _, a := range chars {
		vs = append(vs, string(a))
	}
	for _, a := range chars {
		for _, b := range chars {
			if a != b {
				vs = append(vs, string(a)+string(b))
			}
		}
	}
	return vs
}

// shapingSafe reports whether a joiner after r leaves r's glyph alone: r
// belongs to a script whose letters never join or form conjuncts.
func shapingSafe(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) ||
		unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Armenian, unicode.Georgian, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

type typoCand struct {
	format.Candidate
	kind string
}

// typographic finds the typographic points of text. eol enables points at
// line ends (an optional trailing space), which formats where trailing
// spaces mean something (Markdown) turn off.
func typographic(text string, prot *protection, eol bool, style quoteStyle) []typoCand {
	// Room for a point at every space, line end and quote: a few too
	// many beats growing a slice of a million candidates by doubling.
	n := strings.Count(text, " ") + strings.Count(text, "\n") + strings.Count(text, "'") + strings.Count(text, `"`) +
		strings.Count(text, "\u2019") + strings.Count(text, "\u201C") + strings.Count(text, "\u201D") + strings.Count(text, "\u2026") + strings.Count(text, "...")
	out := make([]typoCand, 0, n)
	prev := func(i int) rune { r, _ := utf8.DecodeLastRuneInString(text[:i]); return r }
	next := func(i int) rune { r, _ := utf8.DecodeRuneInString(text[i:]); return r }
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' && eol:
			end := i
			if end > 0 && text[end-1] == '\r' {
				end--
			}
			if end > 0 && wordEdge(text[:end], true) && !prot.overlaps(end-1, end) {
				// An invisible trailing space: the only typographic
				// variant that 7-bit ASCII text, such as most email,
				// can carry.
				out = append(out, typoCand{format.Candidate{Start: end, End: end, Variants: eolVariants[:2:2]}, "eol-space"})
			}
		case r == ' ':
			j := i
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if i > 0 && j < len(text) && spaceBetweenWords(text, i, j) && !prot.overlaps(i-1, j+1) {
				// The point is the empty string just before the spaces.
				base := spaceVariants
				if !shapingSafe(prev(i)) {
					base = nonJoiningVariants
				}
				// Every space point shares its variants: they are never
				// changed in place, and a full slice expression makes
				// an append copy them.
				out = append(out, typoCand{format.Candidate{Start: i, End: i, Variants: base[:len(base):len(base)]}, "space"})
			}
			i = j
			continue
		case (r == '\'' || r == '\u2019') && style.apostrophes:
			if i > 0 && i+n < len(text) && unicode.IsLetter(prev(i)) && unicode.IsLetter(next(i+n)) && !prot.overlaps(i, i+n) {
				out = append(out, typoCand{pair(i, n, r == '\'', "'", "\u2019"), "apostrophe"})
			}
		case (r == '"' || r == '\u201C' || r == '\u201D') && style.quotes:
			opening := i == 0 || isOpenContext(prev(i))
			closing := i+n == len(text) || isCloseContext(next(i+n))
			if opening != closing && !prot.overlaps(i, i+n) {
				curly := "\u201D"
				if opening {
					curly = "\u201C"
				}
				if r == '"' || string(r) == curly {
					out = append(out, typoCand{pair(i, n, r == '"', `"`, curly), "quote"})
				}
			}
		case (r == '.' && hasDots(text, i) || r == '\u2026') && style.ellipses:
			m := n
			if r == '.' {
				m = 3
			}
			before, after := prev(i), next(i+m)
			if before != '.' && after != '.' && !prot.overlaps(i, i+m) {
				out = append(out, typoCand{pair(i, m, r == '.', "...", "\u2026"), "ellipsis"})
			}
			i += m
			continue
		}
		i += n
	}
	return out
}

func hasDots(text string, i int) bool {
	return i+3 <= len(text) && text[i:i+3] == "..."
}

func pair(i, n int, firstIsSource bool, a, b string) format.Candidate {
	c := format.Candidate{Start: i, End: i + n, Variants: []string{a, b}}
	if !firstIsSource {
		c.Orig = 1
	}
	return c
}

// spaceBetweenWords is true when the spaces text[i:j] separate two words on
// one line, each ending or starting with a letter or digit (or closing or
// opening punctuation next to one), with no format character already there.
func spaceBetweenWords(text string, i, j int) bool {
	b, _ := utf8.DecodeLastRuneInString(text[:i])
	a, _ := utf8.DecodeRuneInString(text[j:])
	if unicode.Is(unicode.Cf, b) || unicode.Is(unicode.Cf, a) || unicode.IsSpace(b) || unicode.IsSpace(a) {
		return false
	}
	return wordEdge(text[:i], true) && wordEdge(text[j:], false)
}

// wordEdge reports whether the word that ends s (before) or starts s
// (!before) contains a letter or digit, so that list markers, quote
// prefixes and lone symbols are never marked.
func wordEdge(s string, before bool) bool {
	for k := 0; k < 64 && len(s) > 0; k++ {
		var r rune
		var n int
		if before {
			r, n = utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-n]
		} else {
			r, n = utf8.DecodeRuneInString(s)
			s = s[n:]
		}
		if unicode.IsSpace(r) {
			return false
		}
		if isWordRune(r) {
			return true
		}
	}
	return false
}

func isOpenContext(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == '[' || r == '{' || r == '\u2014' || r == '\u2013'
}

func isCloseContext(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '"' && r != '\'' || r == utf8.RuneError
}

// quoteStyle says which quote and apostrophe points a document may carry
// (catalogue 2 on). A copy must use one style throughout where the
// original does: a straight-quoted document whose copies mix in curly
// apostrophes, or pair "uncertain” with a mismatched closing quote,
// reads as altered in any proportional font. So double quotes are never
// points (a point changes one mark, and the two marks of a pair would
// vary independently), and apostrophes are points only in a document
// whose apostrophes already mix the two styles. The same goes for the
// ellipsis: "..." and "…" vary only where the document uses both.
type quoteStyle struct {
	apostrophes, quotes bool
	// ellipses is true where "..." and "…" may vary: catalogue 1, or a
	// document that already uses both.
	ellipses bool
	// straight and curly record which apostrophes the document uses.
	straight, curly bool
}

// documentQuoteStyle reads the quote style of a document's texts.
func documentQuoteStyle(texts []string) quoteStyle {
	var st quoteStyle
	for _, t := range texts {
		for i := 0; i < len(t); {
			r, n := utf8.DecodeRuneInString(t[i:])
			if r == '\'' || r == '\u2019' {
				before, after := straightContext(t, i, n)
				if unicode.IsLetter(before) && unicode.IsLetter(after) {
					if r == '\'' {
						st.straight = true
					} else {
						st.curly = true
					}
				}
			}
			i += n
		}
	}
	st.apostrophes = st.straight && st.curly
	dots, char := false, false
	for _, t := range texts {
		dots = dots || strings.Contains(t, "...")
		char = char || strings.Contains(t, "\u2026")
	}
	st.ellipses = dots && char
	return st
}

// allows reports whether a lexical point's variants keep the document's
// apostrophe style: a contraction never brings a straight apostrophe into
// a document that uses only curly ones, or the reverse. V1 allows all.
func (st quoteStyle) allows(variants []string) bool {
	if st.quotes || st.straight == st.curly {
		return true // catalogue 1, a mixed document, or one without apostrophes
	}
	bad := "\u2019"
	if st.curly {
		bad = "'"
	}
	for _, v := range variants {
		if strings.Contains(v, bad) {
			return false
		}
	}
	return true
}
