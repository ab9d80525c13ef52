package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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

// registrationLines says, as "key: value" lines, whether d's email parts
// may be re-encoded, and what registering d verbatim cost or what its
// author variants gained.
func registrationLines(d *leaktrace.Document) []string {
	var out []string
	b := d.Baseline
	lexical := d.Marks.ByChannel[marks.Lexical.String()]
	if d.Reencode {
		out = append(out, "reencode: copies may write its 7-bit text parts as UTF-8 quoted-printable")
	}
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

func (a *app) docVariantsCommand() *cobra.Command {
	var asJSON bool
	var channel string
	cmd := &cobra.Command{
		Use:   "variants DOC [--channel lexical|typographic|all] [--json]",
		Short: "List the changes copies of a document can carry, for review",
		Long: `variants lists every change that copies of a document can carry on a
channel (lexical by default: the wording and punctuation), each in its
sentence: "-" the original, "+" each other rendering, with its kind. Read it
before sending a document: every copy carries one rendering of each.
Typographic changes show their invisible characters as ⟨ZWSP⟩, ⟨’⟩ and so on.`,
		Args: args(1, "one document ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			var ch marks.Channel
			switch channel {
			case "lexical":
				ch = marks.Lexical
			case "typographic":
				ch = marks.Typographic
			case "all":
			default:
				return usagef("--channel is lexical, typographic or all (got %q)", channel)
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			d, changes, err := s.Changes(cmd.Context(), argv[0], ch)
			if err != nil {
				return err
			}
			if asJSON {
				if changes == nil {
					changes = []service.Change{}
				}
				return writeJSON(a.stdout, struct {
					Document string           `json:"document"`
					Channel  string           `json:"channel"`
					Changes  []service.Change `json:"changes"`
				}{d.ID, channel, changes})
			}
			what := channel + " "
			if channel == "all" {
				what = ""
			}
			fmt.Fprintf(a.stdout, "%s: %d %schanges a copy can carry; each copy carries one rendering of every one\n", d.ID, len(changes), what)
			show := func(s string) string { return s }
			if ch != marks.Lexical {
				show = marks.Reveal
			}
			for _, c := range changes {
				where := fmt.Sprintf("line %d", c.Line)
				if c.Region > 0 {
					where = fmt.Sprintf("part %d, line %d", c.Region+1, c.Line)
				}
				fmt.Fprintf(a.stdout, "\n%s, %s (%s):\n", where, c.Kind, c.Channel)
				fmt.Fprintf(a.stdout, "  - %s\n", show(c.Renderings[c.Orig]))
				for i, r := range c.Renderings {
					if i != c.Orig {
						fmt.Fprintf(a.stdout, "  + %s\n", show(r))
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&channel, "channel", "lexical", "lexical, typographic or all")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) docSuggestCommand() *cobra.Command {
	var asJSON bool
	var n int
	cmd := &cobra.Command{
		Use:   "suggest DOC [-n N] [--json]",
		Short: "Propose sentences where an author variant would add the most",
		Long: `suggest proposes the sentences of a document where a variant of your own
(doc add --variants) would add the most: the middle of the longest
stretches without a lexical point, which set how long a normalized or
retyped leak must be to name its reader. Each proposal splits its stretch;
the next goes to the longest one left. Quotations, protected text and
sentences that already carry a lexical point are never proposed.`,
		Args: args(1, "one document ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			if n < 1 {
				return usagef("-n must be at least 1 (got %d)", n)
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rep, err := s.Suggest(cmd.Context(), argv[0], n)
			if err != nil {
				return err
			}
			if asJSON {
				if rep.Suggestions == nil {
					rep.Suggestions = []service.Suggestion{}
				}
				return writeJSON(a.stdout, rep)
			}
			fmt.Fprintf(a.stdout, "%s: %d words, %d lexical points; the longest stretch without one is %d words\n",
				rep.Document, rep.Words, rep.Lexical, rep.LongestGap)
			if len(rep.Suggestions) == 0 {
				fmt.Fprintln(a.stdout, "no sentence to propose: every sentence long enough already carries a lexical point, or is quoted or protected")
				return nil
			}
			fmt.Fprintf(a.stdout, "a variant in each of these %d sentences would bring it down to %d words:\n", len(rep.Suggestions), rep.LongestGapAfter)
			for i, sg := range rep.Suggestions {
				where := fmt.Sprintf("line %d", sg.Line)
				if sg.Region > 0 {
					where = fmt.Sprintf("part %d, line %d", sg.Region+1, sg.Line)
				}
				fmt.Fprintf(a.stdout, "\n%d. %s, word %d: in a stretch of %d words without a lexical point (a variant splits it %d + %d)\n",
					i+1, where, sg.Word, sg.Gap, sg.Split[0], sg.Split[1])
				fmt.Fprintf(a.stdout, "   %s\n", strings.TrimSpace(sg.Sentence))
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "n", "n", 10, "how many sentences to propose")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
