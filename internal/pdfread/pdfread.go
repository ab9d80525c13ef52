// Package pdfread reads a leaked PDF: its text layer, for finding the
// source document and its text marks, and each word's box, for measuring
// its layout marks exactly. It runs poppler's pdftotext (Debian package
// poppler-utils) with -bbox-layout, under a time limit, and parses its
// output, which is as untrusted as the PDF it came from.
package pdfread

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace/internal/layout"
)

// Limits.
const (
	// MaxSize is the largest PDF read.
	MaxSize = 64 << 20
	// maxOutput bounds what pdftotext may print.
	maxOutput = 64 << 20
	// Timeout bounds one pdftotext run.
	Timeout = 60 * time.Second
)

// Errors.
var (
	// ErrNotPDF: the data does not start like a PDF file.
	ErrNotPDF = errors.New("not a PDF file")
	// ErrTooLarge: the PDF is larger than MaxSize.
	ErrTooLarge = fmt.Errorf("PDF is larger than %d MiB", MaxSize>>20)
	// ErrNoPdftotext: poppler's pdftotext is not installed.
	ErrNoPdftotext = errors.New("pdftotext (poppler-utils) is not installed")
	// ErrUnreadable: pdftotext could not read the PDF, or took too long.
	ErrUnreadable = errors.New("PDF could not be read")
	// ErrNoText: the PDF has pages but no text on them, as a scan's
	// pictures of pages have.
	ErrNoText = errors.New("the PDF has no text layer")
	// ErrPassword: the PDF is encrypted with a password it doesn't give.
	ErrPassword = errors.New("the PDF is protected by a password")
)

// IsPDF reports whether data starts like a PDF: "%PDF-" within its
// first kilobyte, as PDF readers accept it.
func IsPDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// Read returns a PDF's text, its words' boxes page by page (in points
// from the page's top left corner, Ink false, Sigma 0), each page's
// Source "page N". A PDF without a word on any page (pictures of pages)
// is [ErrNoText].
func Read(ctx context.Context, data []byte) (string, []layout.SeenPage, error) {
	if len(data) > MaxSize {
		return "", nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	if !IsPDF(data) {
		return "", nil, ErrNotPDF
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", nil, ErrNoPdftotext
	}
	f, err := os.CreateTemp("", "leaktrace-*.pdf")
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	// Without -q: on failure, pdftotext's messages say why.
	cmd := exec.CommandContext(ctx, bin, "-bbox-layout", "-enc", "UTF-8", f.Name(), "-")
	var out limitedBuffer
	out.limit = maxOutput
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", nil, fmt.Errorf("%w: pdftotext took longer than %v", ErrUnreadable, Timeout)
		}
		if strings.Contains(stderr.String(), "Incorrect password") {
			return "", nil, ErrPassword
		}
		msg := strings.Join(strings.Fields(stderr.String()), " ")
		if len(msg) > 200 {
			msg = strings.ToValidUTF8(msg[:200], "") + "…"
		}
		if msg != "" {
			msg = ": " + msg
		}
		return "", nil, fmt.Errorf("%w: pdftotext: %v%s", ErrUnreadable, err, msg)
	}
	if out.over {
		return "", nil, fmt.Errorf("%w: pdftotext printed more than %d MiB", ErrUnreadable, maxOutput>>20)
	}
	text, pages, err := Parse(out.Bytes())
	if err == nil && strings.TrimSpace(text) == "" {
		return "", nil, fmt.Errorf("%w (%d pages, no words on them)", ErrNoText, len(pages))
	}
	return text, pages, err
}

// limitedBuffer keeps at most limit bytes and notes whether more came.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); len(p) > room {
		b.over = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// Parse reads pdftotext -bbox-layout output: pages of blocks of lines of
// words with their boxes. Words with a box that is not a finite, ordered
// pair of numbers are dropped. The text is the words joined by spaces,
// lines by newlines, blocks and pages by blank lines.
func Parse(out []byte) (string, []layout.SeenPage, error) {
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var pages []layout.SeenPage
	var text strings.Builder
	var page *layout.SeenPage
	var line *layout.SeenLine
	inWord := false
	var word layout.SeenWord
	var wordOK bool
	var wtext strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, fmt.Errorf("%w: pdftotext output: %v", ErrUnreadable, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "page":
				pages = append(pages, layout.SeenPage{Source: "page " + strconv.Itoa(len(pages)+1)})
				page = &pages[len(pages)-1]
				line = nil
				if text.Len() > 0 {
					text.WriteString("\n")
				}
			case "block":
				if text.Len() > 0 && !strings.HasSuffix(text.String(), "\n\n") {
					text.WriteString("\n")
				}
			case "line":
				if page != nil {
					page.Lines = append(page.Lines, layout.SeenLine{})
					line = &page.Lines[len(page.Lines)-1]
				}
			case "word":
				inWord = true
				wtext.Reset()
				word, wordOK = layout.SeenWord{}, true
				var haveMin, haveMax, haveTop, haveBottom bool
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "xMin":
						word.Left, haveMin = parseCoord(a.Value)
					case "xMax":
						word.Right, haveMax = parseCoord(a.Value)
					case "yMin":
						word.Top, haveTop = parseCoord(a.Value)
					case "yMax":
						word.Bottom, haveBottom = parseCoord(a.Value)
					}
				}
				wordOK = haveMin && haveMax && word.Right >= word.Left
				if !haveTop || !haveBottom || word.Bottom < word.Top {
					word.Top, word.Bottom = 0, 0
				}
			}
		case xml.CharData:
			if inWord {
				wtext.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "word":
				if !inWord {
					continue
				}
				inWord = false
				word.Text = wtext.String()
				if line == nil || word.Text == "" {
					continue
				}
				if len(line.Words) > 0 {
					text.WriteString(" ")
				}
				text.WriteString(word.Text)
				if wordOK {
					line.Words = append(line.Words, word)
				}
			case "line":
				if line != nil && len(line.Words) > 0 {
					text.WriteString("\n")
				}
				line = nil
			}
		}
	}
	// Drop the lines whose words all had bad boxes.
	for i := range pages {
		pages[i].Lines = dropEmpty(pages[i].Lines)
	}
	return text.String(), pages, nil
}

func dropEmpty(ls []layout.SeenLine) []layout.SeenLine {
	out := ls[:0]
	for _, l := range ls {
		if len(l.Words) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// parseCoord parses a coordinate, refusing what no page holds.
func parseCoord(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != v || v < -1e6 || v > 1e6 {
		return 0, false
	}
	return v, true
}
