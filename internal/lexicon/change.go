package lexicon

import "strings"

// Verbs and nouns of change: "prices rose" ↔ "prices increased", "output
// declined" ↔ "output decreased" ↔ "output fell", "a rise in rates" ↔ "an
// increase in rates". Used of a quantity, the members of each group say
// the same thing in the same register; economic and news writing uses
// them interchangeably, often in one paragraph. The danger is in the
// other senses: "increase" and "decrease" take objects ("the Committee
// increased the rate"), "declined" also means "refused" ("declined to
// comment"), and "rose", "fell" have physical and idiomatic senses ("fell
// from the roof", "fell in line", "rose to the occasion"). So a verb is
// offered only when it is intransitive and about a quantity:
//   - not passive (no form of "be" or "get" before it);
//   - followed by what an intransitive verb of change takes: a figure with
//     its unit ("rose 2 percent", "fell $3 billion"), "to" or "from" with
//     a figure or a level ("declined to 3.5 percent", "to its lowest"),
//     another preposition of degree, time or cause ("by", "in", "at",
//     "over", "since", "amid"…), or a degree adverb followed by one of
//     these or by punctuation ("rose slightly, and");
//   - and, unless a figure follows, with a quantity as its subject
//     ("prices", "the unemployment rate", "GDP") right before it, or
//     before its auxiliary ("inflation had risen").
// Base forms ("expected to rise", "would decline") are offered after an
// expectation verb with "to", or a modal with a quantity as subject.
// Nouns are offered before "in" ("the rise in", "declines in"), where
// noun and verb readings alike keep the sense; "an increase" ↔ "a rise"
// takes its article along. "fall" and "falls" are never changed into from
// a noun ("falls in line", "fall in love").

// changeForms gives the renderings of each form of the two groups. The
// first word of each list is the canonical one for Fold.
var changeForms = map[string][]string{
	"up-past":   {"increased", "rose"},
	"up-part":   {"increased", "risen"},
	"up-base":   {"increase", "rise"},
	"up-s":      {"increases", "rises"},
	"down-past": {"declined", "decreased", "fell"},
	"down-part": {"declined", "decreased", "fallen"},
	"down-base": {"decline", "decrease", "fall"},
	"down-s":    {"declines", "decreases"},
}

// changeWord maps each word of changeForms to its group and the forms it
// may be ("increased" is past or participle).
var changeWord = map[string][]string{
	"increased": {"up-past", "up-part"}, "rose": {"up-past"}, "risen": {"up-part"},
	"increase": {"up-base"}, "rise": {"up-base"}, "increases": {"up-s"}, "rises": {"up-s"},
	"declined": {"down-past", "down-part"}, "decreased": {"down-past", "down-part"}, "fell": {"down-past"},
	"fallen": {"down-part"}, "decline": {"down-base"}, "decrease": {"down-base"}, "fall": {"down-base"},
	"declines": {"down-s"}, "decreases": {"down-s"},
}

// quantities are nouns that name a measured quantity: as the subject of
// a verb of change they fix its sense.
var quantities = set("prices", "price", "inflation", "rate", "rates", "yields", "yield", "spreads", "spread",
	"sales", "spending", "output", "production", "employment", "unemployment", "payrolls", "index",
	"indexes", "indices", "investment", "exports", "imports", "income", "incomes", "costs", "cost", "wages",
	"wage", "earnings", "profits", "activity", "gdp", "growth", "demand", "shipments", "orders", "starts",
	"permits", "inventories", "stocks", "shares", "values", "value", "volume", "volumes", "balances",
	"holdings", "reserves", "deposits", "loans", "lending", "credit", "debt", "borrowing", "issuance",
	"expectations", "measures", "measure", "level", "levels", "share", "ratio", "ratios", "premiums",
	"premium", "compensation", "productivity", "purchases", "consumption", "outlays", "revenues",
	"receipts", "deficit", "deficits", "surplus", "dollar", "euro", "yen", "currency", "currencies",
	"assets", "liabilities", "utilization", "participation", "vacancies", "claims", "delinquencies",
	"defaults", "rents", "margins", "volatility", "m1", "m2", "m3", "aggregates", "futures", "equities",
	"bonds", "treasuries", "hires", "hiring", "openings", "confidence", "sentiment", "readings",
	"estimates", "forecasts", "projections", "components", "contribution", "contributions", "gap",
	"gaps", "expenditures", "expenses", "outflows", "inflows", "flows", "returns", "valuations", "hours",
	"pay", "turnover", "enrollment", "enrollments", "attendance", "ridership", "traffic", "population",
	"benchmark", "average", "averages", "figure", "figures", "total", "totals", "count", "counts", "number",
	"numbers", "percentage", "proportion", "backlog", "backlogs", "capacity", "reading", "premia")

