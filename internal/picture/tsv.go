package picture

import (
	"fmt"
	"strconv"
	"strings"
)

// box is a word as tesseract saw it: whole-pixel bounds, inclusive left
// and top, exclusive right and bottom.
type box struct {
	text                     string
	left, top, right, bottom int
	conf                     float64
}

// ocrLine is one line of words in reading order, with the paragraph it
// belongs to (a change of block or paragraph starts a new one).
type ocrLine struct {
	words []box
	para  int
}

const tsvHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"

// parseTSV reads tesseract's TSV output (level 5 rows are words) into
// lines in reading order. Rows of other levels are only structure. It
// refuses anything that is not TSV of that shape, and words whose boxes
// are negative or absurd.
func parseTSV(out string) ([]ocrLine, error) {
	rows := strings.Split(strings.TrimRight(out, "\r\n"), "\n")
	if len(rows) == 0 || strings.TrimRight(rows[0], "\r") != tsvHeader {
		return nil, fmt.Errorf("%w: missing header", ErrTSV)
	}
	type key struct{ page, block, par, line int }
	var (
		lines  []ocrLine
		last   key
		para   = -1
		lastBP = [3]int{-1, -1, -1}
	)
	for i, row := range rows[1:] {
		row = strings.TrimRight(row, "\r")
		if row == "" {
			continue
		}
		f := strings.SplitN(row, "\t", 12)
		if len(f) < 11 {
			return nil, fmt.Errorf("%w: row %d has %d fields", ErrTSV, i+2, len(f))
		}
		var n [10]int
		for j := range n {
			v, err := strconv.Atoi(f[j])
			if err != nil {
				return nil, fmt.Errorf("%w: row %d field %d: %q", ErrTSV, i+2, j+1, f[j])
			}
			n[j] = v
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: row %d confidence %q", ErrTSV, i+2, f[10])
		}
		if n[0] != 5 {
			continue
		}
		text := ""
		if len(f) == 12 {
			text = strings.TrimSpace(f[11])
		}
		if text == "" {
			continue
		}
		l, t, w, h := n[6], n[7], n[8], n[9]
		const limit = 1 << 20
		if l < 0 || t < 0 || w <= 0 || h <= 0 || l > limit || t > limit || w > limit || h > limit {
			return nil, fmt.Errorf("%w: row %d: word box %d,%d %dx%d", ErrTSV, i+2, l, t, w, h)
		}
		k := key{n[1], n[2], n[3], n[4]}
		if len(lines) == 0 || k != last {
			if bp := [3]int{n[1], n[2], n[3]}; bp != lastBP {
				para++
				lastBP = bp
			}
			lines = append(lines, ocrLine{para: para})
			last = k
		}
		ln := &lines[len(lines)-1]
		ln.words = append(ln.words, box{text: text, left: l, top: t, right: l + w, bottom: t + h, conf: conf})
	}
	return lines, nil
}

// ocrText joins the words line by line, with a blank line between
// paragraphs.
func ocrText(lines []ocrLine) string {
	var b strings.Builder
	for i, ln := range lines {
		if i > 0 {
			b.WriteByte('\n')
			if ln.para != lines[i-1].para {
				b.WriteByte('\n')
			}
		}
		for j, w := range ln.words {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w.text)
		}
	}
	if len(lines) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}
