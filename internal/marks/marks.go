// Package marks finds the variation points of a document: the spots whose
// rendering can change without changing what the document says or how it
// looks. Each point belongs to one channel. A copy is the document with
// one variant chosen at every point.
//
// Invariants, checked by the package's property tests on real text:
//   - every combination of variants canonicalizes ([Canonical]) to the
//     same tokens as the source, except at the author's own variants
//     (author.go), which are read between the words around them;
//   - points never overlap and never touch protected text (code, URLs,
//     addresses, identifiers, hashes, command lines);
//   - no variant contains a line break, so copies keep the line structure.
package marks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
)

// Channel groups points by what survives them (see the threat model).
type Channel uint8

const (
	// Typographic points live in characters a paste keeps and a
	// normalizer removes: zero-width characters, quote and apostrophe
	// shapes, the ellipsis character.
	Typographic Channel = 1
	// Lexical points live in wording and punctuation that survive
	// normalization and retyping.
	Lexical Channel = 2
	// Layout points live in the geometry of a typeset page (a word
	// shifted along its line), read back from a PDF's glyph positions or
	// from the pixels of a photo, scan or screenshot. They are the
	// layout package's, never a document's text points.
	Layout Channel = 3
)

// Channels lists every channel, in report order.
var Channels = []Channel{Typographic, Lexical, Layout}

// TextChannels lists the channels of a document's text points, in report
// order: every channel but Layout.
var TextChannels = []Channel{Typographic, Lexical}

func (c Channel) String() string {
	switch c {
	case Typographic:
		return "typographic"
	case Lexical:
		return "lexical"
	case Layout:
		return "layout"
	}
	return fmt.Sprintf("channel(%d)", uint8(c))
}

// Point is one variation point.
type Point struct {
	Region     int // index into the document's regions
	Start, End int // byte span of the source rendering in the region's text
	Channel    Channel
	Kind       string   // what varies, e.g. "space", "apostrophe", "serial-comma"
	Variants   []string // the renderings; Variants[Orig] is the source's
	Orig       int
}

// Set is a document together with its variation points, in document order.
type Set struct {
	Doc    format.Document
	Points []Point
	Words  int // canonical words in the document's prose
	// Protected lists, per region, the spans no point may touch
	// (sorted, merged).
	Protected [][]format.Span
	// AuthorProblems lists the author variants (Options.Author) that
	// could not become points, and why.
	AuthorProblems []AuthorProblem
}

// Named turns per-channel counts into counts by channel name, with every
// channel present (zero where it has none), for reports.
func Named(counts map[Channel]int) map[string]int {
	return named(Channels, counts)
}

// NamedText is Named for the counts of a document's text points: every
// text channel present, and no Layout (which a document's text never
// holds).
func NamedText(counts map[Channel]int) map[string]int {
	return named(TextChannels, counts)
}

func named(chs []Channel, counts map[Channel]int) map[string]int {
	out := make(map[string]int, len(chs))
	for _, ch := range chs {
		out[ch.String()] = counts[ch]
	}
	return out
}

// ByChannel counts the points of each channel.
func (s *Set) ByChannel() map[Channel]int {
	m := make(map[Channel]int)
	for _, p := range s.Points {
		m[p.Channel]++
	}
	return m
}

// Specs describes the points to the code: lexical points are scarce and
// get dense biases, typographic points spread ones.
func (s *Set) Specs() []code.Spec {
	out := make([]code.Spec, len(s.Points))
	for i, p := range s.Points {
		out[i] = code.Spec{Arity: len(p.Variants), Class: code.Spread}
		if p.Channel == Lexical {
			out[i].Class = code.Dense
		}
	}
	return out
}

// Edits returns the edits that render the copy whose variant at point i is
// symbols[i]. Points whose chosen variant is the source's need no edit.
func (s *Set) Edits(symbols []uint8) []format.Edit {
	edits := make([]format.Edit, 0, len(s.Points))
	for i := range s.Points {
		p := &s.Points[i]
		v := int(symbols[i])
		if v == p.Orig {
			continue
		}
		edits = append(edits, format.Edit{Region: p.Region, Start: p.Start, End: p.End, Text: p.Variants[v]})
	}
	return edits
}

// candidate is a point being considered: its span and variants, and what
// it is.
type candidate struct {
	format.Candidate
	channel Channel
	kind    string
}

// Options say how a document's points are found.
type Options struct {
	// Catalogue is the point catalogue version (lexicon.V1 …
	// lexicon.Latest); 0 means lexicon.Latest.
	Catalogue int
	// Verbatim leaves out every lexical point: the wording never moves.
	Verbatim bool
	// Author lists the author's own variants (catalogue V2 and later,
	// not verbatim), each a lexical point of kind [AuthorKind].
	Author []AuthorVariant
}

// Find returns the variation points of doc under the latest catalogue.
func Find(doc format.Document) *Set { return FindWith(doc, Options{}) }

