package marking

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseAcceptedForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Marking
		str  string
	}{
		{"TOP SECRET//SI//NOFORN", Marking{Level: TopSecret, SCI: []string{"SI"}, NoForn: true}, "TOP SECRET//SI//NOFORN"},
		{"TOP SECRET//SI/TK//NOFORN", Marking{Level: TopSecret, SCI: []string{"SI", "TK"}, NoForn: true}, "TOP SECRET//SI/TK//NOFORN"},
		{"SECRET//REL TO USA, GBR", Marking{Level: Secret, RelTo: []string{"USA", "GBR"}}, "SECRET//REL TO USA, GBR"},
		{"S//REL TO USA,GBR,AUS", Marking{Level: Secret, RelTo: []string{"USA", "AUS", "GBR"}}, "SECRET//REL TO USA, AUS, GBR"},
		{"CONFIDENTIAL", Marking{Level: Confidential}, "CONFIDENTIAL"},
		{"UNCLASSIFIED", Marking{Level: Unclassified}, "UNCLASSIFIED"},
		{"U", Marking{Level: Unclassified}, "UNCLASSIFIED"},
		{"TS//SI-G/TK//NOFORN", Marking{Level: TopSecret, SCI: []string{"SI-G", "TK"}, NoForn: true}, "TOP SECRET//SI-G/TK//NOFORN"},
		{"Secret", Marking{Level: Secret}, "SECRET"},
		{"TS", Marking{Level: TopSecret}, "TOP SECRET"},
		{"c//noforn", Marking{Level: Confidential, NoForn: true}, "CONFIDENTIAL//NOFORN"},
		{"S//NF", Marking{Level: Secret, NoForn: true}, "SECRET//NOFORN"},
		{"  top   secret // tk / si / TK // rel to gbr , usa, GBR  ", Marking{Level: TopSecret, SCI: []string{"SI", "TK"}, RelTo: []string{"USA", "GBR"}}, "TOP SECRET//SI/TK//REL TO USA, GBR"},
		{"SECRET//REL TO USA", Marking{Level: Secret, RelTo: []string{"USA"}}, "SECRET//REL TO USA"},
		{"S//REL TO CAN, NZL, USA, AUS, GBR", Marking{Level: Secret, RelTo: []string{"USA", "AUS", "CAN", "GBR", "NZL"}}, "SECRET//REL TO USA, AUS, CAN, GBR, NZL"},
		{"TOP SECRET//HCS-P/SI", Marking{Level: TopSecret, SCI: []string{"HCS-P", "SI"}}, "TOP SECRET//HCS-P/SI"},
		{"S//NOFORN/NOFORN", Marking{Level: Secret, NoForn: true}, "SECRET//NOFORN"},
		{"S//REL TO USA/REL TO GBR", Marking{Level: Secret, RelTo: []string{"USA", "GBR"}}, "SECRET//REL TO USA, GBR"},
		{"SECRET\n", Marking{Level: Secret}, "SECRET"},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
		if s := got.String(); s != tc.str {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, s, tc.str)
		}
	}
}

