// Package attack simulates what leakers and the platforms that carry their
// leaks do to a marked copy (the threat model's L1–L5): paste an excerpt,
// normalize it, retype it with typos, mix several readers' copies, cut and
// reorder sentences. leaktrace's evaluation and tests run its tracer
// against these; none of them knows how marks are made.
package attack

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Excerpt returns words consecutive whitespace-separated words of text,
// starting at a random word, with the text between them untouched (a
// paste). It returns all of text if it is shorter.
func Excerpt(text string, words int, rng *rand.Rand) string {
	var starts []int
	in := false
	for i, r := range text {
		sp := unicode.IsSpace(r)
		if !sp && !in {
			starts = append(starts, i)
		}
		in = !sp
	}
	if len(starts) <= words {
		return strings.TrimSpace(text)
	}
	s := rng.IntN(len(starts) - words + 1)
	end := len(text)
	if s+words < len(starts) {
		end = starts[s+words]
	}
	return strings.TrimRightFunc(text[starts[s]:end], unicode.IsSpace)
}

var (
	straight = strings.NewReplacer(
		"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'",
		"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`,
		"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	)
	hspace   = regexp.MustCompile(`[ \t]+`)
	trailing = regexp.MustCompile(`(?m)[ \t]+$`)
)

// Normalize does what a sanitizing platform does (L2): NFKC, format
// characters (zero-width and the like) stripped, quotes and dashes
// straightened, runs of spaces collapsed, trailing spaces removed.
func Normalize(text string) string {
	text = norm.NFKC.String(text)
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		if unicode.IsSpace(r) && r != '\n' && r != '\r' {
			return ' '
		}
		return r
	}, text)
	text = straight.Replace(text)
	text = hspace.ReplaceAllString(text, " ")
	return trailing.ReplaceAllString(text, "")
}

// ASCII transliterates to plain ASCII as a typist would: accents dropped,
// "…" as "...", anything else untypeable dropped.
func ASCII(text string) string {
	text = strings.ReplaceAll(norm.NFKD.String(Normalize(text)), "\u2026", "...")
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x80:
			return r
		case unicode.Is(unicode.Mn, r):
			return -1
		}
		return -1
	}, text)
}

var paraBreak = regexp.MustCompile(`\n[ \t]*\n+`)

// Unwrap undoes hard wraps: line breaks inside a paragraph become spaces,
// paragraphs stay apart.
func Unwrap(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	paras := paraBreak.Split(text, -1)
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// Typos gives each word, with probability rate, one typo: a letter
// substituted, dropped, doubled or swapped with its neighbour.
func Typos(text string, rate float64, rng *rand.Rand) string {
	var b strings.Builder
	word := []rune{}
	flush := func() {
		if len(word) > 0 && rng.Float64() < rate {
			word = typo(word, rng)
		}
		b.WriteString(string(word))
		word = word[:0]
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			word = append(word, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

func typo(w []rune, rng *rand.Rand) []rune {
	i := rng.IntN(len(w))
	switch rng.IntN(4) {
	case 0: // substitute with a neighbouring letter
		w[i] = rune('a' + rng.IntN(26))
	case 1:
		if len(w) > 1 {
			w = append(w[:i], w[i+1:]...)
		}
	case 2:
		w = append(w[:i+1], w[i:]...)
	default:
		if i+1 < len(w) {
			w[i], w[i+1] = w[i+1], w[i]
		}
	}
	return w
}

// Retype is a leak retyped by hand (L3): normalized, ASCII, hard wraps
// undone, and a typo in a fraction rate of the words.
func Retype(text string, rate float64, rng *rand.Rand) string {
	return Typos(Unwrap(ASCII(text)), rate, rng)
}

var sentenceEnd = regexp.MustCompile(`[.!?]["'\x{201D}\x{2019})]?[\x{200B}-\x{200D}\x{2060}]* +`)

// Sentences splits text into sentences, each keeping its trailing space.
func Sentences(text string) []string {
	var out []string
	at := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		out = append(out, text[at:m[1]])
		at = m[1]
	}
	if at < len(text) {
		out = append(out, text[at:])
	}
	return out
}

// Collude mixes the copies of several readers (L5): line by line, and
// sentence by sentence where the copies split into the same sentences,
// each piece comes from a colluder chosen at random. Copies of one
// document have the same lines, so the pieces line up.
func Collude(copies []string, rng *rand.Rand) string {
	lines := make([][]string, len(copies))
	for i, c := range copies {
		lines[i] = strings.Split(c, "\n")
	}
	var out []string
	for l := range lines[0] {
		sents := make([][]string, len(copies))
		same := true
		for i := range copies {
			if l >= len(lines[i]) {
				same = false
				break
			}
			sents[i] = Sentences(lines[i][l])
			if len(sents[i]) != len(sents[0]) {
				same = false
			}
		}
		if !same {
			out = append(out, lines[rng.IntN(len(copies))][l])
			continue
		}
		var b strings.Builder
		for s := range sents[0] {
			b.WriteString(sents[rng.IntN(len(copies))][s])
		}
		out = append(out, b.String())
	}
	return strings.Join(out, "\n")
}

// Edit lightly edits an excerpt (L4): drops each sentence with
// probability drop, and swaps neighbouring sentences with probability
// swap.
func Edit(text string, drop, swap float64, rng *rand.Rand) string {
	sents := Sentences(text)
	var kept []string
	for _, s := range sents {
		if len(sents) > 2 && rng.Float64() < drop {
			continue
		}
		kept = append(kept, s)
	}
	for i := 0; i+1 < len(kept); i++ {
		if rng.Float64() < swap {
			kept[i], kept[i+1] = kept[i+1], kept[i]
			i++
		}
	}
	return strings.Join(kept, "")
}
