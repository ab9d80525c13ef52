// Command nativephotos measures how pictures and PDFs of copies in a
// document's own format name their reader, for the formats whose copies
// carry layout marks of their own (format.Shifter: DOCX, PDF sources).
// Run it through scripts/native-photos.
//
// It registers each document in a scratch home with -readers readers and
// issues every reader's copy, as 'leaktrace issue --all' does. Each trial
// takes a random reader's copy, prints it to PDF (a copy that is a PDF is
// its own printout; any other is printed by LibreOffice, as Word or
// LibreOffice would print it), leaks a page of it through a picture
// attack of package attack (or the printout itself: attack "pdf"), and
// traces the leak with the service, as 'leaktrace trace' does. It is
// generic over the registered formats: a document whose format carries
// no layout marks of its own is reported and skipped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/eval"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/service"
)

var (
	trials  = flag.Int("trials", 10, "leaks per document and attack")
	readers = flag.Int("readers", 300, "readers issued a copy of each document")
	seed    = flag.Uint64("seed", 1, "seed of the readers drawn, the pages and the damage")
	attacks = flag.String("attacks", "photo", "attacks, comma-separated: pdf, or picture attacks of package attack (photo, photo-hard, screenshot, print-scan)")
	epsilon = flag.Float64("epsilon", 1e-6, "false-accusation bound of each trace")
	words   = flag.Int("words", 900, "words of the corpus memo made into the default documents")
)

// defaultSource is the corpus text the default documents are made from.
const defaultSource = "fomc/2012-01-24-2012-01-25.txt"

// row is one document and attack's tally.
type row struct {
	doc, format, attack          string
	trials, named, found, unread int
	accused                      int // innocents accused
	layoutRead, layoutErrors     int
	located, slots               int
}

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: native-photos [-trials N] [-readers N] [-attacks A,...] [-seed S] [-words N] [DOC...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx := context.Background()
	work, err := os.MkdirTemp("", "leaktrace-native-")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(work)
	paths := flag.Args()
	if len(paths) == 0 {
		if paths, err = defaultDocs(ctx, work); err != nil {
			fail("%v", err)
		}
	}
	home := filepath.Join(work, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		fail("%v", err)
	}
	if err := service.Init(ctx, home, service.InitOptions{Actor: "native-photos"}); err != nil {
		fail("%v", err)
	}
	s, err := service.Open(ctx, home)
	if err != nil {
		fail("%v", err)
	}
	defer s.Close()
	var rs []leaktrace.Recipient
	var ids []string
	for i := range *readers {
		id := fmt.Sprintf("r%04d", i)
		ids = append(ids, id)
		rs = append(rs, leaktrace.Recipient{ID: id, Name: "Reader " + id})
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		fail("%v", err)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x9a7e))
	var rows []*row
	for n, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			fail("%v", err)
		}
		id := fmt.Sprintf("doc%d", n+1)
		if _, err := s.AddDocument(ctx, filepath.Base(path), data, id, ""); errors.Is(err, format.ErrUnsupported) {
			fmt.Fprintf(os.Stderr, "native-photos: %s: %v; skipped\n", path, err)
			continue
		} else if err != nil {
			fail("%s: %v", path, err)
		}
		mk, _, err := s.Marker(ctx, id)
		if err != nil {
			fail("%s: %v", path, err)
		}
		name := format.Of(mk.Set().Doc).Name
		if _, ok := mk.ShiftScheme(); !ok {
			fmt.Fprintf(os.Stderr, "native-photos: %s: %s copies carry no layout marks of their own; skipped\n", path, name)
			continue
		}
		plan, err := s.ReferencePlan(ctx, mk)
		if err != nil {
			fail("%s: %v", path, err)
		}
		pages := fullPages(plan)
		issued, err := s.Issue(ctx, mk, ids)
		if err != nil {
			fail("%s: %v", path, err)
		}
		for _, atk := range strings.Split(*attacks, ",") {
			r := &row{doc: filepath.Base(path), format: name, attack: atk, located: plan.Located(), slots: plan.NumPoints()}
			for t := 0; t < *trials; t++ {
				k := rng.IntN(len(issued))
				reader := issued[k].Recipient
				printout, err := printed(ctx, filepath.Base(path), issued[k].Data)
				if err != nil {
					fail("%s: printing %s's copy: %v", path, reader, err)
				}
				in := service.TraceInput{Name: "leak.pdf", Data: printout}
				if atk != "pdf" {
					page := pages[rng.IntN(len(pages))]
					img, err := attack.PictureOf(ctx, atk, printout, page, eval.DefaultFraction(atk), rng)
					if err != nil {
						fail("%s: %s: %v", path, atk, err)
					}
					in = service.TraceInput{Name: "leak-" + atk, Data: img}
				}
				r.trials++
				rep, err := s.TraceInputs(ctx, []service.TraceInput{in}, *epsilon, 5)
				if err != nil {
					fmt.Fprintf(os.Stderr, "native-photos: %s %s trial %d: %v\n", r.doc, atk, t, err)
					r.unread++
					continue
				}
				tally(r, rep, id, reader, mk.Shifts(reader))
				fmt.Fprintf(os.Stderr, "%s %s: %d/%d named\n", r.doc, atk, r.named, r.trials)
			}
			rows = append(rows, r)
		}
	}
	fmt.Printf("%d readers, ε = %g, seed %d\n", *readers, *epsilon, *seed)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "document\tformat\tattack\ttrials\tnamed\tinnocents accused\tdocument found\tunread\tlayout read/trial\tlayout BER\tslots located\t")
	for _, r := range rows {
		ber := 0.0
		if r.layoutRead > 0 {
			ber = float64(r.layoutErrors) / float64(r.layoutRead)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.2f\t%d\t%.2f\t%d\t%.1f\t%.4f\t%d/%d\t\n", r.doc, r.format, r.attack, r.trials,
			float64(r.named)/float64(max(r.trials, 1)), r.accused, float64(r.found)/float64(max(r.trials, 1)), r.unread,
			float64(r.layoutRead)/float64(max(r.trials, 1)), ber, r.located, r.slots)
	}
	tw.Flush()
}

