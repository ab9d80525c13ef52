package lexicon

import "strings"

// Contractions: "don't" ↔ "do not", "it's" ↔ "it is" and the like say the
// same thing; what they change is register. Expanding is always offered (a
// contracted text stays informal with one "do not" in it); contracting is
// offered only in a document that already contracts, so a formal memo
// never gains one. Left out: the ambiguous "'d" (had/would), "he's",
// "she's" and "what's" (is/has), "let's" (its expansion is formal and
// hortatory), "ain't", "can not" (not the same as "cannot" in "can not
// only"), and every case where the expansion or contraction would change
// the syntax: inverted questions ("Don't you see?" → "Do not you see?"),
// clause-final auxiliaries ("as it is." → "as it's."), "it's been" (has),
// "I've got" ("I have got" is odd), "not only".

// contractions maps each contracted form to its expansion.
var contractions = map[string]string{
	"don't": "do not", "doesn't": "does not", "didn't": "did not", "isn't": "is not", "aren't": "are not",
	"wasn't": "was not", "weren't": "were not", "hasn't": "has not", "haven't": "have not",
	"hadn't": "had not", "won't": "will not", "wouldn't": "would not", "couldn't": "could not",
	"shouldn't": "should not", "can't": "cannot",
	"i'm": "I am", "we're": "we are", "they're": "they are", "you're": "you are",
	"i've": "I have", "we've": "we have", "they've": "they have", "you've": "you have",
	"i'll": "I will", "we'll": "we will", "you'll": "you will", "they'll": "they will",
	"it's": "it is", "that's": "that is", "there's": "there is",
}

// contractOf maps an expansion (lower case) to its contracted form.
var contractOf = func() map[string]string {
	m := make(map[string]string, len(contractions))
	for c, e := range contractions {
		m[strings.ToLower(e)] = c
	}
	return m
}()

// inverted are words that, after a negative contraction, show an inverted
// question or tag ("Don't you…", "…, isn't it?"), where the expansion is
// ungrammatical.
var inverted = set("i", "you", "he", "she", "it", "we", "they", "there", "that", "this", "the", "a", "an",
	"these", "those", "my", "your", "his", "her", "its", "our", "their", "one", "anyone", "everyone",
	"someone", "anybody", "everybody", "somebody", "people")

// hasReading are words after "it's", "that's", "there's" that make the
// "'s" read "has"; "own" marks the misspelt possessive ("it's own").
var hasReading = set("been", "got", "gotten", "had", "done", "gone", "seen", "taken", "given", "come", "become", "own", "made", "shown", "grown", "fallen", "risen", "known")

// contracted offers the expansion of the contraction at word i.
func (d *doc) contracted(i int) {
	w := d.ws[i]
	exp, ok := contractions[w.low]
	if !ok || !d.prose(i, i) {
		return
	}
	next := ""
	if d.spaced(i) {
		next = d.low(i + 1)
	} else if d.f.catalogue >= V2 && i+1 < len(d.ws) && strings.Trim(d.gapAfter(i), " \t\r\n>") == "" {
		// The next word on the next line, past the ">" of email
		// quoting: "Don't\n> they all" is still a question.
		next = d.low(i + 1)
	}
	switch {
	case strings.HasSuffix(w.low, "n't") || w.low == "cannot":
		if inverted[next] {
			return
		}
	case strings.HasSuffix(w.low, "'s"):
		if next == "" || hasReading[next] || strings.HasSuffix(next, "ed") {
			return
		}
	case strings.HasSuffix(w.low, "'ve"):
		if next == "got" || next == "gotten" {
			return
		}
	}
	d.add(w.start, w.end, "contraction", d.text[w.start:w.end], fitCase(w, exp))
}

// pronounAux lists the pronoun + auxiliary pairs that may contract.
var pronounAux = map[string]map[string]bool{
	"i":     set("am", "have", "will"),
	"we":    set("are", "have", "will"),
	"they":  set("are", "have", "will"),
	"you":   set("are", "have", "will"),
	"it":    set("is"),
	"that":  set("is"),
	"there": set("is"),
}

