// Package eval measures which leaks leaktrace can trace, for the user's
// own documents: it issues copies in a scratch home, leaks excerpts of
// them through attacks (package attack), traces each leak with the real
// pipeline, and tabulates identification, false accusations, document
// lookup and trace time.
package eval

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/service"
)

// Config is one evaluation.
type Config struct {
	Files      []string // documents to evaluate
	Recipients int      // readers issued a copy of each
	Attacks    []string // attack names, transforms joined with "+"
	Words      []int    // excerpt lengths
	Colluders  []int    // readers mixing their copies (1: a single leaker)
	Trials     int      // leaks per (attack, words, colluders)
	Epsilon    float64
	Seed       uint64
	TypoRate   float64 // for retype
	// Format "pdf" evaluates PDF copies (attacks from [PDFAttacks], at
	// page fractions Fractions, Words unused); "" the document's own.
	Format    string
	Fractions []float64
	// OtherKey leaks copies issued by another home (another marking
	// key) to readers with the same ids: every accusation is false.
	OtherKey bool
	// Reencode registers emails with their 7-bit text parts open to
	// re-encoding (doc add --reencode); other files as usual.
	Reencode bool
	// Progress, if set, is called after every trace.
	Progress func(done, total int)

	ctx context.Context
}

// Row is the result for one (attack, words, colluders).
type Row struct {
	Format           string  `json:"format,omitempty"` // "pdf" for PDF copies
	Attack           string  `json:"attack"`
	Words            int     `json:"words,omitempty"`     // excerpt length (text copies)
	Fraction         float64 `json:"fraction,omitempty"`  // share of a page shown (PDF copies)
	OtherKey         bool    `json:"other_key,omitempty"` // leaks of another home's copies
	Colluders        int     `json:"colluders"`
	Trials           int     `json:"trials"`
	Identified       float64 `json:"identified"`        // rate: a leaker named
	FalseAccusations int     `json:"false_accusations"` // innocents accused, over all trials
	DocFound         float64 `json:"doc_found"`         // rate: the source document matched
	TraceMsMedian    float64 `json:"trace_ms_median"`
}

// Transforms are the attack steps applied, in order, to an excerpt.
var Transforms = map[string]func(text string, rng *rand.Rand, cfg *Config) (string, error){
	"paste":     func(t string, _ *rand.Rand, _ *Config) (string, error) { return t, nil },
	"normalize": func(t string, _ *rand.Rand, _ *Config) (string, error) { return attack.Normalize(t), nil },
	"retype": func(t string, rng *rand.Rand, c *Config) (string, error) {
		return attack.Retype(t, c.TypoRate, rng), nil
	},
	"edit": func(t string, rng *rand.Rand, _ *Config) (string, error) { return attack.Edit(t, 0.15, 0.3, rng), nil },
	"ocr": func(t string, rng *rand.Rand, c *Config) (string, error) {
		return attack.OCRContext(c.ctx, t, attack.DefaultOCROptions(), rng)
	},
}

// NeedsTesseract reports whether an attack runs OCR.
func NeedsTesseract(name string) bool {
	for _, step := range strings.Split(name, "+") {
		if step == "ocr" {
			return true
		}
	}
	return false
}

// CheckAttack reports whether an attack name is known.
func CheckAttack(name string) error {
	for _, step := range strings.Split(name, "+") {
		if _, ok := Transforms[step]; !ok {
			known := make([]string, 0, len(Transforms))
			for k := range Transforms {
				known = append(known, k)
			}
			sort.Strings(known)
			return fmt.Errorf("unknown attack %q (known: %s, combined with +)", step, strings.Join(known, ", "))
		}
	}
	return nil
}

type doc struct {
	id     string
	copies map[string]string
}

