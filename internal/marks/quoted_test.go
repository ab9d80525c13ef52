package marks_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// visibleInside lists the points of set that would change a visible
// character inside quoted, the last occurrence of that text in the first
// region.
func visibleInside(set *marks.Set, quoted string) []marks.Point {
	text := set.Doc.Regions()[0].Text
	start := strings.LastIndex(text, quoted)
	if start < 0 {
		panic("quoted text not found: " + quoted)
	}
	end := start + len(quoted)
	var out []marks.Point
	for _, p := range set.Points {
		if p.Region != 0 || p.Kind == "space" {
			continue
		}
		if p.Start < end && start < p.End || p.Start == p.End && start < p.Start && p.Start < end {
			out = append(out, p)
		}
	}
	return out
}

// quoteCase is a document and the part of it that copies must leave
// visibly alone. Texts come from the corpus unless marked as constructed.
type quoteCase struct {
	name, text, quoted string
}

var quoteCases = []quoteCase{
	// A State of the Union address quoting a treaty, and one quoting the
	// oath of office (serial comma, "in order to", "all the").
	{"polk.txt", `In the month of May, 1836, Santa Anna acknowledged by a treaty with the Texan authorities in the most solemn form "the full, entire, and perfect independence of the Republic of Texas." It is true he was then a prisoner.`,
		`"the full, entire, and perfect independence of the Republic of Texas."`},
	{"jackson.txt", `by which it was stipulated that "the French Government, in order to liberate itself from all the reclamations preferred against it by citizens of the United States for unlawful seizures, captures, sequestrations, confiscations, or destruction of their vessels, cargoes, or other property, engages to pay a sum of 25,000,000 francs to the United States." The installments were paid.`,
		`"the French Government, in order to liberate itself from all the reclamations preferred against it by citizens of the United States for unlawful seizures, captures, sequestrations, confiscations, or destruction of their vessels, cargoes, or other property, engages to pay a sum of 25,000,000 francs to the United States."`},
	// An email quoting another: the quoted lines keep their
	// contractions, and no trailing space is added to them.
	{"reply.txt", "On Thu, Aug 22, 2002 at 05:13:01PM +0100, Fergal Moran mentioned:\n> solaris. It is based on the SysV unix family, so it's quite similar to\n> other unixen like HPUX and SCO. They can't fob you off with a software\n> problem, and you are getting your hardware from one company.\n\nI don't think that's true any more, and it isn't cheap.\n",
		"> solaris. It is based on the SysV unix family, so it's quite similar to\n> other unixen like HPUX and SCO. They can't fob you off with a software\n> problem, and you are getting your hardware from one company.\n"},
	// FOMC minutes quoting the directive and the statement.
	{"fomc.txt", `The Committee voted to authorize and direct the Federal Reserve Bank of New York, until it was instructed otherwise, to execute transactions in the SOMA in accordance with the following domestic policy directive: "Consistent with its statutory mandate, the Federal Open Market Committee seeks monetary and financial conditions that will foster maximum employment and price stability. In particular, the Committee seeks conditions in reserve markets consistent with federal funds trading in a range from 0 to 1/4 percent. The Committee directs the Desk to maintain its policy of rolling over maturing Treasury securities at auction." The vote encompassed approval of the statement below to be released at 2:00 p.m.: "Information received since the Federal Open Market Committee met in January suggests that economic growth has moderated somewhat. Labor market conditions have improved further, with strong job gains and a lower unemployment rate. The Committee continues to see the risks to the outlook for economic activity and the labor market as nearly balanced." Voting for this action: Janet L. Yellen, William C. Dudley.`,
		`"Consistent with its statutory mandate, the Federal Open Market Committee seeks monetary and financial conditions that will foster maximum employment and price stability. In particular, the Committee seeks conditions in reserve markets consistent with federal funds trading in a range from 0 to 1/4 percent. The Committee directs the Desk to maintain its policy of rolling over maturing Treasury securities at auction." The vote encompassed approval of the statement below to be released at 2:00 p.m.: "Information received since the Federal Open Market Committee met in January suggests that economic growth has moderated somewhat. Labor market conditions have improved further, with strong job gains and a lower unemployment rate. The Committee continues to see the risks to the outlook for economic activity and the labor market as nearly balanced."`},
	// Older minutes give the directive without quotation marks, up to
	// the vote.
	{"fomc1999.txt", `the System Account in accordance with the following domestic policy directive: The information reviewed at this meeting suggests continued vigorous expansion in economic activity. Total retail sales edged up in April after recording large gains earlier in the year. The Federal Open Market Committee seeks monetary and financial conditions that will foster price stability and promote sustainable growth in output. The behavior of the monetary aggregates will continue to be evaluated in the light of progress toward price level stability, movements in their velocities, and developments in the economy and financial markets. Votes for this action: Messrs. Greenspan, McDonough.`,
		`The information reviewed at this meeting suggests continued vigorous expansion in economic activity. Total retail sales edged up in April after recording large gains earlier in the year. The Federal Open Market Committee seeks monetary and financial conditions that will foster price stability and promote sustainable growth in output. The behavior of the monetary aggregates will continue to be evaluated in the light of progress toward price level stability, movements in their velocities, and developments in the economy and financial markets. `},
	// Curly quotes, and single quotes nested inside double ones
	// (constructed from a 2002 email).
	{"curly.txt", "President Bush proclaimed, \u201CThe problem with the French is that they don\u2019t have a word for \u2018entrepreneur\u2019 and it\u2019s sad.\u201D That is the story we don't believe.",
		"\u201CThe problem with the French is that they don\u2019t have a word for \u2018entrepreneur\u2019 and it\u2019s sad.\u201D"},
	// Single quotes, with apostrophes inside (2002 email).
	{"single.txt", "They can't fob you off with 'that's a software\nproblem, talk to the software vendor.' etc. And that's not all.",
		"'that's a software\nproblem, talk to the software vendor.'"},
	// A straight quote straight after a colon (constructed).
	{"colon.txt", "He said:\"It is true that we don't know what it is, and it isn't clear.\" It is late, and we don't know.",
		"\"It is true that we don't know what it is, and it isn't clear.\""},
	// Guillemets (constructed).
	{"guillemets.txt", "He wrote \u00ABit is true that we don't know what it is, and it isn't clear\u00BB and left. It is late, and we don't know.",
		"\u00ABit is true that we don't know what it is, and it isn't clear\u00BB"},
	// A quotation across paragraphs, the classic convention: an opening
	// quote at each paragraph start, a closing one only at the end
	// (constructed from FOMC minutes).
	{"paragraphs.txt", "The vote encompassed approval of the statement below:\n\n\"Information received since the Committee met in January suggests that it is likely that growth has moderated.\n\n\"The Committee judges that it is appropriate to keep rates unchanged, and it doesn't expect to change them.\"\n\nIt is clear that we don't know, and it isn't obvious.\n",
		"\"Information received since the Committee met in January suggests that it is likely that growth has moderated.\n\n\"The Committee judges that it is appropriate to keep rates unchanged, and it doesn't expect to change them.\""},
	// A directive quoted as a list, one paragraph an item, closing only
	// at the end (FOMC minutes, June 2023, with the paragraph breaks of
	// the published minutes).
	{"directive.txt", "At the conclusion of the discussion, the Committee voted to direct the Federal Reserve Bank of New York, until instructed otherwise, to execute transactions in the System Open Market Account in accordance with the following domestic policy directive, for release at 2:00 p.m.: \"Effective June 15, 2023, the Federal Open Market Committee directs the Desk to:\n\n- Undertake open market operations as necessary to maintain the federal funds rate in a target range of 5 to 5-1/4 percent.\n\n- Conduct standing overnight repurchase agreement operations with a minimum bid rate of 5.25 percent and with an aggregate operation limit of $500 billion.\n\n- Conduct standing overnight reverse repurchase agreement operations at an offering rate of 5.05 percent and with a per-counterparty limit of $160 billion per day.\n\n- Roll over at auction the amount of principal payments from the Federal Reserve's holdings of Treasury securities maturing in each calendar month that exceeds a cap of $60 billion per month.\n\n- Redeem Treasury coupon securities up to this monthly cap and Treasury bills to the extent that coupon principal payments are less than the monthly cap.\n\n- Reinvest into agency mortgage-backed securities (MBS) the amount of principal payments from the Federal Reserve's holdings of agency debt and agency MBS received in each calendar month that exceeds a cap of $35 billion per month.\n\n- Allow modest deviations from stated amounts for reinvestments, if needed for operational reasons.\n\n- Engage in dollar roll and coupon swap transactions as necessary to facilitate settlement of the Federal Reserve's agency MBS transactions.\"\n\nThe vote was unanimous, and it is clear that the staff did not expect it.\n",
		"\"Effective June 15, 2023, the Federal Open Market Committee directs the Desk to:\n\n- Undertake open market operations as necessary to maintain the federal funds rate in a target range of 5 to 5-1/4 percent.\n\n- Conduct standing overnight repurchase agreement operations with a minimum bid rate of 5.25 percent and with an aggregate operation limit of $500 billion.\n\n- Conduct standing overnight reverse repurchase agreement operations at an offering rate of 5.05 percent and with a per-counterparty limit of $160 billion per day.\n\n- Roll over at auction the amount of principal payments from the Federal Reserve's holdings of Treasury securities maturing in each calendar month that exceeds a cap of $60 billion per month.\n\n- Redeem Treasury coupon securities up to this monthly cap and Treasury bills to the extent that coupon principal payments are less than the monthly cap.\n\n- Reinvest into agency mortgage-backed securities (MBS) the amount of principal payments from the Federal Reserve's holdings of agency debt and agency MBS received in each calendar month that exceeds a cap of $35 billion per month.\n\n- Allow modest deviations from stated amounts for reinvestments, if needed for operational reasons.\n\n- Engage in dollar roll and coupon swap transactions as necessary to facilitate settlement of the Federal Reserve's agency MBS transactions.\""},
	// A Markdown block quote, lazy continuation line included
	// (constructed).
	{"quote.md", "Intro line that is fine.\n\n> It is true that we don't know\nwhat it is, and it isn't clear.\n\nIt is true that we don't know what it is, and it isn't clear.\n",
		"> It is true that we don't know\nwhat it is, and it isn't clear.\n"},
	// The author's verbatim markers in Markdown (constructed).
	{"verbatim.md", "It is true that we don't know.\n\n<!-- verbatim -->\nThe Committee judges that it is appropriate, and it isn't clear that we don't know.\n<!-- /verbatim -->\n\nIt is true that we don't know what it is, and it isn't clear.\n",
		"The Committee judges that it is appropriate, and it isn't clear that we don't know.\n"},
}

