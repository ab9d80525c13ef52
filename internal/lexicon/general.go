package lexicon

import "strings"

// Families for general prose (catalogue V2 on): speeches, news, email
// and briefings, where the FOMC's vocabulary of change is rare. The
// family test (general_test.go) shows each on real sentences.
//
// help (to) V and each/every year are choices of grammar, not of
// style, and vary freely.
// The others are choices a writer or a house style makes ("more than
// 40 million" or "over 40 million", "said Tuesday" or "said on
// Tuesday"), so, like the spellings in style.go, a rendering is offered
// only where the document writes that form somewhere itself.

// general offers the general-prose families at word i.
func (d *doc) general(i int) {
	if d.f.catalogue < V2 {
		return
	}
	switch d.low(i) {
	case "help", "helps", "helped", "helping":
		d.helpTo(i)
	case "more":
		d.moreThan(i)
	case "coming":
		d.coming(i)
	case "each", "one":
		d.eachOther(i)
	case "everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody", "no":
		d.everyone(i)
	case "so":
		d.soThat(i)
	}
	if d.f.catalogue >= V3 {
		d.generalV3(i)
	}
	if d.f.catalogue >= V4 {
		d.generalV4(i)
	}
	if w := d.low(i); w == "each" || w == "every" {
		d.eachYear(i)
	}
	if reportedOn[d.low(i)] {
		d.saidOn(i)
	}
}

// generalV3 offers the general-prose families catalogue V3 adds at
// word i.
func (d *doc) generalV3(i int) {
	switch d.low(i) {
	case "that", "which", "whom":
		d.relative(i)
		if d.low(i) == "that" {
			d.thatAdjective(i)
			d.thatAfterObject(i)
		}
	case "though":
		d.though(i)
	case "also", "now", "still":
		d.alsoModal(i)
	case "considerably", "substantially":
		d.considerably(i)
	case "a", "slightly":
		d.aLittle(i)
	case "whole", "entire":
		d.whole(i)
	}
}

// helpBefore make the "help" after them a verb: the infinitive marker,
// a modal, a subject pronoun. Left out: "and", "that" and determiners,
// after which "help" may be the noun ("crucial help to people", "your
// help to solve it"), and "it", whose "it would help to have more
// data" has no bare form.
var helpBefore = set("to", "will", "would", "can", "could", "may", "might", "must", "should", "shall",
	"i", "we", "you", "they", "also", "further", "not", "which", "who")

// helpVerbs are base verbs that "help" takes with or without "to":
// dynamic verbs only, never "have", "know" or "be", and none that is
// also a common bare noun object ("help people").
var helpVerbs = set("build", "make", "pay", "create", "reduce", "ensure", "keep", "protect", "bring",
	"find", "provide", "raise", "prepare", "meet", "improve", "strengthen", "restore", "train", "lower",
	"cut", "expand", "achieve", "develop", "establish", "educate", "rebuild", "prevent", "close", "hire",
	"end", "solve", "put", "integrate", "assure", "finance", "fund", "guarantee", "stop", "fight", "shape",
	"lead", "save", "secure", "promote", "preserve", "defend", "launch", "ease", "boost", "contain",
	"offset", "explain", "cover", "lift", "sustain", "stabilize", "support", "foster", "limit", "curb",
	"mitigate", "moderate", "restrain", "reinforce", "underpin", "cushion", "damp", "dampen", "alleviate",
	"relieve", "facilitate", "encourage", "strengthen", "speed", "accelerate", "push", "pull", "drive",
	"fuel", "spur", "stimulate", "maintain", "stem", "reverse", "combat", "clean", "modernize",
	"move", "reform", "resolve", "settle", "win", "organize", "identify", "address", "determine", "shift",
	"hold", "avoid", "reach", "communicate", "clarify", "inform", "anchor", "return", "rebalance")

// helpTo: "will help to build" ↔ "will help build". "help" takes a
// to-infinitive or a bare one with the same meaning in every register
// (Quirk et al. §16.52). Only where nothing stands between "help" and
// its verb ("help families pay" stays), only after a word that makes
// "help" a verb, and never with an "it" subject nearby.
func (d *doc) helpTo(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || !d.prose(i, i) {
		return
	}
	switch w.low {
	case "help":
		if i == 0 || d.gapBefore(i) != " " || !helpBefore[d.low(i-1)] {
			return
		}
	case "helping":
		if i == 0 || d.gapBefore(i) != " " || determiners[d.low(i-1)] {
			return
		}
	}
	for k := max(0, i-3); k < i; k++ {
		if l := d.low(k); l == "it" || l == "it's" || l == "this" {
			return
		}
	}
	n := i + 1
	if d.low(n) == "to" {
		if !d.spaced(n) || !d.helpVerb(n+1) {
			return
		}
		d.add(w.end, d.ws[n+1].start, "help-to", d.text[w.end:d.ws[n+1].start], " ")
		return
	}
	// "to help to create" repeats the "to": only "to help create".
	if d.helpVerb(n) && d.low(i-1) != "to" {
		d.add(w.end, d.ws[n].start, "help-to", " ", " to ")
	}
}

