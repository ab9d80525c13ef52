// Package marking parses CAPCO-style classification banners
// ("TOP SECRET//SI/TK//NOFORN", "SECRET//REL TO USA, GBR",
// "CONFIDENTIAL", "U") into a [Marking], writes them in one canonical
// form, and decides whether a reader's [Clearance] meets one.
//
// The rules of [Clearance.Check] are those of the vault: a reader may read
// a document only if their clearance is at least its level, their
// compartments include all of its SCI compartments, NOFORN means
// citizenship USA, and REL TO lists their citizenship. Grants (need to
// know) and disabled readers are the service's rules, not this package's.
//
// # What a banner may say
//
// A banner is a level (U, C, S, TS, or written out), then optionally "//"
// and SCI compartments separated by '/', then optionally "//" and one
// dissemination control: NOFORN (or NF), or REL TO and ISO 3166-1 alpha-3
// codes separated by commas. Every other control of the CAPCO register
// (ORCON, FOUO, RELIDO, FVEY, ...) is refused by name rather than read as
// a compartment, because a control the vault does not enforce must not
// look enforced. Parse also refuses what CAPCO does not allow: SCI or
// dissemination controls on an UNCLASSIFIED banner, NOFORN together with
// REL TO, and a REL TO list without USA. It forgives case, spaces around
// separators and repeated compartments or countries; [Marking.String]
// writes the one canonical form.
//
// A compartment is compared as written: a reader read into SI is not
// thereby read into SI-G, nor the other way round.
package marking

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrMarking is wrapped by every error about a banner, a level, a
// compartment or a country code that can't be read.
var ErrMarking = errors.New("invalid classification marking")

// MaxBanner bounds the length of a banner Parse reads, in bytes. Real
// banners are a few dozen bytes; the bound keeps a hostile one from
// costing more than that.
const MaxBanner = 1000

// maxCompartment bounds one compartment's name.
const maxCompartment = 64

// Level is a classification level, ordered: a higher level needs a
// higher clearance.
type Level int

// Levels.
const (
	Unclassified Level = iota
	Confidential
	Secret
	TopSecret
)

var levelNames = [...]struct{ long, abbrev string }{
	Unclassified: {"UNCLASSIFIED", "U"},
	Confidential: {"CONFIDENTIAL", "C"},
	Secret:       {"SECRET", "S"},
	TopSecret:    {"TOP SECRET", "TS"},
}

// String returns the level written out: "UNCLASSIFIED", "CONFIDENTIAL",
// "SECRET", "TOP SECRET".
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l].long
}

// Abbrev returns the level's abbreviation: "U", "C", "S", "TS".
func (l Level) Abbrev() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l].abbrev
}

// ParseLevel reads a level written out or abbreviated, in any case
// ("secret", "S", "TS", "Top Secret").
func ParseLevel(s string) (Level, error) {
	u, err := upper(s)
	if err != nil {
		return 0, err
	}
	u = strings.Join(strings.Fields(u), " ")
	for l, n := range levelNames {
		if u == n.long || u == n.abbrev {
			return Level(l), nil
		}
	}
	if strings.Contains(u, "/") {
		return 0, fmt.Errorf("%w: %q is not a level; separate the level from what follows with \"//\" (\"TOP SECRET//SI\")", ErrMarking, strings.TrimSpace(s))
	}
	return 0, fmt.Errorf("%w: %q is not a level (UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET, or U, C, S, TS)", ErrMarking, strings.TrimSpace(s))
}

// Marking is a parsed classification banner.
type Marking struct {
	Level Level
	// SCI are the SCI compartments (control systems, with any
	// sub-compartments joined by '-' as written: "SI", "TK", "SI-G"),
	// upper case, sorted, without duplicates.
	SCI []string
	// NoForn: not releasable to foreign nationals (citizenship USA only).
	NoForn bool
	// RelTo lists the ISO 3166-1 alpha-3 codes it is releasable to,
	// USA first then sorted, without duplicates; nil if there is no
	// REL TO control.
	RelTo []string
}

