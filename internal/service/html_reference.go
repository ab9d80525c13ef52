package service

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/format/html"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/picture"
)

// The reference layout of an HTML page: what a screenshot of a copy is
// measured against.
//
// Every copy of a page draws each layout slot's two spaces as one
// four-per-em and one thin space, so all copies' lines have the same
// length, a little shorter than the unmarked page's, whose spaces are
// plain. The reference is therefore drawn from two copies, every slot's
// word moved left in one and right in the other, screenshot by Chromium
// (HTMLReferenceWidth CSS pixels wide) and read as a picture; each word's
// extents are the mean of the two, which puts every slot's word in the
// middle and every other word where every copy has it. Its unit is the
// point (3/4 of a CSS pixel), the unit of the slots' shift.

// HTMLReferenceWidth is the width of the browser window, in CSS pixels,
// in which an HTML page is drawn for reading screenshots of its copies:
// a screenshot of a window whose lines break elsewhere can't be read.
const HTMLReferenceWidth = 1200

func init() { RegisterReference(html.Kind, htmlReference) }

// htmlReference draws and reads the reference layout of an HTML page
// (the service keeps it: see referencePages).
func htmlReference(ctx context.Context, source []byte) ([]layout.SeenPage, error) {
	d, err := html.Parse(source)
	if err != nil {
		return nil, err
	}
	n := len(d.Shifts().Slots)
	var drawn [2]layout.SeenPage
	for side := range drawn {
		shifts := bytes.Repeat([]byte{byte(side)}, n)
		var page bytes.Buffer
		if err := d.RenderShifted(&page, nil, shifts); err != nil {
			return nil, err
		}
		shot, err := browser.Screenshot(ctx, page.Bytes(), HTMLReferenceWidth, htmlHeight(source))
		if err != nil {
			return nil, fmt.Errorf("drawing the page's reference layout: %w", err)
		}
		_, pages, err := picture.Read(ctx, shot, "reference")
		if err != nil {
			return nil, fmt.Errorf("reading the page's reference layout: %w", err)
		}
		if len(pages) != 1 {
			return nil, fmt.Errorf("reading the page's reference layout: %d pages", len(pages))
		}
		drawn[side] = pages[0]
	}
	return []layout.SeenPage{meanPage(drawn[0], drawn[1], 0.75)}, nil
}

// htmlHeight is a window height that shows all of a page of this size.
func htmlHeight(source []byte) int {
	return min(max(1200, 400+len(source)/2), 16000)
}

// meanPage is the page whose words are at the mean of a's and b's, scaled
// by scale: each line of a is paired with the line of b that reads the
// same, when one line of each does; other lines are left out.
func meanPage(a, b layout.SeenPage, scale float64) layout.SeenPage {
	// The words' extents are ink (tesseract's, measured along the
	// line); the reference carries them as the ink of a page with known
	// word boxes, which is how a reference plan measures pictures.
	out := layout.SeenPage{Ink: false, Source: a.Source}
	key := func(l layout.SeenLine) string {
		var k strings.Builder
		for _, w := range l.Words {
			k.WriteString(w.Text)
			k.WriteByte(0)
		}
		return k.String()
	}
	count := map[string]int{}
	inB := map[string]int{}
	for i, l := range b.Lines {
		count[key(l)]--
		inB[key(l)] = i
	}
	for _, l := range a.Lines {
		count[key(l)] += 1 << 8
	}
	for _, la := range a.Lines {
		k := key(la)
		if count[k] != 1<<8-1 || len(la.Words) == 0 {
			continue // not once in each
		}
		lb := b.Lines[inB[k]]
		l := layout.SeenLine{Words: make([]layout.SeenWord, len(la.Words))}
		for j, wa := range la.Words {
			wb := lb.Words[j]
			l.Words[j] = layout.SeenWord{
				Text:  wa.Text,
				Left:  (wa.Left + wb.Left) / 2 * scale,
				Right: (wa.Right + wb.Right) / 2 * scale,
				Sigma: (wa.Sigma + wb.Sigma) / 2 * scale,
			}
			l.Words[j].InkLeft, l.Words[j].InkRight = l.Words[j].Left, l.Words[j].Right
		}
		out.Lines = append(out.Lines, l)
	}
	return out
}
