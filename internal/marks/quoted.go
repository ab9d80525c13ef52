package marks

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Quoted text (catalogue 2 on). What someone else said, or wrote, must
// read exactly as in the original: no point that changes a visible
// character may fall inside
//   - a quotation in double quotes (straight "…", curly “…”, low „…“) or
//     guillemets («…»), with everything inside it, single quotes included;
//   - a quotation in single quotes ('…', ‘…’) that closes within its
//     paragraph and within singleLimit words;
//   - a line quoted with ">" (email quoting, Markdown block quotes and,
//     in Markdown, the lazy continuation lines of a block quote);
//   - in Markdown, text between the author's markers <!-- verbatim -->
//     and <!-- /verbatim --> (HTML comments, invisible once rendered; a
//     marker left open runs to the end of the document, as the author
//     asked). Plain text and email have no invisible place for a marker;
//     a whole document is kept verbatim with doc add --verbatim;
//   - a policy statement or directive that FOMC minutes introduce with a
//     colon but no quotation mark ("…the following domestic policy
//     directive: The information reviewed at this meeting…"), up to the
//     vote that follows it.
//
// Zero-width insertions between words change nothing a reader sees and
// may stay.
//
// Pairing. A double quotation runs from an opening quote to the next
// closing one, across paragraph breaks (a quoted list or the classic
// convention of an opening quote at the start of each quoted paragraph
// and a closing one only at the end), as long as no other quotation opens
// in between except at the start of a paragraph or, in text whose
// paragraph breaks were lost, of a sentence. A quotation that never
// closes, because a quote is stray or missing, protects its own paragraph
// from the opening quote on, but never more than strayLimit words: a
// stray quote cannot silently freeze the rest of a document. A closing
// quote with no opening one protects nothing. Straight quotes open or
// close by what touches them: after a space or an opening bracket and
// before a word they open; after a word and before a space or punctuation
// they close; otherwise they are neither. A straight single quote inside
// a word, or one that starts a known elision ('tis, '90s), is an
// apostrophe, never a quote.

const (
	// strayLimit bounds what an unclosed quotation protects.
	strayLimit = 250
	// pairLimit bounds the words between an opening quote and the
	// closing quote it pairs with.
	pairLimit = 1500
	// singleLimit bounds a single-quoted quotation.
	singleLimit = 60
)

// quoteMark is one quotation mark of a text.
type quoteMark struct {
	at, n       int
	open, close bool
}

// quotedSpans returns the spans of text whose visible characters must
// not change. markdown turns on the lazy continuation of block quotes.
func quotedSpans(text string, markdown bool) []format.Span {
	t := newParagraphs(text)
	var spans []format.Span
	spans = append(spans, quotedLines(text, markdown)...)
	spans = append(spans, t.pairQuotes(doubleMarks(text), pairLimit, strayLimit, true)...)
	spans = append(spans, t.pairQuotes(singleMarks(text), singleLimit, 0, false)...)
	spans = append(spans, t.directives()...)
	if markdown {
		spans = append(spans, verbatimMarked(text)...)
	}
	return merge(spans)
}

// quotedLines returns the lines quoted with ">", each with its line
// break, so that nothing may be appended to one either.
func quotedLines(text string, markdown bool) []format.Span {
	var out []format.Span
	inQuote := false
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += at
			next = end + 1
		}
		line := text[at:end]
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(trimmed, ">"):
			inQuote = true
		case strings.TrimSpace(line) == "":
			inQuote = false
		case !markdown:
			inQuote = false
		}
		if inQuote {
			out = append(out, format.Span{Start: at, End: next})
		}
		at = next
	}
	return out
}

// isOpenBefore reports whether r, just before a straight quote, lets it
// open a quotation.
func isOpenBefore(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("([{<:;,\u2014\u2013-/\u201C\u2018\u00AB\"'", r)
}

// isCloseAfter reports whether r, just after a straight quote, lets it
// close a quotation.
func isCloseAfter(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?)]}>\u2014\u2013-/\u2026\u201D\u2019\u00BB\"'*_", r)
}

