package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Author variants: the sidecar file.
//
// A variants file gives, for chosen words of a document, other renderings
// of them, one entry each, in a diff-like text format:
//
//	# memo.txt.variants: comments start with #, blank lines are ignored
//	- the words of the document, exactly as written
//	+ an alternative rendering
//	+ another one
//
// "- " starts an entry with the original: words of the document's prose
// that occur exactly once in it, outside protected text; a line break in
// the document may fall anywhere the original has a space. Each "+ " line
// that follows is one alternative, on one line. An entry has 1 to
// marks.MaxAuthorAlternatives alternatives, all different from the
// original and from each other once case, quotes and spacing are
// normalized. Trailing white space is ignored.

// ErrVariants is wrapped by every problem with a document's author
// variants.
var ErrVariants = errors.New("bad author variants")

// ErrVerbatim: the document is registered verbatim, so its wording never
// moves and it has no lexical points, author variants included.
var ErrVerbatim = errors.New("verbatim document")

// MaxVariantsSize bounds a variants file.
const MaxVariantsSize = 1 << 20

// ParseVariants reads a variants file. Errors name the line.
func ParseVariants(data []byte) ([]marks.AuthorVariant, error) {
	if len(data) > MaxVariantsSize {
		return nil, fmt.Errorf("%w: the file is larger than %d bytes", ErrVariants, MaxVariantsSize)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the file is not UTF-8 text", ErrVariants)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: the file holds a NUL byte; it must be text", ErrVariants)
	}
	var out []marks.AuthorVariant
	var lines []int // line of each entry's original
	seen := map[string]int{}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	for n, line := range strings.Split(text, "\n") {
		n++
		line = strings.TrimRight(line, " \t\r")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "- "):
			orig := strings.TrimSpace(line[2:])
			if orig == "" {
				return nil, fmt.Errorf("%w: line %d: the original is empty", ErrVariants, n)
			}
			if first, dup := seen[orig]; dup {
				return nil, fmt.Errorf("%w: line %d: the original %q is already given on line %d", ErrVariants, n, orig, first)
			}
			seen[orig] = n
			out = append(out, marks.AuthorVariant{Original: orig})
			lines = append(lines, n)
		case strings.HasPrefix(line, "+ "):
			alt := strings.TrimSpace(line[2:])
			if len(out) == 0 {
				return nil, fmt.Errorf("%w: line %d: an alternative comes before any original ('- ' line)", ErrVariants, n)
			}
			v := &out[len(out)-1]
			if alt == "" {
				return nil, fmt.Errorf("%w: line %d: the alternative is empty", ErrVariants, n)
			}
			if alt == v.Original {
				return nil, fmt.Errorf("%w: line %d: the alternative is the original itself", ErrVariants, n)
			}
			if err := checkAlternative(v.Original, alt); err != nil {
				return nil, fmt.Errorf("%w: line %d: %w", ErrVariants, n, err)
			}
			for _, a := range v.Alternatives {
				if a == alt {
					return nil, fmt.Errorf("%w: line %d: the alternative %q is given twice", ErrVariants, n, alt)
				}
			}
			if len(v.Alternatives) == marks.MaxAuthorAlternatives {
				return nil, fmt.Errorf("%w: line %d: more than %d alternatives for the original on line %d", ErrVariants, n, marks.MaxAuthorAlternatives, lines[len(lines)-1])
			}
			v.Alternatives = append(v.Alternatives, alt)
		default:
			return nil, fmt.Errorf("%w: line %d: start a line with '- ' (an original), '+ ' (an alternative) or '#' (a comment)", ErrVariants, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the file has no entries ('- ' lines)", ErrVariants)
	}
	for i, v := range out {
		if len(v.Alternatives) == 0 {
			return nil, fmt.Errorf("%w: line %d: the original has no alternatives ('+ ' lines after it)", ErrVariants, lines[i])
		}
	}
	return out, nil
}

// quoteRunes are the characters that open or close a quotation: an
// alternative may not add or drop one, or a copy's quotes would no longer
// pair up.
const quoteRunes = "\"'\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F\u00AB\u00BB\u2039\u203A"

// checkAlternative refuses an alternative a reader would notice or a
// terminal would act on: control, bidi and invisible characters (the
// zero-width ones belong to the typographic channel), and quotation marks
// the original does not have.
func checkAlternative(orig, alt string) error {
	for i, r := range alt {
		if Unsafe(r) || strings.ContainsRune(marks.ZeroWidth, r) {
			return fmt.Errorf("the alternative %q has the character %U at byte %d; alternatives are plain visible text", alt, r, i)
		}
	}
	for _, q := range quoteRunes {
		if strings.Count(alt, string(q)) != strings.Count(orig, string(q)) {
			return fmt.Errorf("the alternative %q has a different number of %q quotation marks than the original; alternatives must keep the quotes as they are", alt, q)
		}
	}
	return nil
}

// VariantsJSON is the canonical form of author variants, as stored.
func VariantsJSON(vs []marks.AuthorVariant) ([]byte, error) { return json.Marshal(vs) }

// VariantsSHA256 is the hex SHA-256 of [VariantsJSON].
func VariantsSHA256(vs []marks.AuthorVariant) (string, error) {
	b, err := VariantsJSON(vs)
	if err != nil {
		return "", err
	}
	return leaktrace.Hash(b), nil
}

