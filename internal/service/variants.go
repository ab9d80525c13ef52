package service

import (
	"bytes"
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
