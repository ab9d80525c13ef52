package main

import (
	"fmt"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
)

// registrationJSON is what --verbatim and --variants add to a document's
// JSON: the variants, and what the document would carry registered the
// ordinary way. "capacity" stays the document's own.
type registrationJSON struct {
	Variants        int                 `json:"variants,omitempty"`
	VariantsSHA256  string              `json:"variants_sha256,omitempty"`
	WithoutVerbatim *leaktrace.Baseline `json:"without_verbatim,omitempty"`
	WithoutVariants *leaktrace.Baseline `json:"without_variants,omitempty"`
}

func toRegistrationJSON(d *leaktrace.Document) registrationJSON {
	r := registrationJSON{Variants: len(d.Variants), VariantsSHA256: d.VariantsSHA256}
	if b := d.Baseline; b != nil {
		switch b.Without {
		case "verbatim":
			r.WithoutVerbatim = b
		case "variants":
			r.WithoutVariants = b
		}
	}
	return r
}

// registrationLines says, as "key: value" lines, what registering d
// verbatim cost or what its author variants gained.
func registrationLines(d *leaktrace.Document) []string {
	var out []string
	b := d.Baseline
	lexical := d.Marks.ByChannel[marks.Lexical.String()]
	if d.Verbatim {
		out = append(out, "verbatim: no lexical points, so a normalized or retyped leak cannot be traced")
		if b != nil && b.Without == "verbatim" {
			out = append(out, fmt.Sprintf("registered normally: %d lexical points; words a leak would need: %s",
				b.Marks.ByChannel[marks.Lexical.String()], baselineCapacity(b)))
		}
	}
	if len(d.Variants) > 0 {
		line := fmt.Sprintf("author variants: %d", len(d.Variants))
		if b != nil && b.Without == "variants" {
			line += fmt.Sprintf(", %d lexical points in all (%d without them)", lexical, b.Marks.ByChannel[marks.Lexical.String()])
		}
		out = append(out, line)
		if b != nil && b.Without == "variants" {
			out = append(out, "without the variants: words a leak would need: "+baselineCapacity(b))
		}
	}
	return out
}

func baselineCapacity(b *leaktrace.Baseline) string {
	if b.Capacity == nil {
		return "not estimated"
	}
	return capacityLine(b.Capacity)
}

// readVariants reads and parses a variants file.
func (a *app) readVariants(name string) ([]marks.AuthorVariant, error) {
	data, err := a.readInput(name)
	if err != nil {
		return nil, err
	}
	vs, err := service.ParseVariants(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return vs, nil
}
