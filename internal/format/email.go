package format

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Limits from the standards that a marked copy must keep, so that a copy
// travels through the same mail systems as the source did.
const (
	qpLineLimit   = 76  // RFC 2045 §6.7: encoded lines of quoted-printable
	textLineLimit = 998 // RFC 5322 §2.1.1: lines of 7bit and 8bit text
	b64LineWidth  = 76  // RFC 2045 §6.8: assumed width of a one-line base64 body
	maxMIMEDepth  = 32  // nesting beyond this is left unmarked, not recursed into
)

// emailDoc is a parsed RFC 5322 message. Its regions are the decoded bodies
// of its text/plain parts; everything else (headers, boundaries, HTML,
// attachments, parts it cannot decode exactly) is carried through as raw
// bytes. Render splices re-encoded edits into the raw message, so the parts
// nobody edited are never re-encoded.
type emailDoc struct {
	data    []byte
	parts   []*textPart // one per region, in message order
	regions []Region
}

// parseEmail reads an RFC 5322 message and finds its markable text parts.
// It never fails on a malformed MIME structure: parts it cannot place or
// decode exactly simply yield no region. It fails only when the header
// block has no header field at all, because then the input is not a
// message and reading its body as one would be a guess.
func parseEmail(data []byte) (Document, error) {
	h, body := readHeader(data, 0, len(data))
	if h.fields == 0 {
		return nil, fmt.Errorf("%w: no header field before the body", ErrMalformed)
	}
	// Keep a copy: Render splices into these bytes long after the
	// caller may have reused its buffer.
	d := &emailDoc{data: bytes.Clone(data)}
	d.walk(h, body, len(data), "text/plain", 0)
	return d, nil
}

func (d *emailDoc) Format() string    { return "eml" }
func (d *emailDoc) Regions() []Region { return d.regions }

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

// walk visits the entity whose header is h and whose body is
// data[body:end], adding a region for every text/plain leaf.
func (d *emailDoc) walk(h header, body, end int, defaultType string, depth int) {
	mediaType, params := defaultType, map[string]string{}
	if ct, ok := h.content["content-type"]; ok {
		mt, ps, err := mime.ParseMediaType(ct)
		if err != nil {
			return // cannot tell what the body is: leave it alone
		}
		mediaType, params = mt, ps
	}
	if isAttachment(h.content["content-disposition"]) {
		return
	}
	switch {
	case mediaType == "multipart/signed" || mediaType == "multipart/encrypted":
		// A PGP/MIME or S/MIME signature covers the exact bytes of the
		// signed part; marking it would break the signature. Encrypted
		// content cannot be read at all.
		return
	case strings.HasPrefix(mediaType, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" || depth >= maxMIMEDepth {
			return
		}
		child := "text/plain"
		if mediaType == "multipart/digest" {
			child = "message/rfc822" // RFC 2046 §5.1.5
		}
		for _, s := range splitMultipart(d.data, body, end, boundary) {
			ph, pb := readHeader(d.data, s.Start, s.End)
			d.walk(ph, pb, s.End, child, depth+1)
		}
	case mediaType == "text/plain":
		d.addText(h, params, body, end)
	}
	// Everything else, message/rfc822 included, is carried through as is.
}