// TestParseRefuses: every refusal wraps ErrMarking and names what it did
// not accept, so that the user can correct it.
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"", "empty"},
		{"   ", "empty"},
		{"SEKRET", `"SEKRET" is not a level`},
		{"TS/SI", `separate the level`},
		{"UNCLASSIFIED//FOUO", `"FOUO" is a control leaktrace does not enforce`},
		{"SECRET//ORCON", `"ORCON"`},
		{"SECRET//NOFORN/ORCON", `"ORCON"`},
		{"TOP SECRET//SI//ORCON/NOFORN", `"ORCON"`},
		{"SECRET//SAR-BP", `"SAR-BP"`},
		{"SECRET//RELIDO", `"RELIDO"`},
		{"SECRET//REL TO USA, FVEY", `"FVEY" in REL TO is not an ISO 3166-1 alpha-3`},
		{"SECRET//REL TO USA, XYZ", `"XYZ"`},
		{"SECRET//REL TO USA, UK", `"UK"`},
		{"SECRET//REL TO USA GBR", `separate REL TO countries with commas`},
		{"SECRET//REL TO", "lists no country"},
		{"SECRET//REL TO USA,,GBR", "empty country"},
		{"SECRET//REL USA", "write REL TO"},
		{"SECRET//RELTO USA", "write REL TO"},
		{"SECRET//REL TO GBR, AUS", "REL TO must list USA"},
		{"SECRET//NOFORN/REL TO USA, GBR", "NOFORN and REL TO contradict"},
		{"UNCLASSIFIED//SI", "UNCLASSIFIED banner carries no SCI"},
		{"U//NOFORN", "UNCLASSIFIED banner"},
		{"U//REL TO USA", "UNCLASSIFIED banner"},
		{"SECRET//", "empty part"},
		{"SECRET////NOFORN", "empty part"},
		{"SECRET//SI//TK", "SCI compartments come in one part"},
		{"SECRET//NOFORN//SI", "comes after the dissemination controls"},
		{"SECRET//NOFORN//NOFORN", "dissemination controls come in one part"},
		{"SECRET//SI//", "empty part"},
		{"SECRET//SI/", "empty entry"},
		{"SECRET//SI--G", `"SI--G" is not an SCI compartment`},
		{"SECRET//SI-", `"SI-" is not an SCI compartment`},
		{"SECRET//1SI", `"1SI" is not an SCI compartment`},
		{"SECRET//SI TK", `"SI TK" is not an SCI compartment`},
		{"SECRET//TS", `"TS" is a level, not an SCI compartment`},
		{"ſECRET", "ASCII"},
		{"SECRET\x00", "ASCII"},
		{"SECRET//" + strings.Repeat("A", 70), "at most 64"},
		{"SECRET//" + strings.Repeat("SI/", 400) + "TK", "at most 1000"},
	} {
		m, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error saying %q", tc.in, m, tc.says)
			continue
		}
		if !errors.Is(err, ErrMarking) {
			t.Errorf("Parse(%q): %v does not wrap ErrMarking", tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Parse(%q): %q does not say %q", tc.in, err, tc.says)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{
		"U": Unclassified, "unclassified": Unclassified, "C": Confidential, "Confidential": Confidential,
		"s": Secret, "SECRET": Secret, "ts": TopSecret, "Top Secret": TopSecret, " TOP  SECRET ": TopSecret,
	} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "T", "TOPSECRET", "SECRET//SI", "restricted", "0"} {
		if l, err := ParseLevel(in); !errors.Is(err, ErrMarking) {
			t.Errorf("ParseLevel(%q) = %v, %v; want ErrMarking", in, l, err)
		}
	}
	for l, want := range map[Level][2]string{
		Unclassified: {"UNCLASSIFIED", "U"}, Confidential: {"CONFIDENTIAL", "C"},
		Secret: {"SECRET", "S"}, TopSecret: {"TOP SECRET", "TS"},
	} {
		if l.String() != want[0] || l.Abbrev() != want[1] {
			t.Errorf("Level %d: %q %q, want %q", l, l.String(), l.Abbrev(), want)
		}
	}
	if s := Level(9).String(); s != "Level(9)" {
		t.Errorf("Level(9).String() = %q", s)
	}
}