// Parse reads a CAPCO-style banner: a level written out or abbreviated,
// then optionally "//" and SCI compartments separated by '/', then
// optionally "//" and dissemination controls (NOFORN, or REL TO followed
// by trigraphs separated by commas). Case and spaces around separators
// are forgiven; anything else unknown is an error wrapping [ErrMarking]
// that says what was not understood.
func Parse(banner string) (Marking, error) {
	if len(banner) > MaxBanner {
		return Marking{}, fmt.Errorf("%w: the banner is %d bytes long; a banner has at most %d", ErrMarking, len(banner), MaxBanner)
	}
	u, err := upper(banner)
	if err != nil {
		return Marking{}, err
	}
	if strings.TrimSpace(u) == "" {
		return Marking{}, fmt.Errorf("%w: the banner is empty; it needs at least a level (UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET)", ErrMarking)
	}
	parts := strings.Split(u, "//")
	var m Marking
	if m.Level, err = ParseLevel(parts[0]); err != nil {
		return Marking{}, err
	}
	const (
		afterLevel = iota
		afterSCI
		afterDissem
	)
	state := afterLevel
	relTo := false
	for _, part := range parts[1:] {
		part = strings.TrimSpace(part)
		if part == "" {
			return Marking{}, fmt.Errorf("%w: %q has an empty part between \"//\" separators", ErrMarking, strings.TrimSpace(banner))
		}
		toks := strings.Split(part, "/")
		dissem := false
		for i, tok := range toks {
			tok = strings.Join(strings.Fields(tok), " ")
			if tok == "" {
				return Marking{}, fmt.Errorf("%w: %q has an empty entry between '/' separators", ErrMarking, part)
			}
			if err := supported(tok); err != nil {
				return Marking{}, err
			}
			toks[i] = tok
			if isDissem(tok) {
				dissem = true
			}
		}
		if !dissem {
			switch state {
			case afterSCI:
				return Marking{}, fmt.Errorf("%w: %q: SCI compartments come in one part, separated by '/' (\"TOP SECRET//SI/TK\")", ErrMarking, part)
			case afterDissem:
				return Marking{}, fmt.Errorf("%w: %q comes after the dissemination controls; SCI compartments come right after the level", ErrMarking, part)
			}
			for _, tok := range toks {
				if err := checkCompartment(tok); err != nil {
					return Marking{}, err
				}
				m.SCI = append(m.SCI, tok)
			}
			state = afterSCI
			continue
		}
		if state == afterDissem {
			return Marking{}, fmt.Errorf("%w: %q: the dissemination controls come in one part, separated by '/'", ErrMarking, part)
		}
		for _, tok := range toks {
			switch {
			case tok == "NOFORN" || tok == "NF":
				m.NoForn = true
			case strings.HasPrefix(tok, "REL"):
				cs, err := parseRelTo(tok)
				if err != nil {
					return Marking{}, err
				}
				relTo = true
				m.RelTo = append(m.RelTo, cs...)
			default:
				return Marking{}, fmt.Errorf("%w: %q is not a dissemination control leaktrace reads (NOFORN, or REL TO and country codes)", ErrMarking, tok)
			}
		}
		state = afterDissem
	}
	if m.Level == Unclassified && (len(m.SCI) > 0 || m.NoForn || relTo) {
		return Marking{}, fmt.Errorf("%w: an UNCLASSIFIED banner carries no SCI compartments and no dissemination controls; mark the document at the level its compartments or controls need", ErrMarking)
	}
	if m.NoForn && relTo {
		return Marking{}, fmt.Errorf("%w: NOFORN and REL TO contradict each other; use one of them", ErrMarking)
	}
	m.SCI = sortUnique(m.SCI)
	if relTo {
		if !slices.Contains(m.RelTo, "USA") {
			return Marking{}, fmt.Errorf("%w: REL TO must list USA first (\"REL TO USA, %s\")", ErrMarking, m.RelTo[0])
		}
		m.RelTo = usaFirst(m.RelTo)
	}
	return m, nil
}

