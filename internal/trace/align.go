package trace

import "sort"

// Alignment of a leaked fragment's tokens to a source document's tokens.
//
// The fragment may be an excerpt, have typos, have sentences dropped or
// reordered, and quote several documents. The aligner therefore finds
// local alignments (Smith–Waterman) one at a time: the best alignment of
// the whole fragment, then the best of each stretch of the fragment left
// unaligned, until no stretch aligns well enough. Tokens match if equal,
// or "similar" (a typo away) when long enough.

// Scores of the local alignment.
const (
	scoreEqual    = 3
	scoreSimilar  = 1
	scoreMismatch = -2
	scoreGap      = -2
	// minBlockEqual is how many equal tokens an alignment needs to count.
	minBlockEqual = 6
	// minStretch is the shortest unaligned stretch worth another pass.
	minStretch = 8
	// maxChunk is the longest stretch of a fragment aligned in one pass.
	maxChunk = 1500
	// maxCells bounds the dynamic-programming table of one pass.
	maxCells = 32 << 20
)

// pair links a fragment token to a source token.
type pair struct {
	Frag, Src int
	Equal     bool
	Block     int // which alignment pass produced it
}

// aligner compares interned tokens. similar[w] lists the source words a
// typo away from fragment word w, found through shared one-deletion keys
// (every word within one substitution, insertion, deletion or
// transposition of another shares such a key with it).
type aligner struct {
	similar [][]int32 // indexed by word id
}

// newAligner prepares the typo neighbours of the fragment's words among
// the source's. words maps ids back to texts.
func newAligner(words []string, frag, src []int32) *aligner {
	keys := map[string][]int32{}
	seen := map[int32]bool{}
	for _, id := range src {
		if seen[id] || len([]rune(words[id])) < 4 {
			continue
		}
		seen[id] = true
		for _, k := range deletions(words[id]) {
			keys[k] = append(keys[k], id)
		}
	}
	a := &aligner{similar: make([][]int32, len(words))}
	done := map[int32]bool{}
	for _, f := range frag {
		if done[f] || len([]rune(words[f])) < 4 {
			continue
		}
		done[f] = true
		cand := map[int32]bool{}
		for _, k := range deletions(words[f]) {
			for _, id := range keys[k] {
				if id != f && !cand[id] && typoAway(words[f], words[id]) {
					cand[id] = true
					a.similar[f] = append(a.similar[f], id)
				}
			}
		}
	}
	return a
}

// deletions returns w and every string made by deleting one rune of it.
func deletions(w string) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs)+1)
	out = append(out, w)
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// intern maps token texts to ids shared across fragment and source.
func intern(ids map[string]int32, words *[]string, toks []string) []int32 {
	out := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := ids[t]
		if !ok {
			id = int32(len(*words))
			ids[t] = id
			*words = append(*words, t)
		}
		out[i] = id
	}
	return out
}

func (a *aligner) score(x, y int32) int32 {
	return pairScore(x, y, a.similar[x])
}

// pairScore scores fragment word x against source word y, given x's typo
// neighbours.
func pairScore(x, y int32, similar []int32) int32 {
	if x == y {
		return scoreEqual
	}
	for _, s := range similar {
		if s == y {
			return scoreSimilar
		}
	}
	return scoreMismatch
}

// typoAway reports whether two distinct words of four or more letters
// differ by one edit: a substitution, insertion, deletion or
// transposition of adjacent letters.
func typoAway(x, y string) bool {
	a, b := []rune(x), []rune(y)
	if len(a) < 4 || len(b) < 4 || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	ja, jb := len(a), len(b)
	for ja > i && jb > i && a[ja-1] == b[jb-1] {
		ja, jb = ja-1, jb-1
	}
	da, db := ja-i, jb-i // the differing middles
	switch {
	case da <= 1 && db <= 1:
		return da+db > 0 // substitution, insertion or deletion
	case da == 2 && db == 2:
		return a[i] == b[i+1] && a[i+1] == b[i] // transposition
	}
	return false
}

// anchorK is the length of the exact token runs used as anchors.
const anchorK = 5

// anchorIndex maps every run of anchorK tokens of frag that occurs in src
// to where it first starts in src. Only the fragment's runs are ever
// looked up, so a long source costs one pass over its tokens, not a map
// entry for each of them.
func anchorIndex(frag, src []int32) map[[anchorK]int32]int {
	idx := make(map[[anchorK]int32]int, len(frag))
	var first []bool // first[id]: some run of frag starts with word id
	for i := 0; i+anchorK <= len(frag); i++ {
		var k [anchorK]int32
		copy(k[:], frag[i:i+anchorK])
		idx[k] = -1
		if int(k[0]) >= len(first) {
			first = append(first, make([]bool, int(k[0])+1-len(first))...)
		}
		first[k[0]] = true
	}
	missing := len(idx)
	for i := 0; i+anchorK <= len(src) && missing > 0; i++ {
		if int(src[i]) >= len(first) || !first[src[i]] {
			continue
		}
		var k [anchorK]int32
		copy(k[:], src[i:i+anchorK])
		if j, ok := idx[k]; ok && j < 0 {
			idx[k] = i
			missing--
		}
	}
	for k, j := range idx {
		if j < 0 {
			delete(idx, k)
		}
	}
	return idx
}

