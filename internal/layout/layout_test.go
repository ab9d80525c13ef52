package layout

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

const sampleMD = `# Quarterly briefing

The committee met on Tuesday and didn't reach a decision. It's clear that the "new plan" will need
more work... The staff presented three options, and each one was discussed at length by the members.

## Options

- The *first* option keeps rates where they are for the rest of the year.
- The **second** option raises them by a quarter point, with ` + "`code span`" + ` in it.
- A [linked label](https://example.com/x) closes the list.

1. Numbered one, in order to test the list.
2. Numbered two.

> A quotation from the minutes, which we don't change at all, stands here in the middle of the page.

` + "```" + `
code block line one
    indented line two
` + "```" + `

Closing paragraph with enough words to make several lines of text so that the layout channel has some room to place its points across the whole width of the page and beyond it onto the next line as well.
`

func planFor(t testing.TB, name, src string) *Plan {
	t.Helper()
	doc, err := format.Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(marks.Find(doc), "Sample", Version1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func randomSymbols(p *Plan, rng *rand.Rand) ([]uint8, []uint8) {
	ts := make([]uint8, len(p.set.Points))
	for i, pt := range p.set.Points {
		ts[i] = uint8(rng.IntN(len(pt.Variants)))
	}
	ls := make([]uint8, len(p.points))
	for i := range ls {
		ls[i] = uint8(rng.IntN(2))
	}
	return ts, ls
}

func TestDump(t *testing.T) {
	p := planFor(t, "a.md", sampleMD)
	ts, ls := randomSymbols(p, rand.New(rand.NewPCG(1, 2)))
	var buf bytes.Buffer
	if err := p.PDF(&buf, ts, ls, PDFOptions{Footer: "Copy issued to r0042"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/layoutw/a.pdf", buf.Bytes(), 0o644)
	out, _ := exec.Command("pdftotext", "-layout", "/tmp/layoutw/a.pdf", "-").Output()
	t.Logf("%d points, %d pages\n%s", p.NumPoints(), p.Pages(), out)
}
