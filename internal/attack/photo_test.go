package attack

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

// dotsPage is a white w×h page with a solid black square of side 2r+1
// centred on each of dots (pixel centres, in continuous coordinates).
func dotsPage(w, h, r int, dots [][2]int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	fill(img, 255)
	for _, d := range dots {
		for y := d[1] - r; y <= d[1]+r; y++ {
			for x := d[0] - r; x <= d[0]+r; x++ {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img
}

// inkCentroid is the centroid of the darkness (bg minus the grey level)
// of the pixels of img within radius r of (cx, cy) darker than bg-40, in
// continuous coordinates.
func inkCentroid(img *image.Gray, cx, cy float64, r int, bg float64) (x, y float64, ok bool) {
	var sw, sx, sy float64
	for j := int(cy) - r; j <= int(cy)+r; j++ {
		for i := int(cx) - r; i <= int(cx)+r; i++ {
			if !(image.Point{i, j}.In(img.Rect)) {
				continue
			}
			d := bg - float64(img.Pix[j*img.Stride+i])
			if d < 40 {
				continue
			}
			sw += d
			sx += d * (float64(i) + 0.5)
			sy += d * (float64(j) + 0.5)
		}
	}
	if sw == 0 {
		return 0, 0, false
	}
	return sx / sw, sy / sw, true
}

func TestFitHomography(t *testing.T) {
	src := [4][2]float64{{0, 0}, {100, 0}, {100, 150}, {0, 150}}
	dst := [4][2]float64{{12, 7}, {118, -3}, {125, 170}, {3, 161}}
	h := fitHomography(src, dst)
	inv := h.inverse()
	for i := range src {
		x, y := h.apply(src[i][0], src[i][1])
		if math.Hypot(x-dst[i][0], y-dst[i][1]) > 1e-9 {
			t.Errorf("corner %d maps to (%g, %g), want %v", i, x, y, dst[i])
		}
		if u, v := inv.apply(dst[i][0], dst[i][1]); math.Hypot(u-src[i][0], v-src[i][1]) > 1e-9 {
			t.Errorf("inverse takes corner %d back to (%g, %g), want %v", i, u, v, src[i])
		}
	}
	// A perspective map keeps straight lines straight: the midpoint of an
	// edge lands on the image of that edge.
	mx, my := h.apply(50, 0)
	if cross := (dst[1][0]-dst[0][0])*(my-dst[0][1]) - (dst[1][1]-dst[0][1])*(mx-dst[0][0]); math.Abs(cross) > 1e-6 {
		t.Errorf("edge midpoint (%g, %g) is off the mapped edge (cross %g)", mx, my, cross)
	}
	r := rotation(math.Pi/2, 10, 10)
	if x, y := r.apply(20, 10); math.Hypot(x-10, y-20) > 1e-9 {
		t.Errorf("a quarter turn about (10,10) takes (20,10) to (%g, %g), want (10, 20)", x, y)
	}
	if x, y := r.then(r.inverse()).apply(3, 4); math.Hypot(x-3, y-4) > 1e-9 {
		t.Errorf("a map then its inverse takes (3,4) to (%g, %g)", x, y)
	}
}

// TestPhotoPutsInkWhereTheHomographySays photographs dots with the
// photometric damage off and finds each where the drawn homography maps
// its centre: the resampling is the inverse of the geometry it claims.
func TestPhotoPutsInkWhereTheHomographySays(t *testing.T) {
	dots := [][2]int{{60, 80}, {540, 90}, {300, 400}, {70, 720}, {520, 700}}
	page := dotsPage(600, 800, 3, dots)
	for _, frame := range []float64{1, 0.8} {
		opt := PhotoHard
		opt.FrameFraction = frame
		opt.Light, opt.Vignette, opt.BlurMin, opt.BlurMax, opt.Noise, opt.JPEGQuality = -1, -1, -1, -1, -1, -1
		for seed := range uint64(5) {
			plan := planPhoto(600, 800, rand.New(rand.NewPCG(seed, 1)), opt.withDefaults())
			img, err := png.Decode(bytes.NewReader(Photo(page, rand.New(rand.NewPCG(seed, 1)), opt)))
			if err != nil {
				t.Fatal(err)
			}
			photo := img.(*image.Gray)
			if photo.Rect.Dx() != plan.w || photo.Rect.Dy() != plan.h {
				t.Fatalf("photo is %v, plan says %dx%d", photo.Rect, plan.w, plan.h)
			}
			moved := 0.0
			for _, d := range dots {
				cx, cy := float64(d[0])+0.5, float64(d[1])+0.5
				wx, wy := plan.fwd.apply(cx, cy)
				if wx < 10 || wy < 10 || wx > float64(plan.w-10) || wy > float64(plan.h-10) {
					continue // out of frame
				}
				x, y, ok := inkCentroid(photo, wx, wy, 12, plan.paper)
				if !ok {
					t.Errorf("frame %g seed %d: dot %v: no ink near (%.1f, %.1f)", frame, seed, d, wx, wy)
					continue
				}
				if e := math.Hypot(x-wx, y-wy); e > 0.2 {
					t.Errorf("frame %g seed %d: dot %v at (%.2f, %.2f), homography says (%.2f, %.2f): %.2f px off", frame, seed, d, x, y, wx, wy, e)
				}
				moved = max(moved, math.Hypot(wx-cx, wy-cy))
			}
			if moved < 5 {
				t.Errorf("frame %g seed %d: no dot moved more than %.1f px: no geometry was applied", frame, seed, moved)
			}
		}
	}
}

func TestPhotoDeterministic(t *testing.T) {
	page := dotsPage(300, 400, 2, [][2]int{{50, 50}, {150, 200}, {250, 350}})
	for name, opt := range map[string]PhotoOptions{"default": PhotoDefault, "hard": PhotoHard} {
		a := Photo(page, rand.New(rand.NewPCG(7, 7)), opt)
		b := Photo(page, rand.New(rand.NewPCG(7, 7)), opt)
		c := Photo(page, rand.New(rand.NewPCG(7, 8)), opt)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two photos with one seed differ", name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: photos with two seeds are the same", name)
		}
		if _, err := jpegDecode(a); err != nil {
			t.Errorf("%s: not a JPEG: %v", name, err)
		}
	}
	// The page is the caller's: Photo leaves it as it was.
	if page.Pix[50*page.Stride+50] != 0 || page.Pix[0] != 255 {
		t.Errorf("Photo changed its input page")
	}
}
