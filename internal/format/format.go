// Package format reads the document formats leaktrace marks (plain text,
// Markdown and email) and writes them back.
//
// A parsed [Document] exposes its prose as [Region]s of UTF-8 text. The
// marker proposes edits inside those regions; [Document.Render] writes the
// document back with the edits applied. The invariant every format keeps:
// with no edits, Render reproduces the source byte for byte, and with edits,
// every byte outside the edited spans is unchanged and the line structure is
// the same. The one exception is asked for at registration: an email parsed
// with [ParseOptions] Reencode writes an edited 7-bit text part whole as
// quoted-printable under a rewritten header.
package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// MaxSize is the largest document accepted, in bytes.
const MaxSize = 8 << 20

// Errors returned for input that cannot be a document. They are wrapped
// with detail; test with errors.Is.
var (
	ErrEmpty       = errors.New("document is empty")
	ErrTooLarge    = fmt.Errorf("document is larger than %d MiB", MaxSize>>20)
	ErrInvalidUTF8 = errors.New("document is not valid UTF-8")
	ErrBinary      = errors.New("document looks like a binary file")
	ErrFormat      = errors.New("unsupported document format")
	ErrMalformed   = errors.New("malformed document")
	ErrOption      = errors.New("option the format does not take")
)

// Span is a half-open byte range [Start, End).
type Span struct{ Start, End int }

// Region is a run of text that marks may change.
type Region struct {
	// Text is the region's content as UTF-8.
	Text string
	// Protected lists byte ranges of Text that must not change (code,
	// link targets, front matter). Sorted and non-overlapping.
	Protected []Span
}

// Candidate is a proposed variation point inside a region: Text[Start:End]
// may be replaced by any of Variants. Variants[Orig] is the source text.
type Candidate struct {
	Start, End int
	Variants   []string
	Orig       int
}

// Edit replaces Region's Text[Start:End] with Text.
type Edit struct {
	Region     int
	Start, End int
	Text       string
}

// Document is a parsed document.
type Document interface {
	// Format names the format: its descriptor's Kind.
	Format() string
	// Regions returns the markable text of the document.
	Regions() []Region
	// Fit restricts candidates in region r to what the format can carry
	// all at once: it drops variants the region's encoding cannot
	// represent and whole candidates that would break a limit such as a
	// line length. The result depends only on the source and the
	// candidates, never on which variants a copy will use.
	Fit(r int, cands []Candidate) []Candidate
	// Render writes the document with edits applied. Edits must not
	// overlap; they may come in any order.
	Render(w io.Writer, edits []Edit) error
}

// Parse reads a new document, choosing the format from the file name's
// extension (see [Formats]). A name that selects no marked format is read
// as plain text if the content is text: new documents are first checked
// with [CheckSupported]. A registered document is read with [ParseKind]
// and the kind it was recorded with.
func Parse(name string, data []byte) (Document, error) {
	return ParseKind(Kind(name), data)
}

// ParseWith is [Parse] with the options a document was registered with.
func ParseWith(name string, data []byte, opts ParseOptions) (Document, error) {
	return ParseKindWith(Kind(name), data, opts)
}

// ParseOptions are choices made when a document is registered that
// change how its format reads it, and so which points it has. They are
// part of the registration: a document is read with the same options at
// every issue and trace. The zero value is the default, byte-exact
// reading every format takes.
type ParseOptions struct {
	// Reencode lets a copy re-encode a 7-bit US-ASCII text part of an
	// email as UTF-8 quoted-printable, so that it can carry every
	// channel, not only trailing spaces (see the README's email section
	// for the header changes).
	Reencode bool
}

// ParseKind reads a document of the given kind ("txt", "md", "eml", or a
// registered format's). Text formats are first checked to be text.
func ParseKind(kind string, data []byte) (Document, error) {
	return ParseKindWith(kind, data, ParseOptions{})
}

