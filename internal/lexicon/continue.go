package lexicon

import "strings"

// Aspectual verbs with an infinitive or a gerund: "prices continued to
// rise" ↔ "prices continued rising", "began to ease" ↔ "began easing".
// With a dynamic verb the two complements mean the same (Quirk et al.
// §16.40) and both are at home in formal prose; the FOMC minutes
// themselves write "continue to expand" and "continue expanding" alike.
// Offered one way, infinitive → gerund, since "the continued easing" is
// an adjective and a noun, not a verb and its complement. Left out:
// stative and mental verbs ("continued to be", "continued to expect",
// "to see", "to view", "to depend": the gerund is odd or changes the
// sense), the -ing forms of the aspectual verb itself ("continuing
// rising"), and an infinitive coordinated with another ("continued to
// rise and fall" would need "rising and falling").

// aspectual verbs take either complement.
var aspectual = set("continue", "continued", "continues", "begin", "began", "begun", "begins",
	"start", "started", "starts")

// gerunds maps the dynamic verbs offered to their -ing forms.
var gerunds = func() map[string]string {
	double := set("run", "cut", "trim", "drop", "slip", "lag", "drag", "put", "shed", "set", "get", "dip",
		"sag", "stop", "offset")
	bases := []string{
		"expand", "rise", "run", "monitor", "strengthen", "improve", "increase", "decline", "grow",
		"advance", "move", "trend", "fall", "restrain", "contract", "ease", "tighten", "slow", "recover",
		"edge", "weaken", "climb", "decrease", "diminish", "boost", "add", "pick", "post", "reduce",
		"purchase", "reinvest", "roll", "operate", "conduct", "work", "build", "firm", "soften", "drift",
		"rebound", "deteriorate", "accelerate", "decelerate", "moderate", "widen", "narrow", "gain", "lose",
		"fluctuate", "erode", "tick", "shrink", "outpace", "lag", "hire", "invest", "buy", "sell", "lend",
		"borrow", "raise", "cut", "lower", "push", "pull", "drag", "spend", "shed", "trim", "accumulate",
		"develop", "evolve", "adjust", "rebuild", "repair", "normalize", "mount", "make", "use", "play",
		"weigh", "provide", "support", "contribute", "foster", "drop", "slip", "retreat", "rally", "surge",
		"plunge", "recede", "abate", "subside", "progress", "exert", "put", "fuel", "dampen", "restrict",
		"constrain", "hamper", "limit", "cool", "stabilize", "implement", "flow", "come", "pressure",
		"lead", "hover", "offset", "attract", "absorb", "rise", "dip", "sag", "stop", "set", "generate",
		"create", "produce", "draw", "shift", "tilt", "expand", "benefit", "struggle", "suffer",
		"outperform", "underperform", "trail", "extend", "broaden", "deepen", "lengthen", "shorten",
	}
	m := make(map[string]string, len(bases))
	for _, b := range bases {
		switch {
		case double[b]:
			m[b] = b + b[len(b)-1:] + "ing"
		case strings.HasSuffix(b, "e"):
			m[b] = b[:len(b)-1] + "ing"
		default:
			m[b] = b + "ing"
		}
	}
	return m
}()

// infinitiveOf maps each -ing form back to its verb, for Fold.
var infinitiveOf = func() map[string]string {
	m := make(map[string]string, len(gerunds))
	for b, g := range gerunds {
		m[g] = b
	}
	return m
}()

// continueTo offers "to V" → "V-ing" after an aspectual verb at word i.
func (d *doc) continueTo(i int) {
	if !aspectual[d.low(i)] || d.ws[i].cap || !d.spaced(i) || d.low(i+1) != "to" || !d.spaced(i+1) {
		return
	}
	v := d.ws[i+2]
	g, ok := gerunds[v.low]
	if !ok || v.cap {
		return
	}
	if i+3 < len(d.ws) {
		after := d.gapAfter(i + 2)
		n := d.low(i + 3)
		if strings.HasPrefix(after, "-") || after == "'" {
			return
		}
		if (after == " " || strings.HasPrefix(after, ",")) && (n == "and" || n == "or" || n == "nor" || n == "but") {
			return
		}
	}
	to := d.ws[i+1]
	d.add(to.start, v.end, "continue-to", d.text[to.start:v.end], g)
}
