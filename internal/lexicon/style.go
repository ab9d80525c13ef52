package lexicon

import (
	"slices"
	"strings"
)

// The document's own style (catalogue V2 on).
//
// Some families offer two spellings or styles of one thing: "percent"
// and "%", "U.S." and "US", "judgment" and "judgement", "toward" and
// "towards", "e-mail" and "email", "two-year" and "2-year", "OK" and
// "okay". Either is correct, but a document that always writes one of
// them has a style, and a copy that shows the other form even once
// breaks it where a careful reader sees it. So a rendering of such a
// family is offered only if the document itself writes it somewhere:
// a form the original avoids never appears in a copy. A document that
// writes "percent" 4,345 times and "%" never keeps "percent"
// everywhere; one that writes both may show either at each point.
//
// The same holds for the formulas a document repeats. A run of
// formulaN words that occurs formulaMin times or more is part of the
// document's voice ("the Committee decided to maintain the target
// range"), and readers who compare one meeting's wording with the
// next notice any change; no lexical point touches one.

// styleForm names the form a style family would show, for the census.
// Single words are counted as their lower-case form; the others have
// these names.
const (
	formPercentSign    = "%"        // a figure followed by "%"
	formPercentWord    = "percent"  // the word
	formUSBare         = "US"       // the abbreviation without points
	formFigureCompound = "2-year"   // a figure below 10 in a compound of time
	formWordCompound   = "two-year" // a number word below ten in one
	// Numbers from 10 on are a style of their own: the usual rule writes
	// "four-quarter" but "12-month", so "two-year" in a document does not
	// license "twelve-month".
	formFigureCompoundLarge = "12-month"
	formWordCompoundLarge   = "twelve-month"
	closedPrefix            = "closed:" // + the dated key: "closed:e-mail" is "email"
	formulaN                = 6         // words in a formula
	formulaMin              = 3         // occurrences that make a run a formula
	formulaSeed             = 0x9E3779B97F4A7C15
)

// styleWords are the single words whose use the census counts: both
// members of every spelling pair, so either direction can be checked.
var styleWords = func() map[string]bool {
	m := map[string]bool{"ok": true, "okay": true, formPercentWord: true}
	for w, s := range swaps {
		if spellingKinds[s.kind] {
			m[w], m[s.alt] = true, true
		}
	}
	for w := range wardAdverbs {
		m[w], m[w+"s"] = true, true
	}
	return m
}()

// spellingKinds are the kinds of swaps whose forms are spellings or
// styles of one word, so the census decides whether they vary. The
// other swaps (although → though, moreover ↔ furthermore) are
// different words in one register, not a style a document keeps.
var spellingKinds = set("toward", "judgment", "amongst")

// census counts the style forms of a document and finds its formulas.
type census struct {
	forms map[string]int
	// formulas holds the hashes of the word runs of length formulaN that
	// occur at least formulaMin times.
	formulas map[uint64]bool
	// grams collects every run's hash while texts are added; it is
	// sorted and dropped by done.
	grams []uint64
}

func newCensus() *census {
	return &census{forms: make(map[string]int)}
}

// add counts the style forms of one text whose words are ws.
func (c *census) add(t string, ws []word) {
	for i, w := range ws {
		if w.low == "" {
			continue
		}
		if styleWords[w.low] {
			c.forms[w.low]++
		}
		next := ""
		if i+1 < len(ws) {
			next = t[w.end:ws[i+1].start]
		}
		switch {
		case w.num && strings.HasPrefix(t[w.end:], "%"):
			c.forms[formPercentSign]++
		case t[w.start:w.end] == "US" && !(i > 0 && ws[i-1].upper) && !(i+1 < len(ws) && ws[i+1].upper):
			// Not in all-capitals text, where "US" may be the pronoun.
			c.forms[formUSBare]++
		case (w.num || numberWords[w.low] != "" && !w.cap) && next == "-" && numberUnits[ws[i+1].low]:
			// A capitalized number word starts a sentence or a title,
			// where style forbids a figure: it shows no choice
			// ("Thirty-day bill rates" beside "10-year yields").
			c.forms[compoundForm(t[w.start:w.end], w.num)]++
		}
		if key := closedSpelling(w.low); key != "" {
			c.forms[closedPrefix+key]++
		}
		c.addGeneral(t, ws, i)
		c.addGeneralV4(t, ws, i)
	}
	eachGram(t, ws, func(h uint64, _ int) { c.grams = append(c.grams, h) })
}

