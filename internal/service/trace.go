package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/plural"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// Trace limits.
const (
	// maxCandidates is how many index candidates are aligned, beyond
	// which only candidates tied with the last one are, up to
	// maxTiedCandidates in all: revisions and re-registrations of one
	// text tie, and the one whose copy leaked must not be cut off by the
	// order of their ids. Documents with issued copies and documents
	// without are counted apart (see pickCandidates).
	maxCandidates     = 10
	maxTiedCandidates = 32
	// minMatchedWords is how many leak words must align to a document
	// for it to count as a source.
	minMatchedWords = 8
	// DefaultEpsilon is the default false-accusation bound.
	DefaultEpsilon = 1e-6
	// DefaultSuspects is how many suspects a report lists at least.
	DefaultSuspects = 5
)

// Errors.
var (
	// ErrEmptyLeak is returned for a leak with no words in it.
	ErrEmptyLeak = errors.New("the leak has no words to trace")
	// ErrEpsilon is returned for a false-accusation bound that is not a
	// probability strictly between 0 and 1.
	ErrEpsilon = errors.New("epsilon must be a number between 0 and 1")
	// ErrBinaryLeak is returned for a leak that is not text (it also
	// wraps format.ErrBinary).
	ErrBinaryLeak = errors.New("the leak is not a text file")
)

// CheckEpsilon checks a false-accusation bound: a finite number strictly
// between 0 and 1. NaN fails every comparison, so it is refused too.
func CheckEpsilon(epsilon float64) error {
	if !(epsilon > 0 && epsilon < 1) {
		return fmt.Errorf("%w (got %g)", ErrEpsilon, epsilon)
	}
	return nil
}

// TraceReport is the result of tracing a leak.
type TraceReport struct {
	Epsilon    float64
	LeakWords  int
	LeakSHA256 string // of the input; of several, the SHA-256 of their SHA-256s and names
	Documents  int    // registered documents searched
	// Matches are the documents the leak comes from, strongest first;
	// every one is scored.
	Matches []*trace.Match
	// Equal lists, for a matched document, the other matched documents
	// that align with exactly the same words of the leak: its text cannot
	// tell them apart (revisions, or one text registered twice), only the
	// marks can.
	Equal map[string][]string
	// Readers is how many readers were scored: every reader issued a copy
	// of any matched document. Every p-value is corrected for all of them.
	Readers int
	// Titles of the matched documents.
	Titles map[string]string
	// Warnings about the input, in plain words.
	Warnings []string
	// Leak is the text traced, of the first input; Leaks are every
	// input's, in order (an observation's Input indexes them).
	Leak  *trace.Leak
	Leaks []*trace.Leak
	// Inputs say what was read from each input, in order, and Channels
	// which channels they can carry, in report order.
	Inputs   []InputRead
	Channels []string
}

// LeakText extracts the text to trace from an input file: the prose of a
// file in a format that has its own (told by its content, or else by its
// name: the text parts of an email, the text of a DOCX), the text of
// anything else. Invalid UTF-8 is replaced, not refused: leaks arrive
// mangled.
func LeakText(name string, data []byte) (string, []string, error) {
	var warnings []string
	if len(data) > format.MaxSize {
		return "", nil, fmt.Errorf("%w (%d bytes)", format.ErrTooLarge, len(data))
	}
	d := format.OfLeak(name, data)
	if d != nil && d.Marked() && d.LeakText != nil {
		text, err := d.LeakText(data)
		if err == nil && strings.TrimSpace(text) != "" {
			return text, nil, nil
		}
		if err == nil {
			err = errors.New("it holds no text")
		}
		if d.Binary {
			return "", nil, fmt.Errorf("%w: reading it as %s: %w", ErrBinaryLeak, d.Name, err)
		}
		warnings = append(warnings, fmt.Sprintf("could not read the %s's text; tracing the raw file", d.Name))
	}
	if i := strings.IndexByte(string(data), 0); i >= 0 {
		return "", nil, fmt.Errorf("%w: %w: NUL byte at offset %d", ErrBinaryLeak, format.ErrBinary, i)
	}
	s := string(data)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		warnings = append(warnings, "the leak is not valid UTF-8; invalid bytes were replaced")
	}
	return s, warnings, nil
}

// Trace finds the registered documents a leak comes from and ranks, for
// each, the readers whose copy it may be.
func (s *Service) Trace(ctx context.Context, name string, data []byte, epsilon float64, keep int) (*TraceReport, error) {
	return s.TraceInputs(ctx, []TraceInput{{Name: name, Data: data}}, epsilon, keep)
}

