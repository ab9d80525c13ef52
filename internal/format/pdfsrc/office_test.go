package pdfsrc

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

var (
	officeOnce sync.Once
	officePDF  []byte
	officeErr  error
)

// officeSource is a PDF LibreOffice makes from a memo of the corpus, in
// its proportional serif font, with justified and ragged paragraphs:
// made once per test binary.
func officeSource(t *testing.T) []byte {
	t.Helper()
	tooltest.Require(t, "libreoffice-writer-nogui", "soffice", "libreoffice")
	memo := corpus.RequireMemos(t, 1, 900, 12)[0]
	officeOnce.Do(func() {
		var b strings.Builder
		b.WriteString("<html><body>")
		for i, p := range strings.Split(memo, "\n") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			align := ""
			if i%2 == 0 {
				align = ` align="justify"`
			}
			b.WriteString("<p" + align + ">" + html.EscapeString(p) + "</p>\n")
		}
		b.WriteString("</body></html>\n")
		officePDF, officeErr = office.Convert(t.Context(), "memo.html", []byte(b.String()), "pdf", "pdf")
	})
	if officeErr != nil {
		t.Fatal(officeErr)
	}
	return officePDF
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out
}

// pdfinfo is what pdfinfo says of a PDF but its file size.
func pdfinfo(t *testing.T, path string) string {
	var keep []string
	for _, l := range strings.Split(string(run(t, "pdfinfo", path)), "\n") {
		if !strings.HasPrefix(l, "File size:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"`)

// bboxLefts is the left edge of every word pdftotext -bbox reads.
func bboxLefts(t *testing.T, path string) []float64 {
	var out []float64
	for _, m := range bboxWord.FindAllStringSubmatch(string(run(t, "pdftotext", "-bbox", path, "-")), -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		out = append(out, x)
	}
	return out
}

// TestLibreOfficePDF: copies of a PDF LibreOffice wrote keep its pages,
// size, fonts and metadata and read like it; copies of two readers
// differ; each copy's shifts read back exactly, pdftotext -bbox sees
// every moved word moved by Delta, and so does a 300 dpi rendering.
func TestLibreOfficePDF(t *testing.T) {
	tooltest.Require(t, "poppler-utils", "pdftotext")
	src := officeSource(t)
	d := mustParse(t, src)
	n := len(d.Shifts().Slots)
	if n < 150 {
		t.Fatalf("%d layout points in a 900-word memo", n)
	}
	dir := t.TempDir()
	srcPath := filepath.Join(dir, "src.pdf")
	os.WriteFile(srcPath, src, 0o600)
	srcInfo, srcText, srcFonts := pdfinfo(t, srcPath), run(t, "pdftotext", srcPath, "-"), run(t, "pdffonts", srcPath)
	srcLefts := bboxLefts(t, srcPath)
	rng := rand.New(rand.NewPCG(3, 4))
	var copies [][]byte
	for r := 0; r < 2; r++ {
		shifts := make([]uint8, n)
		for i := range shifts {
			shifts[i] = uint8(rng.IntN(2))
		}
		cp := render(t, d, shifts)
		copies = append(copies, cp)
		path := filepath.Join(dir, "copy"+strconv.Itoa(r)+".pdf")
		os.WriteFile(path, cp, 0o600)
		if info := pdfinfo(t, path); info != srcInfo {
			t.Errorf("pdfinfo of the copy:\n%s\nof the source:\n%s", info, srcInfo)
		}
		if !bytes.Equal(run(t, "pdffonts", path), srcFonts) {
			t.Error("the copy's fonts differ")
		}
		if text := run(t, "pdftotext", path, "-"); !bytes.Equal(text, srcText) {
			t.Error("the copy's text differs from the source's")
		}
		rs, err := d.ReadShifts(cp)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != n {
			t.Fatalf("read %d of %d slots", len(rs), n)
		}
		for _, r := range rs {
			if r.Shift != Delta*(2*float64(shifts[r.Slot])-1) {
				t.Fatalf("slot %d read %+v, shifted %d", r.Slot, r, shifts[r.Slot])
			}
		}
		lefts := bboxLefts(t, path)
		if len(lefts) != len(srcLefts) {
			t.Fatalf("pdftotext -bbox reads %d words in the copy, %d in the source", len(lefts), len(srcLefts))
		}
		moved := 0
		for i := range lefts {
			switch dx := math.Abs(lefts[i] - srcLefts[i]); {
			case dx < 0.005:
			case math.Abs(dx-Delta) < 0.005:
				moved++
			default:
				t.Errorf("pdftotext -bbox: word %d moved by %.3f", i, dx)
			}
		}
		if moved != n {
			t.Errorf("pdftotext -bbox sees %d words moved, %d slots", moved, n)
		}
		if r == 0 {
			seenAt300(t, d, srcPath, path, shifts)
		}
	}
	if bytes.Equal(copies[0], copies[1]) {
		t.Fatal("two readers' copies are the same")
	}
}

// seenAt300 renders the first page with a slot, source and copy, at
// 300 dpi and checks that the ink of each of its slots' words moved by
// about Delta (1.67 pixels) the right way.
func seenAt300(t *testing.T, d *Document, srcPath, copyPath string, shifts []uint8) {
	tooltest.Require(t, "poppler-utils", "pdftoppm")
	page := d.slots[0].Region
	load := func(path string) image.Image {
		out := filepath.Join(filepath.Dir(path), strings.TrimSuffix(filepath.Base(path), ".pdf"))
		p := strconv.Itoa(page + 1)
		run(t, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", p, "-l", p, path, out)
		f, err := os.Open(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	a, b := load(srcPath), load(copyPath)
	const scale = 300.0 / 72
	height := float64(a.Bounds().Dy()) / scale
	// centroid is the ink's mean column in the word's box, in points.
	centroid := func(g image.Image, w word) float64 {
		x0, x1 := int((w.x0-0.6)*scale), int((w.x1+0.6)*scale)
		y0, y1 := int((height-w.y-0.8*w.size)*scale), int((height-w.y+0.25*w.size)*scale)
		var sum, mass float64
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				ink := 255 - float64(color.GrayModel.Convert(g.At(x, y)).(color.Gray).Y)
				sum += ink * float64(x)
				mass += ink
			}
		}
		return sum / mass / scale
	}
	seen, sq := 0, 0.0
	for i, s := range d.slots {
		if s.Region != page {
			continue
		}
		w := d.pages[page].words[d.slotWord[i]]
		got := centroid(b, w) - centroid(a, w)
		want := Delta * (2*float64(shifts[i]) - 1)
		if math.Abs(got-want) > 0.5*Delta {
			t.Errorf("slot %d %q: the 300 dpi rendering moved by %.2f pt, want %.2f", i, w.text, got, want)
		}
		seen++
		sq += (got - want) * (got - want)
	}
	t.Logf("%d slots seen at 300 dpi on page %d, rms error %.3f pt", seen, page+1, math.Sqrt(sq/float64(seen)))
}
