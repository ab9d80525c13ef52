package service

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// CapacityRecipients is the number of readers capacity is estimated for.
const CapacityRecipients = 1000

// retypeSurvival is the share of lexical points that survive retyping
// with typos in 2% of words: a typo in the variant's words or in either
// neighbour makes the point unreadable.
const retypeSurvival = 0.94

// survivals model what each attack leaves readable, for capacity
// estimates: a paste keeps every mark; normalizing removes the
// typographic channel; retyping removes it too and loses a few lexical
// points to typos.
var survivals = map[string]trace.Survival{
	"paste": func(*marks.Point) float64 { return 1 },
	"normalize": func(p *marks.Point) float64 {
		if p.Channel == marks.Lexical {
			return 1
		}
		return 0
	},
	"retype": func(p *marks.Point) float64 {
		if p.Channel == marks.Lexical {
			return retypeSurvival
		}
		return 0
	},
}

// CapacityAttacks are the text attacks a capacity estimate covers, in
// report order.
var CapacityAttacks = []string{"paste", "normalize", "retype"}

// CapacityWarnings says, in plain words, which leaks of a document are too
// short to trace reliably; none when its capacity was not estimated.
func CapacityWarnings(d *leaktrace.Document) []string {
	if d.Capacity == nil {
		return nil
	}
	var out []string
	if l := d.Capacity.Layout; NativeLayout(d.Capacity) {
		if d.Marks.Total == 0 {
			out = append(out, fmt.Sprintf("the text of %s carries no marks: its copies are marked in their layout only, so a leak of its words alone (a paste, a retyped copy) cannot name its reader", d.ID))
		}
		if l.ExactPointsNeeded == 0 || l.ExactPointsNeeded > l.Points {
			out = append(out, fmt.Sprintf("%s has too few layout points (%d) for even a whole copy to name its reader among %d with confidence", d.ID, l.Points, d.Capacity.Recipients))
		}
		if d.Marks.Total == 0 {
			return out
		}
	}
	_, pasteOK := d.Capacity.Words("paste")
	if !pasteOK {
		out = append(out, fmt.Sprintf("%s is too short to trace reliably: even a paste of the whole document would not name its reader among %d with confidence", d.ID, d.Capacity.Recipients))
	}
	for _, a := range CapacityAttacks[1:] {
		if _, ok := d.Capacity.Words(a); !ok && pasteOK {
			out = append(out, fmt.Sprintf("a %s leak of %s cannot be traced reliably, however long: too few marks survive it", a, d.ID))
		}
	}
	return out
}

// NativeLayout reports whether a capacity counts layout points the
// document's own format carries.
func NativeLayout(c *leaktrace.Capacity) bool {
	return c != nil && c.Layout != nil && c.Layout.Native
}

// Capacity estimates, with the scoring's own maths, how many words a leak
// of the analysed document must hold for its reader to be named.
func (s *Service) Capacity(id string, a *leaktrace.Analysis) *leaktrace.Capacity {
	return s.capacity(id, a, func(int) {})
}

// addSteps is how many steps AddDocument reports: finding points,
// indexing, one capacity estimate per attack, the layout channel's,
// saving.
var addSteps = 4 + len(survivals)

// capacity is Capacity, calling step(0) before the first estimate and
// step(k) after the k-th.
func (s *Service) capacity(id string, a *leaktrace.Analysis, step func(done int)) *leaktrace.Capacity {
	step(0)
	var regions []string
	for _, r := range a.Set.Doc.Regions() {
		regions = append(regions, r.Text)
	}
	// The estimate reads few of a long document's points: derive the
	// code only at those.
	est := trace.NewLazyEstimator(regions, a.Set.Points, code.NewLazy(s.key, id, a.Set.Specs()))
	cp := &leaktrace.Capacity{Recipients: CapacityRecipients, Epsilon: DefaultEpsilon, WordsNeeded: map[string]*int{}}
	done := 0
	for name, survive := range survivals {
		if w := est.WordsNeeded(CapacityRecipients, DefaultEpsilon, survive); w > 0 {
			cp.WordsNeeded[name] = &w
		} else {
			cp.WordsNeeded[name] = nil
		}
		done++
		step(done)
	}
	return cp
}

// Capacity of the layout channel.

