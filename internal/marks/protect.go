package marks

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/format"
)

// protection is the set of byte spans of a region that no point may touch:
// the format's own protected spans, plus text that must survive verbatim in
// any format — URLs, email addresses, identifiers, hashes, paths, inline
// code and command lines. Protection works on whitespace-delimited words,
// so a URL is protected whole, with any punctuation stuck to it.
type protection struct {
	spans []format.Span // sorted, merged
	// quoted are the spans (catalogue 2 on) inside which only invisible
	// insertions may go: quotations, quoted lines, directives (quoted.go).
	quoted []format.Span // sorted, merged
}

// reBacktick finds inline code in any format: `like this`.
var reBacktick = regexp.MustCompile("`[^`\n]*`")

// commandPrefixes start a command line: shell, PowerShell, cmd and Python
// prompts. "# " is not among them: it starts Markdown headings and
// comments far more often than root shells.
var commandPrefixes = []string{"$ ", "C:\\>", "PS> ", ">>> "}

// isCommandLine reports whether a line is a quoted command or code: a
// prompt at its start (after indentation and email quote marks), or an
// indentation of four spaces or a tab.
func isCommandLine(line string) bool {
	if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
		return true
	}
	line = strings.TrimLeft(line, " \t>")
	for _, p := range commandPrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

func newProtection(text string, formatSpans []format.Span) *protection {
	spans := append([]format.Span(nil), formatSpans...)
	for _, m := range reBacktick.FindAllStringIndex(text, -1) {
		spans = append(spans, format.Span{Start: m[0], End: m[1]})
	}
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += at
		}
		if isCommandLine(text[at:end]) {
			spans = append(spans, format.Span{Start: at, End: end})
		}
		at = end + 1
	}
	// Identifier-like words, which include URLs (a slash or an inner dot)
	// and email addresses (an at sign).
	// Identifier-like words.
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && !isSpaceByte(text[j]) {
			j++
		}
		if j > i && identifier(text[i:j]) {
			spans = append(spans, format.Span{Start: i, End: j})
		}
		for j < len(text) && isSpaceByte(text[j]) {
			j++
		}
		if j == i {
			j++
		}
		i = j
	}
	return &protection{spans: merge(spans)}
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// identifier reports whether a whitespace-delimited word is something a
// reader might copy and search for verbatim: code identifiers, paths,
// file names, hashes, IDs mixing letters and digits.
func identifier(w string) bool {
	w = strings.Trim(w, `"'()[]{}<>,;:!?.…“”‘’`)
	if w == "" {
		return false
	}
	if strings.ContainsAny(w, "_/\\=<>{}[]|~^$#*@`&") {
		return true
	}
	upperInside, dotsInside := false, false
	rs := []rune(w)
	for i, r := range rs {
		switch {
		case i > 0 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]):
			upperInside = true
		case r == '.' && i > 0 && i+2 < len(rs) && unicode.IsLetter(rs[i+1]) && unicode.IsLetter(rs[i+2]):
			dotsInside = true // file.txt, example.com; not U.S. or e.g.
		}
	}
	if upperInside || dotsInside {
		return true
	}
	// Letters and digits mixed inside one hyphen-separated part make an
	// id (r0042, SHA256); 12-month, COVID-19 and 1990s are prose.
	digits := 0
	for _, part := range strings.Split(w, "-") {
		l, d := 0, 0
		for _, r := range part {
			if unicode.IsLetter(r) {
				l++
			} else if unicode.IsDigit(r) {
				d++
			}
		}
		digits += d
		if l > 0 && d > 0 && !ordinalOrDecade(part) {
			return true
		}
	}
	// Long digit strings are account numbers, hashes or phone numbers.
	return digits >= 16
}

// ordinalOrDecade accepts 1st, 22nd, 3rd, 4th, 1990s, 90s, 10am, 5pm.
func ordinalOrDecade(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch strings.ToLower(w[i:]) {
	case "st", "nd", "rd", "th", "s", "'s", "am", "pm":
		return true
	}
	return false
}

func merge(spans []format.Span) []format.Span {
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			if s.End > last.End {
				last.End = s.End
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// overlaps reports whether [start,end) touches a protected span. Touching
// counts: a point right next to a URL could change how it is recognized.
func (p *protection) overlaps(start, end int) bool {
	i := sort.Search(len(p.spans), func(i int) bool { return p.spans[i].End >= start })
	return i < len(p.spans) && p.spans[i].Start <= end
}

// inQuotation reports whether a point spanning [start,end) would change
// quoted text. A replacement counts when it overlaps a quoted span; an
// insertion (start == end) when it falls strictly inside one, so that
// nothing is added to a quoted line either.
func (p *protection) inQuotation(start, end int) bool {
	i := sort.Search(len(p.quoted), func(i int) bool { return p.quoted[i].End > start })
	if i == len(p.quoted) {
		return false
	}
	s := p.quoted[i]
	if start == end {
		return s.Start < start
	}
	return s.Start < end
}
