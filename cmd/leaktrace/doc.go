package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func (a *app) docCommand() *cobra.Command {
	doc := group(&cobra.Command{
		Use:   "doc",
		Short: "Register and inspect documents",
	})
	doc.AddCommand(a.docAddCommand(), a.docListCommand(), a.docShowCommand(), a.docVariantsCommand(), a.docSuggestCommand(),
		a.docMarkCommand(), a.docGrantCommand(true), a.docGrantCommand(false))
	return doc
}

// docJSON is the --json form of a document.
type docJSON struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Filename string          `json:"filename"`
	Format   string          `json:"format"`
	SHA256   string          `json:"sha256"`
	Words    int             `json:"words"`
	Marks    leaktrace.Marks `json:"marks"`
	Scheme   int             `json:"scheme"`
	// Catalogue is the point catalogue version the document keeps.
	Catalogue int       `json:"catalogue"`
	Verbatim  bool      `json:"verbatim"`
	Reencode  bool      `json:"reencode,omitempty"`
	AddedAt   time.Time `json:"added_at"`
	// Marking is the classification banner, "" when unmarked; Grants
	// the readers granted the document (doc show only).
	Marking  string              `json:"marking"`
	Grants   *[]string           `json:"grants,omitempty"`
	Copies   *int                `json:"copies,omitempty"`
	Capacity *leaktrace.Capacity `json:"capacity,omitempty"`
	registrationJSON
	Warnings []string `json:"warnings,omitempty"`
}

func toDocJSON(d *leaktrace.Document) docJSON {
	return docJSON{ID: d.ID, Title: d.Title, Filename: d.Filename, Format: d.Format, SHA256: d.SHA256,
		Words: d.Words, Marks: d.Marks, Scheme: d.Scheme, Catalogue: d.CatalogueVersion(), Verbatim: d.Verbatim, Reencode: d.Reencode, AddedAt: d.AddedAt.UTC(), Capacity: d.Capacity, Marking: d.Marking,
		registrationJSON: toRegistrationJSON(d), Warnings: service.CapacityWarnings(d)}
}

// capacityLine describes a capacity estimate in one line.
func capacityLine(c *leaktrace.Capacity) string {
	var parts []string
	for _, a := range service.CapacityAttacks {
		if w, ok := c.Words(a); ok {
			parts = append(parts, fmt.Sprintf("%s %d", a, w))
		} else {
			parts = append(parts, a+" —")
		}
	}
	return strings.Join(parts, ", ")
}

// layoutLines describes the layout channel of a document's PDF copies
// and the share of a page a picture must show, as labelled lines; none
// when its capacity holds no layout estimate.
func layoutLines(c *leaktrace.Capacity) [][2]string {
	if c == nil || c.Layout == nil {
		return nil
	}
	l := c.Layout
	if l.Error != "" {
		return [][2]string{{"PDF copies", "cannot be typeset: " + l.Error}}
	}
	if l.NotEstimated != "" {
		return [][2]string{{"PDF copies", "layout channel not estimated: " + l.NotEstimated}}
	}
	if l.Native {
		return nativeLayoutLines(l)
	}
	desc := count(l.Pages, "page") + ", " + count(l.Points, "layout point")
	if l.PerPage != nil {
		desc += fmt.Sprintf(" (per page: min %d, median %d, max %d; a full page %d)", l.PerPage.Min, l.PerPage.Median, l.PerPage.Max, l.FullPage)
	}
	var parts []string
	for _, a := range service.LayoutAttacks {
		if p, ok := c.Pages(a); ok {
			parts = append(parts, fmt.Sprintf("%s %.2f", a, p))
		} else {
			parts = append(parts, a+" —")
		}
	}
	need := strings.Join(parts, ", ") + " (share of a full page, from the layout marks alone)"
	if l.ComputedNow {
		need += "; estimated now, not stored when the document was registered"
	}
	return [][2]string{{"PDF copies", desc}, {"page a picture needs", need}}
}