// tally reads a trace's report of a leak of reader's copy of document id,
// whose native layout symbols are truth.
func tally(r *row, rep *service.TraceReport, id, reader string, truth []uint8) {
	named := false
	for _, m := range rep.Matches {
		if m.Source.ID == id {
			r.found++
			for _, o := range m.Observations {
				if o.Layout && o.Point < len(truth) && len(o.Symbols) == 1 {
					r.layoutRead++
					if o.Symbols[0] != truth[o.Point] {
						r.layoutErrors++
					}
				}
			}
		}
		for _, s := range m.Suspects {
			if !s.Accused {
				continue
			}
			if s.Recipient == reader && m.Source.ID == id {
				named = true
			} else {
				r.accused++
			}
		}
	}
	if named {
		r.named++
	}
}

// printed is a copy as printed to PDF: itself if it is one, else as
// LibreOffice prints it.
func printed(ctx context.Context, name string, copy []byte) ([]byte, error) {
	if picture.Sniff(copy) == "pdf" {
		return copy, nil
	}
	return office.Convert(ctx, name, copy, "pdf", "pdf")
}

// fullPages are the reference's pages that hold at least half as many
// located slots as the fullest one.
func fullPages(p *layout.Plan) []int {
	most := 0
	for pg := 1; pg <= p.Pages(); pg++ {
		most = max(most, p.PointsOnPage(pg))
	}
	var out []int
	for pg := 1; pg <= p.Pages(); pg++ {
		if n := p.PointsOnPage(pg); n > 0 && 2*n >= most {
			out = append(out, pg)
		}
	}
	if len(out) == 0 {
		out = []int{1}
	}
	return out
}

// defaultDocs makes the default documents: a memo of the corpus, saved as
// text and made into a DOCX and a PDF by LibreOffice.
func defaultDocs(ctx context.Context, dir string) ([]string, error) {
	cdir := corpus.Dir()
	if cdir == "" {
		return nil, fmt.Errorf("no documents given and no corpus found (set LEAKTRACE_CORPUS)")
	}
	memo := corpus.Memo(filepath.Join(cdir, defaultSource), *words, rand.New(rand.NewPCG(*seed, 7)))
	if memo == "" {
		return nil, fmt.Errorf("corpus text %s not found", defaultSource)
	}
	var out []string
	for _, ext := range []string{"docx", "pdf"} {
		data, err := office.Convert(ctx, "memo.txt", []byte(memo), ext, ext)
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, "memo."+ext)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "native-photos: error: "+format+"\n", args...)
	os.Exit(1)
}
