package lexicon

import "strings"

// The optional relative pronoun (catalogue V3 on): "the budget that I send
// you" ↔ "the budget I send you", "the people whom we serve" ↔ "the people
// we serve". A relative pronoun that is the object of its clause may go in
// every register without changing the meaning (Quirk et al. §17.15); it is
// the object for certain when a subject pronoun follows it, since a
// subject relative is followed by its verb ("the men that fought"). It is
// offered one way (presence → absence), only in this frame:
//   - a noun phrase before it: a determiner ("the", "every", "our"…), at
//     most two modifiers and a head that is not a verb, or one of the
//     pronouns "everything", "something", "all", "those" and the like;
//   - a clause after it whose subject is a personal pronoun (I, we, you,
//     they, he, she, or a contraction of one), followed by a word;
//   - no comma before it: "the budget, which I send you" is
//     non-restrictive and keeps "which".
//
// Left out: nouns that take a content clause ("the fact that we", "the
// hope that they", "the myth that we"), where "that" is a complementizer
// that reads badly without; "so"/"such"/"enough" before the noun phrase
// ("such a crisis that we", a result clause); any sentence with "it"
// before ("It is a tribute to the people that they", an extraposed
// subject, which needs its "that"); and a relative coordinated with a
// later one ("the things that we need and that we want").

// relWords are the relative pronouns the family drops.
var relWords = set("that", "which", "whom")

// relDets open a noun phrase that may take a relative clause.
var relDets = set("the", "a", "an", "this", "these", "those", "every", "each", "all", "our", "their", "my", "your",
	"his", "her", "its", "some", "any", "no", "many", "few", "several", "one", "another")

// relPronounHeads are pronouns that take an object relative without a
// determiner: "everything that we do" ↔ "everything we do".
var relPronounHeads = set("everything", "anything", "something", "nothing", "all", "those", "everyone",
	"anyone", "someone")

// timeAdverbs end a phrase of time, never a noun phrase a relative
// follows: "I said a year ago that we".
var timeAdverbs = set("ago", "today", "tonight", "yesterday", "tomorrow", "later", "earlier", "evening",
	"morning", "afternoon", "night")

// relSubjects are the subject pronouns, contracted or not, after which a
// relative pronoun is certainly an object.
var relSubjects = set("i", "we", "you", "they", "he", "she", "i'm", "i've", "i'll", "we're", "we've", "we'll",
	"you're", "you've", "you'll", "they're", "they've", "they'll", "he'll", "she'll")

// contentNouns take a that-clause as their content ("the fact that we
// must act"), not a relative one, or make a conjunction with "that" ("at
// the same time that", "to the end that", "for the reason that", "in
// such a way that"): "that" stays after them.
var contentNouns = set(
	"fact", "facts", "idea", "ideas", "hope", "hopes", "belief", "beliefs", "view", "views", "notion", "news",
	"knowledge", "assurance", "assurances", "promise", "promises", "possibility", "possibilities", "chance",
	"chances", "sense", "feeling", "feelings", "conviction", "confidence", "evidence", "proof", "sign", "signs",
	"signal", "signals", "certainty", "doubt", "doubts", "fear", "fears", "danger", "risk", "risks",
	"expectation", "expectations", "assumption", "assumptions", "premise", "principle", "argument", "arguments",
	"claim", "claims", "suggestion", "suggestions", "recognition", "realization", "understanding",
	"requirement", "requirements", "condition", "conditions", "guarantee", "concern", "concerns", "worry",
	"worries", "point", "message", "reminder", "thought", "thoughts", "word", "warning", "warnings",
	"statement", "report", "reports", "rumor", "rumors", "suspicion", "impression", "perception", "judgment",
	"judgement", "opinion", "prospect", "prospects", "likelihood", "probability", "theory", "truth", "lesson",
	"lessons", "conclusion", "decision", "agreement", "insistence", "demand", "demands", "proposal",
	"proposals", "commitment", "pledge", "vow", "oath", "determination", "resolve", "faith", "trust", "dream",
	"vision", "awareness", "reassurance", "indication", "indications", "implication", "notice", "complaint",
	"charge", "charges", "allegation", "allegations", "contention", "position", "result", "grounds", "effect",
	"extent", "degree", "wish", "information", "announcement", "admission", "finding", "findings", "discovery",
	"observation", "testimony", "proposition", "presumption", "ruling", "verdict", "consensus", "sentiment",
	"reality", "order", "myth", "myths", "illusion", "lie", "story", "explanation", "excuse", "thesis",
	"assertion", "declaration", "pride", "satisfaction", "gratitude", "regret", "irony", "tragedy", "shame",
	"surprise", "relief", "comfort", "stipulation", "provision", "recommendation", "request", "insight", "rule",
	"doctrine", "case", "event", "hypothesis", "problem", "question", "reason", "ground", "end", "time", "way",
	"glory", "guaranty", "threat", "threats", "bet", "wager")

