package lexicon

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Helpers shared by the families: neighbouring words, the text between
// them, sentence starts and capitalization.

// low returns the low form of word i, or "" when i is out of range.
func (d *doc) low(i int) string {
	if i < 0 || i >= len(d.ws) {
		return ""
	}
	return d.ws[i].low
}

// gapBefore returns the text between word i-1 (or the start) and word i.
func (d *doc) gapBefore(i int) string {
	if i == 0 {
		return d.text[:d.ws[0].start]
	}
	return d.text[d.ws[i-1].end:d.ws[i].start]
}

// gapAfter returns the text between word i and word i+1 (or the end).
func (d *doc) gapAfter(i int) string {
	if i+1 >= len(d.ws) {
		return d.text[d.ws[i].end:]
	}
	return d.text[d.ws[i].end:d.ws[i+1].start]
}

// spaced reports whether word i is followed by exactly one ASCII space and
// another word: the only junction multi-word families match across, so a
// line break, a zero-width character or a double space never ends up
// inside a span.
func (d *doc) spaced(i int) bool {
	return i+1 < len(d.ws) && d.gapAfter(i) == " "
}

// commaSpaced reports whether word i is followed by exactly ", " and
// another word.
func (d *doc) commaSpaced(i int) bool {
	return i+1 < len(d.ws) && d.gapAfter(i) == ", "
}

// abbreviations end with a point that does not end a sentence.
var abbreviations = set("mr", "mrs", "ms", "dr", "st", "vs", "jr", "sr", "no", "messrs", "prof", "gen", "rep", "sen", "gov", "inc", "co", "corp", "ltd", "e", "i", "g")

// sentStart reports whether word i begins a sentence: it is capitalized
// and comes first in the text or on its line, or after a sentence-ending
// mark (optionally followed by closing quotes or brackets) that does not
// belong to a known abbreviation or an initial.
func (d *doc) sentStart(i int) bool {
	if !d.ws[i].cap {
		return false
	}
	g := d.gapBefore(i)
	j := len(g)
	newline := false
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(g[:j])
		if r == '\n' || r == '\r' {
			newline = true
		}
		if unicode.IsSpace(r) || strings.ContainsRune("\"'([{\u201C\u2018*-", r) {
			j -= n
			continue
		}
		break
	}
	if newline || i == 0 && j == 0 {
		return true
	}
	if j == len(g) && i > 0 {
		return false // no space: "U.S.In" or similar
	}
	rest := strings.TrimRight(g[:j], "\"')]}\u201D\u2019")
	if rest == "" {
		return false
	}
	switch rest[len(rest)-1] {
	case '!', '?':
		return true
	case '.':
		if i == 0 {
			return true
		}
		prev := d.ws[i-1]
		if rest == "." && (abbreviations[prev.low] || prev.end-prev.start == 1) {
			return false
		}
		return true
	}
	return false
}

// prose reports whether words i..j stand in running text: nothing but a
// space, an opening bracket or quote, or a dash touches word i on the
// left, and nothing but a space, punctuation or a closing quote touches
// word j on the right. A word inside an identifier, a path, a diff line
// or an expression ("towards_zero", "x.toward", "+ok(") is not prose and
// is never changed.
func (d *doc) prose(i, j int) bool {
	return d.proseBefore(d.ws[i].start) && d.proseAfter(d.ws[j].end)
}

// proseBefore reports whether the text just before offset s leaves a word
// starting at s in running text.
func (d *doc) proseBefore(s int) bool {
	if s == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(d.text[:s])
	return unicode.IsSpace(r) || strings.ContainsRune("([{\"'\u201C\u2018\u2014\u2013", r)
}

// proseAfter reports whether the text from offset e on leaves a word
// ending at e in running text.
func (d *doc) proseAfter(e int) bool {
	if e == len(d.text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(d.text[e:])
	return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?)]}\"'\u201D\u2019\u2014\u2013", r)
}

// fitCase renders form in the capitalization of the source word w: all
// capitals, a capital initial, or lower case (a lone "I" in form follows
// the source too, so "i'm" expands to "i am").
func fitCase(w word, form string) string {
	switch {
	case w.upper:
		return strings.ToUpper(form)
	case w.cap:
		return upperFirst(form)
	}
	return lowerFirst(form)
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// Word classes used by several families.
var (
	// clauseStarters cannot continue a noun phrase, so a comma or a
	// "that" before them can go without a reader ever taking the next
	// words as part of what came before: "In 2020, the Committee" → "In
	// 2020 the Committee", but not "In 2020, inflation" (→ "2020
	// inflation").
	clauseStarters = set("the", "a", "an", "this", "these", "those", "its", "their", "his", "our", "my", "your",
		"it", "they", "he", "she", "we", "i", "there", "most", "many", "some", "several", "both", "each", "any",
		"such", "few", "much", "all")

	// subjectPronouns are nominative: never an object, so they always
	// open a clause.
	subjectPronouns = set("i", "we", "he", "she", "they")

	// functionWords are prepositions, conjunctions, auxiliaries and the
	// like: a word from this set never starts a plain noun phrase.
	functionWords = set("a", "about", "above", "after", "against", "along", "also", "although", "am", "amid", "among",
		"an", "and", "are", "around", "as", "at", "be", "because", "been", "before", "behind", "being",
		"below", "beneath", "beside", "besides", "between", "beyond", "but", "by", "can", "could", "despite",
		"did", "do", "does", "down", "during", "either", "even", "except", "for", "from", "had", "has",
		"have", "how", "however", "if", "in", "including", "inside", "into", "is", "less", "like", "may",
		"might", "more", "must", "near", "neither", "nor", "not", "of", "off", "on", "once", "only", "onto",
		"or", "out", "outside", "over", "per", "perhaps", "rather", "regarding", "shall", "should", "since",
		"so", "still", "than", "that", "then", "though", "through", "throughout", "thus", "to", "too",
		"toward", "towards", "under", "unless", "unlike", "until", "up", "upon", "very", "via", "was",
		"were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
		"will", "with", "within", "without", "would", "yet", "just", "already", "again", "indeed")

	// determiners mark a following word as a noun: "the upward trend".
	determiners = set("the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
		"my", "your", "any", "some", "no", "every", "each", "either", "neither", "another", "such")
)