// String returns the canonical banner: the level written out, then
// "//"-separated SCI compartments joined by '/', then NOFORN or
// "REL TO USA, GBR". Parse(m.String()) == m.
func (m Marking) String() string {
	var b strings.Builder
	b.WriteString(m.Level.String())
	if len(m.SCI) > 0 {
		b.WriteString("//")
		b.WriteString(strings.Join(m.SCI, "/"))
	}
	switch {
	case m.NoForn:
		b.WriteString("//NOFORN")
	case m.RelTo != nil:
		b.WriteString("//REL TO ")
		b.WriteString(strings.Join(m.RelTo, ", "))
	}
	return b.String()
}

// Clearance is what a reader is cleared for.
type Clearance struct {
	Level Level
	// Compartments are the SCI compartments the reader is read into,
	// upper case, sorted.
	Compartments []string
	// Citizenship is an ISO 3166-1 alpha-3 code, "" when unknown (which
	// meets neither NOFORN nor any REL TO).
	Citizenship string
}

// Denial says which rule a clearance failed.
type Denial struct {
	// Rule is one of "clearance", "compartments", "noforn", "rel-to".
	Rule string
	// Detail says what was missing, for the auditor (never for the
	// reader): "needs SECRET, has CONFIDENTIAL", "lacks TK".
	Detail string
}

func (d *Denial) Error() string { return "not cleared (" + d.Rule + "): " + d.Detail }

// Check returns nil if c meets every rule of m, or the first [*Denial].
func (c Clearance) Check(m Marking) error {
	if c.Level < m.Level {
		return &Denial{Rule: "clearance", Detail: "needs " + m.Level.String() + ", has " + c.Level.String()}
	}
	var lacks []string
	for _, s := range m.SCI {
		if !slices.Contains(c.Compartments, s) {
			lacks = append(lacks, s)
		}
	}
	if len(lacks) > 0 {
		return &Denial{Rule: "compartments", Detail: "lacks " + strings.Join(lacks, ", ")}
	}
	who := "has no citizenship on record"
	if c.Citizenship != "" {
		who = "is a citizen of " + c.Citizenship
	}
	if m.NoForn && c.Citizenship != "USA" {
		return &Denial{Rule: "noforn", Detail: "NOFORN needs citizenship USA; the reader " + who}
	}
	if m.RelTo != nil && (c.Citizenship == "" || !slices.Contains(m.RelTo, c.Citizenship)) {
		return &Denial{Rule: "rel-to", Detail: "REL TO " + strings.Join(m.RelTo, ", ") + " does not include the reader, who " + who}
	}
	return nil
}