// layoutReadings model how pictures of a PDF copy show its layout points,
// for capacity estimates (see trace.LayoutReading): the read rate, bit
// error rate and mean η of layout points on whole pages damaged as each
// picture attack damages them, measured on random readers' copies of two
// FOMC minutes and two State of the Union addresses of the test corpus
// (20 pictures per attack) by
//
//	scripts/layout-ber -trials 5 -frame 1 -attacks photo,photo-hard,screenshot,print-scan
//
// (docs/robustness.md, "Layout bit errors"). Whole pages, so that the
// read rate is that of the points in frame: a picture showing part of a
// page reads the points of that part as well as a whole page's.
var layoutReadings = map[string]trace.LayoutReading{
	"photo":      {ReadRate: 0.824, BER: 0.0378, Eta: 0.0460},
	"photo-hard": {ReadRate: 0.574, BER: 0.0889, Eta: 0.0557},
	"screenshot": {ReadRate: 0.989, BER: 0.0063, Eta: 0.0236},
	"print-scan": {ReadRate: 0.999, BER: 0.0032, Eta: 0.0111},
}

// LayoutAttacks are the picture attacks a layout capacity covers, in
// report order.
var LayoutAttacks = []string{"photo", "photo-hard", "screenshot", "print-scan"}

// layoutCapacity takes a document as its PDF copies are typeset (plan)
// and estimates, with the layout code key derives for document id, how
// much of a full page a picture of a copy must show under each picture
// attack, rounded up to hundredths. It sets cp.Layout and cp.PagesNeeded.
func layoutCapacity(key code.Key, id string, plan *layout.Plan, cp *leaktrace.Capacity) {
	per := make([]int, plan.Pages())
	for p := range per {
		per[p] = plan.PointsOnPage(p + 1)
	}
	lc := &leaktrace.LayoutCapacity{Version: plan.Version, Pages: plan.Pages(), Points: plan.NumPoints(), FullPage: fullPage(per)}
	if len(per) > 0 {
		sorted := slices.Clone(per)
		slices.Sort(sorted)
		lc.PerPage = &leaktrace.Spread{Min: sorted[0], Median: sorted[len(sorted)/2], Max: sorted[len(sorted)-1]}
	}
	cp.Layout = lc
	cp.PagesNeeded = map[string]*float64{}
	lcode := trace.NewLayoutCode(key, id, plan.Version, plan.Specs(), plan.Delta())
	// The estimates are independent (the code is only read): one per
	// attack, side by side.
	needed := make([]int, len(LayoutAttacks))
	var wg sync.WaitGroup
	for i, atk := range LayoutAttacks {
		wg.Go(func() { needed[i] = lcode.PointsNeeded(CapacityRecipients, DefaultEpsilon, layoutReadings[atk]) })
	}
	wg.Wait()
	for i, atk := range LayoutAttacks {
		cp.PagesNeeded[atk] = nil
		if n := needed[i]; n > 0 && lc.FullPage > 0 {
			share := math.Ceil(100*float64(n)/float64(lc.FullPage)) / 100
			cp.PagesNeeded[atk] = &share
		}
	}
}

// fullPage is the layout points of a typical full page: the median over
// the pages holding at least half as many as the fullest one (a title
// page or the last few lines are not what a picture shows).
func fullPage(per []int) int {
	most := slices.Max(append([]int{0}, per...))
	var full []int
	for _, n := range per {
		if n > 0 && 2*n >= most {
			full = append(full, n)
		}
	}
	if len(full) == 0 {
		return 0
	}
	slices.Sort(full)
	return full[len(full)/2]
}

// LayoutEstimateMaxWords is the longest document whose layout channel is
// estimated. Typesetting a megabyte of text takes about a second and
// 65 MB of memory, and the estimates as long again: at the 8 MiB input
// limit (about 1,900 pages) they would double the time and memory of a
// registration. Its PDF copies are issued and traced all the same. A
// variable for tests.
var LayoutEstimateMaxWords = 250_000

// tooLongToEstimate is the reason given for a document over
// LayoutEstimateMaxWords.
func tooLongToEstimate(words int) *leaktrace.LayoutCapacity {
	return &leaktrace.LayoutCapacity{Version: layout.Version1,
		NotEstimated: fmt.Sprintf("%d words is longer than the %d whose layout is estimated", words, LayoutEstimateMaxWords)}
}