// TraceInputs traces a leak made of one or more inputs, each a text, a
// PDF or a picture (told apart by content), pooling their evidence into
// one report. An input that can't be read is an error naming it (of one
// input, the error itself).
func (s *Service) TraceInputs(ctx context.Context, inputs []TraceInput, epsilon float64, keep int) (*TraceReport, error) {
	if err := CheckEpsilon(epsilon); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, ErrEmptyLeak
	}
	rep := &TraceReport{Epsilon: epsilon, Titles: map[string]string{}}
	pages := make([][]layout.SeenPage, len(inputs))
	kinds := map[string]bool{}
	var texts []string
	// The same file given twice is read once: its measurements are not
	// two independent ones.
	first := map[string]string{}
	var unique []TraceInput
	for _, in := range inputs {
		h := leaktrace.Hash(in.Data)
		if prev, ok := first[h]; ok {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s is the same file as %s; it was read once", in.Name, prev))
			continue
		}
		first[h] = in.Name
		unique = append(unique, in)
	}
	inputs = unique
	for i, in := range inputs {
		text, pg, rd, warnings, err := readInput(ctx, in)
		if err != nil {
			if len(inputs) == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w: %w", in.Name, ErrLeakInput, err)
		}
		leak := trace.NewLeak(text)
		leak.Input = i
		if rd.Kind == KindImage {
			// OCR guesses quote shapes and never sees a zero-width
			// character: a picture's typographic points are erased.
			leak.Erase = []marks.Channel{marks.Typographic}
		}
		rd.Words = len(leak.Tokens)
		pages[i] = pg
		kinds[rd.Kind] = true
		if rd.Kind == KindText && rd.Format != "text" {
			kinds[kindNative] = true
		}
		for _, w := range warnings {
			if len(inputs) > 1 {
				w = in.Name + ": " + w
			}
			rep.Warnings = append(rep.Warnings, w)
		}
		if len(inputs) > 1 && rd.Words == 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: no words were read from it", in.Name))
		}
		rep.Leaks = append(rep.Leaks, leak)
		rep.Inputs = append(rep.Inputs, rd)
		rep.LeakWords += rd.Words
		texts = append(texts, text)
	}
	rep.Leak = rep.Leaks[0]
	rep.LeakSHA256 = inputsHash(rep.Inputs)
	rep.Channels = channelsOf(kinds)
	if rep.LeakWords == 0 {
		return nil, ErrEmptyLeak
	}
	var err error
	if rep.Documents, err = s.Store.DocumentCount(ctx); err != nil {
		return nil, err
	}
	// The inputs' texts find the documents together; the blank line
	// between them only adds a few shingles that match nothing.
	hashes := index.Hashes(marks.Canonical(strings.Join(texts, "\n\n")))
	ranked, err := index.Search(ctx, s.Store, hashes)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ranked))
	for i, c := range ranked {
		ids[i] = c.Doc
	}
	issued, err := s.Store.Issued(ctx, ids)
	if err != nil {
		return nil, err
	}
	cands, dropped := pickCandidates(ranked, issued)
	if len(dropped) > 0 {
		names := make([]string, 0, min(len(dropped), 10)+1)
		for _, c := range dropped[:min(len(dropped), 10)] {
			names = append(names, strconv.Quote(c.Doc))
		}
		if len(dropped) > 10 {
			names = append(names, "…")
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the leak matches %s with issued copies as closely as the last of those scored, which were left out, so none of their readers can be named: %s; trace an excerpt that tells them apart",
			plural.Count(len(dropped), "more registered document"), strings.Join(names, ", ")))
	}
	for _, c := range cands {
		src, title, err := s.source(ctx, c.Doc)
		if errors.Is(err, ErrDocument) {
			// One damaged document must not hide the leaker of another:
			// it is left out of the trace (its readers are not scored,
			// which keeps the bound), and the report says so.
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("document %q was left out: %v; run 'leaktrace log verify'", c.Doc, err))
			continue
		}
		if err != nil {
			return nil, err
		}
		// Each input is aligned on its own; an input counts for the
		// document when enough of its words align.
		var ms []*trace.Match
		var aligned []int
		for i, leak := range rep.Leaks {
			if len(leak.Tokens) == 0 {
				continue
			}
			if m := trace.Align(src, leak); m != nil && m.MatchedWords >= minMatchedWords {
				ms = append(ms, m)
				aligned = append(aligned, i)
			}
		}
		m := trace.Pool(ms)
		if m == nil {
			continue
		}
		if len(src.Readers) > 0 {
			if err := s.addLayout(ctx, m, aligned, pages, inputs); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				// The document's text marks still count; its layout
				// marks are left unread, never guessed, and the report
				// says so.
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("the layout marks of %q were not read: %v", c.Doc, err))
			}
		}
		rep.Titles[c.Doc] = title
		rep.Matches = append(rep.Matches, m)
	}
	// Every document the alignment supports is scored, not only the
	// strongest: a revision, or the same text registered twice, aligns
	// as well as the document whose copy leaked, and only the marks can
	// tell them apart. Which documents are scored depends on the leak and
	// the registered texts alone, never on any reader's code, so the
	// p-values can be corrected for every reader of every one of them:
	// the chance that the trace accuses any innocent, on any document, is
	// at most ε. A reader's symbols for one document are drawn
	// independently of their symbols for another (the document is part
	// of the code's PRF input), so the marks of a copy of one document
	// are no evidence against the readers of another.
	for _, m := range rep.Matches {
		rep.Readers += len(m.Source.Readers)
	}
	for _, m := range rep.Matches {
		m.Score(trace.Options{Epsilon: epsilon, Keep: keep, Candidates: rep.Readers})
	}
	// Strongest first: most leak words aligned, then, among documents the
	// text matches equally well, the strongest evidence against a reader.
	sort.SliceStable(rep.Matches, func(i, j int) bool {
		a, b := rep.Matches[i], rep.Matches[j]
		if a.MatchedWords != b.MatchedWords {
			return a.MatchedWords > b.MatchedWords
		}
		if pa, pb := bestP(a), bestP(b); pa != pb {
			return pa < pb
		}
		if ra, rb := len(a.Source.Readers), len(b.Source.Readers); ra != rb {
			return ra > rb
		}
		return a.Source.ID < b.Source.ID
	})
	rep.Equal = map[string][]string{}
	for _, m := range rep.Matches {
		for _, o := range rep.Matches {
			if o != m && m.SameWords(o) {
				rep.Equal[m.Source.ID] = append(rep.Equal[m.Source.ID], o.Source.ID)
			}
		}
	}
	return rep, nil
}

