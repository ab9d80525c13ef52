package marking

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The access matrix: every clearance level × every set of compartments
// over a small universe × citizenships, against every marking form built
// from levels × SCI subsets × dissemination controls, each written as a
// banner and parsed. Check must agree with reference, which is written
// from the rules in plain words and shares no code with the package.

var (
	matrixLevels = []struct {
		rank         int
		long, abbrev string
	}{{0, "UNCLASSIFIED", "U"}, {1, "CONFIDENTIAL", "C"}, {2, "SECRET", "S"}, {3, "TOP SECRET", "TS"}}
	// Every subset of {SI, TK, HCS}: {}, {SI}, {TK}, {SI,TK} and the
	// extra compartment alone and with each.
	matrixSets = [][]string{{}, {"SI"}, {"TK"}, {"SI", "TK"}, {"HCS"}, {"HCS", "SI"}, {"HCS", "TK"}, {"HCS", "SI", "TK"}}
	matrixCits = []string{"USA", "GBR", "AUS", "FRA", ""}
	// The dissemination forms: none, NOFORN, REL TO USA, GBR, REL TO USA.
	matrixDissem = []struct {
		banner  string
		noforn  bool
		relTo   bool
		release []string
	}{{"", false, false, nil}, {"NOFORN", true, false, nil}, {"REL TO USA, GBR", false, true, []string{"USA", "GBR"}}, {"REL TO USA", false, true, []string{"USA"}}}
)

// reference is the rule as the vault states it, first failure first: the
// reader's level at least the document's, every compartment of the
// document among the reader's, NOFORN only for citizens of USA, REL TO
// only for citizens of a listed country. It returns "" for access.
func reference(readerRank int, readerSet []string, cit string, docRank int, docSet []string, noforn, relTo bool, release []string) string {
	if readerRank < docRank {
		return "clearance"
	}
	for _, need := range docSet {
		found := false
		for _, have := range readerSet {
			if have == need {
				found = true
			}
		}
		if !found {
			return "compartments"
		}
	}
	if noforn && cit != "USA" {
		return "noforn"
	}
	if relTo {
		listed := false
		for _, c := range release {
			if cit != "" && c == cit {
				listed = true
			}
		}
		if !listed {
			return "rel-to"
		}
	}
	return ""
}

