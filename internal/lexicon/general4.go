package lexicon

import "strings"

// Families catalogue V4 adds: common wording of minutes, briefings and
// speeches. The family test (general_test.go) shows each on real
// sentences, with the contexts it must leave alone.

// generalV4 offers the families catalogue V4 adds at word i.
func (d *doc) generalV4(i int) {
	switch d.low(i) {
	case "about", "regarding", "concerning":
		d.regarding(i)
	case "seen", "viewed", "regarded":
		d.seenAs(i)
	case "expected", "anticipated":
		d.expectedTo(i)
	case "the":
		d.ahead(i)
	}
	d.timeComma(i)
}

// aboutNouns take "about", "regarding" and "concerning" alike before
// their topic: "concerns about the outlook" ↔ "concerns regarding the
// outlook". Only nouns of thinking and telling: after other nouns
// "regarding" has no "about" form ("developments regarding the
// dollar").
var aboutNouns = set("concern", "concerns", "uncertainty", "uncertainties", "information", "views", "questions",
	"question", "comments", "news", "worries", "reservations", "optimism", "pessimism", "doubts", "assumptions",
	"discussion", "discussions", "guidance", "clarity", "communications", "expectations", "judgments",
	"decisions", "decision", "thinking", "intentions", "misperceptions", "perceptions", "details")

// regarding: "regarding" ↔ "concerning" as a preposition after a noun
// ("uncertainty regarding the fiscal outlook"), and "about" after one
// of aboutNouns. The three name a topic alike; "regarding" and
// "concerning" are a shade more formal than "about", so a document
// shows them in place of "about" only if it writes one of them itself.
// Left out: "concerning" as an adjective ("the trend was concerning",
// "a concerning rise"), "regarding" as a verb ("regarding it as"),
// "about" before a figure ("about 2 percent") or after any other word,
// and a word near another of the three, which may be a pair.
func (d *doc) regarding(i int) {
	w := d.ws[i]
	if w.upper || !d.spaced(i) || !d.prose(i, i) || i == 0 || d.gapBefore(i) != " " {
		return
	}
	p := d.ws[i-1]
	if !p.alpha || p.upper || p.cap && !d.sentStart(i-1) {
		return
	}
	n := d.ws[i+1]
	if !n.alpha || n.num || numberWords[n.low] != "" || n.low == "it" || n.low == "to" || n.low == "as" ||
		n.low == "that" && w.low == "about" {
		return
	}
	noun := aboutNouns[p.low]
	if !noun && (w.low == "about" || !regardingNouns[p.low]) {
		return
	}
	if w.low == "about" && !d.uses(formRegarding) {
		return
	}
	// "uncertainty about the stance of policy and about the factors": a
	// pair keeps its two halves alike.
	if d.near(i, 10, func(k int) bool { l := d.low(k); return l == "regarding" || l == "concerning" || l == "about" }) {
		return
	}
	alts := []string{"regarding", "concerning"}
	if noun {
		alts = append(alts, "about")
	}
	d.add(w.start, w.end, "regarding", d.text[w.start:w.end], alts...)
}

// regardingNouns take "regarding" and "concerning" alike, but not
// "about" ("developments regarding the dollar"). Only after a noun of
// aboutNouns or of these is either word a point: elsewhere "concerning"
// may be an adjective ("remained concerning") and "regarding" a verb,
// and the formal texts the minutes reproduce ("keep the Secretary fully
// advised concerning") keep their words.
var regardingNouns = set("developments", "anticipations", "rules", "policies", "practices", "procedures",
	"issues", "matters", "statement", "statements", "language", "principles", "considerations", "arrangements",
	"proposals", "recommendations", "negotiations", "understandings", "confidence", "fears", "remarks",
	"skepticism", "caution", "speculation", "debate", "disagreement", "disagreements", "concerns")