// clauseVerbs take a that-clause; as the word before "that" they are
// verbs, not the head of a noun phrase ("all require that we shall
// wait").
var clauseVerbs = set("require", "demand", "insist", "ask", "recommend", "propose", "suggest", "urge", "believe",
	"know", "think", "hope", "feel", "say", "see", "find", "realize", "understand", "agree", "expect", "fear",
	"doubt", "mean", "show", "prove", "decide", "determine", "ensure", "insure", "assure", "guarantee",
	"provide", "declare", "hold", "maintain", "admit", "recognize", "acknowledge", "conclude", "note",
	"assert", "claim", "argue", "trust", "pray", "wish", "learn", "forget", "remember", "discover", "notice",
	"predict", "warn", "promise", "pledge", "swear", "vow", "resolve", "order", "command", "direct",
	"desire", "prefer", "intend", "contend", "hear", "imagine", "suppose", "guess", "bet", "reckon",
	"indicate", "state", "report", "estimate", "judge", "ordain", "decree", "stipulate", "specify")

// pronounDets may stand alone as pronouns ("all require", "many
// believe"): the word after them is a head only if it is a plural noun
// (after the plural ones) or has no -s (after the singular ones).
var pronounDets = map[string]bool{"all": true, "some": true, "many": true, "few": true, "several": true,
	"those": true, "these": true, "both": true, "this": false, "each": false, "one": false, "another": false,
	"any": false}

// relative offers the relative pronoun at word i without itself.
func (d *doc) relative(i int) {
	w := d.ws[i]
	if w.cap || i == 0 || d.gapBefore(i) != " " || !d.spaced(i) || !d.prose(i, i) {
		return
	}
	if !d.relHead(i-1) || !d.relClause(i+1) || d.parallelRelative(i) {
		return
	}
	end := d.ws[i+1].start
	d.add(w.start, end, "relative", d.text[w.start:end], "")
}

// relHead reports whether word h ends a noun phrase that an object
// relative may follow.
func (d *doc) relHead(h int) bool {
	hw := d.ws[h]
	if hw.low == "" || !hw.alpha || hw.upper {
		return false
	}
	first := h
	if relPronounHeads[hw.low] {
		if h > 0 && d.gapBefore(h) == " " && (d.low(h-1) == "for" || d.low(h-1) == "at" || d.low(h-1) == "above") {
			return false // "for all that", "above all that"
		}
	} else {
		if !d.relNoun(h) || contentNouns[hw.low] || timeAdverbs[hw.low] {
			return false
		}
		// Back to the determiner, past at most two modifiers.
		k := h - 1
		for n := 0; ; n++ {
			if k < 0 || d.gapAfter(k) != " " || n > 2 {
				return false
			}
			if relDets[d.low(k)] {
				break
			}
			if !d.relNoun(k) {
				return false
			}
			k--
		}
		first = k
		if plur, ok := pronounDets[d.low(k)]; ok && k == h-1 {
			if plur && (!plural(hw.low) || verbS[hw.low]) || !plur && strings.HasSuffix(hw.low, "s") {
				return false
			}
		}
		if (d.low(k) == "this" || d.low(k) == "every" || d.low(k) == "each") && timeUnits[hw.low] {
			return false // "I said this year that we": an adverbial, not a head
		}
	}
	// "so", "such" or "enough" make a result clause; "it" before the
	// noun phrase may be an extraposed subject.
	for k := first - 1; k >= 0 && k >= first-25; k-- {
		if l := d.low(k); l == "so" || l == "such" || l == "enough" || l == "it" || l == "it's" {
			return false
		}
		if strings.ContainsAny(d.gapAfter(k), ".?!;:") {
			break
		}
	}
	if first > 0 && strings.TrimSpace(d.gapBefore(first)) == "" {
		// After a preposition the relative may belong to a noun further
		// back ("the same courage … to the economy that we brought to
		// Desert Storm"), and without its pronoun a reader takes it for
		// the nearest; after a verb of telling or showing, "that" may
		// open the verb's clause ("informed the Committee that he had
		// asked"), which keeps it when an object stands between.
		for k := first - 1; k >= 0 && k >= first-3; k-- {
			if relPreps[d.low(k)] && k == first-1 || tellVerbs[d.low(k)] {
				return false
			}
			if strings.TrimSpace(d.gapAfter(k)) != "" {
				break
			}
		}
	}
	return d.low(first) != "such"
}