// Run performs the evaluation in a scratch home that is removed after.
// Its custody log records every change as made by "leaktrace-eval".
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	ctx = service.WithActor(ctx, "leaktrace-eval")
	cfg.ctx = ctx
	for _, a := range cfg.Attacks {
		check := CheckAttack
		if cfg.Format == FormatPDF {
			check = CheckPDFAttack
		}
		if err := check(a); err != nil {
			return nil, err
		}
	}
	for _, f := range cfg.Fractions {
		if !(f > 0 && f <= 1) {
			return nil, fmt.Errorf("a page fraction must be in (0, 1] (got %g)", f)
		}
	}
	if cfg.Trials < 1 || cfg.Recipients < 1 {
		return nil, fmt.Errorf("need at least one trial and one recipient")
	}
	for _, c := range cfg.Colluders {
		if c < 1 || c > cfg.Recipients {
			return nil, fmt.Errorf("colluders must be between 1 and the number of recipients (got %d)", c)
		}
	}
	dir, err := os.MkdirTemp("", "leaktrace-eval-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	home := filepath.Join(dir, "home")
	if err := service.Init(ctx, home, service.InitOptions{}); err != nil {
		return nil, err
	}
	s, err := service.Open(ctx, home)
	if err != nil {
		return nil, err
	}
	defer s.Close()

	readers := make([]string, cfg.Recipients)
	rs := make([]leaktrace.Recipient, cfg.Recipients)
	for i := range readers {
		readers[i] = fmt.Sprintf("r%05d", i+1)
		rs[i] = leaktrace.Recipient{ID: readers[i]}
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		return nil, err
	}
	docs, pdfDocs, err := register(ctx, cfg, s, readers)
	if err != nil {
		return nil, err
	}
	if cfg.OtherKey {
		// The leaks come from a second home: another marking key, the
		// same documents, ids and readers. Nobody in the first home
		// leaked, so every accusation is false.
		other := filepath.Join(dir, "other")
		if err := service.Init(ctx, other, service.InitOptions{}); err != nil {
			return nil, err
		}
		s2, err := service.Open(ctx, other)
		if err != nil {
			return nil, err
		}
		defer s2.Close()
		if err := s2.AddRecipients(ctx, rs); err != nil {
			return nil, err
		}
		if docs, pdfDocs, err = register(ctx, cfg, s2, readers); err != nil {
			return nil, err
		}
	}

	if cfg.Format == FormatPDF {
		return runPDF(ctx, cfg, s, pdfDocs, readers)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	total := Total(cfg)
	done := 0
	var rows []Row
	for _, atk := range cfg.Attacks {
		for _, col := range cfg.Colluders {
			for _, w := range cfg.Words {
				c := &cell{r: Row{Attack: atk, Words: w, Colluders: col, Trials: cfg.Trials, OtherKey: cfg.OtherKey}}
				for t := 0; t < cfg.Trials; t++ {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					d := docs[t%len(docs)]
					guilty := map[string]bool{}
					var copies []string
					for _, k := range rng.Perm(len(readers))[:col] {
						guilty[readers[k]] = !cfg.OtherKey
						copies = append(copies, d.copies[readers[k]])
					}
					base := copies[0]
					if col > 1 {
						base = attack.Collude(copies, rng)
					}
					leak := attack.Excerpt(base, w, rng)
					for _, step := range strings.Split(atk, "+") {
						if leak, err = Transforms[step](leak, rng, &cfg); err != nil {
							return nil, fmt.Errorf("attack %s: %w", step, err)
						}
					}
					start := time.Now()
					rep, err := s.Trace(ctx, "leak.txt", []byte(leak), cfg.Epsilon, 5)
					if err != nil && !unreadable(err) {
						return nil, err
					}
					c.add(rep, d.id, guilty, time.Since(start))
					done++
					if cfg.Progress != nil {
						cfg.Progress(done, total)
					}
				}
				rows = append(rows, c.row())
			}
		}
	}
	return rows, nil
}

// register adds cfg's documents to the home of s and issues them to
// readers: text copies to all (they are the readers a trace scores), PDF
// copies later, on demand.
func register(ctx context.Context, cfg Config, s *service.Service, readers []string) ([]doc, []*pdfDoc, error) {
	var docs []doc
	var pdfDocs []*pdfDoc
	for i, f := range cfg.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		id := fmt.Sprintf("doc%d-%s", i+1, service.DefaultDocID(f))
		if len(id) > 100 {
			id = id[:100]
		}
		opts := service.AddOptions{ID: id, Reencode: cfg.Reencode && format.Kind(f) == "eml"}
		if _, err := s.AddDocumentWith(ctx, f, data, opts); err != nil {
			return nil, nil, err
		}
		m, _, err := s.Marker(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		issued, err := s.Issue(ctx, m, readers)
		if err != nil {
			return nil, nil, err
		}
		if cfg.Format == FormatPDF {
			plan, err := s.Layout(m)
			if err != nil {
				return nil, nil, err
			}
			pages := fullPages(plan.PointsOnPage, plan.Pages())
			if len(pages) == 0 {
				return nil, nil, fmt.Errorf("%s: no page of its PDF copy carries layout marks", f)
			}
			pdfDocs = append(pdfDocs, &pdfDoc{id: id, from: s, marker: m, pages: pages, copies: map[string][]byte{}})
			continue
		}
		d := doc{id: id, copies: make(map[string]string, len(issued))}
		for _, c := range issued {
			// Leaks are excerpts of what a reader sees: an email's text,
			// not its headers.
			text, _, err := service.LeakText(f, c.Data)
			if err != nil {
				return nil, nil, err
			}
			d.copies[c.Recipient] = text
		}
		docs = append(docs, d)
	}

	return docs, pdfDocs, nil
}

// cell gathers the trials of one row.
type cell struct {
	r                 Row
	identified, found int
	times             []float64
}

// add counts one trial's trace: its report (nil if the leak showed
// nothing to read), the document leaked, the leakers, and how long the
// trace took.
func (c *cell) add(rep *service.TraceReport, id string, guilty map[string]bool, took time.Duration) {
	c.times = append(c.times, float64(took.Microseconds())/1000)
	named, found := tally(rep, id, guilty, &c.r)
	if named {
		c.identified++
	}
	if found {
		c.found++
	}
}

// row is the cell's row, its rates over its trials.
func (c *cell) row() Row {
	r := c.r
	r.Identified = float64(c.identified) / float64(r.Trials)
	r.DocFound = float64(c.found) / float64(r.Trials)
	r.TraceMsMedian = median(c.times)
	return r
}

// tally reads a trace's report: whether it named a leaker of document
// id, whether it matched that document, and (into row) how many innocents
// it accused.
func tally(rep *service.TraceReport, id string, guilty map[string]bool, row *Row) (named, found bool) {
	if rep == nil {
		return false, false
	}
	for _, m := range rep.Matches {
		if m.Source.ID == id {
			found = true
		}
		for _, s := range m.Suspects {
			if !s.Accused {
				continue
			}
			if guilty[s.Recipient] && m.Source.ID == id {
				named = true
			} else if !guilty[s.Recipient] {
				row.FalseAccusations++
			}
		}
	}
	return named, found
}

// unreadable reports whether a trace failed because the leak showed
// nothing to read (no words, no text in a picture): a failed trial, not
// a failed evaluation.
func unreadable(err error) bool {
	return errors.Is(err, service.ErrEmptyLeak) || errors.Is(err, picture.ErrNoText)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
