package layout

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// plain typesets a region of plain text: paragraphs are separated by
// blank lines and reflowed. A line break is kept where the author
// plainly meant one: after a line much shorter than the paragraph's
// longest, or before a line that starts a list item or an email
// quotation (">").
func (t *typesetter) plain(region int, indent float64) error {
	txt := t.p.set.Doc.Regions()[region].Text
	type ln struct{ start, end int }
	var para []ln
	flush := func() error {
		if len(para) == 0 {
			return nil
		}
		if preformatted(txt, para[0].start, para[len(para)-1].end) {
			// A table or an indented block: each line as it stands, in
			// the mono face.
			t.y += paraSkip
			for _, l := range para {
				bl := &block{region: region, indent: indent, leading: codeLeading, pre: true,
					pieces: []piece{{start: l.start, end: l.end, st: mono, size: codeSize}}}
				if err := t.setBlock(bl); err != nil {
					return err
				}
			}
			para = para[:0]
			return nil
		}
		longest := 0
		for _, l := range para {
			longest = max(longest, utf8.RuneCountInString(txt[l.start:l.end]))
		}
		bl := &block{region: region, indent: indent, leading: bodyLeading, body: true, skip: paraSkip}
		for i, l := range para {
			bl.pieces = append(bl.pieces, piece{start: l.start, end: l.end, st: serif, size: bodySize})
			if i+1 < len(para) {
				short := utf8.RuneCountInString(strings.TrimSpace(txt[l.start:l.end]))*10 < longest*6
				if short || listItem(txt[para[i+1].start:para[i+1].end]) {
					bl.pieces = append(bl.pieces, piece{hard: true})
				} else {
					bl.pieces = append(bl.pieces, piece{lit: " ", st: serif, size: bodySize})
				}
			}
		}
		para = para[:0]
		return t.setBlock(bl)
	}
	for at := 0; at < len(txt); {
		end := strings.IndexByte(txt[at:], '\n')
		next := len(txt)
		if end < 0 {
			end = len(txt)
		} else {
			end += at
			next = end + 1
		}
		e := end
		if e > at && txt[e-1] == '\r' {
			e--
		}
		if strings.TrimSpace(txt[at:e]) == "" {
			if err := flush(); err != nil {
				return err
			}
		} else {
			para = append(para, ln{at, e})
		}
		at = next
	}
	return flush()
}

// preformatted reports whether a plain-text paragraph is laid out with
// spaces (a table, an indented block) rather than written to be
// reflowed: a line of it is indented by a tab or four spaces, or has
// three spaces in a row inside it.
func preformatted(txt string, start, end int) bool {
	for _, l := range strings.Split(txt[start:end], "\n") {
		l = strings.TrimRight(l, " \r")
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "    ") || strings.Contains(strings.TrimLeft(l, " "), "   ") {
			return true
		}
	}
	return false
}

// listItem reports whether a plain-text line starts a list item or a
// quoted line of an email.
func listItem(s string) bool {
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, ">") {
		return true
	}
	for _, m := range []string{"- ", "* ", "• ", "+ "} {
		if strings.HasPrefix(s, m) {
			return true
		}
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < len(s)-1 && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// email typesets a message: its header block, then each text part.
func (t *typesetter) email() error {
	if h, ok := t.p.set.Doc.(interface{ Header() []format.Field }); ok {
		for _, f := range h.Header() {
			switch strings.ToLower(f.Name) {
			case "from", "to", "cc", "date", "subject":
			default:
				continue
			}
			name := f.Name + ":"
			bl := &block{region: -1, leading: bodyLeading, pieces: []piece{
				{lit: name, st: serifBold, size: bodySize},
				{lit: " " + clean(f.Value), st: serif, size: bodySize},
			}}
			if err := t.setBlock(bl); err != nil {
				return err
			}
		}
		t.y += paraSkip
		t.p.rules = append(t.p.rules, rule{page: t.page, x1: margin, y1: t.y, x2: pageW - margin, y2: t.y})
	}
	for r := range t.p.set.Doc.Regions() {
		if err := t.plain(r, 0); err != nil {
			return err
		}
	}
	return nil
}

// markdown typesets a CommonMark document from goldmark's tree over the
// source, which is the document's single region.
func (t *typesetter) markdown() error {
	src := []byte(t.p.set.Doc.Regions()[0].Text)
	fm := frontMatter(src)
	root := goldmark.DefaultParser().Parse(text.NewReader(src))
	for c := afterFrontMatter(root, fm); c != nil; c = c.NextSibling() {
		if err := t.mdBlock(c, src, fm, 0, 0, ""); err != nil {
			return err
		}
	}
	return nil
}

// afterFrontMatter returns root's first block after a front matter block
// that ends at offset fm: goldmark reads front matter as thematic breaks
// (which have no lines) and paragraphs or headings within it.
func afterFrontMatter(root ast.Node, fm int) ast.Node {
	c := root.FirstChild()
	for fm > 0 && c != nil && (c.Lines().Len() == 0 && c.Kind() == ast.KindThematicBreak || c.Lines().Len() > 0 && c.Lines().At(0).Start < fm) {
		c = c.NextSibling()
	}
	return c
}

// mdBlocks typesets the block children of n.
func (t *typesetter) mdBlocks(n ast.Node, src []byte, fm int, indent float64, quote int) error {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 && c.Lines().At(0).Start < fm {
			continue // front matter, read by goldmark as a break and a heading
		}
		if err := t.mdBlock(c, src, fm, indent, quote, ""); err != nil {
			return err
		}
	}
	return nil
}

