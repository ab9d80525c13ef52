package lexicon

import "strings"

// Optional commas. A comma is a point only where style guides treat it as
// optional (Chicago 6.19, 6.22, 6.36) and where leaving it out can change
// neither the parse nor the meaning. All are offered one way, presence →
// absence: adding a comma is where ambiguity hides ("research and
// development" is one item). The canonical tokens never see commas, so no
// folding is needed.

// commas offers the comma points after word i.
func (d *doc) commas(i int) {
	d.serialComma(i)
	d.introComma(i)
	d.adverbComma(i)
	d.clauseComma(i)
	d.respectivelyComma(i)
}

func (d *doc) addComma(i int, kind string) {
	at := d.ws[i].end
	d.add(at, at+1, kind, ",", "")
}

// sentenceAdverbs are parentheticals that may sit between commas and so
// must not be taken for list items.
var sentenceAdverbs = set("however", "therefore", "respectively", "etc", "moreover", "furthermore",
	"nevertheless", "nonetheless", "instead", "meanwhile", "accordingly", "consequently", "indeed",
	"perhaps", "though", "too", "also", "again", "thus", "hence", "overall", "finally", "namely", "say",
	"ie", "eg", "incidentally", "similarly", "likewise", "otherwise", "still", "besides", "anyway",
	"apparently", "presumably", "fortunately", "unfortunately", "importantly", "notably", "specifically")

// places are the names that follow a city as part of its address
// ("Dallas, Texas, and Atlanta"): a comma there is not a list comma.
var places = set("alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
	"delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
	"louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
	"montana", "nebraska", "nevada", "hampshire", "jersey", "mexico", "york", "carolina", "dakota", "ohio",
	"oklahoma", "oregon", "pennsylvania", "rhode", "island", "tennessee", "texas", "utah", "vermont",
	"virginia", "washington", "wisconsin", "wyoming", "columbia", "canada", "england", "france", "germany",
	"italy", "japan", "china", "switzerland", "ontario", "quebec")

// titles are words that, as a list item, may be an appositive ("Mr.
// Smith, chairman, and Mr. Jones").
var titles = set("chairman", "chair", "president", "secretary", "director", "governor", "economist",
	"manager", "counsel", "member", "members", "vice", "officer", "adviser", "advisor", "assistant",
	"deputy", "associate", "head", "chief", "treasurer", "editor", "author", "professor", "senator",
	"representative", "minister", "ambassador", "mr", "mrs", "ms", "dr", "messrs")

// serialComma: the comma before "and"/"or" that closes a list of three or
// more, "A, B, and C" → "A, B and C". Both styles are standard (Chicago
// and AP respectively). Detected conservatively: the item before the
// conjunction is one to three plain words, all lower case or all names,
// that cannot be a parenthetical (no function word, verb, pronoun,
// sentence adverb or title) or an appositive (no determiner at its head,
// no state after a city); the item before it ends in a plain word; the
// item after the conjunction starts with one and is not itself joined by
// "and"; and the list is not a run of introductory words ("In addition,
// prices, and…"). Dates and abbreviations ("February 2, 1993, and";
// "Washington, D.C., and") fail the plain-word tests.
//
// Catalogue 2 adds two rules. The item after the conjunction must be a
// like item, not a clause: no adverb opens it and no subject or auxiliary
// follows within four words ("wrong, unfair, and together we can stop
// it" keeps its comma). And the comma varies only in a document that does
// not consistently use one style: with three or more lists, 90% or more
// of them with the serial comma (or without it) is consistent, and the
// comma stays as the author wrote it.
func (d *doc) serialComma(k int) {
	if d.serialList(k, true) && (d.f.catalogue < V2 || d.f.serialVaries) {
		d.addComma(k, "serial-comma")
	}
}

