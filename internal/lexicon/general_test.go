package lexicon_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/lexicon"
)

// generalCases show the general-prose families on real sentences (State
// of the Union addresses, FOMC minutes and the 2002 email corpus; the
// texts after the first are the rest of the document, for the census),
// with the contexts each must leave alone.
var generalCases = []styleCase{
	// help (to) V: both complements, same meaning, every register.
	{"help-to", []string{"Instant access to information will increase productivity, will help to educate our children."},
		[]string{"Instant access to information will increase productivity, will help educate our children."}},
	{"help-to", []string{"Open market operations conducted on the previous day had helped to ease strains in money markets."},
		[]string{"Open market operations conducted on the previous day had helped ease strains in money markets."}},
	{"help-to", []string{"something that will help keep this country clean from our forestland to the inner cities"},
		[]string{"something that will help to keep this country clean from our forestland to the inner cities"}},
	{"help-to", []string{"we had to continue to help create conditions of economic and social progress"}, nil}, // "to help to"
	{"help-to", []string{"The plan calls on Congress to give crucial help to people who own a home."}, nil},    // the noun
	{"help-to", []string{"There is no sporting chance, but we need your help to solve it."}, nil},              // the noun
	{"help-to", []string{"it will help to avoid the economic chaos which otherwise will be their heritage"}, nil},
	{"help-to", []string{"We should rely on Government as a partner to help us to do more for ourselves."}, nil}, // an object between
	{"help-to", []string{"to stop the ones that will hurt growth and speed up those that will help growth."}, nil},
	{"help-to", []string{"My America 2000 strategy will help us reach that goal."}, nil},

	// more than → over before a figure of amount, where the document
	// writes "over" with a figure itself (Bush, 1990 and 1991).
	{"more-than", []string{"My budget includes a list of programs for potential turnover totaling more than $20 billion.",
		"This year's budget provides over $2 billion in new spending to protect our environment."},
		[]string{"My budget includes a list of programs for potential turnover totaling over $20 billion."}},
	{"more-than", []string{"My budget includes a list of programs for potential turnover totaling more than $20 billion."}, nil},
	{"more-than", []string{"For more than 40 years, America and its allies held communism in check.",
		"over $2 billion"}, nil}, // a stretch of time
	{"more-than", []string{"my recommendation makes more than 150 difficult reductions", "over $2 billion"},
		[]string{"my recommendation makes over 150 difficult reductions"}},
	{"more-than", []string{"And we will do no more than 2 percent.", "over $2 billion"}, nil},
	{"more-than", []string{"It was worth more than one hundred dollars.", "over $2 billion"}, nil},

	// in (the) coming months: the FOMC minutes write both.
	{"coming", []string{"suggested further gains in industrial output in coming months.", "in the coming years"},
		[]string{"suggested further gains in industrial output in the coming months."}},
	{"coming", []string{"suggested further gains in industrial output in coming months."}, nil},
	{"coming", []string{"inflation was likely to remain elevated over the coming months", "in coming quarters"},
		[]string{"inflation was likely to remain elevated over coming months"}},
	{"coming", []string{"the coming year's budget", "in coming quarters"}, nil},                                              // no preposition
	{"coming", []string{"the housing sector was likely to weaken slightly over the coming year", "in coming quarters"}, nil}, // singular

	// each other ↔ one another, where the document writes both.
	{"each-other", []string{"Democracies don't attack each other.", "we need a new set of understandings with one another"},
		[]string{"Democracies don't attack one another."}},
	{"each-other", []string{"Democracies don't attack each other."}, nil},
	{"each-other", []string{"each other country must decide", "one another"}, nil}, // constructed: determiners

	// everyone ↔ everybody and the like, where the document writes both.
	{"everyone", []string{"This economic plan can't please everybody.", "everyone"},
		[]string{"This economic plan can't please everyone."}},
	{"everyone", []string{"This economic plan can't please everybody."}, nil},
	{"everyone", []string{"so that no one will be denied the coverage", "nobody"},
		[]string{"so that nobody will be denied the coverage"}},
	{"everyone", []string{"in my personal conversations with many people that no one, no one wants to change the welfare system", "nobody"}, nil},
	{"everyone", []string{"no one country can do it alone", "nobody"}, nil}, // constructed: a determiner

	// said (on) Tuesday: news style, where the document writes both.
	{"said-on", []string{"the United States, defense officials said Thursday.", "the Academy said on Tuesday."},
		[]string{"the United States, defense officials said on Thursday."}},
	{"said-on", []string{"the United States, defense officials said Thursday."}, nil},
	{"said-on", []string{"officials said Thursday's vote was close.", "said on Tuesday"}, nil}, // possessive

	// each ↔ every year (month, week, day) as a time adverbial.
	{"each-year", []string{"And they are weakening our economy every day."},
		[]string{"And they are weakening our economy each day."}},
	{"each-year", []string{"Every day the national peace is shattered by crime."},
		[]string{"Each day the national peace is shattered by crime."}},
	{"each-year", []string{"the tax cut each year in order to try to hold our budget deficit"},
		[]string{"the tax cut every year in order to try to hold our budget deficit"}},
	{"each-year", []string{"projections of output growth, the unemployment rate, and inflation for each year from 2017 through 2019"}, nil},
	{"each-year", []string{"I shall continue to inculcate peace and friendship in every quarter."}, nil},              // a place
	{"each-year", []string{"It is not every day that a President speaks here."}, nil},                                 // constructed: no "each"
	{"each-year", []string{"Every day the national peace is shattered by crime, and every day we lose ground."}, nil}, // rhetoric

	// so that → so before a subject and a modal, where the document
	// writes "so we can" itself (Clinton, 1994 and 1993).
	{"so-that", []string{"to sort out our technical differences so that we can avoid a return to unproductive partisan bickering.",
		"I'd like her to stand so we can thank her for her efforts."},
		[]string{"to sort out our technical differences so we can avoid a return to unproductive partisan bickering."}},
	{"so-that", []string{"to sort out our technical differences so that we can avoid a return to unproductive partisan bickering."}, nil},
	{"so-that", []string{"provide security to all of our families, so that no one will be denied the coverage they need but so that our economic future will not be compromised either.",
		"so we can"}, nil}, // a parallel pair
	{"so-that", []string{"So that peace can prevail, we will preserve our alliance.", "so we can"}, nil}, // sentence start
	{"so-that", []string{"so that continent -- for too long a continent divided -- can see a future", "so we can"}, nil},

	// The optional "that" after verbs of hoping, meaning, showing and
	// "make sure", in a verb's place only.
	{"that", []string{"The choice is an important one, and I sincerely hope that it may be wisely made."},
		[]string{"The choice is an important one, and I sincerely hope it may be wisely made."}},
	{"that", []string{"to restore the American dream for all our people and to make sure that we move into the 21st century"},
		[]string{"to restore the American dream for all our people and to make sure we move into the 21st century"}},
	{"that", []string{"with real attempts to make sure that no cost is imposed on families with incomes under $30,000 and that the costs are very modest"}, nil}, // a parallel "and that"
	{"that", []string{"to ensure that the supply of reserves remains ample"},
		[]string{"to ensure the supply of reserves remains ample"}},
	{"that", []string{"I have strong hopes that the remainder will soon be adjusted."}, nil}, // the noun
	{"that", []string{"It was our hope that they would agree."}, nil},                        // constructed: the noun
	{"that", []string{"it shows that a dollar will be much harder to pay"}, nil},             // "it" before: left out

	// The optional relative pronoun: an object relative before a subject
	// pronoun, after a noun phrase with a determiner (State of the Union
	// addresses; the email is from the 2002 corpus).
	{"relative", []string{"I know that we shall generate the resources that we need to meet these commitments."},
		[]string{"I know that we shall generate the resources we need to meet these commitments."}},
	{"relative", []string{"I urge you to support the strong defense budget which I have proposed to the Congress."},
		[]string{"I urge you to support the strong defense budget I have proposed to the Congress."}},
	{"relative", []string{"The genius of America is delivering all that we promise."},
		[]string{"The genius of America is delivering all we promise."}},
	{"relative", []string{"There's another issue that I've decided to mention here tonight."},
		[]string{"There's another issue I've decided to mention here tonight."}},
	{"relative", []string{"the budget, which I send you today, cuts spending"}, nil},                                             // constructed: non-restrictive
	{"relative", []string{"we must keep in mind the fact that we are a nation of immigrants"}, nil},                              // constructed: a content clause
	{"relative", []string{"Nor ought we to yield to the myth that we cannot afford it."}, nil},                                   // constructed: a content noun
	{"relative", []string{"Reason, justice, a regard for the Constitution, all require that we shall wait."}, nil},               // a verb, not a head
	{"relative", []string{"In the public interest we should strengthen the railways that they may meet our future needs."}, nil}, // purpose
	{"relative", []string{"the same courage and sense of common purpose to the economy that we brought to Desert Storm"}, nil},   // attaches further back
	{"relative", []string{"The Chairman informed the Committee that he had asked the members of the Board to convene."}, nil},    // the verb's clause
	{"relative", []string{"I would say to the Congress that we must be constantly prepared for the worst."}, nil},
	{"relative", []string{"Lately I just explain to \nthe phone jockeys that I know it's not their fault."}, nil},
	{"relative", []string{"It is a tribute to the American people that they have met every test."}, nil},                                               // constructed: extraposed subject
	{"relative", []string{"I know the questions that you face. I know the conflicts that you endure. I know the ideals that you seek to serve."}, nil}, // rhetoric
	{"relative", []string{"there is one pressing need which I have not previously covered, but which must be placed on the agenda"}, nil},              // a pair
	{"relative", []string{"The time has come to show the American people that we can limit them too; that we can not only start things"}, nil},         // a pair
	{"relative", []string{"we would face such a crisis that we could not recover"}, nil},                                                               // constructed: result
	{"relative", []string{"I said a year ago that we would balance the budget."}, nil},                                                                 // constructed: time

	// though → although where "though" opens a clause (FOMC minutes,
	// 1994 and 2022; Clinton, 1998).
	{"although", []string{"the need for further monetary restraint was highly likely, though it would remain contingent on the tenor of the new information"},
		[]string{"the need for further monetary restraint was highly likely, although it would remain contingent on the tenor of the new information"}},
	{"although", []string{"to remain well above potential over the projection period, though the gap was projected to narrow significantly this year"},
		[]string{"to remain well above potential over the projection period, although the gap was projected to narrow significantly this year"}},
	{"although", []string{"Though they sat on opposite sides of the aisle, Representatives Walter Capps and Sonny Bono shared a deep love for this place."},
		[]string{"Although they sat on opposite sides of the aisle, Representatives Walter Capps and Sonny Bono shared a deep love for this place."}},
	{"although", []string{"Though the need for dependable agreements to assure peace was never greater."}, nil},                                // the verb too far to be sure
	{"although", []string{"the economy was still growing at a moderate pace, though, and the unemployment rate remained relatively low"}, nil}, // the adverb
	{"although", []string{"Total domestic nonfinancial debt expanded at a somewhat faster, though still moderate, pace in the fourth quarter."}, nil},
	{"although", []string{"a revaluation of the particular currency by the System, even though the change in the System's net position was small"}, nil},
	{"although", []string{"consumer spending rose at a slower though still appreciable rate in the fourth quarter"}, nil},
	{"although", []string{"inflation was expected to pick up, though at a pace well below that of earlier in the year"}, nil}, // no clause
	{"although", []string{"It looks as though the sales had peaked."}, nil},                                                   // constructed

	// "also" before or after the modal (Clinton, 1996; Kennedy, 1961;
	// FOMC minutes, 1994).
	{"also", []string{"But I believe we must also provide child care so that mothers who are required to go to work can do so."},
		[]string{"But I believe we also must provide child care so that mothers who are required to go to work can do so."}},
	{"also", []string{"My remarks, therefore, will be limited. But they will also be candid."},
		[]string{"My remarks, therefore, will be limited. But they also will be candid."}},
	{"also", []string{"immediate action also would moderate inflationary expectations by reinforcing the credibility of the Committee"},
		[]string{"immediate action would also moderate inflationary expectations by reinforcing the credibility of the Committee"}},
	{"also", []string{"I should also like to give special thanks for the devoted service of the Cabinet."}, nil}, // a formula
	{"also", []string{"Will it also be candid?"}, nil},                                                           // constructed: a question
	{"also", []string{"Could we also not ask for more?"}, nil},                                                   // constructed
	{"also", []string{"the will also of the people"}, nil},                                                       // constructed: the noun

	// "that" after "propose"/"recommend" before a subject pronoun, and
	// after an adjective of certainty or feeling (Bush, 1989; Truman,
	// 1949; Eisenhower, 1955).
	{"that", []string{"I propose that we cut the maximum tax rate on capital gains to increase long-term investment."},
		[]string{"I propose we cut the maximum tax rate on capital gains to increase long-term investment."}},
	{"that", []string{"At this time, I recommend that we restore the Reciprocal Trade Agreements Act to full effectiveness."},
		[]string{"At this time, I recommend we restore the Reciprocal Trade Agreements Act to full effectiveness."}},
	{"that", []string{"I recommend that the Congress enact legislation to this end."}, nil}, // constructed: not a pronoun
	{"that", []string{"I am hopeful that such reductions can be made next year."},
		[]string{"I am hopeful such reductions can be made next year."}},
	{"that", []string{"Now, I am confident that the Divine Power which has guided us to this time of fateful responsibility will guide us"},
		[]string{"Now, I am confident the Divine Power which has guided us to this time of fateful responsibility will guide us"}},
	{"that", []string{"It is essential that we act now."}, nil},                                                       // constructed: no adjective of ours
	{"that", []string{"It is certain that we will act."}, nil},                                                        // constructed: an extraposed subject
	{"that", []string{"I'd be happy that you clarify a bit more and tell me where I might have misunderstood."}, nil}, // "happy" left out
	{"that", []string{"I am sure that they will, and that we will too."}, nil},                                        // constructed: a pair

	// considerably ↔ substantially after a verb of change or before a
	// comparative (FOMC minutes, 2009, 2002 and 2020).
	{"considerably", []string{"suggested that the pace of job loss slowed considerably in recent months"},
		[]string{"suggested that the pace of job loss slowed substantially in recent months"}},
	{"considerably", []string{"for the year ending in August was considerably smaller than that for the previous twelve-month period"},
		[]string{"for the year ending in August was substantially smaller than that for the previous twelve-month period"}},
	{"considerably", []string{"Construction of the facility is expected to be substantially completed by the end of the year."}, nil}, // "in substance"
	{"considerably", []string{"The Treasury has been substantially complied with."}, nil},
	{"considerably", []string{"substantially all of the assets"}, nil},
	{"considerably", []string{"they had been considerably reduced"}, nil}, // no frame

	// a little ↔ slightly before a comparative (FOMC minutes, 1994 and
	// 2001; Roosevelt, 1945).
	{"a-little", []string{"Growth of the broad monetary aggregates, though a little faster than in most of 1993, remained relatively slow"},
		[]string{"Growth of the broad monetary aggregates, though slightly faster than in most of 1993, remained relatively slow"}},
	{"a-little", []string{"imports for the first two months of the fourth quarter was slightly above the third-quarter average"},
		[]string{"imports for the first two months of the fourth quarter was a little above the third-quarter average"}},
	{"a-little", []string{"A year ago, our conquest of Tarawa was a little more than a month old."},
		[]string{"A year ago, our conquest of Tarawa was slightly more than a month old."}},
	{"a-little", []string{"slightly greater reserve restraint or slightly lesser reserve restraint would be acceptable"}, nil}, // a pair
	{"a-little", []string{"a somewhat higher federal funds rate would be acceptable or a slightly lower federal funds rate might be acceptable"}, nil},
	{"a-little", []string{"It was not a little larger than we feared."}, nil}, // constructed: litotes
	{"a-little", []string{"a little girl", "slightly positive"}, nil},
	// "a bit" goes to the others; it is shown only where the document
	// writes it before a comparative itself (FOMC minutes, 2010; the second
	// is constructed from "nominal exports fell a bit more than").
	{"a-little", []string{"The Federal Reserve's total assets remained a bit above $2.2 trillion."},
		[]string{"The Federal Reserve's total assets remained a little above $2.2 trillion.",
			"The Federal Reserve's total assets remained slightly above $2.2 trillion."}},
	{"a-little", []string{"as nominal exports fell slightly more than nominal imports", "spreads a bit lower"},
		[]string{"as nominal exports fell a little more than nominal imports",
			"as nominal exports fell a bit more than nominal imports"}},

	// whole ↔ entire before a noun of a body or a stretch (Carter, 1978;
	// Nixon, 1971; Roosevelt, 1941; Polk, 1846; Grant, 1870).
	{"whole", []string{"we can promote the economic health of the whole world, with fair and balanced agreements"},
		[]string{"we can promote the economic health of the entire world, with fair and balanced agreements"}},
	{"whole", []string{"to reform the entire structure of American government so we can make it again fully responsive"},
		[]string{"to reform the whole structure of American government so we can make it again fully responsive"}},
	{"whole", []string{"To change a whole nation from a basis of peacetime production of implements of peace"},
		[]string{"To change an entire nation from a basis of peacetime production of implements of peace"}},
	{"whole", []string{"He had openly professed an entire change of policy."}, nil},                       // "complete"
	{"whole", []string{"It has been performed to the entire satisfaction of this Government."}, nil},      // "complete"
	{"whole", []string{"The economy as a whole was expected to slow."}, nil},                              // the noun
	{"whole", []string{"It would be a whole new world."}, nil},                                            // constructed
	{"whole", []string{"appeal to the whole world, and prove to the whole world that we are right"}, nil}, // constructed: repeated

	// "that" after a verb of telling and a pronoun object (Ford, 1975;
	// Johnson, 1968; Jefferson, 1804).
	{"that", []string{"I can assure you that the burdens will not fall more harshly on those less able to bear them."},
		[]string{"I can assure you the burdens will not fall more harshly on those less able to bear them."}},
	{"that", []string{"I have today assured him that we and our allies will do our full part to bring this about."},
		[]string{"I have today assured him we and our allies will do our full part to bring this about."}},
	{"that", []string{"I have the satisfaction to inform you that the objections which had been urged by that Government were removed."}, nil}, // formal
	{"that", []string{"Indeed, they remind us that what is really best about America is its compassion."}, nil},                                // no clause of ours
	{"that", []string{"It reminds us that the road is long and that the work is hard."}, nil},                                                  // constructed: a pair

	// "now" and "still" before or after the modal (Eisenhower, 1955;
	// Reagan, 1982; FOMC minutes, 1994), never where the word before may
	// end a clause of its own (Ford, 1975).
	{"now-modal", []string{"and stocks are moving into use. We can now look forward to an easing of the influences depressing farm prices"},
		[]string{"and stocks are moving into use. We now can look forward to an easing of the influences depressing farm prices"}},
	{"now-modal", []string{"Already interest rates are down to 15 3/4 percent, but they must still go lower."},
		[]string{"Already interest rates are down to 15 3/4 percent, but they still must go lower."}},
	{"now-modal", []string{"but that the economy still would advance in 1994 at a rate somewhat in excess of the growth of potential"},
		[]string{"but that the economy would still advance in 1994 at a rate somewhat in excess of the growth of potential"}},
	{"now-modal", []string{"not only is it too high for this year but the decisions we make now will inevitably have a major and growing impact"}, nil},
	{"also", []string{"the programs we cut also will be missed"}, nil}, // constructed: "also" may end the clause before

	// Catalogue V4. "regarding" ↔ "concerning", and "about" after a noun
	// of thinking or telling, where the document writes "regarding" or
	// "concerning" itself (FOMC minutes, 1993–1999).
	{"regarding", []string{"owing to the considerable uncertainty about the evolving relationship of money to income",
		"information regarding the reasons for policy decisions"},
		[]string{"owing to the considerable uncertainty regarding the evolving relationship of money to income",
			"owing to the considerable uncertainty concerning the evolving relationship of money to income"}},
	{"regarding", []string{"owing to the considerable uncertainty about the evolving relationship of money to income"}, nil},
	{"regarding", []string{"conveying clearly to the public information regarding the reasons for policy decisions"},
		[]string{"conveying clearly to the public information concerning the reasons for policy decisions",
			"conveying clearly to the public information about the reasons for policy decisions"}},
	// After another noun, "about" does not fit.
	{"regarding", []string{"careful attention would need to be paid to developments regarding unit labor costs and profit margins"},
		[]string{"careful attention would need to be paid to developments concerning unit labor costs and profit margins"}},
	{"regarding", []string{"Such information could reduce uncertainty about the stance of policy and about the factors the Committee would take into account.",
		"information regarding the reasons"}, nil}, // a pair
	{"regarding", []string{"the rise in delinquencies remained concerning to several participants", "regarding the"}, nil}, // constructed: the adjective
	{"regarding", []string{"a concerning rise in delinquencies", "regarding the"}, nil},                                    // constructed: the adjective
	{"regarding", []string{"there was uncertainty about 10 percent of the loans", "regarding the"}, nil},                   // constructed: a figure

	// was seen as ↔ viewed as ↔ regarded as (FOMC minutes, 1993–1995).
	{"seen-as", []string{"Nonetheless, the relative weakness in money growth was seen as likely to persist to a marked extent."},
		[]string{"Nonetheless, the relative weakness in money growth was viewed as likely to persist to a marked extent.",
			"Nonetheless, the relative weakness in money growth was regarded as likely to persist to a marked extent."}},
	{"seen-as", []string{"the consumer sector was viewed as likely to play a key role in sustaining the expansion"},
		[]string{"the consumer sector was seen as likely to play a key role in sustaining the expansion",
			"the consumer sector was regarded as likely to play a key role in sustaining the expansion"}},
	{"seen-as", []string{"The market had seen as many as five new issues in a week."}, nil}, // constructed: not the passive
	{"seen-as", []string{"Participants saw the risks as balanced."}, nil},
	{"seen-as", []string{"The comet was seen as it passed over the city."}, nil}, // constructed: "as" of time                   // constructed: active
	{"seen-as", []string{"was seen as likely and was viewed as welcome"}, nil},   // constructed: a pair

	// was expected to ↔ was anticipated to (FOMC minutes, 1995).
	{"expected", []string{"optimistic attitudes on the part of businesses and households were expected to support further solid gains"},
		[]string{"optimistic attitudes on the part of businesses and households were anticipated to support further solid gains"}},
	{"expected", []string{"The contemplated reserve conditions are expected to be consistent with moderate growth in M2 and M3."}, nil}, // the directive
	{"regarding", []string{"keep the Secretary of the Treasury fully advised concerning System foreign currency operations"}, nil},      // the authorization
	{"expected", []string{"Growth was faster than expected to many observers."}, nil},
	{"expected", []string{"the rate to which each variable would be expected to converge, over time, under appropriate monetary policy"}, nil}, // a definition
	{"expected", []string{"Every American is expected to pay his fair share."}, nil},                                                           // constructed: a duty
	{"expected", []string{"Banks are expected to hold enough capital."}, nil},                                                                  // constructed: a duty
	{"expected", []string{"The Desk is expected to purchase securities at a pace of $80 billion."}, nil},                                       // constructed: an instruction                                                   // constructed
	{"expected", []string{"the expected path of policy"}, nil},                                                                                 // constructed
	{"expected", []string{"output was expected to rise and prices were anticipated to remain stable"}, nil},                                    // constructed: a pair

	// in the months ahead ↔ in the coming months ↔ in the months to
	// come, each where the document writes it (FOMC minutes, 1995;
	// Eisenhower, 1955).
	{"ahead", []string{"could reduce the chances that monetary policy might be tightened in the months ahead",
		"in the coming months", "in the years to come"},
		[]string{"could reduce the chances that monetary policy might be tightened in the coming months",
			"could reduce the chances that monetary policy might be tightened in the months to come"}},
	{"ahead", []string{"could reduce the chances that monetary policy might be tightened in the months ahead"}, nil},
	{"ahead", []string{"the needs of our fast-growing population in the years to come", "in the years ahead"},
		[]string{"the needs of our fast-growing population in the years ahead"}},
	{"ahead", []string{"the housing sector was likely to weaken slightly over the coming year", "in the year ahead"},
		[]string{"the housing sector was likely to weaken slightly over the year ahead"}},
	{"ahead", []string{"a tax cut in the year ahead of the election", "the coming year"}, nil}, // constructed: "ahead of"
	{"ahead", []string{"prices set two years ahead", "the coming years"}, nil},                 // constructed: no "the"

	// The comma after an opening "Today" or "Last year", where the
	// document writes one without it (Clinton, 1998 and 1999).
	{"time-comma", []string{"Last year, the Congress passed a law enabling workers to get a skills grant.",
		"Tonight I come before this House."},
		[]string{"Last year the Congress passed a law enabling workers to get a skills grant."}},
	{"time-comma", []string{"Last year, the Congress passed a law enabling workers to get a skills grant."}, nil},
	{"time-comma", []string{"Tonight, my fellow Americans, we are summoned to answer a question.", "Tonight I come"}, nil}, // a vocative
	{"time-comma", []string{"This year, we must begin the effort to reform our regulatory process. This year, we must extend major reorganization efforts.",
		"Tonight I come"}, nil}, // Carter, 1979: a repeated opening
	{"time-comma", []string{"Today, tomorrow and always we stand together.", "Tonight I come"}, nil}, // constructed: a list
}

