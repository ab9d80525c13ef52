package lexicon

import "strings"

// Phrase families: prepositions and adverbs with interchangeable
// renderings in a fixed frame. The frame is what makes each safe; outside
// it the words are left alone.

// phrases offers the phrase families at word i.
func (d *doc) phrases(i int) {
	switch d.low(i) {
	case "over", "during", "in":
		d.span(i)
		d.recent(i)
	case "the":
		d.pastLast(i)
	case "with":
		d.regard(i)
	case "previous", "prior":
		d.prior(i)
	case "likely", "probably":
		d.likelyAdverb(i)
	case "mainly", "primarily":
		d.mainly(i)
	case "about", "around", "roughly":
		d.about(i)
	case "partly":
		d.inPart(i)
	case "nearly", "almost":
		d.nearly(i)
	case "appeared", "seemed", "appears", "seems", "appear", "seem":
		d.seem(i)
	case "remained", "stayed", "remain", "stay", "remains", "stays":
		d.remain(i)
	case "up", "higher", "upward", "down", "lower", "downward":
		d.direction(i)
	case "particularly", "especially":
		d.particularly(i)
	case "owing", "because":
		d.because(i)
	}
	if d.low(i) == "in" {
		d.inPart(i)
		d.inLight(i)
	}
}

// inTitle reports whether word i is capitalized other than as a sentence
// start: a heading or a title ("Statement of Procedure with Respect to…"),
// whose words are names and stay as they are.
func (d *doc) inTitle(i int) bool {
	w := d.ws[i]
	return w.upper || w.cap && !d.sentStart(i)
}

// swapWord offers the other members of group for word i.
func (d *doc) swapWord(i int, kind string, group ...string) {
	w := d.ws[i]
	if d.inTitle(i) {
		return
	}
	vs := make([]string, 0, len(group))
	for _, g := range group {
		vs = append(vs, fitCase(w, g))
	}
	d.add(w.start, w.end, kind, d.text[w.start:w.end], vs...)
}

// spanWords are the modifiers after which "the … period" is a stretch of
// time just past, so that "over", "during" and "in" all mean "in the
// course of": "over the past year", "during the intermeeting period", "in
// the last two months". Left out: future and comparative stretches
// ("over the next few years" is a path, "an increase over the previous
// year" a comparison).
var spanWords = set("past", "last", "intermeeting")

// timeUnits name a stretch of time.
var timeUnits = set("year", "years", "month", "months", "quarter", "quarters", "week", "weeks", "decade",
	"decades", "day", "days", "period", "periods")

// spanCounts may stand between "past"/"last" and the unit: "the past two
// months", "the last several weeks".
var spanCounts = set("few", "several", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "eighteen", "twenty", "thirty")

// quarterWords: "in the first quarter" ↔ "during the first quarter".
var quarterWords = set("first", "second", "third", "fourth")

// spanEnd returns the index of the time unit that ends a stretch starting
// at word j ("past two months" → the index of "months"), or -1. The unit
// may not be possessive or followed by "of" ("the last year of the
// program" is its final year).
func (d *doc) spanEnd(j int) int {
	k := j + 1
	if !d.spaced(j) {
		return -1
	}
	if d.ws[k].num || spanCounts[d.low(k)] {
		if !d.spaced(k) {
			return -1
		}
		k++
	}
	if !timeUnits[d.low(k)] || d.ws[k].cap {
		return -1
	}
	g := d.gapAfter(k)
	if strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return -1
	}
	if g == " " && (d.low(k+1) == "of" || d.low(k+1) == "ago") {
		return -1
	}
	return k
}

// span: "over/during/in the past year", "in/during the first quarter".
func (d *doc) span(i int) {
	w := d.ws[i]
	if !d.spaced(i) || d.low(i+1) != "the" || !d.spaced(i+1) || !d.prose(i, i) {
		return
	}
	m := d.low(i + 2)
	switch {
	case spanWords[m]:
		if d.spanEnd(i+2) < 0 {
			return
		}
		d.swapWord(i, "span", w.low, "over", "during", "in")
	case quarterWords[m] && w.low != "over":
		if !d.spaced(i+2) || d.low(i+3) != "quarter" && d.low(i+3) != "half" {
			return
		}
		g := d.gapAfter(i + 3)
		if strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") ||
			g == " " && d.low(i+4) == "of" {
			return
		}
		d.swapWord(i, "span", w.low, "in", "during")
	}
}