// helpVerb reports whether word k is a plain base verb of helpVerbs
// that ends a phrase or takes an object, not part of a compound.
func (d *doc) helpVerb(k int) bool {
	if k >= len(d.ws) || !helpVerbs[d.ws[k].low] || d.ws[k].cap || !d.proseAfter(d.ws[k].end) {
		return false
	}
	g := d.gapAfter(k)
	return !strings.HasPrefix(g, "-") && !strings.HasPrefix(g, "'") && !strings.HasPrefix(g, "\u2019")
}

// notMoreThan may not stand before "more than" made "over": "no more
// than 5" and "far more than 5" have no "over" form.
var notMoreThan = set("no", "not", "any", "much", "far", "little", "nothing", "even", "slightly", "somewhat",
	"considerably", "substantially", "significantly", "a", "the", "one", "many", "times", "still", "yet",
	"and", "or", "once", "twice", "some", "lot", "bit")

// figureAfter reports whether word k is a figure ("40", "$5", "two")
// that is not a year or a stretch of time, with "than" or "over" at
// k-1.
func (d *doc) figureAfter(k int) bool {
	if k >= len(d.ws) {
		return false
	}
	g := d.gapBefore(k)
	w := d.ws[k]
	switch {
	case g == " $" && w.num:
	case g == " " && w.num:
		if len(w.low) == 4 && (strings.HasPrefix(w.low, "19") || strings.HasPrefix(w.low, "20")) {
			return false // a year: "over 2020"
		}
	case g == " " && numberWords[w.low] != "" && w.low != "one":
	default:
		return false
	}
	// The figure's noun, past a scale word or a fraction: never a
	// stretch of time ("over 20 years" may be a duration).
	j := k + 1
	for j < len(d.ws) && (d.gapBefore(j) == "." || d.gapBefore(j) == ",") && d.ws[j].num {
		j++
	}
	if j < len(d.ws) && d.gapBefore(j) == " " && (d.low(j) == "million" || d.low(j) == "billion" ||
		d.low(j) == "trillion" || d.low(j) == "thousand" || d.low(j) == "hundred") {
		j++
	}
	return !(j < len(d.ws) && d.gapBefore(j) == " " && (timeUnits[d.low(j)] || d.low(j) == "hours" ||
		d.low(j) == "minutes" || d.low(j) == "times" || d.low(j) == "century" || d.low(j) == "centuries" ||
		d.low(j) == "generations" || d.low(j) == "generation" || d.low(j) == "seasons" || d.low(j) == "terms"))
}

// moreThan: "more than 40 million" → "over 40 million" before a figure
// of amount, where the document writes "over" with a figure itself.
// Both are standard (AP dropped the distinction in 2014), but a house
// style may keep it, so the census decides. One way only, since "over
// 20" may also be a place or a span. Left out: "no more than", "far
// more than" and the like, "more than one", years and stretches of
// time.
func (d *doc) moreThan(i int) {
	w := d.ws[i]
	if !d.spaced(i) || d.low(i+1) != "than" || !d.figureAfter(i+2) || !d.uses(formOverFigure) || !d.prose(i, i+1) {
		return
	}
	if w.cap && !d.sentStart(i) {
		return
	}
	if i > 0 && d.gapBefore(i) == " " && notMoreThan[d.low(i-1)] {
		return
	}
	end := d.ws[i+1].end
	d.add(w.start, end, "more-than", d.text[w.start:end], fitCase(w, "over"))
}

// coming: "in the coming months" ↔ "in coming months", both in the
// FOMC minutes and in speeches; where the document writes both.
func (d *doc) coming(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || !comingUnits[d.low(i+1)] || d.ws[i+1].cap || i == 0 || d.gapBefore(i) != " " {
		return
	}
	if g := d.gapAfter(i + 1); strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	if d.low(i-1) == "the" {
		t := d.ws[i-1]
		if i < 2 || d.gapBefore(i-1) != " " || !comingPreps[d.low(i-2)] || !d.uses(formComingBare) {
			return
		}
		d.add(t.start, w.start, "coming", d.text[t.start:w.start], "")
		return
	}
	if comingPreps[d.low(i-1)] && d.uses(formTheComing) {
		d.add(w.start, w.start, "coming", "", "the ")
	}
}

var (
	// Plural only: "in coming months", never "over coming year".
	comingUnits = set("months", "weeks", "years", "quarters", "days", "decades")
	comingPreps = set("in", "over", "during", "for", "within", "throughout")
)