func TestAccessMatrix(t *testing.T) {
	type form struct {
		banner   string
		rank     int
		set      []string
		dissem   int
		unparsed bool
	}
	var forms []form
	for li, l := range matrixLevels {
		for si, set := range matrixSets {
			for di, d := range matrixDissem {
				// Write the level alternately in full and abbreviated,
				// so both spellings meet every rule.
				banner := l.long
				if (li+si+di)%2 == 1 {
					banner = l.abbrev
				}
				if len(set) > 0 {
					banner += "//" + strings.Join(set, "/")
				}
				if d.banner != "" {
					banner += "//" + d.banner
				}
				// CAPCO puts no SCI and no dissemination control on an
				// UNCLASSIFIED banner: Parse refuses those forms.
				forms = append(forms, form{banner, l.rank, set, di, l.rank == 0 && (len(set) > 0 || d.banner != "")})
			}
		}
	}
	var cases, allowed int
	byRule := map[string]int{}
	for _, f := range forms {
		m, err := Parse(f.banner)
		if f.unparsed {
			if !errors.Is(err, ErrMarking) {
				t.Errorf("Parse(%q) = %v, %v; want it refused", f.banner, m, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", f.banner, err)
			continue
		}
		d := matrixDissem[f.dissem]
		for _, l := range matrixLevels {
			for _, set := range matrixSets {
				for _, cit := range matrixCits {
					c := Clearance{Level: Level(l.rank), Compartments: sortedCopy(set), Citizenship: cit}
					want := reference(l.rank, set, cit, f.rank, f.set, d.noforn, d.relTo, d.release)
					got := ""
					if err := c.Check(m); err != nil {
						var den *Denial
						if !errors.As(err, &den) {
							t.Fatalf("Check: %v is not a *Denial", err)
						}
						got = den.Rule
						if den.Detail == "" {
							t.Errorf("%+v reading %q: denial %q without detail", c, f.banner, den.Rule)
						}
					}
					if got != want {
						t.Errorf("%+v reading %q: Check says %q, the rules say %q", c, f.banner, ruleOrAccess(got), ruleOrAccess(want))
					}
					cases++
					if want == "" {
						allowed++
					}
					byRule[want]++
				}
			}
		}
	}
	// 4 levels × 8 sets × 5 citizenships = 160 clearances, against
	// 1 + 3×8×4 = 97 forms that parse.
	if cases != 160*97 {
		t.Errorf("%d cases, want %d", cases, 160*97)
	}
	for _, rule := range []string{"", "clearance", "compartments", "noforn", "rel-to"} {
		if byRule[rule] == 0 {
			t.Errorf("no case of %s in the matrix", ruleOrAccess(rule))
		}
	}
	t.Logf("%d cases: %d allowed, denials %v", cases, allowed, byRule)
}

func ruleOrAccess(r string) string {
	if r == "" {
		return "access"
	}
	return r
}

func sortedCopy(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestCheckByHand: cases worked out by hand, with the detail an auditor
// reads.
func TestCheckByHand(t *testing.T) {
	for _, tc := range []struct {
		c      Clearance
		banner string
		rule   string
		detail string
	}{
		{Clearance{TopSecret, []string{"SI", "TK"}, "USA"}, "TOP SECRET//SI/TK//NOFORN", "", ""},
		{Clearance{TopSecret, []string{"SI"}, "USA"}, "TOP SECRET//SI/TK//NOFORN", "compartments", "lacks TK"},
		{Clearance{TopSecret, nil, "USA"}, "TS//SI/TK", "compartments", "lacks SI, TK"},
		{Clearance{Secret, []string{"SI", "TK"}, "USA"}, "TOP SECRET//SI//NOFORN", "clearance", "needs TOP SECRET, has SECRET"},
		{Clearance{TopSecret, []string{"SI"}, "GBR"}, "TOP SECRET//SI//NOFORN", "noforn", "NOFORN needs citizenship USA; the reader is a citizen of GBR"},
		{Clearance{TopSecret, []string{"SI"}, ""}, "TOP SECRET//SI//NOFORN", "noforn", "NOFORN needs citizenship USA; the reader has no citizenship on record"},
		{Clearance{Secret, nil, "GBR"}, "SECRET//REL TO USA, GBR", "", ""},
		{Clearance{TopSecret, nil, "AUS"}, "SECRET//REL TO USA, GBR", "rel-to", "REL TO USA, GBR does not include the reader, who is a citizen of AUS"},
		{Clearance{Secret, nil, "AUS"}, "S//REL TO USA,GBR,AUS", "", ""},
		{Clearance{Secret, nil, ""}, "SECRET//REL TO USA", "rel-to", "REL TO USA does not include the reader, who has no citizenship on record"},
		{Clearance{Confidential, nil, ""}, "CONFIDENTIAL", "", ""},
		{Clearance{Unclassified, nil, ""}, "CONFIDENTIAL", "clearance", "needs CONFIDENTIAL, has UNCLASSIFIED"},
		{Clearance{Unclassified, nil, ""}, "U", "", ""},
		{Clearance{TopSecret, []string{"SI"}, "USA"}, "TS//SI-G/TK//NOFORN", "compartments", "lacks SI-G, TK"},
		{Clearance{TopSecret, []string{"SI-G", "TK"}, "USA"}, "TS//SI-G/TK//NOFORN", "", ""},
		{Clearance{TopSecret, []string{"SI-G"}, "USA"}, "TS//SI", "compartments", "lacks SI"},
		// The first failed rule is the reason: level before compartments
		// before citizenship.
		{Clearance{Confidential, nil, "FRA"}, "TOP SECRET//SI//NOFORN", "clearance", "needs TOP SECRET, has CONFIDENTIAL"},
		{Clearance{TopSecret, nil, "FRA"}, "SECRET//TK//REL TO USA, GBR", "compartments", "lacks TK"},
	} {
		m, err := Parse(tc.banner)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.banner, err)
		}
		err = tc.c.Check(m)
		var rule, detail string
		if err != nil {
			var den *Denial
			if !errors.As(err, &den) {
				t.Fatalf("Check: %v is not a *Denial", err)
			}
			rule, detail = den.Rule, den.Detail
			if want := fmt.Sprintf("not cleared (%s): %s", rule, detail); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err, want)
			}
		}
		if rule != tc.rule || detail != tc.detail {
			t.Errorf("%+v reading %q: (%q, %q), want (%q, %q)", tc.c, tc.banner, rule, detail, tc.rule, tc.detail)
		}
	}
}
