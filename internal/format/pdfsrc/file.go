package pdfsrc

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// file is a PDF's object structure: its cross-reference table (every
// section, newest first) and a cache of the objects read.
type file struct {
	data []byte
	// startxref is the offset of the newest cross-reference section;
	// xrefStream whether it is a stream (else a table).
	startxref  int
	xrefStream bool
	trailer    dict
	entries    map[int]xentry
	size       int
	cache      map[int]any
	resolving  map[int]bool
	// budget bounds the bytes all decompressions may produce.
	budget int
}

// xentry is one cross-reference entry: an object at offset (kind 1) or
// the index-th object of object stream stm (kind 2).
type xentry struct {
	kind       int
	offset     int
	gen        int
	stm, index int
}

// stream is a stream object: its dictionary and its raw (encoded) data.
type stream struct {
	dict dict
	raw  []byte
}

// maxDecoded bounds the bytes all streams of one file may decode to.
const maxDecoded = 256 << 20

func openFile(data []byte) (*file, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrMalformed)
	}
	f := &file{data: data, entries: map[int]xentry{}, cache: map[int]any{}, resolving: map[int]bool{}, budget: maxDecoded}
	tail := data
	if len(tail) > 4096 {
		tail = tail[len(tail)-4096:]
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no startxref", ErrMalformed)
	}
	l := &lexer{b: tail, pos: i + len("startxref")}
	tok, _, err := l.token()
	off, ok := tok.(float64)
	if err != nil || !ok || !isIndex(off) || int(off) >= len(data) {
		return nil, fmt.Errorf("%w: bad startxref", ErrMalformed)
	}
	f.startxref = int(off)
	seen := map[int]bool{}
	for at, first := f.startxref, true; ; first = false {
		if seen[at] || len(seen) > 1000 {
			return nil, fmt.Errorf("%w: cross-reference sections loop", ErrMalformed)
		}
		seen[at] = true
		trailer, isStream, err := f.readXref(at)
		if err != nil {
			return nil, err
		}
		if first {
			f.trailer, f.xrefStream = trailer, isStream
		}
		if n, ok := trailer["Size"].(float64); ok && isIndex(n) && int(n) > f.size {
			f.size = int(n)
		}
		// A hybrid file's table points to a stream of the same section.
		if x, ok := trailer["XRefStm"].(float64); ok && isIndex(x) && !seen[int(x)] {
			seen[int(x)] = true
			if _, _, err := f.readXref(int(x)); err != nil {
				return nil, err
			}
		}
		p, ok := trailer["Prev"].(float64)
		if !ok {
			break
		}
		if !isIndex(p) || int(p) >= len(data) {
			return nil, fmt.Errorf("%w: bad /Prev", ErrMalformed)
		}
		at = int(p)
	}
	if _, ok := f.trailer["Encrypt"]; ok {
		return nil, ErrEncrypted
	}
	return f, nil
}

