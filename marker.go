package leaktrace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/format"
	_ "github.com/leaktrace/leaktrace/internal/formats" // every format registers itself
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// Analysis is a parsed document with its variation points.
type Analysis struct {
	Set *marks.Set
}

// Analyze parses a document (the format follows name's extension) and
// finds its variation points under the latest catalogue. It fails with a
// format error wrapped with detail for input that is not a usable
// document.
func Analyze(name string, data []byte) (*Analysis, error) {
	return AnalyzeWith(name, data, marks.Options{})
}

// AnalyzeWith is Analyze with the catalogue version and channels opts
// give: how a registered document's points are found again.
func AnalyzeWith(name string, data []byte, opts marks.Options) (*Analysis, error) {
	doc, err := format.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return &Analysis{Set: marks.FindWith(doc, opts)}, nil
}

// AnalyzeDocument is AnalyzeWith for a document parsed with popts, the
// options it is registered with.
func AnalyzeDocument(name string, data []byte, popts format.ParseOptions, opts marks.Options) (*Analysis, error) {
	doc, err := format.ParseWith(name, data, popts)
	if err != nil {
		return nil, err
	}
	return &Analysis{Set: marks.FindWith(doc, opts)}, nil
}

// Parse reads the document's content as the format it was registered
// as (by its recorded kind; by its file name for a record without one),
// with the options it was registered with.
func (d *Document) Parse() (format.Document, error) {
	if d.Format == "" {
		return format.ParseWith(d.Filename, d.Content, d.ParseOptions())
	}
	return format.ParseKindWith(d.Format, d.Content, d.ParseOptions())
}

// ParseOptions are the format options doc was registered with.
func (d *Document) ParseOptions() format.ParseOptions {
	return format.ParseOptions{Reencode: d.Reencode}
}

// Analyze finds the registered document's points again, as it was
// registered.
func (d *Document) Analyze() (*Analysis, error) {
	doc, err := d.Parse()
	if err != nil {
		return nil, err
	}
	return &Analysis{Set: marks.FindWith(doc, d.Options())}, nil
}

// Options are the options doc was registered with.
func (d *Document) Options() marks.Options {
	return marks.Options{Catalogue: d.CatalogueVersion(), Verbatim: d.Verbatim, Author: d.Variants}
}

// Marks counts the analysis' points by channel.
func (a *Analysis) Marks() Marks {
	return Marks{Total: len(a.Set.Points), ByChannel: marks.NamedText(a.Set.ByChannel())}
}

// Marker issues the copies of one document. It is read-only once made,
// and safe for concurrent use.
type Marker struct {
	doc   *Document
	set   *marks.Set
	key   code.Key
	specs []code.Spec
	// The code is derived when first needed (see Symbols): one copy of a
	// long document is rendered without holding every point's biases.
	once    sync.Once
	code    *code.Code
	derived atomic.Bool // code is set
	started atomic.Bool // Symbols has been called
	// lazy derives single points' biases on demand (see Biases): a trace
	// reads a few points of a long document and needs no more.
	lazyOnce sync.Once
	lazy     *code.Lazy
}

// NewMarker prepares doc for issuing under key.
func NewMarker(key code.Key, doc *Document) (*Marker, error) {
	if doc.Scheme != code.Scheme {
		return nil, fmt.Errorf("document %q was registered under code scheme %d; this leaktrace issues scheme %d", doc.ID, doc.Scheme, code.Scheme)
	}
	if v := doc.CatalogueVersion(); v > lexicon.Latest {
		return nil, fmt.Errorf("document %q was registered under point catalogue %d; this leaktrace knows up to %d (use a newer leaktrace)", doc.ID, v, lexicon.Latest)
	}
	parsed, err := doc.Parse()
	if err != nil {
		return nil, fmt.Errorf("document %q: %w", doc.ID, err)
	}
	a := &Analysis{Set: marks.FindWith(parsed, doc.Options())}
	// The point catalogue is part of the scheme: a document registered by
	// a leaktrace whose catalogue found other points cannot be issued or
	// traced by this one.
	if got := a.Marks(); got.Total != doc.Marks.Total || !maps.Equal(got.ByChannel, doc.Marks.ByChannel) {
		return nil, fmt.Errorf("document %q: found %d variation points %v, registered with %d %v; it was registered by a leaktrace with another point catalogue (use that version for it)",
			doc.ID, got.Total, got.ByChannel, doc.Marks.Total, doc.Marks.ByChannel)
	}
	return &Marker{doc: doc, set: a.Set, key: key, specs: a.Set.Specs()}, nil
}

// fullCode returns the document's code, deriving it on first use.
func (m *Marker) fullCode() *code.Code {
	m.once.Do(func() {
		m.code = code.New(m.key, m.doc.ID, m.specs)
		m.derived.Store(true)
	})
	return m.code
}

// HoldsCode reports whether the marker holds its document's whole code,
// about 310 bytes per point: issuing more than one copy derives it, once;
// issuing a single copy or tracing a leak does not.
func (m *Marker) HoldsCode() bool { return m.derived.Load() }

