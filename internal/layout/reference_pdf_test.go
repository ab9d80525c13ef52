package layout_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// readings sums up observations against the shifts a copy was made with.
type readings struct {
	n, wrong int
	sq       float64 // sum of squared errors, pt²
}

func score(obs []layout.Observation, ls []uint8, delta float64) readings {
	var r readings
	for _, o := range obs {
		want := -delta
		if ls[o.Point] == 1 {
			want = delta
		}
		r.n++
		r.sq += (o.Shift - want) * (o.Shift - want)
		if (o.Shift > 0) != (want > 0) {
			r.wrong++
		}
	}
	return r
}

func (r readings) rms() float64 { return math.Sqrt(r.sq / float64(max(r.n, 1))) }

// TestReferencePlanOfARealRendering: the unmarked document typeset, drawn
// to PDF and read back by pdftotext, with its ink measured at 300 dpi
// (pdfread.Reference), is a reference on which the typeset points are
// found; a copy's PDF and a photo of a copy's page are measured against
// it as well as against the typeset plan itself.
func TestReferencePlanOfARealRendering(t *testing.T) {
	tooltest.Require(t, "poppler-utils", "pdftotext")
	tooltest.Require(t, "poppler-utils", "pdftoppm")
	tooltest.Require(t, "tesseract-ocr", "tesseract")
	memo := corpus.RequireMemos(t, 1, 700, 5)[0]
	doc, err := format.Parse("memo.txt", []byte(memo))
	if err != nil {
		t.Fatal(err)
	}
	set := marks.Find(doc)
	p, err := layout.NewPlan(set, "Staff review", layout.Version1)
	if err != nil {
		t.Fatal(err)
	}
	scheme := layout.TypesetScheme(t, set, p)
	var unmarked, cp bytes.Buffer
	if err := layout.UnmarkedPDF(p, &unmarked); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	ts := make([]uint8, len(set.Points))
	for i, pt := range set.Points {
		ts[i] = uint8(rng.IntN(len(pt.Variants)))
	}
	ls := make([]uint8, p.NumPoints())
	for i := range ls {
		ls[i] = uint8(rng.IntN(2))
	}
	if err := p.PDF(&cp, ts, ls, layout.PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	ref, err := pdfread.Reference(t.Context(), unmarked.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	rp, err := layout.NewReferencePlan(set, scheme, ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("located %d of %d slots", rp.Located(), rp.NumPoints())
	if rp.Located() < rp.NumPoints()*9/10 {
		t.Fatalf("located %d of %d slots", rp.Located(), rp.NumPoints())
	}
	// The copy's PDF: exact readings, every one right.
	_, pages, err := pdfread.Read(t.Context(), cp.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	viaRef, viaPlan := score(layout.Observe(rp, pages), ls, p.Delta()), score(layout.Observe(p, pages), ls, p.Delta())
	t.Logf("PDF: reference plan %d points, %d wrong, rms %.3f pt; typeset plan %d, %d wrong, rms %.3f pt",
		viaRef.n, viaRef.wrong, viaRef.rms(), viaPlan.n, viaPlan.wrong, viaPlan.rms())
	if viaRef.wrong > 0 || viaRef.n < rp.Located()*9/10 || viaRef.rms() > 0.02 {
		t.Fatalf("PDF of a copy: %d points read, %d wrong, rms %.3f pt", viaRef.n, viaRef.wrong, viaRef.rms())
	}
	// A photo of page 1.
	photo, err := attack.PictureOf(t.Context(), "photo", cp.Bytes(), 1, 1, rand.New(rand.NewPCG(3, 5)))
	if err != nil {
		t.Fatal(err)
	}
	_, seen, err := picture.Read(t.Context(), photo, "photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	viaRef, viaPlan = score(layout.Observe(rp, seen), ls, p.Delta()), score(layout.Observe(p, seen), ls, p.Delta())
	t.Logf("photo: reference plan %d points, %d wrong, rms %.3f pt; typeset plan %d, %d wrong, rms %.3f pt",
		viaRef.n, viaRef.wrong, viaRef.rms(), viaPlan.n, viaPlan.wrong, viaPlan.rms())
	if viaRef.n < viaPlan.n*8/10 || viaRef.rms() > 1.25*viaPlan.rms()+0.01 || viaRef.wrong > viaPlan.wrong+2 {
		t.Fatalf("photo: the reference plan reads %d points, %d wrong, rms %.3f pt; the typeset plan %d, %d wrong, rms %.3f pt",
			viaRef.n, viaRef.wrong, viaRef.rms(), viaPlan.n, viaPlan.wrong, viaPlan.rms())
	}
}