// readXref reads the cross-reference section at offset at, adding the
// entries not already known (newer sections come first), and returns its
// trailer.
func (f *file) readXref(at int) (dict, bool, error) {
	if at < 0 || at >= len(f.data) {
		return nil, false, fmt.Errorf("%w: cross-reference offset %d out of range", ErrMalformed, at)
	}
	l := &lexer{b: f.data, pos: at}
	l.skip()
	if bytes.HasPrefix(f.data[l.pos:], []byte("xref")) {
		l.pos += 4
		for {
			tok, _, err := l.token()
			if err != nil {
				return nil, false, fmt.Errorf("%w: cross-reference table: %v", ErrMalformed, err)
			}
			if tok == keyword("trailer") {
				t, err := l.object(0)
				d, ok := t.(dict)
				if err != nil || !ok {
					return nil, false, fmt.Errorf("%w: bad trailer", ErrMalformed)
				}
				return d, false, nil
			}
			start, ok1 := tok.(float64)
			cnt, _, err := l.token()
			count, ok2 := cnt.(float64)
			if err != nil || !ok1 || !ok2 || !isIndex(start) || !isIndex(count) || count > float64(len(f.data)/18+1) {
				return nil, false, fmt.Errorf("%w: bad cross-reference subsection", ErrMalformed)
			}
			for k := 0; k < int(count); k++ {
				a, _, e1 := l.token()
				b, _, e2 := l.token()
				c, _, e3 := l.token()
				off, ok1 := a.(float64)
				gen, ok2 := b.(float64)
				if e1 != nil || e2 != nil || e3 != nil || !ok1 || !ok2 || (c != keyword("n") && c != keyword("f")) {
					return nil, false, fmt.Errorf("%w: bad cross-reference entry", ErrMalformed)
				}
				num := int(start) + k
				if _, known := f.entries[num]; known {
					continue
				}
				if c == keyword("n") {
					f.entries[num] = xentry{kind: 1, offset: int(off), gen: int(gen)}
				} else {
					f.entries[num] = xentry{kind: 0}
				}
			}
		}
	}
	// A cross-reference stream.
	_, obj, err := f.objectAt(at, -1)
	if err != nil {
		return nil, false, err
	}
	s, ok := obj.(*stream)
	if !ok || s.dict["Type"] != name("XRef") {
		return nil, false, fmt.Errorf("%w: startxref points to no cross-reference", ErrMalformed)
	}
	data, err := f.decode(s)
	if err != nil {
		return nil, false, err
	}
	w, ok := s.dict["W"].(array)
	if !ok || len(w) != 3 {
		return nil, false, fmt.Errorf("%w: bad /W in cross-reference stream", ErrMalformed)
	}
	var ws [3]int
	width := 0
	for i, v := range w {
		n, ok := v.(float64)
		if !ok || !isIndex(n) || n > 8 {
			return nil, false, fmt.Errorf("%w: bad /W in cross-reference stream", ErrMalformed)
		}
		ws[i] = int(n)
		width += int(n)
	}
	if width == 0 {
		return nil, false, fmt.Errorf("%w: bad /W in cross-reference stream", ErrMalformed)
	}
	size, _ := s.dict["Size"].(float64)
	index := array{0.0, size}
	if ix, ok := s.dict["Index"].(array); ok {
		index = ix
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(float64)
		count, ok2 := index[i+1].(float64)
		if !ok1 || !ok2 || !isIndex(start) || !isIndex(count) {
			return nil, false, fmt.Errorf("%w: bad /Index in cross-reference stream", ErrMalformed)
		}
		for k := 0; k < int(count); k++ {
			if pos+width > len(data) {
				return nil, false, fmt.Errorf("%w: short cross-reference stream", ErrMalformed)
			}
			var fld [3]int
			for j := 0; j < 3; j++ {
				v := 0
				for b := 0; b < ws[j]; b++ {
					v = v<<8 | int(data[pos])
					pos++
				}
				fld[j] = v
			}
			if ws[0] == 0 {
				fld[0] = 1
			}
			num := int(start) + k
			if _, known := f.entries[num]; known {
				continue
			}
			switch fld[0] {
			case 1:
				f.entries[num] = xentry{kind: 1, offset: fld[1], gen: fld[2]}
			case 2:
				f.entries[num] = xentry{kind: 2, stm: fld[1], index: fld[2]}
			default:
				f.entries[num] = xentry{kind: 0}
			}
		}
	}
	return s.dict, true, nil
}

