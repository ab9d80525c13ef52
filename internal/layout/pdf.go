package layout

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// PDFOptions are a copy's visible extras.
type PDFOptions struct {
	// Footer, when not empty, is printed at the foot of every page
	// (such as "Copy issued to r0042").
	Footer string
	// Banner, when not empty, is the document's classification marking
	// ("TOP SECRET//SI//NOFORN"), printed centred in the top and the
	// bottom margin of every page. It sits outside the text block, so
	// the body, and its layout points, are where they would be without
	// it.
	Banner string
}

// The banner: bold, centred, at most bannerSize and shrunk to the text
// block's width down to minBannerSize; above the body at the top, under
// the footer at the bottom.
const (
	bannerSize    = 9.0
	minBannerSize = 4.0
	bannerTopY    = 40.0       // baseline, 32 pt above the text block
	bannerBottomY = pageH - 14 // baseline, under the footer's
)

// ErrBanner: a banner too long to print across a page.
var ErrBanner = errors.New("marking banner too long to print on a page")

// bannerText returns a banner as drawn and its size, checking that the
// fonts can draw it and that it fits the text block's width.
func bannerText(s string) (string, float64, error) {
	s = clean(s)
	if s == "" {
		return "", 0, nil
	}
	w, r, ok := faces[sansBold].width(s, bannerSize)
	if !ok {
		return "", 0, fmt.Errorf("%w: %q (U+%04X) in the banner", ErrGlyph, r, r)
	}
	if r, ok := rightToLeft(s); ok {
		return "", 0, fmt.Errorf("%w: %q (U+%04X) in the banner", ErrDirection, r, r)
	}
	size := bannerSize
	if w > textW {
		size = math.Floor(bannerSize*textW/w*100) / 100
	}
	if size < minBannerSize {
		return "", 0, fmt.Errorf("%w: %d characters", ErrBanner, len([]rune(s)))
	}
	return s, size, nil
}

// ErrSymbols: the symbols given don't fit the plan.
var ErrSymbols = errors.New("symbols do not match the document's points")

// pdfDate is every copy's creation and modification date: a copy's bytes
// depend on nothing but the document, the reader and the key.
var pdfDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// PDF writes the reader's copy: the text points' variants textSymbols
// choose (as marks.Set.Edits would), and each layout point's word moved
// left (symbol 0) or right (symbol 1) by Delta, every other word of its
// line where the plan puts it.
func (p *Plan) PDF(w io.Writer, textSymbols, layoutSymbols []uint8, opt PDFOptions) error {
	return p.pdf(w, textSymbols, layoutSymbols, opt, p.delta)
}