// nativeLayoutLines describes layout points the document's own format
// carries (a registered PDF's word shifts).
func nativeLayoutLines(l *leaktrace.LayoutCapacity) [][2]string {
	desc := count(l.Points, "layout point") + " in the document's own format"
	if l.Pages > 0 {
		desc += ", on " + count(l.Pages, "page")
	}
	if l.PerPage != nil {
		desc += fmt.Sprintf(" (per page: min %d, median %d, max %d; a full page %d)", l.PerPage.Min, l.PerPage.Median, l.PerPage.Max, l.FullPage)
	}
	need := "— (too few layout points to name a reader)"
	if l.ExactPointsNeeded > 0 {
		need = count(l.ExactPointsNeeded, "layout point") + ", read exactly"
	}
	return [][2]string{{"layout", desc}, {"a copy file needs", need}}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readInput reads a document file, or standard input for "-", refusing
// anything larger than the format limit before reading it all.
func (a *app) readInput(name string) ([]byte, error) {
	if name != "-" {
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			return nil, withHint(fmt.Errorf("%s is a directory", name), "pass a document file: "+format.SupportedNames())
		}
	}
	return a.readLimited(name, format.MaxSize, format.ErrTooLarge)
}

func (a *app) docAddCommand() *cobra.Command {
	var id, title, variantsFile, banner string
	var asJSON, verbatim, reencode bool
	cmd := &cobra.Command{
		Use:   "add FILE",
		Short: "Register a document (" + strings.Join(format.Supported(), ", ") + ")",
		Long: `add registers a document and reports its variation points: the spots
where readers' copies will differ, by channel. The id defaults to the file
name without its extension.

The format follows the extension: ` + extensionsHelp() + `.
Other formats are refused until they are supported, and so is a file without
one of these extensions, or whose content is in another format than its
extension says: leaktrace does not guess.

--verbatim registers a document whose wording must never move (transcripts,
legal text): no lexical points, so only the typographic channel marks it and
a normalized or retyped leak cannot be traced; the report says what that
costs. --variants FILE adds the author's own variants (see 'doc suggest' and
the README for the file's format); the report shows what they gain.

--reencode (email only) lets copies write the message's 7-bit US-ASCII text
parts as UTF-8 quoted-printable, so that they carry every channel rather than
only spaces at line ends: an edited part gets Content-Type charset=utf-8 and
Content-Transfer-Encoding: quoted-printable, and the message MIME-Version: 1.0
if it has none. Without it, copies keep every part's encoding byte for byte.
The choice is part of the registration.

--marking sets the classification banner the vault checks readers against
("TOP SECRET//SI//NOFORN", "SECRET//REL TO USA, GBR"; see 'doc mark').`,
		Args: args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			if verbatim && variantsFile != "" {
				return usagef("--verbatim and --variants contradict each other: a verbatim document's wording never moves")
			}
			data, err := a.readInput(argv[0])
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			opts := service.AddOptions{ID: id, Title: title, Verbatim: verbatim, Reencode: reencode, Marking: banner}
			if variantsFile != "" {
				if opts.Variants, err = a.readVariants(variantsFile); err != nil {
					return err
				}
			}
			// A large document takes a while: show its steps on a
			// terminal.
			var bar *progressbar.ProgressBar
			ctx := service.WithProgress(cmd.Context(), func(stage string, done, total int) {
				if bar == nil {
					bar = a.progress(total, "")
				}
				if stage != "" {
					bar.Describe(stage)
				}
				bar.Set(done)
			})
			d, err := s.AddDocumentWith(ctx, argv[0], data, opts)
			if bar != nil {
				bar.Finish()
			}
			if err != nil {
				return err
			}
			same := sameTextWarnings(cmd.Context(), s, d)
			if w := service.ReencodeWarning(d); w != "" {
				same = append(same, w)
			}
			if asJSON {
				j := toDocJSON(d)
				j.Warnings = append(j.Warnings, same...)
				return writeJSON(a.stdout, j)
			}
			for _, w := range same {
				fmt.Fprintf(a.stderr, "leaktrace: warning: %s\n", w)
			}
			fmt.Fprintf(a.stdout, "added %s: %d words, %d variation points (%s)\n", termSafe(d.ID), d.Words, d.Marks.Total, channelSummary(d.Marks))
			if d.Capacity != nil {
				fmt.Fprintf(a.stdout, "words a leak needs to name its reader among %d (ε = %g): %s\n", d.Capacity.Recipients, d.Capacity.Epsilon, capacityLine(d.Capacity))
			}
			for _, l := range layoutLines(d.Capacity) {
				fmt.Fprintf(a.stdout, "%s: %s\n", l[0], termSafe(l[1]))
			}
			for _, l := range registrationLines(d) {
				fmt.Fprintln(a.stdout, l)
			}
			if d.Marks.Total == 0 && !service.NativeLayout(d.Capacity) {
				fmt.Fprintf(a.stdout, "warning: %s has no variation points; its copies will all be identical\n", termSafe(d.ID))
			}
			for _, w := range service.CapacityWarnings(d) {
				fmt.Fprintf(a.stdout, "warning: %s\n", termSafe(w))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "document id (default: the file name without extension)")
	cmd.Flags().StringVar(&title, "title", "", "title (default: the file name)")
	cmd.Flags().BoolVar(&verbatim, "verbatim", false, "never change the wording: no lexical points")
	cmd.Flags().StringVar(&variantsFile, "variants", "", "the author's own variants, from `FILE`")
	cmd.Flags().BoolVar(&reencode, "reencode", false, "email: let copies re-encode 7-bit text parts as UTF-8 quoted-printable")
	cmd.Flags().StringVar(&banner, "marking", "", "the classification `MARKING` the vault checks readers against")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// sameTextWarnings says which registered documents have the same text as
// d, just registered: a leak cannot tell them apart by its words.
func sameTextWarnings(ctx context.Context, s *service.Service, d *leaktrace.Document) []string {
	twins, err := s.SameText(ctx, d)
	if err != nil {
		return []string{fmt.Sprintf("%s is registered, but checking for documents with the same text failed: %v", d.ID, err)}
	}
	var same, alike []string
	for _, t := range twins {
		if t.Identical {
			same = append(same, t.ID)
		} else {
			alike = append(alike, t.ID)
		}
	}
	var out []string
	if len(same) > 0 {
		out = append(out, fmt.Sprintf("%s has the same content as %s, already registered: a leak cannot tell them apart by its words, only by its marks", d.ID, andList(same)))
	}
	if len(alike) > 0 {
		out = append(out, fmt.Sprintf("%s has the same text as %s, already registered, apart from case, punctuation or spacing: a leak cannot tell them apart by its words, only by its marks", d.ID, andList(alike)))
	}
	return out
}

func channelSummary(m leaktrace.Marks) string {
	keys := sortedKeys(m.ByChannel)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m.ByChannel[k])
	}
	return strings.Join(parts, ", ")
}

