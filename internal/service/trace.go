package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// Trace limits.
const (
	// maxCandidates is how many index candidates are aligned.
	maxCandidates = 10
	// minMatchedWords is how many leak words must align to a document
	// for it to count as a source.
	minMatchedWords = 8
	// DefaultEpsilon is the default false-accusation bound.
	DefaultEpsilon = 1e-6
	// DefaultSuspects is how many suspects a report lists at least.
	DefaultSuspects = 5
)

// ErrEmptyLeak is returned for a leak with no words in it.
var ErrEmptyLeak = errors.New("the leak has no words to trace")

// TraceReport is the result of tracing a leak.
type TraceReport struct {
	Epsilon    float64
	LeakWords  int
	LeakSHA256 string
	Documents  int // registered documents searched
	Matches    []*trace.Match
	// Titles of the matched documents.
	Titles map[string]string
	// Warnings about the input, in plain words.
	Warnings []string
	// Leak is the text traced.
	Leak *trace.Leak
}

// LeakText extracts the text to trace from an input file: the text parts
// of an email, the text of anything else. Invalid UTF-8 is replaced, not
// refused: leaks arrive mangled.
func LeakText(name string, data []byte) (string, []string, error) {
	var warnings []string
	if len(data) > format.MaxSize {
		return "", nil, fmt.Errorf("%w (%d bytes)", format.ErrTooLarge, len(data))
	}
	if strings.EqualFold(format.Kind(name), "eml") {
		if doc, err := format.Parse(name, data); err == nil && len(doc.Regions()) > 0 {
			var parts []string
			for _, r := range doc.Regions() {
				parts = append(parts, r.Text)
			}
			return strings.Join(parts, "\n\n"), nil, nil
		}
		warnings = append(warnings, "could not read the email's text parts; tracing the raw file")
	}
	if i := strings.IndexByte(string(data), 0); i >= 0 {
		return "", nil, fmt.Errorf("%w: NUL byte at offset %d", format.ErrBinary, i)
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
	if epsilon <= 0 || epsilon >= 1 {
		return nil, fmt.Errorf("epsilon %g is not a probability between 0 and 1", epsilon)
	}
	text, warnings, err := LeakText(name, data)
	if err != nil {
		return nil, err
	}
	leak := trace.NewLeak(text)
	if len(leak.Tokens) == 0 {
		return nil, ErrEmptyLeak
	}
	rep := &TraceReport{Epsilon: epsilon, LeakWords: len(leak.Tokens), LeakSHA256: leaktrace.Hash(data),
		Titles: map[string]string{}, Warnings: warnings, Leak: leak}
	if rep.Documents, err = s.Store.DocumentCount(ctx); err != nil {
		return nil, err
	}
	hashes := index.Hashes(marks.Canonical(text))
	postings, err := s.Store.Lookup(ctx, hashes)
	if err != nil {
		return nil, err
	}
	cands := index.Rank(hashes, postings)
	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	var matches []*trace.Match
	for _, c := range cands {
		src, title, err := s.source(ctx, c.Doc)
		if err != nil {
			return nil, err
		}
		m := trace.Align(src, leak)
		if m == nil || m.MatchedWords < minMatchedWords {
			continue
		}
		rep.Titles[c.Doc] = title
		matches = append(matches, m)
	}
	// Strongest first; a document whose aligned words are mostly those of
	// a stronger match (boilerplate, a near-duplicate) is left out. Which
	// documents are scored depends on the leak alone, so the p-values can
	// be corrected for every reader of every one of them: the chance that
	// the trace accuses any innocent, on any document, is at most ε.
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].MatchedWords > matches[j].MatchedWords })
	candidates := 0
	for _, m := range matches {
		if 2*m.Claimed(rep.Matches) > m.MatchedWords {
			continue
		}
		rep.Matches = append(rep.Matches, m)
		candidates += len(m.Source.Readers)
	}
	for _, m := range rep.Matches {
		m.Score(trace.Options{Epsilon: epsilon, Keep: keep, Candidates: candidates})
	}
	return rep, nil
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
	readers := make([]string, len(copies))
	for i, c := range copies {
		readers[i] = c.Recipient
	}
	return &trace.Source{ID: id, Regions: m.Regions(), Points: m.Points(), Code: m.Code(),
		Readers: readers, Symbols: m.Symbols, SymbolsAt: m.SymbolsAt}, d.Title, nil
}