// isAttachment reports whether a Content-Disposition value says
// "attachment". It is read by hand rather than with mime.ParseMediaType so
// that a broken parameter does not hide the disposition.
func isAttachment(v string) bool {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.EqualFold(strings.TrimSpace(v), "attachment")
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

// transferEncoding is how a part's bytes are laid out in the message.
type transferEncoding int

const (
	teIdentity transferEncoding = iota // 7bit, 8bit, binary
	teQP                               // quoted-printable
	teBase64
)

// textPart is a text/plain body that became a region.
type textPart struct {
	start, end int // the body in the message
	te         transferEncoding
	ascii      bool // declared 7bit: written bytes must be ASCII
	lineLimit  int  // longest line Fit allows, 0 for no limit
	flowed     bool // format=flowed (RFC 3676): line ends and starts carry meaning
	cs         charset
	dec        []byte  // body after transfer decoding, still in cs
	text       string  // dec as UTF-8
	t2d        []int32 // text offset → dec offset, -1 inside a character; nil for identity
	qpFrom     []int32 // QP: start of each dec byte's encoding, relative to start
	qpTo       []int32 // QP: end of each dec byte's encoding, relative to start
	b64        b64Layout
	sig        int // start of the signature block in text, len(text) if none
}

// addText adds a region for the text/plain body data[body:end] if it can be
// decoded exactly and is not empty; a part it cannot decode is left
// unmarked rather than failing the message.
func (d *emailDoc) addText(h header, params map[string]string, body, end int) {
	cs, ok := lookupCharset(params["charset"])
	if !ok {
		return
	}
	p := &textPart{start: body, end: end, cs: cs, flowed: strings.EqualFold(params["format"], "flowed")}
	raw := d.data[body:end]
	switch strings.ToLower(strings.TrimSpace(h.content["content-transfer-encoding"])) {
	case "", "7bit":
		p.dec, p.ascii, p.lineLimit = raw, true, textLineLimit
	case "8bit":
		p.dec, p.lineLimit = raw, textLineLimit
	case "binary":
		p.dec = raw
	case "quoted-printable":
		p.te, p.lineLimit = teQP, qpLineLimit
		if p.dec, p.qpFrom, p.qpTo, ok = decodeQP(raw); !ok {
			return
		}
	case "base64":
		p.te = teBase64
		if p.dec, p.b64, ok = decodeBase64(raw); !ok {
			return
		}
	default:
		return
	}
	if p.text, p.t2d, ok = cs.decode(p.dec); !ok || p.text == "" {
		return
	}
	p.sig = signatureStart(p.text)
	r := Region{Text: p.text}
	if p.sig < len(p.text) {
		r.Protected = []Span{{p.sig, len(p.text)}}
	}
	d.parts = append(d.parts, p)
	d.regions = append(d.regions, r)
}

// signatureStart returns the offset of the first line that is exactly
// "-- " (the Usenet signature separator), or len(text). A signature is
// repeated verbatim across a sender's messages, so a change in it stands
// out to anyone who compares two of them.
func signatureStart(text string) int {
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		next := len(text)
		line := text[at:]
		if end >= 0 {
			line, next = text[at:at+end], at+end+1
		}
		if strings.TrimSuffix(line, "\r") == "-- " {
			return at
		}
		at = next
	}
	return len(text)
}

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

// decAt maps an offset in the region text to an offset in the decoded
// body. It fails for offsets that are out of range or inside a character.
func (p *textPart) decAt(off int) (int, bool) {
	if off < 0 || off > len(p.text) {
		return 0, false
	}
	if p.t2d != nil {
		d := p.t2d[off]
		return int(d), d >= 0
	}
	return off, off == len(p.text) || utf8.RuneStart(p.text[off])
}

// rawSpan maps decoded bytes [ds, de) to the raw bytes that encode them,
// relative to the body's start. An insertion goes right after the raw
// encoding of the byte before it, so that it lands before any soft line
// break or stripped whitespace that follows. It fails when the span
// crosses a soft line break, which an edit cannot keep. Other bodies
// return the span unchanged: identity bodies are their own raw bytes, and
// base64 bodies are re-encoded whole, so their raw span is never used.
func (p *textPart) rawSpan(ds, de int) (int, int, bool) {
	if p.te != teQP {
		return ds, de, true
	}
	if ds == de {
		pos := 0
		if ds > 0 {
			pos = int(p.qpTo[ds-1])
		}
		return pos, pos, true
	}
	for i := ds + 1; i < de; i++ {
		if p.qpFrom[i] != p.qpTo[i-1] {
			return 0, 0, false
		}
	}
	return int(p.qpFrom[ds]), int(p.qpTo[de-1]), true
}

// fitted is a candidate Fit is considering, with where it sits in the
// decoded and raw body.
type fitted struct {
	c        Candidate
	ds, de   int // decoded span
	rs, re   int // raw span, relative to the body (identity and QP)
	grow     int // most the body can grow by, over the variants
	shrink   int // most it can shrink by, as a negative number
	line     int // raw line index of rs (identity and QP)
	variants []string
	orig     int
}