// eachOther: "each other" ↔ "one another", the reciprocal pronoun; the
// old rule (each other of two) is not one that readers hold, but a
// document keeps to one, so the census decides. Left out: "each other
// country", where "each" and "other" are determiners.
func (d *doc) eachOther(i int) {
	w := d.ws[i]
	if !d.spaced(i) || !d.prose(i, i+1) || w.upper {
		return
	}
	var alt, want string
	switch {
	case w.low == "each" && d.low(i+1) == "other":
		alt, want = "one another", formOneAnother
	case w.low == "one" && d.low(i+1) == "another":
		alt, want = "each other", formEachOther
	default:
		return
	}
	if !d.uses(want) || i > 0 && d.gapBefore(i) == " " && (d.low(i-1) == "no" || d.ws[i-1].num || numberWords[d.low(i-1)] != "") {
		return
	}
	// A noun after would make "each other" a determiner phrase.
	if i+2 < len(d.ws) && d.gapAfter(i+1) == " " && !functionWords[d.low(i+2)] && !subjectPronouns[d.low(i+2)] {
		return
	}
	if g := d.gapAfter(i + 1); strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	end := d.ws[i+1].end
	d.add(w.start, end, "each-other", d.text[w.start:end], fitCase(w, alt))
}

// everyonePairs pair the indefinite pronouns in -one and -body: the
// same pronoun, the -body forms a shade more spoken, so a document
// shows the other form only if it writes it itself.
var everyonePairs = map[string]string{
	"everyone": "everybody", "everybody": "everyone",
	"someone": "somebody", "somebody": "someone",
	"anyone": "anybody", "anybody": "anyone",
	"nobody": "no one", "no one": "nobody",
}

// everyone: everyone ↔ everybody and the like. Left out: "a somebody"
// (a noun), and "no one" before a noun ("no one country").
func (d *doc) everyone(i int) {
	w := d.ws[i]
	last := i
	form := w.low
	if w.low == "no" {
		if !d.spaced(i) || d.low(i+1) != "one" {
			return
		}
		last, form = i+1, "no one"
		if i+2 < len(d.ws) && d.gapAfter(i+1) == " " && !functionWords[d.low(i+2)] {
			n := d.low(i + 2)
			if !finiteCues[n] && !strings.HasSuffix(n, "ed") && !strings.HasSuffix(n, "s") {
				return // "no one country", "no one thing"
			}
		}
	}
	alt := everyonePairs[form]
	if w.upper || !d.prose(i, last) || !d.uses(alt) {
		return
	}
	if i > 0 && d.gapBefore(i) == " " && (d.low(i-1) == "a" || d.low(i-1) == "the") {
		return
	}
	// A pronoun repeated close by is rhetoric ("no one, no one wants
	// to"): changing one of them breaks the figure.
	for k := max(0, i-8); k < min(len(d.ws), last+9); k++ {
		if k < i || k > last {
			if l := d.low(k); l == form || l == alt || l == "one" && d.low(k-1) == "no" && k-1 != i {
				return
			}
		}
	}
	if g := d.gapAfter(last); strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	end := d.ws[last].end
	d.add(w.start, end, "everyone", d.text[w.start:end], fitCase(w, alt))
}

// reportedOn are the verbs of news reports that a day name follows.
var reportedOn = set("said", "announced", "reported", "told", "added", "wrote", "stated", "confirmed", "testified")

var weekdays = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

// saidOn: "said Tuesday" ↔ "said on Tuesday". American news style drops
// the "on"; other writing keeps it; both read the same. A house style
// keeps to one, so the census decides. Left out: the day name as a
// possessive or a compound ("Tuesday's vote", "Tuesday-night").
func (d *doc) saidOn(i int) {
	w := d.ws[i]
	if !d.spaced(i) || w.upper || !d.prose(i, i) {
		return
	}
	k, alt, want := i+1, "", ""
	if d.low(k) == "on" {
		if !d.spaced(k) {
			return
		}
		k++
		alt, want = d.text[w.start:w.end], formDayBare
	} else {
		alt, want = d.text[w.start:w.end]+" on", formDayOn
	}
	if k >= len(d.ws) || !weekdays[d.low(k)] || !d.ws[k].cap || d.ws[k].upper || !d.uses(want) {
		return
	}
	if g := d.gapAfter(k); strings.HasPrefix(g, "'") || strings.HasPrefix(g, "\u2019") || strings.HasPrefix(g, "-") {
		return
	}
	end := d.ws[k-1].end
	d.add(w.start, end, "said-on", d.text[w.start:end], alt)
}

// everyUnits follow "each" or "every" as a time adverbial.
var everyUnits = set("year", "month", "week", "day")