// Symbols returns the variant chosen at every point of recipient's copy.
// The first call derives the code's biases as it goes and keeps none of
// them (a single copy of a long document needs no more); later calls
// share the whole code, derived once.
func (m *Marker) Symbols(recipient string) []uint8 {
	s := make([]uint8, len(m.set.Points))
	if !m.started.Swap(true) {
		code.SymbolsOnce(m.key, m.doc.ID, m.specs, recipient, s)
		return s
	}
	m.fullCode().Symbols(recipient, s)
	return s
}

// lazyCode returns the document's code derived point by point.
func (m *Marker) lazyCode() *code.Lazy {
	m.lazyOnce.Do(func() { m.lazy = code.NewLazy(m.key, m.doc.ID, m.specs) })
	return m.lazy
}

// Biases returns the code's points (their biases) at the given point
// indexes, deriving only those: the whole code of a long document holds
// about 310 bytes per point. They equal Code().Points at those indexes.
func (m *Marker) Biases(points []int) []code.Point {
	return m.lazyCode().Points(points)
}

// SymbolsGiven returns the variants chosen at the given points of
// recipient's copy, given those points' biases (from Biases(points)), so
// that scoring many readers derives each point's biases once.
func (m *Marker) SymbolsGiven(recipient string, points []int, biases []code.Point) []uint8 {
	s := make([]uint8, len(points))
	m.lazyCode().SymbolsAt(recipient, points, biases, s)
	return s
}

// SymbolsAt returns the variants chosen at the given points of
// recipient's copy, deriving only those points' biases.
func (m *Marker) SymbolsAt(recipient string, points []int) []uint8 {
	return m.SymbolsGiven(recipient, points, m.Biases(points))
}

// Copy renders recipient's copy in the document's own format. A format
// that carries layout points of its own ([format.Shifter]) moves each of
// its slots' words as recipient's layout code says ([Marker.Shifts]).
func (m *Marker) Copy(recipient string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(m.doc.Content) + len(m.doc.Content)/4)
	edits := m.set.Edits(m.Symbols(recipient))
	var err error
	if sh, ok := m.set.Doc.(format.Shifter); ok {
		err = sh.RenderShifted(&buf, edits, m.Shifts(recipient))
	} else {
		err = m.set.Doc.Render(&buf, edits)
	}
	if err != nil {
		return nil, fmt.Errorf("rendering copy of %q for %q: %w", m.doc.ID, recipient, err)
	}
	return buf.Bytes(), nil
}

// ShiftScheme returns the native layout points of the document's own
// format, and false for a format without them.
func (m *Marker) ShiftScheme() (format.ShiftScheme, bool) {
	sh, ok := m.set.Doc.(format.Shifter)
	if !ok {
		return format.ShiftScheme{}, false
	}
	return sh.Shifts(), true
}

// ShiftDomain is the code domain of the document's native layout points
// (see [layout.NativeDomain]), prefixed to its id.
func (m *Marker) ShiftDomain() string {
	s, _ := m.ShiftScheme()
	return layout.NativeDomain(m.set.Doc.Format(), s.Version) + m.doc.ID
}

// ShiftSpecs describes the native layout points to the code: binary,
// spread biases, as the typeset layout points.
func ShiftSpecs(n int) []code.Spec {
	out := make([]code.Spec, n)
	for i := range out {
		out[i] = code.Spec{Arity: 2, Class: code.Spread}
	}
	return out
}

// Shifts returns which way each native layout slot's word moves in
// recipient's copy (0: by -Delta, 1: by +Delta); nil for a format
// without slots. Its code is derived from the marking key under
// [Marker.ShiftDomain], independent of the text points'.
func (m *Marker) Shifts(recipient string) []uint8 {
	s, ok := m.ShiftScheme()
	if !ok || len(s.Slots) == 0 {
		return nil
	}
	out := make([]uint8, len(s.Slots))
	code.SymbolsOnce(m.key, m.ShiftDomain(), ShiftSpecs(len(out)), recipient, out)
	return out
}

// Document returns the document the marker issues copies of.
func (m *Marker) Document() *Document { return m.doc }

// Points returns the document's variation points.
func (m *Marker) Points() []marks.Point { return m.set.Points }

// Code returns the document's whole code, deriving it on first use: about
// 310 bytes per point, which work reading a few points avoids with Biases.
func (m *Marker) Code() *code.Code { return m.fullCode() }

// Hash returns the hex SHA-256 of b.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Canonical returns the canonical tokens of the document's prose, region
// after region: what the source index hashes.
func (a *Analysis) Canonical() []string {
	var out []string
	for _, r := range a.Set.Doc.Regions() {
		out = append(out, marks.Canonical(r.Text)...)
	}
	return out
}

// Regions returns the text of the document's markable regions.
func (m *Marker) Regions() []string {
	var out []string
	for _, r := range m.set.Doc.Regions() {
		out = append(out, r.Text)
	}
	return out
}

// Set returns the document with its variation points.
func (m *Marker) Set() *marks.Set { return m.set }
