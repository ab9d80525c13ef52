package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pngChunk is one PNG chunk: length, type, data and CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// TestPictureErrorsHaveHints: a picture that can't be traced (one that
// claims 100000x100000 pixels, a truncated one, one traced where
// tesseract is not installed) fails with exit 1 and a hint saying what
// to do, as every other input does.
func TestPictureErrorsHaveHints(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if code, stderr := runCLI(t, "--home", home, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	huge := write("huge.png", append(append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...), pngChunk("IEND", nil)...))

	img := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 20; x < 180; x++ {
		img.SetGray(x, 50, color.Gray{})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	good := write("page.png", buf.Bytes())
	truncated := write("cut.png", buf.Bytes()[:buf.Len()/2])

	for _, tc := range []struct {
		name, file, want, hint string
		noPath                 bool
	}{
		{"too large", huge, "image too large", "scale", false},
		{"truncated", truncated, "malformed image", "damaged", false},
		{"no tesseract", good, "tesseract is not installed", "apt-get install tesseract-ocr", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noPath {
				t.Setenv("PATH", t.TempDir())
			}
			code, stderr := runCLI(t, "--home", home, "trace", tc.file)
			if code != 1 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "leaktrace: hint: ") || !strings.Contains(stderr, tc.hint) {
				t.Errorf("trace %s: exit %d, stderr:\n%s\nwant exit 1, %q and a hint with %q", filepath.Base(tc.file), code, stderr, tc.want, tc.hint)
			}
		})
	}
}

// TestImageOnlyPDFHasHint: a PDF whose pages are pictures (a scan) has
// no text layer to read, and an encrypted one can't be opened without
// its password; each error says so, with what to do.
func TestImageOnlyPDFHasHint(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if code, stderr := runCLI(t, "--home", home, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	// One empty Letter page: what pdftotext reads from a scanned page.
	p := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(p, onePagePDF(""), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCLI(t, "--home", home, "trace", p)
	if code != 1 || !strings.Contains(stderr, "no text layer") || !strings.Contains(stderr, "leaktrace: hint: ") || !strings.Contains(stderr, "pdftoppm") {
		t.Errorf("trace scan.pdf: exit %d, stderr:\n%s\nwant exit 1, \"no text layer\" and a hint naming pdftoppm", code, stderr)
	}
	// The same page behind a password it doesn't give: the error says
	// so, not only that the file could not be read.
	p = filepath.Join(dir, "locked.pdf")
	enc := "<< /Filter /Standard /V 1 /R 2 /O <" + strings.Repeat("11", 32) + "> /U <" + strings.Repeat("22", 32) + "> /P -4 >>"
	if err := os.WriteFile(p, onePagePDF(enc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr = runCLI(t, "--home", home, "trace", p)
	if code != 1 || !strings.Contains(stderr, "password") || !strings.Contains(stderr, "leaktrace: hint: ") {
		t.Errorf("trace locked.pdf: exit %d, stderr:\n%s\nwant exit 1, an error naming the password and a hint", code, stderr)
	}
}

// onePagePDF is a PDF of one empty Letter page, encrypted with the
// dictionary enc when it is not empty.
func onePagePDF(enc string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}
	trailer := "<< /Size 4 /Root 1 0 R >>"
	if enc != "" {
		objs = append(objs, enc)
		id := "<" + strings.Repeat("33", 16) + ">"
		trailer = "<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [" + id + " " + id + "] >>"
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(strings.Join([]string{strconv.Itoa(i + 1), " 0 obj\n", o, "\nendobj\n"}, ""))
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + strconv.Itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, o := range offs {
		s := strconv.Itoa(o)
		b.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n" + trailer + "\nstartxref\n" + strconv.Itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}
