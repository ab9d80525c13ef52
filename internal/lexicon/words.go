package lexicon

import (
	"regexp"
	"strconv"
	"strings"
)

// Wording families: words and short phrases with interchangeable
// renderings. Each entry says why meaning and register hold and what it
// leaves out; the family test (families_test.go) shows each on real text.

// swaps are single words with a fixed alternative, offered wherever the
// word occurs. Kind names the family.
var swaps = map[string]struct{ alt, kind string }{
	// toward/towards, afterward/afterwards: the same preposition and
	// adverb; both spellings are current and unmarked in American and
	// British English, so either direction keeps the register.
	"toward":     {"towards", "toward"},
	"towards":    {"toward", "toward"},
	"afterward":  {"afterwards", "toward"},
	"afterwards": {"afterward", "toward"},
	// The other -wards forms are adverbs only, so they can always lose
	// the s; gaining it is offered in adverb position only (wardAdverb),
	// since "upwards pressure" is not English.
	"upwards":   {"upward", "toward"},
	"downwards": {"downward", "toward"},
	"backwards": {"backward", "toward"},
	"onwards":   {"onward", "toward"},
	"inwards":   {"inward", "toward"},
	"outwards":  {"outward", "toward"},

	// although → though: "though" is the same subordinating conjunction
	// and is at home in formal prose. One way only: "though" is also an
	// adverb ("it did, though") that "although" cannot replace; from
	// catalogue V3 on, "though" opening a clause goes back (general.go).
	"although": {"though", "although"},

	// moreover/furthermore and nevertheless/nonetheless: pairs of
	// sentence adverbs with the same meaning and the same (formal)
	// register, each only ever used as an adverb.
	"moreover":     {"furthermore", "moreover"},
	"furthermore":  {"moreover", "moreover"},
	"nevertheless": {"nonetheless", "nevertheless"},
	"nonetheless":  {"nevertheless", "nevertheless"},

	// judgment/judgement, acknowledgment/acknowledgement: dictionary
	// variants (Merriam-Webster lists both) in equal standing in American
	// usage; the words have no other sense to confuse.
	"judgment":         {"judgement", "judgment"},
	"judgement":        {"judgment", "judgment"},
	"judgments":        {"judgements", "judgment"},
	"judgements":       {"judgments", "judgment"},
	"judgmental":       {"judgemental", "judgment"},
	"judgemental":      {"judgmental", "judgment"},
	"acknowledgment":   {"acknowledgement", "judgment"},
	"acknowledgement":  {"acknowledgment", "judgment"},
	"acknowledgments":  {"acknowledgements", "judgment"},
	"acknowledgements": {"acknowledgments", "judgment"},

	// amongst/whilst/amidst → among/while/amid: the -st forms are dated or
	// British; the plain forms are unmarked everywhere. One way only.
	"amongst": {"among", "amongst"},
	"whilst":  {"while", "amongst"},
	"amidst":  {"amid", "amongst"},
}

// wardAdverbs may gain an s where they are adverbs.
var wardAdverbs = set("upward", "downward", "backward", "onward", "inward", "outward")

// wardFollowers may follow an adverb -ward but not an adjective -ward:
// "revised upward in", "moved downward by", "upward of".
var wardFollowers = set("in", "to", "by", "from", "over", "since", "during", "through", "at", "on", "of",
	"for", "as", "than", "again", "slightly", "somewhat", "further", "sharply", "considerably",
	"significantly", "substantially", "markedly", "noticeably", "steadily", "modestly", "after", "before",
	"when", "until", "toward", "towards")

