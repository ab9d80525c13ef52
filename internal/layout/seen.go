// Package layout typesets documents into pages and carries the layout
// channel: variation points in the geometry of the page (word shifts),
// read back from a PDF's glyph positions or from the pixels of a photo,
// scan or screenshot.
//
// This file holds the contract between the three parts that meet here:
//   - the typesetter ([Plan]), the same for every reader of a document,
//     which places each word and decides the layout points;
//   - the readers of leaks (a PDF's text layer, an image's OCR and ink
//     profiles), which report what they saw as [SeenPage]s;
//   - [Observe], which matches what was seen to the plan and measures
//     each layout point it can.
package layout

// CodeDomain is prefixed to a document's id to derive the code of its
// layout points, so that they are independent of its text points:
// code.NewLazy(key, CodeDomain(version)+docID, plan.Specs()).
func CodeDomain(version int) string {
	return "leaktrace/layout/v" + itoa(version) + "\x00"
}

// NativeDomain is prefixed to a document's id to derive the code of the
// layout points its own format carries (format.Shifter): kind is the
// format's, version its ShiftScheme's. It differs from every CodeDomain,
// so a document's native and typeset layout codes are independent.
func NativeDomain(kind string, version int) string {
	return "leaktrace/layout/" + kind + "/v" + itoa(version) + "\x00"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// SeenWord is one word as a reader of a leak saw it.
type SeenWord struct {
	// Text is the word as read (OCR output or the text layer).
	Text string
	// Left and Right are the word's extents along its line's baseline,
	// in the page's own unit (pixels for an image, points for a PDF),
	// measured to sub-unit precision where the reader can.
	Left, Right float64
	// Sigma is the standard deviation of Left and Right's error, in the
	// same unit; zero means exact (a PDF's glyph positions).
	Sigma float64
	// Top and Bottom are the word's extents down the page, in the same
	// unit, where the reader knows them (a PDF's word boxes); both zero
	// otherwise.
	Top, Bottom float64
	// InkLeft and InkRight, on a page read from a PDF (Ink false), are
	// the extents of the word's ink along the line in the same unit as
	// Left and Right, where the page was also rasterized and measured
	// (a reference layout, see [NewReferencePlan]); both zero otherwise.
	InkLeft, InkRight float64
}

// HasInk reports whether the word's ink extents were measured.
func (w SeenWord) HasInk() bool { return w.InkRight > w.InkLeft }

// SeenLine is one line of text as seen, its words in reading order.
type SeenLine struct {
	Words []SeenWord
}

// SeenPage is what a reader saw on one page, picture or PDF page.
type SeenPage struct {
	// Ink is true when Left and Right are the extents of the ink (an
	// image), false when they are the glyphs' advance boxes (a PDF's
	// text layer).
	Ink   bool
	Lines []SeenLine
	// Source names where the page came from, for reports
	// ("leak.pdf page 2", "photo.jpg").
	Source string
}

// Observation is one layout point as measured on a leak.
type Observation struct {
	// Point indexes the plan's points.
	Point int
	// Shift is the measured displacement of the point's word, in points
	// (1/72 in) of the page as typeset: about −Delta or +Delta when the
	// mark was read, with Sigma the standard deviation of its error.
	Shift, Sigma float64
	// Source is the SeenPage the point was measured on.
	Source string
}
