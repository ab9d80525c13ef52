package format

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"
)

// header holds what MIME parsing needs from one header block.
type header struct {
	fields  int               // well-formed fields seen
	content map[string]string // unfolded Content-* fields by lower-case name; first wins
}

// readHeader reads the header block of the entity at data[start:end] and
// returns it with the offset of the body: the line after the first empty
// line, or end if there is none. Lines that are neither fields nor
// continuations (an mbox "From " line, garbage) are skipped rather than
// rejected, since mail in the wild carries them and they never affect the
// body.
func readHeader(data []byte, start, end int) (header, int) {
	h := header{content: map[string]string{}}
	last := "" // field a continuation line belongs to, if kept
	for at := start; at < end; {
		line, next := lineAt(data, at, end)
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return h, next
		}
		at = next
		if line[0] == ' ' || line[0] == '\t' {
			if last != "" {
				h.content[last] += string(line)
			}
			continue
		}
		last = ""
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		name := bytes.TrimRight(line[:i], " \t")
		if !validFieldName(name) {
			continue
		}
		h.fields++
		key := strings.ToLower(string(name))
		if _, dup := h.content[key]; !dup && strings.HasPrefix(key, "content-") {
			h.content[key] = string(line[i+1:])
			last = key
		}
	}
	return h, end
}

// validFieldName reports whether name is an RFC 5322 field name: printable
// ASCII other than the colon.
func validFieldName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, b := range name {
		if b < 33 || b > 126 {
			return false
		}
	}
	return true
}

// lineAt returns the line starting at data[at] (without its '\n') and the
// offset of the next line, looking no further than end.
func lineAt(data []byte, at, end int) ([]byte, int) {
	if i := bytes.IndexByte(data[at:end], '\n'); i >= 0 {
		return data[at : at+i], at + i + 1
	}
	return data[at:end], end
}

// splitMultipart returns the body parts of a multipart body data[start:end]
// (RFC 2046 §5.1.1). A delimiter is a line starting with "--"+boundary and
// followed by nothing but "--" and transport padding. The line break before
// a delimiter belongs to the delimiter, not to the part. A part that no
// delimiter closes is dropped: without its end its content is a guess.
func splitMultipart(data []byte, start, end int, boundary string) []Span {
	delim := []byte("--" + boundary)
	var parts []Span
	partStart := -1
	for at := start; at < end; {
		line, next := lineAt(data, at, end)
		if bytes.HasPrefix(line, delim) {
			rest := line[len(delim):]
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing {
				rest = rest[2:]
			}
			if len(bytes.Trim(rest, " \t\r")) == 0 {
				if partStart >= 0 {
					parts = append(parts, Span{partStart, trimEOL(data, partStart, at)})
				}
				if closing {
					return parts
				}
				partStart = next
			}
		}
		at = next
	}
	return parts
}

// trimEOL returns end less one line break ending data[start:end], if any.
func trimEOL(data []byte, start, end int) int {
	if end > start && data[end-1] == '\n' {
		end--
		if end > start && data[end-1] == '\r' {
			end--
		}
	}
	return end
}

// Field is one header field of a message, unfolded, with its RFC 2047
// encoded words decoded.
type Field struct{ Name, Value string }

// Header returns the message's top-level header fields in order: what a
// reader sees atop the message when it is typeset.
func (d *emailDoc) Header() []Field {
	var out []Field
	dec := mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("charset %q", charset)
	}}
	for at := 0; at < len(d.data); {
		line, next := lineAt(d.data, at, len(d.data))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		at = next
		if line[0] == ' ' || line[0] == '\t' {
			if n := len(out); n > 0 {
				out[n-1].Value += " " + strings.TrimSpace(string(line))
			}
			continue
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 || !validFieldName(bytes.TrimRight(line[:i], " \t")) {
			continue
		}
		out = append(out, Field{Name: string(bytes.TrimRight(line[:i], " \t")), Value: strings.TrimSpace(string(line[i+1:]))})
	}
	for i := range out {
		if v, err := dec.DecodeHeader(out[i].Value); err == nil {
			out[i].Value = v
		}
		if !utf8.ValidString(out[i].Value) {
			out[i].Value = strings.ToValidUTF8(out[i].Value, "?")
		}
	}
	return out
}