// doubleMarks finds the double quotation marks of text.
func doubleMarks(text string) []quoteMark {
	var out []quoteMark
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\u201C', '\u201E', '\u00AB':
			out = append(out, quoteMark{at: i, n: n, open: true})
		case '\u201D', '\u00BB':
			out = append(out, quoteMark{at: i, n: n, close: true})
		case '"':
			before, after := straightContext(text, i, n)
			open := (i == 0 || isOpenBefore(before)) && i+n < len(text) && !unicode.IsSpace(after)
			close := i > 0 && !unicode.IsSpace(before) && (i+n == len(text) || isCloseAfter(after))
			if open != close {
				out = append(out, quoteMark{at: i, n: n, open: open, close: close})
			}
		}
		i += n
	}
	return out
}

// straightContext returns the runes around the mark at text[i:i+n],
// skipping zero-width characters.
func straightContext(text string, i, n int) (before, after rune) {
	before, after = utf8.RuneError, utf8.RuneError
	for j := i; j > 0; {
		r, m := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.Is(unicode.Cf, r) {
			before = r
			break
		}
		j -= m
	}
	for j := i + n; j < len(text); {
		r, m := utf8.DecodeRuneInString(text[j:])
		if !unicode.Is(unicode.Cf, r) {
			after = r
			break
		}
		j += m
	}
	return before, after
}

// elisions start with an apostrophe that is not an opening quote.
var elisions = []string{"tis", "twas", "til", "till", "em", "cause", "n", "round", "bout", "nuff", "s"}

// singleMarks finds the single quotation marks of text that are not
// apostrophes.
func singleMarks(text string) []quoteMark {
	var out []quoteMark
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r != '\'' && r != '\u2018' && r != '\u2019' {
			i += n
			continue
		}
		before, after := straightContext(text, i, n)
		if i > 0 && i+n < len(text) && isWordRune(before) && isWordRune(after) {
			i += n // an apostrophe inside a word
			continue
		}
		open := r != '\u2019' && (i == 0 || isOpenBefore(before)) && (unicode.IsLetter(after) || r == '\u2018' && after != utf8.RuneError && !unicode.IsSpace(after))
		if open && r == '\'' {
			rest := strings.ToLower(text[i+n : min(len(text), i+n+6)])
			for _, e := range elisions {
				if strings.HasPrefix(rest, e) && (len(rest) == len(e) || !unicode.IsLetter(rune(rest[len(e)]))) {
					open = false
				}
			}
		}
		close := r != '\u2018' && i > 0 && !unicode.IsSpace(before) && (i+n == len(text) || isCloseAfter(after))
		if open != close {
			out = append(out, quoteMark{at: i, n: n, open: open, close: close})
		}
		i += n
	}
	return out
}

// pairQuotes pairs the marks of text into quotations (see the rules
// above). Quotations whose closing mark is more than limit words away do
// not pair; when spanParagraphs is false a quotation must close within
// its paragraph. An unclosed quotation protects stray words of its
// paragraph (none when stray is 0).
func (t *paragraphs) pairQuotes(marks []quoteMark, limit, stray int, spanParagraphs bool) []format.Span {
	text := t.text
	var out []format.Span
	chain, last := -1, -1 // the first and latest opening marks of the open quotation
	unclosed := func() {
		if chain >= 0 && stray > 0 {
			out = append(out, format.Span{Start: chain, End: t.boundedEnd(last, stray)})
		}
		chain, last = -1, -1
	}
	for _, m := range marks {
		if chain >= 0 && !spanParagraphs && t.paragraphBreak(last, m.at) {
			unclosed()
		}
		if m.open {
			if chain >= 0 && (t.paragraphBreak(last, m.at) && t.paragraphStart(m.at) ||
				spanParagraphs && afterSentence(text, m.at)) {
				// The next paragraph of the same quotation; or, where the
				// paragraph breaks were lost, the same convention after a
				// sentence end ("…in Europe. "1945 can see…").
				last = m.at
				continue
			}
			unclosed()
			chain, last = m.at, m.at
			continue
		}
		if chain < 0 {
			continue // a closing mark with nothing open
		}
		if words(text[last:m.at]) > limit {
			unclosed()
			continue
		}
		out = append(out, format.Span{Start: chain, End: m.at + m.n})
		chain, last = -1, -1
	}
	unclosed()
	return out
}

// boundedEnd is where an unclosed quotation opened at from stops: the end
// of its paragraph, or after limit words.
func (t *paragraphs) boundedEnd(from, limit int) int {
	text := t.text
	end := t.paragraphEnd(from)
	n := 0
	inWord := false
	for i := from; i < end; i++ {
		space := isSpaceByte(text[i])
		if !space && !inWord {
			n++
			if n > limit {
				return i
			}
		}
		inWord = !space
	}
	return end
}