// ParseCompartments reads a comma-separated list of SCI compartments
// ("SI, TK"), upper-cased, sorted and without duplicates.
func ParseCompartments(s string) ([]string, error) {
	u, err := upper(s)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(u) == "" {
		return nil, nil
	}
	var out []string
	for _, c := range strings.Split(u, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			return nil, fmt.Errorf("%w: %q has an empty compartment between commas", ErrMarking, strings.TrimSpace(s))
		}
		if err := supported(c); err != nil {
			return nil, err
		}
		if isDissem(c) {
			return nil, fmt.Errorf("%w: %q is a dissemination control, not an SCI compartment", ErrMarking, c)
		}
		if err := checkCompartment(c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return sortUnique(out), nil
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-3 code
// (upper case).
func ValidCountry(code string) bool {
	_, ok := countries[code]
	return ok
}

// upper returns s in upper case, refusing anything but printable ASCII
// and tabs: a banner's words are ASCII, and Unicode case mapping would
// read look-alikes ("ſ", the long s, upper-cases to S) as letters of one.
func upper(s string) (string, error) {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			b[i] = ' '
		case c < 0x20 || c >= 0x7f:
			return "", fmt.Errorf("%w: byte %d of the banner is %q; a banner is written in ASCII letters, digits, spaces, '/', ',' and '-'", ErrMarking, i, c)
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b), nil
}

// unsupported are controls of the CAPCO register (and a few common
// agency markings) that leaktrace does not enforce. They are refused by
// name so that none of them is taken for an SCI compartment.
var unsupported = map[string]bool{
	"FOUO": true, "ORCON": true, "ORCON-USGOV": true, "OC": true, "OC-USGOV": true,
	"IMCON": true, "IMC": true, "NOCONTRACT": true, "NC": true, "PROPIN": true, "PR": true,
	"RELIDO": true, "RSEN": true, "DSEN": true, "FISA": true, "FGI": true,
	"DISPLAY ONLY": true, "EYES ONLY": true, "WAIVED": true, "LIMDIS": true,
	"EXDIS": true, "NODIS": true, "SBU": true, "SBU-NF": true, "LES": true,
	"LES-NF": true, "SSI": true, "CUI": true, "RD": true, "FRD": true,
	"CNWDI": true, "TFNI": true, "UCNI": true, "DOD UCNI": true, "DOE UCNI": true,
	"HVSACO": true, "FVEY": true, "NATO": true, "COSMIC": true, "ATOMAL": true,
	"SAR": true, "SPECIAL ACCESS REQUIRED": true, "ACCM": true, "NNPI": true,
	"DEA SENSITIVE": true, "RESTRICTED": true, "CONTROLLED": true,
}

// supported refuses a control leaktrace does not enforce, naming it.
func supported(tok string) error {
	// Special access programs are SAR-BP, SAR-XYZ and so on.
	if unsupported[tok] || strings.HasPrefix(tok, "SAR-") {
		return fmt.Errorf("%w: %q is a control leaktrace does not enforce; a banner may carry only SCI compartments, NOFORN and REL TO", ErrMarking, tok)
	}
	return nil
}

// isDissem reports whether tok is (or tries to be) a dissemination
// control rather than a compartment.
func isDissem(tok string) bool {
	return tok == "NOFORN" || tok == "NF" || tok == "REL" || strings.HasPrefix(tok, "REL ") || strings.HasPrefix(tok, "RELTO")
}

// checkCompartment refuses a compartment that is not a control system
// (a letter, then letters and digits) with optional sub-compartments
// joined by '-'.
func checkCompartment(c string) error {
	ok := len(c) <= maxCompartment && c != "" && 'A' <= c[0] && c[0] <= 'Z' && !strings.HasSuffix(c, "-")
	for i := 0; ok && i < len(c); i++ {
		ch := c[i]
		ok = 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-' && c[i-1] != '-'
	}
	if !ok {
		return fmt.Errorf("%w: %q is not an SCI compartment (a letter, then letters and digits, with sub-compartments joined by '-', as in SI-G; at most %d characters)", ErrMarking, c, maxCompartment)
	}
	if _, err := ParseLevel(c); err == nil {
		return fmt.Errorf("%w: %q is a level, not an SCI compartment; a banner has one level, first", ErrMarking, c)
	}
	return nil
}

// parseRelTo reads "REL TO USA, GBR" into its country codes.
func parseRelTo(tok string) ([]string, error) {
	rest, ok := strings.CutPrefix(tok, "REL TO")
	if !ok || rest != "" && rest[0] != ' ' {
		return nil, fmt.Errorf("%w: %q: write REL TO followed by country codes separated by commas (\"REL TO USA, GBR\")", ErrMarking, tok)
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return nil, fmt.Errorf("%w: REL TO lists no country (\"REL TO USA, GBR\")", ErrMarking)
	}
	var out []string
	for _, c := range strings.Split(rest, ",") {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
			return nil, fmt.Errorf("%w: %q has an empty country between commas", ErrMarking, tok)
		case strings.Contains(c, " "):
			return nil, fmt.Errorf("%w: %q: separate REL TO countries with commas (\"REL TO USA, GBR\")", ErrMarking, c)
		case !ValidCountry(c):
			return nil, fmt.Errorf("%w: %q in REL TO is not an ISO 3166-1 alpha-3 country code (such as USA, GBR, AUS)", ErrMarking, c)
		}
		out = append(out, c)
	}
	return out, nil
}

// sortUnique sorts s and drops repeats; nil stays nil.
func sortUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// usaFirst sorts countries with USA first, dropping repeats.
func usaFirst(cs []string) []string {
	cs = sortUnique(cs)
	i := slices.Index(cs, "USA")
	copy(cs[1:i+1], cs[:i])
	cs[0] = "USA"
	return cs
}
