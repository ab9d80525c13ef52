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

// zipArchive is what [sniff] calls a ZIP file it can't tell more of.
const zipArchive = "a ZIP archive (DOCX, ODT and other zipped documents)"

// sniff names the unsupported format data is in, judging by how it
// begins, or returns "".
func sniff(data []byte) string {
	head := data[:min(len(data), 512)]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return zipArchive
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
// mark, rather than mark it as something else: one whose extension names
// a format leaktrace does not mark (.rtf, .doc…), whose content is in
// another format than its extension says (%PDF-, {\rtf, a ZIP or OLE
// header, <!DOCTYPE html, <html, or a marked format's own signature),
// that is UTF-16 text ([ErrUTF16]), or whose name has no extension or an
// unknown one ("-" for standard input has none). It does not check that
// the content is a valid document of its format: [Parse] does that.
//
// Documents registered before this check are still parsed as the kind
// they were recorded with ([ParseKind]), so their copies stay the same.
func CheckSupported(name string, data []byte) error {
	d := ByName(name)
	if d != nil && !d.Marked() {
		return &UnsupportedError{Name: name, Format: d.Name}
	}
	if c := ByContent(data); c != nil && c != d {
		return &MismatchError{Name: name, Content: c}
	}
	if s := sniff(data); s != "" && (d == nil || !d.Binary && s != d.Name) {
		if c := byFormatName(s); c != nil && c.Marked() {
			return &MismatchError{Name: name, Content: c}
		}
		return &UnsupportedError{Name: name, Format: s, Sniffed: true}
	}
	if (d == nil || !d.Binary) && utf16(data) {
		return fmt.Errorf("%s: %w", name, ErrUTF16)
	}
	switch {
	case name == "-":
		return fmt.Errorf("standard input has no file name to tell its format (%w)", ErrUnknownFormat)
	case filepath.Ext(name) == "":
		return fmt.Errorf("%s has no extension to tell its format (%w)", name, ErrUnknownFormat)
	case d == nil:
		return fmt.Errorf("%s: the extension %s names no format leaktrace marks (%w)", name, filepath.Ext(name), ErrUnknownFormat)
	}
	return nil
}

func byFormatName(name string) *Descriptor {
	for _, d := range Formats() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// MismatchError is returned for a document whose content is in a marked
// format other than the one its extension names. It matches
// [ErrUnknownFormat].
type MismatchError struct {
	Name    string
	Content *Descriptor
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: the content is %s; name the file %s", e.Name, e.Content.Name, e.Content.Exts[0])
}

func (e *MismatchError) Is(target error) bool { return target == ErrUnknownFormat }

// Supported lists the extensions of the formats leaktrace marks.
func Supported() []string {
	var out []string
	for _, f := range Formats() {
		if f.Marked() {
			out = append(out, f.Exts...)
		}
	}
	return out
}

// SupportedNames says which formats leaktrace marks, for messages:
// "plain text (.txt), Markdown (.md) and email (.eml)".
func SupportedNames() string {
	var parts []string
	for _, f := range Formats() {
		if f.Marked() {
			parts = append(parts, f.Name+" ("+f.Exts[0]+")")
		}
	}
	return andList(parts)
}

// andList joins "a", "b" and "c" as "a, b and c".
func andList(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