// FindWith returns the variation points of doc as opts say.
func FindWith(doc format.Document, opts Options) *Set {
	if opts.Catalogue == 0 {
		opts.Catalogue = lexicon.Latest
	}
	regions := doc.Regions()
	texts := make([]string, len(regions))
	for i, r := range regions {
		texts[i] = r.Text
	}
	// Under catalogue 2, quoted text is never changed visibly, and the
	// document's own style is read from the author's prose only: a quoted
	// "don't" does not license contracting the author's words.
	desc := format.Of(doc)
	quoted := make([][]format.Span, len(regions))
	styleTexts := texts
	style := quoteStyle{apostrophes: true, quotes: true, ellipses: true}
	if opts.Catalogue >= lexicon.V2 {
		style = documentQuoteStyle(texts)
		styleTexts = make([]string, len(texts))
		for i, t := range texts {
			quoted[i] = quotedSpans(t, desc.MarkdownSyntax)
			styleTexts[i] = blank(t, quoted[i])
		}
	}
	lex := lexicon.NewFinder(styleTexts, opts.Catalogue)
	set := &Set{Doc: doc}
	prots := make([]*protection, len(regions))
	for ri, r := range regions {
		prots[ri] = newProtection(r.Text, r.Protected)
		prots[ri].quoted = quoted[ri]
		set.Protected = append(set.Protected, prots[ri].spans)
	}
	author, problems := placeAuthor(texts, prots, opts.Author, opts)
	set.AuthorProblems = problems
	for ri, r := range regions {
		prot := prots[ri]
		set.Words += countWords(r.Text, prot)
		var lexical []lexicon.Candidate
		if !opts.Verbatim {
			lexical = withAuthor(r.Text, lex.Find(r.Text), author[ri])
		}
		typo := typographic(r.Text, prot, desc.LineEndSpaces, style)
		cands := make([]candidate, 0, len(lexical)+len(typo))
		taken := make([]format.Span, 0, len(lexical))
		for _, c := range lexical {
			if prot.overlaps(c.Start, c.End) || !validVariants(c.Variants) || prot.inQuotation(c.Start, c.End) ||
				!style.allows(c.Variants) {
				continue
			}
			cands = append(cands, candidate{format.Candidate{Start: c.Start, End: c.End, Variants: c.Variants, Orig: c.Orig}, Lexical, c.Kind})
			taken = append(taken, format.Span{Start: c.Start, End: c.End})
		}
		lexical = nil
		taken = format.Unite(taken)
		for _, c := range typo {
			// Touching counts: a lexical variant may drop the space an
			// insertion sits before ("2 percent" → "2%"), which would put
			// the insertion inside a word.
			if touchesAny(taken, c.Start, c.End) {
				continue
			}
			// Inside quoted text only the invisible insertions between
			// words may go.
			if c.kind != "space" && prot.inQuotation(c.Start, c.End) {
				continue
			}
			cands = append(cands, candidate{c.Candidate, Typographic, c.kind})
		}
		typo, taken = nil, nil
		// Points in document order; Fit sees them in that order too.
		sort.SliceStable(cands, func(a, b int) bool {
			ca, cb := &cands[a], &cands[b]
			if ca.Start != cb.Start {
				return ca.Start < cb.Start
			}
			return ca.End < cb.End // an insertion before a replacement at the same offset
		})
		// Keep lines within the source's widest line, then let the
		// format drop what its encoding cannot carry.
		cands = fitWidth(r.Text, cands)
		fc := make([]format.Candidate, len(cands))
		for i := range cands {
			fc[i] = cands[i].Candidate
		}
		kept := doc.Fit(ri, fc)
		set.Points = slices.Grow(set.Points, len(kept))
		// Fit returns a subsequence; match it back to the metadata by
		// span. Spans are distinct, but an insertion and a replacement
		// may start at the same offset, so both ends must match.
		j := 0
		for _, c := range kept {
			for j < len(cands) && (cands[j].Start != c.Start || cands[j].End != c.End) {
				j++
			}
			if j == len(cands) {
				break
			}
			m := &cands[j]
			j++
			if len(c.Variants) < 2 {
				continue
			}
			set.Points = append(set.Points, Point{
				Region: ri, Start: c.Start, End: c.End,
				Channel: m.channel, Kind: m.kind, Variants: c.Variants, Orig: c.Orig,
			})
		}
	}
	checkAuthorPlaced(set, author)
	return set
}

func validVariants(vs []string) bool {
	if len(vs) < 2 || len(vs) > 255 {
		return false
	}
	for _, v := range vs {
		if strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// touchesAny reports whether [start, end] touches any of spans, given as
// their union: disjoint, in order (see unite). Only the first span ending
// at or after start can touch.
func touchesAny(spans []format.Span, start, end int) bool {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End >= start })
	return i < len(spans) && spans[i].Start <= end
}

// countWords counts the canonical words of text outside protected spans.
func countWords(text string, prot *protection) int {
	n := 0
	at := 0
	for _, s := range prot.spans {
		n += countTokens(Normalize(text[at:s.Start]))
		at = s.End
	}
	return n + countTokens(Normalize(text[at:]))
}

// isWordRune reports whether r makes a neighbour a word for the purpose
// of marking the space beside it.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// blank returns text with the spans replaced by spaces, byte for byte.
func blank(text string, spans []format.Span) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	for _, s := range spans {
		for i := s.Start; i < s.End; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}
