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
package marking

import (
	"errors"
	"fmt"
)

// ErrMarking is wrapped by every error about a banner, a level, a
// compartment or a country code that can't be read.
var ErrMarking = errors.New("invalid classification marking")

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

// String returns the level written out: "UNCLASSIFIED", "CONFIDENTIAL",
// "SECRET", "TOP SECRET".
func (l Level) String() string { panic("unimplemented") }

// Abbrev returns the level's abbreviation: "U", "C", "S", "TS".
func (l Level) Abbrev() string { panic("unimplemented") }

// ParseLevel reads a level written out or abbreviated, in any case
// ("secret", "S", "TS", "Top Secret").
func ParseLevel(s string) (Level, error) {
	return 0, fmt.Errorf("%w: unimplemented", ErrMarking)
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
	return Marking{}, fmt.Errorf("%w: unimplemented", ErrMarking)
}

// String returns the canonical banner: the level written out, then
// "//"-separated SCI compartments joined by '/', then NOFORN or
// "REL TO USA, GBR". Parse(m.String()) == m.
func (m Marking) String() string { panic("unimplemented") }

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
func (c Clearance) Check(m Marking) error { panic("unimplemented") }

// ParseCompartments reads a comma-separated list of SCI compartments
// ("SI, TK"), upper-cased, sorted and without duplicates.
func ParseCompartments(s string) ([]string, error) {
	return nil, fmt.Errorf("%w: unimplemented", ErrMarking)
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-3 code
// (upper case).
func ValidCountry(code string) bool { panic("unimplemented") }