// seenAs: "was seen as likely" ↔ "was viewed as likely" ↔ "was
// regarded as likely": the passive of "see/view/regard X as Y" says the
// same in every register. Only after a form of "be", with at most an
// adverb between ("were generally seen as"), and with "as" right after;
// left out: "as much as", "as well", "as soon as" and the like, where
// "seen" is not this verb.
func (d *doc) seenAs(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || d.low(i+1) != "as" || !d.spaced(i+1) || !d.prose(i, i) || i == 0 || d.gapBefore(i) != " " {
		return
	}
	if _, ok := d.afterBe(i); !ok {
		return
	}
	// "was seen as it happened": a clause after "as" makes it a
	// conjunction of time.
	if n := d.low(i + 2); notAfterSeenAs[n] || n == "" || subjectPronouns[n] || n == "it" || n == "you" {
		return
	}
	if d.near(i, 10, func(k int) bool { l := d.low(k); return k != i+1 && (l == "seen" || l == "viewed" || l == "regarded") }) {
		return
	}
	d.swapWord(i, "seen-as", w.low, "seen", "viewed", "regarded")
}

// expectedTo: "growth was expected to slow" ↔ "growth was anticipated to
// slow": the passive with a to-infinitive, the same forecast in minutes,
// briefings and news alike (Fold already makes the two one word, since
// "participants expected that" ↔ "anticipated that" is a point of
// catalogue V1). Only after a form of "be", with at most an adverb
// between, and before "to" and a verb; left out: "than expected", "as
// expected", "the expected path" and every other "expected", and a word
// near another of the two, which may be a pair.
func (d *doc) expectedTo(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || d.low(i+1) != "to" || !d.spaced(i+1) || !d.prose(i, i) || i == 0 || d.gapBefore(i) != " " {
		return
	}
	if v := d.ws[i+2]; !v.alpha || v.cap || !forecastVerbs[v.low] && !changeVerbs[v.low] {
		return
	}
	// "The contemplated reserve conditions are expected to be
	// consistent with…" is the directive's own sentence, which the
	// minutes of the 1990s give without quotation marks.
	if d.low(i+2) == "be" && d.low(i+3) == "consistent" {
		return
	}
	b, ok := d.afterBe(i)
	if !ok {
		return
	}
	// "You are expected to pay", "Banks are expected to hold": of a
	// person or an institution, "expected" may be a duty, which
	// "anticipated" is not.
	if s := d.low(b - 1); subjectPronouns[s] || s == "you" || dutyBearers[s] {
		return
	}
	if d.near(i, 10, func(k int) bool { l := d.low(k); return l == "expected" || l == "anticipated" }) {
		return
	}
	d.swapWord(i, "expected", w.low, "expected", "anticipated")
}

// forecastVerbs follow "was expected to" in a forecast ("inflation was
// expected to remain", "spending was expected to provide support"),
// beside the verbs of change. Left out: "have", the verbs of the
// directive's instructions to the Desk ("purchase", "place", "hold"),
// and "converge", whose "the rate to which each variable would be
// expected to converge" is the projections' own definition.
var forecastVerbs = set("be", "remain", "continue", "prevail", "support", "foster", "provide",
	"contribute", "begin", "exert", "lead", "help", "persist", "become", "weigh", "keep", "damp", "advance",
	"trim", "stay", "return", "stabilize", "peak", "reach", "add", "subtract", "restrain", "turn", "show",
	"level", "average", "abate", "diminish", "boost", "result", "resume", "spur", "stimulate", "restore",
	"offset", "outpace", "exceed", "lag", "bolster", "sustain", "push", "pull", "drag", "produce", "generate",
	"yield", "bring", "cause", "create", "save", "cost", "buttress", "affect", "benefit", "hurt", "prompt")

// dutyBearers are subjects of whom "expected to" may state a duty.
var dutyBearers = set("members", "participants", "people", "americans", "citizens", "employees", "officials",
	"workers", "students", "children", "parents", "everyone", "everybody", "banks", "institutions", "agencies",
	"employers", "contractors", "applicants", "recipients", "states", "desk", "manager", "staff", "who")

// notAfterSeenAs make "seen as" something else: "as much as", "as well
// as", "as soon as".
var notAfterSeenAs = set("much", "many", "well", "soon", "long", "far", "early", "late", "recently", "high", "low",
	"often", "little", "few", "if", "though", "such")