// notEvery may not stand before "every" made "each": "not every day",
// "almost every year".
// "for each year from 2017 through 2019" is distributive and, in the
// minutes, a fixed formula, so "for" stays with its word too.
var notEvery = set("not", "almost", "nearly", "virtually", "practically", "once", "twice", "about", "and", "or", "for")

// eachYear: "each year" ↔ "every year" (month, week, day, quarter): as a
// time adverbial both say "in all the years, one by one", in every
// register. Left out: "not every day" and "almost every year" (no
// "each"), a possessive or compound ("each day's", "every-day"), and a
// following word that could make the unit a noun modifier ("every day
// life"): only punctuation, a function word, a word that starts a
// clause or a figure may follow.
func (d *doc) eachYear(i int) {
	w := d.ws[i]
	if !d.spaced(i) || !everyUnits[d.low(i+1)] || d.ws[i+1].cap || w.upper || !d.prose(i, i+1) {
		return
	}
	if i > 0 && d.gapBefore(i) == " " && notEvery[d.low(i-1)] {
		return
	}
	g := d.gapAfter(i + 1)
	switch {
	case i+2 >= len(d.ws):
		if g != "" && strings.IndexAny(g, ".,;:!?)") != 0 {
			return
		}
	case g == " ":
		n := d.ws[i+2]
		if !functionWords[n.low] && !clauseStarters[n.low] && n.low != "you" && !n.num {
			return
		}
	case g == " $":
	case strings.IndexAny(g, ".,;:!?)") == 0:
	default:
		return
	}
	// "every day … every day" is rhetoric: both stay.
	if d.near(i, 12, func(k int) bool { return (d.low(k) == "each" || d.low(k) == "every") && everyUnits[d.low(k+1)] }) {
		return
	}
	alt := "every"
	if w.low == "every" {
		alt = "each"
	}
	d.add(w.start, w.end, "each-year", d.text[w.start:w.end], fitCase(w, alt))
}

// notSoThat may not stand before a purpose "so that" made "so": "is so
// that", "only so that", "even more so that".
var notSoThat = set("is", "was", "be", "been", "are", "were", "do", "did", "does", "done", "more", "even", "only",
	"just", "and", "or", "not", "precisely", "simply", "mainly", "partly", "largely", "less", "much", "so")

// soThat: "so that we can" → "so we can", a purpose clause with a modal,
// where the document itself writes "so we can" and the like: the bare
// "so" is a shade more spoken, so minutes that never use it keep "so
// that". One way only, since "so we could" may be a result. Left out at
// a sentence start ("So that peace can prevail, we…"), and without a
// subject and modal right after.
func (d *doc) soThat(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || d.low(i+1) != "that" || !d.spaced(i+1) || !d.prose(i, i+1) || !d.uses(formSoClause) {
		return
	}
	if i > 0 && (d.gapBefore(i) == " " && notSoThat[d.low(i-1)] || strings.TrimSpace(d.gapBefore(i)) != "" && d.gapBefore(i) != ", ") {
		return
	}
	k := i + 2
	if k >= len(d.ws) {
		return
	}
	// "so that no one will be denied … but so that our future will
	// not be compromised": a parallel pair stays as it is.
	if d.near(i, 30, func(k int) bool { return d.low(k) == "so" && d.low(k+1) == "that" }) {
		return
	}
	limit := k + 1
	switch s := d.low(k); {
	case subjectPronouns[s] || s == "you" || s == "it":
	case determiners[s] || s == "all" || s == "every":
		limit = k + 4
	default:
		return
	}
	for j := k; j < limit && j+1 < len(d.ws); j++ {
		if !d.spaced(j) {
			return
		}
		if modals[d.low(j+1)] {
			end := d.ws[i+1].end
			d.add(w.start, end, "so-that", d.text[w.start:end], d.text[w.start:w.end])
			return
		}
	}
}

// though → although where "though" opens a clause after a comma or at
// the start of a sentence: there both are the same subordinating
// conjunction, in the same register (the minutes and speeches write
// both), and the swap "although" → "though" has always been offered.
// The frame is what keeps the adverb out: "It did slow, though." and
// "the economy, though, slowed" have no "although", nor do "even
// though", "as though" and a "though" inside a noun phrase ("a faster,
// though still moderate, pace"); so a clause must follow, with its
// subject and a finite verb.
func (d *doc) though(i int) {
	w := d.ws[i]
	if !d.spaced(i) || w.upper || !d.prose(i, i) {
		return
	}
	if !d.sentStart(i) && (i == 0 || d.gapBefore(i) != ", ") {
		return
	}
	if !d.thatClause(i + 1) {
		return
	}
	d.add(w.start, w.end, "although", d.text[w.start:w.end], fitCase(w, "although"))
}

// modalAdverbs may stand before or after a modal (catalogue V3): "also",
// and, as a family of their own, "now" and "still" ("we must now act" ↔
// "we now must act", "it would still be" ↔ "it still would be"), which
// keep their time and their contrast in either place.
var modalAdverbs = set("also", "now", "still")

