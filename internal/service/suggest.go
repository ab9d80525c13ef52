package service

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Where an author variant helps most.
//
// A normalized or retyped leak keeps only the lexical channel, and a leak
// is traced by the lexical points inside it: the long stretches of a
// document without any are what a short leak can fall into and carry
// nothing. Suggest therefore proposes sentences in the middle of the
// longest such stretches, one at a time: each proposal splits its stretch
// in two, and the next goes to the longest stretch left. Sentences in
// protected text or quotations (which copies never change), sentences
// that already carry a lexical point, text that does not end like a
// sentence (headings, header lines) and fragments of fewer than
// minSuggestWords words are never proposed.

// minSuggestWords is the fewest words a proposed sentence has.
const minSuggestWords = 6

// Suggestion is a sentence where an author variant would add the most.
type Suggestion struct {
	Region int `json:"region"` // the document's part (0 for plain text)
	Line   int `json:"line"`   // line in the part, from 1
	// Word is the sentence's first word's position among the document's
	// words, from 1; Words its length in words.
	Word     int    `json:"word"`
	Words    int    `json:"words"`
	Sentence string `json:"sentence"`
	// Gap is the stretch of words without a lexical point the sentence
	// lies in (after the suggestions before it), and Split the two
	// stretches a variant in it would leave.
	Gap   int    `json:"gap_words"`
	Split [2]int `json:"split"`
}

// SuggestReport lists the suggestions for one document.
type SuggestReport struct {
	Document string `json:"document"`
	Words    int    `json:"words"`
	Lexical  int    `json:"lexical_points"`
	// LongestGap is the longest stretch of words without a lexical point
	// now, and LongestGapAfter after a variant in every suggestion.
	LongestGap      int          `json:"longest_gap"`
	LongestGapAfter int          `json:"longest_gap_after"`
	Suggestions     []Suggestion `json:"suggestions"`
}