func TestGeneralFamilies(t *testing.T) { checkStyleCases(t, generalCases) }

// v3Kinds are the families catalogue V3 adds; the "that" family gains
// the cases after propose/recommend, the adjectives and "tell you".
var v3Kinds = map[string]bool{"relative": true, "although": true, "also": true, "now-modal": true,
	"considerably": true, "a-little": true, "whole": true}

func v3Case(c styleCase) bool {
	if v3Kinds[c.kind] {
		return true
	}
	for _, w := range []string{"propose that", "recommend that", "hopeful that", "confident that", "assure you that", "assured him that"} {
		if c.kind == "that" && strings.Contains(c.texts[0], w) {
			return true
		}
	}
	return false
}

// v4Kinds are the families catalogue V4 adds.
var v4Kinds = map[string]bool{"regarding": true, "seen-as": true, "expected": true, "ahead": true, "time-comma": true}

// TestCatalogueV4Only: documents registered under catalogue 1, 2 or 3
// never see a rendering of the families catalogue V4 adds, so their
// copies stay what the releases of those catalogues issued.
func TestCatalogueV4Only(t *testing.T) {
	n := 0
	for _, c := range generalCases {
		if c.want == nil || !v4Kinds[c.kind] {
			continue
		}
		n++
		for v := lexicon.V1; v < lexicon.V4; v++ {
			// Any family of the earlier catalogue: "the coming year" →
			// "the year ahead" must not come from the "coming" family
			// either.
			for _, k := range []string{c.kind, "coming"} {
				got := renderings(c.texts[0], k, c.texts[1:], v)
				for _, w := range c.want {
					if slices.Contains(got, w) {
						t.Errorf("catalogue %d offers %q (family %s)", v, w, k)
					}
				}
			}
		}
		got := renderings(c.texts[0], c.kind, c.texts[1:], lexicon.V4)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("catalogue 4 does not offer %q (got %q)", w, got)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d cases of the V4 families", n)
	}
}

// TestCatalogueV3Only: documents registered under catalogue 1 or 2 never
// see a rendering of the families catalogue V3 adds, so their copies stay
// what the releases of those catalogues issued.
func TestCatalogueV3Only(t *testing.T) {
	n := 0
	for _, c := range generalCases {
		if c.want == nil || !v3Case(c) {
			continue
		}
		n++
		for v := lexicon.V1; v < lexicon.V3; v++ {
			got := renderings(c.texts[0], c.kind, c.texts[1:], v)
			for _, w := range c.want {
				if slices.Contains(got, w) {
					t.Errorf("catalogue %d offers %q", v, w)
				}
			}
		}
		got := renderings(c.texts[0], c.kind, c.texts[1:], lexicon.V3)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("catalogue 3 does not offer %q (got %q)", w, got)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d cases of the V3 families", n)
	}
}
