package service

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// The wire form of a trace report: what 'trace --json' prints, what the
// custody log records of a trace, and what any other front end serves.

// TraceJSON is a trace report as JSON.
type TraceJSON struct {
	Epsilon   float64 `json:"epsilon"`
	LeakWords int     `json:"leak_words"`
	LeakHash  string  `json:"leak_sha256"`
	Documents int     `json:"documents_searched"`
	// ReadersScored is the number of readers every p-value is corrected
	// for: every reader issued a copy of any matched document.
	ReadersScored int `json:"readers_scored"`
	// Inputs are the files read, in order; ChannelsRead the channels
	// they can carry, in report order.
	Inputs       []InputJSON `json:"inputs"`
	ChannelsRead []string    `json:"channels_read"`
	Matches      []MatchJSON `json:"matches"`
	Warnings     []string    `json:"warnings,omitempty"`
	// LogEntry is the custody-log entry recording this trace, and
	// Checkpoint the signed checkpoint the citations are proved against.
	LogEntry   *int64 `json:"log_entry,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
}

// InputJSON is one input of a trace as JSON.
type InputJSON struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Format string `json:"format"`
	Words  int    `json:"words"`
	Pages  int    `json:"pages,omitempty"`
	SHA256 string `json:"sha256"`
}

// MatchJSON is one matched document as JSON.
type MatchJSON struct {
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
	Suspects       []SuspectJSON       `json:"suspects"`
	Evidence       []Evidence          `json:"evidence,omitempty"`
	LayoutEvidence *LayoutEvidenceJSON `json:"layout_evidence,omitempty"`
}

// SuspectJSON is one suspect of a match as JSON.
type SuspectJSON struct {
	Recipient string  `json:"recipient"`
	Score     float64 `json:"score"`
	LLRBits   float64 `json:"llr_bits"`
	Agree     int     `json:"marks_agreeing"`
	PValue    float64 `json:"p_value"`
	Accused   bool    `json:"accused"`
	// Custody cites the custody-log entry recording the accused reader's
	// copy, with its inclusion proof against the report's checkpoint.
	Custody *Inclusion `json:"custody,omitempty"`
}

// Evidence is a text mark of the leak that agrees with a reader's copy,
// quoted in context.
type Evidence struct {
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Variant string `json:"variant"`
	Context string `json:"context"`
	// Input names the input the mark was read in, when there are several.
	Input string `json:"input,omitempty"`
}

// LayoutEvidenceJSON sums up the layout marks read against the top
// suspect's copy: one entry, not one per word shift.
type LayoutEvidenceJSON struct {
	Recipient string   `json:"recipient"`
	Read      int      `json:"read"`
	Agreeing  int      `json:"agreeing"`
	Sources   []string `json:"sources"`
}

// TraceOptions are the choices of a trace (see [Service.TraceAndLog]).
type TraceOptions struct {
	// Epsilon is the false-accusation bound (see [CheckEpsilon]), and
	// Suspects how many suspects to list at least per document.
	Epsilon  float64
	Suspects int
	// Warnings are about how the inputs were gathered (files left out of
	// a directory); they come first among the report's warnings.
	Warnings []string
}

// TraceAndLog traces a leak made of inputs (see [Service.TraceInputs]),
// records the trace in the custody log, and cites, for every accused
// reader, the log entry of the copy they were issued, proved against the
// checkpoint that includes the trace itself. The log entry records the
// report's JSON as it was before these citations; the JSON returned
// carries them.
func (s *Service) TraceAndLog(ctx context.Context, inputs []TraceInput, opt TraceOptions) (*TraceReport, *TraceJSON, error) {
	if err := s.Need(ctx, OpTrace); err != nil {
		return nil, nil, err
	}
	rep, err := s.TraceInputs(ctx, inputs, opt.Epsilon, opt.Suspects)
	if err != nil {
		return nil, nil, err
	}
	rep.Warnings = slices.Concat(opt.Warnings, rep.Warnings)
	out := NewTraceJSON(rep)
	if err := s.cite(ctx, out); err != nil {
		return nil, nil, err
	}
	return rep, out, nil
}

// cite logs the trace out reports and adds its citations (see
// [Service.TraceAndLog]).
func (s *Service) cite(ctx context.Context, out *TraceJSON) error {
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

// Finite keeps a score JSON-encodable: scores of readers with no evidence
// are 0.
func Finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// NewTraceJSON returns the JSON form of a report, without custody-log
// citations.
func NewTraceJSON(rep *TraceReport) *TraceJSON {
	out := &TraceJSON{Epsilon: rep.Epsilon, LeakWords: rep.LeakWords, LeakHash: rep.LeakSHA256,
		Documents: rep.Documents, ReadersScored: rep.Readers, Matches: []MatchJSON{}, Warnings: rep.Warnings,
		Inputs: []InputJSON{}, ChannelsRead: rep.Channels}
	for _, in := range rep.Inputs {
		out.Inputs = append(out.Inputs, InputJSON{in.Name, in.Kind, in.Format, in.Words, in.Pages, in.SHA256})
	}
	for _, m := range rep.Matches {
		mj := MatchJSON{Document: m.Source.ID, Title: rep.Titles[m.Source.ID], MatchedWords: m.MatchedWords,
			DocumentWords: m.SourceWords, ProseWords: m.Source.ProseWords, CoveredWords: m.CoveredWords, MarksObserved: len(m.Observations),
			MarksCovered: m.PointsCovered, ByChannel: marks.Named(m.ByChannel), Unreadable: marks.Named(m.Erased),
			Readers: len(m.Source.Readers), EqualMatches: rep.Equal[m.Source.ID], Suspects: []SuspectJSON{}}
		if len(m.Source.Readers) > 0 {
			p := m.Decisive
			mj.PValueAllAgree = &p
		}
		for _, s := range m.Suspects {
			mj.Suspects = append(mj.Suspects, SuspectJSON{Recipient: s.Recipient, Score: Finite(s.Score), LLRBits: Finite(s.LLR), Agree: s.Agree, PValue: s.PValue, Accused: s.Accused})
		}
		if len(m.Suspects) > 0 {
			mj.Evidence = rep.Evidence(m, m.Suspects[0].Recipient, 8)
			if sum := m.LayoutFor(m.Suspects[0].Recipient); sum.Read > 0 {
				mj.LayoutEvidence = &LayoutEvidenceJSON{m.Suspects[0].Recipient, sum.Read, sum.Agree, sum.Sources}
			}
		}
		out.Matches = append(out.Matches, mj)
	}
	return out
}

// Evidence quotes, in context, up to n text marks of the leak that agree
// with a reader's copy of a match's document, preferring a mix of kinds.
func (rep *TraceReport) Evidence(m *trace.Match, reader string, n int) []Evidence {
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
	var out []Evidence
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
		out = append(out, Evidence{p.Channel.String(), p.Kind, marks.Reveal(v), quote(rep.Leaks[o.Input].Text, o.LeakStart, o.LeakEnd), in})
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
