package picture

import (
	"bytes"
	"unicode/utf8"
)

// Sniff names the format of data from its first bytes: "png", "jpeg",
// "tiff", "pdf", or "" for anything else.
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(pdfHead(data), []byte("%PDF-")):
		return "pdf"
	}
	return ""
}

// pdfHead skips what PDF readers tolerate before the header: a byte
// order mark, white space, and up to 1024 bytes of binary junk (the
// header must start within the first 1024 bytes). Text before it is not
// junk: a pasted leak that quotes "%PDF-" is text, as it always was.
func pdfHead(data []byte) []byte {
	head := data
	if len(head) > 1024+5 {
		head = head[:1024+5]
	}
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 {
		return nil
	}
	junk := bytes.TrimLeft(bytes.TrimPrefix(data[:i], []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(junk) > 0 && utf8.Valid(junk) && bytes.IndexByte(junk, 0) < 0 {
		return nil
	}
	return data[i:]
}
