package lexicon

import "strings"

// FoldVersion numbers the canonical form Fold gives. Bump it with every
// change to what Fold returns: a home records the version its lookup
// index was built with and rebuilds the index when the code's differs.
// Version 1 is the form of the first releases; version 2 adds the
// general-prose families (help to, more than, the coming, one another,
// the -body pronouns, on + a day name, so that, each year); version 3
// drops a relative pronoun before a subject pronoun and "that" after
// "propose" and adjectives such as "confident", puts "also", "now" and
// "still" after a
// modal, drops "that" after "tell you" and the like, folds
// "considerably" into "substantially" and "a little" or "a bit"
// before a comparative into "slightly", and "entire" into "whole";
// version 4 folds "regarding" and "concerning" into "about", "viewed"
// and "regarded" into "seen", and "the months ahead" and "the months to
// come" into "coming months" ("the year ahead" into "the coming year").
const FoldVersion = 4

// Fold maps canonical tokens so that every variant of every family folds
// to one form.
//
// It works in two passes. The first maps single tokens (towards → toward,
// don't → do not, despite → in spite of, two → 2); the second rewrites
// short runs left to right (in order to → to, all of the → all the, for
// instance → for example, e mail → email, u s → us) and drops "that" after
// a reporting verb. No rule looks more than two tokens back or ahead, and
// none depends on sentence boundaries or capitals, so an excerpt that
// starts or ends mid-sentence folds like the same words inside the whole
// text. Fold applies to every occurrence, not only to the points Find
// offered, so it never needs to know where the points were; the price is
// that the canonical form merges a few function-word differences (a
// demonstrative "that" after "said" goes too), which costs matching
// nothing.
func Fold(tokens []string) []string {
	exp := make([]string, 0, len(tokens)+len(tokens)/8)
	for _, t := range tokens {
		if m, ok := foldWord[t]; ok {
			exp = append(exp, m...)
		} else {
			exp = append(exp, t)
		}
	}
	out := make([]string, 0, len(exp))
	var i int
	next := func(k int) string {
		if i+k < len(exp) {
			return exp[i+k]
		}
		return ""
	}
	for ; i < len(exp); i++ {
		t := exp[i]
		switch t {
		case "in":
			if next(1) == "order" && next(2) == "to" {
				if n := len(out); n == 0 || !helpForms[out[n-1]] {
					out = append(out, "to")
				}
				i += 2
				continue
			}
			if n := next(1); n == "recent" || n == "the" && (next(2) == "past" || next(2) == "intermeeting" || quarterWords[next(2)]) {
				out = append(out, "during")
				continue
			}
			if next(1) == "light" && next(2) == "of" {
				out = append(out, "given")
				i += 2
				continue
			}
		case "all", "both":
			if next(1) == "of" && allOfDets[next(2)] {
				out = append(out, t)
				i++
				continue
			}
		case "for":
			if next(1) == "instance" {
				out = append(out, "for", "example")
				i++
				continue
			}
		case "by":
			if next(1) == "contrast" {
				out = append(out, "in", "contrast")
				i++
				continue
			}
		case "per":
			if next(1) == "cent" {
				out = append(out, "percent")
				i++
				continue
			}
		case "e":
			if mailForms[next(1)] {
				out = append(out, "e"+next(1))
				i++
				continue
			}
		case "on":
			if next(1) == "line" {
				out = append(out, "online")
				i++
				continue
			}
			if weekdays[next(1)] {
				continue // "said on Tuesday" ↔ "said Tuesday"
			}
		case "ahead":
			if n := len(out); n > 1 && out[n-2] == "the" && aheadUnits[out[n-1]] {
				out = comingFold(out)
				continue // "the months ahead" ↔ "the coming months"
			}
		case "to":
			if n := len(out); n > 1 && next(1) == "come" && out[n-2] == "the" && comingUnits[out[n-1]] {
				out = comingFold(out)
				i++
				continue // "the months to come" ↔ "the coming months"
			}
			if n := len(out); n > 0 && helpForms[out[n-1]] {
				continue // "help to build" ↔ "help build"
			}
		case "more":
			if next(1) == "than" && isFigure(next(2)) {
				out = append(out, "over") // "more than 40 million" → "over 40 million"
				i++
				continue
			}
		case "the":
			if next(1) == "coming" && comingUnits[next(2)] {
				continue // "in the coming months" ↔ "in coming months"
			}
		case "each":
			if everyUnits[next(1)] {
				out = append(out, "every") // "each year" ↔ "every year"
				continue
			}
		case "1":
			if next(1) == "another" {
				out = append(out, "each", "other") // "one" is "1" after the first pass
				i++
				continue
			}
		case "web":
			if n := next(1); n == "site" || n == "sites" {
				out = append(out, "web"+n)
				i++
				continue
			}
		case "co":
			if n := next(1); strings.HasPrefix(n, "operat") || strings.HasPrefix(n, "ordinat") {
				out = append(out, "co"+n)
				i++
				continue
			}
		case "u":
			if next(1) == "s" {
				out = append(out, "us")
				i++
				continue
			}
		case "continue", "continued", "continues", "begin", "began", "begun", "begins", "start", "started", "starts":
			if b, ok := infinitiveOf[next(1)]; ok {
				out = append(out, t, "to")
				if f, ok := foldWord[b]; ok {
					out = append(out, f...)
				} else {
					out = append(out, b)
				}
				i++
				continue
			}
		case "over":
			// "over the past year", "over recent months" ↔ "during …" ↔ "in …".
			if n := next(1); n == "recent" || n == "the" && (next(2) == "past" || next(2) == "intermeeting") {
				out = append(out, "during")
				continue
			}
		case "owing":
			if next(1) == "to" {
				out = append(out, "because", "of")
				i++
				continue
			}
		case "higher", "upward", "lower", "downward":
			if n := len(out); n > 0 && directionVerbs[out[n-1]] {
				if t == "higher" || t == "upward" {
					out = append(out, "up")
				} else {
					out = append(out, "down")
				}
				continue
			}
		case "with":
			if next(1) == "respect" && next(2) == "to" {
				out = append(out, "with", "regard", "to")
				i += 2
				continue
			}
		case "that":
			if n := len(out); n > 0 && (reportVerbs[out[n-1]] || n > 1 && out[n-1] == "out" && out[n-2] == "pointed" || out[n-1] == "so" || thatVerb(out[n-1], out[:n-1])) {
				continue
			}
			if foldRelSubjects[next(1)] {
				continue // "the budget that I send" ↔ "the budget I send"
			}
			if n := len(out); n > 1 && objPronouns[out[n-1]] && tellObjVerbs[out[n-2]] {
				continue // "assure you that the" ↔ "assure you the"
			}
		case "a":
			if (next(1) == "little" || next(1) == "bit") && comparatives[next(2)] {
				out = append(out, "slightly") // "a little higher" ↔ "slightly higher"
				i++
				continue
			}
		case "also", "now", "still":
			if alsoModals[next(1)] {
				out = append(out, next(1), t) // "also will" ↔ "will also"
				i++
				continue
			}
		case "which", "whom":
			if foldRelSubjects[next(1)] {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// foldWord is the first pass: each key token stands for its value.
var foldWord = func() map[string][]string {
	m := map[string][]string{
		"additionally": {"in", "addition"},
		"despite":      {"in", "spite", "of"},
		"likewise":     {"similarly"},
		"okay":         {"ok"},
		"cannot":       {"can", "not"},
	}
	for w, s := range swaps {
		// A two-way pair folds to a fixed member; a one-way swap to its
		// target.
		canon := s.alt
		if back, ok := swaps[s.alt]; ok && back.alt == w {
			canon = pairCanon(w, s.alt)
		}
		if canon != w {
			m[w] = []string{canon}
		}
	}
	for c, e := range contractions {
		m[c] = strings.Fields(strings.ToLower(e))
		if e == "cannot" {
			m[c] = []string{"can", "not"}
		}
	}
	for w, f := range numberWords {
		m[w] = []string{f}
	}
	// Groups whose first member is canonical.
	for _, forms := range changeForms {
		for _, f := range forms[1:] {
			m[f] = []string{forms[0]}
		}
	}
	m["falls"] = []string{"declines"}
	m["an"] = []string{"a"} // "an increase" ↔ "a rise"
	for w, g := range reportGroup {
		if w != g[0] {
			m[w] = []string{g[0]}
		}
	}
	m["emphasised"] = []string{"emphasized"}
	for _, g := range [][]string{
		{"during", "over"}, // "over the past year" folds in Fold's second pass
		{"past", "last"},
		{"previous", "prior"},
		{"likely", "probably"},
		{"mainly", "primarily"},
		{"about", "around", "roughly"},
		{"nearly", "almost"},
		{"seemed", "appeared"}, {"seems", "appears"}, {"seem", "appear"},
		{"remained", "stayed"}, {"remain", "stay"}, {"remains", "stays"},
	} {
		for _, f := range g[1:] {
			if f != "over" {
				m[f] = []string{g[0]}
			}
		}
	}
	m["partly"] = []string{"in", "part"}
	m["everybody"] = []string{"everyone"}
	m["somebody"] = []string{"someone"}
	m["anybody"] = []string{"anyone"}
	m["nobody"] = []string{"no", "1"} // "no one", after the first pass
	m["especially"] = []string{"particularly"}
	m["considerably"] = []string{"substantially"}
	m["entire"] = []string{"whole"}
	m["regarding"] = []string{"about"}
	m["concerning"] = []string{"about"}
	m["viewed"] = []string{"seen"}
	m["regarded"] = []string{"seen"}
	return m
}()

// comingFold rewrites out, which ends in "the" and a unit of time, as
// Fold renders "the coming" and the unit: "coming months" (Fold drops
// "the" before "coming" and a plural unit), "the coming year".
func comingFold(out []string) []string {
	n := len(out)
	unit := out[n-1]
	if comingUnits[unit] {
		return append(out[:n-2], "coming", unit)
	}
	return append(out[:n-1], "coming", unit)
}

// pairCanon picks the canonical member of a two-way pair: the shorter
// word, or for equal lengths the first in alphabetical order, so the
// choice never depends on map order.
func pairCanon(a, b string) string {
	switch {
	case len(a) < len(b):
		return a
	case len(b) < len(a):
		return b
	case a < b:
		return a
	}
	return b
}

// foldRelSubjects are the canonical tokens of the subject pronouns
// before which Fold drops a relative "that", "which" or "whom"
// (relative.go); contractions are expanded by then.
var foldRelSubjects = set("i", "we", "you", "they", "he", "she")

// helpForms are the forms of "help" after which Fold drops "to".
var helpForms = set("help", "helps", "helped", "helping")

// isFigure reports whether a canonical token is a number.
func isFigure(t string) bool { return t != "" && t[0] >= '0' && t[0] <= '9' }
