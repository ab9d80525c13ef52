package picture

import (
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/page.tsv with the real tesseract's output")

// TestParseTSV parses real tesseract output (testdata/page.tsv, from
// a rendered page; regenerate it with go test -run TestParseTSV -update).
func TestParseTSV(t *testing.T) {
	if *update {
		requireTesseract(t)
		rng := rand.New(rand.NewPCG(7, 11))
		pg := renderPage(rng, 200, 11, 0.97, 3, 8)
		out, err := ocr(t.Context(), toPlane(pg.img))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/page.tsv", []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile("testdata/page.tsv")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := parseTSV(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	for i, ln := range lines {
		if len(ln.words) != 8 {
			t.Errorf("line %d: %d words, want 8", i, len(ln.words))
		}
		for j, w := range ln.words {
			if w.right <= w.left || w.bottom <= w.top {
				t.Errorf("line %d word %d: empty box %+v", i, j, w)
			}
			if j > 0 && w.left < ln.words[j-1].right {
				t.Errorf("line %d word %d: box overlaps the previous word's", i, j)
			}
		}
	}
	text := ocrText(lines)
	if n := strings.Count(text, "\n"); n < 3 {
		t.Errorf("text has %d line breaks, want 3 or more:\n%s", n, text)
	}
}

func TestParseTSVRefuses(t *testing.T) {
	for _, bad := range []string{
		"",
		"not tesseract",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\t10\t10\t5",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\tx\t10\t5\t5\t90\tword",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\t10\t10\t5\t5\tnope\tword",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\t-3\t10\t5\t5\t90\tword",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\t10\t10\t0\t5\t90\tword",
		tsvHeader + "\n5\t1\t1\t1\t1\t1\t10\t10\t5\t99999999\t90\tword",
	} {
		if _, err := parseTSV(bad); !errors.Is(err, ErrTSV) {
			t.Errorf("parseTSV(%q) = %v, want ErrTSV", bad, err)
		}
	}
}

func TestOCRText(t *testing.T) {
	tsv := tsvHeader + `
1	1	0	0	0	0	0	0	600	400	-1	
5	1	1	1	1	1	10	10	50	20	95	The
5	1	1	1	1	2	70	10	50	20	95	quick
5	1	1	1	2	1	10	40	50	20	95	fox
5	1	1	1	2	2	70	40	50	20	-1	 
5	1	1	2	1	1	10	90	50	20	91	jumps.
5	1	2	1	1	1	10	150	50	20	91	Over
`
	lines, err := parseTSV(tsv)
	if err != nil {
		t.Fatal(err)
	}
	want := "The quick\nfox\n\njumps.\n\nOver\n"
	if got := ocrText(lines); got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// FuzzParseTSV checks that any output of tesseract (or anything in its
// place) parses into sane boxes or a clean error, never a panic.
func FuzzParseTSV(f *testing.F) {
	if data, err := os.ReadFile("testdata/page.tsv"); err == nil {
		f.Add(string(data))
	}
	f.Add(tsvHeader + "\n5\t1\t1\t1\t1\t1\t10\t10\t5\t5\t90\tword\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := parseTSV(s)
		if err != nil {
			if !errors.Is(err, ErrTSV) {
				t.Fatalf("error %v does not wrap ErrTSV", err)
			}
			return
		}
		for _, ln := range lines {
			if len(ln.words) == 0 {
				t.Fatal("empty line")
			}
			for _, w := range ln.words {
				if w.text == "" || w.right <= w.left || w.bottom <= w.top || w.left < 0 || w.top < 0 {
					t.Fatalf("bad word %+v", w)
				}
			}
		}
		_ = ocrText(lines)
	})
}
