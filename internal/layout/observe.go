package layout

import (
	"math"
	"slices"
	"sort"
)

// Observe measures the layout points a leak shows. Each seen page is
// matched to the plan page it shows most of (a whole page, a photo of
// part of one, a screenshot of half of one), or the two it straddles;
// each seen line to the plan line on those pages whose words it shares, and its words to the plan's
// by their normalized text, tolerating what OCR does to words (one
// wrong, missing or extra character in a word of four or more; a word
// split or merged simply matches nothing). A page whose lines break
// elsewhere than the plan's (a seen line runs on into the plan's next
// line, or starts with the end of its previous one, on a quarter of the
// lines matched) was typeset by something else, and yields nothing; on
// another page such a line is left out. A point is measured only when
// its word and both neighbours were matched, side by side; everything
// else is left out, never guessed.
//
// The measurement is differential: shift = ((g_before − r_before) −
// (g_after − r_after)) / 2, the seen gaps g converted to points by the
// line's scale (the median ratio of its stable words' seen and planned
// widths), r the plan's gaps (ink extents for an image, advance boxes
// for a PDF). Offset, scale, rotation and first-order perspective cancel.
// Sigma follows from the words' Sigma. A point seen on several pages is
// reported once, from the page that measured it most precisely.
func Observe(p *Plan, pages []SeenPage) []Observation {
	best := map[int]Observation{}
	for _, sp := range pages {
		for _, o := range p.observePage(sp) {
			if old, ok := best[o.Point]; !ok || o.Sigma < old.Sigma {
				best[o.Point] = o
			}
		}
	}
	out := make([]Observation, 0, len(best))
	for _, o := range best {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Point < out[j].Point })
	return out
}

// pointAt indexes the plan's points by line and box.
func (p *Plan) pointAt() map[[2]int]int {
	m := make(map[[2]int]int, len(p.points))
	for i, pt := range p.points {
		m[[2]int{pt.line, pt.box}] = i
	}
	return m
}