// window returns the part of the source a stretch of the fragment should
// be aligned against: around the stretch's exact anchor matches, with room
// for the stretch's length on either side, or the whole source when it
// has none. Restricting the table this way keeps long leaks fast without
// changing what aligns: a local alignment of the stretch lies within its
// length of an anchor it contains.
func window(frag, src []int32, anchors map[[anchorK]int32]int) (int, int) {
	var diags []int
	for i := 0; i+anchorK <= len(frag); i++ {
		var k [anchorK]int32
		copy(k[:], frag[i:i+anchorK])
		if j, ok := anchors[k]; ok {
			diags = append(diags, j-i)
		}
	}
	if len(diags) == 0 {
		return 0, len(src)
	}
	sort.Ints(diags)
	d := diags[len(diags)/2] // the median diagonal
	slack := len(frag)/4 + 32
	return max(0, d-slack), min(len(src), d+len(frag)+slack)
}

// align returns the aligned pairs of frag against src, sorted by Frag.
func (a *aligner) align(frag, src []int32) []pair {
	anchors := anchorIndex(frag, src)
	used := make([]bool, len(frag))
	var pairs []pair
	block := 0
	// Long fragments are aligned in chunks, each against its own window
	// of the source, which keeps every table small; only a point whose
	// flanking words straddle two chunks is lost.
	var stretches [][2]int
	for lo := 0; lo < len(frag); lo += maxChunk {
		stretches = append(stretches, [2]int{lo, min(lo+maxChunk, len(frag))})
	}
	for len(stretches) > 0 && block < 64+len(frag)/maxChunk {
		st := stretches[0]
		stretches = stretches[1:]
		lo0, hi0 := window(frag[st[0]:st[1]], src, anchors)
		got := a.local(frag[st[0]:st[1]], src[lo0:hi0])
		for k := range got {
			got[k].Src += lo0
		}
		equal := 0
		for _, p := range got {
			if p.Equal {
				equal++
			}
		}
		if equal < minBlockEqual {
			// A stretch too long for one table was aligned by its head
			// only; its tail may still align.
			if n := maxCells / max(1, hi0-lo0); st[1]-st[0] > n && st[1]-(st[0]+n) >= minStretch {
				stretches = append(stretches, [2]int{st[0] + n, st[1]})
			}
			continue
		}
		lo, hi := st[1], st[0]
		for _, p := range got {
			p.Frag += st[0]
			p.Block = block
			used[p.Frag] = true
			pairs = append(pairs, p)
			lo, hi = min(lo, p.Frag), max(hi, p.Frag+1)
		}
		block++
		// What is left of this stretch on either side may align elsewhere.
		for _, s := range [][2]int{{st[0], lo}, {hi, st[1]}} {
			if s[1]-s[0] >= minStretch {
				stretches = append(stretches, s)
			}
		}
	}
	sortPairs(pairs)
	return pairs
}

func sortPairs(ps []pair) {
	// Insertion sort: pairs arrive nearly sorted, block by block.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Frag < ps[j-1].Frag; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// local finds the best local alignment of frag within src and returns its
// matched pairs (equal or similar tokens; substitutions and gaps are left
// out).
func (a *aligner) local(frag, src []int32) []pair {
	n, m := len(frag), len(src)
	if n == 0 || m == 0 {
		return nil
	}
	if n*m > maxCells {
		// Too large for one table: align the fragment's head only; the
		// rest is aligned in later passes.
		n = max(1, maxCells/m)
		frag = frag[:n]
	}
	const (
		stop = iota
		diag
		up
		left
	)
	trace := make([]byte, (n+1)*(m+1))
	prev := make([]int32, m+1)
	cur := make([]int32, m+1)
	best, bi, bj := int32(0), 0, 0
	for i := 1; i <= n; i++ {
		cur[0] = 0
		fi := frag[i-1]
		sim := a.similar[fi]
		row := trace[i*(m+1):]
		for j := 1; j <= m; j++ {
			d := prev[j-1] + pairScore(fi, src[j-1], sim)
			u := prev[j] + scoreGap
			l := cur[j-1] + scoreGap
			v, t := int32(0), byte(stop)
			if d > v {
				v, t = d, diag
			}
			if u > v {
				v, t = u, up
			}
			if l > v {
				v, t = l, left
			}
			cur[j] = v
			row[j] = t
			if v > best {
				best, bi, bj = v, i, j
			}
		}
		prev, cur = cur, prev
	}
	var out []pair
	for i, j := bi, bj; i > 0 && j > 0; {
		switch trace[i*(m+1)+j] {
		case diag:
			if s := a.score(frag[i-1], src[j-1]); s > 0 {
				out = append(out, pair{Frag: i - 1, Src: j - 1, Equal: s == scoreEqual})
			}
			i, j = i-1, j-1
		case up:
			i--
		case left:
			j--
		default:
			i = 0
		}
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}
