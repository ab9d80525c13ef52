package format

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// transferEncoding is how a part's bytes are laid out in the message.
type transferEncoding int

const (
	teIdentity transferEncoding = iota // 7bit, 8bit, binary
	teQP                               // quoted-printable
	teBase64
)

// decodeQP decodes quoted-printable exactly as mime/quotedprintable.Reader
// does and records, for each decoded byte, the raw range that produced it.
// Following that reader, whitespace at the end of a line is dropped and a
// line whose remaining text ends in "=" is a soft line break. It reports
// false wherever that reader fails and also for an "=" that it takes
// literally, because text spliced in after such an "=" could turn it into
// an escape.
func decodeQP(raw []byte) (dec []byte, from, to []int32, ok bool) {
	dec = make([]byte, 0, len(raw))
	from = make([]int32, 0, len(raw))
	to = make([]int32, 0, len(raw))
	emit := func(b byte, s, e int) {
		dec = append(dec, b)
		from = append(from, int32(s))
		to = append(to, int32(e))
	}
	for at := 0; at < len(raw); {
		_, next := lineAt(raw, at, len(raw))
		hasLF := raw[next-1] == '\n'
		hasCR := hasLF && next-at >= 2 && raw[next-2] == '\r'
		t := next
		for t > at && isQPSpace(raw[t-1]) {
			t--
		}
		end := t // end of the line's encoded text
		soft := t > at && raw[t-1] == '='
		if soft {
			end--
			rest := bytes.TrimLeft(raw[t:next], " \t")
			if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) &&
				!(len(rest) == 0 && end > at && !hasLF) {
				return nil, nil, nil, false
			}
		}
		for i := at; i < end; {
			b := raw[i]
			switch {
			case b == '=':
				if i+3 > end {
					return nil, nil, nil, false
				}
				hi, ok1 := unhex(raw[i+1])
				lo, ok2 := unhex(raw[i+2])
				if !ok1 || !ok2 {
					return nil, nil, nil, false
				}
				emit(hi<<4|lo, i, i+3)
				i += 3
				continue
			case b == '\t' || b == '\r' || b == '\n' || b >= 0x80:
			case b < ' ' || b > '~':
				return nil, nil, nil, false
			}
			emit(b, i, i+1)
			i++
		}
		if !soft && hasLF {
			if hasCR {
				emit('\r', next-2, next-1)
			}
			emit('\n', next-1, next)
		}
		at = next
	}
	return dec, from, to, true
}

// isQPSpace reports whether the quoted-printable decoder strips b from the
// end of a line.
func isQPSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func unhex(b byte) (byte, bool) {
	switch {
	case '0' <= b && b <= '9':
		return b - '0', true
	case 'A' <= b && b <= 'F':
		return b - 'A' + 10, true
	case 'a' <= b && b <= 'f':
		return b - 'a' + 10, true
	}
	return 0, false
}

const upperHex = "0123456789ABCDEF"

// appendQP encodes b as quoted-printable the way RFC 2045 asks of an
// encoder: see qpLiteral.
func appendQP(dst, b []byte, atLineEnd bool) []byte {
	for i, c := range b {
		if qpLiteral(c, i == len(b)-1 && atLineEnd) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '=', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// qpLen is len(appendQP(nil, b, atLineEnd)).
func qpLen(b []byte, atLineEnd bool) int {
	n := 0
	for i, c := range b {
		if qpLiteral(c, i == len(b)-1 && atLineEnd) {
			n++
		} else {
			n += 3
		}
	}
	return n
}

// qpLiteral reports whether c may stand for itself in quoted-printable:
// printable ASCII other than "=" may, and so may a space or tab unless it
// ends a line, where a decoder would strip it.
func qpLiteral(c byte, endsLine bool) bool {
	if c == ' ' || c == '\t' {
		return !endsLine
	}
	return c > ' ' && c <= '~' && c != '='
}

// qpOpenToLineEnd reports whether text written at raw offset pos of a
// quoted-printable body could end up last on its line: whether nothing but
// whitespace the decoder strips, and spans that later edits may replace
// (next, sorted, starting at or after pos), lies between pos and the end
// of the line.
func qpOpenToLineEnd(raw []byte, pos int, next []Span) bool {
	for {
		for len(next) > 0 && next[0].Start < pos {
			next = next[1:]
		}
		if len(next) > 0 && next[0].Start == pos {
			pos = next[0].End
			next = next[1:]
			continue
		}
		for pos < len(raw) && (raw[pos] == ' ' || raw[pos] == '\t' || raw[pos] == '\r') {
			pos++
		}
		return pos == len(raw) || raw[pos] == '\n'
	}
}

// b64Layout is the shape of a base64 body, kept so that a re-encoded body
// has the same lines as the source.
type b64Layout struct {
	width int    // characters per full line
	eol   string // line ending between lines
	lines int    // number of lines
	tail  string // line breaks after the encoded text, kept verbatim
}

// decodeBase64 decodes a base64 body and reports whether it is laid out
// canonically (padded, full lines of one width, one line ending), which is
// what lets Render re-encode it with every unedited byte in place.
func decodeBase64(raw []byte) ([]byte, b64Layout, bool) {
	body := bytes.TrimRight(raw, " \t\r\n")
	l := b64Layout{eol: "\n", tail: string(raw[len(body):]), lines: 1}
	if strings.HasPrefix(l.tail, "\r\n") {
		l.eol = "\r\n"
	}
	if first := bytes.IndexByte(body, '\n'); first < 0 {
		l.width = max(len(body), b64LineWidth)
	} else {
		l.width, l.eol = first, "\n"
		if first > 0 && body[first-1] == '\r' {
			l.width, l.eol = first-1, "\r\n"
		}
	}
	if len(body) == 0 || l.width <= 0 {
		return nil, l, false
	}
	dec, err := base64.StdEncoding.DecodeString(string(body))
	if err != nil {
		return nil, l, false
	}
	l.lines = l.lineCount(len(dec))
	if !bytes.Equal(l.appendEncoded(nil, dec), body) {
		return nil, l, false
	}
	return dec, l, true
}

// lineCount returns how many lines n decoded bytes take.
func (l b64Layout) lineCount(n int) int {
	chars := (n + 2) / 3 * 4
	return (chars + l.width - 1) / l.width
}

// appendEncoded appends dec encoded in the layout, without the tail.
func (l b64Layout) appendEncoded(dst, dec []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(dec)
	for i := 0; i < len(enc); i += l.width {
		if i > 0 {
			dst = append(dst, l.eol...)
		}
		dst = append(dst, enc[i:min(i+l.width, len(enc))]...)
	}
	return dst
}