func (d *doc) wordFamilies(i int) {
	w := d.ws[i]
	if w.low == "" {
		return
	}
	if s, ok := swaps[w.low]; ok {
		if d.prose(i, i) && (!spellingKinds[s.kind] || d.uses(s.alt)) {
			d.add(w.start, w.end, s.kind, d.text[w.start:w.end], fitCase(w, s.alt))
		}
		return
	}
	if wardAdverbs[w.low] && d.uses(w.low+"s") && d.prose(i, i) && d.wardAdverb(i) {
		d.add(w.start, w.end, "toward", d.text[w.start:w.end], fitCase(w, w.low+"s"))
	}
	switch w.low {
	case "ok", "okay":
		d.okay(i)
	case "despite", "in":
		d.despite(i)
		d.inOrderTo(i)
		d.inAddition(i)
		d.contrast(i)
	case "by":
		d.contrast(i)
	case "additionally":
		d.inAddition(i)
	case "similarly", "likewise":
		d.similarly(i)
	case "all", "both":
		d.allOf(i)
	case "for":
		d.forExample(i)
	case "u":
		d.us(i)
	case "percent", "per":
		d.percent(i)
	}
	d.closedCompound(i)
	if w.num {
		d.percentSign(i)
	}
	if numberWords[w.low] != "" || w.num {
		d.numberCompound(i)
	}
	if strings.Contains(w.low, "'") {
		d.contracted(i)
	} else {
		d.expanded(i)
	}
}

// wardAdverb reports whether the -ward word i is an adverb: not preceded
// by a determiner or a word that makes it an adjective, not the first
// part of a hyphenated compound, and followed by punctuation or a word
// that cannot be its noun.
func (d *doc) wardAdverb(i int) bool {
	if i > 0 && d.gapBefore(i) == " " {
		p := d.low(i - 1)
		if determiners[p] || adjectivalBefore[p] {
			return false
		}
	}
	g := d.gapAfter(i)
	if i+1 >= len(d.ws) {
		return g == "" || strings.IndexAny(g, ".,;:)") == 0
	}
	if strings.HasPrefix(g, "-") {
		return false
	}
	if g == " " {
		return wardFollowers[d.low(i+1)]
	}
	return strings.IndexAny(g, ".,;:)") == 0
}

// adjectivalBefore are words after which a -ward word is an adjective.
var adjectivalBefore = set("further", "more", "less", "most", "continued", "sustained", "significant", "renewed",
	"additional", "slight", "modest", "sharp", "steady", "strong", "persistent", "considerable",
	"substantial", "notable", "greater", "larger", "smaller", "and", "or", "an", "some", "much", "little")

// okay: OK and okay are the same informal word; neither is more casual.
// Left out: OK as a button label ("click OK"), a status code ("200 OK"),
// the state abbreviation ("Tulsa, OK 74101"), and all-capitals text.
func (d *doc) okay(i int) {
	w := d.ws[i]
	src := d.text[w.start:w.end]
	if !d.prose(i, i) {
		return
	}
	if w.low == "okay" {
		if d.uses("ok") {
			d.add(w.start, w.end, "okay", src, "OK")
		}
		return
	}
	if !d.uses("okay") {
		return
	}
	p, n := d.low(i-1), d.low(i+1)
	if okLabel[p] || okLabel[n] || i > 0 && (d.ws[i-1].num || d.ws[i-1].upper) || i+1 < len(d.ws) && (d.ws[i+1].num || d.ws[i+1].upper) {
		return
	}
	if i > 0 && strings.Contains(d.gapBefore(i), ",") && d.ws[i-1].cap {
		return // "Tulsa, OK"
	}
	alt := "okay"
	if w.cap && (d.sentStart(i) || src == "Ok") {
		alt = "Okay"
	}
	d.add(w.start, w.end, "okay", src, alt)
}

var okLabel = set("click", "clicking", "clicked", "press", "pressing", "pressed", "hit", "select", "choose", "the", "an", "button", "key", "dialog", "box")

