package format

import (
	"bytes"
	"maps"
	"mime"
	"strings"
	"unicode/utf8"
)

// A document registered with ParseOptions.Reencode writes each edited
// 7-bit US-ASCII text part (see reencodable) whole as UTF-8
// quoted-printable, so that it can carry characters beyond ASCII. The
// part's text decodes exactly as before, edits aside, and its header
// changes as little as that needs:
//
//   - Content-Type becomes text/plain with charset=utf-8, its other
//     parameters (format=flowed…) kept; added if the part had none;
//   - Content-Transfer-Encoding becomes quoted-printable; added if the
//     part had none;
//   - MIME-Version: 1.0 is added to the message's header if it has none.
//
// Replaced fields keep their place; added ones go last in their header.
// Encoded lines are at most 76 characters (soft line breaks, never inside
// a character), hard line breaks stay as the text has them, and a line
// starting "From " is written "=46rom " so that no mbox file quotes it. A
// part with no changed edit, like every other part, is left byte for byte.

// reencodeEOL is the line ending of a header block: that of its last,
// empty line.
func reencodeEOL(hdr []byte) string {
	if bytes.HasSuffix(hdr, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// rewriteHeader appends the header block hdr (its fields and the empty
// line ending it) to dst with the changes a re-encoded part needs:
// contentType rewrites Content-Type and Content-Transfer-Encoding with
// params for the Content-Type parameters, and mimeVersion adds
// MIME-Version if the block has none.
func rewriteHeader(dst, hdr []byte, contentType bool, params map[string]string, mimeVersion bool) []byte {
	eol := reencodeEOL(hdr)
	var ct, cte string
	if contentType {
		ct = "Content-Type: " + reencodedContentType(params)
		cte = "Content-Transfer-Encoding: quoted-printable"
	}
	var seenCT, seenCTE, seenMIME, skipping bool
	for at := 0; at < len(hdr); {
		line, next := lineAt(hdr, at, len(hdr))
		text := bytes.TrimSuffix(line, []byte("\r"))
		if len(text) == 0 {
			// The empty line ending the block: add what is missing.
			if contentType && !seenCT {
				dst = append(append(dst, ct...), eol...)
			}
			if contentType && !seenCTE {
				dst = append(append(dst, cte...), eol...)
			}
			if mimeVersion && !seenMIME {
				dst = append(append(dst, "MIME-Version: 1.0"...), eol...)
			}
			return append(dst, hdr[at:]...)
		}
		if text[0] == ' ' || text[0] == '\t' {
			if !skipping {
				dst = append(dst, hdr[at:next]...)
			}
			at = next
			continue
		}
		skipping = false
		lineEOL := string(hdr[at+len(text) : next])
		switch fieldName(text) {
		case "content-type":
			if contentType && !seenCT {
				dst, skipping = append(append(dst, ct...), lineEOL...), true
			}
			seenCT = true
		case "content-transfer-encoding":
			if contentType && !seenCTE {
				dst, skipping = append(append(dst, cte...), lineEOL...), true
			}
			seenCTE = true
		case "mime-version":
			seenMIME = true
		}
		if !skipping {
			dst = append(dst, hdr[at:next]...)
		}
		at = next
	}
	return dst // not reached: a part's header block ends with an empty line
}

// reencodedContentType is the Content-Type of a re-encoded part whose
// parameters were params: text/plain with charset=utf-8 and the others
// kept. It is "" if they can't be written back (mime.FormatMediaType
// refuses them), and then the part is not re-encodable.
func reencodedContentType(params map[string]string) string {
	ps := maps.Clone(params)
	if ps == nil {
		ps = map[string]string{}
	}
	ps["charset"] = "utf-8"
	return mime.FormatMediaType("text/plain", ps)
}

// fieldName returns the lower-case name of the header field line starts,
// or "" if it starts none (as readHeader reads fields).
func fieldName(line []byte) string {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return ""
	}
	name := bytes.TrimRight(line[:i], " \t")
	if !validFieldName(name) {
		return ""
	}
	return strings.ToLower(string(name))
}

// hasField reports whether the header block hdr has a field called name
// (lower case).
func hasField(hdr []byte, name string) bool {
	for at := 0; at < len(hdr); {
		line, next := lineAt(hdr, at, len(hdr))
		if fieldName(bytes.TrimSuffix(line, []byte("\r"))) == name {
			return true
		}
		at = next
	}
	return false
}

// appendQPText appends text encoded whole as quoted-printable: each hard
// line break as text has it (CRLF or LF), lines longer than qpLineLimit
// split by soft line breaks ending in softEOL.
func appendQPText(dst, text []byte, softEOL string) []byte {
	for at := 0; at < len(text); {
		line, next := lineAt(text, at, len(text))
		eol := text[at+len(line) : next]
		if len(eol) > 0 && bytes.HasSuffix(line, []byte("\r")) {
			line, eol = line[:len(line)-1], text[at+len(line)-1:next]
		}
		dst = appendQPLine(dst, line, softEOL)
		dst = append(dst, eol...)
		at = next
	}
	return dst
}

// appendQPLine appends one line of text, without its line break, as
// quoted-printable lines of at most qpLineLimit characters. A soft line
// break never splits a UTF-8 character's bytes: a decoder would join
// them, but a reader of the raw message would see half a character.
func appendQPLine(dst, line []byte, softEOL string) []byte {
	n := 0 // characters on the current encoded line
	for i := 0; i < len(line); {
		size := 1
		if line[i] >= utf8.RuneSelf {
			if _, sz := utf8.DecodeRune(line[i:]); sz > 1 {
				size = sz
			}
		}
		last := i+size == len(line)
		from := n == 0 && bytes.HasPrefix(line[i:], []byte("From "))
		width := qpLen(line[i:i+size], last)
		if from {
			width += 2
		}
		// The last character may fill the line; any other must leave
		// room for the "=" of a soft line break.
		room := qpLineLimit - 1
		if last {
			room = qpLineLimit
		}
		if n > 0 && n+width > room {
			dst = append(append(dst, '='), softEOL...)
			n = 0
			if bytes.HasPrefix(line[i:], []byte("From ")) && !from {
				from, width = true, width+2
			}
		}
		if from {
			dst = append(dst, "=46"...)
			dst = appendQP(dst, line[i+1:i+size], last)
		} else {
			dst = appendQP(dst, line[i:i+size], last)
		}
		n += width
		i += size
	}
	return dst
}
