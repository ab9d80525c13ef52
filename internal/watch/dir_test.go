package watch

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// writeFile writes data to dir/rel, making its folders, with the given
// modification time.
func writeFile(t *testing.T, dir, rel string, data []byte, mtime time.Time) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// pngPicture is a small real PNG.
func pngPicture(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.White)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ids are the IDs of items, sorted.
func ids(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	slices.Sort(out)
	return out
}

func scanDir(t *testing.T, src Source) *Scan {
	t.Helper()
	s, err := src.Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A first scan returns every file trace reads, and passes over hidden
// files, partial downloads and files trace does not read; the next scan
// returns only what is new or changed.
func TestDirReturnsNewAndChangedFiles(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pic := pngPicture(t)
	writeFile(t, dir, "a.txt", []byte("the first leak"), t0)
	writeFile(t, dir, "chat/export/b.md", []byte("# notes\n\nthe second"), t0)
	writeFile(t, dir, "scan.png", pic, t0)
	writeFile(t, dir, "no-extension", []byte("text without a name"), t0)
	writeFile(t, dir, ".hidden.txt", []byte("hidden"), t0)
	writeFile(t, dir, ".git/config", []byte("[core]"), t0)
	writeFile(t, dir, "movie.mp4.part", []byte("partial"), t0)
	writeFile(t, dir, "report.pdf.crdownload", []byte("partial"), t0)
	writeFile(t, dir, "upload.tmp", []byte("partial"), t0)
	writeFile(t, dir, "~$memo.docx", []byte("lock file"), t0)
	writeFile(t, dir, "archive.zip", []byte("PK\x03\x04\x14\x00\x00\x00binary"), t0)
	writeFile(t, dir, "empty.txt", nil, t0)

	src := NewDir(dir, DefaultLimits())
	if want := "dir:" + dir; src.Name() != want {
		t.Errorf("Name() = %q, want %q", src.Name(), want)
	}
	s := scanDir(t, src)
	if got, want := ids(s.Items), []string{"a.txt", "chat/export/b.md", "no-extension", "scan.png"}; !slices.Equal(got, want) {
		t.Fatalf("first scan found %q, want %q", got, want)
	}
	if len(s.Errors) != 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	for _, it := range s.Items {
		if it.Source != src.Name() || it.Name != filepath.Base(it.ID) || it.Link != filepath.Join(dir, filepath.FromSlash(it.ID)) || !it.Published.Equal(t0) {
			t.Errorf("item %+v: wrong source, name, link or time", it)
		}
		if it.ID == "scan.png" && !bytes.Equal(it.Data, pic) {
			t.Error("the picture's data differs from the file")
		}
	}

	if s := scanDir(t, src); len(s.Items) != 0 {
		t.Fatalf("second scan of an unchanged folder found %q", ids(s.Items))
	}

	writeFile(t, dir, "a.txt", []byte("the first leak, edited"), t0.Add(time.Minute))
	writeFile(t, dir, "chat/export/c.txt", []byte("a new one"), t0)
	s = scanDir(t, src)
	if got, want := ids(s.Items), []string{"a.txt", "chat/export/c.txt"}; !slices.Equal(got, want) {
		t.Fatalf("after a change found %q, want %q", got, want)
	}
	for _, it := range s.Items {
		if it.ID == "a.txt" && string(it.Data) != "the first leak, edited" {
			t.Errorf("changed file read as %q", it.Data)
		}
	}

	// A partial download is read once it has its final name.
	if err := os.Rename(filepath.Join(dir, "report.pdf.crdownload"), filepath.Join(dir, "report.txt")); err != nil {
		t.Fatal(err)
	}
	if got := ids(scanDir(t, src).Items); !slices.Equal(got, []string{"report.txt"}) {
		t.Fatalf("after the download finished found %q", got)
	}

	// Another process (a restart) reads every file again.
	if got := ids(scanDir(t, NewDir(dir, DefaultLimits())).Items); len(got) != 6 {
		t.Fatalf("a new source found %q, want all 6 files", got)
	}
}

// A file over the size limit is an item error, reported once until the
// file changes; the other files are still returned.
func TestDirFileOverTheLimitIsAnItemError(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Now().Add(-time.Hour)
	writeFile(t, dir, "small.txt", []byte("small"), t0)
	writeFile(t, dir, "big.txt", bytes.Repeat([]byte("x"), 101), t0)
	lim := DefaultLimits()
	lim.MaxItemBytes = 100
	src := NewDir(dir, lim)
	s := scanDir(t, src)
	if got := ids(s.Items); !slices.Equal(got, []string{"small.txt"}) {
		t.Fatalf("found %q, want only small.txt", got)
	}
	if len(s.Errors) != 1 || !errors.Is(s.Errors[0], ErrTooLarge) || !bytes.Contains([]byte(s.Errors[0].Error()), []byte("big.txt")) {
		t.Fatalf("errors %v, want one ErrTooLarge naming big.txt", s.Errors)
	}
	if s := scanDir(t, src); len(s.Errors) != 0 || len(s.Items) != 0 {
		t.Fatalf("the unchanged big file was reported again: %v %q", s.Errors, ids(s.Items))
	}
	writeFile(t, dir, "big.txt", []byte("now small"), t0.Add(time.Minute))
	if got := ids(scanDir(t, src).Items); !slices.Equal(got, []string{"big.txt"}) {
		t.Fatalf("after shrinking found %q", got)
	}
}

// Symbolic links are followed to files inside the folder only, and links
// to folders are not walked.
func TestDirFollowsLinksOnlyInside(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	t0 := time.Now().Add(-time.Hour)
	writeFile(t, outside, "secret.txt", []byte("outside the folder"), t0)
	writeFile(t, dir, "in/real.txt", []byte("inside"), t0)
	for link, target := range map[string]string{
		"out.txt":   filepath.Join(outside, "secret.txt"),
		"rel.txt":   "../" + filepath.Base(outside) + "/secret.txt",
		"alias.txt": "in/real.txt",
		"loop":      ".",
		"outdir":    outside,
		"dangling":  "nowhere.txt",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	s := scanDir(t, NewDir(dir, DefaultLimits()))
	if got, want := ids(s.Items), []string{"alias.txt", "in/real.txt"}; !slices.Equal(got, want) {
		t.Fatalf("found %q, want %q", got, want)
	}
	for _, it := range s.Items {
		if string(it.Data) != "inside" {
			t.Errorf("%s read %q", it.ID, it.Data)
		}
	}
}

// A folder that is not there is an error of the whole source.
func TestDirMissingFolderIsASourceError(t *testing.T) {
	src := NewDir(filepath.Join(t.TempDir(), "gone"), DefaultLimits())
	if _, err := src.Scan(t.Context(), nil); err == nil {
		t.Fatal("scanning a missing folder succeeded")
	}
}

// A cancelled scan stops with the context's error.
func TestDirScanHonoursItsContext(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("a"), time.Now())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := NewDir(dir, DefaultLimits()).Scan(ctx, nil); err == nil {
		t.Fatal("a cancelled scan succeeded")
	}
}

// cutoff is a context that ends (its Err is DeadlineExceeded) from its
// n-th Err call on: a scan cut off part way, without a clock.
type cutoff struct {
	context.Context
	mu    sync.Mutex
	calls int
	n     int
}

func (c *cutoff) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.calls >= c.n {
		return context.DeadlineExceeded
	}
	return nil
}

