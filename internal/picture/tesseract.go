package picture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// OCRTimeout bounds one run of tesseract when the caller's context has
// no earlier deadline. A letter page at 300 dpi takes a few seconds.
const OCRTimeout = 2 * time.Minute

// tesseractCommand is the OCR program run; a variable so that a test
// can name one that does not exist.
var tesseractCommand = "tesseract"

// ocr runs tesseract on g (page segmentation 3, fully automatic, English)
// and returns its TSV output. The image goes through a private temporary
// directory that is removed afterwards.
func ocr(ctx context.Context, g *plane) (string, error) {
	bin, err := exec.LookPath(tesseractCommand)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoTesseract, err)
	}
	dir, err := os.MkdirTemp("", "leaktrace-ocr-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "page.png")
	if err := writeGray(in, g); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, OCRTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, in, "stdout", "-l", "eng", "--psm", "3", "tsv")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Dir = dir
	// Tesseract's OpenMP threads spin while they wait; on a small or busy
	// machine one thread reads a page two to three times faster in wall
	// time, and much cheaper in CPU. A limit the user set is kept.
	if _, set := os.LookupEnv("OMP_THREAD_LIMIT"); !set {
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	}
	err = cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return "", fmt.Errorf("%w: %v", ErrTimeout, ctxErr)
		}
		return "", ctxErr
	}
	if err != nil && strings.Contains(stderr.String(), "Failed loading language") {
		return "", fmt.Errorf("%w: it has no English language data (eng)", ErrNoTesseract)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 400 {
			msg = msg[:400] + "..."
		}
		return "", fmt.Errorf("%w: %v: %s", ErrTesseract, err, msg)
	}
	return stdout.String(), nil
}

// writeGray writes g as an 8-bit grayscale PNG.
func writeGray(path string, g *plane) error {
	img := image.NewGray(image.Rect(0, 0, g.w, g.h))
	for i, v := range g.p {
		img.Pix[i] = uint8(v*255 + 0.5)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
