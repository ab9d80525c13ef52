package lexicon

import "strings"

// The optional complementizer: "Participants noted that the economy had
// slowed" ↔ "Participants noted the economy had slowed". After a verb of
// saying or thinking, "that" introducing a clause may go in any register
// without changing the meaning (Quirk et al. §15.3). It is offered one way
// (presence → absence) and only where the word after "that" must start a
// clause, so "that" cannot be a demonstrative ("noted that decline") or a
// relative pronoun:
//   - a subject pronoun (I, we, he, she, they, you);
//   - "it" or "there" followed by a finite verb ("that it was");
//   - a determiner ("the", "some", "these"…) with a finite verb within
//     five words, which also keeps the subject short so a reader is never
//     led far down a wrong parse;
//   - a plural or mass noun, possibly after attributive words ("that
//     consumer spending had"), with a finite verb soon after: a
//     demonstrative "that" cannot precede a plural or a mass noun.
//
// Left out: a "that" coordinated with a later "and that" in the sentence
// (dropping one of the pair reads unbalanced), the passive ("It was noted
// that…" → "It was noted the…" is
// wrong), nouns that look like verbs ("the reports that…", "the hope
// that…"), verbs that take a plain object and read badly without "that"
// ("cautioned", "added", "mentioned", "worried"), and any "that" followed
// by punctuation, a preposition or an adverbial.

// reportVerbs take a that-clause whose "that" may go. Fold drops "that"
// after every one of them, wherever it occurs.
var reportVerbs = set(
	"said", "say", "says", "saying",
	"noted", "noting",
	"indicated", "indicate", "indicates", "indicating",
	"reported", "reporting",
	"suggested", "suggest", "suggests", "suggesting",
	"believed", "believe", "believes", "believing",
	"thought", "think", "thinks",
	"agreed", "agree", "agrees",
	"stated",
	"observed", "observing",
	"expected", "expect", "expects", "expecting",
	"felt", "feel", "feels",
	"argued", "argue", "argues", "arguing",
	"emphasized", "emphasised", "emphasizing", "emphasising",
	"anticipated", "anticipate", "anticipates",
	"judged", "concluded", "recognized", "recognised", "recognizing", "recognising",
	"acknowledged", "acknowledging", "remarked", "stressed", "stressing",
	"projected", "assumed", "predicted", "predict", "predicts",
	"hoped", "knew", "know", "knows", "insisted", "contended", "asserted", "claimed", "suspected",
	"feared", "realized", "realised", "realize", "realise",
)

// passiveBefore mark the verb as passive or adjectival ("was noted", "as
// expected", "the expected") or a noun ("the thought").
var passiveBefore = set("is", "was", "were", "are", "be", "been", "being", "am", "as", "it's", "that's",
	"the", "a", "an", "this", "their", "his", "her", "its", "our", "my", "your", "no", "any", "some")

// finiteCues are verb forms that show a clause has begun.
var finiteCues = set("is", "was", "were", "are", "had", "has", "have", "would", "could", "might", "may",
	"will", "should", "can", "must", "did", "does", "do", "remained", "remains", "remain", "continued",
	"continues", "continue", "appeared", "appears", "seemed", "seems", "rose", "fell", "grew", "held",
	"showed", "came", "went", "stood", "got", "began", "made", "tend", "tends")

// massNouns may follow a complementizer "that" bare: a demonstrative
// "that" does not go with them in this sense.
// Nouns that are also common count nouns ("that demand was refused") are
// left out.
var massNouns = set("inflation", "growth", "activity", "spending", "employment", "unemployment", "output",
	"uncertainty", "information", "productivity", "housing", "lending", "borrowing", "issuance",
	"manufacturing", "production", "consumption", "liquidity", "volatility", "leverage", "hiring",
	"compensation", "wealth", "money", "momentum", "slack", "underutilization", "utilization")

// attributives may stand before the head noun of a bare subject.
var attributives = set("economic", "financial", "monetary", "fiscal", "real", "core", "overall", "recent",
	"further", "additional", "incoming", "ongoing", "underlying", "continued", "current", "longer", "higher",
	"lower", "net", "residential", "nonresidential", "foreign", "domestic", "global", "total", "aggregate",
	"headline", "consumer", "business", "household", "labor", "market", "price", "energy", "housing",
	"equity", "credit", "wage", "productivity", "policy", "trade", "stock", "federal", "private", "public",
	"strong", "weak", "solid", "robust", "modest", "elevated", "moderate", "slower", "faster", "stronger",
	"weaker", "greater", "increased", "reduced", "rising", "persistent", "sustained", "broad", "tighter",
	"easier", "inventory", "capital", "business", "corporate", "bank", "mortgage", "import", "export", "oil",
	"food", "commodity", "import", "interest", "long", "short", "many", "most", "other", "some", "several")

// thatDeterminers open a noun phrase that "that" cannot determine. Left
// out: "other" ("that other participant"), "much" and "few" ("that much
// was clear" is a degree phrase).
var thatDeterminers = set("the", "a", "an", "this", "these", "those", "its", "their", "his", "our", "my",
	"your", "some", "many", "most", "several", "such", "each", "any", "both", "all")

