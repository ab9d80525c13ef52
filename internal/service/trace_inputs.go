package service

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// Inputs of a trace: text, PDFs and pictures.
//
// A leak may be several files (pages, photos, excerpts). Each is read by
// what its content is, not its name: a PDF's text layer and glyph
// positions, a picture's OCR text and ink, or text. The text of every
// input finds the documents (the index and the alignment, as for one
// text); each input is aligned on its own and the matches of one
// document are pooled (trace.Pool), then the layout points the PDFs and
// pictures show of that document are measured against its typeset plan
// and join its observations, scored against its layout code. The
// candidates and the Bonferroni count are those of a single text.

// Input kinds.
const (
	KindText  = "text"
	KindPDF   = "pdf"
	KindImage = "image"
)

// MaxLeakInput is the largest input of a trace: a photo or a PDF may be
// larger than a registered document (a text input is still held to
// format.MaxSize).
const MaxLeakInput = 64 << 20

// ErrLeakTooLarge is returned for an input larger than MaxLeakInput.
var ErrLeakTooLarge = fmt.Errorf("the input is larger than %d MiB", MaxLeakInput>>20)

// ErrLeakInput is returned, wrapped with the input's name and the cause,
// for an input of several that can't be read.
var ErrLeakInput = errors.New("cannot read this input")

// TraceInput is one file of a leak.
type TraceInput struct {
	Name string
	Data []byte
}

// InputRead says what a trace read from one input.
type InputRead struct {
	Name   string
	Kind   string // KindText, KindPDF or KindImage
	Format string // "png", "jpeg", "tiff", "pdf", "text", or a marked binary format's kind ("docx")
	Words  int
	Pages  int // pages seen (PDF pages, pictures), 0 for text
	SHA256 string
}

// readInput reads one input by its content: its text, the pages whose
// layout it shows (none for text), and warnings.
func readInput(ctx context.Context, in TraceInput) (string, []layout.SeenPage, InputRead, []string, error) {
	rd := InputRead{Name: in.Name, SHA256: leaktrace.Hash(in.Data)}
	if len(in.Data) > MaxLeakInput {
		return "", nil, rd, nil, fmt.Errorf("%w (%d bytes)", ErrLeakTooLarge, len(in.Data))
	}
	var (
		text     string
		pages    []layout.SeenPage
		warnings []string
		err      error
	)
	switch f := picture.Sniff(in.Data); f {
	case "pdf":
		rd.Kind, rd.Format = KindPDF, f
		text, pages, err = pdfread.Read(ctx, in.Data)
	case "png", "jpeg", "tiff":
		rd.Kind, rd.Format = KindImage, f
		text, pages, err = picture.Read(ctx, in.Data, in.Name)
	default:
		rd.Kind, rd.Format = KindText, "text"
		if d := format.ByContent(in.Data); d != nil && d.Binary && d.Marked() {
			rd.Format = d.Kind // a file in a marked format: its text, and its own layout points
		}
		text, warnings, err = LeakText(in.Name, in.Data)
	}
	if err != nil {
		return "", nil, rd, nil, err
	}
	// Pages are named for reports by their input ("leak.pdf page 2").
	for i := range pages {
		switch src := pages[i].Source; {
		case src == "":
			pages[i].Source = in.Name
		case !strings.HasPrefix(src, in.Name):
			pages[i].Source = in.Name + " " + src
		}
	}
	rd.Pages = len(pages)
	return text, pages, rd, warnings, nil
}

// kindNative is an input in a marked binary format (a DOCX): text that
// may carry the layout points of its own format too.
const kindNative = "native"

// channelsOf lists the channels inputs of these kinds can carry, in
// report order: text carries the text channels, a PDF every channel, a
// picture the lexical and layout channels (OCR keeps wording, not
// zero-width characters or reliably the shape of a quote), a file in a
// marked format such as a DOCX every channel.
func channelsOf(kinds map[string]bool) []string {
	has := map[marks.Channel]bool{}
	if kinds[KindText] || kinds[KindPDF] {
		has[marks.Typographic], has[marks.Lexical] = true, true
	}
	if kinds[KindPDF] || kinds[KindImage] || kinds[kindNative] {
		has[marks.Layout] = true
	}
	if kinds[KindImage] {
		has[marks.Lexical] = true
	}
	var out []string
	for _, ch := range marks.Channels {
		if has[ch] {
			out = append(out, ch.String())
		}
	}
	return out
}

