package format

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Errors for documents leaktrace cannot mark yet. They are wrapped with
// the file name; test with errors.Is.
var (
	// ErrUnsupported: the document is in a known format that leaktrace
	// does not mark yet (HTML, PDF, RTF, DOCX…); see [UnsupportedError].
	ErrUnsupported = errors.New("format not supported yet")
	// ErrUnknownFormat: the file name has no extension, or one leaktrace
	// does not know.
	ErrUnknownFormat = errors.New("leaktrace does not guess formats")
	// ErrUTF16: the text is in UTF-16, as some editors save "Unicode"
	// text; it matches ErrInvalidUTF8.
	ErrUTF16 = fmt.Errorf("%w: it is UTF-16", ErrInvalidUTF8)
)

// formatInfo describes a format by name: the extensions that select it,
// and kind, what [Parse] reads it as ("" when it cannot be marked yet).
type formatInfo struct {
	name string
	kind string
	exts []string
}

// formats is the one table of the formats leaktrace knows.
var formats = []formatInfo{
	{"plain text", "txt", []string{".txt", ".text"}},
	{"Markdown", "md", []string{".md", ".markdown"}},
	{"email", "eml", []string{".eml"}},
	{"HTML", "", []string{".html", ".htm", ".xhtml"}},
	{"PDF", "", []string{".pdf"}},
	{"RTF", "", []string{".rtf"}},
	{"DOCX", "", []string{".docx"}},
	{"Word 97-2003 (.doc)", "", []string{".doc"}},
	{"OpenDocument text", "", []string{".odt"}},
}

// byExt returns the format a file name's extension names.
func byExt(name string) (formatInfo, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range formats {
		for _, e := range f.exts {
			if e == ext {
				return f, true
			}
		}
	}
	return formatInfo{}, false
}

// sniff names the unsupported format data is in, judging by how it
// begins, or returns "".
func sniff(data []byte) string {
	head := data[:min(len(data), 512)]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive (DOCX, ODT and other zipped documents)"
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "Word 97-2003 (.doc)"
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch lower := bytes.ToLower(head); {
	case bytes.HasPrefix(lower, []byte(`{\rtf`)):
		return "RTF"
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")),
		bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(lower, []byte("<html")):
		return "HTML"
	case bytes.HasPrefix(lower, []byte("%pdf-")):
		return "PDF"
	}
	return ""
}

// utf16 reports whether data looks like UTF-16 text: it starts with a
// UTF-16 byte-order mark, or every other byte of its start is NUL, as in
// Latin-script text without one.
func utf16(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return true
	}
	head := data[:min(len(data), 64)]
	if len(head) < 8 {
		return false
	}
	for parity := 0; parity < 2; parity++ {
		all := true
		for i := parity; i < len(head) && all; i += 2 {
			all = head[i] == 0
		}
		if all {
			return true
		}
	}
	return false
}

// UnsupportedError is returned for a document in a format leaktrace does
// not mark yet. It matches [ErrUnsupported].
type UnsupportedError struct {
	Name   string // the file name
	Format string // the format's name, e.g. "HTML"
	// Sniffed is true when the content, not the extension, tells the
	// format.
	Sniffed bool
}

func (e *UnsupportedError) Error() string {
	if e.Sniffed {
		return fmt.Sprintf("%s: the content is %s, which is not supported yet", e.Name, e.Format)
	}
	return fmt.Sprintf("%s: %s is not supported yet", e.Name, e.Format)
}

func (e *UnsupportedError) Is(target error) bool {
	return target == ErrUnsupported
}

// CheckSupported refuses to register a document that leaktrace cannot
// mark yet, rather than mark it as something else: one whose extension
// names an unsupported format (.html, .pdf, .rtf, .docx…), whose content
// begins like one (%PDF-, {\rtf, a ZIP or OLE header, <!DOCTYPE html,
// <html), that is UTF-16 text ([ErrUTF16]), or whose name has no
// extension or an unknown one ("-" for standard input has none). It does not check that the content is a
// valid document of its format: [Parse] does that.
//
// Documents registered before this check are still parsed by [Parse], as
// plain text, so their copies stay the same.
func CheckSupported(name string, data []byte) error {
	f, known := byExt(name)
	if known && f.kind == "" {
		return &UnsupportedError{Name: name, Format: f.name}
	}
	if s := sniff(data); s != "" {
		return &UnsupportedError{Name: name, Format: s, Sniffed: true}
	}
	if utf16(data) {
		return fmt.Errorf("%s: %w", name, ErrUTF16)
	}
	switch {
	case name == "-":
		return fmt.Errorf("standard input has no file name to tell its format (%w)", ErrUnknownFormat)
	case filepath.Ext(name) == "":
		return fmt.Errorf("%s has no extension to tell its format (%w)", name, ErrUnknownFormat)
	case !known:
		return fmt.Errorf("%s: the extension %s names no format leaktrace marks (%w)", name, filepath.Ext(name), ErrUnknownFormat)
	}
	return nil
}

// Supported lists the extensions of the formats leaktrace marks.
func Supported() []string {
	var out []string
	for _, f := range formats {
		if f.kind != "" {
			out = append(out, f.exts...)
		}
	}
	return out
}