func (d *doc) optionalThat(i int) {
	w := d.ws[i]
	if w.low != "that" || w.cap || i == 0 || d.gapBefore(i) != " " || !d.spaced(i) {
		return
	}
	v := i - 1
	switch {
	case d.low(v) == "out" && v > 0 && d.gapBefore(v) == " " && d.low(v-1) == "pointed":
		v--
	case (reportVerbs[d.low(v)] || reportGroup[d.low(v)] != nil || d.moreThat(v)) && !d.ws[v].cap:
	default:
		return
	}
	if v > 0 {
		p := d.low(v - 1)
		if passiveBefore[p] {
			return
		}
		if strings.HasSuffix(p, "ly") && v > 1 && passiveBefore[d.low(v-2)] {
			return // "It was generally agreed that"
		}
	}
	if !d.thatClause(i + 1) {
		return
	}
	deletable := !d.parallelThat(i)
	end := d.ws[i+1].start
	if group, ok := reportGroup[d.low(v)]; ok && v == i-1 {
		// The verb and its "that" make one point, so a verb that reads
		// badly without "that" never loses it.
		vb := d.ws[v]
		rest := d.text[vb.end:end]
		vs := make([]string, 0, len(group)+1)
		for _, g := range group {
			vs = append(vs, fitCase(vb, g)+rest)
		}
		if deletable && reportVerbs[vb.low] {
			vs = append(vs, d.text[vb.start:vb.end]+d.gapAfter(i))
		}
		d.addP(1, vb.start, end, "report", d.text[vb.start:end], vs...)
		return
	}
	if deletable {
		d.add(w.start, end, "that", d.text[w.start:end], "")
	}
}

// reportGroup are verbs of saying that take the same that-clause with the
// same meaning: in "participants noted/observed/remarked/commented that
// the outlook had improved" each reports what was said, in the register
// of minutes and reports alike. Only the past and -ing forms are offered
// ("remarks that" and "notes that" may be nouns). The first member of each
// group is the canonical one for Fold.
var reportGroup = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range [][]string{
		{"noted", "observed", "remarked", "commented"},
		{"noting", "observing", "remarking", "commenting"},
		{"emphasized", "stressed"},
		{"emphasizing", "stressing"},
		{"emphasised", "stressed"},
		{"expected", "anticipated"},
	} {
		for _, w := range g {
			if _, ok := m[w]; !ok {
				m[w] = g
			}
		}
	}
	return m
}()

// parallelThat reports whether the that-clause at i is coordinated with a
// later one in the same sentence ("indicated that conditions remained
// strong and that GDP increased"): dropping only the first "that" would
// leave the pair visibly unbalanced.
func (d *doc) parallelThat(i int) bool {
	for k := i + 1; k < len(d.ws) && k < i+60; k++ {
		if strings.ContainsAny(d.gapBefore(k), ".?!;:") {
			return false
		}
		if d.low(k) == "that" && (d.low(k-1) == "and" || d.low(k-1) == "but" || d.low(k-1) == "or") {
			return true
		}
	}
	return false
}

// thatClause reports whether the words from i on must start a clause.
func (d *doc) thatClause(i int) bool {
	n := d.ws[i]
	if n.low == "" || n.cap && n.low != "i" {
		return false
	}
	switch {
	case subjectPronouns[n.low] || n.low == "you":
		return true
	case n.low == "it" || n.low == "there":
		return d.spaced(i) && finiteCues[d.low(i+1)]
	case thatDeterminers[n.low]:
		return d.finiteWithin(i+1, i+5)
	}
	// A bare subject: attributive words, then a plural or mass head
	// followed at once by a finite verb.
	for j := i; j < i+4 && j < len(d.ws); j++ {
		h := d.low(j)
		if h == "" || functionWords[h] {
			return false
		}
		if (massNouns[h] || plural(h) && !verbS[h]) && d.spaced(j) && finite(d.low(j+1)) {
			return true
		}
		if !(attributives[h] || massNouns[h]) || !d.joined(j) {
			return false
		}
	}
	return false
}

// joined reports whether word j is followed by a space or a hyphen and
// another word: the two belong to one phrase.
func (d *doc) joined(j int) bool {
	if j+1 >= len(d.ws) {
		return false
	}
	g := d.gapAfter(j)
	return g == " " || g == "-"
}

// finiteWithin reports whether a finite verb appears among words from..to
// with nothing but spaces and hyphens before it.
func (d *doc) finiteWithin(from, to int) bool {
	for k := from; k <= to && k < len(d.ws); k++ {
		if g := d.gapBefore(k); g != " " && g != "-" {
			return false
		}
		l := d.low(k)
		if l == "" {
			return false
		}
		if finite(l) {
			return true
		}
	}
	return false
}

// finite reports whether w is a finite verb cue or a regular past form.
func finite(w string) bool {
	return finiteCues[w] || len(w) >= 5 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed")
}

// verbS are verbs in -s that would pass for plural nouns: "said that
// seems justified" has a pronoun "that".
var verbS = set("seems", "appears", "looks", "sounds", "remains", "becomes", "gets", "feels", "stays",
	"proves", "grows", "turns", "goes", "comes", "means", "makes", "helps", "needs", "requires",
	"suggests", "shows", "implies", "indicates", "reflects", "depends", "works", "matters", "happens",
	"holds", "stands", "follows", "applies", "involves", "includes", "continues", "exists", "occurs",
	"leaves", "gives", "keeps", "raises", "poses", "represents", "explains", "reduces", "tends", "puts",
	"lets", "says", "knows", "thinks", "takes", "gets", "does", "hopes")

// plural reports whether w looks like a regular plural noun.
func plural(w string) bool {
	if len(w) < 4 || !strings.HasSuffix(w, "s") || strings.Contains(w, "'") {
		return false
	}
	for _, s := range []string{"ss", "us", "is", "ous"} {
		if strings.HasSuffix(w, s) {
			return false
		}
	}
	return true
}