// alsoModals are the modals that "also" may stand before or after.
var alsoModals = set("will", "would", "can", "could", "must", "should", "may", "might")

// alsoModal: "we will also propose" ↔ "we also will propose". Between a
// subject and its verb, "also" may stand after the modal or before it
// with the same meaning and focus; news writing prefers the second
// (AP's "also will"), speeches and minutes the first, and both read as
// plain English. Only with a subject before (a pronoun or a noun, never
// a question's "Will it also…") and a verb after; left out before
// "like" ("I should also like to" is a formula), "not", where the
// modal is capitalized, and where the word before may end a clause of
// its own ("the decisions we make now will have").
func (d *doc) alsoModal(i int) {
	w := d.ws[i]
	if w.cap || !d.spaced(i) || i < 2 || d.gapBefore(i) != " " || !d.prose(i, i) {
		return
	}
	var m, subj, verb int
	switch {
	case alsoModals[d.low(i-1)]:
		m, subj, verb = i-1, i-2, i+1
	case alsoModals[d.low(i+1)]:
		m, subj, verb = i+1, i-1, i+2
		if !d.spaced(i + 1) {
			return
		}
	default:
		return
	}
	if d.ws[m].cap || verb >= len(d.ws) || subj < 0 || d.gapAfter(subj) != " " {
		return
	}
	if v := d.ws[verb]; !v.alpha || v.cap || v.low == "like" || v.low == "not" || modalAdverbs[v.low] ||
		functionWords[v.low] && v.low != "be" && v.low != "have" {
		return
	}
	sb := d.ws[subj]
	if !(subjectPronouns[sb.low] || sb.low == "you" || sb.low == "it" || sb.low == "this" ||
		sb.alpha && !sb.upper && !functionWords[sb.low] && !determiners[sb.low] && !finite(sb.low) &&
			!strings.HasSuffix(sb.low, "ly") && !modals[sb.low]) {
		return
	}
	// A noun-like word after a pronoun is the verb of a clause that
	// ends there ("the decisions we make now will have"): the adverb
	// would move into it, or out of it.
	if !subjectPronouns[sb.low] && subj > 0 && d.gapBefore(subj) == " " {
		if p := d.low(subj - 1); subjectPronouns[p] || p == "you" || p == "it" || modals[p] || beForms[p] || haveForms[p] {
			return
		}
	}
	first, last := min(i, m), max(i, m)
	src := d.text[d.ws[first].start:d.ws[last].end]
	alt := d.text[d.ws[last].start:d.ws[last].end] + " " + d.text[d.ws[first].start:d.ws[first].end]
	kind := "also"
	if w.low != "also" {
		kind = "now-modal"
	}
	d.add(d.ws[first].start, d.ws[last].end, kind, src, alt)
}

// near reports whether is(k) holds for a word k other than i within n
// words of it.
func (d *doc) near(i, n int, is func(k int) bool) bool {
	for k := max(0, i-n); k < min(len(d.ws), i+n+1); k++ {
		if k != i && is(k) {
			return true
		}
	}
	return false
}

// thatVerbs take a that-clause whose "that" may go, from catalogue V2
// on, beside reportVerbs: the verbs of hoping, meaning and showing that
// speeches and email use ("This means that we must" ↔ "This means we
// must", "to ensure that it is" ↔ "to ensure it is"), and "make sure". The
// optional "that" (that.go) keeps its checks: a clause must start after
// it, and no passive or noun ("the hope that") comes before.
var thatVerbs = set("hope", "hoping", "mean", "means", "meant", "show", "shows", "showed", "shown",
	"understand", "understands", "understood", "remember", "remembered", "learned", "learn", "ensure",
	"ensures", "ensured", "ensuring")

var makeForms = set("make", "makes", "made", "making")

// thatVerb reports whether w, after the words before, takes a that-clause
// as thatVerbs do: Fold drops "that" after it.
func thatVerb(w string, before []string) bool {
	return thatVerbs[w] || proposeVerbs[w] || thatAdjectives[w] ||
		w == "sure" && len(before) > 0 && makeForms[before[len(before)-1]]
}

// proposeVerbs take a that-clause with the subjunctive ("I propose that
// we begin"); from catalogue V3 on, their "that" may go, only before a
// subject pronoun, since "I recommend the Congress enact" reads "the
// Congress" as the object first.
var proposeVerbs = set("propose", "proposed", "recommend", "recommended")

// thatAdjectives take a that-clause after a form of "be": "I am
// confident that we can" ↔ "I am confident we can". Left out: "aware"
// and "clear", whose bare clause reads as a slip, "happy" and "pleased",
// which take "to" far more often, and every adjective
// after "it" ("it is essential that we"), where the clause is the
// subject and needs its "that".
var thatAdjectives = set("sure", "confident", "certain", "convinced", "glad", "proud", "hopeful", "afraid")