// nativeCapacity is the layout channel of a document whose own format
// carries layout points (format.Shifter): how many it has and, when
// the format is paged, how they spread over the pages, and how many a
// copy in the format must hold when they are read exactly. How much of a
// picture of such a copy is needed is not estimated (PagesNeeded stays
// empty): the picture readings above were measured on typeset copies.
func nativeCapacity(key code.Key, id string, sh format.Shifter, cp *leaktrace.Capacity) {
	scheme := sh.Shifts()
	lc := &leaktrace.LayoutCapacity{Version: scheme.Version, Points: len(scheme.Slots), Native: true}
	if pg, ok := sh.(interface{ SlotsPerPage() []int }); ok {
		per := pg.SlotsPerPage()
		lc.Pages, lc.FullPage = len(per), fullPage(per)
		if len(per) > 0 {
			sorted := slices.Clone(per)
			slices.Sort(sorted)
			lc.PerPage = &leaktrace.Spread{Min: sorted[0], Median: sorted[len(sorted)/2], Max: sorted[len(sorted)-1]}
		}
	}
	if len(scheme.Slots) > 0 {
		domain := layout.NativeDomain(sh.Format(), scheme.Version) + id
		lcode := trace.NewLayoutCodeIn(key, domain, scheme.Version, leaktrace.ShiftSpecs(len(scheme.Slots)), scheme.Delta)
		lc.ExactPointsNeeded = lcode.PointsNeeded(CapacityRecipients, DefaultEpsilon, trace.LayoutReading{ReadRate: 1})
	}
	cp.Layout = lc
}

// typesetCapacity is layoutCapacity for a document being registered,
// from its analysed set: a document the fonts can't typeset gets the
// reason instead of a figure, and so does one too long to estimate.
func typesetCapacity(key code.Key, id, title string, set *marks.Set, cp *leaktrace.Capacity) {
	if set.Words > LayoutEstimateMaxWords {
		cp.Layout = tooLongToEstimate(set.Words)
		return
	}
	plan, err := layout.NewPlan(set, title, layout.Version1)
	if err != nil {
		cp.Layout = &leaktrace.LayoutCapacity{Version: layout.Version1, Error: err.Error()}
		return
	}
	layoutCapacity(key, id, plan, cp)
}

// WithLayoutCapacity returns d's capacity with its layout channel: the
// one stored, or for a document registered before the layout channel was
// estimated, one estimated now (marked ComputedNow; it needs the marking
// key), or the reason it is not estimated (LayoutEstimateMaxWords). A
// document with no capacity stored at all is returned as it is.
func (s *Service) WithLayoutCapacity(ctx context.Context, d *leaktrace.Document) (*leaktrace.Capacity, error) {
	if d.Capacity == nil || d.Capacity.Layout != nil {
		return d.Capacity, nil
	}
	key, err := s.markingKey(ctx, OpEstimate)
	if err != nil {
		return d.Capacity, err
	}
	cp := *d.Capacity
	if d.Words > LayoutEstimateMaxWords {
		cp.Layout = tooLongToEstimate(d.Words)
		return &cp, nil
	}
	m, _, err := s.Marker(ctx, d.ID)
	if err != nil {
		return d.Capacity, err
	}
	if plan, err := s.Layout(m); err != nil {
		// The typesetter's own words, without "typesetting ID": one
		// layer, which keeps the character it could not draw.
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		cp.Layout = &leaktrace.LayoutCapacity{Version: layout.Version1, Error: err.Error()}
	} else {
		layoutCapacity(key, d.ID, plan, &cp)
	}
	cp.Layout.ComputedNow = true
	return &cp, nil
}

// ReencodeWarning says, for a document registered with Reencode, when
// re-encoding gains nothing: none of its parts is one that copies may
// re-encode (7-bit US-ASCII text), so its copies are what they would
// have been without it. "" otherwise.
func ReencodeWarning(d *leaktrace.Document) string {
	if !d.Reencode {
		return ""
	}
	plain, err := leaktrace.AnalyzeDocument(d.Filename, d.Content, format.ParseOptions{}, d.Options())
	if err != nil || plain.Marks().Total != d.Marks.Total {
		return ""
	}
	return fmt.Sprintf("--reencode changes nothing for %s: it has no 7-bit US-ASCII text part that a copy could re-encode", d.ID)
}
