package pdfsrc

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// PDF objects, as the lexer returns them: nil (null), bool, float64
// (every number), name, []byte (a string), array, dict, ref, keyword
// (an operator or a word such as obj, R, stream).
type (
	name    string
	keyword string
	array   []any
	dict    map[name]any
	ref     struct{ num, gen int }
)

// maxDepth bounds the nesting of arrays and dictionaries.
const maxDepth = 64

var errSyntax = errors.New("syntax error")

// lexer reads PDF tokens from b starting at pos.
type lexer struct {
	b   []byte
	pos int
	// hex records, for the last string read, whether it was written
	// <hex> (true) or (literal).
	hex bool
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip passes white space and comments.
func (l *lexer) skip() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isSpace(c) {
			l.pos++
		} else if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		} else {
			return
		}
	}
}

// token reads one token: a delimiter ("[", "]", "<<", ">>", "{", "}"),
// or a value (number, name, string, keyword). ok is false at the end.
func (l *lexer) token() (tok any, delim string, err error) {
	l.skip()
	if l.pos >= len(l.b) {
		return nil, "", errEOF
	}
	c := l.b[l.pos]
	switch {
	case c == '[' || c == ']' || c == '{' || c == '}':
		l.pos++
		return nil, string(c), nil
	case c == '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return nil, "<<", nil
		}
		s, err := l.hexString()
		return s, "", err
	case c == '>':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '>' {
			l.pos += 2
			return nil, ">>", nil
		}
		return nil, "", fmt.Errorf("%w: stray '>' at %d", errSyntax, l.pos)
	case c == '(':
		s, err := l.litString()
		return s, "", err
	case c == ')':
		return nil, "", fmt.Errorf("%w: stray ')' at %d", errSyntax, l.pos)
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
			l.pos++
		}
		return name(unescapeName(l.b[start:l.pos])), "", nil
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	w := l.b[start:l.pos]
	if len(w) == 0 {
		l.pos++
		return nil, "", fmt.Errorf("%w: unexpected %q at %d", errSyntax, c, start)
	}
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if f, ok := parseNumber(w); ok {
			return f, "", nil
		}
	}
	switch string(w) {
	case "true":
		return true, "", nil
	case "false":
		return false, "", nil
	case "null":
		return nil, "", nil
	}
	return keyword(w), "", nil
}

var errEOF = errors.New("unexpected end of data")

// parseNumber reads a PDF number (no exponent; a sign, digits, one dot).
func parseNumber(w []byte) (float64, bool) {
	s := string(w)
	// Some producers write "--5" or "5-"; accept what strconv accepts
	// after trimming a doubled sign.
	for len(s) > 1 && (s[0] == '-' || s[0] == '+') && (s[1] == '-' || s[1] == '+') {
		s = s[1:]
	}
	for _, r := range s {
		if r == 'e' || r == 'E' || r == 'x' || r == 'X' || r == 'p' || r == 'P' || r == '_' || r == 'i' || r == 'n' || r == 'I' || r == 'N' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func unescapeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hexString() ([]byte, error) {
	l.pos++ // <
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			l.hex = true
			return out, nil
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, fmt.Errorf("%w: bad hex digit %q at %d", errSyntax, c, l.pos-1)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, errEOF
}

func (l *lexer) litString() ([]byte, error) {
	l.pos++ // (
	depth := 1
	var out []byte
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				l.hex = false
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errEOF
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		case '\r':
			// An end of line in a string is read as \n.
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return nil, errEOF
}

// object reads one object, with arrays, dictionaries and references
// ("N G R") resolved syntactically. A keyword other than R is returned
// as a keyword.
func (l *lexer) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested too deeply", errSyntax)
	}
	tok, delim, err := l.token()
	if err != nil {
		return nil, err
	}
	switch delim {
	case "":
		if f, ok := tok.(float64); ok {
			// N G R?
			save := l.pos
			if g, d2, err := l.token(); err == nil && d2 == "" {
				if gf, ok := g.(float64); ok {
					if r, d3, err := l.token(); err == nil && d3 == "" && r == keyword("R") && isIndex(f) && isIndex(gf) {
						return ref{int(f), int(gf)}, nil
					}
				}
			}
			l.pos = save
			return f, nil
		}
		return tok, nil
	case "[":
		var a array
		for {
			l.skip()
			if l.pos < len(l.b) && l.b[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			v, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case "<<":
		d := dict{}
		for {
			l.skip()
			if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
				l.pos += 2
				return d, nil
			}
			k, kd, err := l.token()
			if err != nil {
				return nil, err
			}
			kn, ok := k.(name)
			if kd != "" || !ok {
				return nil, fmt.Errorf("%w: dictionary key is not a name at %d", errSyntax, l.pos)
			}
			v, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			d[kn] = v
		}
	}
	return nil, fmt.Errorf("%w: unexpected %q at %d", errSyntax, delim, l.pos)
}

func isIndex(f float64) bool { return f >= 0 && f < 1<<30 && f == float64(int(f)) }
