// Command htmlshot measures the layout points of HTML copies on
// screenshots: it registers a page made around corpus prose (scripts,
// styles, links, a code block), issues it to readers, takes a headless
// Chromium screenshot of random readers' copies (the top of the page, as
// a reader's window shows it) and traces each screenshot as `leaktrace
// trace` does. It prints, per trial, the layout points read and how many
// agree with the reader's copy, the words read, and whether the reader
// was named (top suspect, accused); then the rate. With -crops DIR it
// also writes the same crop of the unmarked page and of a copy, and
// their difference, for looking. Run it through scripts/html-screenshot.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format/html/htmltest"
	"github.com/leaktrace/leaktrace/internal/service"
)

var (
	trials  = flag.Int("trials", 10, "screenshots")
	readers = flag.Int("readers", 300, "readers of the page")
	words   = flag.Int("words", 900, "words of prose on the page")
	seed    = flag.Uint64("seed", 1, "seed of the prose and the readers chosen")
	width   = flag.Int("width", service.HTMLReferenceWidth, "window width, CSS pixels")
	height  = flag.Int("height", 1600, "window height, CSS pixels")
	crops   = flag.String("crops", "", "directory to write crops of the unmarked page and a copy to")
)

func main() {
	flag.Parse()
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "htmlshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	memos := corpus.Memos(1, *words, *seed)
	if len(memos) == 0 {
		return fmt.Errorf("no corpus (set LEAKTRACE_CORPUS)")
	}
	page := htmltest.Page("Minutes of the review", memos[0])
	dir, err := os.MkdirTemp("", "htmlshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	home := filepath.Join(dir, "home")
	if err := service.Init(ctx, home, service.InitOptions{}); err != nil {
		return err
	}
	s, err := service.Open(ctx, home)
	if err != nil {
		return err
	}
	defer s.Close()
	var rs []leaktrace.Recipient
	var ids []string
	for i := range *readers {
		id := fmt.Sprintf("r%03d", i)
		rs = append(rs, leaktrace.Recipient{ID: id})
		ids = append(ids, id)
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		return err
	}
	if _, err := s.AddDocument(ctx, "minutes.html", page, "minutes", ""); err != nil {
		return err
	}
	m, _, err := s.Marker(ctx, "minutes")
	if err != nil {
		return err
	}
	sc, _ := m.ShiftScheme()
	fmt.Printf("page: %d bytes, %d words, %d layout slots, window %d×%d\n", len(page), m.Set().Words, len(sc.Slots), *width, *height)
	issued, err := s.Issue(ctx, m, ids)
	if err != nil {
		return err
	}
	copies := map[string][]byte{}
	for _, c := range issued {
		copies[c.Recipient] = c.Data
	}
	if *crops != "" {
		if err := writeCrops(ctx, page, copies[ids[0]]); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(*seed, 77))
	named := 0
	for trial := range *trials {
		reader := ids[rng.IntN(len(ids))]
		shot, err := browser.Screenshot(ctx, copies[reader], *width, *height)
		if err != nil {
			return err
		}
		t0 := time.Now()
		rep, err := s.Trace(ctx, "screenshot.png", shot, service.DefaultEpsilon, 5)
		if err != nil {
			return fmt.Errorf("trial %d: %w", trial, err)
		}
		ok, read, agree, top, p := false, 0, 0, "-", 1.0
		for _, mt := range rep.Matches {
			if mt.Source.ID != "minutes" {
				continue
			}
			sum := mt.LayoutFor(reader)
			read, agree = sum.Read, sum.Agree
			top, p = mt.Suspects[0].Recipient, mt.Suspects[0].PValue
			ok = top == reader && mt.Suspects[0].Accused
			for _, sus := range mt.Suspects[1:] {
				if sus.Accused {
					fmt.Printf("  INNOCENT ACCUSED: %s\n", sus.Recipient)
				}
			}
			fmt.Printf("trial %2d %s: matched %d words, layout %d read, %d agree, text points %d; top %s p=%.3g named=%v (%.1fs)\n",
				trial, reader, mt.MatchedWords, read, agree, len(mt.Observations)-read, top, p, ok, time.Since(t0).Seconds())
		}
		if len(rep.Matches) == 0 {
			fmt.Printf("trial %2d %s: no match\n", trial, reader)
		}
		if ok {
			named++
		}
	}
	fmt.Printf("named the reader in %d of %d screenshots (%.0f%%)\n", named, *trials, 100*float64(named)/float64(*trials))
	return nil
}

// writeCrops writes the same crop of a screenshot of the unmarked page and
// of a copy, and their difference (dark where they differ).
func writeCrops(ctx context.Context, page, copy []byte) error {
	var imgs [2]image.Image
	for i, p := range [][]byte{page, copy} {
		shot, err := browser.Screenshot(ctx, p, *width, 700)
		if err != nil {
			return err
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			return err
		}
		imgs[i] = img
	}
	r := image.Rect(200, 80, 1000, 420).Intersect(imgs[0].Bounds())
	diff := image.NewGray(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			a, _, _, _ := imgs[0].At(x, y).RGBA()
			b, _, _, _ := imgs[1].At(x, y).RGBA()
			d := int(a>>8) - int(b>>8)
			if d < 0 {
				d = -d
			}
			diff.SetGray(x, y, color.Gray{Y: uint8(255 - d)})
		}
	}
	for name, img := range map[string]image.Image{"unmarked.png": crop(imgs[0], r), "copy.png": crop(imgs[1], r), "difference.png": diff} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*crops, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("crops written to %s\n", *crops)
	return nil
}

func crop(img image.Image, r image.Rectangle) image.Image {
	out := image.NewRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}