// Fit keeps, of cands in region r, the variants the part's charset and
// transfer encoding can carry, then drops whole candidates until the worst
// case over all variant choices keeps the part's line limits. It looks only
// at the source and cands, so every copy of a document fits the same way.
func (d *emailDoc) Fit(r int, cands []Candidate) []Candidate {
	if r < 0 || r >= len(d.parts) {
		return nil
	}
	p := d.parts[r]
	raw := d.data[p.start:p.end]

	// Keep the candidates whose span the part can edit at all.
	var fs []fitted
	for _, c := range cands {
		if n := len(fs); n > 0 {
			last := fs[n-1].c
			// Overlapping, or a second insertion at the same point,
			// whose order against the first no edit could tell.
			if c.Start < last.End || c.Start == c.End && last.Start == last.End && c.Start == last.Start {
				continue
			}
		}
		if f, ok := p.place(c); ok {
			fs = append(fs, f)
		}
	}
	spans := make([]Span, len(fs))
	for i, f := range fs {
		spans[i] = Span{f.rs, f.re}
	}

	// Keep the variants the part can carry and measure what they cost.
	kept := fs[:0]
	for i, f := range fs {
		if p.fitVariants(&f, raw, spans[i+1:]) {
			kept = append(kept, f)
		}
	}

	switch {
	case p.te == teBase64:
		kept = p.fitBase64(kept)
	case p.lineLimit > 0:
		kept = fitLines(kept, raw, p.lineLimit)
	}
	out := make([]Candidate, len(kept))
	for i, f := range kept {
		out[i] = Candidate{Start: f.c.Start, End: f.c.End, Variants: f.variants, Orig: f.orig}
	}
	return out
}

// place checks that c is well formed and lies where an edit can keep the
// part's structure, and locates it in the decoded and raw body. Spans with
// line breaks are refused because an edit there would change the line
// structure; so are spans touching the signature block, and for
// format=flowed text, spans at a line's start or end, where space-stuffing
// and trailing spaces carry meaning.
func (p *textPart) place(c Candidate) (fitted, bool) {
	f := fitted{c: c}
	if c.Start < 0 || c.Start > c.End || c.End > len(p.text) ||
		c.Orig < 0 || c.Orig >= len(c.Variants) || c.Variants[c.Orig] != p.text[c.Start:c.End] {
		return f, false
	}
	var ok1, ok2 bool
	f.ds, ok1 = p.decAt(c.Start)
	f.de, ok2 = p.decAt(c.End)
	if !ok1 || !ok2 || strings.ContainsAny(p.text[c.Start:c.End], "\r\n") || p.splitsCRLF(c.Start) {
		return f, false
	}
	if p.sig < len(p.text) && c.End >= p.sig {
		return f, false
	}
	if p.flowed {
		if c.Start == 0 || p.text[c.Start-1] == '\n' ||
			c.End == len(p.text) || p.text[c.End] == '\r' || p.text[c.End] == '\n' {
			return f, false
		}
	}
	var ok bool
	if f.rs, f.re, ok = p.rawSpan(f.ds, f.de); !ok {
		return f, false
	}
	return f, true
}

// splitsCRLF reports whether text offset off falls inside a CRLF line
// break, where nothing may go: it would break the line ending, and in
// quoted-printable it would also land after whitespace the decoder strips.
func (p *textPart) splitsCRLF(off int) bool {
	return off > 0 && off < len(p.text) && p.text[off-1] == '\r' && p.text[off] == '\n'
}

// fitVariants keeps the variants of f that the part can carry and records
// their worst-case growth. later are the raw spans of the candidates after
// f, which may be replaced too. It reports whether f still varies.
func (p *textPart) fitVariants(f *fitted, raw []byte, later []Span) bool {
	atEnd := p.te == teQP && qpOpenToLineEnd(raw, f.re, later)
	f.variants, f.orig, f.grow, f.shrink = nil, 0, 0, 0
	for i, v := range f.c.Variants {
		if i == f.c.Orig {
			f.orig = len(f.variants)
			f.variants = append(f.variants, v)
			continue
		}
		b, ok := p.encodeVariant(v)
		if !ok {
			continue
		}
		var growth int
		switch p.te {
		case teIdentity:
			growth = len(b) - (f.re - f.rs)
		case teQP:
			// Deleting what follows a literal space at the end of a
			// line would expose the space to a decoder that strips it.
			if len(b) == 0 && f.rs < f.re && atEnd && f.rs > 0 && (raw[f.rs-1] == ' ' || raw[f.rs-1] == '\t') {
				continue
			}
			growth = qpLen(b, atEnd) - (f.re - f.rs)
		case teBase64:
			growth = len(b) - (f.de - f.ds)
		}
		f.grow, f.shrink = max(f.grow, growth), min(f.shrink, growth)
		f.variants = append(f.variants, v)
	}
	return len(f.variants) >= 2
}

