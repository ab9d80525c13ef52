package attack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrNoPdftoppm is returned, wrapped, when poppler's pdftoppm, which
// rasterizes PDF pages for the picture attacks, is not installed.
var ErrNoPdftoppm = errors.New("pdftoppm not found on PATH")

// RasterizeTimeout bounds one page's rasterization, so that a stuck or
// pathological PDF cannot hang an evaluation.
const RasterizeTimeout = time.Minute

// Rasterize renders page (1-based) of a PDF as an 8-bit grey image at dpi
// dots per inch, antialiased as a PDF viewer draws it, with poppler's
// pdftoppm (Debian's poppler-utils). The image is as large as the page:
// a US Letter page at 200 dpi is 1700×2200 pixels.
func Rasterize(ctx context.Context, pdf []byte, page int, dpi float64) (*image.Gray, error) {
	if page < 1 {
		return nil, fmt.Errorf("attack: rasterize: page %d: pages count from 1", page)
	}
	if !(dpi > 0 && dpi <= 2400) {
		return nil, fmt.Errorf("attack: rasterize: resolution %g dpi out of range (0, 2400]", dpi)
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, fmt.Errorf("attack: rasterize: %w; install it with: apt-get install poppler-utils", ErrNoPdftoppm)
	}
	dir, err := os.MkdirTemp("", "leaktrace-raster-")
	if err != nil {
		return nil, fmt.Errorf("attack: rasterize: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("attack: rasterize: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, RasterizeTimeout)
	defer cancel()
	// -gray without -png writes a PGM: lossless like PNG, and with no
	// compression to undo, which at 600 dpi saves most of the time.
	p := strconv.Itoa(page)
	cmd := exec.CommandContext(ctx, bin, "-f", p, "-l", p, "-r", strconv.FormatFloat(dpi, 'f', -1, 64),
		"-gray", "-singlefile", in, filepath.Join(dir, "out"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("attack: rasterize page %d: %w", page, ctx.Err())
		}
		return nil, fmt.Errorf("attack: rasterize page %d: pdftoppm: %v: %s", page, err, lastLine(stderr.String()))
	}
	f, err := os.Open(filepath.Join(dir, "out.pgm"))
	if err != nil {
		return nil, fmt.Errorf("attack: rasterize page %d: pdftoppm wrote no image: %s", page, lastLine(stderr.String()))
	}
	defer f.Close()
	img, err := readPGM(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("attack: rasterize page %d: %w", page, err)
	}
	return img, nil
}

// lastLine is the last non-blank line of a tool's stderr: the error, after
// any warnings.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// readPGM decodes a binary 8-bit PGM (P5), the format pdftoppm -gray writes.
func readPGM(r *bufio.Reader) (*image.Gray, error) {
	var hdr [4]int // magic checked apart; width, height, maxval
	magic := make([]byte, 2)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "P5" {
		return nil, errors.New("not a binary PGM image")
	}
	for i := 1; i < 4; i++ {
		n, err := pgmInt(r)
		if err != nil {
			return nil, fmt.Errorf("PGM header: %w", err)
		}
		hdr[i] = n
	}
	w, h, maxval := hdr[1], hdr[2], hdr[3]
	if w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16 || maxval != 255 {
		return nil, fmt.Errorf("PGM %dx%d with maxval %d: unsupported", w, h, maxval)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, fmt.Errorf("PGM pixels: %w", err)
	}
	return img, nil
}

// pgmInt reads one decimal header field after whitespace and comments,
// and the single whitespace byte that ends it.
func pgmInt(r *bufio.Reader) (int, error) {
	n, digits := 0, 0
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
			digits++
			if digits > 9 {
				return 0, errors.New("number too long")
			}
		case digits > 0:
			return n, nil
		case c == '#':
			if _, err := r.ReadString('\n'); err != nil {
				return 0, err
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			return 0, fmt.Errorf("unexpected byte %q", c)
		}
	}
}