// despite ↔ in spite of: the same preposition, equally formal. Left out:
// "despite" not followed by a plain word (it is then not a preposition
// this swap can trust).
func (d *doc) despite(i int) {
	w := d.ws[i]
	if w.low == "despite" {
		if d.prose(i, i) && d.spaced(i) && d.ws[i+1].low != "" && d.ws[i+1].low != "of" {
			d.add(w.start, w.end, "despite", d.text[w.start:w.end], fitCase(w, "in spite of"))
		}
		return
	}
	if w.low == "in" && d.spaced(i) && d.low(i+1) == "spite" && d.spaced(i+1) && d.low(i+2) == "of" && d.spaced(i+2) && d.prose(i, i+2) {
		end := d.ws[i+2].end
		d.add(w.start, end, "despite", d.text[w.start:end], fitCase(w, "despite"))
	}
}

// in order to → to: the same purpose infinitive. One way only ("to" is
// not always purpose). Left out wherever the shorter form could attach to
// a preceding word that takes an infinitive: "the decision in order to
// support" is purpose, "the decision to support" is content, and "used in
// order to" would become "used to".
func (d *doc) inOrderTo(i int) {
	w := d.ws[i]
	if !(d.spaced(i) && d.low(i+1) == "order" && d.spaced(i+1) && d.low(i+2) == "to" && d.spaced(i+2)) || !d.prose(i, i+2) {
		return
	}
	if i > 0 {
		g := d.gapBefore(i)
		if g == " " && infinitiveTakers[d.low(i-1)] {
			return
		}
		if g != " " && !strings.Contains(g, ",") && !d.sentStart(i) {
			return
		}
	}
	end := d.ws[i+2].end
	d.add(w.start, end, "in-order-to", d.text[w.start:end], fitCase(w, "to"))
}

// infinitiveTakers take a to-infinitive as a complement, so a bare "to"
// after them would change the reading.
var infinitiveTakers = set("decision", "decisions", "decided", "decide", "plan", "plans", "planned", "effort",
	"efforts", "need", "needs", "needed", "ability", "able", "unable", "willing", "willingness", "intention",
	"intend", "intends", "intended", "attempt", "attempts", "attempted", "way", "ways", "time", "opportunity",
	"proposal", "proposed", "commitment", "committed", "agreed", "agreement", "want", "wants", "wanted",
	"wish", "desire", "tendency", "inclined", "likely", "unlikely", "expected", "necessary", "enough",
	"sufficient", "sufficiently", "required", "require", "requires", "designed", "used", "use", "is", "was",
	"were", "are", "be", "been", "have", "has", "had", "going", "ought", "about", "ready", "prepared",
	"eager", "reluctant", "hesitant", "free", "right", "authority", "power", "mandate", "obligation",
	"pressure", "tried", "try", "sought", "seek", "chose", "choose", "hoped", "helped", "help", "seemed",
	"appeared", "continued", "began", "failed", "refused", "asked", "order", "orders", "ordered",
	"strategy", "steps", "step", "measures", "action", "actions", "means", "tools", "resources", "funds",
	"money", "room", "scope", "reason", "reasons", "incentive", "incentives", "call", "calls", "move", "moves",
	"chance", "chances", "freedom", "courage", "capacity", "capability", "duty", "responsibility",
	"permission", "license", "motive", "inducement", "urge", "determination", "resolve", "pledge",
	"promise", "promised", "offer", "offered", "request", "requested", "demand", "invitation", "invited",
	"instruction", "instructed", "direction", "directed", "occasion", "bid", "drive", "campaign",
	"struggle", "fight", "legislation", "authorized", "authorization", "encouraged", "allowed", "enabled",
	"forced", "urged", "permitted", "obliged", "compelled", "determined", "eager", "anxious", "happy",
	"glad", "first", "last", "only", "wanting", "needing", "trying", "seeking", "managed")

