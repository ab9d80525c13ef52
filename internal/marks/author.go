package marks

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/lexicon"
)

// Author variants: the canary trap. The author names words of the
// document and gives other renderings of them; each becomes one lexical
// point whose variants are the original and the alternatives. The
// renderings need not fold alike (no catalogue could know them), so a
// copy's canonical tokens differ from the source's inside the point: the
// lookup index and the aligner find the leak through the words around it,
// and the point is read, like any lexical point, from between the words
// that flank it.

// AuthorKind is the Kind of author-variant points.
const AuthorKind = "author"

// MaxAuthorAlternatives bounds the alternatives of one author variant: a
// point has at most eight renderings.
const MaxAuthorAlternatives = 7

// AuthorVariant is one variant the author supplies. Original is words of
// the document exactly as written, except that any run of white space
// matches any run of white space (a sentence may wrap); Alternatives are
// other renderings of them, each on one line.
type AuthorVariant struct {
	Original     string   `json:"original"`
	Alternatives []string `json:"alternatives"`
}

// ErrAuthorVariant is wrapped by every reason an author variant cannot
// become a point.
var ErrAuthorVariant = errors.New("author variant cannot be used")

// AuthorProblem says why the author variant at Index cannot be a point.
type AuthorProblem struct {
	Index int
	Err   error
}

// authorSpan is an author variant placed in a region: the differing part
// of the renderings.
type authorSpan struct {
	index      int
	start, end int
	variants   []string
}

// authorPattern matches v's original on word boundaries, with any run of
// white space for each run in it.
func authorPattern(original string) *regexp.Regexp {
	fields := strings.Fields(original)
	for i, f := range fields {
		fields[i] = regexp.QuoteMeta(f)
	}
	return regexp.MustCompile(strings.Join(fields, `\s+`))
}

// wordAt reports whether the rune before (dir < 0) or at (dir > 0)
// offset i of s is a letter or digit.
func wordAt(s string, i, dir int) bool {
	var r rune
	if dir < 0 {
		if i == 0 {
			return false
		}
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		if i >= len(s) {
			return false
		}
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return isWordRune(r)
}

// occurrences returns where v's original occurs in text, on word
// boundaries: a match may not start or end inside a word.
func occurrences(text, original string) [][2]int {
	if strings.TrimSpace(original) == "" {
		return nil
	}
	var out [][2]int
	for _, m := range authorPattern(original).FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		if wordAt(text, s, +1) && wordAt(text, s, -1) || wordAt(text, e, -1) && wordAt(text, e, +1) {
			continue
		}
		out = append(out, [2]int{s, e})
	}
	return out
}

// AuthorKey is what tells renderings apart in a normalized or retyped
// leak: the normalized text without white space.
func AuthorKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, Normalize(s))
}

