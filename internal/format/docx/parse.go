package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Namespaces of WordprocessingML (transitional and strict) and of markup
// compatibility.
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsXML     = "http://www.w3.org/XML/1998/namespace"
)

// Document is a parsed DOCX package.
type Document struct {
	data  []byte      // the package as given
	zr    *zip.Reader // over data
	main  int         // index of word/document.xml in zr.File
	xml   []byte      // word/document.xml, unpacked
	runs  []run
	segs  []seg
	paras []para
	// regions are the paragraphs with text, as format regions; regPara
	// maps a region to its paragraph.
	regions []format.Region
	regPara []int
	slots   []slot
}

// run is a w:r element that holds marked text.
type run struct {
	tag       span   // its start tag, "<w:r ...>"
	prefix    string // its element prefix with the colon ("w:"), "" for none
	rPr       span   // its w:rPr element, or {-1,-1}
	rPrEnd    int    // start of "</w:rPr>", or -1 for none or an empty element
	spacingAt int    // where a w:spacing goes in the rPr (before this offset)
	spacing   int    // its w:spacing value, in twentieths of a point
	hasSpace  bool   // its rPr has a w:spacing
	tracked   bool   // its rPr has a w:rPrChange (a tracked format change)
	container int    // offset of the start tag of its parent element
}

// seg is the content of one w:t element.
type seg struct {
	tag      span // the start tag "<w:t ...>"
	raw      span // the content, as escaped in the XML
	preserve bool // xml:space="preserve"
	run      int  // index into runs, -1 for a w:t outside any run
	text     string
	// at[i] is the XML offset of the text's byte i (len(text)+1 entries):
	// an entity's bytes map to the entity's start, the end to raw.end.
	at []int
}

type span struct{ start, end int }

// piece is a part of a paragraph's text: a w:t element's content
// (seg >= 0, editable unless fixed) or fixed text (a tab, a break,
// protected text).
type piece struct {
	start, end int // in the paragraph's text
	seg        int // -1 for text that is not a w:t's content
	fixed      bool
}

type para struct {
	text   string
	pieces []piece
}

func (d *Document) Format() string           { return "docx" }
func (d *Document) Regions() []format.Region { return d.regions }
func (d *Document) paraOf(region int) *para  { return &d.paras[d.regPara[region]] }
func isW(n xml.Name) bool                    { return n.Space == nsW || n.Space == nsWStrict }
func isName(n xml.Name, local string) bool   { return isW(n) && n.Local == local }
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && (isW(a.Name) || a.Name.Space == "") {
			return a.Value
		}
	}
	return ""
}

// skipped elements hold text a reader does not see in the flow of the
// paragraph (drawings, text boxes, alternate content kept twice) or see
// as something else (math): leaktrace leaves them alone.
func skipped(n xml.Name) bool {
	if n.Space == nsMC && n.Local == "AlternateContent" {
		return true
	}
	if !isW(n) {
		return false
	}
	switch n.Local {
	case "drawing", "pict", "object", "txbxContent", "del", "moveFrom", "instrText", "delText", "delInstrText":
		return true
	}
	return false
}

// afterSpacing lists the run properties that follow w:spacing in the
// schema's order (CT_RPr): a w:spacing is inserted before the first.
var afterSpacing = map[string]bool{
	"w": true, "kern": true, "position": true, "sz": true, "szCs": true, "highlight": true, "u": true,
	"effect": true, "bdr": true, "shd": true, "fitText": true, "vertAlign": true, "rtl": true, "cs": true,
	"em": true, "lang": true, "eastAsianLayout": true, "specVanish": true, "oMath": true, "rPrChange": true,
}

// field is one level of a complex field (w:fldChar begin … separate …
// end): its code is not shown, its result is shown and protected.
type field struct{ result bool }

