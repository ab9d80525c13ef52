package picture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"golang.org/x/image/tiff"
)

// samplePage is a small gray picture with some ink on it.
func samplePage() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 40, 20))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 5; x < 30; x++ {
		img.SetGray(x, 10, color.Gray{Y: 20})
	}
	return img
}

func tinyPNG(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := encodePNG(&buf, samplePage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tinyJPEG(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, samplePage(), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tinyTIFF(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, samplePage(), &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNG is a valid PNG header claiming w x h pixels.
func hugePNG(t testing.TB, w, h uint32) []byte {
	data := tinyPNG(t)
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		data []byte
		want string
	}{
		{tinyPNG(t), "png"},
		{tinyJPEG(t), "jpeg"},
		{tinyTIFF(t), "tiff"},
		{[]byte("MM\x00*\x00\x00\x00\x08"), "tiff"},
		{[]byte("%PDF-1.7\n"), "pdf"},
		{[]byte("\xef\xbb\xbf%PDF-1.4\n"), "pdf"},
		{[]byte("Dear reader,\n"), ""},
		{[]byte("\n  %PDF-1.4\n"), "pdf"},
		{[]byte("\x00\x05\x16\x07binary junk %PDF-1.3\n"), "pdf"},
		// A pasted leak that quotes the header is text, as it always was.
		{[]byte("The attachment began\nwith %PDF-1.7 and nothing else.\n"), ""},
		{[]byte("GIF89a"), ""},
		{nil, ""},
		{[]byte("\x89PN"), ""},
	} {
		if got := Sniff(c.data); got != c.want {
			t.Errorf("Sniff(%q) = %q, want %q", c.data[:min(len(c.data), 12)], got, c.want)
		}
	}
}

func TestDecode(t *testing.T) {
	for name, data := range map[string][]byte{"png": tinyPNG(t), "jpeg": tinyJPEG(t), "tiff": tinyTIFF(t)} {
		g, format, err := decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if format != name || g.w != 40 || g.h != 20 {
			t.Errorf("%s: decoded as %s %dx%d", name, format, g.w, g.h)
		}
		if v := g.at(10, 10); v > 0.2 {
			t.Errorf("%s: ink pixel reads %.2f, want dark", name, v)
		}
		if v := g.at(10, 2); v < 0.9 {
			t.Errorf("%s: paper pixel reads %.2f, want light", name, v)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	png, jpg, tif := tinyPNG(t), tinyJPEG(t), tinyTIFF(t)
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"text", []byte("hello"), ErrFormat},
		{"pdf", []byte("%PDF-1.7\n"), ErrFormat},
		{"truncated png", png[:len(png)/2], ErrMalformed},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrMalformed},
		{"truncated tiff", tif[:len(tif)/2], ErrMalformed},
		{"png header only", png[:8], ErrMalformed},
		{"huge png", hugePNG(t, 10000, 10000), ErrTooLarge},
		{"empty png", hugePNG(t, 0, 10), ErrMalformed},
	} {
		if _, _, err := decode(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzDecode checks that any data decodes to a sane picture or a clean
// error, never a panic or an oversized allocation.
func FuzzDecode(f *testing.F) {
	f.Add(tinyPNG(f))
	f.Add(tinyJPEG(f))
	f.Add(tinyTIFF(f))
	f.Add(hugePNG(f, 10000, 10000))
	f.Add(withOrientation(tinyJPEG(f), 6, binary.BigEndian))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, _, err := decode(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps none of the decoding errors", err)
			}
			return
		}
		if g.w <= 0 || g.h <= 0 || len(g.p) != g.w*g.h {
			t.Fatalf("decoded %dx%d with %d samples", g.w, g.h, len(g.p))
		}
		for _, v := range g.p {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("sample %v outside [0, 1]", v)
			}
		}
		_ = flatten(g)
	})
}

// withOrientation inserts an EXIF segment with orientation o after a
// JPEG's start-of-image marker.
func withOrientation(jpg []byte, o uint16, order binary.AppendByteOrder) []byte {
	tiffHead := []byte("II*\x00")
	if order == binary.BigEndian {
		tiffHead = []byte("MM\x00*")
	}
	t := append([]byte{}, tiffHead...)
	t = order.AppendUint32(t, 8)
	t = order.AppendUint16(t, 1)
	t = order.AppendUint16(t, 0x0112)
	t = order.AppendUint16(t, 3)
	t = order.AppendUint32(t, 1)
	t = order.AppendUint16(t, o)
	t = order.AppendUint16(t, 0)
	t = order.AppendUint32(t, 0)
	seg := append([]byte("Exif\x00\x00"), t...)
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xE1}, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// TestDecodeOrientation checks that a phone photo stored sideways, with
// an EXIF orientation, is turned upright before OCR.
func TestDecodeOrientation(t *testing.T) {
	jpg := tinyJPEG(t) // 40x20, a dark row at y = 10 from x = 5 to 29
	for _, c := range []struct {
		o     uint16
		order binary.AppendByteOrder
		w, h  int
		ink   [2]int // a pixel of the ink row, upright
		paper [2]int
	}{
		{1, binary.LittleEndian, 40, 20, [2]int{6, 10}, [2]int{34, 10}},
		{3, binary.BigEndian, 40, 20, [2]int{33, 9}, [2]int{5, 9}},
		{6, binary.LittleEndian, 20, 40, [2]int{9, 6}, [2]int{9, 34}},
		{8, binary.BigEndian, 20, 40, [2]int{10, 33}, [2]int{10, 5}},
	} {
		g, _, err := decode(withOrientation(jpg, c.o, c.order))
		if err != nil {
			t.Fatal(err)
		}
		if g.w != c.w || g.h != c.h {
			t.Errorf("orientation %d: %dx%d, want %dx%d", c.o, g.w, g.h, c.w, c.h)
			continue
		}
		if v := g.at(c.ink[0], c.ink[1]); v > 0.3 {
			t.Errorf("orientation %d: (%d,%d) = %.2f, want ink", c.o, c.ink[0], c.ink[1], v)
		}
		if v := g.at(c.paper[0], c.paper[1]); v < 0.8 {
			t.Errorf("orientation %d: (%d,%d) = %.2f, want paper", c.o, c.paper[0], c.paper[1], v)
		}
	}
}

// TestToPlaneAlpha checks that every pixel layout reads the same luma,
// transparent pixels as paper (white).
func TestToPlaneAlpha(t *testing.T) {
	r := image.Rect(0, 0, 3, 1)
	rgba, nrgba, gen := image.NewRGBA(r), image.NewNRGBA(r), image.NewRGBA64(r)
	for x, c := range []color.NRGBA{{200, 100, 50, 255}, {0, 0, 0, 0}, {0, 0, 0, 128}} {
		rgba.Set(x, 0, c)
		nrgba.Set(x, 0, c)
		gen.Set(x, 0, c)
	}
	want := []float32{(0.299*200 + 0.587*100 + 0.114*50) / 255, 1, 127.0 / 255}
	for name, img := range map[string]image.Image{"RGBA": rgba, "NRGBA": nrgba, "RGBA64": gen} {
		g := toPlane(img)
		for x, w := range want {
			if d := g.p[x] - w; d > 0.01 || d < -0.01 {
				t.Errorf("%s pixel %d = %.3f, want %.3f", name, x, g.p[x], w)
			}
		}
	}
}
