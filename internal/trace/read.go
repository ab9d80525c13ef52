package trace

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/marks"
)

// Reading marks.
//
// A point is read from the stretch of the leak between the tokens that
// flank it in the source: the last source token ending before the point
// and the first starting after it, when both are aligned to the leak, in
// the same alignment block, in order. Each kind of point has a key: the
// part of such a stretch that tells its variants apart (the zero-width
// characters for a space point, the quote characters for a quote point,
// the normalized wording for a lexical point). The observation is the set
// of variants whose key matches the leak's.
//
// Erasure. A typographic feature that appears nowhere in the leak (no
// zero-width character of some kind, no curly apostrophe, no trailing
// space) may have been stripped by whatever carried the leak, so the leak
// cannot tell a variant with that feature from one without it: the
// feature is degraded to its plain form in every variant before keys are
// compared. A point whose variants all look alike then says nothing and
// is left out. This depends on the leak alone, never on any reader, so
// it cannot bias the false-accusation bound; it only avoids wasting
// evidence on misreadings.

// keyFunc extracts the distinguishing part of a stretch of text. ok is
// false when the stretch cannot show the point at all.
type keyFunc func(s string) (key string, ok bool)

func keepRunes(set string) keyFunc {
	return func(s string) (string, bool) {
		var b strings.Builder
		for _, r := range s {
			if strings.ContainsRune(set, r) {
				b.WriteRune(r)
			}
		}
		return b.String(), true
	}
}

var reTrailing = regexp.MustCompile(`(?m) \r?$`)

func eolKey(s string) (string, bool) {
	i := strings.IndexByte(s, '\n')
	if i < 0 {
		return "", false // the line break is gone: unreadable
	}
	if strings.HasSuffix(strings.TrimSuffix(s[:i], "\r"), " ") {
		return "space", true
	}
	return "none", true
}

func lexicalKey(s string) (string, bool) {
	n := marks.Normalize(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, n), true
}

// keyFor returns the key function of a point kind.
func keyFor(p *marks.Point) keyFunc {
	if p.Channel == marks.Lexical {
		return lexicalKey
	}
	switch p.Kind {
	case "space":
		return keepRunes(marks.ZeroWidth)
	case "eol-space":
		return eolKey
	case "apostrophe":
		return keepRunes("'\u2019")
	case "quote":
		return keepRunes("\"\u201C\u201D")
	case "ellipsis":
		return func(s string) (string, bool) {
			switch {
			case strings.Contains(s, "\u2026"):
				return "…", true
			case strings.Contains(s, "..."):
				return "...", true
			}
			return "", false
		}
	}
	return lexicalKey
}

// degrader rewrites a rendering as the leak's carrier would have left it,
// given which features survive anywhere in the leak.
type degrader struct {
	repl *strings.Replacer
	// gone lists kinds erased outright (smart-quote carriers that
	// curl every quote, no trailing spaces anywhere).
	gone map[string]bool
}

func newDegrader(leak string) *degrader {
	d := &degrader{gone: map[string]bool{}}
	var pairs []string
	for _, r := range marks.ZeroWidth {
		if !strings.ContainsRune(leak, r) {
			pairs = append(pairs, string(r), "")
		}
	}
	for _, f := range []struct {
		kind, fancy, plain string
	}{{"apostrophe", "\u2019", "'"}, {"quote", "\u201C", `"`}, {"quote", "\u201D", `"`}, {"ellipsis", "\u2026", "..."}} {
		if !strings.Contains(leak, f.fancy) {
			pairs = append(pairs, f.fancy, f.plain)
		}
	}
	// A carrier that curls quotes leaves no straight ones.
	if !strings.Contains(leak, "'") && strings.Count(leak, "\u2019") >= 2 {
		d.gone["apostrophe"] = true
	}
	if !strings.Contains(leak, `"`) && strings.Count(leak, "\u201C")+strings.Count(leak, "\u201D") >= 2 {
		d.gone["quote"] = true
	}
	if !reTrailing.MatchString(leak) {
		d.gone["eol-space"] = true
	}
	d.repl = strings.NewReplacer(pairs...)
	return d
}

// Observation is what the leak shows at one point.
type Observation struct {
	// Point indexes the document's points, or for a layout observation
	// the points of its layout plan.
	Point   int
	Symbols []uint8 // the variants consistent with the leak, sorted
	// Leak byte span the point was read from, for quoting evidence, in
	// the text of the leak's input Input (see Leak.Input).
	LeakStart, LeakEnd int
	Input              int
	// Eta is the probability that the reading is not the leaker's mark,
	// for a soft reading that knows it (a layout point's measured shift);
	// zero means the score's default allowance, as for every text mark.
	Eta float64
	// Layout marks an observation of a layout point, scored against the
	// document's layout code; Source names the page it was measured on.
	Layout bool
	Source string
}