func (p *Plan) observePage(sp SeenPage) []Observation {
	if sp.Ink && p.noInk {
		return nil
	}
	// Normalized seen words, per line.
	norms := make([][]string, len(sp.Lines))
	for i, l := range sp.Lines {
		norms[i] = make([]string, len(l.Words))
		for j, w := range l.Words {
			norms[i][j] = Normalize(w.Text)
		}
	}
	pages := p.matchPages(norms)
	if len(pages) == 0 {
		return nil
	}
	type matched struct {
		line  int
		spans []span
		seen  int // seen line
	}
	var ms []matched
	var ratios []float64
	matchedLines, broken := 0, 0
	for si := range sp.Lines {
		li := p.matchLine(pages, norms[si])
		if li < 0 {
			continue
		}
		matchedLines++
		spans := align(norms[si], p.lines[li].boxes)
		if !p.reflows && p.runsOn(li, norms[si], spans) {
			broken++
			continue
		}
		ms = append(ms, matched{li, spans, si})
	}
	// A page whose lines break elsewhere than the plan's was typeset by
	// something else (retyped, or the original from a word processor):
	// its gaps are that typesetter's, not a copy's, so none is read. (A
	// reference plan's copies are laid out by the reference's
	// typesetter, which breaks a copy's lines after its own variants:
	// there a line that runs on is measured where it matches.)
	if broken >= 2 && broken*4 >= matchedLines {
		return nil
	}
	// Each line's scale, with the page's as a fallback for short lines.
	scales := make([]float64, len(ms))
	for i, m := range ms {
		var rs []float64
		for _, sn := range m.spans {
			if sn.s0 != sn.s1 || sn.b0 != sn.b1 {
				continue
			}
			b := &p.lines[m.line].boxes[sn.b0]
			w := sp.Lines[m.seen].Words[sn.s0]
			ref := b.w
			if sp.Ink {
				ref = b.inkR - b.inkL
			}
			if b.hasPoint || ref < 4 || w.Right <= w.Left {
				continue
			}
			rs = append(rs, (w.Right-w.Left)/ref)
		}
		if len(rs) >= 3 {
			scales[i] = median(rs)
		}
		ratios = append(ratios, rs...)
	}
	pageScale := 0.0
	if len(ratios) >= 3 {
		pageScale = median(ratios)
	}
	at := p.pointAt()
	var out []Observation
	for i, m := range ms {
		s := scales[i]
		if s == 0 {
			s = pageScale
		}
		if s <= 0 {
			continue
		}
		ws := sp.Lines[m.seen].Words
		boxes := p.lines[m.line].boxes
		// The spans that end or start at each box, and the one that is
		// exactly each box.
		ends, starts, whole := map[int]span{}, map[int]span{}, map[int]span{}
		for _, sn := range m.spans {
			ends[sn.b1], starts[sn.b0] = sn, sn
			if sn.b0 == sn.b1 {
				whole[sn.b0] = sn
			}
		}
		for k := 1; k+1 < len(boxes); k++ {
			pt, ok := at[[2]int{m.line, k}]
			if !ok {
				continue
			}
			// The point's word alone (OCR may have split it), right after
			// the seen word that ends its left neighbour and right
			// before the one that starts its right neighbour (either may
			// be merged with a further word: its other edge is unused).
			w, ok1 := whole[k]
			l, ok2 := ends[k-1]
			r, ok3 := starts[k+1]
			if !ok1 || !ok2 || !ok3 || l.s1 != w.s0-1 || r.s0 != w.s1+1 {
				continue
			}
			a, b, c := &boxes[k-1], &boxes[k], &boxes[k+1]
			rb := a.pitch(a.w) - a.w
			ra := b.pitch(b.w) - b.w
			if sp.Ink {
				rb = a.pitch(a.w) + b.inkL - a.inkR
				ra = b.pitch(b.w) + c.inkL - b.inkR
			}
			gb := ws[w.s0].Left - ws[l.s1].Right
			ga := ws[r.s0].Left - ws[w.s1].Right
			shift := ((gb/s - rb) - (ga/s - ra)) / 2
			sigma := math.Sqrt(sq(ws[l.s1].Sigma)+sq(ws[w.s0].Sigma)+sq(ws[w.s1].Sigma)+sq(ws[r.s0].Sigma)) / 2 / s
			// A gap far from anything a copy can show means the words
			// were matched or measured wrongly: leave the point out.
			if math.Abs(shift) > 4*p.delta+4*sigma {
				continue
			}
			out = append(out, Observation{Point: pt, Shift: shift, Sigma: sigma, Source: sp.Source})
		}
	}
	return out
}

// runsOn reports whether a seen line matched to plan line li (spans)
// breaks elsewhere than the plan: after li's last word it goes on with
// the first words of the next line, or before li's first word it has
// the last words of the previous one. A copy's lines never do.
func (p *Plan) runsOn(li int, seen []string, spans []span) bool {
	if len(spans) == 0 {
		return false
	}
	first, last := spans[0], spans[len(spans)-1]
	if last.b1 == len(p.lines[li].boxes)-1 && last.s1+1 < len(seen) && li+1 < len(p.lines) {
		next := align(seen[last.s1+1:], p.lines[li+1].boxes)
		if len(next) >= 2 && next[0].s0 <= 1 && next[0].b0 <= 1 {
			return true
		}
	}
	if first.b0 == 0 && first.s0 > 0 && li > 0 {
		prev := p.lines[li-1].boxes
		before := align(seen[:first.s0], prev)
		if n := len(before); n >= 2 && before[n-1].s1 >= first.s0-2 && before[n-1].b1 >= len(prev)-2 {
			return true
		}
	}
	return false
}