// words counts the whitespace-separated words of s.
func words(s string) int { return len(strings.Fields(s)) }

// paragraphs is a text with the ends of its paragraphs: the line breaks
// followed by a blank line (or the end of the text).
type paragraphs struct {
	text string
	ends []int
}

func newParagraphs(text string) *paragraphs {
	t := &paragraphs{text: text}
	for i := 0; i < len(text); i++ {
		if text[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
			j++
		}
		if j == len(text) || text[j] == '\n' {
			t.ends = append(t.ends, i)
		}
	}
	return t
}

// paragraphEnd returns the offset of the line break that ends the
// paragraph containing offset at, or len(text).
func (t *paragraphs) paragraphEnd(at int) int {
	k := sort.SearchInts(t.ends, at)
	if k == len(t.ends) {
		return len(t.text)
	}
	return t.ends[k]
}

// paragraphBreak reports whether a blank line lies between offsets a and b.
func (t *paragraphs) paragraphBreak(a, b int) bool { return t.paragraphEnd(a) < b }

// paragraphStart reports whether the mark at offset at opens its
// paragraph: only spaces, list markers or ">" quote marks before it on a
// line that follows a blank line (or starts the text).
func (t *paragraphs) paragraphStart(at int) bool {
	text := t.text
	ls := strings.LastIndexByte(text[:at], '\n') + 1
	if strings.Trim(text[ls:at], " \t>-*") != "" {
		return false
	}
	if ls == 0 {
		return true
	}
	prev := strings.LastIndexByte(text[:ls-1], '\n') + 1
	return strings.TrimSpace(text[prev:ls-1]) == "" || t.paragraphEnd(prev) == ls-1
}

// reDirective finds the introduction of a policy directive or statement
// in FOMC minutes.
var reDirective = regexp.MustCompile(`((?:domestic )?policy directive|(?:statement|sentence|paragraph) below[^"\n\x{201C}]{0,80}?|statement to be released[^"\n\x{201C}]{0,40}?|following statement|following directive):\s+`)

// reVote ends a directive: the vote that follows it.
var reVote = regexp.MustCompile(`\b(Votes? for this action|Voting for this action|Votes? against this action|Voting against this action|The vote encompassed|The vote also encompassed)\b`)

// directives returns the unquoted directives and statements of FOMC
// minutes: from the introducing colon to the vote that follows, or, with
// no vote within pairLimit words, the rest of the paragraph up to
// strayLimit words. A directive that opens with a quotation mark is a
// quotation and is left to the quotation rules.
func (t *paragraphs) directives() []format.Span {
	text := t.text
	if !strings.Contains(text, "directive:") && !strings.Contains(text, " below") && !strings.Contains(text, "to be released") {
		return nil // the common case, without running the expression
	}
	var out []format.Span
	for _, m := range reDirective.FindAllStringIndex(text, -1) {
		start := m[1]
		if start >= len(text) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(text[start:]); strings.ContainsRune("\"\u201C\u201E\u00AB", r) {
			continue
		}
		end := t.boundedEnd(start, strayLimit)
		if v := reVote.FindStringIndex(text[start:]); v != nil && words(text[start:start+v[0]]) <= pairLimit {
			end = start + v[0]
		}
		out = append(out, format.Span{Start: start, End: end})
	}
	return out
}

// reVerbatim finds the author's verbatim markers in Markdown.
var reVerbatim = regexp.MustCompile(`<!--\s*(/?)verbatim\s*-->`)

// verbatimMarked returns the spans between verbatim markers, markers
// included.
func verbatimMarked(text string) []format.Span {
	if !strings.Contains(text, "verbatim") {
		return nil
	}
	var out []format.Span
	open := -1
	for _, m := range reVerbatim.FindAllStringSubmatchIndex(text, -1) {
		closing := m[3] > m[2]
		switch {
		case !closing && open < 0:
			open = m[0]
		case closing && open >= 0:
			out = append(out, format.Span{Start: open, End: m[1]})
			open = -1
		}
	}
	if open >= 0 {
		out = append(out, format.Span{Start: open, End: len(text)})
	}
	return out
}

// afterSentence reports whether the mark at offset at follows the end of
// a sentence and a space.
func afterSentence(text string, at int) bool {
	j := at
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	return j < at && j > 0 && strings.ContainsRune(".?!", rune(text[j-1]))
}
