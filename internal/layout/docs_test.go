package layout

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

var docsDir = flag.String("docs", "", "write the README's crops of a marked and an unmarked line to this directory")

// TestDocsCrops renders, at 300 dpi with pdftoppm, the same lines of a
// memo unmarked, marked with Delta, and marked with 5×Delta (to show
// which words move), for the README: go test ./internal/layout/ -run
// DocsCrops -docs ../../docs. It also prints how much the ink gaps
// between words vary in unmarked text, the yardstick for Delta.
func TestDocsCrops(t *testing.T) {
	if *docsDir == "" {
		t.Skip("pass -docs DIR to render the README's crops")
	}
	memo := corpus.RequireMemos(t, 1, 300, 21)[0]
	doc, err := format.Parse("memo.txt", []byte(memo))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	p, err := NewPlan(set, "Staff review", Version1)
	if err != nil {
		t.Fatal(err)
	}
	ts := make([]uint8, len(set.Points))
	for i, pt := range set.Points {
		ts[i] = uint8(pt.Orig)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ls := make([]uint8, p.NumPoints())
	for i := range ls {
		ls[i] = uint8(rng.IntN(2))
	}
	// The crop: four body lines from the third, the text block's width.
	l := p.lines[2]
	const dpi = 300.0
	px := func(pt float64) string { return fmt.Sprint(int(math.Round(pt * dpi / 72))) }
	for _, v := range []struct {
		name  string
		delta float64
	}{{"layout-unmarked", 0}, {"layout-marked", p.delta}, {"layout-marked-5x", 5 * p.delta}} {
		var buf bytes.Buffer
		if err := p.pdf(&buf, ts, ls, PDFOptions{}, v.delta); err != nil {
			t.Fatal(err)
		}
		pdfPath := filepath.Join(t.TempDir(), v.name+".pdf")
		if err := os.WriteFile(pdfPath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(*docsDir, v.name)
		cmd := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-png", "-singlefile", "-f", "1", "-l", "1",
			"-x", px(margin-4), "-y", px(l.y-bodySize+0.5), "-W", px(textW+8), "-H", px(4*bodyLeading-1.5), pdfPath, out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, msg)
		}
	}
	// The yardstick: interword ink gaps in unmarked body text.
	var gaps []float64
	for _, l := range p.lines {
		if !l.body {
			continue
		}
		for k := 1; k < len(l.boxes); k++ {
			a, b := &l.boxes[k-1], &l.boxes[k]
			if a.hasPoint || b.hasPoint {
				continue
			}
			gaps = append(gaps, a.pitch(a.w)+b.inkL-a.inkR)
		}
	}
	var mean, sd float64
	for _, g := range gaps {
		mean += g
	}
	mean /= float64(len(gaps))
	for _, g := range gaps {
		sd += (g - mean) * (g - mean)
	}
	sd = math.Sqrt(sd / float64(len(gaps)))
	t.Logf("%d layout points on %d pages; unmarked ink gaps: mean %.3f pt, sd %.3f pt, over %d gaps; Delta %.2f pt",
		p.NumPoints(), p.Pages(), mean, sd, len(gaps), p.delta)
}