// aheadUnits are the stretches of time that "ahead", "to come" and
// "coming" all look forward over: "in the months ahead" ↔ "in the coming
// months" ↔ "in the months to come". Plural only for "to come" ("the
// year to come" is rare); "period" is left out, since "the coming
// period" is not said.
var aheadUnits = set("months", "weeks", "years", "quarters", "days", "decades", "year", "month", "week", "quarter",
	"decade")

// aheadPreps may open such a stretch of time.
var aheadPreps = set("in", "over", "during", "for", "within", "throughout", "through", "into")

// ahead: "in the months ahead" ↔ "in the coming months" ↔ "in the months
// to come" after a preposition of time, where the document writes the
// form shown itself. Where it writes "coming months" without "the", that
// form joins them (the "coming" family of catalogue V2, which this point
// replaces where both apply). Left out: "two
// years ahead", "ahead of", "the year ahead's", and a unit with a
// modifier of its own ("the next few months ahead").
func (d *doc) ahead(i int) {
	if i == 0 || d.gapBefore(i) != " " || !aheadPreps[d.low(i-1)] || d.ws[i-1].upper || !d.spaced(i) || !d.spaced(i+1) {
		return
	}
	var unit, last int
	switch {
	case d.low(i+1) == "coming" && aheadUnits[d.low(i+2)]:
		unit, last = i+2, i+2
	case aheadUnits[d.low(i+1)] && d.low(i+2) == "ahead":
		unit, last = i+1, i+2
	case aheadUnits[d.low(i+1)] && d.low(i+2) == "to" && d.spaced(i+2) && d.low(i+3) == "come" && comingUnits[d.low(i+1)]:
		unit, last = i+1, i+3
	default:
		return
	}
	for k := i; k <= last; k++ {
		if d.ws[k].cap {
			return
		}
	}
	if !d.prose(i, last) {
		return
	}
	g := d.gapAfter(last)
	if strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	if g == " " && (d.low(last+1) == "of" || d.low(last+1) == "ahead") {
		return
	}
	u := d.text[d.ws[unit].start:d.ws[unit].end]
	// Each form is a phrasing a document keeps to or not, like "in
	// (the) coming months": a copy shows it only if the document writes
	// it itself.
	var alts []string
	if d.uses(formTheComingAny) {
		alts = append(alts, "the coming "+u)
	}
	if d.uses(formAhead) {
		alts = append(alts, "the "+u+" ahead")
	}
	if comingUnits[d.low(unit)] {
		if d.uses(formToCome) {
			alts = append(alts, "the "+u+" to come")
		}
		if d.uses(formComingBare) {
			alts = append(alts, "coming "+u)
		}
	}
	// "the coming months" ↔ "coming months" alone is the "coming"
	// family's point.
	if d.low(i+1) == "coming" && !d.uses(formAhead) && !(comingUnits[d.low(unit)] && d.uses(formToCome)) {
		return
	}
	end := d.ws[last].end
	d.addP(1, d.ws[i].start, end, "ahead", d.text[d.ws[i].start:end], alts...)
}

// timeOpeners open a sentence as an adverbial of time on their own:
// "Today, we" ↔ "Today we".
var timeOpeners = set("today", "tonight", "yesterday", "tomorrow")

// timeUnitsSingular follow "last", "this" or "next" as an adverbial of
// time: "Last year, we".
var timeUnitsSingular = set("year", "month", "week", "night", "fall", "spring", "summer", "winter", "session",
	"morning", "evening", "decade", "century")

// timeOpener returns the last word of an adverbial of time that opens
// the sentence at word i ("Today", "Last year", "Ten years ago", "A
// decade ago"), or -1.
func (d *doc) timeOpener(i int) int {
	w := d.ws[i]
	if !w.cap || w.upper || !d.sentStart(i) {
		return -1
	}
	switch {
	case timeOpeners[w.low]:
		return i
	case (w.low == "last" || w.low == "this" || w.low == "next") && d.spaced(i) && timeUnitsSingular[d.low(i+1)]:
		return i + 1
	case (w.low == "a" || numberWords[w.low] != "" || w.low == "years" || w.low == "decades") && d.spaced(i):
		k := i
		if w.low != "years" && w.low != "decades" {
			k++
			if !timeUnits[d.low(k)] && d.low(k) != "generation" && d.low(k) != "generations" || !d.spaced(k) {
				return -1
			}
		}
		if d.low(k+1) == "ago" {
			return k + 1
		}
	}
	return -1
}