// "In addition," ↔ "Additionally," at the start of a sentence: the same
// connective, equally formal. Merged with the optional comma, because
// "In addition the Committee" is fine but "Additionally the Committee"
// is not. Left out: "in addition to" (a preposition), mid-sentence uses.
func (d *doc) inAddition(i int) {
	w := d.ws[i]
	if !d.sentStart(i) {
		return
	}
	var last int
	switch {
	case w.low == "in" && d.spaced(i) && d.low(i+1) == "addition":
		last = i + 1
	case w.low == "additionally":
		last = i
	default:
		return
	}
	g := d.gapAfter(last)
	if last+1 >= len(d.ws) || !strings.HasPrefix(g, ",") {
		return
	}
	end := d.ws[last].end + 1
	alts := []string{fitCase(w, "in addition,"), fitCase(w, "additionally,")}
	if g == ", " && clauseStarters[d.low(last+1)] {
		alts = append(alts, fitCase(w, "in addition"))
	}
	d.addP(1, w.start, end, "in-addition", d.text[w.start:end], alts...)
}

// "In contrast" ↔ "By contrast" as a connective followed by a comma: the
// same meaning and register. Left out: "in contrast to/with" (by contrast
// to is not idiomatic). Only the preposition is the span, so the comma
// after stays an independent point.
func (d *doc) contrast(i int) {
	w := d.ws[i]
	if !(d.spaced(i) && d.low(i+1) == "contrast" && strings.HasPrefix(d.gapAfter(i+1), ",")) {
		return
	}
	if !d.sentStart(i) {
		g := d.gapBefore(i)
		if i == 0 || !strings.ContainsAny(g, ",;(") {
			return
		}
	}
	if !d.prose(i, i+1) {
		return
	}
	alt := "by"
	if w.low == "by" {
		alt = "in"
	}
	d.add(w.start, w.end, "contrast", d.text[w.start:w.end], fitCase(w, alt))
}

// "Similarly," ↔ "Likewise," opening a sentence: both mean "in the same
// way" there and are equally formal. Left out everywhere else ("do
// likewise" has no "similarly").
func (d *doc) similarly(i int) {
	w := d.ws[i]
	if !d.sentStart(i) || i+1 >= len(d.ws) || !strings.HasPrefix(d.gapAfter(i), ", ") {
		return
	}
	if !d.prose(i, i) {
		return
	}
	alt := "likewise"
	if w.low == "likewise" {
		alt = "similarly"
	}
	d.add(w.start, w.end, "similarly", d.text[w.start:w.end], fitCase(w, alt))
}

// allOfDets may follow "all of" and "all" alike.
var allOfDets = set("the", "these", "those", "this", "its", "their", "our", "his", "my", "your")

// bothOfDets may follow "both of" and "both" alike; "both the" is offered
// one way only, as it is usually the "both ... and" correlative.
var bothOfDets = set("the", "these", "those", "its", "their", "our", "his", "my", "your")

// notAllOf are words after "all the" that make a fixed phrase: "all the
// more", "all the same", "all the way".
var notAllOf = set("same", "more", "less", "better", "worse", "way", "while", "rage", "fewer", "greater",
	"sooner", "easier", "harder", "stronger", "faster", "longer", "higher", "lower", "larger", "smaller",
	"bigger", "wiser", "clearer", "world", "rest", "most", "further", "earlier", "later", "sweeter", "richer")

// allOf: "all of the" ↔ "all the", "both of the" → "both the": the
// partitive "of" is optional before a determiner, in every register.
// Left out: "all of them/us" (no "all them"), "all that" (a pronoun),
// fixed phrases (notAllOf), and "above all"/"after all"/"at all"/"for
// all"/"of all"/"once and for all" where "all" is not a predeterminer.
func (d *doc) allOf(i int) {
	w := d.ws[i]
	if !d.spaced(i) {
		return
	}
	dets := allOfDets
	if w.low == "both" {
		dets = bothOfDets
	}
	if i > 0 && d.gapBefore(i) == " " && notAllBefore[d.low(i-1)] {
		return
	}
	if d.low(i+1) == "of" {
		if d.spaced(i+1) && dets[d.low(i+2)] && d.prose(i, i) {
			end := d.ws[i+1].end
			d.add(w.start, end, "all-of", d.text[w.start:end], d.text[w.start:w.end])
		}
		return
	}
	// "all the" gains "of" only before a plural noun: "impress upon all
	// the necessity" has a pronoun "all" that "all of" would misread.
	if w.low != "all" || !dets[d.low(i+1)] || !d.spaced(i+1) || notAllOf[d.low(i+2)] ||
		!plural(d.low(i+2)) || verbS[d.low(i+2)] || !d.prose(i, i) {
		return
	}
	d.add(w.start, w.end, "all-of", d.text[w.start:w.end], d.text[w.start:w.end]+fitCase(d.ws[i+1], " of"))
}

