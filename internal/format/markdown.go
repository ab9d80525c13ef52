package format

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// parseMarkdown finds the prose of a CommonMark document. Only the text of
// paragraphs, headings, list items, block quotes and link labels may be
// marked; code blocks, inline code, raw HTML, autolinks, link and image
// targets, image descriptions and front matter are protected because they
// are everything not listed as prose.
func parseMarkdown(data []byte) (Document, error) {
	fm := frontMatterEnd(data)
	root := goldmark.DefaultParser().Parse(text.NewReader(data))
	var open []Span
	err := ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock,
			ast.KindHTMLBlock, ast.KindRawHTML, ast.KindAutoLink, ast.KindImage:
			return ast.WalkSkipChildren, nil
		case ast.KindText:
			seg := n.(*ast.Text).Segment
			if seg.Start >= fm && seg.Stop > seg.Start {
				open = append(open, Span{seg.Start, seg.Stop})
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	s := string(data)
	return &plain{kind: "md", text: s, region: Region{Text: s, Protected: complement(open, len(s))}}, nil
}

// frontMatterEnd returns the offset just past a YAML (---) or TOML (+++)
// front matter block at the start of data, or 0 if there is none.
func frontMatterEnd(data []byte) int {
	for _, fence := range []string{"---", "+++"} {
		if !bytes.HasPrefix(data, []byte(fence)) {
			continue
		}
		first := bytes.IndexByte(data, '\n')
		if first < 0 || string(bytes.TrimRight(data[:first], " \r")) != fence {
			continue
		}
		for at := first + 1; at < len(data); {
			end := bytes.IndexByte(data[at:], '\n')
			line := data[at:]
			next := len(data)
			if end >= 0 {
				line = data[at : at+end]
				next = at + end + 1
			}
			l := string(bytes.TrimRight(line, " \r"))
			if l == fence || (fence == "---" && l == "...") {
				return next
			}
			at = next
		}
		return len(data) // unterminated: protect it all
	}
	return 0
}

// complement returns the parts of [0,n) not covered by spans.
func complement(spans []Span, n int) []Span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var out []Span
	at := 0
	for _, s := range spans {
		if s.Start > at {
			out = append(out, Span{at, s.Start})
		}
		if s.End > at {
			at = s.End
		}
	}
	if at < n {
		out = append(out, Span{at, n})
	}
	return out
}

// Unite returns the union of spans as disjoint spans in order, spans that
// overlap or touch merged into one. It sorts spans and reuses its array.
func Unite(spans []Span) []Span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}