// recent: "in recent months" ↔ "over recent months".
func (d *doc) recent(i int) {
	w := d.ws[i]
	if w.low == "during" || !d.spaced(i) || d.low(i+1) != "recent" || !d.spaced(i+1) || !d.prose(i, i) {
		return
	}
	u := d.low(i + 2)
	if u != "months" && u != "weeks" && u != "years" && u != "quarters" && u != "days" || d.ws[i+2].cap {
		return
	}
	g := d.gapAfter(i + 2)
	if strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	d.swapWord(i, "span", w.low, "in", "over")
}

// spanPreps may open "the past/last …" as a stretch of time.
var spanPreps = set("over", "during", "in", "for", "within", "throughout", "through")

// pastLast: "the past year" ↔ "the last year" after a preposition of
// time, with a unit of time after it. Left out: "last year" (the
// calendar year) and "the last year of…" (the final one).
func (d *doc) pastLast(i int) {
	if i == 0 || d.gapBefore(i) != " " || !spanPreps[d.low(i-1)] || !d.spaced(i) {
		return
	}
	j := i + 1
	l := d.low(j)
	if l != "past" && l != "last" || d.ws[j].cap || d.spanEnd(j) < 0 {
		return
	}
	d.swapWord(j, "past-last", l, "past", "last")
}

// regard: "with regard to" ↔ "with respect to", the same compound
// preposition in the same register. Left out after words of mathematics
// ("the derivative with respect to x").
func (d *doc) regard(i int) {
	if !d.spaced(i) || !d.spaced(i+1) || d.low(i+2) != "to" || !d.prose(i, i+2) {
		return
	}
	m := d.low(i + 1)
	if m != "regard" && m != "respect" {
		return
	}
	if p := d.low(i - 1); p == "derivative" || p == "derivatives" || p == "elasticity" || p == "invariant" ||
		p == "differentiate" || p == "differentiated" || p == "integral" || p == "gradient" {
		return
	}
	d.swapWord(i+1, "regard", m, "regard", "respect")
}

// priorNouns follow "previous"/"prior" as an adjective of time.
var priorNouns = set("meeting", "meetings", "year", "years", "month", "months", "quarter", "quarters",
	"period", "periods", "day", "week", "weeks", "forecast", "forecasts", "projection", "projections",
	"report", "reports", "estimate", "estimates", "round", "statement", "minutes", "decade", "peak", "peaks",
	"trough", "cycle", "cycles", "expansion", "recession", "episode", "episodes", "tightening", "session",
	"release", "survey", "surveys", "outlook", "assessment", "reading", "readings", "policy", "quarter's")

// prior: "the previous meeting" ↔ "the prior meeting". Left out: "prior
// to", and the adjectives anywhere but before a noun of time or record.
func (d *doc) prior(i int) {
	w := d.ws[i]
	if w.cap || i == 0 || d.gapBefore(i) != " " || !d.spaced(i) || !priorNouns[d.low(i+1)] {
		return
	}
	if p := d.low(i - 1); !determiners[p] || p == "that" || p == "no" {
		return
	}
	d.swapWord(i, "prior", w.low, "previous", "prior")
}

// likelyAdverb: "would likely slow" ↔ "would probably slow": the adverb
// between a modal and its verb. Left out: "likely" as an adjective ("is
// likely to", "a likely outcome").
func (d *doc) likelyAdverb(i int) {
	w := d.ws[i]
	if w.cap || i == 0 || d.gapBefore(i) != " " || d.low(i-1) != "would" && d.low(i-1) != "will" || !d.spaced(i) {
		return
	}
	n := d.ws[i+1]
	if n.low == "" || !n.alpha || n.cap || n.low == "to" || n.low == "not" || functionWords[n.low] && n.low != "be" && n.low != "have" {
		return
	}
	d.swapWord(i, "likely", w.low, "likely", "probably")
}