// relPreps are the prepositions after which a noun phrase is left alone.
var relPreps = set("of", "in", "on", "at", "to", "for", "with", "from", "by", "about", "into", "upon", "under", "over",
	"through", "during", "within", "without", "toward", "towards", "against", "among", "between", "after",
	"before", "like", "across", "around", "behind", "beyond", "despite", "onto", "unto", "than", "as")

// tellVerbs take an object and a that-clause: "tell the people that we".
var tellVerbs = func() map[string]bool {
	m := set()
	for _, v := range []string{"tell", "inform", "assure", "remind", "show", "convince", "persuade", "warn", "teach",
		"promise", "prove", "demonstrate", "proclaim", "say", "announce", "report", "notify", "advise", "ask",
		"urge", "signal", "reassure", "pledge", "guarantee", "explain", "satisfy", "caution", "write", "send"} {
		m[v] = true
		for _, suf := range []string{"s", "ed", "d", "ing", "es"} {
			m[v+suf] = true
		}
	}
	for _, v := range []string{"told", "taught", "proven", "shown", "said", "wrote", "written", "sent", "showing", "telling"} {
		m[v] = true
	}
	return m
}()

// relNoun reports whether word k may be a noun or a modifier in a noun
// phrase: a plain word that is not a function word, an adverb in -ly, a
// past or finite verb form, or a verb that takes a that-clause.
func (d *doc) relNoun(k int) bool {
	w := d.ws[k]
	l := w.low
	if l == "" || !w.alpha || w.upper || functionWords[l] || determiners[l] || subjectPronouns[l] || l == "you" ||
		l == "it" || l == "so" || l == "such" || l == "enough" || relPronounHeads[l] {
		return false
	}
	if finite(l) || verbS[l] || reportVerbs[l] || thatVerbs[l] || clauseVerbs[l] || reportGroup[l] != nil || modals[l] ||
		strings.HasSuffix(l, "ly") || strings.Contains(l, "'") {
		return false
	}
	return true
}

// relClause reports whether the words from k on open a clause whose
// subject is a pronoun.
func (d *doc) relClause(k int) bool {
	if k >= len(d.ws) || d.ws[k].cap && d.ws[k].low != "i" && !strings.HasPrefix(d.ws[k].low, "i'") {
		return false
	}
	// "strengthen the railways that they may meet our needs": "that"
	// before "may" or "might" may be the old "so that" of purpose.
	return relSubjects[d.low(k)] && d.spaced(k) && d.ws[k+1].alpha && !d.ws[k+1].cap &&
		d.low(k+1) != "may" && d.low(k+1) != "might"
}

// parallelRelative reports whether the relative at i has a partner that
// dropping it would unbalance: a later clause of the same sentence opened
// by the same word and a pronoun ("the things that we need and that we
// want", "show the people that we can limit them; that we can start"),
// or a figure of speech nearby ("I know the questions that you face. I
// know the conflicts that you endure.").
func (d *doc) parallelRelative(i int) bool {
	w := d.low(i)
	for k := i + 1; k < len(d.ws) && k < i+60; k++ {
		if strings.ContainsAny(d.gapBefore(k), ".?!") {
			break
		}
		if d.low(k) == w && (d.relClause(k+1) || d.low(k-1) == "and" || d.low(k-1) == "but" || d.low(k-1) == "or") {
			return true
		}
	}
	return d.near(i, 15, func(k int) bool {
		return relWords[d.low(k)] && d.low(k+1) == d.low(i+1) && k > 0 && (d.relNoun(k-1) || relPronounHeads[d.low(k-1)])
	})
}