// ParseKindWith is [ParseKind] with options. A format whose descriptor
// has no ParseWith takes only the zero options; others fail with
// [ErrOption].
func ParseKindWith(kind string, data []byte, opts ParseOptions) (Document, error) {
	d := ByKind(kind)
	if d == nil {
		return nil, fmt.Errorf("%w: %q", ErrFormat, kind)
	}
	if opts != (ParseOptions{}) && d.ParseWith == nil {
		return nil, fmt.Errorf("%w: %s documents can't be re-encoded", ErrOption, d.Name)
	}
	if d.Binary {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, ErrEmpty
		}
		if len(data) > MaxSize {
			return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
		}
	} else if err := checkText(data, d.AnyCharset); err != nil {
		return nil, err
	}
	if d.ParseWith != nil {
		return d.ParseWith(data, opts)
	}
	return d.Parse(data)
}

// Kind returns the kind of the marked format a file name selects. Any
// name that selects no marked format is read as "txt": that is how
// documents registered before [CheckSupported] were read.
func Kind(name string) string {
	if d := ByName(name); d != nil && d.Marked() {
		return d.Kind
	}
	return "txt"
}

// Of returns the descriptor of a parsed document's format.
func Of(doc Document) *Descriptor {
	if d := ByKind(doc.Format()); d != nil {
		return d
	}
	return &Descriptor{Name: doc.Format(), Kind: doc.Format()}
}

// checkText rejects empty, huge, binary and non-UTF-8 input. Email is
// allowed to carry 8-bit bytes in other charsets; its parts are checked
// when they are decoded.
func checkText(data []byte, email bool) error {
	if len(data) == 0 || len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	if len(data) > MaxSize {
		return fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	ctl := 0
	for _, b := range data {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' {
			ctl++
		}
	}
	if ctl*100 > len(data) {
		return fmt.Errorf("%w: %d control bytes", ErrBinary, ctl)
	}
	if !email && !utf8.Valid(data) {
		return fmt.Errorf("%w: first bad byte at offset %d", ErrInvalidUTF8, firstInvalid(data))
	}
	return nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// applyEdits writes text with non-overlapping edits applied.
func applyEdits(w io.Writer, text string, edits []Edit) error {
	sorted := sortedEdits(edits)
	var buf bytes.Buffer
	buf.Grow(len(text) + 4*len(sorted))
	at := 0
	for _, e := range sorted {
		if e.Start < at || e.End < e.Start || e.End > len(text) {
			return fmt.Errorf("edit [%d,%d) overlaps or is out of range", e.Start, e.End)
		}
		buf.WriteString(text[at:e.Start])
		buf.WriteString(e.Text)
		at = e.End
	}
	buf.WriteString(text[at:])
	_, err := w.Write(buf.Bytes())
	return err
}

func sortedEdits(edits []Edit) []Edit {
	if sort.SliceIsSorted(edits, func(i, j int) bool {
		return edits[i].Start < edits[j].Start || edits[i].Start == edits[j].Start && edits[i].End < edits[j].End
	}) {
		return edits
	}
	s := append([]Edit(nil), edits...)
	sort.Slice(s, func(i, j int) bool {
		if s[i].Start != s[j].Start {
			return s[i].Start < s[j].Start
		}
		return s[i].End < s[j].End
	})
	return s
}

// plain is a document that is a single region of UTF-8 text: plain text,
// and Markdown with its syntax protected.
type plain struct {
	kind   string
	text   string
	region Region
}

func (d *plain) Format() string                           { return d.kind }
func (d *plain) Regions() []Region                        { return []Region{d.region} }
func (d *plain) Fit(_ int, cands []Candidate) []Candidate { return cands }
func (d *plain) Render(w io.Writer, edits []Edit) error   { return applyEdits(w, d.text, edits) }

func parseText(data []byte) Document {
	s := string(data)
	return &plain{kind: "txt", text: s, region: Region{Text: s}}
}
