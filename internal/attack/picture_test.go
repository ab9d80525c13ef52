package attack

import (
	"bytes"
	"image"
	"image/jpeg"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
)

// pageText is about a page of body text (300 words of a corpus memo, the
// issue's full page), split into paragraphs.
func pageText(t testing.TB, words int, seed uint64) []string {
	t.Helper()
	memo := corpus.RequireMemos(t, 1, words, seed)[0]
	var paras []string
	for _, p := range strings.Split(memo, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return paras
}

// readPicture OCRs an encoded picture with the real tesseract, as the
// tracer does (automatic page segmentation, local binarization).
func readPicture(t testing.TB, pic []byte, dpi float64) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "tesseract", "stdin", "stdout", "-l", "eng", "--psm", "6",
		"--dpi", strconv.Itoa(int(dpi)), "-c", "thresholding_method=2")
	cmd.Env = append(cmd.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(pic)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tesseract: %v: %s", err, stderr.String())
	}
	return string(out)
}

// wordRecall is the share of the words of src that come back in got, in
// order (punctuation and case ignored).
func wordRecall(src []string, got string) float64 {
	return wordAccuracy(strings.Join(src, "\n\n"), got)
}

func needTesseract(t testing.TB) {
	t.Helper()
	if err := TesseractAvailable(); err != nil {
		t.Skipf("picture attacks not read back: %v", err)
	}
}

func jpegDecode(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