// approxWords may stand before a figure after a verb of change.
var approxWords = set("about", "around", "roughly", "nearly", "almost", "approximately", "some", "just", "over")

// changeUnits follow a figure in an amount: "2 percent", "$3 billion".
var changeUnits = set("percent", "percentage", "basis", "billion", "million", "trillion", "points", "point",
	"cents", "dollars", "pct", "thousand")

// changePreps may follow an intransitive verb of change.
var changePreps = set("in", "by", "at", "amid", "over", "during", "since", "after", "following", "as",
	"across", "throughout", "toward", "towards", "from", "to")

// degreeAdverbs may sit between a verb of change and what follows it.
var degreeAdverbs = set("slightly", "somewhat", "further", "sharply", "steeply", "steadily", "modestly",
	"moderately", "considerably", "significantly", "substantially", "markedly", "notably", "noticeably",
	"briskly", "rapidly", "quickly", "gradually", "appreciably", "marginally", "strongly", "dramatically",
	"noticeably", "again", "less", "more", "faster", "slowly", "sharply", "abruptly", "broadly", "sizably",
	"materially", "briefly", "only", "just", "also", "then")

// toLevel may follow "to" or "from" after a verb of change: a figure or a
// level, never a verb ("declined to comment") or a person.
var toLevel = set("the", "a", "an", "its", "their", "about", "around", "roughly", "nearly", "almost", "near",
	"just", "below", "above", "under", "over", "record", "historically", "zero", "levels", "level",
	"lows", "highs", "pre", "prepandemic", "multiyear", "multidecade", "new", "low", "high")

// expectTo take "to" and a base form whose subject is their own subject:
// "inflation was expected to rise".
var expectTo = set("expected", "projected", "forecast", "anticipated", "continue", "continued", "continues",
	"continuing", "likely", "unlikely", "begin", "began", "begun", "begins", "beginning", "start",
	"started", "starts", "tend", "tended", "tends", "seemed", "appeared", "seem", "appear", "seems",
	"appears", "poised", "set", "projected", "predicted", "assumed", "estimated", "judged")

// persons are subjects that make a verb of change physical.
var persons = set("i", "he", "she", "we", "they", "you", "who", "whom", "one", "everyone", "someone",
	"people", "men", "women", "man", "woman", "crowd", "audience", "members", "participants", "chair",
	"chairman", "president", "governor", "it", "")

var modals = set("would", "will", "could", "may", "might", "should", "can", "must")

var beForms = set("is", "was", "were", "are", "be", "been", "being", "am", "get", "gets", "got", "gotten",
	"getting", "become", "became", "it's", "that's")

var haveForms = set("has", "have", "had", "having")

