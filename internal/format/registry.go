package format

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
)

// Descriptor is everything leaktrace knows of one document format. A
// format is one package that fills in a Descriptor and calls [Register]
// from its init function; nothing else names it (the format's kind is
// compared nowhere but here).
type Descriptor struct {
	// Name is the format's name for people: "plain text", "DOCX".
	Name string
	// Kind is what [Document.Format] returns and the store records for a
	// document of this format ("txt", "md", "eml", "docx", "pdf",
	// "html"). "" for a format leaktrace knows but does not mark.
	Kind string
	// Exts are the file name extensions that select the format, lower
	// case with the dot, the usual one first.
	Exts []string
	// Binary is true for formats whose files are not text (a ZIP
	// package, a PDF): Parse gets their bytes after the size check only,
	// and checks them itself.
	Binary bool
	// Sniff reports whether data is in this format, judging by its
	// content; nil when content can't tell (plain text). Only marked
	// formats sniff: content in a format leaktrace does not mark is
	// told by a fixed list of signatures.
	Sniff func(data []byte) bool
	// Parse reads a document of this format; nil for a format that is
	// not marked.
	Parse func(data []byte) (Document, error)
	// ParseWith, if set, is Parse for a format that takes
	// [ParseOptions]; with the zero options it reads exactly as Parse.
	ParseWith func(data []byte, opts ParseOptions) (Document, error)
	// LeakSniff reports whether a leak's content is in this format when
	// that is only likely, not certain enough to refuse a document named
	// otherwise (a forwarded email saved as .txt); nil for none.
	LeakSniff func(data []byte) bool
	// LeakText extracts the text of a leak in this format (a forwarded
	// file): its prose in reading order, with the words as a reader of
	// the file sees them. nil for formats read as text.
	LeakText func(data []byte) (string, error)

	// AnyCharset: the text may carry bytes of charsets other than
	// UTF-8, which Parse decodes (an email's parts).
	AnyCharset bool
	// MarkdownSyntax: the text follows Markdown's rules (a block quote
	// starts with ">", a line's trailing spaces are a hard break).
	MarkdownSyntax bool
	// LineEndSpaces: a copy may carry marks in spaces at the end of a
	// line (they are invisible and kept by the format).
	LineEndSpaces bool
	// Typeset: a document of this format can be typeset as a PDF copy
	// (issue --format pdf).
	Typeset bool
}

// Marked reports whether leaktrace marks documents of this format.
func (d *Descriptor) Marked() bool { return d.Kind != "" && d.Parse != nil }

// Shifter is implemented by a document whose own format can carry layout
// points: a word moved along its line by a small amount the format
// expresses itself (spacing in a DOCX run, a glyph offset in a PDF
// content stream, a narrower space in HTML). The slots are found from the
// source alone, the same for every copy; which way each word moves is a
// reader's layout code.
type Shifter interface {
	Document
	// Shifts describes the document's layout points, in document order.
	Shifts() ShiftScheme
	// RenderShifted is Render with slot i's word moved by -Delta
	// (shifts[i] == 0) or +Delta (shifts[i] == 1). len(shifts) is
	// len(Shifts().Slots).
	RenderShifted(w io.Writer, edits []Edit, shifts []uint8) error
}

// ShiftReader is implemented by a Shifter that can read the shifts of a
// copy of itself in its own format (a forwarded DOCX, a PDF copy): for
// each slot it finds in the copy, the word's measured shift.
type ShiftReader interface {
	Shifter
	ReadShifts(copy []byte) ([]ShiftReading, error)
}

// ShiftReading is one slot's shift as read from a copy: about -Delta or
// +Delta, in points, with Sigma the standard deviation of its error (0
// when the format states it exactly).
type ShiftReading struct {
	Slot         int
	Shift, Sigma float64
}

// ShiftScheme is a document's native layout points.
type ShiftScheme struct {
	// Version numbers the format's way of finding and drawing slots;
	// any change to either is a new version. It is part of the code's
	// domain (see layout.NativeDomain).
	Version int
	// Delta is how far a slot's word moves, in points (1/72 in) at the
	// document's own size.
	Delta float64
	// Slots are the words that move, in document order.
	Slots []Slot
}

// Slot is one native layout point: the word Regions()[Region].Text[Start:End].
type Slot struct {
	Region     int
	Start, End int
}

// SlotWord reports whether s can be a slot's word in any format: letters
// only, at least two of them.
func SlotWord(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= 2
}

var (
	regMu    sync.RWMutex
	registry []*Descriptor
)