var notAllBefore = set("above", "after", "at", "for", "once", "of", "by", "in", "not", "is", "was", "all")

// "for example" ↔ "for instance": the same parenthetical, the same
// register. Left out: uses that are not set off by punctuation ("an
// example for example's sake", "asked for example code"): the phrase must
// follow a comma, bracket or sentence start, or be followed by a comma or
// sentence punctuation. Only "example"/"instance" is the span.
func (d *doc) forExample(i int) {
	if !d.spaced(i) {
		return
	}
	n := d.ws[i+1]
	if n.low != "example" && n.low != "instance" {
		return
	}
	before := d.sentStart(i) || i > 0 && strings.ContainsAny(d.gapBefore(i), ",;(")
	after := i+2 >= len(d.ws) && strings.IndexAny(d.gapAfter(i+1), ",.;:)") == 0 ||
		i+2 < len(d.ws) && strings.IndexAny(d.gapAfter(i+1), ",.;:)") == 0
	if !before && !after || !d.prose(i, i+1) {
		return
	}
	alt := "instance"
	if n.low == "instance" {
		alt = "example"
	}
	d.add(n.start, n.end, "example", d.text[n.start:n.end], fitCase(n, alt))
}

// usFollowers are capitalized words that commonly follow "U.S." inside a
// sentence; before any other capitalized word the point of "U.S." might
// also end the sentence, and "US The" would lose it.
var usFollowers = set("treasury", "treasuries", "government", "congress", "senate", "house", "department",
	"army", "navy", "constitution", "supreme", "postal", "census", "bureau", "embassy", "code", "attorney",
	"dollar", "federal", "steel", "marine", "marines", "air", "coast", "agency", "agencies", "bancorp")

// us: "U.S." → "US": the same abbreviation; current style guides (Chicago)
// drop the points, and no reader takes "US economy" for anything else.
// One way only, since "US" may be the pronoun in all-capitals text. Left
// out where the point may also end the sentence, and before a possessive.
func (d *doc) us(i int) {
	w := d.ws[i]
	if d.text[w.start:w.end] != "U" || i+1 >= len(d.ws) || d.gapAfter(i) != "." || d.text[d.ws[i+1].start:d.ws[i+1].end] != "S" {
		return
	}
	s := d.ws[i+1]
	if s.end >= len(d.text) || d.text[s.end] != '.' {
		return
	}
	end := s.end + 1
	if !d.proseBefore(w.start) || i > 0 && d.ws[i-1].num {
		return // inside an expression, or a citation: "403 U.S. 15"
	}
	rest := d.text[end:]
	switch {
	case strings.HasPrefix(rest, " "):
		if i+2 >= len(d.ws) || d.gapAfter(i+1) != ". " {
			return
		}
		n := d.ws[i+2]
		if n.low == "" || n.num || n.cap && !usFollowers[n.low] {
			return
		}
	case rest != "" && strings.IndexAny(rest[:1], ",;:)-") == 0:
	default:
		return
	}
	if d.uses(formUSBare) {
		d.add(w.start, end, "us", d.text[w.start:end], "US")
	}
}

