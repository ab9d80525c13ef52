package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

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
			if err := s.Need(cmd.Context(), service.OpTrace); err != nil {
				return err
			}
			rep, err := s.TraceInputs(cmd.Context(), inputs, epsilon, keep)
			if err != nil {
				return err
			}
			rep.Warnings = append(skipped, rep.Warnings...)
			out := reportJSON(rep)
			if err := cite(cmd.Context(), s, &out); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, out)
			}
			writeReport(a.stdout, rep)
			writeCitations(a.stdout, &out)
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

type suspectJSON struct {
	Recipient string  `json:"recipient"`
	Score     float64 `json:"score"`
	LLRBits   float64 `json:"llr_bits"`
	Agree     int     `json:"marks_agreeing"`
	PValue    float64 `json:"p_value"`
	Accused   bool    `json:"accused"`
	// Custody cites the custody-log entry recording the accused reader's
	// copy, with its inclusion proof against the report's checkpoint.
	Custody *service.Inclusion `json:"custody,omitempty"`
}

type evidenceJSON struct {
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Variant string `json:"variant"`
	Context string `json:"context"`
	// Input names the input the mark was read in, when there are several.
	Input string `json:"input,omitempty"`
}

// layoutEvidenceJSON sums up the layout marks read against the top
// suspect's copy: one entry, not one per word shift.
type layoutEvidenceJSON struct {
	Recipient string   `json:"recipient"`
	Read      int      `json:"read"`
	Agreeing  int      `json:"agreeing"`
	Sources   []string `json:"sources"`
}

type inputJSON struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Format string `json:"format"`
	Words  int    `json:"words"`
	Pages  int    `json:"pages,omitempty"`
	SHA256 string `json:"sha256"`
}

type matchJSON struct {
	Document      string `json:"document"`
	Title         string `json:"title"`
	MatchedWords  int    `json:"matched_words"`
	DocumentWords int    `json:"document_words"`
	// ProseWords is the document's registered word count, as doc show
	// gives it; DocumentWords and CoveredWords count every word of the
	// text, as the leak's words are counted.
	ProseWords    int            `json:"document_prose_words"`
	CoveredWords  int            `json:"covered_words"`
	MarksObserved int            `json:"marks_observed"`
	MarksCovered  int            `json:"marks_covered"`
	ByChannel     map[string]int `json:"marks_by_channel"`
	Unreadable    map[string]int `json:"unreadable_by_channel"`
	Readers       int            `json:"readers"`
	// EqualMatches are the other matched documents that align with
	// exactly the same words of the leak: its text cannot tell them
	// apart. Each has its own entry, scored.
	EqualMatches []string `json:"equal_matches,omitempty"`
	// PValueAllAgree is the p-value a reader whose copy agreed with every
	// mark read would get: above epsilon, the marks read cannot name
	// anyone.
	PValueAllAgree *float64            `json:"p_value_if_all_agree,omitempty"`
	Suspects       []suspectJSON       `json:"suspects"`
	Evidence       []evidenceJSON      `json:"evidence,omitempty"`
	LayoutEvidence *layoutEvidenceJSON `json:"layout_evidence,omitempty"`
}