// variantProblems turns the problems placing author variants into one
// error naming every entry that cannot be used.
func variantProblems(ps []marks.AuthorProblem, vs []marks.AuthorVariant) error {
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = fmt.Sprintf("entry %d: %s", p.Index+1, strings.TrimPrefix(p.Err.Error(), marks.ErrAuthorVariant.Error()+": "))
	}
	return fmt.Errorf("%w: %d of %d entries cannot be used: %s", ErrVariants, len(ps), len(vs), strings.Join(msgs, "; "))
}

// Change is one variation point as a person reviews it: the sentence
// around it as the original writes it, and as each variant renders it.
type Change struct {
	Point   int    `json:"point"` // index among the document's points
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Region  int    `json:"region"` // the document's part (0 for plain text)
	Line    int    `json:"line"`   // line in the part, from 1
	// Variants are the point's renderings, Variants[Orig] the original's.
	Variants []string `json:"variants"`
	Orig     int      `json:"orig"`
	// Sentence is the sentence holding the point, as written; Renderings
	// is the sentence with each variant, in Variants' order.
	Sentence   string   `json:"sentence"`
	Renderings []string `json:"renderings"`
}

// Changes lists the changes copies of a registered document can carry on
// one channel (0 for every channel), in document order, for a person to
// review before the document is sent. It needs no key.
func (s *Service) Changes(ctx context.Context, docID string, ch marks.Channel) (*leaktrace.Document, []Change, error) {
	d, err := s.Store.Document(ctx, docID)
	if err != nil {
		return nil, nil, err
	}
	a, err := d.Analyze()
	if err != nil {
		return nil, nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	regions := a.Set.Doc.Regions()
	var out []Change
	for i, p := range a.Set.Points {
		if ch != 0 && p.Channel != ch {
			continue
		}
		text := regions[p.Region].Text
		lo, hi := sentenceAround(text, p.Start, p.End)
		c := Change{Point: i, Channel: p.Channel.String(), Kind: p.Kind, Region: p.Region,
			Line: 1 + strings.Count(text[:p.Start], "\n"), Variants: p.Variants, Orig: p.Orig,
			Sentence: oneLine(text[lo:hi])}
		for _, v := range p.Variants {
			c.Renderings = append(c.Renderings, oneLine(text[lo:p.Start]+v+text[p.End:hi]))
		}
		out = append(out, c)
	}
	return d, out, nil
}

// oneLine shows text that may wrap on one line: line breaks become spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// maxContext bounds the context shown on either side of a point.
const maxContext = 240

// sentenceAround returns the span of the sentence of text that holds
// [start, end): from after the last sentence end or blank line before it
// to the first sentence end or blank line after it, at most maxContext
// bytes either side (cut at a space).
func sentenceAround(text string, start, end int) (int, int) {
	lo := start
	for lo > 0 && start-lo < maxContext {
		if sentenceEndsAt(text, lo-1) || strings.HasPrefix(text[lo-1:], "\n\n") || strings.HasPrefix(text[lo-1:], "\n\r\n") {
			break
		}
		lo--
	}
	for lo < start && (text[lo] == ' ' || text[lo] == '\n' || text[lo] == '\r' || text[lo] == '\t') {
		lo++
	}
	if start-lo >= maxContext {
		if i := strings.IndexByte(text[lo:start], ' '); i >= 0 {
			lo += i + 1
		}
	}
	hi := max(end, start+1) - 1
	for hi < len(text) && hi-end < maxContext {
		if sentenceEndsAt(text, hi) || strings.HasPrefix(text[hi:], "\n\n") || strings.HasPrefix(text[hi:], "\r\n\r\n") {
			break
		}
		hi++
	}
	if hi < len(text) && sentenceEndsAt(text, hi) {
		hi++
		for hi < len(text) && strings.ContainsRune(`"')]`+"\u201D\u2019", rune(text[hi])) {
			hi++
		}
	} else if hi-end >= maxContext {
		if i := strings.LastIndexByte(text[end:hi], ' '); i >= 0 {
			hi = end + i
		}
	}
	return lo, max(min(hi, len(text)), end)
}

// abbreviations end in a full stop that ends no sentence.
var abbreviations = map[string]bool{"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "Prof": true, "St": true,
	"Jr": true, "Sr": true, "Gen": true, "Gov": true, "Sen": true, "Rep": true, "Rev": true, "vs": true, "cf": true}

// sentenceEndsAt reports whether text[i] ends a sentence: a full stop,
// question or exclamation mark followed by white space or the end.
func sentenceEndsAt(text string, i int) bool {
	if i < 0 || i >= len(text) || !strings.ContainsRune(".!?", rune(text[i])) {
		return false
	}
	if text[i] == '.' {
		// Titles and initials: "Mr. Speaker", "J. Smith".
		w := i
		for w > 0 && (text[w-1] >= 'A' && text[w-1] <= 'Z' || text[w-1] >= 'a' && text[w-1] <= 'z') {
			w--
		}
		if word := text[w:i]; abbreviations[word] || len(word) == 1 && word[0] >= 'A' && word[0] <= 'Z' {
			return false
		}
	}
	j := i + 1
	for j < len(text) && strings.ContainsRune(`"')]`, rune(text[j])) {
		j++
	}
	return j >= len(text) || text[j] == ' ' || text[j] == '\n' || text[j] == '\r' || text[j] == '\t'
}