func TestParseCompartments(t *testing.T) {
	for in, want := range map[string][]string{
		"":                nil,
		"  ":              nil,
		"SI, TK":          {"SI", "TK"},
		"tk,si,SI":        {"SI", "TK"},
		"HCS-P , si-g":    {"HCS-P", "SI-G"},
		"KDK":             {"KDK"},
		"RSV,SI,TK,HCS,G": {"G", "HCS", "RSV", "SI", "TK"},
	} {
		got, err := ParseCompartments(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseCompartments(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	for in, says := range map[string]string{
		"SI,,TK":    "empty compartment",
		"SI/TK":     `"SI/TK" is not an SCI compartment`,
		"SI,FOUO":   `"FOUO" is a control`,
		"NOFORN":    "dissemination control",
		"SI,S":      "is a level",
		"SI,TK\x7f": "ASCII",
	} {
		got, err := ParseCompartments(in)
		if !errors.Is(err, ErrMarking) || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseCompartments(%q) = %v, %v; want an error saying %q", in, got, err, says)
		}
	}
}

func TestCountries(t *testing.T) {
	if len(countries) != 249 {
		t.Errorf("%d country codes, want the 249 ISO 3166-1 assigns", len(countries))
	}
	for c := range countries {
		if len(c) != 3 || strings.ToUpper(c) != c {
			t.Errorf("country code %q is not three upper-case letters", c)
		}
	}
	for _, c := range []string{"USA", "GBR", "AUS", "CAN", "NZL", "FRA", "DEU", "ALA", "SSD", "ZWE", "TWN", "PSE"} {
		if !ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"usa", "US", "UK", "XKX", "EUR", "FVEY", "NATO", "ZZZ", "", "YUG", "ANT"} {
		if ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = true", c)
		}
	}
}

// genMarking returns a random valid Marking in canonical form.
func genMarking(r *rand.Rand) Marking {
	var m Marking
	m.Level = Level(r.IntN(4))
	if m.Level == Unclassified {
		return m
	}
	pool := []string{"SI", "TK", "HCS", "KDK", "RSV", "SI-G", "HCS-P", "SI-G-ABCD", "X1"}
	for _, c := range pool {
		if r.IntN(3) == 0 {
			m.SCI = append(m.SCI, c)
		}
	}
	slices.Sort(m.SCI)
	switch r.IntN(3) {
	case 1:
		m.NoForn = true
	case 2:
		codes := make([]string, 0, len(countries))
		for c := range countries {
			if c != "USA" {
				codes = append(codes, c)
			}
		}
		slices.Sort(codes)
		m.RelTo = []string{"USA"}
		var rest []string
		for range r.IntN(6) {
			rest = append(rest, codes[r.IntN(len(codes))])
		}
		slices.Sort(rest)
		m.RelTo = append(m.RelTo, slices.Compact(rest)...)
	}
	return m
}

// scramble writes m as a person might: abbreviated or not, any case,
// spaces around separators, compartments and countries in any order and
// repeated.
func scramble(r *rand.Rand, m Marking) string {
	sp := func() string { return strings.Repeat(" ", r.IntN(3)) }
	cs := func(s string) string {
		switch r.IntN(3) {
		case 0:
			return strings.ToLower(s)
		case 1:
			return s
		}
		b := []byte(s)
		for i := range b {
			if r.IntN(2) == 0 {
				b[i] = strings.ToLower(string(b[i]))[0]
			}
		}
		return string(b)
	}
	shuffleDup := func(s []string) []string {
		s = slices.Clone(s)
		if len(s) > 0 && r.IntN(2) == 0 {
			s = append(s, s[r.IntN(len(s))])
		}
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	var b strings.Builder
	b.WriteString(sp())
	if r.IntN(2) == 0 {
		b.WriteString(cs(m.Level.Abbrev()))
	} else {
		b.WriteString(cs(strings.ReplaceAll(m.Level.String(), " ", " "+sp())))
	}
	if len(m.SCI) > 0 {
		b.WriteString(sp() + "//" + sp())
		for i, c := range shuffleDup(m.SCI) {
			if i > 0 {
				b.WriteString(sp() + "/" + sp())
			}
			b.WriteString(cs(c))
		}
	}
	switch {
	case m.NoForn:
		b.WriteString(sp() + "//" + sp() + cs([]string{"NOFORN", "NF"}[r.IntN(2)]))
	case m.RelTo != nil:
		b.WriteString(sp() + "//" + sp() + cs("REL") + " " + sp() + cs("TO") + " " + sp())
		for i, c := range shuffleDup(m.RelTo) {
			if i > 0 {
				b.WriteString(sp() + "," + sp())
			}
			b.WriteString(cs(c))
		}
	}
	b.WriteString(sp())
	return b.String()
}

// TestRoundTrip is the property Parse(m.String()) == m over generated
// markings, and that any way of writing m parses to m.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	for range 20000 {
		m := genMarking(r)
		got, err := Parse(m.String())
		if err != nil {
			t.Fatalf("Parse(%q): %v", m.String(), err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("Parse(%q) = %#v, want %#v", m.String(), got, m)
		}
		s := scramble(r, m)
		got, err = Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) (written as %q): %v", s, m.String(), err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("Parse(%q) = %#v, want %#v", s, got, m)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"TOP SECRET//SI//NOFORN", "TOP SECRET//SI/TK//NOFORN", "SECRET//REL TO USA, GBR",
		"S//REL TO USA,GBR,AUS", "CONFIDENTIAL", "UNCLASSIFIED", "U", "TS//SI-G/TK//NOFORN",
		"UNCLASSIFIED//FOUO", "SECRET//NOFORN/REL TO USA", "s // hcs-p / si // nf", "SECRET//REL TO GBR",
		"TS/SI", "SECRET////", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrMarking) {
				t.Fatalf("Parse(%q): %v does not wrap ErrMarking", in, err)
			}
			return
		}
		if len(in) > MaxBanner {
			t.Fatalf("Parse accepted a banner of %d bytes", len(in))
		}
		s := m.String()
		m2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %#v, whose String %q does not parse: %v", in, m, s, err)
		}
		if !reflect.DeepEqual(m, m2) || m2.String() != s {
			t.Fatalf("Parse(%q) = %#v; Parse(%q) = %#v", in, m, s, m2)
		}
		if m.Level < Unclassified || m.Level > TopSecret {
			t.Fatalf("Parse(%q): level %d", in, m.Level)
		}
		if !slices.IsSorted(m.SCI) || len(slices.Compact(slices.Clone(m.SCI))) != len(m.SCI) {
			t.Fatalf("Parse(%q): SCI %q not sorted and unique", in, m.SCI)
		}
		if m.RelTo != nil {
			if m.NoForn || m.RelTo[0] != "USA" || !slices.IsSorted(m.RelTo[1:]) || len(slices.Compact(slices.Clone(m.RelTo))) != len(m.RelTo) {
				t.Fatalf("Parse(%q): REL TO %q (NOFORN %v)", in, m.RelTo, m.NoForn)
			}
			for _, c := range m.RelTo {
				if !ValidCountry(c) {
					t.Fatalf("Parse(%q): REL TO %q", in, c)
				}
			}
		}
		if m.Level == Unclassified && (m.SCI != nil || m.NoForn || m.RelTo != nil) {
			t.Fatalf("Parse(%q): UNCLASSIFIED with controls: %#v", in, m)
		}
	})
}
