package lexicon_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/lexicon"
)

// renderings returns every rendering of text that one point of kind
// offers, under catalogue v, in a document whose prose is style plus text.
func renderings(text, kind string, style []string, v int) []string {
	var got []string
	for _, p := range lexicon.NewFinder(append([]string{text}, style...), v).Find(text) {
		if p.Kind != kind {
			continue
		}
		for i, s := range p.Variants {
			if i != p.Orig {
				got = append(got, text[:p.Start]+s+text[p.End:])
			}
		}
	}
	return got
}

// grammarCases are renderings catalogue 1 offered and catalogue 2 must
// not: each bad rendering is listed, and catalogue 1 must still offer it
// (which shows the case would fail without the rule).
var grammarCases = []struct {
	why, kind, text, bad string
}{
	// Contract only a subject pronoun. 1801–1820 State of the Union
	// addresses: "you" is the object of "to" and of "before".
	{"object pronoun", "contraction",
		"The documents which will be presented to you will shew the amount and kinds of arms",
		"The documents which will be presented to you'll shew the amount and kinds of arms"},
	{"object pronoun", "contraction",
		"From the papers which will be laid before you you will be enabled to judge whether our",
		"From the papers which will be laid before you you'll be enabled to judge whether our"},
	// The audited speech (not in the corpus): "you" is the object of "send".
	{"object pronoun", "contraction",
		"The budget I send you will propose a new approach.",
		"The budget I send you'll propose a new approach."},
	// The same across a hard line break in a quoted email (constructed).
	{"object pronoun across a line break", "contraction",
		"> The budget I send\n> you will propose a new approach.\n",
		"> The budget I send\n> you'll propose a new approach.\n"},
	// Never contract "will not", "will never" or a stressed "will".
	{"will not", "contraction",
		"We will not waver; we will not tire; we will not falter; and we will not fail.",
		"We won't waver; we will not tire; we will not falter; and we will not fail."},
	{"will never", "contraction", // 1990s State of the Union addresses
		"At any rate, we hold our objectives and our principles to be sound. We will never go back on them.",
		"At any rate, we hold our objectives and our principles to be sound. We'll never go back on them."},
	{"will always", "contraction",
		"we will always go the extra mile with anyone on",
		"we'll always go the extra mile with anyone on"},
	// An inverted question across a line break and an email quote prefix
	// (the audited email, not in the corpus).
	{"inverted question", "contraction",
		"> Prices rise, and the vendors don't care. Don't\n> they all say so?\n",
		"> Prices rise, and the vendors don't care. Do not\n> they all say so?\n"},
	// The serial comma before a clause is not a list comma (the audited
	// speech, not in the corpus).
	{"clause after and", "serial-comma",
		"It is wrong, unfair, and together we can stop it.",
		"It is wrong, unfair and together we can stop it."},
}

func TestGrammarRules(t *testing.T) {
	for _, c := range grammarCases {
		style := contracting
		v1 := renderings(c.text, c.kind, style, lexicon.V1)
		v2 := renderings(c.text, c.kind, style, lexicon.V2)
		if !slices.Contains(v1, c.bad) {
			t.Errorf("%s: catalogue 1 does not offer %q (got %q): the case proves nothing", c.why, c.bad, v1)
		}
		if slices.Contains(v2, c.bad) {
			t.Errorf("%s: catalogue 2 offers %q", c.why, c.bad)
		}
	}
}

// TestGrammarStillFires: the rules leave the plain cases alone.
func TestGrammarStillFires(t *testing.T) {
	for _, c := range []struct{ kind, text, want string }{
		{"contraction", "If the global fund demonstrates its promise, we will be ready to give more.",
			"If the global fund demonstrates its promise, we'll be ready to give more."},
		{"contraction", "and if you will be patient, the results will come",
			"and if you'll be patient, the results will come"},
		{"contraction", "they don't like", "they do not like"},
		{"serial-comma", "the ongoing public health crisis would continue to weigh on economic activity, employment, and inflation in the near term",
			"the ongoing public health crisis would continue to weigh on economic activity, employment and inflation in the near term"},
	} {
		style := append(slices.Clone(contracting), bothStyles)
		if got := renderings(c.text, c.kind, style, lexicon.V2); !slices.Contains(got, c.want) {
			t.Errorf("catalogue 2 lost %q (got %q)", c.want, got)
		}
	}
}

// TestSerialCommaFollowsTheDocument: in a document that uses the serial
// comma in every list (FOMC minutes), it is never dropped; in one that
// mixes the styles it varies. Sentences from the FOMC minutes.
func TestSerialCommaFollowsTheDocument(t *testing.T) {
	lists := []string{
		"Andrew Figura, David Reifschneider, and Stacey Tevlin, Special Advisers to the Board",
		"Federal Reserve Banks of St. Louis, Cleveland, New York, Boston, and Chicago, respectively",
		"as policymakers in the euro area, Sweden, Denmark, and many emerging market economies eased",
	}
	text := "the ongoing public health crisis would continue to weigh on economic activity, employment, and inflation in the near term"
	bad := strings.Replace(text, "employment, and", "employment and", 1)
	if got := renderings(text, "serial-comma", lists, lexicon.V2); slices.Contains(got, bad) {
		t.Errorf("catalogue 2 drops the serial comma of a document that always uses it")
	}
	if got := renderings(text, "serial-comma", lists, lexicon.V1); !slices.Contains(got, bad) {
		t.Errorf("catalogue 1 keeps it: the case proves nothing")
	}
	mixed := []string{lists[0], "Andrew Figura, David Reifschneider and Stacey Tevlin, Special Advisers to the Board",
		"as policymakers in the euro area, Sweden, Denmark and many emerging market economies eased"}
	if got := renderings(text, "serial-comma", mixed, lexicon.V2); !slices.Contains(got, bad) {
		t.Errorf("catalogue 2 does not vary the serial comma of a document that mixes styles")
	}
	// A 2002 email whose only list has the comma: too few lists to be
	// "consistent", but no list without the comma either, so none loses it.
	email := "it is about time networks were designed with this level of\nlarge-scale optimization " +
		"(cost per mbit, maximizing coverage, and effective\nbandwidth available per unit area) in any case."
	dropped := strings.Replace(email, "coverage, and", "coverage and", 1)
	if got := renderings(email, "serial-comma", nil, lexicon.V2); slices.Contains(got, dropped) {
		t.Errorf("catalogue 2 drops the serial comma of a document with no list without it")
	}
	if got := renderings(email, "serial-comma", nil, lexicon.V1); !slices.Contains(got, dropped) {
		t.Errorf("catalogue 1 keeps the email's serial comma: the case proves nothing")
	}
}

// TestContractionsFollowTheDocument: a document whose prose contracts
// only rarely (two "don't" among many "do not") gets no new
// contractions under catalogue 2; expansions stay.
func TestContractionsFollowTheDocument(t *testing.T) {
	formal := []string{"We don't know, and we don't say.",
		strings.Repeat("We do not know what it is, and they do not say why it is so. ", 12)}
	text := "If the global fund demonstrates its promise, we will be ready to give more."
	want := "If the global fund demonstrates its promise, we'll be ready to give more."
	if got := renderings(text, "contraction", formal, lexicon.V2); slices.Contains(got, want) {
		t.Errorf("catalogue 2 contracts in a document that rarely does")
	}
	if got := renderings(text, "contraction", formal, lexicon.V1); !slices.Contains(got, want) {
		t.Errorf("catalogue 1 does not contract: the case proves nothing")
	}
}
