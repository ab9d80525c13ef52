package lexicon_test

import (
	"math/rand"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/lexicon"
)

// bothStyles writes every form of every style family once, as a
// document of mixed style would, so that the census lets each family
// vary. Tests of a family's contexts add it to the document's texts.
const bothStyles = "toward towards afterward afterwards upward upwards downward downwards backward backwards " +
	"onward onwards inward inwards outward outwards judgment judgement judgments judgements judgmental " +
	"judgemental acknowledgment acknowledgement acknowledgments acknowledgements among amongst while " +
	"whilst amid amidst OK okay; 5% and 5 percent and 5 per cent; the U.S. economy and the US economy; " +
	"a two-year and a 2-year note, a twelve-month and a 12-month span; email e-mail online on-line website web site cooperate co-operate " +
	"coordinate co-ordinate. Over $2 billion; in the coming years, in coming months; each other, one " +
	"another; everyone everybody someone somebody anyone anybody nobody, no one; he said Tuesday, she said on Tuesday, so we can. " +
	"As policymakers in the euro area, Sweden, Denmark, and Japan eased; as policymakers in the euro area, " +
	"Sweden, Denmark and many emerging market economies eased."

// styleCase is a document and the renderings of one family Find must
// offer in it: its first text, with the others as the rest of the
// document. A nil want means none.
type styleCase struct {
	kind  string
	texts []string
	want  []string
}

// styleCases show the census: a rendering is offered only where the
// document writes that form somewhere itself. The sentences are real
// (FOMC minutes, State of the Union addresses, 2002 email).
var styleCases = []styleCase{
	// FOMC minutes write "percent" thousands of times and "%" never.
	{"percent", []string{"total PCE price inflation was expected to be 5.5 percent in 2022"}, nil},
	{"percent", []string{"total PCE price inflation was expected to be 5.5 percent in 2022",
		"The index rose 0.3% in May."},
		[]string{"total PCE price inflation was expected to be 5.5% in 2022"}},
	// An email that writes only "%" keeps it.
	{"percent", []string{"current CO2 concentrations are within 10% of other peaks"}, nil},
	{"percent", []string{"current CO2 concentrations are within 10% of other peaks", "up 4 percent on the year"},
		[]string{"current CO2 concentrations are within 10 percent of other peaks"}},
	// "per cent" only becomes the forms the document also writes.
	{"percent", []string{"the gross sales fell 4 per cent.", "an increase of 2 percent"},
		[]string{"the gross sales fell 4 percent."}},
	{"percent", []string{"the gross sales fell 4 per cent."}, nil},

	{"us", []string{"Declines in U.S. interest rates appeared to have contributed."}, nil},
	{"us", []string{"Declines in U.S. interest rates appeared to have contributed.", "US exports rose."},
		[]string{"Declines in US interest rates appeared to have contributed."}},
	// "US" in capitals is the pronoun and licenses nothing.
	{"us", []string{"Declines in U.S. interest rates appeared to have contributed.", "GOD BLESS US ALL"}, nil},

	{"judgment", []string{"In the Committee's judgment, the risks were balanced."}, nil},
	{"judgment", []string{"In the Committee's judgment, the risks were balanced.", "a judgement call"},
		[]string{"In the Committee's judgement, the risks were balanced."}},

	{"toward", []string{"bring inflation down toward 2 percent over the medium term."}, nil},
	{"toward", []string{"bring inflation down toward 2 percent over the medium term.", "towards the end"},
		[]string{"bring inflation down towards 2 percent over the medium term."}},
	{"toward", []string{"The staff revised its forecast upward in light of the data."}, nil},
	{"toward", []string{"The staff revised its forecast upward in light of the data.", "drift upwards"},
		[]string{"The staff revised its forecast upwards in light of the data."}},

	{"amongst", []string{"There is great anxiety amongst the people."}, nil},
	{"amongst", []string{"There is great anxiety amongst the people.", "among them"},
		[]string{"There is great anxiety among the people."}},

	{"okay", []string{"other apps seemed to work OK for cut and paste"}, nil},
	{"okay", []string{"other apps seemed to work OK for cut and paste", "Okay, done."},
		[]string{"other apps seemed to work okay for cut and paste"}},

	{"number", []string{"The four-week moving average of initial claims edged up."}, nil},
	{"number", []string{"The four-week moving average of initial claims edged up.", "the 2-year note"},
		[]string{"The 4-week moving average of initial claims edged up."}},
	{"number", []string{"the 12-month change in the consumer price index"}, nil},
	// Numbers below ten and from ten on are separate styles: FOMC
	// minutes write "four-quarter" but "12-month" (October 2015), so
	// neither licenses "twelve-month" or "4-quarter".
	{"number", []string{"Total PCE price inflation, as measured on a 12-month basis, continued to run below the Committee's longer-run objective.",
		"Chinese real GDP growth remained around 7 percent on a four-quarter change basis"}, nil},
	{"number", []string{"Chinese real GDP growth remained around 7 percent on a four-quarter change basis",
		"Total PCE price inflation, as measured on a 12-month basis"}, nil},
	// September 2020 starts a sentence with "Thirty-day", where no
	// figure may stand; its "10-year" and "12-month" stay figures.
	{"number", []string{"The near-dated implied volatility on 10-year Treasury securities was little changed.",
		"Thirty-day bill rates fell.", "was 1.3 percent over the same 12-month period"}, nil},
	// A suspended hyphen shares the unit: "10- and 30-year" keeps both
	// figures even where the document writes "thirty-year" elsewhere
	// (September 2020, with a thirty-year compound added).
	{"number", []string{"Treasury yields were unchanged since the July FOMC meeting, while 10- and 30-year yields rose moderately.",
		"a twelve-month span and a 12-month span"}, nil},
	// May 2018 writes "one-month" and "2-year": below ten either may
	// show, but "12-month" stays a figure.
	{"number", []string{"In particular, in March the 12-month percent increase in PCE prices was equal to the Committee's objective.",
		"at the one-month horizon", "yields on 2-year and 10-year Treasury securities"}, nil},
	{"number", []string{"Option-implied volatility on the S&P 500 index at the one-month horizon declined.",
		"In March the 12-month percent increase", "yields on 2-year and 10-year Treasury securities"},
		[]string{"Option-implied volatility on the S&P 500 index at the 1-month horizon declined."}},

	// "email" is offered for "e-mail" only where the document writes
	// the closed form too.
	{"closed-compound", []string{"acquired the e-mail addresses of more than a million voters"}, nil},
	{"closed-compound", []string{"Send me an email."}, nil}, // and the dated form never appears unless written
	{"closed-compound", []string{"acquired the e-mail addresses of more than a million voters", "Send me an email."},
		[]string{"acquired the email addresses of more than a million voters"}},
}