func (t *typesetter) mdBlock(c ast.Node, src []byte, fm int, indent float64, quote int, marker string) error {
	switch c.Kind() {
	case ast.KindHeading:
		h := c.(*ast.Heading)
		size := headingSize(h.Level)
		bl := &block{region: 0, indent: indent, leading: size * 1.3, skip: paraSkip + 4}
		t.inline(c, src, sansBold, size, bl)
		return t.setBlock(bl)
	case ast.KindParagraph, ast.KindTextBlock:
		if lines := c.Lines(); table(lines, src) {
			// A GFM table, which CommonMark reads as a paragraph: each
			// row as it stands, in the mono face.
			t.y += paraSkip
			for i := 0; i < lines.Len(); i++ {
				s := lines.At(i)
				end := s.Stop
				for end > s.Start && (src[end-1] == '\n' || src[end-1] == '\r') {
					end--
				}
				bl := &block{region: 0, indent: indent, leading: codeLeading, pre: true,
					pieces: []piece{{start: s.Start, end: end, st: mono, size: codeSize}}}
				if err := t.setBlock(bl); err != nil {
					return err
				}
			}
			return nil
		}
		bl := &block{region: 0, indent: indent, leading: bodyLeading, body: true, skip: paraSkip, marker: marker}
		if c.Kind() == ast.KindTextBlock {
			bl.skip = 2
		}
		t.inline(c, src, serif, bodySize, bl)
		return t.setBlock(bl)
	case ast.KindBlockquote:
		startPage, startY := t.page, t.y
		if err := t.mdBlocks(c, src, fm, indent+indentStep, quote+1); err != nil {
			return err
		}
		if t.page == startPage {
			x := margin + min(indent, textW/2) + 6
			t.p.rules = append(t.p.rules, rule{page: t.page, x1: x, y1: startY + 4, x2: x, y2: t.y + 3})
		}
		return nil
	case ast.KindList:
		l := c.(*ast.List)
		num := l.Start
		for it := c.FirstChild(); it != nil; it = it.NextSibling() {
			m := "•"
			if l.IsOrdered() {
				m = strconv.Itoa(num) + string(l.Marker)
				num++
			}
			first := true
			for b := it.FirstChild(); b != nil; b = b.NextSibling() {
				mk := ""
				if first {
					mk = m
				}
				if first && b.Kind() != ast.KindParagraph && b.Kind() != ast.KindTextBlock {
					// An item that opens with another block: the marker
					// stands on a line of its own.
					if err := t.setBlock(&block{region: -1, indent: indent + indentStep, leading: bodyLeading, marker: m, skip: 2}); err != nil {
						return err
					}
					mk = ""
				}
				first = false
				if err := t.mdBlock(b, src, fm, indent+indentStep, quote, mk); err != nil {
					return err
				}
			}
			if first { // an empty item
				if err := t.setBlock(&block{region: -1, indent: indent + indentStep, leading: bodyLeading, marker: m, skip: 2}); err != nil {
					return err
				}
			}
		}
		return nil
	case ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock:
		lines := c.Lines()
		t.y += paraSkip
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			ln := strings.TrimRight(string(s.Value(src)), "\r\n")
			ln = strings.ReplaceAll(ln, "\t", "    ")
			bl := &block{region: -1, indent: indent + 8, leading: codeLeading}
			bl.pieces = []piece{{lit: strings.ReplaceAll(ln, " ", "\u00a0"), st: mono, size: codeSize}}
			if strings.TrimSpace(ln) == "" {
				t.advance(codeLeading)
				continue
			}
			if err := t.setBlock(bl); err != nil {
				return err
			}
		}
		return nil
	case ast.KindThematicBreak:
		t.y += paraSkip + 4
		if t.y < bottom {
			t.p.rules = append(t.p.rules, rule{page: t.page, x1: margin + min(indent, textW/2), y1: t.y, x2: pageW - margin, y2: t.y})
		}
		return nil
	}
	// Anything else with block children (a list item outside a list):
	return t.mdBlocks(c, src, fm, indent, quote)
}