// Register adds a format, or replaces the one of the same Name (a format
// known but not marked, until its package registers it). It panics on a
// descriptor without a name or extensions, or on an extension another
// format already holds: both are programming errors.
func Register(d *Descriptor) {
	if d.Name == "" || len(d.Exts) == 0 {
		panic("format: Register of a format without name or extensions")
	}
	regMu.Lock()
	defer regMu.Unlock()
	for i, old := range registry {
		if old.Name == d.Name {
			registry[i] = d
			return
		}
	}
	for _, old := range registry {
		for _, e := range old.Exts {
			for _, n := range d.Exts {
				if e == n {
					panic(fmt.Sprintf("format: %s and %s both claim %s", old.Name, d.Name, e))
				}
			}
		}
	}
	registry = append(registry, d)
}

// Formats lists the registered formats in registration order.
func Formats() []*Descriptor {
	regMu.RLock()
	defer regMu.RUnlock()
	return append([]*Descriptor(nil), registry...)
}

// ByKind returns the marked format of kind, or nil.
func ByKind(kind string) *Descriptor {
	for _, d := range Formats() {
		if d.Kind == kind && d.Marked() {
			return d
		}
	}
	return nil
}

// ByName returns the format a file name's extension selects, or nil.
func ByName(name string) *Descriptor {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" {
		return nil
	}
	for _, d := range Formats() {
		for _, e := range d.Exts {
			if e == ext {
				return d
			}
		}
	}
	return nil
}

// OfLeak returns the format a leak is read as: the one its content is
// in ([ByContent]), else the one its content is likely in (an email's
// header block), else the one its name selects; nil for plain text.
func OfLeak(name string, data []byte) *Descriptor {
	if d := ByContent(data); d != nil {
		return d
	}
	for _, d := range Formats() {
		if d.LeakSniff != nil && d.LeakSniff(data) {
			return d
		}
	}
	return ByName(name)
}

// ByContent returns the first format whose Sniff recognizes data, or nil.
func ByContent(data []byte) *Descriptor {
	for _, d := range Formats() {
		if d.Sniff != nil && d.Sniff(data) {
			return d
		}
	}
	return nil
}

func init() {
	for _, d := range []*Descriptor{
		{Name: "plain text", Kind: "txt", Exts: []string{".txt", ".text"}, LineEndSpaces: true, Typeset: true,
			Parse: func(data []byte) (Document, error) { return parseText(data), nil }},
		{Name: "Markdown", Kind: "md", Exts: []string{".md", ".markdown"}, MarkdownSyntax: true, Typeset: true,
			Parse: parseMarkdown},
		{Name: "email", Kind: "eml", Exts: []string{".eml"}, AnyCharset: true, LineEndSpaces: true, Typeset: true,
			Parse: parseEmail, ParseWith: parseEmailWith, LeakText: emailText, LeakSniff: sniffEmail},
		// Known, not marked until a package registers them.
		{Name: "HTML", Exts: []string{".html", ".htm", ".xhtml"}},
		{Name: "PDF", Exts: []string{".pdf"}, Binary: true},
		{Name: "RTF", Exts: []string{".rtf"}},
		{Name: "DOCX", Exts: []string{".docx"}, Binary: true},
		{Name: "Word 97-2003 (.doc)", Exts: []string{".doc"}, Binary: true},
		{Name: "OpenDocument text", Exts: []string{".odt"}, Binary: true},
	} {
		Register(d)
	}
}

// emailText is the text of an email leak: its text parts, decoded.
func emailText(data []byte) (string, error) {
	doc, err := parseEmail(data)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, r := range doc.Regions() {
		parts = append(parts, r.Text)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("%w: no text part leaktrace can decode", ErrMalformed)
	}
	return strings.Join(parts, "\n\n"), nil
}

// sniffEmail reports whether data begins like an RFC 5322 message: a
// header block of at least two fields, every line of it a field or a
// continuation, naming a sender, a date or a message id, then an empty
// line and a body.
func sniffEmail(data []byte) bool {
	head := data[:min(len(data), 64<<10)]
	if bytes.HasPrefix(head, []byte("From ")) { // an mbox separator
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			return false
		}
		head = head[i+1:]
	}
	fields, key := 0, false
	for len(head) > 0 {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			return false // no body
		}
		line := bytes.TrimSuffix(head[:i], []byte("\r"))
		head = head[i+1:]
		if len(line) == 0 {
			return fields >= 2 && key && len(bytes.TrimSpace(head)) > 0
		}
		if line[0] == ' ' || line[0] == '\t' {
			if fields == 0 {
				return false
			}
			continue
		}
		c := bytes.IndexByte(line, ':')
		if c <= 0 || !validFieldName(line[:c]) {
			return false
		}
		fields++
		switch strings.ToLower(string(line[:c])) {
		case "from", "date", "message-id", "received", "return-path", "mime-version":
			key = true
		}
	}
	return false
}