// negAux are the auxiliaries whose "not" may contract.
var negAux = set("do", "does", "did", "is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "should")

// clauseFinalBefore are words after which a pronoun + auxiliary usually
// ends a clause or is stressed ("than it is", "what it is").
var clauseFinalBefore = set("than", "as", "what", "whatever", "where", "wherever", "how", "however", "who",
	"whoever", "which", "whichever", "so", "nor", "know", "matter", "here", "there")

// participles mark "have" as an auxiliary that may contract ("I've been"),
// unlike possessive "have" ("I have a car" → "I've a car" is British).
var participles = set("been", "had", "done", "seen", "made", "got", "heard", "taken", "given", "become",
	"never", "already", "just", "always", "come", "gone", "known", "said", "told", "found", "read",
	"written", "sent", "spent", "put", "set", "left", "lost", "paid", "kept", "thought", "felt", "met",
	"brought", "bought", "begun", "run", "won", "shown", "grown", "chosen", "spoken", "forgotten")

// expanded offers the contraction of the expanded form starting at word
// i, in a document that contracts.
func (d *doc) expanded(i int) {
	if !d.f.contractions {
		return
	}
	w := d.ws[i]
	if w.low == "" || w.cap && w.low != "i" && !d.sentStart(i) || !d.proseBefore(w.start) {
		return
	}
	if w.low == "cannot" && d.proseAfter(w.end) {
		d.add(w.start, w.end, "contraction", d.text[w.start:w.end], d.apos(fitCase(w, "can't")))
		return
	}
	if !d.spaced(i) || d.ws[i+1].low == "" || d.ws[i+1].cap {
		return
	}
	n := d.ws[i+1]
	if negAux[w.low] && n.low == "not" {
		if d.f.catalogue >= V2 && w.low == "will" {
			return // "will not" is a vow or a refusal; "won't" flattens it
		}
		if d.sentStart(i) && w.low != "do" {
			return // "Had not the war…", "Is not this…?"
		}
		if d.spaced(i+1) && d.low(i+2) == "only" {
			return
		}
		c := contractOf[w.low+" not"]
		if !d.proseAfter(n.end) {
			return
		}
		d.add(w.start, n.end, "contraction", d.text[w.start:n.end], d.apos(fitCase(w, c)))
		return
	}
	if !pronounAux[w.low][n.low] {
		return
	}
	if d.f.catalogue >= V2 && (n.upper || objectCase[w.low] && !d.subjectSlot(i)) {
		// "we WILL win" is stressed; in "The budget I send you will
		// propose" the "you" is the object of "send".
		return
	}
	if !d.spaced(i+1) || d.ws[i+2].low == "" {
		return // clause-final: "as it is."
	}
	if i > 0 && d.gapBefore(i) == " " && clauseFinalBefore[d.low(i-1)] {
		return
	}
	after := d.low(i + 2)
	switch n.low {
	case "have":
		if !participles[after] && !(len(after) >= 5 && strings.HasSuffix(after, "ed") && !strings.HasSuffix(after, "eed")) {
			return
		}
	case "will":
		if after == "not" || d.f.catalogue >= V2 && emphatic[after] {
			return
		}
	case "is":
		if after == "to" {
			return // "that is to say"
		}
	}
	c := contractOf[w.low+" "+n.low]
	if c == "" || !d.proseAfter(n.end) {
		return
	}
	d.add(w.start, n.end, "contraction", d.text[w.start:n.end], d.apos(fitCase(w, c)))
}

// apos puts the document's preferred apostrophe into a contraction.
func (d *doc) apos(s string) string {
	if d.f.apostrophe == "'" {
		return s
	}
	return strings.ReplaceAll(s, "'", d.f.apostrophe)
}

// objectCase are the pronouns of pronounAux that may also be objects.
var objectCase = set("you", "it")

// subjectOpeners are the words after which a pronoun opens a clause as
// its subject: conjunctions, subordinators and complementizers.
var subjectOpeners = set("and", "but", "or", "nor", "so", "yet", "if", "when", "whenever", "because", "since",
	"that", "while", "although", "though", "unless", "until", "before", "after", "once", "whether", "then",
	"why", "now")

// subjectSlot reports whether the pronoun at word i is certainly a
// subject (catalogue 2 on): it starts its sentence or clause, after
// punctuation, or follows a conjunction or subordinator.
// After a verb or a preposition it may be an object ("I send you", "for
// it"), and is left alone.
func (d *doc) subjectSlot(i int) bool {
	if i == 0 {
		return true
	}
	// A line break, or one with email quote marks, is no boundary in
	// hard-wrapped text: "I send\n> you will" is still "send you".
	if g := strings.Trim(d.gapBefore(i), " \t\r\n>"); g != "" {
		return strings.ContainsAny(g, ".,;:!?()[]\"\u2014\u2013\u201C\u201D") || strings.Contains(g, "--")
	}
	return subjectOpeners[d.low(i-1)]
}

// emphatic are the words after "will" that stress it: "we will never
// abolish", "we will always". A contraction there flattens a vow.
var emphatic = set("never", "not", "always", "ever", "forever", "certainly", "surely", "definitely",
	"absolutely", "indeed", "truly", "still")