// pdf writes a copy whose layout points move by delta: Delta for a copy,
// others only for illustrations (docs_test.go).
func (p *Plan) pdf(w io.Writer, textSymbols, layoutSymbols []uint8, opt PDFOptions, delta float64) error {
	if len(textSymbols) != len(p.set.Points) || len(layoutSymbols) != len(p.points) {
		return fmt.Errorf("%w: %d text and %d layout symbols for %d and %d points",
			ErrSymbols, len(textSymbols), len(layoutSymbols), len(p.set.Points), len(p.points))
	}
	for i, s := range textSymbols {
		if int(s) >= len(p.set.Points[i].Variants) {
			return fmt.Errorf("%w: text point %d has no variant %d", ErrSymbols, i, s)
		}
	}
	footer := clean(opt.Footer)
	fw, r, ok := faces[serif].width(footer, footerSize)
	if !ok {
		return fmt.Errorf("%w: %q (U+%04X) in the footer", ErrGlyph, r, r)
	}
	if r, ok := rightToLeft(footer); ok {
		return fmt.Errorf("%w: %q (U+%04X) in the footer", ErrDirection, r, r)
	}
	if fw > textW {
		footer = fitFooter(footer)
	}
	banner, bannerPt, err := bannerText(opt.Banner)
	if err != nil {
		return err
	}
	shift := map[[2]int]float64{}
	for i, pt := range p.points {
		switch layoutSymbols[i] {
		case 0:
			shift[[2]int{pt.line, pt.box}] = -delta
		case 1:
			shift[[2]int{pt.line, pt.box}] = delta
		default:
			return fmt.Errorf("%w: layout point %d has no variant %d", ErrSymbols, i, layoutSymbols[i])
		}
	}

	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(pdfDate)
	pdf.SetModificationDate(pdfDate)
	pdf.SetCompression(true)
	pdf.SetProducer("leaktrace", false)
	pdf.SetTitle(clean(p.title), true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	// Only the faces the document uses are embedded: parsing a font is
	// most of the time a copy takes.
	styles := p.styles()
	if banner != "" {
		styles[sansBold] = true
	}
	for st, used := range styles {
		if used {
			f := faces[st]
			pdf.AddUTF8FontFromBytes(f.family, f.pdfStyle, f.ttf)
		}
	}
	setFont := func(st style, size float64) {
		f := faces[st]
		pdf.SetFont(f.family, f.pdfStyle, size)
	}
	li, di, ri := 0, 0, 0
	for page := 1; page <= p.pages; page++ {
		pdf.AddPage()
		for ; di < len(p.decors) && p.decors[di].page == page; di++ {
			d := &p.decors[di]
			setFont(d.st, d.size)
			pdf.Text(d.x, d.y, d.text)
		}
		pdf.SetLineWidth(0.5)
		for ; ri < len(p.rules) && p.rules[ri].page == page; ri++ {
			r := &p.rules[ri]
			pdf.Line(r.x1, r.y1, r.x2, r.y2)
		}
		for ; li < len(p.lines) && p.lines[li].page == page; li++ {
			l := &p.lines[li]
			for _, pw := range p.placeLine(li, textSymbols, shift) {
				for _, r := range pw.runs {
					setFont(r.st, r.size)
					pdf.Text(r.x, l.y, r.text)
				}
			}
		}
		setFont(serif, folioSize)
		num := strconv.Itoa(page)
		nw, _, _ := faces[serif].width(num, folioSize)
		pdf.Text(round2((pageW-nw)/2), folioY, num)
		if footer != "" {
			setFont(serif, footerSize)
			pdf.Text(margin, footerY, footer)
		}
		if banner != "" {
			setFont(sansBold, bannerPt)
			bw, _, _ := faces[sansBold].width(banner, bannerPt)
			x := round2((pageW - bw) / 2)
			pdf.Text(x, bannerTopY, banner)
			pdf.Text(x, bannerBottomY, banner)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	return pdf.Output(w)
}

// runText is a run as one copy draws it.
func (p *Plan) runText(r run, textSymbols []uint8) string {
	var b strings.Builder
	for _, s := range r.segs {
		if s.point < 0 {
			b.WriteString(s.text)
			continue
		}
		pt := &p.set.Points[s.point]
		b.WriteString(clean(pt.Variants[textSymbols[s.point]]))
	}
	return b.String()
}

// styles reports which faces the copy draws with: the body serif (page
// numbers and footer) and those of every line and decoration.
func (p *Plan) styles() [numStyles]bool {
	var used [numStyles]bool
	used[serif] = true
	for _, d := range p.decors {
		used[d.st] = true
	}
	for _, l := range p.lines {
		for _, b := range l.boxes {
			for _, r := range b.runs {
				used[r.st] = true
			}
		}
	}
	return used
}

// placedWord is a word as one copy draws it: its runs, each at its x.
type placedWord struct {
	box  int
	x    float64 // left edge of the advance box
	runs []placedRun
}

type placedRun struct {
	st   style
	size float64
	x    float64
	text string
}

// placeLine places line li's words in one copy: the text points'
// variants as textSymbols choose, the layout points shifted as shift
// says. Each word starts one pitch after the last one's unshifted start,
// so a shift moves its word alone.
func (p *Plan) placeLine(li int, textSymbols []uint8, shift map[[2]int]float64) []placedWord {
	l := &p.lines[li]
	out := make([]placedWord, 0, len(l.boxes))
	x := l.x
	for k := range l.boxes {
		b := &l.boxes[k]
		bx := round2(x + shift[[2]int{li, k}])
		pw := placedWord{box: k, x: bx}
		w := 0.0
		for _, r := range b.runs {
			s := p.runText(r, textSymbols)
			if s == "" {
				continue
			}
			pw.runs = append(pw.runs, placedRun{st: r.st, size: r.size, x: round2(bx + w), text: s})
			rw, _, _ := faces[r.st].width(s, r.size)
			w += rw
		}
		out = append(out, pw)
		x += b.pitch(w)
	}
	return out
}

// Drawable reports whether s can be drawn in a footer: the fonts have
// every character, and none is written right to left.
func Drawable(s string) bool {
	if err := loadFaces(); err != nil {
		return false
	}
	s = clean(s)
	if _, _, ok := faces[serif].width(s, footerSize); !ok {
		return false
	}
	_, rtl := rightToLeft(s)
	return !rtl
}

// fitFooter shortens a footer wider than the text block by cutting
// characters from its middle, marked by an ellipsis, so that its start
// ("Issued to" and the name's beginning) and its end (the reader's id)
// stay on the page.
func fitFooter(footer string) string {
	rs := []rune(footer)
	for cut := 1; cut < len(rs); cut++ {
		head := (len(rs) - cut) / 2
		s := string(rs[:head]) + "…" + string(rs[head+cut:])
		if w, _, _ := faces[serif].width(s, footerSize); w <= textW {
			return s
		}
	}
	return footer
}

// CheckBanner returns the error [Plan.PDF] would give for banner as
// [PDFOptions.Banner] ([ErrGlyph], [ErrDirection] or [ErrBanner]), or
// nil if every page can carry it.
func CheckBanner(banner string) error {
	if err := loadFaces(); err != nil {
		return err
	}
	_, _, err := bannerText(banner)
	return err
}