// mainly ↔ primarily: the same focusing adverb ("mainly reflecting",
// "primarily because"), equally formal.
func (d *doc) mainly(i int) {
	if !d.prose(i, i) || d.ws[i].upper {
		return
	}
	d.swapWord(i, "mainly", d.low(i), "mainly", "primarily")
}

// approxBefore may precede an approximate figure: "at about 2 percent",
// "rose roughly 3 percent", "of around $2 billion".
var approxBefore = set("at", "by", "of", "to", "from", "was", "were", "is", "are", "be", "been", "totaled",
	"totalled", "averaged", "reached", "stood", "remained", "grew", "rose", "fell", "increased", "declined",
	"decreased", "expanded", "contracted", "gained", "lost", "down", "up", "for", "with", "in", "within",
	"only", "still", "now", "or", "and", "than", "be", "become", "became", "represent", "represented", "accounting")

// about ↔ around ↔ roughly before a figure with a unit: the same
// approximation, in every register. Left out: "about" as "concerning"
// ("worried about 2 percent inflation"), by requiring a word before it
// that takes an amount, and "around" of place.
func (d *doc) about(i int) {
	w := d.ws[i]
	if w.cap || i == 0 || d.gapBefore(i) != " " || !approxBefore[d.low(i-1)] || !d.prose(i, i) {
		return
	}
	if i+1 >= len(d.ws) {
		return
	}
	g := d.gapAfter(i)
	if g != " " && g != " $" || !d.ws[i+1].num || !d.figureUnit(i+1) && g != " $" {
		return
	}
	if d.low(i-1) == "than" && d.low(i-2) != "rather" {
		return // "more than about" is not written; leave odd contexts alone
	}
	d.swapWord(i, "about", w.low, "about", "around", "roughly")
}

// partAfter follow "in part"/"partly" used as a focusing adverb.
var partAfter = set("because", "reflecting", "reflected", "reflects", "due", "owing", "as", "by", "to", "on",
	"from", "since", "through", "via", "with", "offset", "driven", "attributable", "related", "in")

// inPart: "in part because" ↔ "partly because", "reflecting, in part,"
// stays (the bare adverb between commas reads oddly there).
func (d *doc) inPart(i int) {
	w := d.ws[i]
	var last int
	switch {
	case w.low == "partly":
		last = i
	case w.low == "in" && d.spaced(i) && d.low(i+1) == "part":
		last = i + 1
	default:
		return
	}
	if !d.spaced(last) || !partAfter[d.low(last+1)] || !d.prose(i, last) {
		return
	}
	if i > 0 {
		g := d.gapBefore(i)
		if g != " " || d.low(i-1) == "take" || d.low(i-1) == "took" || d.low(i-1) == "taking" ||
			d.low(i-1) == "takes" || d.low(i-1) == "taken" {
			return
		}
	}
	end := d.ws[last].end
	d.add(w.start, end, "in-part", d.text[w.start:end], fitCase(w, "in part"), fitCase(w, "partly"))
}

// nearBefore follow "nearly"/"almost" as an adverb of degree.
var nearBefore = set("all", "every", "half", "double", "doubled", "tripled", "twice", "unchanged", "flat",
	"zero", "identical", "entirely", "completely", "always", "never", "fully", "one", "two", "three",
	"four", "five", "six", "seven", "eight", "nine", "ten", "a", "as")

// nearly ↔ almost before a figure or a word of totality: the same
// adverb, equally formal. Left out after "not" ("not nearly as" says
// something else).
func (d *doc) nearly(i int) {
	w := d.ws[i]
	if i > 0 && (d.low(i-1) == "not" || d.low(i-1) == "very") || !d.prose(i, i) || w.upper {
		return
	}
	g := d.gapAfter(i)
	if i+1 >= len(d.ws) || g != " " && g != " $" {
		return
	}
	n := d.ws[i+1]
	if !(n.num || nearBefore[n.low]) {
		return
	}
	if n.low == "a" && d.low(i+2) != "year" && d.low(i+2) != "decade" && d.low(i+2) != "third" &&
		d.low(i+2) != "quarter" && d.low(i+2) != "fifth" && d.low(i+2) != "tenth" {
		return
	}
	if n.low == "as" && !(d.spaced(i+1) && d.spaced(i+2) && d.low(i+3) == "as") {
		return // "nearly as high as", not "almost as if"
	}
	d.swapWord(i, "nearly", w.low, "nearly", "almost")
}

