package pdfsrc

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// spec describes a small PDF made by the tests.
type spec struct {
	pages []string // content streams
	// font is the font dictionary of /F1 (default: a Type1 font with
	// WinAnsiEncoding and widths of 500, the space 250).
	font string
	// xrefStream writes a cross-reference stream instead of a table;
	// compress Flate-encodes the content streams.
	xrefStream, compress bool
	trailer              string // extra trailer entries
	// extra objects, numbered from 5 on (the pages come after them).
	extra []string
}

const simpleFont = `<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding/FirstChar 32/LastChar 126/Widths[250 ` +
	`500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 ` +
	`500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 ` +
	`500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500 500]>>`

// build writes the PDF: objects 1 catalog, 2 page tree, 3 font, 4 info,
// then a page and its content per page.
func (s spec) build() []byte {
	font := s.font
	if font == "" {
		font = simpleFont
	}
	objs := []string{
		"<</Type/Catalog/Pages 2 0 R>>",
		"", // page tree, below
		font,
		"<</Title(A test)/Producer(leaktrace tests)>>",
	}
	objs = append(objs, s.extra...)
	var kids []string
	for _, c := range s.pages {
		n := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", n))
		objs = append(objs, fmt.Sprintf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 3 0 R>>>>/Contents %d 0 R>>", n+1))
		data, filter := []byte(c), ""
		if s.compress {
			var b bytes.Buffer
			w := zlib.NewWriter(&b)
			w.Write(data)
			w.Close()
			data, filter = b.Bytes(), "/Filter/FlateDecode"
		}
		objs = append(objs, fmt.Sprintf("<</Length %d%s>>\nstream\n%s\nendstream", len(data), filter, data))
	}
	objs[1] = fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(kids, " "), len(s.pages))
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs)+1)
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	if !s.xrefStream {
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, off := range offsets[1:] {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		}
		fmt.Fprintf(&b, "trailer\n<</Size %d/Root 1 0 R/Info 4 0 R/ID[<0102><0102>]%s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, s.trailer, xref)
		return b.Bytes()
	}
	self := len(objs) + 1
	var rows []byte
	rows = append(rows, 0, 0, 0, 0xff, 0xff)
	for _, off := range append(offsets[1:], xref) {
		rows = append(rows, 1, byte(off>>16), byte(off>>8), byte(off), 0)
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(rows)
	w.Close()
	fmt.Fprintf(&b, "%d 0 obj\n<</Type/XRef/Size %d/W[1 3 1]/Root 1 0 R/Info 4 0 R/ID[<0102><0102>]%s/Filter/FlateDecode/Length %d>>\nstream\n",
		self, self+1, s.trailer, z.Len())
	b.Write(z.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// memo is two pages of text in Tj and TJ operations.
var memo = []string{
	"BT /F1 12 Tf 72 700 Td (The committee met on Tuesday and agreed to wait) Tj 0 -14 Td " +
		"[(Prices rose in most) -20 ( regions during the quarter)] TJ 0 -14 Td " +
		"<546865206e6578742073746570206973206120766f7465> Tj ET",
	"q 1 0 0 1 10 20 cm BT /F1 10 Tf 1 0 0 1 72 600 Tm (Members noted that (growth) had slowed again) Tj " +
		"T* 12 TL (and a quiet summer was expected by most analysts) ' ET Q",
}

// asciiCMap is a ToUnicode CMap mapping one-byte codes 32-126 to ASCII
// (codes 0x0020-0x007E for two-byte fonts with twoByte).
func asciiCMap(twoByte bool) string {
	lo, hi := "<20>", "<7E>"
	space := "<00> <FF>"
	if twoByte {
		lo, hi, space = "<0020>", "<007E>", "<0000> <FFFF>"
	}
	cm := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange\n" + space +
		"\nendcodespacerange\n1 beginbfrange\n" + lo + " " + hi + " <0020>\nendbfrange\n1 beginbfchar\n" +
		map[bool]string{false: "<41>", true: "<0041>"}[twoByte] + " <0041>\nendbfchar\nendcmap end end\n"
	return fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(cm), cm)
}

// cidLine is a line of text for a Type0 font with two-byte codes.
func cidLine(text string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, c := range []byte(text) {
		fmt.Fprintf(&b, "00%02X", c)
	}
	b.WriteByte('>')
	return b.String()
}
