package pdfsrc

import (
	"bytes"
	"math"
)

// operand is one operand of a content stream operator, with its bytes in
// the stream; an array keeps its elements'.
type operand struct {
	v          any
	start, end int
	hex        bool
	elems      []operand
}

// op is one operation: operands then the operator, bytes [start, end).
type op struct {
	name       string
	args       []operand
	start, end int
}

// maxOps bounds the operations read from one page.
const maxOps = 2_000_000

// parseContent splits a content stream into operations. Inline images
// are skipped whole. A syntax error ends the stream (what was read
// stays, as viewers do).
func parseContent(b []byte) []op {
	l := &lexer{b: b}
	var ops []op
	var args []operand
	start := -1
	for len(ops) < maxOps {
		l.skip()
		if l.pos >= len(b) {
			break
		}
		at := l.pos
		if start < 0 {
			start = at
		}
		c := b[at]
		if c == '[' {
			l.pos++
			arr := operand{start: at}
			var vals array
			ok := true
			for {
				l.skip()
				if l.pos >= len(b) {
					ok = false
					break
				}
				if b[l.pos] == ']' {
					l.pos++
					break
				}
				es := l.pos
				v, err := l.object(1)
				if err != nil {
					ok = false
					break
				}
				arr.elems = append(arr.elems, operand{v: v, start: es, end: l.pos, hex: l.hex && isString(v)})
				vals = append(vals, v)
			}
			if !ok {
				break
			}
			arr.v, arr.end = vals, l.pos
			args = append(args, arr)
			continue
		}
		if c == '<' && at+1 < len(b) && b[at+1] == '<' {
			v, err := l.object(0)
			if err != nil {
				break
			}
			args = append(args, operand{v: v, start: at, end: l.pos})
			continue
		}
		tok, delim, err := l.token()
		if err != nil {
			break
		}
		if delim != "" {
			// { } ] >> out of place: drop what was gathered.
			args, start = nil, -1
			continue
		}
		if k, ok := tok.(keyword); ok {
			ops = append(ops, op{name: string(k), args: args, start: start, end: l.pos})
			args, start = nil, -1
			if k == "BI" {
				// Skip to the end of the inline image's data.
				i := bytes.Index(b[l.pos:], []byte("ID"))
				if i < 0 {
					break
				}
				p := l.pos + i + 3
				for {
					j := bytes.Index(b[min(p, len(b)):], []byte("EI"))
					if j < 0 {
						return ops
					}
					p += j
					if isSpace(b[p-1]) && (p+2 == len(b) || isSpace(b[p+2]) || isDelim(b[p+2])) {
						break
					}
					p += 2
				}
				l.pos = p + 2
			}
			continue
		}
		args = append(args, operand{v: tok, start: at, end: l.pos, hex: l.hex && isString(tok)})
	}
	return ops
}

func isString(v any) bool { _, ok := v.([]byte); return ok }

// matrix is an affine transform [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// glyph is one shown glyph, located in the page and in the content.
type glyph struct {
	text string
	// x, y: its origin on the page; adv its advance along x, size
	// the font's height on the page.
	x, y, adv, size float64
	// along and across: its origin in the frame of its line's direction
	// (x and y for upright text); adv is along that direction.
	along, across float64
	// kscale is how far (in page units) one unit of a TJ number moves
	// the glyphs after it, towards the left.
	kscale float64
	// Where it is drawn: content stream (index in the page's), operation,
	// operand element (0 for Tj) and bytes in the string.
	stream, op, elem, bstart, bend int
	// movable: a glyph of a Tj or TJ with a known font and text, drawn
	// upright, whose neighbours can be moved by kerning.
	movable bool
	space   bool
}

type gstate struct {
	ctm                  matrix
	tc, tw, th, tl, rise float64
	font                 *font
	fontName             name
	size                 float64
}

// interpreter reads a page's glyphs.
type interpreter struct {
	f      *file
	res    dict
	fonts  map[name]*font
	glyphs []glyph
}

func (in *interpreter) fontFor(n name) *font {
	if ft, ok := in.fonts[n]; ok {
		return ft
	}
	var ft *font
	if fd := get[dict](in.f, in.res["Font"]); fd != nil {
		if v, ok := fd[n]; ok {
			ft = in.f.loadFont(v)
		}
	}
	if ft == nil {
		ft = &font{}
	}
	in.fonts[n] = ft
	return ft
}

