// Command layoutber measures how the layout channel's points fare on
// pictures of PDF copies: per picture attack (and for the PDF file itself),
// how many of a page's layout points are read, how many are erased, the
// bit error rate of those read against the reader's true layout symbols,
// and the misread probability η the soft reading assigned them. Run it
// through scripts/layout-ber.
//
// Each trial issues a random reader's PDF copy of a document (the real
// typesetter and a random marking key), leaks one full page of it through
// each attack of attack.PictureAttacks at its defaults, reads the picture
// with package picture (tesseract and the ink profiles), measures the
// layout points with layout.Observe and turns each into a soft
// observation with trace.FromLayout, as a trace does.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/eval"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/trace"
)

var (
	trials  = flag.Int("trials", 2, "pictures per document and attack")
	seed    = flag.Uint64("seed", 1, "seed of the readers' keys, pages and damage")
	attacks = flag.String("attacks", "pdf,photo,photo-hard,screenshot,print-scan", "attacks, comma-separated")
	asJSON  = flag.Bool("json", false, "print JSON rows")
	frame   = flag.Float64("frame", 0, "share of the page's height each picture shows (0: each attack's default)")
)

// defaultDocs are two FOMC minutes and two State of the Union addresses
// of the corpus.
var defaultDocs = []string{
	"fomc/2012-01-24-2012-01-25.txt",
	"fomc/2008-03-18-2008-03-18.txt",
	"sotu/1999_william_j_clinton_d.txt",
	"sotu/1962_john_f_kennedy_d.txt",
}

// Row is one attack's tally over every document and trial.
type Row struct {
	Attack string `json:"attack"`
	// Fraction is the share of the page's height the attack shows.
	Fraction float64 `json:"fraction"`
	Pictures int     `json:"pictures"`
	// Points are the layout points on the pages leaked; Measured those
	// layout.Observe measured; Read those kept as evidence; Erased those
	// measured but erased (η > 0.4 or no usable shift).
	Points   int `json:"points"`
	Measured int `json:"measured"`
	Read     int `json:"read"`
	Erased   int `json:"erased"`
	Errors   int `json:"errors"`
	// BER is Errors/Read; MeanEta the mean η of the points read;
	// ReadOfPage is Read/Points, ReadOfFrame Read/(Points·Fraction).
	BER         float64 `json:"ber"`
	MeanEta     float64 `json:"mean_eta"`
	ReadOfPage  float64 `json:"read_of_page"`
	ReadOfFrame float64 `json:"read_of_frame"`
	// Failed counts pictures the reader could not read at all.
	Failed int `json:"failed"`
	etaSum float64
}