// TestQuotationsAreNeverChanged: under catalogue 2 no point that changes
// a visible character falls inside a quotation, a quoted line or a
// directive; catalogue 1, frozen, still marks them (which shows each case
// would fail without the protection).
func TestQuotationsAreNeverChanged(t *testing.T) {
	for _, c := range quoteCases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := format.Parse(c.name, []byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			v2 := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
			for _, p := range visibleInside(v2, c.quoted) {
				t.Errorf("catalogue 2 marks quoted text: %s %q at %d", p.Kind, p.Variants, p.Start)
			}
			if len(visibleInside(marks.FindWith(doc, marks.Options{Catalogue: lexicon.V1}), c.quoted)) == 0 {
				t.Errorf("catalogue 1 finds no point inside the quotation: the case proves nothing")
			}
		})
	}
}

// TestStrayQuoteIsBounded: an opening quote that never closes protects
// its paragraph, and at most 250 words of it; the next paragraphs are
// marked as before (constructed text).
func TestStrayQuoteIsBounded(t *testing.T) {
	// Sentences that differ in every run of six words: a run repeated
	// three times is a formula of the document, which catalogue 2 leaves
	// alone, and would make the test prove nothing.
	sentences := func(from, n int) string {
		var b strings.Builder
		for i := from; i < from+n; i++ {
			fmt.Fprintf(&b, "We don't know what plan %d is, and plan %d isn't obvious. ", i, i+1000)
		}
		return b.String()
	}
	para, long := sentences(0, 10), sentences(100, 60)
	for _, c := range []struct {
		name, text string
		free       string // text after the stray quote that must still be marked
	}{
		{"next paragraph", "He said \"it is late. " + para + "\n\nAfter that: " + para, "\n\nAfter that: " + para},
		{"long paragraph", "He said \"it is late. " + long, sentences(150, 10)},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := format.Parse("stray.txt", []byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			set := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
			if n := len(visibleInside(set, c.free)); n == 0 {
				t.Errorf("a stray quote protects the text after its bound")
			}
			if n := len(visibleInside(set, c.text[:len("He said \"it is late. ")+100])); n != 0 {
				t.Errorf("an unclosed quotation's own words are marked (%d points)", n)
			}
		})
	}
}

