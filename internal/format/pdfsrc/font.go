package pdfsrc

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// font is what positioning a font's glyphs needs: how its strings split
// into codes, each code's width and the text it stands for.
type font struct {
	// twoByte: codes are two bytes (a Type0 font with Identity-H);
	// else one.
	twoByte bool
	widths  map[int]float64 // in 1/1000 of the font size
	dw      float64         // default width
	uni     map[int]string  // ToUnicode, or the encoding's
	// safe is false for a font whose glyphs can't be placed (Type3,
	// vertical writing, unknown widths or encoding): its words are
	// never moved.
	safe bool
}

// code is one glyph of a shown string.
type code struct {
	code       int
	start, end int // bytes of the string
}

func (ft *font) split(s []byte) []code {
	var out []code
	if ft.twoByte {
		for i := 0; i+1 < len(s); i += 2 {
			out = append(out, code{int(s[i])<<8 | int(s[i+1]), i, i + 2})
		}
		return out
	}
	for i := range s {
		out = append(out, code{int(s[i]), i, i + 1})
	}
	return out
}

func (ft *font) width(c int) float64 {
	if w, ok := ft.widths[c]; ok {
		return w
	}
	return ft.dw
}

// text is the Unicode text of code c; ok is false if it is unknown.
func (ft *font) text(c int) (string, bool) {
	s, ok := ft.uni[c]
	return s, ok
}

// loadFont reads a font dictionary.
func (f *file) loadFont(v any) *font {
	d := get[dict](f, v)
	ft := &font{widths: map[int]float64{}, uni: map[int]string{}}
	if d == nil {
		return ft
	}
	sub, _ := d["Subtype"].(name)
	safe := true
	switch sub {
	case "Type0":
		if enc, _ := get[any](f, d["Encoding"]).(name); enc != "Identity-H" {
			safe = false
		}
		ft.twoByte = true
		desc := get[array](f, d["DescendantFonts"])
		if len(desc) == 0 {
			return ft
		}
		cd := get[dict](f, desc[0])
		if cd == nil {
			return ft
		}
		ft.dw = 1000
		if dw, ok := get[any](f, cd["DW"]).(float64); ok {
			ft.dw = dw
		}
		w := get[array](f, cd["W"])
		for i := 0; i < len(w); {
			first, ok := get[any](f, w[i]).(float64)
			if !ok || i+1 >= len(w) {
				break
			}
			if ws, ok := get[any](f, w[i+1]).(array); ok {
				for k, x := range ws {
					if n, ok := get[any](f, x).(float64); ok && len(ft.widths) < 1<<17 {
						ft.widths[int(first)+k] = n
					}
				}
				i += 2
				continue
			}
			if i+2 >= len(w) {
				break
			}
			last, ok1 := get[any](f, w[i+1]).(float64)
			n, ok2 := get[any](f, w[i+2]).(float64)
			if !ok1 || !ok2 || last < first || last-first > 1<<16 {
				safe = false
				break
			}
			for c := int(first); c <= int(last); c++ {
				ft.widths[c] = n
			}
			i += 3
		}
	case "Type1", "TrueType", "MMType1":
		first, _ := get[any](f, d["FirstChar"]).(float64)
		ws := get[array](f, d["Widths"])
		if len(ws) == 0 {
			safe = false // a standard font without widths: not measured here
		}
		for k, x := range ws {
			if n, ok := get[any](f, x).(float64); ok {
				ft.widths[int(first)+k] = n
			}
		}
		if fd := get[dict](f, d["FontDescriptor"]); fd != nil {
			if mw, ok := get[any](f, fd["MissingWidth"]).(float64); ok {
				ft.dw = mw
			}
		}
		ft.simpleEncoding(f, d)
	default:
		safe = false // Type3 and anything else
	}
	if tu := get[*stream](f, d["ToUnicode"]); tu != nil {
		if data, err := f.decode(tu); err == nil {
			parseCMap(data, ft.uni)
		}
	}
	if len(ft.uni) == 0 {
		safe = false
	}
	ft.safe = safe
	return ft
}

// simpleEncoding fills uni from a simple font's /Encoding (a ToUnicode
// map read afterwards overrides it).
func (ft *font) simpleEncoding(f *file, d dict) {
	base := name("StandardEncoding")
	var diffs array
	switch e := get[any](f, d["Encoding"]).(type) {
	case name:
		base = e
	case dict:
		if b, ok := e["BaseEncoding"].(name); ok {
			base = b
		}
		diffs = get[array](f, e["Differences"])
	}
	if fd := get[dict](f, d["FontDescriptor"]); fd != nil {
		if fl, ok := get[any](f, fd["Flags"]).(float64); ok && int(fl)&4 != 0 && d["Encoding"] == nil {
			// A symbolic font with its built-in encoding: unknown.
			return
		}
	}
	switch base {
	case "WinAnsiEncoding", "StandardEncoding", "MacRomanEncoding":
		cm := charmap.Windows1252
		if base == "MacRomanEncoding" {
			cm = charmap.Macintosh
		}
		for c := 32; c < 256; c++ {
			if c == 127 {
				continue
			}
			r := cm.DecodeByte(byte(c))
			if base == "StandardEncoding" && c >= 128 {
				continue // only ASCII agrees with WinAnsi
			}
			if base == "StandardEncoding" && (c == '\'' || c == '`') {
				r = map[int]rune{'\'': '’', '`': '‘'}[c]
			}
			ft.uni[c] = string(r)
		}
	}
	c := 0
	for _, x := range diffs {
		switch v := x.(type) {
		case float64:
			c = int(v)
		case name:
			if s, ok := glyphText(string(v)); ok {
				ft.uni[c] = s
			} else {
				delete(ft.uni, c)
			}
			c++
		}
	}
}

