// Package evalplot draws the evaluation's headline chart: how often the
// tracer identifies the leaker against how many words of the leak it is
// given, one line per attack (and number of colluders). It keeps the
// plotting library out of the evaluation code, which hands it plain rows.
package evalplot

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/leaktrace/leaktrace/internal/fsutil"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Row is one cell of the evaluation table: an attack at one excerpt
// length and number of colluders, over Trials trials. Plot uses Attack,
// Colluders, Words, Identified and Trials; the rest rides along so that a
// caller can convert its table row for row.
type Row struct {
	Attack           string
	Words            int
	Colluders        int
	Trials           int
	Identified       float64 // rate of trials whose leaker was identified, 0..1
	FalseAccusations int
	DocFound         float64 // rate of trials whose document was found, 0..1
	TraceMsMedian    float64
}

// Size of the data area; the legend is put to its right, outside, so
// that it never hides a line however the rates fall.
const (
	plotWidth  = 6 * vg.Inch
	plotHeight = 4 * vg.Inch
	legendGap  = 3 * vg.Millimeter
	// pngDPI makes a PNG sharp enough for a report or a README.
	pngDPI = 150
	// maxWordTicks is how many distinct lengths get a tick each; past
	// it, the axis falls back to the library's ticks.
	maxWordTicks = 12
)

// series is one line of the chart: the rows of one attack and number of
// colluders.
type series struct {
	attack    string
	colluders int
	points    plotter.XYs
}

// name labels a series in the legend; a lone leaker is the common case
// and gets no colluder count.
func (s series) name() string {
	if s.colluders <= 1 {
		return s.attack
	}
	return fmt.Sprintf("%s, %d colluders", s.attack, s.colluders)
}

// Plot writes the chart [Render] draws to path, replacing it, as SVG or
// PNG, chosen by the extension (.svg or .png).
func Plot(rows []Row, title, path string) error {
	data, err := Render(rows, title, filepath.Ext(path))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return fsutil.WriteFile(path, data, 0o644)
}

// Render draws the identification rate (0–100%) against excerpt length
// in words, one line with point markers per (attack, colluders) series,
// as SVG or PNG, chosen by ext (".svg" or ".png", in any case). The x axis is logarithmic when the lengths span more than a
// factor of ten, since evaluations step lengths geometrically. Series
// are ordered by attack, then colluders, and points by length, so the
// same rows always give the same file. Rows of a series with the same
// length are pooled, weighted by their trials.
func Render(rows []Row, title, ext string) ([]byte, error) {
	return RenderAxis(rows, title, ext, "excerpt length (words)")
}

// RenderAxis is [Render] with the x axis labelled xLabel: for PDF copies
// the rows' Words hold the percentage of a page a picture shows.
func RenderAxis(rows []Row, title, ext, xLabel string) ([]byte, error) {
	format := strings.ToLower(strings.TrimPrefix(ext, "."))
	if format != "svg" && format != "png" {
		return nil, fmt.Errorf("evalplot: unsupported format %q, want .svg or .png", ext)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("evalplot: no rows to plot")
	}

	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = "leaker identified (% of trials)"
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = percentTicks{}
	p.Add(plotter.NewGrid())

	words := distinctWords(rows)
	logX := words[0] > 0 && float64(words[len(words)-1]) > 10*float64(words[0])
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	if len(words) <= maxWordTicks {
		p.X.Tick.Marker = wordTicks(words)
	}

	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	for i, s := range group(rows) {
		line, points, err := plotter.NewLinePoints(s.points)
		if err != nil {
			return nil, fmt.Errorf("evalplot: series %q: %w", s.name(), err)
		}
		line.Color = plotutil.Color(i)
		// Past the palette, colours repeat and dashes tell lines apart.
		line.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		points.Color = line.Color
		points.Shape = plotutil.Shape(i)
		points.Radius = vg.Points(3)
		p.Add(line, points)
		legend.Add(s.name(), line, points)
	}

	legendWidth := legend.Rectangle(draw.Canvas{}).Size().X
	width := plotWidth + legendGap + legendWidth + legendGap
	var c vg.CanvasWriterTo
	if format == "svg" {
		c = vgsvg.New(width, plotHeight)
	} else {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, plotHeight), vgimg.UseDPI(pngDPI))}
	}
	dc := draw.New(c)
	// vgimg starts transparent; fill so the PNG reads on dark viewers too.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	p.Draw(draw.Crop(dc, 0, -(legendGap + legendWidth + legendGap), 0, 0))
	// Top-aligned with the data area, below the title.
	top := vg.Length(0)
	if title != "" {
		top = -(p.Title.TextStyle.Rectangle(title).Size().Y + p.Title.Padding)
	}
	legend.Draw(draw.Crop(dc, plotWidth+legendGap, -legendGap, 0, top))

	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("evalplot: %w", err)
	}
	return buf.Bytes(), nil
}

// group splits rows into series sorted by attack then colluders, each
// with its points sorted by length and rows of equal length pooled.
func group(rows []Row) []series {
	type key struct {
		attack    string
		colluders int
	}
	type acc struct{ hits, trials float64 }
	cells := map[key]map[int]*acc{}
	for _, r := range rows {
		k := key{r.Attack, r.Colluders}
		if cells[k] == nil {
			cells[k] = map[int]*acc{}
		}
		a := cells[k][r.Words]
		if a == nil {
			a = &acc{}
			cells[k][r.Words] = a
		}
		// A row that does not say how many trials counts as one, so a
		// table without counts is still averaged rather than dropped.
		t := float64(max(r.Trials, 1))
		a.hits += r.Identified * t
		a.trials += t
	}
	var out []series
	for k, byWords := range cells {
		s := series{attack: k.attack, colluders: k.colluders}
		for w, a := range byWords {
			s.points = append(s.points, plotter.XY{X: float64(w), Y: 100 * a.hits / a.trials})
		}
		slices.SortFunc(s.points, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b series) int {
		return cmp.Or(cmp.Compare(a.attack, b.attack), cmp.Compare(a.colluders, b.colluders))
	})
	return out
}

// distinctWords returns the excerpt lengths of rows, sorted, once each.
func distinctWords(rows []Row) []int {
	var ws []int
	for _, r := range rows {
		ws = append(ws, r.Words)
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// wordTicks labels exactly the lengths evaluated: a reader wants to read
// off "at 50 words", which generic log ticks (10, 100, 1000) do not give.
type wordTicks []int

func (ws wordTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, w := range ws {
		if v := float64(w); v >= lo && v <= hi {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(w)})
		}
	}
	return ts
}

// percentTicks labels the rate axis every 20% with minor ticks between.
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for v := math.Ceil(lo/10) * 10; v <= hi; v += 10 {
		t := plot.Tick{Value: v}
		if int(v)%20 == 0 {
			t.Label = strconv.Itoa(int(v)) + "%"
		}
		ts = append(ts, t)
	}
	return ts
}