// TestApostrophesAreNotQuotes: apostrophes in words, elisions and plural
// possessives open no quotation (constructed).
func TestApostrophesAreNotQuotes(t *testing.T) {
	text := "The workers' union says it's fine. 'Tis the season, and we don't know what it is, and it isn't clear.\n"
	doc, err := format.Parse("a.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
	if len(visibleInside(set, "we don't know what it is, and it isn't clear.")) == 0 {
		t.Errorf("apostrophes protected the text after them")
	}
}

// reQuotedRef finds, independently of the package's rules, the plain
// cases every reader agrees are quotations: a straight or curly double
// quote after a space or the start and before a word, up to the next
// double quote that follows a word, within a paragraph; and lines quoted
// with ">" (with their line break).
var reQuotedRef = regexp.MustCompile(`(?:^|[\s(])("[^"\s][^"]*[^"\s]"|\x{201C}[^\x{201C}\x{201D}]+\x{201D})|(?m)^[ \t]*>.*\n`)

// TestCopiesKeepQuotedTextOnCorpus: in catalogue-2 copies of real
// documents, once zero-width characters are removed, every quotation and
// quoted line of the source is found unchanged.
func TestCopiesKeepQuotedTextOnCorpus(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	dropZW := strings.NewReplacer("\u200B", "", "\u200C", "", "\u200D", "", "\u2060", "")
	checked := 0
	for _, d := range quoteSample(t) {
		doc := d.doc
		set := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
		var spans []string
		for _, r := range doc.Regions() {
			for _, paragraph := range strings.Split(r.Text, "\n\n") {
				for _, m := range reQuotedRef.FindAllStringSubmatchIndex(paragraph+"\n", -1) {
					s, e := m[0], m[1]
					if m[2] >= 0 {
						s, e = m[2], m[3]
					}
					if q := (paragraph + "\n")[s:e]; strings.TrimSpace(strings.Trim(q, "> \n")) != "" {
						spans = append(spans, q)
					}
				}
			}
		}
		for k := 0; k < 2; k++ {
			c, _ := randomCopy(t, set, rng)
			cd, err := format.Parse(d.name, c)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for _, r := range cd.Regions() {
				text.WriteString(dropZW.Replace(r.Text))
				text.WriteString("\n")
			}
			for _, q := range spans {
				checked++
				if !strings.Contains(text.String(), q) {
					t.Errorf("%s: a copy changed the quoted text %s", d.name, trim(q))
				}
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d quotations checked", checked)
	}
}

// sampleDoc is a parsed corpus document.
type sampleDoc struct {
	name string
	doc  format.Document
}

// quoteSample is the corpus sample the quotation tests run on: every 7th
// address, every 9th set of minutes and every 40th email that parse.
func quoteSample(t *testing.T) []sampleDoc {
	t.Helper()
	corpus.Require(t)
	var out []sampleDoc
	for _, c := range []struct {
		sub, ext string
		every    int
	}{{"sotu", ".txt", 7}, {"fomc", ".txt", 9}, {"email", ".eml", 40}} {
		for i, f := range corpus.Files(c.sub) {
			if i%c.every != 0 {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f) + c.ext
			if doc, err := format.Parse(name, b); err == nil {
				out = append(out, sampleDoc{name, doc})
			}
		}
	}
	return out
}

func trim(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%q … %q", s[:100], s[len(s)-100:])
	}
	return fmt.Sprintf("%q", s)
}

// quoteKinds reports which styles of apostrophes and double quotes text
// uses.
func quoteKinds(text string) (straight, curly bool) {
	return strings.ContainsAny(text, `'"`), strings.ContainsAny(text, "\u2018\u2019\u201C\u201D")
}

// TestCopiesKeepOneQuoteStyle: a document that uses only straight (or
// only curly) apostrophes and double quotes gets copies that do the same,
// on real text; under catalogue 1 the same documents got mixed copies.
func TestCopiesKeepOneQuoteStyle(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	single, mixedV1 := 0, 0
	for _, d := range quoteSample(t) {
		doc, name := d.doc, d.name
		var src strings.Builder
		for _, r := range doc.Regions() {
			src.WriteString(r.Text)
		}
		s, k := quoteKinds(src.String())
		if s == k {
			continue // mixed, or no quotes at all
		}
		single++
		for v := lexicon.V1; v <= lexicon.V2; v++ {
			set := marks.FindWith(doc, marks.Options{Catalogue: v})
			for n := 0; n < 2; n++ {
				cp, _ := randomCopy(t, set, rng)
				cd, err := format.Parse(name, cp)
				if err != nil {
					t.Fatal(err)
				}
				var text strings.Builder
				for _, r := range cd.Regions() {
					text.WriteString(r.Text)
				}
				cs, ck := quoteKinds(text.String())
				if cs && ck {
					if v == lexicon.V1 {
						mixedV1++
					} else {
						t.Errorf("%s: a catalogue-2 copy mixes straight and curly quotes", name)
					}
				}
			}
		}
	}
	if single < 50 || mixedV1 == 0 {
		t.Errorf("%d single-style documents, %d mixed catalogue-1 copies: the test proves nothing", single, mixedV1)
	}
}

// TestQuotePairsStayMatched: a straight-quoted sentence from FOMC minutes
// never gets a curly quote or apostrophe under catalogue 2.
func TestQuotePairsStayMatched(t *testing.T) {
	src := `In addition, survey respondents widely expected the "patient" language to be removed from the FOMC statement following the March meeting. The Committee's judgment was that it's uncertain.` + "\n"
	doc, err := format.Parse("a.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2}).Points {
		if p.Kind == "quote" || p.Kind == "apostrophe" {
			t.Errorf("catalogue 2 varies a %s at %d", p.Kind, p.Start)
		}
	}
	n := 0
	for _, p := range marks.FindWith(doc, marks.Options{Catalogue: lexicon.V1}).Points {
		if p.Kind == "quote" || p.Kind == "apostrophe" {
			n++
		}
	}
	if n == 0 {
		t.Errorf("catalogue 1 varies no quote: the case proves nothing")
	}
}

// TestQuotationAcrossLostParagraphs: a State of the Union address (1946)
// quoting another paragraph by paragraph, in the classic convention,
// with the paragraph breaks lost: the quotation is protected whole and
// ends at its closing quote, so the speaker's own words after it are
// marked.
func TestQuotationAcrossLostParagraphs(t *testing.T) {
	src := "President Roosevelt said: \"This new year of 1945 can be the greatest year of achievement in human history. \"1945 can see the final ending of the Nazi-Fascist reign of terror in Europe. \"1945 can see the closing in of the forces of retribution about the center of the malignant power of imperialistic Japan. \"Most important of all-1945 can and must see the substantial beginning of the organization of world peace.\" All those hopes, and more, were fulfilled in the year 1945. It was the greatest year of achievement in human history. It saw the end of the Nazi-Fascist terror in Europe, and also the end of the malignant power of Japan. And it saw the substantial beginning of world organization for peace. These momentous events became realities because of the steadfast purpose of the United Nations and of the forces that fought for freedom under their flags. The plain fact is that civilization was saved in 1945 by the United Nations. Our own part in this accomplishment was not the product of any single service."
	quoted := "\"This new year of 1945 can be the greatest year of achievement in human history. \"1945 can see the final ending of the Nazi-Fascist reign of terror in Europe. \"1945 can see the closing in of the forces of retribution about the center of the malignant power of imperialistic Japan. \"Most important of all-1945 can and must see the substantial beginning of the organization of world peace.\""
	doc, err := format.Parse("truman.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
	if ps := visibleInside(set, quoted); len(ps) != 0 {
		t.Errorf("the quotation is marked: %v", ps)
	}
	after := src[strings.Index(src, quoted)+len(quoted):]
	if len(visibleInside(set, after)) == 0 {
		t.Errorf("the words after the quotation are not marked")
	}
}

// TestEllipsisKeepsTheDocumentStyle: a 2002 email that writes "..." never
// gets a "…" under catalogue 2 (catalogue 1 varied it).
func TestEllipsisKeepsTheDocumentStyle(t *testing.T) {
	src := "Yeah, I figured that, but it doesn't seem to ... well, if that's the case\nI'll give it another go tonight, maybe come back with some error messages.\n"
	doc, err := format.Parse("a.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	count := func(v int) int {
		n := 0
		for _, p := range marks.FindWith(doc, marks.Options{Catalogue: v}).Points {
			if p.Kind == "ellipsis" {
				n++
			}
		}
		return n
	}
	if count(lexicon.V2) != 0 || count(lexicon.V1) == 0 {
		t.Errorf("ellipsis points: catalogue 1 %d, catalogue 2 %d; want some, then none", count(lexicon.V1), count(lexicon.V2))
	}
}