type doc struct {
	name  string
	plan  *layout.Plan
	set   *leaktrace.Analysis
	pages []int // full pages: at least half the fullest page's points
}

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: layout-ber [-trials N] [-seed S] [-attacks A,...] [-frame F] [-json] [DOC...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	paths := flag.Args()
	if len(paths) == 0 {
		dir := corpus.Dir()
		if dir == "" {
			fail("no documents given and no corpus found (set LEAKTRACE_CORPUS)")
		}
		for _, p := range defaultDocs {
			paths = append(paths, filepath.Join(dir, p))
		}
	}
	var docs []*doc
	for _, p := range paths {
		d, err := load(p)
		if err != nil {
			fail("%s: %v", p, err)
		}
		docs = append(docs, d)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(*seed, 0x1a7b))
	var rows []*Row
	for _, atk := range strings.Split(*attacks, ",") {
		row := &Row{Attack: atk, Fraction: fraction(atk)}
		if atk != "pdf" {
			if _, ok := attack.PictureAttackByName(atk); !ok {
				fail("unknown attack %q", atk)
			}
		}
		for _, d := range docs {
			for t := 0; t < *trials; t++ {
				var key code.Key
				for i := range key {
					key[i] = byte(rng.UintN(256))
				}
				reader := fmt.Sprintf("reader-%d", rng.UintN(1000))
				pdf, truth, err := issue(d, key, reader)
				if err != nil {
					fail("%s: %v", d.name, err)
				}
				var pages []layout.SeenPage
				onPage := 0
				if atk == "pdf" {
					_, pages, err = pdfread.Read(ctx, pdf)
					onPage = d.plan.NumPoints()
				} else {
					page := d.pages[rng.IntN(len(d.pages))]
					onPage = d.plan.PointsOnPage(page)
					var img []byte
					if img, err = attack.PictureOf(ctx, atk, pdf, page, row.Fraction, rng); err != nil {
						fail("%s: %s: %v", d.name, atk, err)
					}
					_, pages, err = picture.Read(ctx, img, atk)
				}
				row.Pictures++
				row.Points += onPage
				if err != nil {
					fmt.Fprintf(os.Stderr, "layout-ber: %s %s trial %d: unread: %v\n", d.name, atk, t, err)
					row.Failed++
					continue
				}
				for _, o := range layout.Observe(d.plan, pages) {
					row.Measured++
					ob, ok := trace.FromLayout(o, d.plan.Delta())
					if !ok {
						row.Erased++
						continue
					}
					row.Read++
					row.etaSum += ob.Eta
					if ob.Symbols[0] != truth[o.Point] {
						row.Errors++
					}
				}
				if !*asJSON {
					fmt.Fprintf(os.Stderr, "%s %s: %d/%d read\n", atk, d.name, row.Read, row.Points)
				}
			}
		}
		if row.Read > 0 {
			row.BER = float64(row.Errors) / float64(row.Read)
			row.MeanEta = row.etaSum / float64(row.Read)
		}
		if row.Points > 0 {
			row.ReadOfPage = float64(row.Read) / float64(row.Points)
			row.ReadOfFrame = row.ReadOfPage / row.Fraction
		}
		rows = append(rows, row)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fail("%v", err)
		}
		return
	}
	fmt.Printf("documents: %s; %d trials each, seed %d\n", names(docs), *trials, *seed)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "attack\tframe\tpictures\tpoints\tmeasured\tread\terased\terrors\tBER\tmean η\tread/page\tread/frame\tunread\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%.3f\t%.3f\t%d\t\n", r.Attack, r.Fraction, r.Pictures,
			r.Points, r.Measured, r.Read, r.Erased, r.Errors, r.BER, r.MeanEta, r.ReadOfPage, r.ReadOfFrame, r.Failed)
	}
	tw.Flush()
}

// fraction is the share of a page's height an attack shows: -frame, or
// the attack's default.
func fraction(atk string) float64 {
	if *frame > 0 && atk != "pdf" {
		return *frame
	}
	return eval.DefaultFraction(atk)
}

func load(path string) (*doc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := leaktrace.Analyze(path, data)
	if err != nil {
		return nil, err
	}
	plan, err := layout.NewPlan(a.Set, filepath.Base(path), layout.Version1)
	if err != nil {
		return nil, err
	}
	d := &doc{name: filepath.Base(path), plan: plan, set: a}
	most := 0
	for p := 1; p <= plan.Pages(); p++ {
		most = max(most, plan.PointsOnPage(p))
	}
	for p := 1; p <= plan.Pages(); p++ {
		if n := plan.PointsOnPage(p); n > 0 && 2*n >= most {
			d.pages = append(d.pages, p)
		}
	}
	if len(d.pages) == 0 {
		return nil, fmt.Errorf("no layout points")
	}
	return d, nil
}

// issue typesets reader's PDF copy under key, as the service does, and
// returns it with its layout symbols.
func issue(d *doc, key code.Key, reader string) ([]byte, []uint8, error) {
	id := strings.TrimSuffix(d.name, filepath.Ext(d.name))
	text := make([]uint8, len(d.set.Set.Points))
	code.SymbolsOnce(key, id, d.set.Set.Specs(), reader, text)
	lay := make([]uint8, d.plan.NumPoints())
	code.SymbolsOnce(key, layout.CodeDomain(d.plan.Version)+id, d.plan.Specs(), reader, lay)
	var buf strings.Builder
	if err := d.plan.PDF(&buf, text, lay, layout.PDFOptions{}); err != nil {
		return nil, nil, err
	}
	return []byte(buf.String()), lay, nil
}

func names(docs []*doc) string {
	var n []string
	for _, d := range docs {
		n = append(n, d.name)
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "layout-ber: error: "+format+"\n", args...)
	os.Exit(1)
}