// thatAdjective offers the "that" at i without itself after one of
// thatAdjectives in "I am (so) confident that we".
func (d *doc) thatAdjective(i int) {
	w := d.ws[i]
	if w.cap || i < 2 || d.gapBefore(i) != " " || !d.spaced(i) || !d.prose(i, i) || !thatAdjectives[d.low(i-1)] {
		return
	}
	b := i - 2
	if d.gapAfter(b) != " " {
		return
	}
	if strings.HasSuffix(d.low(b), "ly") || d.low(b) == "so" || d.low(b) == "very" || d.low(b) == "quite" ||
		d.low(b) == "more" || d.low(b) == "absolutely" {
		b--
		if b < 0 || d.gapAfter(b) != " " {
			return
		}
	}
	if l := d.low(b); !beForms[l] && l != "i'm" && l != "we're" && l != "you're" && l != "they're" || l == "it's" ||
		l == "that's" || l == "get" || l == "gets" || l == "got" || l == "gotten" || l == "getting" {
		return
	}
	if p := d.low(b - 1); p == "it" || p == "this" || p == "that" || p == "what" || p == "which" {
		return
	}
	if !d.thatClause(i+1) || d.parallelThat(i) {
		return
	}
	d.add(w.start, d.ws[i+1].start, "that", d.text[w.start:d.ws[i+1].start], "")
}

// moreThat reports whether word v is a thatVerb (from V2) or one of
// proposeVerbs (from V3, see there) in a verb's place: right after a
// subject pronoun, a modal, "to", "also", "not" or an adverb in -ly ("I
// sincerely hope that"), since most of these words are nouns too
// ("strong hopes that", "the only means that").
func (d *doc) moreThat(v int) bool {
	if d.f.catalogue < V2 || v == 0 || d.gapBefore(v) != " " {
		return false
	}
	p := d.low(v - 1)
	if d.low(v) == "sure" {
		return makeForms[p]
	}
	if proposeVerbs[d.low(v)] && d.f.catalogue >= V3 {
		// Before a subject pronoun only, after "I" or "we".
		n := d.low(v + 2)
		return (p == "i" || p == "we" || p == "also" || p == "would" || p == "to") && (subjectPronouns[n] || n == "you")
	}
	return thatVerbs[d.low(v)] && (subjectPronouns[p] || p == "you" || modals[p] || p == "to" || p == "also" ||
		p == "not" || p == "still" || p == "do" || p == "did" || p == "does" || strings.HasSuffix(p, "ly") && p != "only")
}

// Census names of the general families' forms.
const (
	formOverFigure = "over+figure"
	formTheComing  = "the coming"
	formComingBare = "coming"
	formEachOther  = "each other"
	formOneAnother = "one another"
	formDayOn      = "said on Tuesday"
	formDayBare    = "said Tuesday"
	formSoClause   = "so we can"
	formABit       = "a bit higher"
)

// addGeneral counts the forms of the general families at word i of t.
func (c *census) addGeneral(t string, ws []word, i int) {
	w := ws[i]
	switch w.low {
	case "over":
		if d := (&doc{text: t, ws: ws}); d.figureAfter(i + 1) {
			c.forms[formOverFigure]++
		}
	case "coming":
		if i > 0 && i+1 < len(ws) && comingUnits[ws[i+1].low] {
			if ws[i-1].low == "the" {
				c.forms[formTheComing]++
			} else if comingPreps[ws[i-1].low] {
				c.forms[formComingBare]++
			}
		}
	case "each", "one":
		if i+1 < len(ws) && (w.low == "each" && ws[i+1].low == "other") {
			c.forms[formEachOther]++
		}
		if i+1 < len(ws) && (w.low == "one" && ws[i+1].low == "another") {
			c.forms[formOneAnother]++
		}
		if w.low == "one" && i > 0 && ws[i-1].low == "no" {
			c.forms["no one"]++
		}
	case "everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody":
		c.forms[w.low]++
	}
	if w.low == "so" && i+2 < len(ws) && t[w.end:ws[i+1].start] == " " && (subjectPronouns[ws[i+1].low] || ws[i+1].low == "you") &&
		t[ws[i+1].end:ws[i+2].start] == " " && modals[ws[i+2].low] {
		c.forms[formSoClause]++
	}
	if w.low == "a" && i+2 < len(ws) && ws[i+1].low == "bit" && comparatives[ws[i+2].low] {
		c.forms[formABit]++
	}
	if reportedOn[w.low] && i+1 < len(ws) {
		switch {
		case weekdays[ws[i+1].low]:
			c.forms[formDayBare]++
		case ws[i+1].low == "on" && i+2 < len(ws) && weekdays[ws[i+2].low]:
			c.forms[formDayOn]++
		}
	}
}

