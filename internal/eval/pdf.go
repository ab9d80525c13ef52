package eval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/service"
)

// FormatPDF evaluates PDF copies: their leaks are the PDF files
// themselves and pictures of their pages.
const FormatPDF = leaktrace.FormatPDF

// PDFAttacks are the attacks on a PDF copy: "pdf" leaks the file itself,
// the others a picture of one page (see attack.PictureAttacks).
func PDFAttacks() []string {
	names := []string{"pdf"}
	for _, a := range attack.PictureAttacks {
		names = append(names, a.Name)
	}
	return names
}

// DefaultFraction is the share of a page each picture attack shows by
// default: a whole page for a photo, a print-scan and the PDF, two
// thirds for the hasty photo, half a page for a screenshot.
func DefaultFraction(atk string) float64 {
	switch atk {
	case "photo-hard":
		return attack.PhotoHard.FrameFraction
	case "screenshot":
		return attack.DefaultScreenshotOptions.Fraction
	}
	return 1
}

// CheckPDFAttack reports whether atk is an attack on PDF copies.
func CheckPDFAttack(atk string) error {
	if !slices.Contains(PDFAttacks(), atk) {
		return fmt.Errorf("unknown attack %q on PDF copies (known: %s)", atk, strings.Join(PDFAttacks(), ", "))
	}
	return nil
}

// fractions returns the page fractions attack atk is run at.
func (cfg *Config) fractions(atk string) []float64 {
	if atk == "pdf" {
		return []float64{1}
	}
	if len(cfg.Fractions) == 0 {
		return []float64{DefaultFraction(atk)}
	}
	return cfg.Fractions
}

// Total is the number of leaks an evaluation traces.
func Total(cfg Config) int {
	if cfg.Format != FormatPDF {
		return len(cfg.Attacks) * len(cfg.Words) * len(cfg.Colluders) * cfg.Trials
	}
	total := 0
	for _, atk := range cfg.Attacks {
		total += len(cfg.fractions(atk)) * len(cfg.Colluders) * cfg.Trials
	}
	return total
}

// pdfDoc is a registered document whose PDF copies are made on demand:
// only the leakers' are ever needed.
type pdfDoc struct {
	id     string
	from   *service.Service // the home that issues its copies
	marker *leaktrace.Marker
	pages  []int // the pages a picture is taken of: those with most layout points
	copies map[string][]byte
}

// fullPages returns the pages holding at least half as many layout
// points as the fullest one: a leaker photographs a page of text, not a
// title page or the last few lines.
func fullPages(pointsOn func(int) int, pages int) []int {
	most := 0
	for p := 1; p <= pages; p++ {
		most = max(most, pointsOn(p))
	}
	var out []int
	for p := 1; p <= pages; p++ {
		if n := pointsOn(p); n > 0 && 2*n >= most {
			out = append(out, p)
		}
	}
	return out
}

func (d *pdfDoc) copyOf(ctx context.Context, reader string) ([]byte, error) {
	if c, ok := d.copies[reader]; ok {
		return c, nil
	}
	issued, err := d.from.IssueWith(ctx, d.marker, []string{reader}, service.IssueOptions{Format: leaktrace.FormatPDF})
	if err != nil {
		return nil, err
	}
	d.copies[reader] = issued[0].Data
	return issued[0].Data, nil
}

// runPDF evaluates the PDF copies of docs: per (attack, fraction,
// colluders), each trial picks leakers at random, each leaker leaks a
// different page of their own copy (or, for "pdf", the whole file), and
// the leaks are traced together, pooled.
func runPDF(ctx context.Context, cfg Config, s *service.Service, docs []*pdfDoc, readers []string) ([]Row, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	fracs := cfg.fractions
	total := Total(cfg)
	done := 0
	var rows []Row
	for _, atk := range cfg.Attacks {
		for _, c := range cfg.Colluders {
			for _, frac := range fracs(atk) {
				cl := &cell{r: Row{Format: FormatPDF, Attack: atk, Fraction: frac, Colluders: c, Trials: cfg.Trials, OtherKey: cfg.OtherKey}}
				for t := 0; t < cfg.Trials; t++ {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					d := docs[t%len(docs)]
					guilty := map[string]bool{}
					pages := rng.Perm(len(d.pages))
					var inputs []service.TraceInput
					for k, i := range rng.Perm(len(readers))[:c] {
						r := readers[i]
						guilty[r] = !cfg.OtherKey
						pdf, err := d.copyOf(ctx, r)
						if err != nil {
							return nil, err
						}
						if atk == "pdf" {
							inputs = append(inputs, service.TraceInput{Name: fmt.Sprintf("leak%d.pdf", k+1), Data: pdf})
							continue
						}
						page := d.pages[pages[k%len(pages)]]
						img, err := attack.PictureOf(ctx, atk, pdf, page, frac, rng)
						if err != nil {
							return nil, fmt.Errorf("attack %s: %w", atk, err)
						}
						inputs = append(inputs, service.TraceInput{Name: fmt.Sprintf("leak%d-%s", k+1, atk), Data: img})
					}
					start := time.Now()
					rep, err := s.TraceInputs(ctx, inputs, cfg.Epsilon, 5)
					if err != nil && !unreadable(err) {
						return nil, err
					}
					cl.add(rep, d.id, guilty, time.Since(start))
					done++
					if cfg.Progress != nil {
						cfg.Progress(done, total)
					}
				}
				rows = append(rows, cl.row())
			}
		}
	}
	return rows, nil
}