// scan walks word/document.xml and builds the paragraphs.
func (d *Document) scan() error {
	dec := xml.NewDecoder(bytes.NewReader(d.xml))
	dec.Strict = true
	var (
		stack   []xml.Name
		starts  []int // offsets of the start tags on the stack
		skip    int   // depth inside skipped elements
		prot    int   // depth inside protected elements (w:sdt, w:fldSimple)
		fields  []field
		cur     *para // the open paragraph
		pdepth  int   // stack depth of the open paragraph
		runIdx  = -1  // the open run, index into d.runs
		rdepth  int
		inRPr   bool
		tStart  = -1 // offset after the open w:t's start tag
		tOpen   xml.StartElement
		tTag    span
		tChunks []string // the open w:t's character data
		tPlain  bool     // the open w:t's content is character data only
	)
	// The open paragraph's text grows in sb (adding to a string would
	// copy it at every run: quadratic in a paragraph of many runs) and
	// becomes its text when it ends.
	var sb strings.Builder
	add := func(text string, seg int, fixed bool) {
		if cur == nil {
			return
		}
		n := sb.Len()
		sb.WriteString(text)
		cur.pieces = append(cur.pieces, piece{start: n, end: sb.Len(), seg: seg, fixed: fixed})
	}
	endPara := func() {
		if cur != nil {
			cur.text = sb.String()
			sb.Reset()
			cur = nil
		}
	}
	hidden := func() bool {
		for _, f := range fields {
			if !f.result {
				return true
			}
		}
		return skip > 0
	}
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			endPara()
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return malformed(ErrBadXML, "line "+strconv.Itoa(se.Line)+": "+se.Msg)
			}
			return malformed(ErrBadXML, err.Error())
		}
		end := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			parent := -1
			if len(starts) > 0 {
				parent = starts[len(starts)-1]
			}
			stack = append(stack, t.Name)
			starts = append(starts, off)
			if tStart >= 0 {
				tPlain = false
				continue
			}
			if skip > 0 || skipped(t.Name) {
				skip++
				if runIdx >= 0 && len(stack) == rdepth+1 && skip == 1 {
					add("", -1, true) // a drawing or field code in a run: text may not run across it
				}
				continue
			}
			if inRPr {
				if len(stack) == rdepth+2 && isW(t.Name) {
					r := &d.runs[runIdx]
					if t.Name.Local == "spacing" {
						r.hasSpace = true
						r.spacing, _ = strconv.Atoi(attr(t, "val"))
					}
					if t.Name.Local == "rPrChange" {
						r.tracked = true
					}
					if afterSpacing[t.Name.Local] && r.spacingAt < 0 {
						r.spacingAt = off
					}
				}
				continue
			}
			switch {
			case isName(t.Name, "p"):
				if cur == nil {
					d.paras = append(d.paras, para{})
					cur = &d.paras[len(d.paras)-1]
					pdepth = len(stack)
				}
			case isName(t.Name, "sdt"), isName(t.Name, "fldSimple"):
				prot++
			case isName(t.Name, "r"):
				runIdx = len(d.runs)
				rdepth = len(stack)
				d.runs = append(d.runs, run{tag: span{off, end}, prefix: prefixOf(d.xml[off:end]), rPr: span{-1, -1},
					rPrEnd: -1, spacingAt: -1, container: parent})
			case runIdx >= 0 && len(stack) == rdepth+1 && isName(t.Name, "rPr"):
				inRPr = true
				d.runs[runIdx].rPr = span{off, end}
			case isName(t.Name, "t") && runIdx >= 0 && len(stack) == rdepth+1:
				tStart, tOpen, tTag, tChunks, tPlain = end, t, span{off, end}, nil, true
			case runIdx >= 0 && len(stack) == rdepth+1 && isName(t.Name, "fldChar"):
				switch attr(t, "fldCharType") {
				case "begin":
					fields = append(fields, field{})
				case "separate":
					if len(fields) > 0 {
						fields[len(fields)-1].result = true
					}
				case "end":
					if len(fields) > 0 {
						fields = fields[:len(fields)-1]
					}
				}
				add("", -1, true)
			case runIdx >= 0 && len(stack) == rdepth+1:
				if hidden() {
					break
				}
				switch t.Name.Local {
				case "tab", "ptab":
					add("\t", -1, true)
				case "br", "cr":
					add("\n", -1, true)
				case "noBreakHyphen":
					add("\u2011", -1, true)
				case "lastRenderedPageBreak":
				default:
					add("", -1, true)
				}
			}
		case xml.EndElement:
			depth := len(stack)
			stack, starts = stack[:depth-1], starts[:depth-1]
			if tStart >= 0 {
				if depth != rdepth+1 || !isName(t.Name, "t") {
					continue // the end of an element inside the w:t
				}
				d.endText(tOpen, tTag, span{tStart, off}, tChunks, tPlain, runIdx, hidden(), prot > 0 || len(fields) > 0, add)
				tStart = -1
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			switch {
			case inRPr && depth == rdepth+1:
				inRPr = false
				r := &d.runs[runIdx]
				r.rPr.end = end
				if end > off { // not <w:rPr/>
					r.rPrEnd = off
				}
				if r.spacingAt < 0 {
					r.spacingAt = off
				}
			case inRPr:
			case isName(t.Name, "r") && depth == rdepth:
				runIdx = -1
			case isName(t.Name, "sdt"), isName(t.Name, "fldSimple"):
				prot--
			case cur != nil && depth == pdepth && isName(t.Name, "p"):
				endPara()
				// A field left open at the paragraph's end goes on in
				// the next (fields may span paragraphs).
			}
		case xml.CharData:
			if tStart >= 0 {
				tChunks = append(tChunks, string(t))
			}
		default:
			if tStart >= 0 {
				tPlain = false
			}
		}
	}
	if len(stack) != 0 {
		return malformed(ErrBadXML, "it ends inside an element")
	}
	for i := range d.paras {
		p := &d.paras[i]
		if p.text == "" {
			continue
		}
		r := format.Region{Text: p.text}
		for _, pc := range p.pieces {
			if pc.fixed && pc.end > pc.start {
				if n := len(r.Protected); n > 0 && r.Protected[n-1].End == pc.start {
					r.Protected[n-1].End = pc.end
				} else {
					r.Protected = append(r.Protected, format.Span{Start: pc.start, End: pc.end})
				}
			}
		}
		d.regions = append(d.regions, r)
		d.regPara = append(d.regPara, i)
	}
	return nil
}

