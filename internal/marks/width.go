package marks

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Visible width. Hard-wrapped text (plain-text memos, most email) breaks
// its lines at some width; a variant longer than its original could push
// a line past it, which a reader of a ragged-right page notices. fitWidth
// drops candidates, latest on a line first, until every line stays within
// the longest hard-wrapped line of the source text, for every choice of
// variants. It looks only at the source and the candidates, so every copy
// of a document fits the same way. Lines longer than softWrap are
// paragraphs the viewer wraps; they may grow freely.

// softWrap is the width beyond which a line is taken for a paragraph that
// the viewer wraps, not a line the author broke: such lines may grow, and
// do not set the width other lines must keep.
const softWrap = 100

// visible counts the runes of s a reader sees: everything but format
// characters (the zero-width marks).
func visible(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Cf, r) {
			n++
		}
	}
	return n
}

// growth is the most candidate c can widen its line by. Variants that
// differ only in spacing or invisible characters (typographic insertions,
// a trailing space) widen nothing a reader measures.
func growth(c format.Candidate) int {
	if c.Orig < 0 || c.Orig >= len(c.Variants) {
		return 0
	}
	base := visible(c.Variants[c.Orig])
	g := 0
	for _, v := range c.Variants {
		if strings.TrimFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }) == "" {
			continue
		}
		g = max(g, visible(v)-base)
	}
	return g
}

// fitWidth keeps the candidates of text that cannot widen any line past
// the longest line of text. cands are in document order; the kept ones are
// returned in cands' own array.
func fitWidth(text string, cands []candidate) []candidate {
	// Each line's start offset and visible width, measured once.
	var starts, widths []int
	limit := 0
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '\n')
		end := len(text)
		if j >= 0 {
			end = i + j
		}
		w := visible(strings.TrimRight(text[i:end], "\r"))
		starts, widths = append(starts, i), append(widths, w)
		if w <= softWrap {
			limit = max(limit, w)
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	lineOf := func(off int) int { return sort.SearchInts(starts, off+1) - 1 }
	grow := make([]int, len(cands))
	// Most candidates share their variants (every space point has the
	// same ones): measure each shared set once.
	var lastVariants *string
	var lastLen, lastOrig, lastGrowth int
	for k := range cands {
		c := cands[k].Candidate
		if len(c.Variants) > 0 && &c.Variants[0] == lastVariants && len(c.Variants) == lastLen && c.Orig == lastOrig {
			grow[k] = lastGrowth
			continue
		}
		grow[k] = growth(c)
		if len(c.Variants) > 0 {
			lastVariants, lastLen, lastOrig, lastGrowth = &c.Variants[0], len(c.Variants), c.Orig, grow[k]
		}
	}
	out := cands[:0]
	var drop []bool
	for i := 0; i < len(cands); {
		l := lineOf(cands[i].Start)
		j := i
		total := 0
		for j < len(cands) && lineOf(cands[j].Start) == l {
			total += grow[j]
			j++
		}
		room := limit - widths[l]
		if widths[l] > softWrap {
			room = total // a paragraph on one line: the viewer wraps it
		}
		drop = slices.Grow(drop[:0], j-i)[:j-i]
		clear(drop)
		// The author's own variants go last: they were asked for.
		for _, author := range []bool{false, true} {
			for k := j - 1; k >= i && total > room; k-- {
				if grow[k] > 0 && (cands[k].kind == AuthorKind) == author {
					total -= grow[k]
					drop[k-i] = true
				}
			}
		}
		// out never passes i, so this compaction reads each
		// candidate before it is overwritten.
		for k := i; k < j; k++ {
			if !drop[k-i] {
				out = append(out, cands[k])
			}
		}
		i = j
	}
	return out
}
