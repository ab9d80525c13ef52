// Package lexicon is leaktrace's curated catalogue of meaning-preserving
// wording and punctuation variants: the lexical/orthographic channel.
//
// Every family here passes three tests. Meaning: each rendering says the
// same thing to every reader. Register: no rendering is more or less formal,
// regional or dated than the text around it, so a reader notices nothing.
// Canonical form: Fold maps every rendering to the same canonical tokens,
// so a retyped excerpt of any copy indexes like the source. Where a family
// cannot be detected reliably in some context, that context is left out:
// one odd sentence in a copy costs more than the points it would carry.
//
// Find makes one pass over the words of a region (scan.go) with small
// lookup tables. The families live in words.go (word and phrase swaps),
// contractions.go, that.go (the optional complementizer), relative.go
// (the optional relative pronoun), general.go (general prose), continue.go
// (continue to V / continue V-ing) and commas.go (optional commas);
// style.go keeps a copy to the document's own style and formulas; the
// family test (families_test.go) shows each on real sentences, with the
// contexts it must leave alone. Fold is in fold.go.
package lexicon

import (
	"sort"
	"strings"
)

// Candidate is a lexical variation point: Text[Start:End] may be replaced
// by any of Variants without changing meaning or register. Variants[Orig]
// equals Text[Start:End].
type Candidate struct {
	Start, End int
	Kind       string
	Variants   []string
	Orig       int
}

// Finder finds lexical variation points in the regions of one document.
// It carries what the document's own style allows: a rendering that the
// document never uses is offered only where it is unmarked in any style.
type Finder struct {
	// catalogue is the catalogue version whose families are offered
	// (see [Latest]); a document keeps the version it was registered
	// under, so every change to what is found is gated on it.
	catalogue int
	// contractions is true when the document already contracts (don't,
	// it's), so contracting an expanded form keeps its register.
	contractions bool
	// apostrophe is the apostrophe the document prefers inside words,
	// used when a contraction is created.
	apostrophe string
	// hyphenated records the dated hyphenated or open spellings (e-mail,
	// on-line, web site, co-operate) the document itself uses; only then
	// may a closed spelling be opened.
	hyphenated map[string]bool
	// census holds the forms of the style families the document writes
	// and the formulas it repeats (style.go); nil before V2.
	census *census
	// serialVaries is true when the document does not consistently use
	// one serial-comma style (catalogue 2 on; see serialstyle.go).
	serialVaries bool
}

// Catalogue versions. A document is registered under [Latest] and keeps
// its version: copies of a document registered under version 1 are found
// with version 1's families and contexts for ever. Any change to what Find
// returns is gated on the version (d.f.catalogue >= N), never made in
// place.
const (
	// V1 is the catalogue of the first releases.
	V1 = 1
	// V2 protects quotations and follows the document's own style.
	V2 = 2
	// V3 adds general-prose families: the optional relative pronoun,
	// though → although, also/now/still around the modal, the optional
	// "that" after propose/recommend, adjectives and "tell you",
	// considerably ↔ substantially, a little ↔ slightly, whole ↔ entire.
	V3 = 3
	// V4 adds the wording of minutes, briefings and speeches: "regarding"
	// ↔ "concerning" ↔ "about" after a noun of thinking or telling, "was
	// seen as" ↔ "viewed as" ↔ "regarded as", "was expected to" ↔
	// "anticipated to", "the months ahead" ↔ "the
	// coming months" ↔ "the months to come", and the comma after an
	// opening "Today" or "Last year".
	V4 = 4
	// Latest is the version new registrations get.
	Latest = V4
)

// NewFinder prepares a Finder for a document whose prose is texts, under
// catalogue version catalogue (V1 … Latest). Some families depend on the
// document's own style (contractions are offered only where the document
// already uses them).
func NewFinder(texts []string, catalogue int) *Finder {
	f := &Finder{catalogue: catalogue, apostrophe: "'", hyphenated: make(map[string]bool)}
	longest := 0
	for _, t := range texts {
		longest = max(longest, len(t))
	}
	ws := make([]word, 0, longest/5+1)
	contracted, straight, curly := 0, 0, 0
	if catalogue >= V2 {
		f.census = newCensus()
	}
	for _, t := range texts {
		ws = scan(t, ws)
		if f.census != nil {
			f.census.add(t, ws)
		}
		for i, w := range ws {
			if w.low == "" {
				continue
			}
			if _, ok := contractions[w.low]; ok {
				contracted++
			}
			if strings.Contains(w.low, "'") {
				if strings.ContainsRune(t[w.start:w.end], '\u2019') {
					curly++
				} else {
					straight++
				}
			}
			if i+1 < len(ws) {
				if key, ok := openSpelling(t, ws, i); ok {
					f.hyphenated[key] = true
				}
			}
		}
	}
	if f.census != nil {
		f.census.done()
	}
	// Two uses, so a single quoted "don't" in a formal memo does not
	// license contracting the memo's own prose.
	f.contractions = contracted >= 2
	if curly > straight {
		f.apostrophe = "\u2019"
	}
	if catalogue >= V2 {
		f.readStyle(texts)
	}
	return f
}

// Find returns the candidates in text, sorted by Start, non-overlapping.
func (f *Finder) Find(text string) []Candidate {
	if f == nil {
		f = &Finder{catalogue: Latest, apostrophe: "'"}
	}
	d := doc{f: f, text: text, ws: scan(text, make([]word, 0, len(text)/5+1))}
	for i := range d.ws {
		d.wordFamilies(i)
		d.optionalThat(i)
		d.continueTo(i)
		d.commas(i)
		d.changeVerb(i)
		d.phrases(i)
		d.general(i)
	}
	d.dropFormulas()
	return d.resolve()
}

// doc is the state of one Find call.
type doc struct {
	f     *Finder
	text  string
	ws    []word
	cands []prio
}

// prio is a candidate with the priority that settles overlaps: where two
// candidates overlap, the one starting first wins, and at the same start
// the one with the higher priority (a merged candidate over its parts).
type prio struct {
	Candidate
	p int
}

func (d *doc) add(start, end int, kind string, orig string, alts ...string) {
	d.addP(0, start, end, kind, orig, alts...)
}

func (d *doc) addP(p, start, end int, kind string, orig string, alts ...string) {
	if start < 0 || end > len(d.text) || start > end || d.text[start:end] != orig {
		return
	}
	vs := make([]string, 0, 1+len(alts))
	vs = append(vs, orig)
	for _, a := range alts {
		dup := false
		for _, v := range vs {
			if v == a {
				dup = true
				break
			}
		}
		if !dup {
			vs = append(vs, a)
		}
	}
	if len(vs) < 2 {
		return
	}
	d.cands = append(d.cands, prio{Candidate{Start: start, End: end, Kind: kind, Variants: vs}, p})
}

func (d *doc) resolve() []Candidate {
	sort.SliceStable(d.cands, func(a, b int) bool {
		ca, cb := d.cands[a], d.cands[b]
		if ca.Start != cb.Start {
			return ca.Start < cb.Start
		}
		return ca.p > cb.p
	})
	out := make([]Candidate, 0, len(d.cands))
	end := -1
	for _, c := range d.cands {
		if c.Start < end || c.Start == end && c.Start == c.End {
			continue
		}
		out = append(out, c.Candidate)
		end = c.End
	}
	return out
}
