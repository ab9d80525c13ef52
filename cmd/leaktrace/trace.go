package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/trace"
	"github.com/spf13/cobra"
)

func (a *app) traceCommand() *cobra.Command {
	var asJSON bool
	var epsilon float64
	var keep int
	cmd := &cobra.Command{
		Use:   "trace [FILE|DIR|-]...",
		Short: "Find the source document and the reader of a leak: text, PDF or picture",
		Long: `trace reads a leak (standard input by default), finds the registered
documents it comes from, reads the marks that survive in it, and ranks the
readers of each document by how well their copy matches.

A leak is told apart by its content: a PDF (its text and the positions of
its glyphs), a PNG, JPEG or TIFF picture (a photo, scan or screenshot of a
page, read with tesseract), or text (.txt, .md or .eml). Several FILEs, or
a DIR (its files, in name order), are one leak: their evidence is pooled
into one report, as for pages of one document.

A reader is accused only when the probability that any innocent reader
would match as well — the p-value, already multiplied by the number of
readers of the documents the leak matches — is at most --epsilon. Attacks on the leak can stop
leaktrace from naming anyone; they cannot make an innocent reader likelier
to be named.`,
		RunE: func(cmd *cobra.Command, argv []string) error {
			if err := service.CheckEpsilon(epsilon); err != nil {
				return usageError{fmt.Errorf("--%w", err)}
			}
			if keep < 1 {
				return usagef("--suspects must be at least 1 (got %d)", keep)
			}
			inputs, skipped, err := a.traceInputs(argv)
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rep, out, err := s.TraceAndLog(cmd.Context(), inputs, service.TraceOptions{Epsilon: epsilon, Suspects: keep, Warnings: skipped})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, out)
			}
			writeReport(a.stdout, rep)
			writeCitations(a.stdout, out)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().Float64Var(&epsilon, "epsilon", service.DefaultEpsilon, "accuse only at p-values at or below this")
	cmd.Flags().IntVar(&keep, "suspects", service.DefaultSuspects, "list at least this many suspects per document")
	return cmd
}

// traceInputs reads trace's arguments: standard input with none (or
// "-"), each FILE, and each DIR's entries in name order. A DIR's hidden
// files and entries that are not regular files are not read, and a
// warning names them.
func (a *app) traceInputs(argv []string) ([]service.TraceInput, []string, error) {
	if len(argv) == 0 {
		argv = []string{"-"}
	}
	var inputs []service.TraceInput
	var warnings []string
	stdin := false
	for _, name := range argv {
		if name == "-" {
			if stdin {
				return nil, nil, usagef("standard input (-) can be traced only once")
			}
			stdin = true
		} else if st, err := os.Stat(name); err == nil && st.IsDir() {
			entries, err := os.ReadDir(name)
			if err != nil {
				return nil, nil, err
			}
			var skipped []string
			n := 0
			for _, e := range entries {
				path := filepath.Join(name, e.Name())
				st, err := os.Stat(path)
				if strings.HasPrefix(e.Name(), ".") || err != nil || !st.Mode().IsRegular() {
					skipped = append(skipped, path)
					continue
				}
				data, err := a.readLeak(path)
				if err != nil {
					return nil, nil, err
				}
				inputs = append(inputs, service.TraceInput{Name: path, Data: data})
				n++
			}
			if len(skipped) > 0 {
				warnings = append(warnings, fmt.Sprintf("%s: not read (hidden, or not a regular file): %s", name, strings.Join(skipped, ", ")))
			}
			if n == 0 {
				return nil, nil, withHint(fmt.Errorf("%s holds no file to trace", name), "trace DIR reads the regular files directly in DIR (not in its subdirectories, not hidden ones); pass the files themselves otherwise")
			}
			continue
		}
		data, err := a.readLeak(name)
		if err != nil {
			return nil, nil, err
		}
		inputs = append(inputs, service.TraceInput{Name: name, Data: data})
	}
	return inputs, warnings, nil
}

// readLeak reads one input of a trace, a file or standard input ("-"),
// up to service.MaxLeakInput bytes: a photo or a PDF may be larger than
// any document leaktrace registers (the text of a leak is held to the
// documents' limit when it is read).
func (a *app) readLeak(name string) ([]byte, error) {
	return a.readLimited(name, service.MaxLeakInput, service.ErrLeakTooLarge)
}

