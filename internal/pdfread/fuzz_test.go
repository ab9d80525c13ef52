package pdfread

import (
	"math"
	"testing"
	"unicode/utf8"
)

// sample is pdftotext -bbox-layout's output for a one-line page.
const sample = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>Sample &amp; more</title>
<meta name="Producer" content="leaktrace"/>
</head>
<body>
<doc>
  <page width="612.000000" height="792.000000">
    <flow>
      <block xMin="72.000000" yMin="141.499000" xMax="529.435000" yMax="168.176000">
        <line xMin="72.000000" yMin="141.499000" xMax="529.435000" yMax="153.676000">
          <word xMin="72.000000" yMin="141.499000" xMax="89.105000" yMax="153.676000">The</word>
          <word xMin="91.510000" yMin="141.499000" xMax="137.952000" yMax="153.676000">committee&#8217;s</word>
          <word xMin="141.050000" yMin="141.499000" xMax="157.550000" yMax="153.676000">R&amp;D</word>
        </line>
      </block>
    </flow>
  </page>
</doc>
</body>
</html>
`

func TestParseSample(t *testing.T) {
	text, pages, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if text != "The committee’s R&D\n" {
		t.Fatalf("text %q", text)
	}
	if len(pages) != 1 || len(pages[0].Lines) != 1 || len(pages[0].Lines[0].Words) != 3 {
		t.Fatalf("pages %+v", pages)
	}
	w := pages[0].Lines[0].Words[1]
	if w.Text != "committee’s" || w.Left != 91.51 || w.Right != 137.952 || w.Top != 141.499 || w.Bottom != 153.676 || w.Sigma != 0 || w.HasInk() {
		t.Fatalf("word %+v", w)
	}
}

// FuzzParse: pdftotext's output derives from an untrusted PDF; whatever
// it holds, Parse returns well-formed pages or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`<page><line><word xMin="NaN" xMax="1">a</word><word xMin="5" xMax="1">b</word></line></page>`))
	f.Add([]byte(`<word xMin="1" xMax="2">orphan</word><page><flow><line><word xMin="1e400" xMax="2">x</word>`))
	f.Fuzz(func(t *testing.T, out []byte) {
		text, pages, err := Parse(out)
		if err != nil {
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("text is not UTF-8: %q", text)
		}
		for _, p := range pages {
			for _, l := range p.Lines {
				if len(l.Words) == 0 {
					t.Fatal("empty line")
				}
				for _, w := range l.Words {
					if math.IsNaN(w.Left) || math.IsInf(w.Left, 0) || math.IsNaN(w.Right) || w.Right < w.Left || w.Text == "" {
						t.Fatalf("bad word %+v", w)
					}
				}
			}
		}
	})
}
