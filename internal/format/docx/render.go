package docx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
)

// Fit keeps the candidates a copy can carry: those inside the w:t
// contents of runs with one parent (an edit across two runs goes into
// the first, the others lose its text), whose variants are characters
// XML can hold.
func (d *Document) Fit(r int, cands []format.Candidate) []format.Candidate {
	if r < 0 || r >= len(d.regions) {
		return nil
	}
	p := d.paraOf(r)
	out := cands[:0:0]
	for _, c := range cands {
		if _, _, ok := d.editable(p, c.Start, c.End); !ok {
			continue
		}
		good := true
		for _, v := range c.Variants {
			good = good && xmlText(v)
		}
		if good {
			out = append(out, c)
		}
	}
	return out
}

// xmlText reports whether s holds only characters XML 1.0 allows.
func xmlText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError {
			return false
		}
	}
	return utf8.ValidString(s)
}

// splice is a replacement of d.xml[start:end].
type splice struct {
	start, end int
	text       string
	markup     bool // text is XML to write as is, not character data
}

// Render writes the document with edits applied.
func (d *Document) Render(w io.Writer, edits []format.Edit) error {
	return d.render(w, edits, nil)
}

// render writes the package with edits applied and the spaces widened by
// spacing (space offset → w:spacing value), each in a run of its own.
func (d *Document) render(w io.Writer, edits []format.Edit, spacing map[spaceAt]int) error {
	if len(edits) == 0 && len(spacing) == 0 {
		_, err := w.Write(d.data)
		return err
	}
	var sp []splice
	touched := map[int]string{} // seg → its new text, for xml:space
	segEdits := map[int][]splice{}
	edited := map[spaceAt]bool{}
	for _, e := range edits {
		if e.Region < 0 || e.Region >= len(d.regions) {
			return fmt.Errorf("edit in region %d of %d", e.Region, len(d.regions))
		}
		p := d.paraOf(e.Region)
		first, last, ok := d.editable(p, e.Start, e.End)
		if !ok || e.End > len(p.text) {
			return fmt.Errorf("edit [%d,%d) of region %d is not inside text a copy can change", e.Start, e.End, e.Region)
		}
		for i := first; i <= last; i++ {
			pc := p.pieces[i]
			s := &d.segs[pc.seg]
			a, b := max(e.Start, pc.start)-pc.start, min(e.End, pc.end)-pc.start
			text := ""
			if i == first {
				text = e.Text
			}
			segEdits[pc.seg] = append(segEdits[pc.seg], splice{a, b, text, false})
			sp = append(sp, splice{s.at[a], s.at[b], text, false})
		}
		for o := e.Start; o < e.End; o++ {
			edited[spaceAt{e.Region, o}] = true
		}
	}
	for si, es := range segEdits {
		touched[si] = applyTo(d.segs[si].text, es)
	}
	for at, v := range spacing {
		if edited[at] {
			continue // the space is gone or changed in this copy
		}
		p := d.paraOf(at.region)
		pc := p.pieces[at.piece(p)]
		s := &d.segs[pc.seg]
		o := at.off - pc.start
		r := &d.runs[s.run]
		var b bytes.Buffer
		b.WriteString("</" + r.prefix + "t></" + r.prefix + "r>")
		b.Write(d.xml[r.tag.start:r.tag.end])
		b.WriteString(d.rPrWith(r, v))
		b.WriteString("<" + r.prefix + `t xml:space="preserve"> </` + r.prefix + "t></" + r.prefix + "r>")
		b.Write(d.xml[r.tag.start:r.tag.end])
		if r.rPr.start >= 0 {
			b.Write(d.xml[r.rPr.start:r.rPr.end])
		}
		b.WriteString("<" + r.prefix + `t xml:space="preserve">`)
		sp = append(sp, splice{s.at[o], s.at[o+1], b.String(), true})
	}
	for si, text := range touched {
		s := &d.segs[si]
		if !s.preserve && (strings.HasPrefix(text, " ") || strings.HasSuffix(text, " ")) {
			// The tag ends with ">" (or "/>" for an empty w:t, which no
			// edit reaches).
			sp = append(sp, splice{s.tag.end - 1, s.tag.end - 1, ` xml:space="preserve"`, true})
		}
	}
	sort.SliceStable(sp, func(i, j int) bool {
		if sp[i].start != sp[j].start {
			return sp[i].start < sp[j].start
		}
		return sp[i].end < sp[j].end
	})
	var x bytes.Buffer
	x.Grow(len(d.xml) + len(sp)*64)
	at := 0
	for _, s := range sp {
		if s.start < at {
			return fmt.Errorf("edits overlap at byte %d of %s", s.start, mainPart)
		}
		x.Write(d.xml[at:s.start])
		if s.markup {
			x.WriteString(s.text)
		} else {
			escape(&x, s.text)
		}
		at = s.end
	}
	x.Write(d.xml[at:])
	return d.writePackage(w, x.Bytes())
}

// applyTo applies splices in text coordinates to text.
func applyTo(text string, es []splice) string {
	sort.Slice(es, func(i, j int) bool {
		return es[i].start < es[j].start || es[i].start == es[j].start && es[i].end < es[j].end
	})
	var b strings.Builder
	at := 0
	for _, e := range es {
		if e.start < at {
			continue
		}
		b.WriteString(text[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// rPrWith returns run r's properties with character spacing v.
func (d *Document) rPrWith(r *run, v int) string {
	el := "<" + r.prefix + "spacing " + r.prefix + `val="` + strconv.Itoa(v) + `"/>`
	if r.rPrEnd < 0 {
		return "<" + r.prefix + "rPr>" + el + "</" + r.prefix + "rPr>"
	}
	return string(d.xml[r.rPr.start:r.spacingAt]) + el + string(d.xml[r.spacingAt:r.rPr.end])
}

// writePackage writes the package with xml as word/document.xml: every
// other entry is copied raw, in the same order, with the same header.
func (d *Document) writePackage(w io.Writer, xml []byte) error {
	var out bytes.Buffer
	out.Grow(len(d.data) + len(xml)/4)
	zw := zip.NewWriter(&out)
	for i, f := range d.zr.File {
		if i != d.main {
			raw, err := f.OpenRaw()
			if err != nil {
				return err
			}
			fw, err := zw.CreateRaw(&f.FileHeader)
			if err != nil {
				return err
			}
			if _, err := io.Copy(fw, raw); err != nil {
				return err
			}
			continue
		}
		fh := f.FileHeader
		fh.CRC32, fh.CompressedSize64, fh.UncompressedSize64 = 0, 0, 0
		fh.CompressedSize, fh.UncompressedSize = 0, 0
		fh.Extra = nil
		fw, err := zw.CreateHeader(&fh)
		if err != nil {
			return err
		}
		if _, err := fw.Write(xml); err != nil {
			return err
		}
	}
	if c := d.zr.Comment; c != "" {
		if err := zw.SetComment(c); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	_, err := w.Write(out.Bytes())
	return err
}