func (a *app) docListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List registered documents",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			docs, err := s.Store.Documents(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				copies, err := s.Store.Copies(cmd.Context(), "")
				if err != nil {
					return err
				}
				issued := map[string]int{}
				for _, c := range copies {
					issued[c.Document]++
				}
				out := make([]docJSON, len(docs))
				for i, d := range docs {
					out[i] = toDocJSON(d)
					n := issued[d.ID]
					out[i].Copies = &n
				}
				return writeJSON(a.stdout, out)
			}
			if len(docs) == 0 {
				fmt.Fprintln(a.stdout, "no documents; add one with 'leaktrace doc add FILE'")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tFORMAT\tWORDS\tMARKS\tTITLE")
			for _, d := range docs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", termSafe(d.ID), termSafe(d.Format), d.Words, d.Marks.Total, termSafe(d.Title))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) docShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a document's details and variation points",
		Args:  args(1, "one document ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			d, err := s.Store.Document(cmd.Context(), argv[0])
			if err != nil {
				return err
			}
			copies, err := s.Store.Copies(cmd.Context(), d.ID)
			if err != nil {
				return err
			}
			n := len(copies)
			grants, err := s.Store.Grants(cmd.Context(), d.ID)
			if err != nil {
				return err
			}
			if grants == nil {
				grants = []string{}
			}
			// A document registered before the layout channel's capacity
			// was stored gets it estimated now, when the key allows.
			var notes []string
			if cp, err := s.WithLayoutCapacity(cmd.Context(), d); err != nil {
				notes = append(notes, fmt.Sprintf("the capacity of %s's PDF copies was not stored when it was registered, and can't be estimated now: %v", d.ID, err))
			} else {
				shown := *d
				shown.Capacity = cp
				d = &shown
			}
			if asJSON {
				j := toDocJSON(d)
				j.Copies = &n
				j.Grants = &grants
				j.Warnings = append(j.Warnings, notes...)
				return writeJSON(a.stdout, j)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "id:\t%s\n", termSafe(d.ID))
			fmt.Fprintf(tw, "title:\t%s\n", termSafe(d.Title))
			fmt.Fprintf(tw, "file:\t%s (%s, %d bytes)\n", termSafe(d.Filename), termSafe(d.Format), len(d.Content))
			fmt.Fprintf(tw, "sha256:\t%s\n", d.SHA256)
			fmt.Fprintf(tw, "added:\t%s\n", d.AddedAt.UTC().Format(time.RFC3339))
			fmt.Fprintf(tw, "words:\t%d\n", d.Words)
			fmt.Fprintf(tw, "marks:\t%d (%s)\n", d.Marks.Total, channelSummary(d.Marks))
			for _, ch := range sortedKeys(d.Marks.ByChannel) {
				if d.Words > 0 && d.Marks.ByChannel[ch] > 0 {
					fmt.Fprintf(tw, "  %s:\tone per %.1f words\n", ch, float64(d.Words)/float64(d.Marks.ByChannel[ch]))
				}
			}
			if d.Capacity != nil {
				fmt.Fprintf(tw, "words a leak needs:\t%s (to name 9 readers in 10 among %d, ε = %g)\n", capacityLine(d.Capacity), d.Capacity.Recipients, d.Capacity.Epsilon)
			}
			for _, l := range layoutLines(d.Capacity) {
				fmt.Fprintf(tw, "%s:\t%s\n", l[0], termSafe(l[1]))
			}
			for _, l := range registrationLines(d) {
				k, v, _ := strings.Cut(l, ": ")
				fmt.Fprintf(tw, "%s:\t%s\n", k, v)
			}
			fmt.Fprintf(tw, "copies issued:\t%d\n", n)
			marking := "none: the vault serves it to nobody; set one with 'leaktrace doc mark " + termSafe(d.ID) + " MARKING'"
			if d.Marking != "" {
				marking = termSafe(d.Marking)
			}
			fmt.Fprintf(tw, "marking:\t%s\n", marking)
			granted := "nobody"
			if len(grants) > 0 {
				granted = termSafe(strings.Join(grants, ", "))
			}
			fmt.Fprintf(tw, "granted to:\t%s\n", granted)
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, w := range append(service.CapacityWarnings(d), notes...) {
				fmt.Fprintf(a.stdout, "warning: %s\n", termSafe(w))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// extensionsHelp lists the extensions of each marked format for help
// texts: ".txt or .text (plain text), .md or .markdown (Markdown)…".
func extensionsHelp() string {
	var out []string
	for _, f := range format.Formats() {
		if f.Marked() {
			out = append(out, strings.Join(f.Exts, " or ")+" ("+f.Name+")")
		}
	}
	return strings.Join(out, ", ")
}
