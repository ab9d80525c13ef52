package format

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
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
	// reencode: 7-bit US-ASCII text parts may be re-encoded as UTF-8
	// quoted-printable (ParseOptions.Reencode).
	reencode bool
	topBody  int // offset of the top-level body: data[:topBody] is the header block
}

// parseEmail reads an RFC 5322 message and finds its markable text parts.
// It never fails on a malformed MIME structure: parts it cannot place or
// decode exactly simply yield no region. It fails only when the header
// block has no header field at all, because then the input is not a
// message and reading its body as one would be a guess.
func parseEmail(data []byte) (Document, error) {
	return parseEmailWith(data, ParseOptions{})
}

// parseEmailWith is parseEmail with options: with Reencode, a 7-bit
// US-ASCII text part may be re-encoded (see reencodable).
func parseEmailWith(data []byte, opts ParseOptions) (Document, error) {
	h, body := readHeader(data, 0, len(data))
	if h.fields == 0 {
		return nil, fmt.Errorf("%w: no header field before the body", ErrMalformed)
	}
	// Keep a copy: Render splices into these bytes long after the
	// caller may have reused its buffer.
	d := &emailDoc{data: bytes.Clone(data), reencode: opts.Reencode, topBody: body}
	d.walk(h, 0, body, len(data), "text/plain", 0)
	return d, nil
}

func (d *emailDoc) Format() string    { return "eml" }
func (d *emailDoc) Regions() []Region { return d.regions }

// walk visits the entity whose header is h, read from data[hdr:body], and
// whose body is data[body:end], adding a region for every text/plain leaf.
func (d *emailDoc) walk(h header, hdr, body, end int, defaultType string, depth int) {
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
			d.walk(ph, s.Start, pb, s.End, child, depth+1)
		}
	case mediaType == "text/plain":
		d.addText(h, params, hdr, body, end)
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

// textPart is a text/plain body that became a region.
type textPart struct {
	hdr        int // the start of the part's header block
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
	// reencode: an edited copy writes the part whole as UTF-8
	// quoted-printable and rewrites its header (see reencodable).
	reencode bool
	params   map[string]string // the Content-Type parameters, for a rewritten header
}

// addText adds a region for the text/plain body data[body:end], whose
// header starts at hdr, if it can be decoded exactly and is not empty; a
// part it cannot decode is left unmarked rather than failing the message.
func (d *emailDoc) addText(h header, params map[string]string, hdr, body, end int) {
	cs, ok := lookupCharset(params["charset"])
	if !ok {
		return
	}
	p := &textPart{hdr: hdr, start: body, end: end, cs: cs, flowed: strings.EqualFold(params["format"], "flowed"), params: params}
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
	if d.reencode && p.reencodable() {
		// Its text is ASCII, so it reads the same in UTF-8; written
		// whole as quoted-printable, its lines always fit.
		p.reencode, p.cs, p.ascii, p.lineLimit = true, charset{name: "utf-8", kind: csUTF8}, false, 0
	}
	p.sig = signatureStart(p.text)
	r := Region{Text: p.text}
	if p.sig < len(p.text) {
		r.Protected = []Span{{p.sig, len(p.text)}}
	}
	d.parts = append(d.parts, p)
	d.regions = append(d.regions, r)
}

// reencodable reports whether the part is one a document registered with
// ParseOptions.Reencode may re-encode: declared 7bit (or nothing, which
// is 7bit), written in US-ASCII bytes that its charset reads as the same
// ASCII text. Such a part could carry only ASCII edits; written as UTF-8
// quoted-printable it carries any.
func (p *textPart) reencodable() bool {
	return p.te == teIdentity && p.ascii && isASCII(p.dec) && p.t2d == nil && p.text == string(p.dec) &&
		reencodedContentType(p.params) != ""
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