// inputsHash identifies several inputs together: the SHA-256 of their
// SHA-256s, in order. One input's is its own SHA-256.
func inputsHash(reads []InputRead) string {
	if len(reads) == 1 {
		return reads[0].SHA256
	}
	h := sha256.New()
	for _, r := range reads {
		fmt.Fprintf(h, "%s  %s\n", r.SHA256, r.Name)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// addLayout measures the layout points the inputs' pages show of a
// matched document, against its typeset plan, and adds them to its
// match. pages[i] are input i's pages; only the inputs whose text
// aligned to the document (aligned) are measured.
func (s *Service) addLayout(ctx context.Context, m *trace.Match, aligned []int, pages [][]layout.SeenPage, inputs []TraceInput) error {
	mk, d, err := s.Marker(ctx, m.Source.ID)
	if err != nil {
		return err
	}
	if scheme, ok := mk.ShiftScheme(); ok {
		return s.addNativeLayout(ctx, m, mk, scheme, aligned, pages, inputs)
	}
	seen := false
	for _, i := range aligned {
		seen = seen || len(pages[i]) > 0
	}
	if !seen {
		return nil
	}
	key, err := s.markingKey(ctx, OpTrace)
	if err != nil {
		return err
	}
	// The plan is the one PDF copies are typeset from, made once per
	// document and service.
	plan, err := s.Layout(mk)
	if err != nil {
		return fmt.Errorf("typesetting %q to read its layout: %w", d.ID, err)
	}
	lc := trace.NewLayoutCode(key, d.ID, plan.Version, plan.Specs(), plan.Delta())
	// Each input is measured on its own, and a point measured in several
	// is pooled by trace.CombineLayout (the inverse-variance mean).
	var measured []layout.Observation
	for _, i := range aligned {
		if len(pages[i]) > 0 {
			measured = append(measured, layout.Observe(plan, pages[i])...)
		}
	}
	m.AddLayout(lc, measured)
	return nil
}

// ErrNoReference is returned when a document's native layout marks can't
// be read from a picture or PDF because nothing can lay out its format
// here (see [RegisterReference]).
var ErrNoReference = errors.New("no reference layout for this format")

// A Reference lays out a document's unmarked source as a reader would
// see it (a DOCX as a word processor prints it, a PDF as it is): the
// pages against which a picture or PDF of a copy is measured.
type Reference func(ctx context.Context, source []byte) ([]layout.SeenPage, error)

var references = map[string]Reference{}

// RegisterReference sets how documents of a format kind are laid out for
// reading their native layout marks from pictures and PDFs.
func RegisterReference(kind string, r Reference) { references[kind] = r }

// addNativeLayout reads the layout points a document's own format
// carries (format.Shifter): exactly, from an input in that format
// (format.ShiftReader), and by measurement, from pictures and PDFs,
// against the reference layout of the unmarked source.
func (s *Service) addNativeLayout(ctx context.Context, m *trace.Match, mk *leaktrace.Marker, scheme format.ShiftScheme,
	aligned []int, pages [][]layout.SeenPage, inputs []TraceInput) error {
	if len(scheme.Slots) == 0 {
		return nil
	}
	doc := mk.Set().Doc
	own := format.Of(doc)
	reader, canRead := doc.(format.ShiftReader)
	// A format whose shifts are characters (HTML's spaces) reads them
	// from a paste of a copy's text too.
	texts, readsText := doc.(interface {
		ReadTextShifts(text string) []format.ShiftReading
	})
	var measured []layout.Observation
	var seen []layout.SeenPage
	var readErr error
	for _, i := range aligned {
		// A file in the document's own format (a forwarded copy) states
		// its shifts exactly, and so does a paste of a copy whose shifts
		// are characters; their pages (a PDF copy's text layer) are not
		// measured again, which would count the same marks twice. One
		// whose shifts can't be found (a PDF that another program wrote
		// anew) is measured like a picture of a copy.
		var rs []format.ShiftReading
		switch {
		case canRead && format.ByContent(inputs[i].Data) == own:
			var err error
			if rs, err = reader.ReadShifts(inputs[i].Data); err != nil {
				// A file of the format this leaktrace can't take apart
				// (an encrypted PDF, an unknown filter) loses only its
				// own exact reading: its pages are measured instead, and
				// the other inputs' readings stand.
				readErr = fmt.Errorf("reading %s's %s layout: %w", inputs[i].Name, own.Name, err)
				rs = nil
			}
		case readsText && len(pages[i]) == 0 && picture.Sniff(inputs[i].Data) == "" && format.ByContent(inputs[i].Data) == nil:
			rs = texts.ReadTextShifts(string(inputs[i].Data))
		}
		if len(rs) == 0 {
			seen = append(seen, pages[i]...)
		}
		for _, r := range rs {
			measured = append(measured, layout.Observation{Point: r.Slot, Shift: r.Shift, Sigma: r.Sigma, Source: inputs[i].Name})
		}
	}
	if len(measured) == 0 && len(seen) == 0 {
		return readErr
	}
	key, err := s.markingKey(ctx, OpTrace)
	if err != nil {
		return err
	}
	// Pictures that can't be measured (no reference layout here) leave
	// the exact readings standing; the error is still reported.
	planned := false
	if len(seen) > 0 {
		plan, err := s.ReferencePlan(ctx, mk)
		if err != nil {
			readErr = cmp.Or(readErr, err)
		} else {
			measured = append(measured, layout.Observe(plan, seen)...)
			planned = true
		}
	}
	if len(measured) > 0 || planned {
		lc := trace.NewLayoutCodeIn(key, mk.ShiftDomain(), scheme.Version, leaktrace.ShiftSpecs(len(scheme.Slots)), scheme.Delta)
		m.AddLayout(lc, measured)
	}
	return readErr
}