func num(o operand) (float64, bool) {
	f, ok := o.v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func nums(args []operand, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		v, ok := num(args[len(args)-n+i])
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// run interprets the page's content streams, in order, as one.
func (in *interpreter) run(streams [][]op) {
	gs := gstate{ctm: identity, th: 1}
	var stack []gstate
	tm, tlm := identity, identity
	for si, ops := range streams {
		for oi, o := range ops {
			switch o.name {
			case "q":
				if len(stack) < 1000 {
					stack = append(stack, gs)
				}
			case "Q":
				if len(stack) > 0 {
					gs = stack[len(stack)-1]
					stack = stack[:len(stack)-1]
				}
			case "cm":
				if v, ok := nums(o.args, 6); ok {
					gs.ctm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}.mul(gs.ctm)
				}
			case "BT":
				tm, tlm = identity, identity
			case "Tf":
				if len(o.args) >= 2 {
					if n, ok := o.args[len(o.args)-2].v.(name); ok {
						if s, ok := num(o.args[len(o.args)-1]); ok {
							gs.font, gs.fontName, gs.size = in.fontFor(n), n, s
						}
					}
				}
			case "Tc":
				if v, ok := nums(o.args, 1); ok {
					gs.tc = v[0]
				}
			case "Tw":
				if v, ok := nums(o.args, 1); ok {
					gs.tw = v[0]
				}
			case "Tz":
				if v, ok := nums(o.args, 1); ok {
					gs.th = v[0] / 100
				}
			case "TL":
				if v, ok := nums(o.args, 1); ok {
					gs.tl = v[0]
				}
			case "Ts":
				if v, ok := nums(o.args, 1); ok {
					gs.rise = v[0]
				}
			case "Td", "TD":
				if v, ok := nums(o.args, 2); ok {
					if o.name == "TD" {
						gs.tl = -v[1]
					}
					tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(tlm)
					tm = tlm
				}
			case "Tm":
				if v, ok := nums(o.args, 6); ok {
					tlm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
					tm = tlm
				}
			case "T*":
				tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
				tm = tlm
			case "Tj", "'", "\"", "TJ":
				if o.name == "'" || o.name == "\"" {
					if o.name == "\"" {
						if v, ok := nums(o.args[:max(0, len(o.args)-1)], 2); ok {
							gs.tw, gs.tc = v[0], v[1]
						}
					}
					tlm = matrix{1, 0, 0, 1, 0, -gs.tl}.mul(tlm)
					tm = tlm
				}
				if len(o.args) == 0 || gs.font == nil {
					continue
				}
				last := o.args[len(o.args)-1]
				if o.name == "TJ" {
					for ei, e := range last.elems {
						switch v := e.v.(type) {
						case float64:
							if !math.IsNaN(v) && !math.IsInf(v, 0) {
								tm = matrix{1, 0, 0, 1, -v / 1000 * gs.size * gs.th, 0}.mul(tm)
							}
						case []byte:
							tm = in.show(v, &gs, tm, si, oi, ei, true)
						}
					}
				} else if s, ok := last.v.([]byte); ok {
					tm = in.show(s, &gs, tm, si, oi, 0, o.name == "Tj")
				}
			}
		}
	}
}

// show places the glyphs of one string and returns the text matrix after
// it.
func (in *interpreter) show(s []byte, gs *gstate, tm matrix, si, oi, ei int, shown bool) matrix {
	ft := gs.font
	for _, c := range ft.split(s) {
		trm := tm.mul(gs.ctm)
		x, y := trm.apply(0, gs.rise)
		w := ft.width(c.code) / 1000
		tx := (w*gs.size + gs.tc) * gs.th
		if !ft.twoByte && c.code == 32 {
			tx += gs.tw * gs.th
		}
		text, known := ft.text(c.code)
		upright := math.Abs(trm[1]) < 1e-9 && math.Abs(trm[2]) < 1e-9 && trm[0] > 0 && trm[3] > 0
		// Lines are told apart along the text's own direction (along,
		// across), which is x and y for upright text.
		dx, dy := trm[0], trm[1]
		scale := math.Hypot(dx, dy)
		if scale == 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
			dx, dy, scale = 1, 0, 0
		} else {
			dx, dy = dx/scale, dy/scale
		}
		size := gs.size * math.Hypot(trm[2], trm[3])
		g := glyph{
			text: text, x: x, y: y, adv: tx * scale, size: math.Abs(size),
			along: x*dx + y*dy, across: y*dx - x*dy,
			kscale: gs.size * gs.th * trm[0] / 1000,
			stream: si, op: oi, elem: ei, bstart: c.start, bend: c.end,
			movable: shown && ft.safe && known && upright && gs.size > 0 && gs.th > 0,
			space:   known && isBlank(text),
		}
		if len(in.glyphs) < maxOps {
			in.glyphs = append(in.glyphs, g)
		}
		tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
	}
	return tm
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\u00a0' && r != '\t' && r != '\u2002' && r != '\u2003' && r != '\u2009' {
			return false
		}
	}
	return true
}
