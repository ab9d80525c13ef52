// Package docx reads and writes Word documents (Office Open XML, .docx)
// for leaktrace: the text of word/document.xml is marked, every other
// part of the package is carried through byte for byte.
//
// # Regions
//
// Each paragraph (w:p) of the body is a region: the text of its runs'
// w:t elements in document order, a tab (w:tab) as "\t" and a break
// (w:br, w:cr) as "\n". Only text inside w:t elements is ever edited;
// an edit is spliced into the XML-escaped content of the w:t elements it
// covers, so run properties, bookmarks, comments' anchors, fields,
// hyperlinks and tracked changes stay as they are. Text a reader sees
// but no mark may change is protected: field results, content controls
// (w:sdt), and text written in ways this package does not splice into
// (CDATA, entities that decode to line breaks). Text a reader does not
// see is left out: field codes, deleted text (w:delText, w:del,
// w:moveFrom), and text boxes and drawings, whose text Word keeps twice
// (mc:AlternateContent).
//
// # Layout points
//
// A DOCX carries layout points of its own ([format.Shifter]): a word
// between two spaces moves along its line because one of the two spaces
// is widened by w:spacing (character spacing, in twentieths of a point)
// in a run of its own. See shift.go.
//
// # Invariants
//
// Render with no edits returns the source bytes. With edits, every zip
// entry but word/document.xml is copied raw (the same compressed bytes,
// headers and order), and document.xml changes only inside the edited
// w:t elements and the runs split for layout points. The output depends
// only on the source, the edits and the shifts.
package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Errors for input that is not a DOCX leaktrace can read. They are
// wrapped with detail and match [format.ErrMalformed]; test with
// errors.Is.
var (
	// ErrNotDOCX: the file is not a ZIP package holding
	// word/document.xml (a renamed file, an ODT, a damaged download).
	ErrNotDOCX = errors.New("not a DOCX file")
	// ErrBadXML: word/document.xml is not well-formed XML.
	ErrBadXML = errors.New("the DOCX's word/document.xml is not well-formed XML")
	// ErrTooLarge: word/document.xml unpacks to more than MaxXML bytes.
	ErrTooLarge = fmt.Errorf("the DOCX's word/document.xml unpacks to more than %d MiB", MaxXML>>20)
)

// MaxXML bounds the unpacked size of word/document.xml: a small file
// that unpacks to gigabytes is refused, not read.
const MaxXML = 64 << 20

// mainPart is the package part whose text is marked.
const mainPart = "word/document.xml"

func init() {
	format.Register(&format.Descriptor{
		Name:     "DOCX",
		Kind:     "docx",
		Exts:     []string{".docx"},
		Binary:   true,
		Sniff:    Sniff,
		Parse:    func(data []byte) (format.Document, error) { return Parse(data) },
		LeakText: LeakText,
	})
}

// Sniff reports whether data is a ZIP package holding word/document.xml.
func Sniff(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == mainPart {
			return true
		}
	}
	return false
}

// LeakText is the text of a DOCX leak: its paragraphs with text, one a
// line.
func LeakText(data []byte) (string, error) {
	d, err := Parse(data)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, r := range d.regions {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.Text)
	}
	return b.String(), nil
}

// malformed wraps a cause as a malformed document.
func malformed(cause error, detail string) error {
	if detail == "" {
		return fmt.Errorf("%w: %w", format.ErrMalformed, cause)
	}
	return fmt.Errorf("%w: %w: %s", format.ErrMalformed, cause, detail)
}

// Parse reads a DOCX package.
func Parse(data []byte) (*Document, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, malformed(ErrNotDOCX, "it is not a ZIP package")
	}
	data = bytes.Clone(data) // Render splices into it long after
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, malformed(ErrNotDOCX, "reading the ZIP package: "+err.Error())
	}
	idx := -1
	for i, f := range zr.File {
		// A copy carries every part over raw: each must be there whole.
		raw, err := f.OpenRaw()
		if err == nil {
			var n int64
			n, err = io.Copy(io.Discard, raw)
			if err == nil && uint64(n) != f.CompressedSize64 {
				err = io.ErrUnexpectedEOF
			}
		}
		if err != nil {
			return nil, malformed(ErrNotDOCX, "reading part "+strconv.Quote(f.Name)+": "+err.Error())
		}
		if f.Name == mainPart {
			if idx >= 0 {
				return nil, malformed(ErrNotDOCX, "it holds "+mainPart+" twice")
			}
			idx = i
		}
	}
	if idx < 0 {
		return nil, malformed(ErrNotDOCX, "it holds no "+mainPart)
	}
	f := zr.File[idx]
	if f.UncompressedSize64 > MaxXML {
		return nil, malformed(ErrTooLarge, "")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, malformed(ErrNotDOCX, "opening "+mainPart+": "+err.Error())
	}
	xmlData, err := io.ReadAll(io.LimitReader(rc, MaxXML+1))
	rc.Close()
	if err == nil && len(xmlData) > MaxXML {
		return nil, malformed(ErrTooLarge, "")
	}
	if err != nil {
		return nil, malformed(ErrNotDOCX, "unpacking "+mainPart+": "+err.Error())
	}
	d := &Document{data: data, zr: zr, main: idx, xml: xmlData}
	if err := d.scan(); err != nil {
		return nil, err
	}
	d.findSlots()
	return d, nil
}