// seemForms pair the forms of appear/seem.
var seemForms = map[string][]string{
	"appeared": {"appeared", "seemed"}, "seemed": {"appeared", "seemed"},
	"appears": {"appears", "seems"}, "seems": {"appears", "seems"},
	"appear": {"appear", "seem"}, "seem": {"appear", "seem"},
}

// seem: "appeared to be/have" ↔ "seemed to be/have". Before "to be" or
// "to have" the verbs mean the same; elsewhere "appear" may mean "come
// into view" or "turn up".
func (d *doc) seem(i int) {
	w := d.ws[i]
	if !d.spaced(i) || d.low(i+1) != "to" || !d.spaced(i+1) || (d.low(i+2) != "be" && d.low(i+2) != "have") ||
		!d.prose(i, i) || w.upper {
		return
	}
	if i > 0 && determiners[d.low(i-1)] && d.gapBefore(i) == " " {
		return
	}
	d.swapWord(i, "seem", seemForms[w.low]...)
}

// remainForms pair the forms of remain/stay.
var remainForms = map[string][]string{
	"remained": {"remained", "stayed"}, "stayed": {"remained", "stayed"},
	"remain": {"remain", "stay"}, "stay": {"remain", "stay"},
	"remains": {"remains", "stays"}, "stays": {"remains", "stays"},
}

// remainAfter may follow remain/stay as a complement: "remained
// elevated", "stayed near zero", "remain in place".
var remainAfter = set("elevated", "unchanged", "subdued", "contained", "low", "high", "near", "close", "at",
	"within", "below", "above", "around", "well", "largely", "relatively", "somewhat", "quite", "very",
	"historically", "slightly", "broadly", "roughly", "about", "fairly", "little", "firmly", "steady",
	"weak", "strong", "solid", "muted", "modest", "soft", "flat", "stable", "positive", "negative", "robust",
	"sluggish", "firm", "tight", "ample", "favorable", "limited", "volatile", "higher", "lower", "moderate",
	"resilient", "uneven", "uncertain", "healthy", "accommodative", "restrictive", "intact", "depressed",
	"strained", "anchored", "stable", "constant", "flat", "sizable", "substantial", "significant",
	"heightened", "persistent", "lackluster", "tepid", "buoyant", "narrow", "wide", "open", "closed",
	"focused", "committed", "attentive", "vigilant", "cautious", "concerned", "confident", "optimistic",
	"pessimistic", "wary", "mindful", "alert", "unusually", "especially", "generally", "mostly", "mixed")

// remain: "inflation remained elevated" ↔ "inflation stayed elevated".
// With an adjective or a place complement the verbs mean the same; the
// FOMC minutes use both. Left out: "remained a concern" (a noun
// complement reads better with "remain"), "remains to be seen", the
// noun ("the remains", "a stay"), and the passive.
func (d *doc) remain(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || !remainAfter[d.low(i+1)] || !d.prose(i, i) {
		return
	}
	if i > 0 && d.gapBefore(i) == " " && (determiners[d.low(i-1)] || beForms[d.low(i-1)]) {
		return
	}
	d.swapWord(i, "remain", remainForms[w.low]...)
}

// directionVerbs take a particle of direction: "moved up", "edged lower",
// "was revised upward".
var directionVerbs = set("moved", "move", "moves", "moving", "edged", "edge", "edges", "edging", "ticked",
	"tick", "ticks", "ticking", "drifted", "drift", "drifts", "drifting", "shifted", "shift", "shifts",
	"shifting", "revised", "revise", "revises", "revising", "trended", "trend", "trends", "trending")

var (
	upWords   = []string{"up", "higher", "upward"}
	downWords = []string{"down", "lower", "downward"}
)