// pickCandidates chooses the candidate documents to align. Documents with
// issued copies and documents without are shortlisted apart: only the
// first can name a reader, so however many registrations of a text were
// never issued, they never take the place of one that was. The documents
// without copies are aligned only to be listed; they have no readers to
// score, so leaving some out hides nobody. It returns how many candidates
// with copies had to be left out. Which documents are picked depends on
// the leak and on which documents have copies, never on any reader's
// code, so the bound on false accusations stays exact.
func pickCandidates(ranked []index.Candidate, issued map[string]bool) (kept, dropped []index.Candidate) {
	var with, without []index.Candidate
	for _, c := range ranked {
		if issued[c.Doc] {
			with = append(with, c)
		} else {
			without = append(without, c)
		}
	}
	with, dropped = shortlist(with)
	without, _ = shortlist(without)
	return append(with, without...), dropped
}

// shortlist cuts the index's ranking of candidate documents to the ones
// to align: the first maxCandidates, and any tied with the last of them,
// up to maxTiedCandidates. It also returns the tied candidates it had to
// leave out.
func shortlist(cands []index.Candidate) (kept, dropped []index.Candidate) {
	if len(cands) <= maxCandidates {
		return cands, nil
	}
	n := maxCandidates
	last := cands[n-1].Covered
	for n < len(cands) && cands[n].Covered == last && n < maxTiedCandidates {
		n++
	}
	for _, c := range cands[n:] {
		if c.Covered == last {
			dropped = append(dropped, c)
		}
	}
	return cands[:n], dropped
}

// bestP is the smallest p-value of a match's suspects, 1 if it has none.
func bestP(m *trace.Match) float64 {
	if len(m.Suspects) == 0 {
		return 1
	}
	return m.Suspects[0].PValue
}

// source prepares a registered document for tracing.
func (s *Service) source(ctx context.Context, id string) (*trace.Source, string, error) {
	m, d, err := s.Marker(ctx, id)
	if err != nil {
		return nil, "", err
	}
	copies, err := s.Store.Copies(ctx, id)
	if err != nil {
		return nil, "", err
	}
	// A reader may hold several copies (the document's own format and a
	// PDF); each reader is a suspect once. Copies come sorted by reader.
	readers := make([]string, 0, len(copies))
	for _, c := range copies {
		if n := len(readers); n == 0 || readers[n-1] != c.Recipient {
			readers = append(readers, c.Recipient)
		}
	}
	// The code is read only at the points the leak shows: the whole code
	// of a long document would take about 310 bytes per point.
	return &trace.Source{ID: id, Regions: m.Regions(), Points: m.Points(), Readers: readers,
		Biases: m.Biases, Symbols: m.SymbolsGiven, ProseWords: d.Words}, d.Title, nil
}