func writeCitations(w io.Writer, out *service.TraceJSON) {
	fmt.Fprintln(w)
	for _, m := range out.Matches {
		for _, su := range m.Suspects {
			if su.Custody != nil {
				fmt.Fprintf(w, "Custody: the copy of %s issued to %s is custody-log entry %d, included in the signed\n  checkpoint of size %d ('leaktrace log show %d', 'leaktrace log proof %d').\n",
					m.Document, su.Recipient, su.Custody.Index, su.Custody.TreeSize, su.Custody.Index, su.Custody.Index)
			}
		}
	}
	if out.LogEntry != nil {
		fmt.Fprintf(w, "This trace is recorded as custody-log entry %d.\n", *out.LogEntry)
	}
}

func formatP(p float64) string {
	switch {
	case p == 0:
		return "<1e-300" // below what a float64 holds
	case p >= 1:
		return "1"
	case p >= 0.001:
		return fmt.Sprintf("%.3f", p)
	}
	return fmt.Sprintf("%.1e", p)
}

func writeReport(w io.Writer, rep *service.TraceReport) {
	for _, warn := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	fmt.Fprintf(w, "Leak: %s (sha256 %s…), searched %s, ε = %g\n", count(rep.LeakWords, "word"), rep.LeakSHA256[:12], count(rep.Documents, "registered document"), rep.Epsilon)
	if len(rep.Inputs) > 1 || len(rep.Inputs) == 1 && rep.Inputs[0].Kind != service.KindText {
		if len(rep.Inputs) > 1 {
			fmt.Fprintf(w, "Read %d inputs, their evidence pooled:\n", len(rep.Inputs))
		} else {
			fmt.Fprintln(w, "Read:")
		}
		for _, in := range rep.Inputs {
			pages := ""
			if in.Pages > 0 {
				pages = ", " + count(in.Pages, "page")
			}
			kind := in.Kind
			if in.Format != in.Kind {
				kind += " (" + in.Format + ")"
			}
			fmt.Fprintf(w, "  %s: %s%s, %s\n", termSafe(in.Name), kind, pages, count(in.Words, "word"))
		}
	}
	fmt.Fprintf(w, "Channels read: %s.\n", strings.Join(rep.Channels, ", "))
	if len(rep.Matches) == 0 {
		fmt.Fprintln(w, "\nNo registered document matches this text: it shares no passage of ten or more words with any of them.")
		return
	}
	for i, m := range rep.Matches {
		fmt.Fprintf(w, "\nMatch %d: %s", i+1, termSafe(m.Source.ID))
		if t := rep.Titles[m.Source.ID]; t != "" && t != m.Source.ID {
			fmt.Fprintf(w, " (%s)", termSafe(t))
		}
		fmt.Fprintf(w, "\n  %d of the leak's %d words align with it, covering %d of its %d words (%.1f%%).\n",
			m.MatchedWords, m.LeakWords, m.CoveredWords, m.SourceWords, 100*float64(m.CoveredWords)/float64(max(1, m.SourceWords)))
		if m.Source.ProseWords != m.SourceWords {
			fmt.Fprintf(w, "  (A trace counts every word of the text as written; 'doc show' counts the %d words of its\n  prose, outside links, code and signatures, after Unicode normalization.)\n", m.Source.ProseWords)
		}
		obs := marks.Named(m.ByChannel)
		er := marks.Named(m.Erased)
		var parts []string
		for _, ch := range marks.Channels {
			parts = append(parts, fmt.Sprintf("%s %d read, %d unreadable", ch, obs[ch.String()], er[ch.String()]))
		}
		if eq := rep.Equal[m.Source.ID]; len(eq) > 0 {
			fmt.Fprintf(w, "  The leak matches %s exactly as well: its text cannot tell these documents apart,\n  so the readers of each are scored and only their marks decide.\n", andList(eq))
		}
		fmt.Fprintf(w, "  Marks: %d of %d in the covered text were read (%s).\n", len(m.Observations), m.PointsCovered, strings.Join(parts, "; "))
		if len(m.Source.Readers) == 0 {
			fmt.Fprintln(w, "  No copy of this document has been issued, so it has no reader to suspect.")
			continue
		}
		if m.Readers > len(m.Source.Readers) {
			fmt.Fprintf(w, "  Suspects among the %d readers issued a copy (p-values corrected for all %d readers scored):\n", len(m.Source.Readers), m.Readers)
		} else {
			fmt.Fprintf(w, "  Suspects among the %d readers issued a copy:\n", len(m.Source.Readers))
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "    READER\tSCORE\tAGREE\tP-VALUE\tVERDICT")
		var accused []string
		worst := 0.0
		for _, s := range m.Suspects {
			verdict := "not accused"
			if s.Accused {
				verdict = "ACCUSED"
				accused = append(accused, s.Recipient)
				worst = max(worst, s.PValue)
			}
			fmt.Fprintf(tw, "    %s\t%.1f\t%d/%d\t%s\t%s\n", termSafe(s.Recipient), service.Finite(s.Score), s.Agree, len(m.Observations), formatP(s.PValue), verdict)
		}
		tw.Flush()
		top := m.Suspects[0]
		fmt.Fprint(w, verdict(rep, m, accused, worst))
		ev := rep.Evidence(m, top.Recipient, 6)
		if len(ev) > 0 {
			fmt.Fprintf(w, "  Evidence: marks in the leak that agree with %s's copy ([…] is where the mark was read):\n", top.Recipient)
			for _, e := range ev {
				in := ""
				if e.Input != "" {
					in = termSafe(e.Input) + ": "
				}
				fmt.Fprintf(w, "    %s %s = %s: %s%s\n", e.Channel, e.Kind, termSafe(e.Variant), in, termSafe(e.Context))
			}
		}
		if sum := m.LayoutFor(top.Recipient); sum.Read > 0 {
			fmt.Fprintf(w, "  Layout: %d of the %d word shifts measured agree with %s's copy (measured on %s).\n",
				sum.Agree, sum.Read, top.Recipient, termSafe(strings.Join(sum.Sources, ", ")))
		}
	}
}