// comparatives grade a difference: "considerably higher", "a little
// faster".
var comparatives = set("higher", "lower", "greater", "larger", "smaller", "faster", "slower", "stronger", "weaker",
	"better", "worse", "wider", "narrower", "tighter", "looser", "easier", "firmer", "softer", "above", "below",
	"more", "less", "fewer", "earlier", "later", "longer", "shorter", "bigger", "steeper", "sharper", "broader",
	"heavier", "lighter", "cheaper", "quicker")

// changeVerbs are verbs of change that a degree adverb may follow:
// "slowed considerably", "picked up substantially".
var changeVerbs = func() map[string]bool {
	m := set("grew", "grown", "grow", "grows", "growing", "expanded", "expand", "expanding", "contracted", "slowed",
		"slow", "slowing", "improved", "improve", "improving", "weakened", "weaken", "weakening", "strengthened",
		"eased", "ease", "easing", "tightened", "narrowed", "narrow", "widened", "widen", "rebounded", "recovered",
		"moderated", "moderate", "moderating", "accelerated", "accelerate", "decelerated", "decelerate",
		"dropped", "climbed", "jumped", "rising", "declining", "increasing", "decreasing", "falling", "up", "down",
		"appreciated", "depreciated", "firmed", "softened", "diminished", "shrank", "fallen", "risen", "lowered",
		"raised", "cut", "reduced", "changed", "shifted", "deteriorated", "picked")
	for w := range changeWord {
		m[w] = true
	}
	return m
}()

// considerably ↔ substantially, the same degree adverb of amount, after
// a verb of change ("slowed considerably in") or before a comparative
// ("considerably smaller"), in every register. Left out everywhere else:
// "substantially" also means "in substance" ("substantially completed",
// "substantially all", "substantially the same"); and near another
// degree adverb, which may be its pair.
func (d *doc) considerably(i int) {
	w := d.ws[i]
	if w.upper || !d.prose(i, i) {
		return
	}
	after := d.spaced(i) && comparatives[d.low(i+1)] && !d.ws[i+1].cap
	before := i > 0 && d.gapBefore(i) == " " && changeVerbs[d.low(i-1)] && !d.ws[i-1].cap
	if !after && !before {
		return
	}
	if before && !after && d.spaced(i) && (strings.HasSuffix(d.low(i+1), "ed") || d.low(i+1) == "all" || d.low(i+1) == "the") {
		return // "has been reduced substantially completed" is not ours
	}
	if d.near(i, 10, func(k int) bool { return degreeWords[d.low(k)] }) {
		return
	}
	d.swapWord(i, "considerably", "considerably", "substantially")
}

// degreeWords grade a difference; two near each other make a pair.
var degreeWords = set("slightly", "somewhat", "considerably", "substantially", "significantly", "much", "far",
	"modestly", "moderately", "marginally")

// aLittle: "a little higher" ↔ "slightly higher" before a comparative:
// the same small degree, both at home in the minutes and in speeches;
// and "a bit higher", a shade more spoken, where the document writes
// "a bit" before a comparative itself.
// Left out: "not a little" (which means "a lot"), "a little bit", and
// "a little" or "slightly" anywhere but before a comparative ("a little
// girl", "slightly positive").
func (d *doc) aLittle(i int) {
	w := d.ws[i]
	last := i
	switch {
	case w.low == "a" && d.spaced(i) && (d.low(i+1) == "little" || d.low(i+1) == "bit"):
		last = i + 1
		if i > 0 && d.gapBefore(i) == " " && (d.low(i-1) == "not" || d.low(i-1) == "quite") {
			return
		}
	case w.low == "slightly":
	default:
		return
	}
	if w.upper || !d.spaced(last) || !comparatives[d.low(last+1)] || d.ws[last+1].cap || !d.prose(i, last) {
		return
	}
	if g := d.gapAfter(last + 1); strings.HasPrefix(g, "-") {
		return // "slightly higher-than-expected"
	}
	// A pair ("slightly greater reserve restraint or slightly lesser
	// reserve restraint", the directive's words) keeps its two halves
	// alike.
	if d.near(i, 10, func(k int) bool {
		return k != last && (degreeWords[d.low(k)] || d.low(k) == "little" || d.low(k) == "bit" && d.low(k-1) == "a")
	}) {
		return
	}
	end := d.ws[last].end
	alts := []string{fitCase(w, "a little"), fitCase(w, "slightly")}
	if d.uses(formABit) {
		// "a bit" is a shade more spoken: shown only where the document
		// writes it itself.
		alts = append(alts, fitCase(w, "a bit"))
	}
	d.add(w.start, end, "a-little", d.text[w.start:end], alts...)
}