// table reports whether a paragraph's lines are a GFM pipe table: its
// second line is a delimiter row (cells of dashes, optionally with
// colons, between pipes) and its first line has a pipe.
func table(lines *text.Segments, src []byte) bool {
	if lines.Len() < 2 {
		return false
	}
	head, delim := lines.At(0), lines.At(1)
	if !strings.Contains(string(head.Value(src)), "|") {
		return false
	}
	row := strings.TrimSpace(string(delim.Value(src)))
	if !strings.Contains(row, "-") || !strings.Contains(row, "|") {
		return false
	}
	for _, r := range row {
		if r != '|' && r != '-' && r != ':' && r != ' ' && r != '\t' {
			return false
		}
	}
	return true
}

// inline collects the inline content of n as pieces.
func (t *typesetter) inline(n ast.Node, src []byte, st style, size float64, bl *block) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Kind() {
		case ast.KindText:
			tx := c.(*ast.Text)
			bl.pieces = append(bl.pieces, piece{start: tx.Segment.Start, end: tx.Segment.Stop, st: st, size: size})
			if tx.HardLineBreak() {
				bl.pieces = append(bl.pieces, piece{hard: true})
			} else if tx.SoftLineBreak() {
				bl.pieces = append(bl.pieces, piece{lit: " ", st: st, size: size})
			}
		case ast.KindString:
			bl.pieces = append(bl.pieces, piece{lit: string(c.(*ast.String).Value), st: st, size: size})
		case ast.KindEmphasis:
			t.inline(c, src, emphasize(st, c.(*ast.Emphasis).Level), size, bl)
		case ast.KindCodeSpan:
			var b strings.Builder
			for g := c.FirstChild(); g != nil; g = g.NextSibling() {
				if tx, ok := g.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			// Code keeps its spaces: no break inside it.
			bl.pieces = append(bl.pieces, piece{lit: strings.ReplaceAll(b.String(), " ", "\u00a0"), st: mono, size: size * codeSize / bodySize})
		case ast.KindAutoLink:
			bl.pieces = append(bl.pieces, piece{lit: string(c.(*ast.AutoLink).Label(src)), st: st, size: size})
		case ast.KindRawHTML:
			// Markup, not text.
		default: // links show their label; images their description
			t.inline(c, src, st, size, bl)
		}
	}
}

func emphasize(st style, level int) style {
	italic := st == serifItalic || st == serifBoldItalic || level == 1
	bold := st == serifBold || st == serifBoldItalic || level >= 2
	if st == sansBold || st == mono {
		return st
	}
	switch {
	case italic && bold:
		return serifBoldItalic
	case bold:
		return serifBold
	case italic:
		return serifItalic
	}
	return serif
}

// frontMatter returns the offset just past a YAML (---) or TOML (+++)
// front matter block at the start of src, or 0.
func frontMatter(src []byte) int {
	for _, fence := range []string{"---", "+++"} {
		if !bytes.HasPrefix(src, []byte(fence)) {
			continue
		}
		first := bytes.IndexByte(src, '\n')
		if first < 0 || string(bytes.TrimRight(src[:first], " \r")) != fence {
			continue
		}
		for at := first + 1; at < len(src); {
			end := bytes.IndexByte(src[at:], '\n')
			line, next := src[at:], len(src)
			if end >= 0 {
				line, next = src[at:at+end], at+end+1
			}
			if l := string(bytes.TrimRight(line, " \r")); l == fence || (fence == "---" && l == "...") {
				return next
			}
			at = next
		}
		return len(src)
	}
	return 0
}

// DocumentTitle is the title a copy shows when the document was
// registered without one (under its file name, fallback): an email's
// Subject; nothing for a Markdown document that opens with a heading,
// which titles it; else fallback.
func DocumentTitle(set *marks.Set, fallback string) string {
	switch set.Doc.Format() {
	case "eml":
		if h, ok := set.Doc.(interface{ Header() []format.Field }); ok {
			for _, f := range h.Header() {
				if strings.EqualFold(f.Name, "subject") {
					if sub := strings.Join(strings.Fields(clean(f.Value)), " "); sub != "" {
						return sub
					}
				}
			}
		}
	case "md":
		src := []byte(set.Doc.Regions()[0].Text)
		fm := frontMatter(src)
		root := goldmark.DefaultParser().Parse(text.NewReader(src))
		if c := afterFrontMatter(root, fm); c != nil && c.Kind() == ast.KindHeading {
			return ""
		}
	}
	return fallback
}