func sq(x float64) float64 { return x * x }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// matchPages returns the plan pages (1-based) a seen page shows: the one
// that holds most of its words, each word weighted by how few pages hold
// it, and any other holding nearly as much (a screenshot across a page
// break). It returns none when no page holds three of the words.
func (p *Plan) matchPages(norms [][]string) map[int]bool {
	words := map[string]bool{}
	for _, l := range norms {
		for _, w := range l {
			if len(w) >= 2 {
				words[w] = true
			}
		}
	}
	onPage := map[string]map[int]bool{}
	for li := range p.lines {
		l := &p.lines[li]
		for _, b := range l.boxes {
			if words[b.norm] {
				if onPage[b.norm] == nil {
					onPage[b.norm] = map[int]bool{}
				}
				onPage[b.norm][l.page] = true
			}
		}
	}
	votes := make([]float64, p.pages+1)
	count := make([]int, p.pages+1)
	for _, pages := range onPage {
		for pg := range pages {
			votes[pg] += 1 / float64(len(pages))
			count[pg]++
		}
	}
	best := 0
	for pg := 1; pg <= p.pages; pg++ {
		if best == 0 || votes[pg] > votes[best] {
			best = pg
		}
	}
	out := map[int]bool{}
	if best == 0 || count[best] < 3 {
		return out
	}
	for pg := 1; pg <= p.pages; pg++ {
		if count[pg] >= 3 && votes[pg] >= 0.3*votes[best] {
			out[pg] = true
		}
	}
	return out
}

// matchLine returns the line of pages that shares most words with a seen
// line, or -1 when none shares enough of them or two share as many.
func (p *Plan) matchLine(pages map[int]bool, seen []string) int {
	n := 0
	for _, w := range seen {
		if w != "" {
			n++
		}
	}
	if n < 3 {
		return -1
	}
	best, bestScore, tie := -1, 0, false
	for li := range p.lines {
		l := &p.lines[li]
		if !pages[l.page] {
			continue
		}
		score := len(align(seen, l.boxes))
		switch {
		case score > bestScore:
			best, bestScore, tie = li, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	if tie || bestScore < 3 || bestScore*2 < n {
		return -1
	}
	return best
}

// span pairs seen words s0..s1 with a line's boxes b0..b1 (inclusive):
// one with one, a word OCR split in two with its box, or two words OCR
// ran together with their boxes.
type span struct{ s0, s1, b0, b1 int }

// align matches seen words with a line's boxes in order, as many as it
// can (a longest common subsequence under wordsMatch, a split or merged
// word counting as one match), and returns the matched spans in order.
func align(seen []string, boxes []box) []span {
	n, m := len(seen), len(boxes)
	if n == 0 || m == 0 {
		return nil
	}
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	// step returns the span a match at (i, j) would make, of kind 0 (one
	// with one), 1 (a split word) or 2 (a merged one), if it matches.
	step := func(i, j, kind int) (span, bool) {
		switch kind {
		case 0:
			return span{i, i, j, j}, wordsMatch(seen[i], boxes[j].norm)
		case 1:
			return span{i, i + 1, j, j}, i+1 < n && seen[i] != "" && seen[i+1] != "" && wordsMatch(seen[i]+seen[i+1], boxes[j].norm)
		default:
			return span{i, i, j, j + 1}, j+1 < m && boxes[j].norm != "" && boxes[j+1].norm != "" && wordsMatch(seen[i], boxes[j].norm+boxes[j+1].norm)
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			v := max(dp[i+1][j], dp[i][j+1])
			for kind := range 3 {
				if sp, ok := step(i, j, kind); ok {
					v = max(v, dp[sp.s1+1][sp.b1+1]+1)
				}
			}
			dp[i][j] = v
		}
	}
	var out []span
	for i, j := 0, 0; i < n && j < m; {
		took := false
		for kind := range 3 {
			if sp, ok := step(i, j, kind); ok && dp[i][j] == dp[sp.s1+1][sp.b1+1]+1 {
				out = append(out, sp)
				i, j, took = sp.s1+1, sp.b1+1, true
				break
			}
		}
		if took {
			continue
		}
		if dp[i+1][j] >= dp[i][j+1] {
			i++
		} else {
			j++
		}
	}
	return out
}

// wordsMatch compares a seen word with a planned one, both normalized:
// equal, or for words of four letters or more, one edit apart.
func wordsMatch(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < 4 || len(rb) < 4 {
		return false
	}
	return oneEdit(ra, rb)
}

// oneEdit reports whether a and b are at most one insertion, deletion or
// substitution apart.
func oneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return string(a[i+1:]) == string(b[i+1:])
	}
	return string(a[i:]) == string(b[i+1:])
}