// objectAt reads the indirect object "N G obj ... endobj" at offset at;
// want is the number it must have (-1: any).
func (f *file) objectAt(at, want int) (int, any, error) {
	if at < 0 || at >= len(f.data) {
		return 0, nil, fmt.Errorf("%w: object offset %d out of range", ErrMalformed, at)
	}
	l := &lexer{b: f.data, pos: at}
	a, _, e1 := l.token()
	b, _, e2 := l.token()
	c, _, e3 := l.token()
	num, ok1 := a.(float64)
	_, ok2 := b.(float64)
	if e1 != nil || e2 != nil || e3 != nil || !ok1 || !ok2 || c != keyword("obj") || !isIndex(num) || (want >= 0 && int(num) != want) {
		return 0, nil, fmt.Errorf("%w: no object %d at offset %d", ErrMalformed, want, at)
	}
	v, err := l.object(0)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: object %d: %v", ErrMalformed, int(num), err)
	}
	d, isDict := v.(dict)
	if !isDict {
		return int(num), v, nil
	}
	save := l.pos
	if tok, _, err := l.token(); err != nil || tok != keyword("stream") {
		l.pos = save
		return int(num), v, nil
	}
	// The data starts after the end of line that follows "stream".
	if l.pos < len(f.data) && f.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(f.data) && f.data[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	n := -1
	switch lv := d["Length"].(type) {
	case float64:
		if isIndex(lv) {
			n = int(lv)
		}
	case ref:
		if lv.num != int(num) {
			if x, err := f.resolve(lv); err == nil {
				if xf, ok := x.(float64); ok && isIndex(xf) {
					n = int(xf)
				}
			}
		}
	}
	if n < 0 || start+n > len(f.data) || !bytes.HasPrefix(bytes.TrimLeft(f.data[start+n:], " \r\n\t"), []byte("endstream")) {
		// A wrong length: the data ends at endstream.
		e := bytes.Index(f.data[start:], []byte("endstream"))
		if e < 0 {
			return 0, nil, fmt.Errorf("%w: object %d: stream without endstream", ErrMalformed, int(num))
		}
		n = e
		for n > 0 && (f.data[start+n-1] == '\n' || f.data[start+n-1] == '\r') {
			n--
		}
	}
	return int(num), &stream{dict: d, raw: f.data[start : start+n]}, nil
}

// resolve follows a reference (other values are returned as they are).
func (f *file) resolve(v any) (any, error) {
	r, ok := v.(ref)
	if !ok {
		return v, nil
	}
	if o, ok := f.cache[r.num]; ok {
		return o, nil
	}
	if f.resolving[r.num] {
		return nil, fmt.Errorf("%w: object %d refers to itself", ErrMalformed, r.num)
	}
	f.resolving[r.num] = true
	defer delete(f.resolving, r.num)
	e, ok := f.entries[r.num]
	var o any
	var err error
	switch {
	case !ok || e.kind == 0:
		o = nil // a missing object is null
	case e.kind == 1:
		_, o, err = f.objectAt(e.offset, r.num)
	default:
		o, err = f.fromObjectStream(e.stm, e.index, r.num)
	}
	if err != nil {
		return nil, err
	}
	f.cache[r.num] = o
	return o, nil
}

// get resolves v and returns it as T, or the zero T.
func get[T any](f *file, v any) T {
	o, err := f.resolve(v)
	t, _ := o.(T)
	if err != nil {
		var zero T
		return zero
	}
	return t
}

func (f *file) fromObjectStream(stm, index, want int) (any, error) {
	s := get[*stream](f, ref{stm, 0})
	if s == nil {
		return nil, fmt.Errorf("%w: object stream %d missing", ErrMalformed, stm)
	}
	data, err := f.decode(s)
	if err != nil {
		return nil, err
	}
	n, _ := s.dict["N"].(float64)
	first, _ := s.dict["First"].(float64)
	if !isIndex(n) || !isIndex(first) || int(first) > len(data) || index >= int(n) {
		return nil, fmt.Errorf("%w: bad object stream %d", ErrMalformed, stm)
	}
	l := &lexer{b: data[:int(first)]}
	for k := 0; k < int(n); k++ {
		a, _, e1 := l.token()
		b, _, e2 := l.token()
		num, ok1 := a.(float64)
		off, ok2 := b.(float64)
		if e1 != nil || e2 != nil || !ok1 || !ok2 || !isIndex(off) {
			return nil, fmt.Errorf("%w: bad object stream %d", ErrMalformed, stm)
		}
		if k == index {
			if int(num) != want || int(first)+int(off) > len(data) {
				return nil, fmt.Errorf("%w: object %d not in object stream %d", ErrMalformed, want, stm)
			}
			ol := &lexer{b: data, pos: int(first) + int(off)}
			return ol.object(0)
		}
	}
	return nil, fmt.Errorf("%w: object %d not in object stream %d", ErrMalformed, want, stm)
}

// errFilter is returned for a stream encoded with a filter this package
// does not decode.
var errFilter = fmt.Errorf("%w: a stream filter leaktrace does not decode", ErrUnsafe)