// percent: a number followed by "percent" ↔ the same number with "%".
// The sign is read "percent"; with a figure it is standard in every
// register, and the canonical tokenizer already reads "%" as "percent".
// "per cent" (dated) is offered as "percent" or "%", never the reverse.
// Left out: spelled-out numbers ("two %" is not written) and "percentage".
func (d *doc) percent(i int) {
	w := d.ws[i]
	if i == 0 || !d.ws[i-1].num || d.gapBefore(i) != " " {
		return
	}
	start := d.ws[i-1].end
	switch w.low {
	case "percent":
		if !d.proseAfter(w.end) || !d.uses(formPercentSign) {
			return
		}
		d.add(start, w.end, "percent", d.text[start:w.end], "%")
	case "per":
		if d.spaced(i) && d.low(i+1) == "cent" && d.proseAfter(d.ws[i+1].end) {
			c := d.ws[i+1]
			var alts []string
			if d.uses(formPercentWord) {
				alts = append(alts, " "+fitCase(w, "percent"))
			}
			if d.uses(formPercentSign) {
				alts = append(alts, "%")
			}
			d.add(start, c.end, "percent", d.text[start:c.end], alts...)
		}
	}
}

// percentSign: "5%" → "5 percent", where the sign is followed by a space,
// punctuation or the end (never a letter it would join).
func (d *doc) percentSign(i int) {
	w := d.ws[i]
	if w.end >= len(d.text) || d.text[w.end] != '%' || !d.uses(formPercentWord) {
		return
	}
	// Only in running prose: a word, a space and the figure before it,
	// and after it a space and a lower-case word, or punctuation that ends
	// a phrase. Tables and tool output ("+25.09%", "[100%]") stay.
	if i == 0 || d.gapBefore(i) != " " || d.ws[i-1].low == "" || !d.ws[i-1].alpha {
		return
	}
	rest := d.text[w.end+1:]
	switch {
	case strings.HasPrefix(rest, " "):
		if i+1 >= len(d.ws) || d.gapAfter(i) != "% " || d.ws[i+1].cap || !d.ws[i+1].alpha {
			return
		}
	case rest == "":
	case strings.IndexAny(rest[:1], ".,;:") == 0:
		if len(rest) > 1 && rest[1] != ' ' && rest[1] != '\n' && rest[1] != '\r' {
			return
		}
	default:
		return
	}
	d.add(w.end, w.end+1, "percent", "%", " percent")
}