// placeAuthor finds where each author variant goes. prots are the
// regions' protections. Variants that cannot be placed are returned as
// problems; the others as spans per region.
func placeAuthor(texts []string, prots []*protection, vs []AuthorVariant, opts Options) ([][]authorSpan, []AuthorProblem) {
	spans := make([][]authorSpan, len(texts))
	var problems []AuthorProblem
	fail := func(i int, format string, args ...any) {
		problems = append(problems, AuthorProblem{Index: i, Err: fmt.Errorf("%w: %s", ErrAuthorVariant, fmt.Sprintf(format, args...))})
	}
	if len(vs) == 0 {
		return spans, nil
	}
	if opts.Verbatim {
		for i := range vs {
			fail(i, "the document is registered verbatim: its wording never moves")
		}
		return spans, problems
	}
	if opts.Catalogue < lexicon.V2 {
		for i := range vs {
			fail(i, "author variants need point catalogue %d or later", lexicon.V2)
		}
		return spans, problems
	}
	type placed struct{ region, start, end int }
	var all []placed
	for i, v := range vs {
		if len(v.Alternatives) == 0 || len(v.Alternatives) > MaxAuthorAlternatives {
			fail(i, "%d alternatives; give 1 to %d", len(v.Alternatives), MaxAuthorAlternatives)
			continue
		}
		var hits []placed
		for r, t := range texts {
			for _, o := range occurrences(t, v.Original) {
				hits = append(hits, placed{r, o[0], o[1]})
			}
		}
		switch {
		case len(hits) == 0:
			fail(i, "%q is not in the document's text (it must match word for word; line breaks may fall anywhere between words)", v.Original)
			continue
		case len(hits) > 1:
			fail(i, "%q occurs %d times in the document; quote more of its sentence, so that it occurs once", v.Original, len(hits))
			continue
		}
		h := hits[0]
		text := texts[h.region]
		if prots[h.region].overlaps(h.start, h.end) || quotedAt(text, h.start, h.end) {
			fail(i, "%q is in protected text (a quotation, a quoted email line, code, a link or an address), which copies never change", v.Original)
			continue
		}
		start, end, variants, err := differing(text[h.start:h.end], v.Alternatives)
		if err != nil {
			fail(i, "%q: %v", v.Original, err)
			continue
		}
		start, end = start+h.start, end+h.start
		overlap := false
		for _, p := range all {
			if p.region == h.region && p.start < h.end && h.start < p.end {
				overlap = true
			}
		}
		if overlap {
			fail(i, "%q overlaps another author variant", v.Original)
			continue
		}
		all = append(all, placed{h.region, h.start, h.end})
		spans[h.region] = append(spans[h.region], authorSpan{index: i, start: start, end: end, variants: variants})
	}
	return spans, problems
}

// Quoted reports whether [start, end) of text is quoted words, which no
// author variant may change (see quotedAt).
func Quoted(text string, start, end int) bool { return quotedAt(text, start, end) }

// quotedAt reports whether [start, end) of text lies in a quotation or
// a quoted email line: on a line starting with ">", or after an odd
// number of straight double quotes, or an opening curly quote or
// guillemet not yet closed, in its paragraph. Whatever the catalogue's
// protection covers, the author's variants never change quoted words.
func quotedAt(text string, start, end int) bool {
	for at := start; ; {
		ls := strings.LastIndexByte(text[:at], '\n') + 1
		if strings.HasPrefix(strings.TrimLeft(text[ls:], " \t"), ">") {
			return true
		}
		nl := strings.IndexByte(text[at:end], '\n')
		if nl < 0 {
			break
		}
		at += nl + 1
	}
	para := strings.LastIndex(text[:start], "\n\n") + 1
	before := text[para:start]
	if strings.Count(before, `"`)%2 == 1 {
		return true
	}
	for _, q := range [][2]string{{"\u201C", "\u201D"}, {"\u00AB", "\u00BB"}} {
		if strings.LastIndex(before, q[0]) > strings.LastIndex(before, q[1]) {
			return true
		}
	}
	span := text[start:end]
	return strings.ContainsAny(span, "\"\u201C\u201D\u00AB\u00BB")
}