// decode returns a stream's data with its filters undone: none or
// FlateDecode (with a PNG or TIFF predictor, as cross-reference streams
// use).
func (f *file) decode(s *stream) ([]byte, error) {
	filters := []any{}
	switch v := s.dict["Filter"].(type) {
	case name:
		filters = append(filters, v)
	case array:
		filters = v
	case nil:
	default:
		return nil, errFilter
	}
	parms := []any{}
	switch v := get[any](f, s.dict["DecodeParms"]).(type) {
	case dict:
		parms = append(parms, v)
	case array:
		parms = v
	}
	data := s.raw
	for i, fl := range filters {
		if fl != name("FlateDecode") && fl != name("Fl") {
			return nil, errFilter
		}
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: bad compressed stream: %v", ErrMalformed, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, int64(f.budget)+1))
		if len(out) > f.budget {
			return nil, fmt.Errorf("%w: streams decompress to more than %d MiB", ErrMalformed, maxDecoded>>20)
		}
		if err != nil && len(out) == 0 {
			return nil, fmt.Errorf("%w: bad compressed stream: %v", ErrMalformed, err)
		}
		f.budget -= len(out)
		data = out
		if i < len(parms) {
			if p, ok := get[any](f, parms[i]).(dict); ok {
				if data, err = unpredict(data, p); err != nil {
					return nil, err
				}
			}
		}
	}
	return data, nil
}

