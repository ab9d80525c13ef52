package picture

import "math"

// flatten divides g by an estimate of the paper's brightness around each
// pixel, so that uneven light (a lamp's gradient, a shadow, vignetting)
// leaves paper near 1 everywhere and ink where it was relative to it.
//
// The paper's brightness is the 95th percentile of each block of about
// a sixtieth of the picture's size, dilated by a 3x3 maximum over blocks
// (a block inside a heading's ink is never taken for paper), and
// interpolated bilinearly between block centres.
func flatten(g *plane) *plane {
	bs := min(g.w, g.h) / 60
	bs = max(12, min(bs, 64))
	nx, ny := (g.w+bs-1)/bs, (g.h+bs-1)/bs
	pct := make([]float64, nx*ny)
	var hist [256]int
	for by := 0; by < ny; by++ {
		for bx := 0; bx < nx; bx++ {
			hist = [256]int{}
			n := 0
			for y := by * bs; y < min((by+1)*bs, g.h); y++ {
				row := g.p[y*g.w:]
				for x := bx * bs; x < min((bx+1)*bs, g.w); x++ {
					hist[int(row[x]*255+0.5)]++
					n++
				}
			}
			want := n - (n*5)/100
			acc, v := 0, 255
			for i := 0; i < 256; i++ {
				acc += hist[i]
				if acc >= want {
					v = i
					break
				}
			}
			pct[by*nx+bx] = float64(v) / 255
		}
	}
	dil := make([]float64, len(pct))
	for by := 0; by < ny; by++ {
		for bx := 0; bx < nx; bx++ {
			m := 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := bx+dx, by+dy
					if x >= 0 && y >= 0 && x < nx && y < ny {
						m = math.Max(m, pct[y*nx+x])
					}
				}
			}
			dil[by*nx+bx] = math.Max(m, 1.0/255)
		}
	}
	out := newPlane(g.w, g.h)
	for y := 0; y < g.h; y++ {
		fy := (float64(y)+0.5)/float64(bs) - 0.5
		fy = math.Max(0, math.Min(fy, float64(ny-1)))
		y0 := int(fy)
		y1 := min(y0+1, ny-1)
		ty := fy - float64(y0)
		for x := 0; x < g.w; x++ {
			fx := (float64(x)+0.5)/float64(bs) - 0.5
			fx = math.Max(0, math.Min(fx, float64(nx-1)))
			x0 := int(fx)
			x1 := min(x0+1, nx-1)
			tx := fx - float64(x0)
			a := dil[y0*nx+x0] + tx*(dil[y0*nx+x1]-dil[y0*nx+x0])
			b := dil[y1*nx+x0] + tx*(dil[y1*nx+x1]-dil[y1*nx+x0])
			bg := a + ty*(b-a)
			out.p[y*g.w+x] = float32(math.Min(1, float64(g.p[y*g.w+x])/bg))
		}
	}
	return out
}