// wholeDets may stand before "whole"/"entire" as an adjective.
var wholeDets = set("the", "a", "an", "our", "this", "its", "their", "his", "her", "my", "your")

// wholeNouns name a body or a stretch that "whole" and "entire" both
// take in full. Only these: before abstract nouns "entire" means
// "complete" ("to the entire satisfaction of this Government", "an
// entire change of policy"), which "whole" does not, and "whole" has
// senses of its own ("whole milk", "a whole new", "the whole truth").
var wholeNouns = set("world", "country", "nation", "economy", "system", "region", "state", "city", "community",
	"family", "population", "budget", "program", "process", "industry", "sector", "year", "period", "month",
	"week", "day", "range", "structure", "framework", "continent", "hemisphere", "class", "staff", "army",
	"government", "administration", "committee", "congress", "generation", "career", "history", "course",
	"series", "length", "area", "society", "market", "curve", "distribution", "team", "group", "body",
	"network", "portfolio", "amount", "cost", "sum", "supply", "package", "plan", "subject", "question",
	"matter", "debate", "chain", "spectrum", "project", "company", "organization", "operation",
	"union", "globe", "planet", "town", "village", "neighborhood", "school", "department", "agency",
	"establishment", "district", "coast", "border", "frontier", "sequence", "set", "list", "history",
	"century", "decade", "quarter", "season", "session", "term", "life", "lifetime", "night", "evening",
	"morning", "afternoon", "issue", "field", "landscape", "territory", "economies", "countries", "regions")

// whole: "the whole country" ↔ "the entire country", "a whole
// generation" ↔ "an entire generation": before a noun the two
// adjectives mean "all of", in every register. Only before the nouns of
// wholeNouns, so "whole" as a noun ("as a whole", "the whole of") and
// the other senses of both stay; and not where either word recurs
// nearby ("the whole world … the whole world").
func (d *doc) whole(i int) {
	w := d.ws[i]
	if w.cap || i == 0 || d.gapBefore(i) != " " || !wholeDets[d.low(i-1)] || !d.spaced(i) || !d.prose(i-1, i) {
		return
	}
	n := d.ws[i+1]
	if !n.alpha || n.upper || !wholeNouns[n.low] || strings.HasPrefix(d.gapAfter(i+1), "-") ||
		strings.HasPrefix(d.gapAfter(i+1), "'") || strings.HasPrefix(d.gapAfter(i+1), "\u2019") {
		return
	}
	if d.near(i, 15, func(k int) bool { return d.low(k) == "whole" || d.low(k) == "entire" }) {
		return
	}
	alt := "entire"
	if w.low == "entire" {
		alt = "whole"
	}
	a := d.ws[i-1]
	if a.low != "a" && a.low != "an" {
		d.add(w.start, w.end, "whole", d.text[w.start:w.end], alt)
		return
	}
	art := "a"
	if alt == "entire" {
		art = "an"
	}
	d.add(a.start, w.end, "whole", d.text[a.start:w.end], fitCase(a, art)+" "+alt)
}

// tellObjVerbs take a pronoun object and a that-clause: "I can tell you
// that we", "It reminds us that the".
var tellObjVerbs = set("tell", "tells", "told", "telling", "assure", "assured", "assures", "assuring", "promise",
	"promised", "promises", "remind", "reminded", "reminds", "reminding", "show", "showed", "shown", "shows",
	"showing", "convince", "convinced", "warn", "warned", "warns", "teach", "taught", "teaches", "persuade",
	"persuaded")

// objPronouns are the object pronouns between such a verb and "that".
var objPronouns = set("you", "us", "me", "him", "her", "them")

// thatAfterObject: "I can assure you that the burdens will not fall" ↔
// "I can assure you the burdens will not fall". After a verb of telling
// or showing and a pronoun object, "that" may go as after "say"; only a
// pronoun may stand between, since a longer object ("informed the
// Committee that he had asked") keeps the clause's "that" to mark where
// it starts. Left out: "inform", whose formal "I have the satisfaction
// to inform you that" reads clipped without it.
func (d *doc) thatAfterObject(i int) {
	w := d.ws[i]
	if w.cap || i < 2 || d.gapBefore(i) != " " || d.gapBefore(i-1) != " " || !d.spaced(i) || !d.prose(i, i) {
		return
	}
	if !objPronouns[d.low(i-1)] || !tellObjVerbs[d.low(i-2)] || d.ws[i-2].cap || d.ws[i-1].cap {
		return
	}
	if p := d.low(i - 3); passiveBefore[p] && p != "as" {
		return // "the show them that"
	}
	if !d.thatClause(i+1) || d.parallelThat(i) {
		return
	}
	d.add(w.start, d.ws[i+1].start, "that", d.text[w.start:d.ws[i+1].start], "")
}