type reportOut struct {
	Epsilon   float64 `json:"epsilon"`
	LeakWords int     `json:"leak_words"`
	LeakHash  string  `json:"leak_sha256"`
	Documents int     `json:"documents_searched"`
	// ReadersScored is the number of readers every p-value is corrected
	// for: every reader issued a copy of any matched document.
	ReadersScored int `json:"readers_scored"`
	// Inputs are the files read, in order; ChannelsRead the channels
	// they can carry, in report order.
	Inputs       []inputJSON `json:"inputs"`
	ChannelsRead []string    `json:"channels_read"`
	Matches      []matchJSON `json:"matches"`
	Warnings     []string    `json:"warnings,omitempty"`
	// LogEntry is the custody-log entry recording this trace, and
	// Checkpoint the signed checkpoint the citations are proved against.
	LogEntry   *int64 `json:"log_entry,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
}

// cite records the trace in the custody log and cites, for every accused
// reader, the log entry of the copy they were issued, proved against the
// checkpoint that includes the trace itself.
func cite(ctx context.Context, s *service.Service, out *reportOut) error {
	result, err := json.Marshal(out)
	if err != nil {
		return err
	}
	idx, err := s.LogTrace(ctx, out.LeakHash, result)
	if err != nil {
		return err
	}
	out.LogEntry = &idx
	for i := range out.Matches {
		for j := range out.Matches[i].Suspects {
			su := &out.Matches[i].Suspects[j]
			if !su.Accused {
				continue
			}
			cr, err := s.CopyRecord(ctx, out.Matches[i].Document, su.Recipient)
			if err != nil {
				return fmt.Errorf("citing the custody record of %s's copy: %w", su.Recipient, err)
			}
			su.Custody = &cr.Inclusion
			out.Checkpoint = string(cr.Checkpoint)
		}
	}
	if out.Checkpoint == "" {
		note, _, err := s.Checkpoint(ctx)
		if err != nil {
			return err
		}
		out.Checkpoint = string(note)
	}
	return nil
}

func writeCitations(w io.Writer, out *reportOut) {
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

// finite keeps JSON encodable: scores of readers with no evidence are 0.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

func reportJSON(rep *service.TraceReport) reportOut {
	out := reportOut{Epsilon: rep.Epsilon, LeakWords: rep.LeakWords, LeakHash: rep.LeakSHA256,
		Documents: rep.Documents, ReadersScored: rep.Readers, Matches: []matchJSON{}, Warnings: rep.Warnings,
		Inputs: []inputJSON{}, ChannelsRead: rep.Channels}
	for _, in := range rep.Inputs {
		out.Inputs = append(out.Inputs, inputJSON{in.Name, in.Kind, in.Format, in.Words, in.Pages, in.SHA256})
	}
	for _, m := range rep.Matches {
		mj := matchJSON{Document: m.Source.ID, Title: rep.Titles[m.Source.ID], MatchedWords: m.MatchedWords,
			DocumentWords: m.SourceWords, ProseWords: m.Source.ProseWords, CoveredWords: m.CoveredWords, MarksObserved: len(m.Observations),
			MarksCovered: m.PointsCovered, ByChannel: marks.Named(m.ByChannel), Unreadable: marks.Named(m.Erased),
			Readers: len(m.Source.Readers), EqualMatches: rep.Equal[m.Source.ID], Suspects: []suspectJSON{}}
		if len(m.Source.Readers) > 0 {
			p := m.Decisive
			mj.PValueAllAgree = &p
		}
		for _, s := range m.Suspects {
			mj.Suspects = append(mj.Suspects, suspectJSON{Recipient: s.Recipient, Score: finite(s.Score), LLRBits: finite(s.LLR), Agree: s.Agree, PValue: s.PValue, Accused: s.Accused})
		}
		if len(m.Suspects) > 0 {
			for _, e := range evidence(rep, m, m.Suspects[0].Recipient, 8) {
				mj.Evidence = append(mj.Evidence, evidenceJSON{e.channel, e.kind, e.variant, e.context, e.input})
			}
			if sum := m.LayoutFor(m.Suspects[0].Recipient); sum.Read > 0 {
				mj.LayoutEvidence = &layoutEvidenceJSON{m.Suspects[0].Recipient, sum.Read, sum.Agree, sum.Sources}
			}
		}
		out.Matches = append(out.Matches, mj)
	}
	return out
}

type evidenceItem struct {
	channel, kind, variant, context, input string
}

// evidence quotes, in context, up to n text marks of the leak that agree
// with a reader's copy, preferring a mix of kinds.
func evidence(rep *service.TraceReport, m *trace.Match, reader string, n int) []evidenceItem {
	obs := m.Agreeing(reader)
	// Round-robin over kinds so that one kind does not crowd out others.
	byKind := map[string][]trace.Observation{}
	var kinds []string
	for _, o := range obs {
		k := m.Source.Points[o.Point].Kind
		if byKind[k] == nil {
			kinds = append(kinds, k)
		}
		byKind[k] = append(byKind[k], o)
	}
	sort.Strings(kinds)
	var picked []trace.Observation
	for len(picked) < n {
		added := false
		for _, k := range kinds {
			if len(byKind[k]) > 0 && len(picked) < n {
				picked = append(picked, byKind[k][0])
				byKind[k] = byKind[k][1:]
				added = true
			}
		}
		if !added {
			break
		}
	}
	sort.Slice(picked, func(i, j int) bool {
		if picked[i].Input != picked[j].Input {
			return picked[i].Input < picked[j].Input
		}
		return picked[i].LeakStart < picked[j].LeakStart
	})
	// The reader's variants at the quoted points only: a long document's
	// whole copy is not needed to quote a few of its marks.
	pts := make([]int, len(picked))
	for i, o := range picked {
		pts[i] = o.Point
	}
	syms := m.Source.SymbolsAt(reader, pts)
	var out []evidenceItem
	for i, o := range picked {
		p := m.Source.Points[o.Point]
		v := p.Variants[syms[i]]
		if v == "" {
			v = "(none)"
		}
		in := ""
		if len(rep.Inputs) > 1 {
			in = rep.Inputs[o.Input].Name
		}
		out = append(out, evidenceItem{p.Channel.String(), p.Kind, marks.Reveal(v), quote(rep.Leaks[o.Input].Text, o.LeakStart, o.LeakEnd), in})
	}
	return out
}

// quote returns text[start:end] with some context, marks revealed, on one
// line.
func quote(text string, start, end int) string {
	lo, hi := max(0, start-28), min(len(text), end+28)
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	q := marks.Reveal(text[lo:start]) + "[" + marks.Reveal(text[start:end]) + "]" + marks.Reveal(text[end:hi])
	q = strings.Join(strings.Fields(strings.ReplaceAll(q, "\n", " ⏎ ")), " ")
	if lo > 0 {
		q = "…" + q
	}
	if hi < len(text) {
		q += "…"
	}
	return q
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
			fmt.Fprintf(tw, "    %s\t%.1f\t%d/%d\t%s\t%s\n", termSafe(s.Recipient), finite(s.Score), s.Agree, len(m.Observations), formatP(s.PValue), verdict)
		}
		tw.Flush()
		top := m.Suspects[0]
		fmt.Fprint(w, verdict(rep, m, accused, worst))
		ev := evidence(rep, m, top.Recipient, 6)
		if len(ev) > 0 {
			fmt.Fprintf(w, "  Evidence: marks in the leak that agree with %s's copy ([…] is where the mark was read):\n", top.Recipient)
			for _, e := range ev {
				in := ""
				if e.input != "" {
					in = termSafe(e.input) + ": "
				}
				fmt.Fprintf(w, "    %s %s = %s: %s%s\n", e.channel, e.kind, termSafe(e.variant), in, termSafe(e.context))
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