// timeComma: "Today, we face" → "Today we face", "Last year, the
// economy grew" → "Last year the economy grew": the comma after a short
// adverbial of time that opens a sentence is optional (Chicago 6.36),
// like the comma after a short prepositional phrase (introComma). One
// way, presence → absence, and only in a document that itself writes
// such an opening without a comma somewhere; and only where a clause
// follows at once, a subject and its verb before any other punctuation,
// so a list ("Today, tomorrow and forever") or a vocative ("Tonight, my
// fellow Americans, I") keeps its comma.
func (d *doc) timeComma(i int) {
	last := d.timeOpener(i)
	if last < 0 || !d.commaSpaced(last) || !d.uses(formTimeBare) || !d.prose(i, last) {
		return
	}
	// "This year, we must begin… This year, we must extend…": an opening
	// the speech repeats is its rhetoric, and keeps its commas.
	if d.near(i, 80, func(k int) bool {
		return d.ws[k].cap && d.low(k) == d.low(i) && (last == i || d.low(k+1) == d.low(last))
	}) {
		return
	}
	n := d.ws[last+1]
	if !n.alpha || n.cap && n.low != "i" || timeOpeners[n.low] || !clauseStarters[n.low] && n.low != "you" {
		return
	}
	// The clause's verb within five words, with nothing but spaces
	// between: a subject pronoun counts, "there" and determiners need
	// a finite verb (or a past tense: "the Congress passed").
	for k := last + 1; k < last+6 && k < len(d.ws); k++ {
		if k > last+1 && d.gapBefore(k) != " " {
			return
		}
		l := d.low(k)
		if subjectPronouns[l] || l == "you" || k > last+1 && (finiteCues[l] || auxiliaries[l] || strings.HasSuffix(l, "ed")) {
			d.addComma(last, "time-comma")
			return
		}
	}
}

// Census names of the V4 families' forms.
const (
	formRegarding    = "regarding"
	formTimeBare     = "Today we"
	formTheComingAny = "the coming year"
	formAhead        = "the months ahead"
	formToCome       = "the months to come"
)

// addGeneralV4 counts the forms of the V4 families at word i of t.
func (c *census) addGeneralV4(t string, ws []word, i int) {
	w := ws[i]
	if (w.low == "regarding" || w.low == "concerning") && i > 0 && i+1 < len(ws) && ws[i+1].alpha {
		c.forms[formRegarding]++
	}
	if w.low == "the" && i+2 < len(ws) {
		switch u := ws[i+1].low; {
		case u == "coming" && aheadUnits[ws[i+2].low]:
			c.forms[formTheComingAny]++
		case aheadUnits[u] && ws[i+2].low == "ahead":
			c.forms[formAhead]++
		case comingUnits[u] && ws[i+2].low == "to" && i+3 < len(ws) && ws[i+3].low == "come":
			c.forms[formToCome]++
		}
	}
	if w.cap {
		d := &doc{text: t, ws: ws}
		if last := d.timeOpener(i); last >= 0 && d.spaced(last) {
			c.forms[formTimeBare]++
		}
	}
}

// passiveBe are the forms of "be" a passive ("was seen as", "are expected
// to") follows.
var passiveBe = set("is", "was", "were", "are", "be", "been", "being")

// afterBe reports whether word i (not the first) follows a form of "be"
// (passiveBe), with at most one adverb between ("were generally", "is
// also", "was still"), joined by a plain space, and returns the index of
// the form of "be".
func (d *doc) afterBe(i int) (int, bool) {
	b := i - 1
	if strings.HasSuffix(d.low(b), "ly") || d.low(b) == "also" || d.low(b) == "still" {
		b--
		if b < 0 || d.gapAfter(b) != " " {
			return b, false
		}
	}
	return b, passiveBe[d.low(b)]
}