// changeVerb offers the renderings of a verb or noun of change at word i.
func (d *doc) changeVerb(i int) {
	w := d.ws[i]
	forms, ok := changeWord[w.low]
	if !ok || w.cap || !d.prose(i, i) {
		return
	}
	if d.changeNoun(i) {
		return
	}
	// Look back past adverbs: "had also risen", "would likely decline".
	p := i - 1
	for p >= 0 && d.gapAfter(p) == " " && (strings.HasSuffix(d.low(p), "ly") && d.low(p) != "only" || d.low(p) == "also" ||
		d.low(p) == "since" || d.low(p) == "further" || d.low(p) == "then" || d.low(p) == "again") {
		p--
	}
	if p >= 0 && d.gapAfter(p) != " " {
		p = -1 // punctuation before: no auxiliary, no subject in reach
	}
	prev := d.low(p)
	if beForms[prev] {
		return
	}
	var form string
	for _, f := range forms {
		switch {
		case strings.HasSuffix(f, "-part") && haveForms[prev]:
			form = f
		case strings.HasSuffix(f, "-past") && !haveForms[prev] && !modals[prev] && prev != "to":
			form = f
		case strings.HasSuffix(f, "-base") && (modals[prev] || prev == "to"):
			form = f
		case strings.HasSuffix(f, "-s") && !modals[prev] && prev != "to" && !haveForms[prev]:
			form = f
		}
	}
	if form == "" {
		return
	}
	// The subject: the word before the verb, or before its auxiliary.
	subj := prev
	if haveForms[prev] || modals[prev] {
		subj = d.low(p - 1)
		if p-1 < 0 || d.gapAfter(p-1) != " " {
			subj = ""
		}
	}
	quantity := quantities[subj]
	if prev == "to" {
		// "expected to rise": the subject is the expectation verb's.
		if p < 1 || d.gapAfter(p-1) != " " || !expectTo[d.low(p-1)] {
			return
		}
		quantity = true
	}
	switch d.changeFollower(i) {
	case followFigure:
	case followMagnitude:
		// Any subject but a person: "rates on commercial paper declined
		// somewhat", not "he rose slightly from his chair".
		if persons[subj] || p >= 0 && d.ws[p].cap && !d.sentStart(p) && !d.ws[p].upper {
			return
		}
	case followDegree:
		if !quantity {
			return
		}
	default:
		return
	}
	alts := changeForms[form]
	src := d.text[w.start:w.end]
	vs := make([]string, 0, len(alts))
	for _, a := range alts {
		vs = append(vs, fitCase(w, a))
	}
	d.add(w.start, w.end, "change", src, vs...)
}

const (
	followNone = iota
	followDegree
	followMagnitude // a degree adverb of magnitude, then punctuation or a preposition
	followFigure
)

// magnitude are degree adverbs that only grade a change of amount: "rose
// moderately", "declined somewhat".
var magnitude = set("slightly", "somewhat", "further", "steeply", "modestly", "moderately", "considerably",
	"substantially", "markedly", "notably", "noticeably", "briskly", "appreciably", "marginally", "sizably",
	"materially")