// done turns the collected runs into the set of formulas.
func (c *census) done() {
	slices.Sort(c.grams)
	c.formulas = make(map[uint64]bool)
	for i := 0; i < len(c.grams); {
		j := i + 1
		for j < len(c.grams) && c.grams[j] == c.grams[i] {
			j++
		}
		if j-i >= formulaMin {
			c.formulas[c.grams[i]] = true
		}
		i = j
	}
	c.grams = nil
}

// compoundForm names the style of the number src in a compound of time:
// a figure or a word, below ten or from ten on.
func compoundForm(src string, figure bool) string {
	fig := src
	if !figure {
		fig = numberWords[strings.ToLower(src)]
	}
	large := len(fig) > 1
	switch {
	case figure && large:
		return formFigureCompoundLarge
	case figure:
		return formFigureCompound
	case large:
		return formWordCompoundLarge
	default:
		return formWordCompound
	}
}

// closedSpelling returns the dated key ("e-mail") of a closed spelling
// ("emails"), or "".
func closedSpelling(low string) string {
	switch {
	case strings.HasPrefix(low, "email") && mailForms[low[1:]]:
		return "e-mail"
	case low == "online":
		return "on-line"
	case low == "website" || low == "websites":
		return "web site"
	case strings.HasPrefix(low, "cooperat"):
		return "co-operate"
	case strings.HasPrefix(low, "coordinat"):
		return "co-ordinate"
	}
	return ""
}

// gramWord is the hash of one word for the formula runs: its low form,
// or its text when it has none, so case and apostrophe style do not
// split a formula.
func gramWord(t string, w word) uint64 {
	s := w.low
	if s == "" {
		s = t[w.start:w.end]
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// eachGram calls at(h, i) with the hash h of every run of formulaN
// words of t, i being the run's first word.
func eachGram(t string, ws []word, at func(h uint64, i int)) {
	var ring [formulaN]uint64
	for i, w := range ws {
		ring[i%formulaN] = gramWord(t, w)
		first := i - formulaN + 1
		if first < 0 {
			continue
		}
		h := uint64(formulaSeed)
		for k := 0; k < formulaN; k++ {
			h = (h ^ ring[(first+k)%formulaN]) * 0x100000001B3
			h ^= h >> 29
		}
		at(h, first)
	}
}

// uses reports whether the document writes form, so that a copy may
// show it. Before V2 every form may be shown.
func (d *doc) uses(form string) bool {
	return d.f.catalogue < V2 || d.f.census != nil && d.f.census.forms[form] > 0
}

// dropFormulas removes the candidates that touch a formula of the
// document.
func (d *doc) dropFormulas() {
	c := d.f.census
	if d.f.catalogue < V2 || c == nil || len(c.formulas) == 0 {
		return
	}
	type span struct{ start, end int }
	var spans []span
	eachGram(d.text, d.ws, func(h uint64, i int) {
		if !c.formulas[h] {
			return
		}
		s := span{d.ws[i].start, d.ws[i+formulaN-1].end}
		if n := len(spans); n > 0 && s.start <= spans[n-1].end {
			spans[n-1].end = max(spans[n-1].end, s.end)
			return
		}
		spans = append(spans, s)
	})
	if len(spans) == 0 {
		return
	}
	kept := d.cands[:0]
	for _, cand := range d.cands {
		// Spans are sorted and disjoint: find the first that ends after
		// the candidate starts.
		k, _ := slices.BinarySearchFunc(spans, cand.Start, func(s span, x int) int {
			if s.end <= x {
				return -1
			}
			return 1
		})
		// A replacement touches the span if it overlaps it; an
		// insertion, if it falls strictly inside.
		touches := k < len(spans) && (cand.End > spans[k].start && cand.Start < cand.End || cand.Start > spans[k].start)
		if !touches {
			kept = append(kept, cand)
		}
	}
	d.cands = kept
}
