package format

import (
	"bytes"
	"fmt"
	"io"
)

// Render writes the message with edits applied. Parts without edits, and
// the bytes of edited identity and quoted-printable parts outside the
// edited spans, are copied unchanged; an edited base64 part is re-encoded
// whole in its own layout, and an edited part the registration lets be
// re-encoded is written whole as UTF-8 quoted-printable under a
// rewritten header (see email_reencode.go).
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
	sps := make([][]splice, len(d.parts))
	reencoded, topReencoded := false, false
	for i, p := range d.parts {
		if len(byPart[i]) == 0 {
			continue
		}
		sp, err := p.splices(byPart[i])
		if err != nil {
			return fmt.Errorf("region %d: %w", i, err)
		}
		sps[i] = sp
		if p.reencode && len(sp) > 0 {
			reencoded = true
			topReencoded = topReencoded || p.hdr == 0
		}
	}
	var out bytes.Buffer
	out.Grow(len(d.data) + 16*len(edits))
	at := 0
	needMIME := reencoded && !hasField(d.data[:d.topBody], "mime-version")
	if needMIME && !topReencoded {
		// A nested part is re-encoded: only the message's header
		// changes at the top.
		out.Write(rewriteHeader(nil, d.data[:d.topBody], false, nil, true))
		at = d.topBody
	}
	for i, p := range d.parts {
		if len(byPart[i]) == 0 {
			continue
		}
		if p.reencode && len(sps[i]) > 0 {
			out.Write(d.data[at:p.hdr])
			hdr := d.data[p.hdr:p.start]
			out.Write(rewriteHeader(nil, hdr, true, p.params, needMIME && p.hdr == 0))
			out.Write(appendQPText(nil, p.applied(sps[i]), reencodeEOL(hdr)))
		} else {
			out.Write(d.data[at:p.start])
			if err := p.writeBody(&out, d.data[p.start:p.end], sps[i]); err != nil {
				return fmt.Errorf("region %d: %w", i, err)
			}
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

// splices checks the part's edits and translates those that change its
// text to the decoded body, in order.
func (p *textPart) splices(edits []Edit) ([]splice, error) {
	var sp []splice
	at := 0
	for _, e := range sortedEdits(edits) {
		if e.Start < at || e.End < e.Start || e.End > len(p.text) {
			return nil, fmt.Errorf("edit [%d,%d) overlaps or is out of range", e.Start, e.End)
		}
		at = e.End
		if e.Text == p.text[e.Start:e.End] {
			continue // unchanged: keep the source's own encoding
		}
		ds, ok1 := p.decAt(e.Start)
		de, ok2 := p.decAt(e.End)
		if !ok1 || !ok2 || p.splitsCRLF(e.Start) || p.splitsCRLF(e.End) {
			return nil, fmt.Errorf("edit [%d,%d) does not fall on character boundaries", e.Start, e.End)
		}
		if len(sp) > 0 && ds < sp[len(sp)-1].de {
			return nil, fmt.Errorf("edit [%d,%d) overlaps the one before it", e.Start, e.End)
		}
		b, ok := p.cs.encode(e.Text)
		if !ok {
			return nil, fmt.Errorf("edit text %q cannot be written in charset %s", e.Text, p.cs.name)
		}
		if p.te == teIdentity && p.ascii && !isASCII(b) {
			return nil, fmt.Errorf("edit text %q is not ASCII in a 7bit part", e.Text)
		}
		sp = append(sp, splice{ds, de, b})
	}
	return sp, nil
}

// applied returns the decoded body with sp applied.
func (p *textPart) applied(sp []splice) []byte {
	dec := make([]byte, 0, len(p.dec)+16*len(sp))
	at := 0
	for _, s := range sp {
		dec = append(append(dec, p.dec[at:s.ds]...), s.b...)
		at = s.de
	}
	return append(dec, p.dec[at:]...)
}

// writeBody writes the part's body raw with sp applied, in its own
// transfer encoding.
func (p *textPart) writeBody(out *bytes.Buffer, raw []byte, sp []splice) error {
	switch p.te {
	case teBase64:
		out.Write(p.b64.appendEncoded(nil, p.applied(sp)))
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