// unpredict undoes a PNG predictor (the only one cross-reference and
// object streams use).
func unpredict(data []byte, p dict) ([]byte, error) {
	pred, _ := p["Predictor"].(float64)
	if pred < 10 {
		if pred <= 1 {
			return data, nil
		}
		return nil, errFilter
	}
	cols := 1.0
	if c, ok := p["Columns"].(float64); ok {
		cols = c
	}
	if !isIndex(cols) || cols < 1 || cols > 1<<20 {
		return nil, fmt.Errorf("%w: bad predictor columns", ErrMalformed)
	}
	row := int(cols)
	var out []byte
	prev := make([]byte, row)
	for i := 0; i+row+1 <= len(data); i += row + 1 {
		t := data[i]
		cur := append([]byte(nil), data[i+1:i+1+row]...)
		for j := range cur {
			var left, up, ul byte
			up = prev[j]
			if j > 0 {
				left, ul = cur[j-1], prev[j-1]
			}
			switch t {
			case 0:
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			default:
				return nil, fmt.Errorf("%w: bad PNG predictor %d", ErrMalformed, t)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// page is one page: its dictionary's resources, its size and the
// content streams it draws (object numbers, in order).
type page struct {
	resources dict
	contents  []int
	// direct is true when a content stream is not an indirect object
	// of its own (it can't be replaced).
	direct bool
}

// pages walks the page tree.
func (f *file) pages() ([]page, error) {
	root := get[dict](f, f.trailer["Root"])
	if root == nil {
		return nil, fmt.Errorf("%w: no document catalog", ErrMalformed)
	}
	var out []page
	seen := map[int]bool{}
	var walk func(v any, res dict, depth int) error
	walk = func(v any, res dict, depth int) error {
		if depth > 64 || len(out) > 100000 {
			return fmt.Errorf("%w: page tree too deep or large", ErrMalformed)
		}
		if r, ok := v.(ref); ok {
			if seen[r.num] {
				return fmt.Errorf("%w: page tree loops", ErrMalformed)
			}
			seen[r.num] = true
		}
		d := get[dict](f, v)
		if d == nil {
			return fmt.Errorf("%w: bad page tree node", ErrMalformed)
		}
		if r := get[dict](f, d["Resources"]); r != nil {
			res = r
		}
		if kids, ok := get[any](f, d["Kids"]).(array); ok && d["Type"] != name("Page") {
			for _, k := range kids {
				if err := walk(k, res, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		p := page{resources: res}
		switch c := d["Contents"].(type) {
		case ref:
			if a, ok := get[any](f, c).(array); ok {
				for _, x := range a {
					if r, ok := x.(ref); ok {
						p.contents = append(p.contents, r.num)
					} else {
						p.direct = true
					}
				}
			} else {
				p.contents = append(p.contents, c.num)
			}
		case array:
			for _, x := range c {
				if r, ok := x.(ref); ok {
					p.contents = append(p.contents, r.num)
				} else {
					p.direct = true
				}
			}
		case nil:
		default:
			p.direct = true
		}
		out = append(out, p)
		return nil
	}
	if err := walk(root["Pages"], nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// appendUpdate returns data followed by an incremental update that
// replaces the objects repl (number -> new content stream data, stored
// without a filter).
func (f *file) appendUpdate(nums []int, repl map[int][]byte) []byte {
	out := bytes.NewBuffer(append([]byte(nil), f.data...))
	if !bytes.HasSuffix(f.data, []byte("\n")) && !bytes.HasSuffix(f.data, []byte("\r")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	for _, n := range nums {
		offsets[n] = out.Len()
		gen := f.entries[n].gen
		fmt.Fprintf(out, "%d %d obj\n<</Length %d>>\nstream\n", n, gen, len(repl[n]))
		out.Write(repl[n])
		out.WriteString("\nendstream\nendobj\n")
	}
	// The new trailer keeps the document's catalog, information
	// dictionary and identifiers.
	trailerKeys := func(w *bytes.Buffer) {
		for _, k := range []name{"Root", "Info", "ID"} {
			if v, ok := f.trailer[k]; ok {
				w.WriteString("/" + string(k) + " ")
				writeObject(w, v)
				w.WriteByte('\n')
			}
		}
	}
	xref := out.Len()
	if !f.xrefStream {
		out.WriteString("xref\n")
		for _, n := range nums {
			fmt.Fprintf(out, "%d 1\n%010d %05d n\r\n", n, offsets[n], f.entries[n].gen)
		}
		fmt.Fprintf(out, "trailer\n<</Size %d\n", f.size)
		trailerKeys(out)
		fmt.Fprintf(out, "/Prev %d>>\nstartxref\n%d\n%%%%EOF\n", f.startxref, xref)
		return out.Bytes()
	}
	// A file whose newest section is a cross-reference stream gets one.
	self := f.size
	var rows []byte
	var index []string
	for _, n := range append(append([]int(nil), nums...), self) {
		off := offsets[n]
		gen := f.entries[n].gen
		if n == self {
			off, gen = xref, 0
		}
		rows = append(rows, 1, byte(off>>24), byte(off>>16), byte(off>>8), byte(off), byte(gen>>8), byte(gen))
		index = append(index, strconv.Itoa(n), "1")
	}
	fmt.Fprintf(out, "%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Index[%s]/Prev %d/Length %d\n", self, self+1, joinSpace(index), f.startxref, len(rows))
	trailerKeys(out)
	out.WriteString(">>\nstream\n")
	out.Write(rows)
	fmt.Fprintf(out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes()
}

func joinSpace(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}

// writeObject writes a (trailer) value back in PDF syntax.
func writeObject(w *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		w.WriteString(strconv.FormatBool(x))
	case float64:
		w.WriteString(formatNum(x))
	case name:
		w.WriteString("/" + escapeName(string(x)))
	case []byte:
		writeHex(w, x)
	case ref:
		fmt.Fprintf(w, "%d %d R", x.num, x.gen)
	case array:
		w.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				w.WriteByte(' ')
			}
			writeObject(w, e)
		}
		w.WriteByte(']')
	case dict:
		w.WriteString("<<")
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		for _, k := range keys {
			w.WriteString("/" + escapeName(k) + " ")
			writeObject(w, x[name(k)])
		}
		w.WriteString(">>")
	default:
		w.WriteString("null")
	}
}

func escapeName(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || isDelim(c) || c == '#' {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func writeHex(w *bytes.Buffer, s []byte) {
	const digits = "0123456789ABCDEF"
	w.WriteByte('<')
	for _, c := range s {
		w.WriteByte(digits[c>>4])
		w.WriteByte(digits[c&15])
	}
	w.WriteByte('>')
}

func formatNum(x float64) string {
	if x == float64(int64(x)) {
		return strconv.FormatInt(int64(x), 10)
	}
	s := strconv.FormatFloat(x, 'f', 4, 64)
	s = trimZeros(s)
	return s
}

func trimZeros(s string) string {
	if bytes.IndexByte([]byte(s), '.') < 0 {
		return s
	}
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "-0" || s == "" {
		s = "0"
	}
	return s
}