// changeFollower classifies what follows the verb at i: a figure with a
// unit or "to"/"from" a level (followFigure), a preposition, a degree
// adverb or punctuation that closes an intransitive use (followDegree),
// or anything else.
func (d *doc) changeFollower(i int) int {
	k := i + 1
	g := d.gapAfter(i)
	if k >= len(d.ws) {
		if strings.HasPrefix(g, ".") {
			return followDegree
		}
		return followNone
	}
	adverb := false
	for n := 0; n < 2 && g == " " && degreeAdverbs[d.low(k)]; n++ {
		adverb = adverb || magnitude[d.low(k)]
		g = d.gapAfter(k)
		k++
		if k >= len(d.ws) {
			switch {
			case !strings.HasPrefix(g, "."):
				return followNone
			case adverb:
				return followMagnitude
			}
			return followDegree
		}
	}
	switch {
	case g == " $":
		if d.ws[k].num {
			return followFigure
		}
		return followNone
	case strings.IndexAny(g, ".,;:") == 0:
		if len(g) > 1 && g[1] != ' ' && g[1] != '\n' && g[1] != '\r' {
			return followNone // "fell.5" or a number
		}
		if adverb {
			return followMagnitude
		}
		return followDegree
	case g != " ":
		return followNone
	}
	f := d.low(k)
	if approxWords[f] && k+1 < len(d.ws) && (d.gapAfter(k) == " " || d.gapAfter(k) == " $") {
		// "would decline about 60 basis points"
		k++
		if d.gapAfter(k-1) == " $" && d.ws[k].num || d.ws[k].num && d.figureUnit(k) {
			return followFigure
		}
		return followNone
	}
	if d.ws[k].num {
		if d.figureUnit(k) {
			return followFigure
		}
		return followNone
	}
	if !changePreps[f] {
		return followNone
	}
	if adverb && f != "to" && f != "from" && f != "by" {
		return followMagnitude // "rose moderately in May"
	}
	n := d.low(k + 1)
	if !d.spaced(k) && !(k+1 < len(d.ws) && d.gapAfter(k) == " $") {
		return followNone
	}
	switch f {
	case "to", "from", "by":
		if k+1 < len(d.ws) && (d.ws[k+1].num || d.gapAfter(k) == " $") {
			return followFigure
		}
		if f != "by" && toLevel[n] {
			return followDegree // "to its lowest level", if the subject is a quantity
		}
		return followNone // "declined to comment", "fell by the wayside"
	case "in":
		if n == "line" || n == "love" || n == "opposition" || n == "protest" || n == "revolt" || n == "battle" ||
			n == "esteem" || n == "rank" || n == "the" && d.low(k+2) == "ranks" {
			return followNone
		}
	}
	return followDegree
}

// figureUnit reports whether the figure at word k carries a unit within
// the next few words: "2 percent", "2.5 percent", "3%", "1/4 percentage
// point", "$2 billion".
func (d *doc) figureUnit(k int) bool {
	for j := k; j < k+4 && j < len(d.ws); j++ {
		g := d.gapAfter(j)
		if strings.HasPrefix(g, "%") {
			return true
		}
		if j > k && changeUnits[d.low(j)] {
			return true
		}
		if g != " " && g != "." && g != "/" && g != "," && g != "-" {
			return false
		}
		if j > k && !d.ws[j].num && !changeUnits[d.low(j)] {
			return false
		}
	}
	return false
}

// changeNoun offers the noun (or verb) before "in": "the rise in rates" ↔
// "the increase in rates", "an increase" ↔ "a rise". It reports whether
// word i was such a noun.
func (d *doc) changeNoun(i int) bool {
	w := d.ws[i]
	if !d.spaced(i) || d.low(i+1) != "in" || !d.spaced(i+1) {
		return false
	}
	n := d.low(i + 2)
	if n == "line" || n == "love" || n == "order" || n == "part" || n == "turn" || n == "charge" {
		return true
	}
	var alts []string
	switch w.low {
	case "increase", "rise":
		alts = []string{"increase", "rise"}
	case "increases", "rises":
		alts = []string{"increases", "rises"}
	case "decline", "decrease":
		alts = []string{"decline", "decrease"}
	case "declines", "decreases":
		alts = []string{"declines", "decreases"}
	default:
		return false // verb forms: changeVerb decides
	}
	if i > 0 && d.low(i-1) == "of" {
		return true // "the rate of increase in spending"
	}
	start := w.start
	art := ""
	if i > 0 && d.gapBefore(i) == " " && (d.low(i-1) == "a" || d.low(i-1) == "an") {
		a := d.ws[i-1]
		start = a.start
		art = d.text[a.start:a.end]
	}
	src := d.text[start:w.end]
	vs := make([]string, 0, len(alts))
	for _, alt := range alts {
		v := fitCase(w, alt)
		if art != "" {
			a := "a"
			if strings.IndexByte("aeiou", alt[0]) >= 0 {
				a = "an"
			}
			v = fitCase(d.ws[i-1], a) + " " + v
		}
		vs = append(vs, v)
	}
	d.add(start, w.end, "change", src, vs...)
	return true
}
