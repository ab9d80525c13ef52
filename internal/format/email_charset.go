package format

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// charset converts a part's bytes to and from UTF-8.
type charset struct {
	name  string
	kind  charsetKind
	table *charmap.Charmap  // csTable
	enc   encoding.Encoding // csOther
}

type charsetKind int

const (
	csASCII charsetKind = iota
	csUTF8
	csTable // single-byte, one rune per byte
	csOther // anything else x/text knows, checked rune by rune
)

// lookupCharset finds the charset a MIME label names; an empty label is
// US-ASCII (RFC 2045 §5.2). The WHATWG index that htmlindex implements reads
// US-ASCII and ISO-8859-1 as windows-1252 and ISO-8859-9 as windows-1254,
// which is right for decoding web pages but would let Fit write characters
// (such as U+2019) into a part whose declared charset lacks them, so those
// labels are mapped to their exact charsets first.
func lookupCharset(label string) (charset, bool) {
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "csascii",
		"iso-ir-6", "cp367", "ibm367", "iso_646.irv:1991":
		return charset{name: "us-ascii", kind: csASCII}, true
	case "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "latin1",
		"l1", "iso-ir-100", "cp819", "ibm819", "csisolatin1":
		return charset{name: "iso-8859-1", kind: csTable, table: charmap.ISO8859_1}, true
	case "iso-8859-9", "iso8859-9", "iso88599", "iso_8859-9", "iso_8859-9:1989", "latin5",
		"l5", "iso-ir-148", "csisolatin5":
		return charset{name: "iso-8859-9", kind: csTable, table: charmap.ISO8859_9}, true
	}
	e, err := htmlindex.Get(label)
	if err != nil || e == encoding.Replacement {
		return charset{}, false
	}
	if e == unicode.UTF8 {
		return charset{name: "utf-8", kind: csUTF8}, true
	}
	if cm, ok := e.(*charmap.Charmap); ok {
		return charset{name: label, kind: csTable, table: cm}, true
	}
	return charset{name: label, kind: csOther, enc: e}, true
}

// decode converts b to UTF-8 and maps text offsets back to offsets in b.
// It reports false unless every character round-trips to exactly the
// bytes it came from, which is what lets Render splice edits into b. The
// map is nil when text offsets and byte offsets coincide.
func (c charset) decode(b []byte) (string, []int32, bool) {
	switch c.kind {
	case csASCII:
		if !isASCII(b) {
			return "", nil, false
		}
		return string(b), nil, true
	case csUTF8:
		if !utf8.Valid(b) {
			return "", nil, false
		}
		return string(b), nil, true
	case csTable:
		// Decode each byte value once, marking those that do not
		// round-trip (undefined bytes decode to U+FFFD) with -1.
		var runes [256]rune
		for x := range runes {
			r := c.table.DecodeByte(byte(x))
			if y, ok := c.table.EncodeRune(r); !ok || int(y) != x {
				r = -1
			}
			runes[x] = r
		}
		text := make([]byte, 0, len(b)+len(b)/4)
		t2d := make([]int32, 0, cap(text)+1)
		for i, x := range b {
			r := runes[x]
			if r < 0 {
				return "", nil, false
			}
			n := len(text)
			text = utf8.AppendRune(text, r)
			t2d = append(t2d, int32(i))
			for range len(text) - n - 1 {
				t2d = append(t2d, -1)
			}
		}
		return string(text), identityOrMap(append(t2d, int32(len(b)))), true
	default:
		text, err := c.enc.NewDecoder().Bytes(b)
		if err != nil {
			return "", nil, false
		}
		enc := c.enc.NewEncoder()
		t2d := make([]int32, len(text)+1)
		var buf [16]byte
		d := 0
		for i := 0; i < len(text); {
			_, n := utf8.DecodeRune(text[i:])
			t2d[i] = int32(d)
			for k := 1; k < n; k++ {
				t2d[i+k] = -1
			}
			enc.Reset()
			nd, ns, err := enc.Transform(buf[:], text[i:i+n], true)
			if err != nil || ns != n || nd == 0 || !bytes.HasPrefix(b[d:], buf[:nd]) {
				return "", nil, false
			}
			d += nd
			i += n
		}
		if d != len(b) {
			return "", nil, false
		}
		t2d[len(text)] = int32(d)
		return string(text), identityOrMap(t2d), true
	}
}

// identityOrMap returns nil if t2d maps every offset to itself.
func identityOrMap(t2d []int32) []int32 {
	for i, d := range t2d {
		if int(d) != i {
			return t2d
		}
	}
	return nil
}

// encode converts UTF-8 s to the charset, reporting false if s is not
// valid UTF-8 or has a character the charset lacks.
func (c charset) encode(s string) ([]byte, bool) {
	if !utf8.ValidString(s) {
		return nil, false
	}
	switch c.kind {
	case csASCII:
		b := []byte(s)
		return b, isASCII(b)
	case csUTF8:
		return []byte(s), true
	case csTable:
		b := make([]byte, 0, len(s))
		for _, r := range s {
			x, ok := c.table.EncodeRune(r)
			if !ok {
				return nil, false
			}
			b = append(b, x)
		}
		return b, true
	default:
		b, err := c.enc.NewEncoder().Bytes([]byte(s))
		if err != nil {
			return nil, false
		}
		back, err := c.enc.NewDecoder().Bytes(b)
		if err != nil || string(back) != s {
			return nil, false
		}
		return b, true
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