// glyphNames maps common glyph names to their text.
var glyphNames = map[string]string{
	"space": " ", "exclam": "!", "quotedbl": "\"", "numbersign": "#", "dollar": "$", "percent": "%",
	"ampersand": "&", "quoteright": "’", "quotesingle": "'", "parenleft": "(", "parenright": ")",
	"asterisk": "*", "plus": "+", "comma": ",", "hyphen": "-", "period": ".", "slash": "/",
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "colon": ":", "semicolon": ";", "less": "<",
	"equal": "=", "greater": ">", "question": "?", "at": "@", "bracketleft": "[", "backslash": "\\",
	"bracketright": "]", "asciicircum": "^", "underscore": "_", "quoteleft": "‘", "grave": "`",
	"braceleft": "{", "bar": "|", "braceright": "}", "asciitilde": "~", "endash": "–", "emdash": "—",
	"quotedblleft": "“", "quotedblright": "”", "fi": "fi", "fl": "fl", "ff": "ff", "ffi": "ffi",
	"ffl": "ffl", "bullet": "•", "dotlessi": "ı", "section": "§", "paragraph": "¶", "dagger": "†",
	"ellipsis": "…", "minus": "−", "periodcentered": "·", "quotesinglbase": "‚", "quotedblbase": "„",
}

func glyphText(n string) (string, bool) {
	if len(n) == 1 && (n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		return n, true
	}
	if s, ok := glyphNames[n]; ok {
		return s, true
	}
	if strings.HasPrefix(n, "uni") && len(n) == 7 {
		if v, err := strconv.ParseUint(n[3:], 16, 16); err == nil {
			return string(rune(v)), true
		}
	}
	return "", false
}

// parseCMap reads a ToUnicode CMap's bfchar and bfrange sections into
// uni. Malformed parts are skipped.
func parseCMap(data []byte, uni map[int]string) {
	l := &lexer{b: data}
	var ops []any
	for len(uni) < 1<<17 {
		tok, delim, err := l.token()
		if err != nil {
			return
		}
		if delim == "[" {
			l.pos--
			a, err := l.object(0)
			if err != nil {
				return
			}
			ops = append(ops, a)
			continue
		}
		if delim != "" {
			continue
		}
		switch tok {
		case keyword("endbfchar"):
			for i := 0; i+1 < len(ops); i += 2 {
				src, ok1 := ops[i].([]byte)
				dst, ok2 := ops[i+1].([]byte)
				if ok1 && ok2 && len(src) <= 2 {
					uni[bytesInt(src)] = utf16BE(dst)
				}
			}
			ops = ops[:0]
		case keyword("endbfrange"):
			for i := 0; i+2 < len(ops); i += 3 {
				lo, ok1 := ops[i].([]byte)
				hi, ok2 := ops[i+1].([]byte)
				if !ok1 || !ok2 || len(lo) > 2 || len(hi) > 2 {
					continue
				}
				a, b := bytesInt(lo), bytesInt(hi)
				if b < a || b-a > 1<<16 {
					continue
				}
				switch dst := ops[i+2].(type) {
				case []byte:
					u := utf16.Decode(be16(dst))
					if len(u) == 0 {
						continue
					}
					for c := a; c <= b; c++ {
						v := append([]rune(nil), u...)
						v[len(v)-1] += rune(c - a)
						uni[c] = string(v)
					}
				case array:
					for k, x := range dst {
						if s, ok := x.([]byte); ok && a+k <= b {
							uni[a+k] = utf16BE(s)
						}
					}
				}
			}
			ops = ops[:0]
		case keyword("beginbfchar"), keyword("beginbfrange"), keyword("begincodespacerange"), keyword("endcodespacerange"):
			ops = ops[:0]
		default:
			if _, ok := tok.([]byte); ok {
				ops = append(ops, tok)
			} else {
				ops = ops[:0]
			}
		}
	}
}

func bytesInt(b []byte) int {
	v := 0
	for _, c := range b {
		v = v<<8 | int(c)
	}
	return v
}

func be16(b []byte) []uint16 {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return u
}

func utf16BE(b []byte) string { return string(utf16.Decode(be16(b))) }