// serialList reports whether word k ends the next-to-last item of a list
// of like items, followed by ", and" (comma) or " and" (!comma).
func (d *doc) serialList(k int, comma bool) bool {
	if comma && !d.commaSpaced(k) || !comma && !d.spaced(k) || (d.low(k+1) != "and" && d.low(k+1) != "or") || !d.spaced(k+1) {
		return false
	}
	y := d.ws[k+2]
	if y.low == "" || !y.alpha || subjectPronouns[y.low] || y.low == "it" || y.low == "there" ||
		y.low == "you" || functionWords[y.low] && !determiners[y.low] || y.low == "that" {
		return false
	}
	if d.f.catalogue >= V2 && d.clauseAfter(k+2) {
		return false
	}
	// The item X before the conjunction.
	j, words := k, 1
	for j > 0 {
		g := d.gapBefore(j)
		if g == " " {
			words++
		} else if g != "-" {
			break
		}
		if words > 3 || k-j > 8 {
			return false
		}
		j--
	}
	if j == 0 || d.gapBefore(j) != ", " {
		return false
	}
	// X is all lower case (common nouns) or all capitalized (names); a
	// capitalized Y needs a capitalized X, a capitalized X a capitalized A.
	capX := d.ws[j].cap
	for x := j; x <= k; x++ {
		w := d.ws[x]
		if w.low == "" || w.cap != capX || w.upper || !w.alpha || functionWords[w.low] || determiners[w.low] ||
			subjectPronouns[w.low] || w.low == "it" || w.low == "you" || sentenceAdverbs[w.low] ||
			titles[w.low] || places[w.low] {
			return false
		}
	}
	if y.cap && !capX {
		return false
	}
	// A verb or adverb in X makes it a clause or a parenthetical
	// ("spreads, worsened significantly, and").
	if finite(d.ws[j].low) || strings.HasSuffix(d.ws[k].low, "ly") {
		return false
	}
	for x := j; x <= k; x++ {
		if finiteCues[d.ws[x].low] {
			return false
		}
	}
	// Another "and" right after Y would merge with the conjunction once
	// the comma goes: "apparel, and furniture and appliance stores".
	for x := k + 3; x < k+7 && x < len(d.ws); x++ {
		if l := d.low(x); l == "and" || l == "or" {
			return false
		}
		if g := d.gapBefore(x); g != " " && g != "-" {
			break
		}
	}
	// The item A before X.
	a := d.ws[j-1]
	if a.low == "" || !a.alpha || titles[a.low] || capX && !a.cap {
		return false
	}
	s, n := j-1, 1
	for s > 0 && n < 6 {
		g := d.gapBefore(s)
		if g != " " && g != "-" {
			break
		}
		s--
		n++
		if titles[d.low(s)] {
			return false
		}
	}
	return !(d.sentStart(s) && n <= 4 && (introPreps[d.low(s)] || sentenceAdverbs[d.low(s)]))
}

// clauseAdverbs open a clause, not a list item, after "and": "and
// together we can", "and then prices rose".
var clauseAdverbs = set("together", "then", "now", "so", "yet", "still", "also", "even", "thus", "therefore",
	"here", "today", "tomorrow", "again", "instead", "meanwhile", "soon", "finally")

// clauseAfter reports whether the words from y on read as a clause: an
// adverb first, or a subject pronoun or an auxiliary within four words.
func (d *doc) clauseAfter(y int) bool {
	l := d.low(y)
	if clauseAdverbs[l] || strings.HasSuffix(l, "ly") {
		return true
	}
	for x := y; x < y+4 && x < len(d.ws); x++ {
		if x > y {
			if g := d.gapBefore(x); g != " " && g != "-" {
				return false
			}
		}
		l := d.low(x)
		if subjectPronouns[l] || l == "you" || l == "it" || finiteCues[l] || auxiliaries[l] {
			return true
		}
	}
	return false
}