// differing reduces the renderings of one author variant (orig, as the
// document writes it, and alts) to the words that differ: the words all
// renderings share at the start and at the end stay outside the point, so
// that its flanking words are as close as they can be. It returns the
// span of orig that varies and the variants, orig's first.
func differing(orig string, alts []string) (int, int, []string, error) {
	type field struct{ start, end int }
	fieldsOf := func(s string) []field {
		var out []field
		in := -1
		for i, r := range s {
			sp := unicode.IsSpace(r)
			if !sp && in < 0 {
				in = i
			}
			if sp && in >= 0 {
				out = append(out, field{in, i})
				in = -1
			}
		}
		if in >= 0 {
			out = append(out, field{in, len(s)})
		}
		return out
	}
	word := func(s string, f field) string { return s[f.start:f.end] }
	of := fieldsOf(orig)
	keys := map[string]int{AuthorKey(orig): 0}
	pre, suf := len(of), len(of)
	afs := make([][]field, len(alts))
	for k, a := range alts {
		if a != strings.TrimSpace(a) || a == "" {
			return 0, 0, nil, fmt.Errorf("alternative %d is empty or starts or ends with white space", k+1)
		}
		if strings.ContainsAny(a, "\r\n") || !utf8.ValidString(a) {
			return 0, 0, nil, fmt.Errorf("alternative %d is not one line of text", k+1)
		}
		key := AuthorKey(a)
		if j, dup := keys[key]; dup {
			if j == 0 {
				return 0, 0, nil, fmt.Errorf("alternative %d reads like the original once case, quotes and spacing are normalized; it must differ in its words or punctuation", k+1)
			}
			return 0, 0, nil, fmt.Errorf("alternatives %d and %d read alike once case, quotes and spacing are normalized", j, k+1)
		}
		keys[key] = k + 1
		af := fieldsOf(a)
		afs[k] = af
		p := 0
		for p < len(of) && p < len(af) && word(orig, of[p]) == word(a, af[p]) {
			p++
		}
		s := 0
		for s < len(of)-p && s < len(af)-p && word(orig, of[len(of)-1-s]) == word(a, af[len(af)-1-s]) {
			s++
		}
		pre, suf = min(pre, p), min(suf, s)
	}
	// A rendering whose differing part is empty (it drops words) would
	// leave two spaces: take one shared word into the point.
	empty := len(of)-pre-suf == 0
	for _, af := range afs {
		if len(af)-pre-suf <= 0 {
			empty = true
		}
	}
	if empty {
		if pre > 0 {
			pre--
		} else if suf > 0 {
			suf--
		}
	}
	lo, hi := of[pre].start, of[len(of)-1-suf].end
	vs := []string{orig[lo:hi]}
	if strings.ContainsAny(vs[0], "\r\n") {
		return 0, 0, nil, errors.New("the words that differ run across a line break in the document; choose a phrase within one line, or rewrap the line")
	}
	for k, a := range alts {
		af := afs[k]
		vs = append(vs, a[af[pre].start:af[len(af)-1-suf].end])
	}
	return lo, hi, vs, nil
}

// withAuthor adds the author spans of a region to its lexical candidates.
// An author variant takes precedence over any catalogue point that
// touches it or the words on either side of it: a point is read from
// between those words, so they must not vary ("That is not right" →
// "That's wrong" would leave no "is" to read "wrong" after).
func withAuthor(text string, lexical []lexicon.Candidate, spans []authorSpan) []lexicon.Candidate {
	if len(spans) == 0 {
		return lexical
	}
	isSpace := func(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
	zones := make([][2]int, len(spans))
	for k, a := range spans {
		lo := a.start
		for lo > 0 && isSpace(text[lo-1]) {
			lo--
		}
		for lo > 0 && !isSpace(text[lo-1]) {
			lo--
		}
		hi := a.end
		for hi < len(text) && isSpace(text[hi]) {
			hi++
		}
		for hi < len(text) && !isSpace(text[hi]) {
			hi++
		}
		zones[k] = [2]int{lo, hi}
	}
	out := make([]lexicon.Candidate, 0, len(lexical)+len(spans))
	for _, c := range lexical {
		touched := false
		for _, z := range zones {
			if c.Start <= z[1] && z[0] <= c.End {
				touched = true
			}
		}
		if !touched {
			out = append(out, c)
		}
	}
	for _, a := range spans {
		out = append(out, lexicon.Candidate{Start: a.start, End: a.end, Kind: AuthorKind, Variants: a.variants})
	}
	return out
}

// checkAuthorPlaced reports the author spans that did not become a point
// with all their renderings (the format or the line width could not carry
// them).
func checkAuthorPlaced(set *Set, spans [][]authorSpan) {
	for r, ss := range spans {
		for _, a := range ss {
			ok := false
			for _, p := range set.Points {
				if p.Region == r && p.Start == a.start && p.End == a.end && p.Kind == AuthorKind {
					ok = len(p.Variants) == len(a.variants)
				}
			}
			if !ok {
				set.AuthorProblems = append(set.AuthorProblems, AuthorProblem{Index: a.index,
					Err: fmt.Errorf("%w: %q: a copy cannot carry it: an alternative would make its line longer than the document's other lines, or the file's encoding cannot hold it", ErrAuthorVariant, a.variants[0])})
			}
		}
	}
}
