package picture

import "bytes"

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
// order mark and up to 1024 bytes of junk (the header must start within
// the first 1024 bytes).
func pdfHead(data []byte) []byte {
	head := data
	if len(head) > 1024+5 {
		head = head[:1024+5]
	}
	if i := bytes.Index(head, []byte("%PDF-")); i >= 0 {
		return data[i:]
	}
	return nil
}