// encodeVariant returns v in the part's charset, or false if the part
// cannot carry it: a character outside the charset, a line break, NUL, or
// a non-ASCII byte in a 7bit body.
func (p *textPart) encodeVariant(v string) ([]byte, bool) {
	if strings.ContainsAny(v, "\r\n\x00") {
		return nil, false
	}
	b, ok := p.cs.encode(v)
	if !ok || bytes.ContainsAny(b, "\r\n\x00") {
		return nil, false
	}
	if p.te == teIdentity && p.ascii && !isASCII(b) {
		return nil, false
	}
	return b, true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fitLines drops candidates until, on every raw line, the line's length
// plus the growth of all its candidates at their worst fits in limit (or,
// for a line already over the limit, does not get longer). Later
// candidates on a line go first.
func fitLines(fs []fitted, raw []byte, limit int) []fitted {
	var nl []int // offsets of '\n' in raw
	for i, b := range raw {
		if b == '\n' {
			nl = append(nl, i)
		}
	}
	for i := range fs {
		fs[i].line = sort.SearchInts(nl, fs[i].rs)
	}
	var out []fitted
	for i := 0; i < len(fs); {
		j := i
		for j < len(fs) && fs[j].line == fs[i].line {
			j++
		}
		group := fs[i:j]
		n := lineLen(raw, nl, fs[i].line)
		total := 0
		for _, f := range group {
			total += f.grow
		}
		allowed := max(limit, n)
		drop := make([]bool, len(group))
		for k := len(group) - 1; k >= 0 && n+total > allowed; k-- {
			if group[k].grow > 0 {
				total -= group[k].grow
				drop[k] = true
			}
		}
		for k, f := range group {
			if !drop[k] {
				out = append(out, f)
			}
		}
		i = j
	}
	return out
}

// lineLen returns the length of raw line i without its line break.
func lineLen(raw []byte, nl []int, i int) int {
	start, end := 0, len(raw)
	if i > 0 {
		start = nl[i-1] + 1
	}
	if i < len(nl) {
		end = nl[i]
	}
	if end > start && raw[end-1] == '\r' {
		end--
	}
	return end - start
}

// fitBase64 drops candidates from the end until both the longest and the
// shortest body the remaining variants can make encode to the source's
// number of lines; the width and line ending never change.
func (p *textPart) fitBase64(fs []fitted) []fitted {
	hi, lo := len(p.dec), len(p.dec)
	for _, f := range fs {
		hi += f.grow
		lo += f.shrink
	}
	fits := func() bool {
		return p.b64.lineCount(hi) == p.b64.lines && p.b64.lineCount(lo) == p.b64.lines
	}
	for i := len(fs) - 1; i >= 0 && !fits(); i-- {
		if fs[i].grow != 0 || fs[i].shrink != 0 {
			hi -= fs[i].grow
			lo -= fs[i].shrink
			fs = append(fs[:i], fs[i+1:]...)
		}
	}
	return fs
}

// Render writes the message with edits applied. Parts without edits, and
// the bytes of edited identity and quoted-printable parts outside the
// edited spans, are copied unchanged; an edited base64 part is re-encoded
// whole in its own layout.
func (d *emailDoc) Render(w io.Writer, edits []Edit) error {
	if len(edits) == 0 {
		_, err := w.Write(d.data)
		return err
	}
	byPart := make([][]Edit, len(d.parts))
	for _, e := range edits {
		if e.Region < 0 || e.Region >= len(d.parts) {
			return fmt.Errorf("edit for region %d: message has %d regions", e.Region, len(d.parts))
		}
		byPart[e.Region] = append(byPart[e.Region], e)
	}
	var out bytes.Buffer
	out.Grow(len(d.data) + 16*len(edits))
	at := 0
	for i, p := range d.parts {
		if len(byPart[i]) == 0 {
			continue
		}
		out.Write(d.data[at:p.start])
		if err := p.render(&out, d.data[p.start:p.end], byPart[i]); err != nil {
			return fmt.Errorf("region %d: %w", i, err)
		}
		at = p.end
	}
	out.Write(d.data[at:])
	_, err := w.Write(out.Bytes())
	return err
}

// splice is an edit translated to the decoded body: dec[ds:de] becomes b.
type splice struct {
	ds, de int
	b      []byte
}

// render writes the part's body raw with edits applied.
func (p *textPart) render(out *bytes.Buffer, raw []byte, edits []Edit) error {
	var sp []splice
	at := 0
	for _, e := range sortedEdits(edits) {
		if e.Start < at || e.End < e.Start || e.End > len(p.text) {
			return fmt.Errorf("edit [%d,%d) overlaps or is out of range", e.Start, e.End)
		}
		at = e.End
		if e.Text == p.text[e.Start:e.End] {
			continue // unchanged: keep the source's own encoding
		}
		ds, ok1 := p.decAt(e.Start)
		de, ok2 := p.decAt(e.End)
		if !ok1 || !ok2 || p.splitsCRLF(e.Start) || p.splitsCRLF(e.End) {
			return fmt.Errorf("edit [%d,%d) does not fall on character boundaries", e.Start, e.End)
		}
		if len(sp) > 0 && ds < sp[len(sp)-1].de {
			return fmt.Errorf("edit [%d,%d) overlaps the one before it", e.Start, e.End)
		}
		b, ok := p.cs.encode(e.Text)
		if !ok {
			return fmt.Errorf("edit text %q cannot be written in charset %s", e.Text, p.cs.name)
		}
		if p.te == teIdentity && p.ascii && !isASCII(b) {
			return fmt.Errorf("edit text %q is not ASCII in a 7bit part", e.Text)
		}
		sp = append(sp, splice{ds, de, b})
	}
	switch p.te {
	case teBase64:
		dec := make([]byte, 0, len(p.dec)+16*len(sp))
		at := 0
		for _, s := range sp {
			dec = append(append(dec, p.dec[at:s.ds]...), s.b...)
			at = s.de
		}
		dec = append(dec, p.dec[at:]...)
		out.Write(p.b64.appendEncoded(nil, dec))
		out.WriteString(p.b64.tail)
		return nil
	case teQP:
		return p.renderQP(out, raw, sp)
	default:
		at := 0
		for _, s := range sp {
			out.Write(raw[at:s.ds])
			out.Write(s.b)
			at = s.de
		}
		out.Write(raw[at:])
		return nil
	}
}

// renderQP splices quoted-printable encoded edits into raw.
func (p *textPart) renderQP(out *bytes.Buffer, raw []byte, sp []splice) error {
	spans := make([]Span, len(sp))
	for i, s := range sp {
		rs, re, ok := p.rawSpan(s.ds, s.de)
		if !ok {
			return fmt.Errorf("edit of decoded bytes [%d,%d) crosses a soft line break", s.ds, s.de)
		}
		spans[i] = Span{rs, re}
	}
	var buf []byte
	at := 0
	for i, s := range sp {
		rs, re := spans[i].Start, spans[i].End
		if rs < at {
			return fmt.Errorf("edits of decoded bytes overlap at [%d,%d)", s.ds, s.de)
		}
		atEnd := qpOpenToLineEnd(raw, re, spans[i+1:])
		if len(s.b) == 0 && rs < re && atEnd && rs > 0 && (raw[rs-1] == ' ' || raw[rs-1] == '\t') {
			return fmt.Errorf("deleting decoded bytes [%d,%d) would leave whitespace at the end of a line", s.ds, s.de)
		}
		out.Write(raw[at:rs])
		buf = appendQP(buf[:0], s.b, atEnd)
		out.Write(buf)
		at = re
	}
	out.Write(raw[at:])
	return nil
}

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