// srcToken is a source token with its region.
type srcToken struct {
	marks.Token
	Region int
}

// reader reads the points of one source document.
type reader struct {
	regions []string
	points  []marks.Point
	tokens  []srcToken
	first   []int // first[r] = index of region r's first token
}

func newReader(regions []string, points []marks.Point) *reader {
	rd := &reader{regions: regions, points: points, first: make([]int, len(regions)+1)}
	spans := make([][]marks.Token, len(regions))
	n := 0
	for r, text := range regions {
		spans[r] = marks.Spans(text)
		n += len(spans[r])
	}
	rd.tokens = make([]srcToken, 0, n)
	for r := range regions {
		rd.first[r] = len(rd.tokens)
		for _, t := range spans[r] {
			rd.tokens = append(rd.tokens, srcToken{t, r})
		}
		spans[r] = nil
	}
	rd.first[len(regions)] = len(rd.tokens)
	return rd
}

// flank returns the source tokens around point p: the last ending at or
// before its start and the first starting at or after its end, or -1.
func (rd *reader) flank(p *marks.Point) (int, int) {
	lo, hi := rd.first[p.Region], rd.first[p.Region+1]
	toks := rd.tokens[lo:hi]
	b := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= p.End })
	a := sort.Search(len(toks), func(i int) bool { return toks[i].End > p.Start }) - 1
	if a < 0 || b >= len(toks) {
		return -1, -1
	}
	return lo + a, lo + b
}

// room is how many leak tokens may lie between the flanks a and b of
// point p: as many as the source has there, plus one. An author's
// variant may have more words than the original, so it makes room for
// its longest rendering, plus one.
func (rd *reader) room(p *marks.Point, a, b int) int {
	n := b - a
	if p.Kind != marks.AuthorKind {
		return n
	}
	text := rd.regions[p.Region]
	gs, ge := rd.tokens[a].End, rd.tokens[b].Start
	if ge < gs || p.Start < gs || p.End > ge {
		return n
	}
	for _, v := range p.Variants {
		n = max(n, len(marks.Spans(text[gs:p.Start]+v+text[p.End:ge]))+1)
	}
	return n
}

// read returns the observations the aligned leak supports. Each point is
// read at most once, from the one leak token each source token is aligned
// to, so that no observation counts twice.
func (rd *reader) read(leak string, leakToks []marks.Token, pairs []pair) []Observation {
	toLeak := make(map[int]pair, len(pairs))
	fragBlock := make(map[int]int, len(pairs))
	for _, p := range pairs {
		toLeak[p.Src] = p
		fragBlock[p.Frag] = p.Block
	}
	deg := newDegrader(leak)
	var out []Observation
	for i := range rd.points {
		p := &rd.points[i]
		if deg.gone[p.Kind] && p.Channel == marks.Typographic {
			continue
		}
		a, b := rd.flank(p)
		if a < 0 {
			continue
		}
		pa, okA := toLeak[a]
		pb, okB := toLeak[b]
		if !okA || !okB || pa.Block != pb.Block || pa.Frag >= pb.Frag {
			continue
		}
		// The leak may hold as many tokens between the flanks as the
		// source does, plus one (a variant with one word more); none
		// of them may belong to another alignment block.
		between := pb.Frag - pa.Frag - 1
		if between > rd.room(p, a, b) {
			continue
		}
		foreign := false
		for f := pa.Frag + 1; f < pb.Frag; f++ {
			if blk, ok := fragBlock[f]; ok && blk != pa.Block {
				foreign = true
			}
		}
		if foreign {
			continue
		}
		text := rd.regions[p.Region]
		gs, ge := rd.tokens[a].End, rd.tokens[b].Start
		ls, le := leakToks[pa.Frag].End, leakToks[pb.Frag].Start
		if ge < gs || le < ls {
			continue
		}
		key := keyFor(p)
		got, ok := key(leak[ls:le])
		if !ok {
			continue
		}
		var syms []uint8
		distinct := map[string]bool{}
		for v, variant := range p.Variants {
			r := deg.repl.Replace(text[gs:p.Start] + variant + text[p.End:ge])
			k, ok := key(r)
			if !ok {
				continue
			}
			distinct[k] = true
			if k == got {
				syms = append(syms, uint8(v))
			}
		}
		if len(syms) == 0 || len(distinct) < 2 || len(syms) == len(p.Variants) {
			continue // unrecognized, or every variant looks the same
		}
		out = append(out, Observation{Point: i, Symbols: syms, LeakStart: ls, LeakEnd: le})
	}
	return out
}