// A scan cut off part way returns the files it read with the error, and
// the next scan reads the rest.
func TestDirScanCutOffReturnsWhatItRead(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		writeFile(t, dir, n, []byte("the text of "+n), t0)
	}
	src := NewDir(dir, DefaultLimits())
	// The walk asks at ".", then at each file: it ends at b.txt.
	s, err := src.Scan(&cutoff{Context: context.Background(), n: 3}, nil)
	if !errors.Is(err, context.DeadlineExceeded) || s == nil || !slices.Equal(ids(s.Items), []string{"a.txt"}) {
		t.Fatalf("cut-off scan: %v, %+v", err, s)
	}
	if s := scanDir(t, src); !slices.Equal(ids(s.Items), []string{"b.txt", "c.txt"}) {
		t.Fatalf("the next scan returned %q, want the rest", ids(s.Items))
	}
}

// Every format trace reads is an item, told by content when the name
// does not say; binary files trace does not read are passed over.
func TestDirReadsEveryFormatTraceReads(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	docx := read("../service/testdata/compat-src/speech-1962.docx")
	pdf := read("../service/testdata/compat-src/minutes-1993.pdf")
	eml := read("../marks/testdata/golden/ascii.eml")
	dir := t.TempDir()
	t0 := time.Now().Add(-time.Hour)
	for name, data := range map[string][]byte{
		"speech.docx":  docx,
		"attachment":   docx,
		"minutes.pdf":  pdf,
		"scan.bin":     pdf,
		"mail.eml":     eml,
		"page.htm":     []byte("<!doctype html><html><body><p>a page</p></body></html>"),
		"photo.jpg":    pngPicture(t),
		"old.doc":      []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00 binary"),
		"notes.odt":    []byte("PK\x03\x04 zipped"),
		"bundle.zip":   []byte("PK\x03\x04\x14\x00\x00\x00"),
		"utf16.txt":    []byte("\xff\xfeh\x00i\x00"),
		"firmware.bin": []byte{0x7f, 'E', 'L', 'F', 0, 0, 0},
		"latin1.txt":   []byte("caf\xe9"),
		"README":       []byte("plain text"),
	} {
		writeFile(t, dir, name, data, t0)
	}
	got := ids(scanDir(t, NewDir(dir, DefaultLimits())).Items)
	want := []string{"README", "attachment", "latin1.txt", "mail.eml", "minutes.pdf", "page.htm", "photo.jpg", "scan.bin", "speech.docx"}
	if !slices.Equal(got, want) {
		t.Fatalf("found %q, want %q", got, want)
	}
}

// One scan reads at most MaxScanBytes; the files past it are read by the
// next scan.
func TestDirScanBytesCapped(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
		writeFile(t, dir, n, []byte("ten bytes!"), t0)
	}
	old := MaxScanBytes
	MaxScanBytes = 25
	t.Cleanup(func() { MaxScanBytes = old })
	src := NewDir(dir, DefaultLimits())
	if s := scanDir(t, src); !slices.Equal(ids(s.Items), []string{"a.txt", "b.txt"}) {
		t.Fatalf("first scan: %q, want the files within the cap", ids(s.Items))
	}
	if s := scanDir(t, src); !slices.Equal(ids(s.Items), []string{"c.txt"}) {
		t.Fatalf("second scan: %q, want the rest", ids(s.Items))
	}
}