// endText records a w:t element's content as a piece of the open
// paragraph: editable when it is plain character data this package can
// map back to the XML byte for byte, fixed (protected) otherwise.
func (d *Document) endText(open xml.StartElement, tag, raw span, chunks []string, plain bool, runIdx int, hidden, prot bool,
	add func(string, int, bool)) {
	if hidden {
		return
	}
	text := strings.Join(chunks, "")
	s := seg{tag: tag, raw: raw, run: runIdx}
	for _, a := range open.Attr {
		if a.Name.Local == "space" && (a.Name.Space == "xml" || a.Name.Space == nsXML) && a.Value == "preserve" {
			s.preserve = true
		}
	}
	dec, at, ok := unescape(d.xml[raw.start:raw.end], raw.start)
	fixed := prot || !plain || !ok || dec != text || strings.ContainsAny(text, "\r\n\t")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
		fixed = true
	}
	if fixed {
		add(text, -1, true)
		return
	}
	s.text, s.at = text, at
	d.segs = append(d.segs, s)
	add(text, len(d.segs)-1, false)
}

// prefixOf returns the element prefix of a start tag with its colon:
// "w:" for "<w:r w:rsidR=…>".
func prefixOf(tag []byte) string {
	name := tag[1:]
	if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
		name = name[:i]
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return string(name[:i+1])
	}
	return ""
}

// unescape decodes XML character data that holds no markup: the
// predefined entities and character references. at maps each decoded
// byte to its offset in the XML (base + its offset in raw).
func unescape(raw []byte, base int) (string, []int, bool) {
	var b strings.Builder
	at := make([]int, 0, len(raw)+1)
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '<' || c == '>' && i >= 2 && raw[i-1] == ']' && raw[i-2] == ']' {
			return "", nil, false
		}
		if c != '&' {
			b.WriteByte(c)
			at = append(at, base+i)
			i++
			continue
		}
		j := bytes.IndexByte(raw[i:], ';')
		if j < 0 {
			return "", nil, false
		}
		ent := string(raw[i+1 : i+j])
		var s string
		switch ent {
		case "amp":
			s = "&"
		case "lt":
			s = "<"
		case "gt":
			s = ">"
		case "quot":
			s = `"`
		case "apos":
			s = "'"
		default:
			if !strings.HasPrefix(ent, "#") {
				return "", nil, false
			}
			var n uint64
			var err error
			if strings.HasPrefix(ent, "#x") {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return "", nil, false
			}
			s = string(rune(n))
		}
		for range len(s) {
			at = append(at, base+i)
		}
		b.WriteString(s)
		i += j + 1
	}
	at = append(at, base+len(raw))
	return b.String(), at, true
}

// escape writes text as XML character data.
func escape(b *bytes.Buffer, text string) {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
}

// editable returns the pieces of p that text[start:end] lies in, when
// it can be replaced: w:t contents of runs with one parent, with no
// fixed text between them. An insertion (start == end) goes at the end
// of the w:t before it (after the previous word, in its run), or else at
// the start of the w:t after it.
func (d *Document) editable(p *para, start, end int) (first, last int, ok bool) {
	i := sort.Search(len(p.pieces), func(i int) bool { return p.pieces[i].end >= start })
	if start == end {
		for ; i < len(p.pieces) && p.pieces[i].start <= start; i++ {
			if pc := p.pieces[i]; !pc.fixed && pc.end > pc.start {
				return i, i, true
			}
		}
		return 0, 0, false
	}
	for i < len(p.pieces) && p.pieces[i].end <= start {
		i++
	}
	first = i
	for ; i < len(p.pieces); i++ {
		pc := p.pieces[i]
		if pc.start >= end {
			break
		}
		if pc.fixed || d.runs[d.segs[pc.seg].run].container != d.runs[d.segs[p.pieces[first].seg].run].container {
			return 0, 0, false
		}
		if pc.end >= end {
			return first, i, true
		}
	}
	return 0, 0, false
}