// verdict says, in plain words, whom a match accuses, or why nobody: what
// was observed, not a guess at the cause.
func verdict(rep *service.TraceReport, m *trace.Match, accused []string, worst float64) string {
	epsilon := rep.Epsilon
	top := m.Suspects[0]
	obs := len(m.Observations)
	switch {
	case len(accused) == 1:
		return fmt.Sprintf("  Verdict: the leak comes from %s's copy. The chance that any innocent reader's copy\n  would match it this well is %s, at or below ε = %g.\n", top.Recipient, formatP(top.PValue), epsilon)
	case len(accused) > 1:
		return fmt.Sprintf("  Verdict: the leak comes from the copies of %s, all %d accused: their copies were\n  combined, or several leaked. For each, the chance that an innocent reader's copy would match\n  as well is at most %s, at or below ε = %g.\n", andList(accused), len(accused), formatP(worst), epsilon)
	case obs == 0:
		return "  Verdict: nobody is accused. No mark survives in the leak (it was normalized or retyped,\n  or the excerpt holds none); a longer excerpt may tell.\n"
	}
	seen := fmt.Sprintf("  Verdict: nobody is accused. %d marks were read; the best match among the %d readers,\n  %s, agrees with %d of them (p %s > ε = %g).\n",
		obs, len(m.Source.Readers), top.Recipient, top.Agree, pIs(top.PValue), epsilon)
	if m.Decisive > epsilon {
		return seen + fmt.Sprintf("  Even a copy agreeing with every mark read would reach only p %s: the leak holds too\n  few readable marks to tell readers apart; a longer excerpt may tell.\n", pIs(m.Decisive))
	}
	if m.Decisive > epsilon*1e-6 {
		return seen + fmt.Sprintf("  A copy agreeing with every mark read would reach p %s, but none comes close enough:\n  the marks are few or damaged (retyping, collusion); a longer excerpt may tell.\n", pIs(m.Decisive))
	}
	seen += fmt.Sprintf("  These marks are ample to name a reader (a copy agreeing with all of them would reach\n  p %s), yet no reader's copy agrees with them.", pIs(m.Decisive))
	for _, o := range rep.Matches {
		if o != m && m.SameWords(o) && len(o.Suspects) > 0 && o.Suspects[0].Accused {
			return seen + fmt.Sprintf("\n  They agree with a copy of %s instead, which the leak's text matches exactly as well.\n", o.Source.ID)
		}
	}
	return seen + "\n  The leak is not from a copy of it issued to one of them: it may be the unmarked original,\n  a copy issued elsewhere, or a copy marked under another marking key.\n"
}

// pIs writes "= p", or "< 1e-300" for a p-value below what a float64
// holds.
func pIs(p float64) string {
	if p == 0 {
		return "< 1e-300"
	}
	return "= " + formatP(p)
}

// andList joins names as "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