// auxiliaries show a verb phrase has begun.
var auxiliaries = set("can", "cannot", "will", "would", "shall", "should", "may", "might", "must", "could",
	"is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "won't", "can't", "don't")

// introPreps open an introductory prepositional phrase. Left out:
// prepositions that are also subordinating conjunctions (after, before,
// since, until, as), whose phrase may be a clause ("After he left, the
// Committee met" would become a garden path).
var introPreps = set("in", "at", "on", "for", "during", "over", "by", "with", "within", "following",
	"throughout", "through", "under", "from", "among", "against", "beyond", "across", "amid", "along",
	"around", "without", "despite", "like", "unlike", "besides", "regarding", "concerning", "given",
	"absent", "toward", "towards", "into", "above", "below", "near", "between", "via", "of", "to", "as")

// introSpecial limits the prepositions that usually start something else
// to their fixed adverbial phrases: "Of course", "To date", "As a result".
var introSpecial = map[string]string{"of": "course note", "to": "date", "as": "a"}

// notInIntro may not appear in an introductory phrase whose comma goes:
// they make it a clause or let it run on into what follows.
var notInIntro = set("to", "that", "which", "who", "whom", "whose", "what", "it", "they", "he", "she", "we",
	"i", "you", "there", "is", "was", "were", "be", "been", "are", "am", "has", "have", "had", "do", "does",
	"did", "would", "could", "should", "will", "may", "might", "can", "must", "not", "if", "when",
	"while", "because", "as", "than", "so", "whether", "where", "how", "and", "or", "but")

// ingNouns are -ing words that are plain nouns, not verbs taking an object.
var ingNouns = set("meeting", "meetings", "following", "preceding", "coming", "remaining", "morning",
	"mornings", "evening", "evenings", "spring", "beginning", "outstanding")

// introComma: the comma after a short introductory prepositional phrase,
// "In 2020, the Committee" → "In 2020 the Committee". Chicago (6.36)
// makes it optional after a short phrase. Offered only when the phrase is
// a preposition and at most three plain words (no verb, pronoun or
// clause word, not ending in an -ing verb, an -ed or an -ly word), and the
// word after the comma is a determiner or pronoun, which cannot continue
// the phrase: "In 2020, inflation" stays, since "In 2020 inflation" reads
// as one noun phrase. "However," and other sentence adverbs are not
// prepositions and never match.
func (d *doc) introComma(i int) {
	w := d.ws[i]
	if !introPreps[w.low] || !d.sentStart(i) {
		return
	}
	k, words := i, 1
	for {
		if k+1 >= len(d.ws) {
			return
		}
		g := d.gapAfter(k)
		if g == ", " {
			break
		}
		if g == " " {
			words++
		} else if g != "-" {
			return
		}
		k++
		if words > 4 || k-i > 10 {
			return
		}
	}
	if k == i {
		return
	}
	if sp, ok := introSpecial[w.low]; ok {
		if k != i+1 && w.low != "as" || !strings.Contains(" "+sp+" ", " "+d.low(i+1)+" ") {
			return
		}
		if w.low == "as" && (k != i+2 || d.low(i+2) != "result") {
			return
		}
	}
	for x := i + 1; x <= k; x++ {
		l := d.low(x)
		if l == "" || !d.ws[x].alpha && !d.ws[x].num || notInIntro[l] && !(w.low == "as" && l == "a") {
			return
		}
	}
	last := d.low(k)
	if strings.HasSuffix(last, "ing") && !ingNouns[last] && !strings.HasSuffix(last, "meeting") {
		return // "During trading, the…" would read "trading the…"
	}
	if functionWords[last] || determiners[last] || strings.HasSuffix(last, "ly") ||
		strings.HasSuffix(last, "ed") && !strings.HasSuffix(last, "eed") {
		return
	}
	n := d.ws[k+1]
	if n.cap && n.low != "i" || n.low == "" || !n.alpha {
		return
	}
	// Before a bare noun the comma may go only after a regular plural,
	// which cannot modify that noun: "In recent weeks equity prices rose",
	// but not "In October consumer spending rose".
	if !clauseStarters[n.low] && (functionWords[n.low] || !plural(last) || nounPlurals[last] ||
		strings.HasSuffix(n.low, "ing") || strings.HasSuffix(n.low, "ly")) {
		return
	}
	d.addComma(k, "intro-comma")
}

// nounPlurals are plurals that do modify a following noun ("sales tax",
// "savings rate").
var nounPlurals = set("sales", "savings", "goods", "earnings", "arms", "news", "securities", "services",
	"systems", "operations", "sports", "communications", "economics", "politics", "futures", "options",
	"assets", "funds", "markets", "commodities", "products", "parts", "materials", "claims", "receipts",
	"payments", "deposits", "loans", "bonds", "equities", "rates", "prices", "wages", "costs", "jobs", "arts",
	"affairs", "customs", "arrears", "means", "species", "series", "headquarters", "premises")

// introAdverbs are sentence-initial adverbs after which the comma is
// commonly omitted in edited prose ("Thus the Committee…"). Left out:
// "However" (without the comma it means "in whatever way"), "Still",
// "Also", "Indeed", "Finally" (their comma-less forms read differently or
// look careless), and the connectives whose swap is merged with the comma
// elsewhere (Moreover, Furthermore, Additionally, Similarly, Likewise keep
// their comma).
var introAdverbs = set("thus", "therefore", "hence", "accordingly", "consequently", "subsequently",
	"nevertheless", "nonetheless", "meanwhile", "instead", "overall", "initially", "eventually",
	"previously", "recently", "currently", "historically", "traditionally", "ultimately", "generally",
	"typically", "usually", "normally", "separately")

// adverbComma: "Thus, the Committee" → "Thus the Committee", when the next
// word opens a clause (a determiner, pronoun or plain lower-case word that
// is not a preposition or conjunction).
func (d *doc) adverbComma(i int) {
	w := d.ws[i]
	if !introAdverbs[w.low] || !d.commaSpaced(i) || !d.sentStart(i) {
		return
	}
	n := d.ws[i+1]
	if n.low == "" || n.cap && n.low != "i" || !n.alpha {
		return
	}
	if !clauseStarters[n.low] && (functionWords[n.low] || strings.HasSuffix(n.low, "ly")) {
		return
	}
	d.addComma(i, "adverb-comma")
}

// subordinators open a subordinate clause; with one in the first clause,
// "and they…" might be read as part of it once the comma is gone.
var subordinators = set("that", "which", "who", "whom", "whose", "because", "if", "when", "whenever",
	"while", "although", "though", "since", "as", "unless", "until", "whether", "where", "before",
	"after", "once", "so", "what", "how", "why", "whereas")

// clauseComma: the comma between two independent clauses joined by "and"
// or "but", "Outflows slowed, and spreads narrowed" → "Outflows slowed and
// spreads narrowed" (Chicago 6.22 allows omitting it). Offered only when
// the first clause is a whole sentence so far, at most 20 words, with no
// other punctuation and no subordinate clause (so the second clause
// cannot be read into it), and the second clause cannot be read as a
// second object or complement: it starts with a subject pronoun, or the
// first clause ends in a past-tense verb, an -ly adverb or a predicative
// adjective (nothing a following noun could be coordinated with) and a
// finite verb follows within a few words.
func (d *doc) clauseComma(k int) {
	if !d.commaSpaced(k) || !d.spaced(k+1) {
		return
	}
	c, n := d.low(k+1), d.ws[k+2]
	if c != "and" && c != "but" || n.low == "" || n.cap && n.low != "i" {
		return
	}
	if !subjectPronouns[n.low] && n.low != "there" {
		last := d.low(k)
		ends := len(last) >= 5 && (strings.HasSuffix(last, "ed") && !strings.HasSuffix(last, "eed") ||
			strings.HasSuffix(last, "ly")) || predicatives[last]
		if !ends || !(clauseStarters[n.low] || !functionWords[n.low] && n.alpha) || !d.finiteWithin(k+3, k+7) {
			return
		}
	}
	j, words := k, 1
	for {
		if subordinators[d.low(j)] || d.low(j) == "" {
			return
		}
		if j == 0 {
			break
		}
		if g := d.gapBefore(j); g != " " && g != "-" {
			break
		}
		j--
		words++
		if words > 20 {
			return
		}
	}
	if words < 4 || !d.sentStart(j) {
		return
	}
	d.addComma(k, "clause-comma")
}

// predicatives are adjectives that end a clause as its complement ("were
// muted"); a noun after "and" cannot be coordinated with them.
var predicatives = set("unchanged", "changed", "elevated", "high", "low", "weak", "strong", "solid", "muted",
	"modest", "soft", "subdued", "flat", "stable", "positive", "negative", "robust", "sluggish", "firm",
	"tight", "ample", "favorable", "unfavorable", "limited", "mixed", "volatile", "higher", "lower",
	"steady", "moderate", "small", "large", "rapid", "slow", "brisk", "resilient", "uneven", "uncertain",
	"unclear", "likely", "unlikely", "possible", "appropriate", "necessary", "important", "clear", "good",
	"poor", "available", "easy", "difficult", "lackluster", "tepid", "buoyant", "healthy", "contained")

// respectivelyComma: ", respectively." → " respectively.": both are
// standard, and the word can only attach to what precedes it.
func (d *doc) respectivelyComma(k int) {
	if !d.commaSpaced(k) || d.low(k+1) != "respectively" || !d.ws[k].alpha && !d.ws[k].num {
		return
	}
	if k+2 < len(d.ws) {
		g := d.gapAfter(k + 1)
		if g == "" || !strings.ContainsAny(g[:1], ".;:)") {
			return
		}
	}
	d.addComma(k, "respectively-comma")
}