func TestStyleCensus(t *testing.T) { checkStyleCases(t, styleCases) }

// checkStyleCases checks each case's renderings of its family.
func checkStyleCases(t *testing.T, cases []styleCase) {
	t.Helper()
	for _, c := range cases {
		var got []string
		text := c.texts[0]
		for _, p := range lexicon.NewFinder(c.texts, lexicon.Latest).Find(text) {
			if p.Kind != c.kind {
				continue
			}
			for v, s := range p.Variants {
				if v != p.Orig {
					got = append(got, text[:p.Start]+s+text[p.End:])
				}
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s in %q:\n got  %q\n want %q", c.kind, c.texts, got, c.want)
		}
	}
}

// TestStyleCensusV1 shows that documents registered under catalogue 1
// keep every rendering, whatever their style.
func TestStyleCensusV1(t *testing.T) {
	text := "total PCE price inflation was expected to be 5.5 percent in 2022"
	cs := lexicon.NewFinder([]string{text}, lexicon.V1).Find(text)
	if len(cs) != 1 || cs[0].Kind != "percent" {
		t.Fatalf("V1 candidates %+v, want the percent point", cs)
	}
}

// FOMC minutes, October 2019: the Committee's formula, three times in
// the document, and a sentence of the staff's own prose.
const (
	reservesFormula = "to ensure that the supply of reserves remains ample even during periods of sharp increases in non-reserve liabilities"
	staffProse      = "Real federal purchases decelerated, reflecting smaller increases in both defense and nondefense spending."
)

// TestFormulas shows that a run of words the document repeats three
// times or more is its voice: no point touches it, while the same
// family elsewhere, and a run used only twice, still vary.
func TestFormulas(t *testing.T) {
	points := func(texts []string, text string) []string {
		var ps []string
		for _, c := range lexicon.NewFinder(texts, lexicon.Latest).Find(text) {
			ps = append(ps, c.Kind+":"+text[c.Start:c.End])
		}
		return ps
	}
	thrice := []string{reservesFormula, staffProse, reservesFormula, reservesFormula}
	if got := points(thrice, reservesFormula); len(got) != 0 {
		t.Errorf("formula repeated three times: points %q, want none", got)
	}
	if got := points(thrice, staffProse); !slices.Contains(got, "change:increases") {
		t.Errorf("outside the formula: points %q, want increases", got)
	}
	twice := thrice[:3]
	if got := points(twice, reservesFormula); !slices.Contains(got, "change:increases") {
		t.Errorf("run used twice: points %q, want increases", got)
	}
	// Catalogue 1 finds what it always found.
	if cs := lexicon.NewFinder(thrice, lexicon.V1).Find(reservesFormula); len(cs) == 0 {
		t.Error("V1: no points in the formula")
	}
}

// styleForms are the forms of the style families as a reader sees them.
var styleForms = map[string]*regexp.Regexp{
	"%":                  regexp.MustCompile(`\d%`),
	"percent":            regexp.MustCompile(`\d percent\b`),
	"US":                 regexp.MustCompile(`\bUS\b`),
	"judgement":          regexp.MustCompile(`(?i)\bjudgement`),
	"judgment":           regexp.MustCompile(`(?i)\bjudgment`),
	"towards":            regexp.MustCompile(`(?i)\b(to|after|up|down|back|on|in|out)wards\b`),
	"toward":             regexp.MustCompile(`(?i)\b(to|after)ward\b`), // "upward" is also the direction family's word
	"among":              regexp.MustCompile(`(?i)\b(among|while|amid)\b`),
	"amongst":            regexp.MustCompile(`(?i)\b(amongst|whilst|amidst)\b`),
	"e-mail":             regexp.MustCompile(`(?i)\b(e-mail|on-line|web sites?\b|co-operat|co-ordinat)`),
	"email":              regexp.MustCompile(`(?i)\b(email|online|websites?\b|cooperat|coordinat)`),
	"okay":               regexp.MustCompile(`(?i)\bokay\b`),
	"OK":                 regexp.MustCompile(`\b(OK|Ok|ok)\b`),
	"two-year":           regexp.MustCompile(`(?i)\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty)-(year|month|week|day|quarter|hour|minute|decade)`),
	"2-year":             regexp.MustCompile(`\b\d+-(year|month|week|day|quarter|hour|minute|decade)`),
	"over+figure":        regexp.MustCompile(`(?i)\bover \$?\d`),
	"each other":         regexp.MustCompile(`(?i)\beach other\b`),
	"one another":        regexp.MustCompile(`(?i)\bone another\b`),
	"-body":              regexp.MustCompile(`(?i)\b(every|some|any|no)body\b`),
	"-one":               regexp.MustCompile(`(?i)\b(everyone|someone|anyone|no one)\b`),
	"the coming":         regexp.MustCompile(`(?i)\bthe coming (months|weeks|years|quarters|days|decades)\b`),
	"coming":             regexp.MustCompile(`(?i)\b(in|over|during|for|within|throughout) coming (months|weeks|years|quarters|days|decades)\b`),
	"coming year":        regexp.MustCompile(`(?i)\b(in|over|during|for|within|throughout) coming (year|month|quarter|decade)\b`),
	"the coming year":    regexp.MustCompile(`(?i)\bthe coming (year|month|week|quarter|decade|months|weeks|years|quarters|days|decades)\b`),
	"the months ahead":   regexp.MustCompile(`(?i)\bthe (months|weeks|years|quarters|days|decades|year|month|week|quarter|decade) ahead\b`),
	"the months to come": regexp.MustCompile(`(?i)\bthe (months|weeks|years|quarters|days|decades) to come\b`),
	"said on Day":        regexp.MustCompile(`\b(said|announced|reported|told|added|wrote|stated|confirmed|testified) on (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b`),
	"said Day":           regexp.MustCompile(`\b(said|announced|reported|told|added|wrote|stated|confirmed|testified) (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b`),
	"so we can":          regexp.MustCompile(`(?i)\bso (i|we|you|he|she|they) (can|could|will|would|may|might|shall|should|must)\b`),
}

// styleSources widen a form where another family may show it from a
// source that writes it otherwise: "so I wouldn't" and "so you cannot"
// may be expanded or contracted.
var styleSources = map[string]*regexp.Regexp{
	"so we can": regexp.MustCompile(`(?i)\bso (i|we|you|he|she|they)('|’| (can|could|will|would|may|might|shall|should|must|wo))`),
}

// TestCopiesKeepTheDocumentsStyle is the style promise on real text:
// whatever variants a copy shows, it never shows a form of a style family
// that its source never writes.
func TestCopiesKeepTheDocumentsStyle(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var texts []string
	for _, name := range []string{"fomc", "sotu", "email"} {
		n := 15
		if name == "email" {
			n = 100
		}
		for _, path := range sample(t, name, n, rng) {
			texts = append(texts, excerpt(readText(t, path), 2500, rng))
		}
	}
	for _, path := range corpusFiles(t, "sotu") {
		if strings.HasPrefix(filepath.Base(path), "199") {
			texts = append(texts, readText(t, path))
		}
	}
	for _, text := range texts {
		// The forms the source never writes: a copy must not show them.
		var absent []string
		for name, re := range styleForms {
			if w, ok := styleSources[name]; ok {
				re = w
			}
			if !re.MatchString(text) {
				absent = append(absent, name)
			}
		}
		cs := lexicon.NewFinder([]string{text}, lexicon.Latest).Find(text)
		for n := 0; n < 2; n++ {
			choice := make([]int, len(cs))
			for i, c := range cs {
				choice[i] = rng.Intn(len(c.Variants))
			}
			cp := render(text, cs, choice)
			for _, name := range absent {
				if loc := styleForms[name].FindStringIndex(cp); loc != nil {
					t.Errorf("a copy shows %q, which its source never writes: %q", name, cp[max(0, loc[0]-60):min(len(cp), loc[1]+60)])
				}
			}
		}
	}
}