// directionAfter may follow the particle: punctuation, or a word that
// cannot be an object of a phrasal verb ("moved up the date" moves a
// date; "moved up in May" does not).
var directionAfter = set("in", "to", "from", "by", "over", "during", "since", "after", "as", "amid", "at",
	"slightly", "somewhat", "further", "sharply", "modestly", "moderately", "considerably", "significantly",
	"substantially", "notably", "noticeably", "a", "again", "following", "through", "toward", "towards",
	"across", "for", "on", "while", "but", "earlier", "recently", "since", "last", "this", "throughout")

// direction: "moved up" ↔ "moved higher" ↔ "moved upward", and down ↔
// lower ↔ downward, after a verb of movement or revision. Used of a
// quantity the three particles mean the same. Left out where the
// particle may start an object ("moved up the meeting"), before "than",
// and before "and" ("moved up and down").
func (d *doc) direction(i int) {
	if i == 0 || d.gapBefore(i) != " " || !directionVerbs[d.low(i-1)] || !d.prose(i, i) {
		return
	}
	if i > 1 && d.gapBefore(i-1) == " " && determiners[d.low(i-2)] {
		return // "the trend up" is a noun
	}
	var group []string
	switch d.low(i) {
	case "up", "higher", "upward":
		group = upWords
	case "down", "lower", "downward":
		group = downWords
	default:
		return
	}
	g := d.gapAfter(i)
	switch {
	case i+1 >= len(d.ws):
		if !strings.HasPrefix(g, ".") {
			return
		}
	case strings.IndexAny(g, ".,;:") == 0:
	case g == " ":
		n := d.low(i + 1)
		if !directionAfter[n] && !d.ws[i+1].num {
			return
		}
		if n == "a" && d.low(i+2) != "bit" && d.low(i+2) != "little" && d.low(i+2) != "touch" {
			return
		}
	default:
		return
	}
	d.swapWord(i, "direction", group...)
}

// particularly ↔ especially: the same focusing adverb, in every register.
func (d *doc) particularly(i int) {
	if !d.prose(i, i) || i > 0 && d.low(i-1) == "more" {
		return // "I refer more particularly to" is an idiom
	}
	d.swapWord(i, "particularly", d.low(i), "particularly", "especially")
}

// owedBefore make "owing to" a debt ("the amount owing to creditors").
var owedBefore = set("amount", "amounts", "money", "sum", "sums", "balance", "balances", "debt", "debts",
	"funds", "is", "are", "was", "were", "still", "remain", "remaining", "remains", "be", "been")

// because: "owing to" ↔ "because of", the same compound preposition.
func (d *doc) because(i int) {
	w := d.ws[i]
	if !d.spaced(i) || !d.prose(i, i+1) {
		return
	}
	var alt string
	switch {
	case w.low == "owing" && d.low(i+1) == "to":
		alt = "because of"
	case w.low == "because" && d.low(i+1) == "of":
		alt = "owing to"
	default:
		return
	}
	if i > 0 && owedBefore[d.low(i-1)] {
		return
	}
	if d.inTitle(i) {
		return
	}
	end := d.ws[i+1].end
	d.add(w.start, end, "because", d.text[w.start:end], fitCase(w, alt))
}

var lightBefore = set("especially", "particularly", "partly", "largely", "mainly", "primarily", "and", "but",
	"that", "also", "only", "not", "both", "in", "part")

// inLight: "in light of" → "given", the same preposition. One way:
// "given" is also a participle.
func (d *doc) inLight(i int) {
	w := d.ws[i]
	if !d.spaced(i) || d.low(i+1) != "light" || !d.spaced(i+1) || d.low(i+2) != "of" || !d.spaced(i+2) ||
		!d.prose(i, i+2) || d.inTitle(i) {
		return
	}
	// After a noun, "given" could be read as its participle ("an
	// adjustment given recent trends"): only where a comma, the sentence
	// start or a focusing adverb comes first.
	if i > 0 && !d.sentStart(i) && !strings.HasSuffix(d.gapBefore(i), ", ") &&
		!(d.gapBefore(i) == " " && lightBefore[d.low(i-1)]) {
		return
	}
	end := d.ws[i+2].end
	d.add(w.start, end, "in-light", d.text[w.start:end], fitCase(w, "given"))
}
