package format

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"
)

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