// Suggest proposes up to n sentences of a registered document where an
// author variant would shorten the longest stretches without a lexical
// point. It needs no key.
func (s *Service) Suggest(ctx context.Context, docID string, n int) (*SuggestReport, error) {
	if n < 1 {
		return nil, fmt.Errorf("%d suggestions asked for; ask for at least 1", n)
	}
	d, err := s.Store.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	a, err := d.Analyze()
	if err != nil {
		return nil, fmt.Errorf("document %q: %w", d.ID, err)
	}
	rep := &SuggestReport{Document: d.ID, Words: d.Words}
	if d.Verbatim {
		return nil, fmt.Errorf("%w: %s is registered verbatim: its wording never moves, so no variant of it can be used", ErrVerbatim, d.ID)
	}
	regions := a.Set.Doc.Regions()
	// Tokens of every region, numbered across the document.
	type tok struct {
		region int
		marks.Token
	}
	var toks []tok
	first := make([]int, len(regions)+1)
	for r, reg := range regions {
		first[r] = len(toks)
		for _, t := range marks.Spans(reg.Text) {
			toks = append(toks, tok{r, t})
		}
	}
	first[len(regions)] = len(toks)
	// tokenAt is the index of the first token of region r starting at or
	// after byte off.
	tokenAt := func(r, off int) int {
		lo, hi := first[r], first[r+1]
		return lo + sort.Search(hi-lo, func(i int) bool { return toks[lo+i].Start >= off })
	}
	// Lexical points, at the token where each starts.
	var points []int
	for _, p := range a.Set.Points {
		if p.Channel == marks.Lexical {
			points = append(points, tokenAt(p.Region, p.Start))
			rep.Lexical++
		}
	}
	// Candidate sentences.
	type sentence struct {
		region, start, end int // bytes
		t0, t1             int // tokens [t0, t1)
	}
	var cands []sentence
	for r, reg := range regions {
		prot := a.Set.Protected[r]
		for _, sp := range sentences(reg.Text) {
			t0, t1 := tokenAt(r, sp[0]), tokenAt(r, sp[1])
			if t1-t0 < minSuggestWords || !complete(reg.Text[sp[0]:sp[1]]) || quoted(reg.Text[sp[0]:sp[1]]) || marks.Quoted(reg.Text, sp[0], sp[1]) || overlapsAny(prot, sp[0], sp[1]) {
				continue
			}
			cands = append(cands, sentence{r, sp[0], sp[1], t0, t1})
		}
	}
	hasPoint := func(t0, t1 int) bool {
		i := sort.SearchInts(points, t0)
		return i < len(points) && points[i] < t1
	}
	sort.Ints(points)
	// gapAround returns the stretch [lo, hi) without a point around token t.
	gapAround := func(t int) (int, int) {
		i := sort.SearchInts(points, t)
		lo, hi := 0, len(toks)
		if i > 0 {
			lo = points[i-1]
		}
		if i < len(points) {
			hi = points[i]
		}
		return lo, hi
	}
	longest := func() int {
		g, prev := 0, 0
		for _, p := range points {
			g, prev = max(g, p-prev), p
		}
		return max(g, len(toks)-prev)
	}
	rep.LongestGap = longest()
	used := make([]bool, len(cands))
	for len(rep.Suggestions) < n {
		best, bestGap, bestOff := -1, 0, 0
		for i, c := range cands {
			if used[i] || hasPoint(c.t0, c.t1) {
				continue
			}
			mid := (c.t0 + c.t1) / 2
			lo, hi := gapAround(mid)
			// The longest stretch first, then the sentence nearest its
			// middle.
			off := abs(mid - (lo+hi)/2)
			if hi-lo > bestGap || hi-lo == bestGap && off < bestOff {
				best, bestGap, bestOff = i, hi-lo, off
			}
		}
		if best < 0 {
			break
		}
		c := cands[best]
		used[best] = true
		mid := (c.t0 + c.t1) / 2
		lo, hi := gapAround(mid)
		text := regions[c.region].Text
		rep.Suggestions = append(rep.Suggestions, Suggestion{Region: c.region, Line: 1 + strings.Count(text[:c.start], "\n"),
			Word: c.t0 + 1, Words: c.t1 - c.t0, Sentence: oneLine(text[c.start:c.end]), Gap: hi - lo, Split: [2]int{mid - lo, hi - mid}})
		points = append(points, mid)
		sort.Ints(points)
	}
	rep.LongestGapAfter = longest()
	return rep, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sentences splits text into sentence spans, without the white space
// around them: a sentence ends after a full stop, question or exclamation
// mark followed by white space, or at a blank line.
func sentences(text string) [][2]int {
	isWS := func(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }
	var out [][2]int
	start := -1
	flush := func(end int) {
		for end > start && start >= 0 && isWS(text[end-1]) {
			end--
		}
		if start >= 0 && end > start {
			out = append(out, [2]int{start, end})
		}
		start = -1
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if start < 0 {
			if !isWS(c) {
				start = i
			}
			continue
		}
		if c == '\n' && (strings.HasPrefix(text[i+1:], "\n") || strings.HasPrefix(text[i+1:], "\r\n")) {
			flush(i)
			continue
		}
		if sentenceEndsAt(text, i) {
			j := i + 1
			for j < len(text) && strings.ContainsRune(`"')]`, rune(text[j])) {
				j++
			}
			flush(j)
			i = j - 1
		}
	}
	flush(len(text))
	return out
}

// complete reports whether s ends like a sentence, so that headings,
// header lines and list fragments are not proposed.
func complete(s string) bool {
	s = strings.TrimRight(s, `"')]`+"\u201D\u2019")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?")
}

// quoted reports whether a sentence holds quoted words or quoted email
// lines, which copies leave alone.
func quoted(s string) bool {
	if strings.ContainsAny(s, "\"\u201C\u201D\u00AB\u00BB") {
		return true
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			return true
		}
	}
	return false
}

func overlapsAny(spans []format.Span, start, end int) bool {
	for _, sp := range spans {
		if sp.Start < end && start < sp.End {
			return true
		}
	}
	return false
}