// numberWords are the numbers written as one word that may also be
// written as figures.
var numberWords = map[string]string{
	"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
	"nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
	"fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
	"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}

var numberFigures = func() map[string]string {
	m := make(map[string]string, len(numberWords))
	for w, f := range numberWords {
		m[f] = w
	}
	return m
}()

// suspendedHyphen ends the text before a number that completes a
// suspended compound: "10- and ", "two-, ", "2- to ".
var suspendedHyphen = regexp.MustCompile(`\w-(,? (and|or|to) |, )$`)

// numberUnits make a compound modifier with a number: "two-year note".
var numberUnits = set("year", "month", "week", "day", "quarter", "hour", "minute", "decade")

// numberCompound: "two-year" ↔ "2-year" in a compound modifier of time.
// Both are standard (financial writing uses "2-year note" and "two-year
// note" alike) and read the same. Left out: numbers in running text
// ("two participants"), sentence-initial numbers (style forbids a figure
// there), and compound numbers ("twenty-five"), which a figure would fold
// differently.
func (d *doc) numberCompound(i int) {
	w := d.ws[i]
	if w.cap || i+1 >= len(d.ws) || d.gapAfter(i) != "-" || !numberUnits[d.low(i+1)] {
		return
	}
	if i > 0 {
		g := d.gapBefore(i)
		if g != " " && g != "(" && !strings.HasSuffix(g, " (") || d.ws[i-1].num || numberWords[d.low(i-1)] != "" {
			return
		}
	} else if d.ws[i].start != 0 {
		return
	}
	// A neighbouring number compound ("2-year and 10-year") must keep the
	// same style, so neither is offered.
	for k := i - 6; k <= i+6; k++ {
		if k != i && k >= 0 && k+1 < len(d.ws) && (d.ws[k].num || numberWords[d.low(k)] != "") &&
			d.gapAfter(k) != " " && numberUnits[d.low(k+1)] {
			return
		}
	}
	// Under V2 a number after a suspended hyphen ("10- and 30-year")
	// shares its unit with the one before, so it keeps that one's style.
	if d.f.catalogue >= V2 && suspendedHyphen.MatchString(d.text[max(0, w.start-12):w.start]) {
		return
	}
	src := d.text[w.start:w.end]
	var alt string
	if w.num {
		if n, err := strconv.Atoi(src); err != nil || strconv.Itoa(n) != src || numberFigures[src] == "" ||
			!d.uses(compoundForm(numberFigures[src], false)) {
			return
		}
		alt = numberFigures[src]
	} else {
		if !d.uses(compoundForm(numberWords[w.low], true)) {
			return
		}
		alt = numberWords[w.low]
	}
	if alt == "" {
		return
	}
	d.add(w.start, w.end, "number", src, alt)
}

// closed compounds: e-mail/email, on-line/online, web site/website,
// co-operate/cooperate, co-ordinate/coordinate. The closed spellings are
// standard everywhere and may always replace the others; the hyphenated
// and open ones are dated, so they are offered only in a document that
// uses them itself (see NewFinder). Left out: longer hyphenated chains
// ("e-mail-based"), where the closed form would change the compound.
func (d *doc) closedCompound(i int) {
	w := d.ws[i]
	if !d.proseBefore(w.start) {
		return
	}
	if i+1 < len(d.ws) && (d.toClosed(i) || strings.HasPrefix(d.gapAfter(i), "-")) {
		return
	}
	if !d.proseAfter(w.end) {
		return
	}
	var open, key string
	switch {
	case strings.HasPrefix(w.low, "email") && mailForms[w.low[1:]]:
		open, key = "e-"+w.low[1:], "e-mail"
	case w.low == "online":
		open, key = "on-line", "on-line"
	case w.low == "website" || w.low == "websites":
		open, key = "web "+w.low[3:], "web site"
	case strings.HasPrefix(w.low, "cooperat"):
		open, key = "co-"+w.low[2:], "co-operate"
	case strings.HasPrefix(w.low, "coordinat"):
		open, key = "co-"+w.low[2:], "co-ordinate"
	default:
		return
	}
	if !d.f.hyphenated[key] {
		return
	}
	d.add(w.start, w.end, "closed-compound", d.text[w.start:w.end], fitCase(w, open))
}

// toClosed offers the closed spelling of the dated compound starting at
// word i, reporting whether there was one.
func (d *doc) toClosed(i int) bool {
	w, n := d.ws[i], d.ws[i+1]
	key, ok := openSpelling(d.text, d.ws, i)
	if !ok {
		return false
	}
	if !d.proseAfter(n.end) || i+2 < len(d.ws) && strings.HasPrefix(d.gapAfter(i+1), "-") || !d.uses(closedPrefix+key) {
		return true
	}
	closed := w.low + n.low
	if n.upper || w.upper {
		closed = strings.ToUpper(closed)
	} else if w.cap {
		closed = upperFirst(closed)
	}
	d.add(w.start, n.end, "closed-compound", d.text[w.start:n.end], closed)
	return true
}

var mailForms = set("mail", "mails", "mailed", "mailing", "mailings")

// openSpelling reports which dated spelling (e-mail, on-line, web site,
// co-operate, co-ordinate) starts at word i of t, if any.
func openSpelling(t string, ws []word, i int) (string, bool) {
	a, b := ws[i].low, ws[i+1].low
	g := t[ws[i].end:ws[i+1].start]
	switch {
	case a == "e" && g == "-" && mailForms[b]:
		return "e-mail", true
	case a == "on" && g == "-" && b == "line":
		return "on-line", true
	case a == "web" && g == " " && (b == "site" || b == "sites"):
		return "web site", true
	case a == "co" && g == "-" && strings.HasPrefix(b, "operat"):
		return "co-operate", true
	case a == "co" && g == "-" && strings.HasPrefix(b, "ordinat"):
		return "co-ordinate", true
	}
	return "", false
}
