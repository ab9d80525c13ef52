// Command auditcopies issues random copies of documents under a point
// catalogue and checks each change against rules a careful reader holds a
// copy to. Run it through scripts/audit-copies.
//
// The checker is written apart from the detector: it diffs the copy
// against the original word by word, pairs double quotes by itself (each
// with the next one in its paragraph), and counts the document's forms
// with its own patterns. Only the copies themselves come from leaktrace
// (marks.FindWith, random symbols, Document.Render).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

var (
	copies    = flag.Int("copies", 10, "random copies per document")
	seed      = flag.Uint64("seed", 1, "seed of the random copies")
	catalogue = flag.Int("catalogue", lexicon.Latest, "point catalogue version")
	quiet     = flag.Bool("q", false, "print the summary only")
)

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: audit-copies [-copies N] [-seed S] [-catalogue V] [-q] [DOC...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	docs := flag.Args()
	if len(docs) == 0 {
		docs = defaultDocs()
		if len(docs) == 0 {
			fmt.Fprintln(os.Stderr, "audit-copies: error: no documents given and no corpus found")
			os.Exit(1)
		}
	}
	a := &audit{seen: map[string]bool{}, count: map[string]int{}, distinct: map[string]int{}, corpus: map[string]*[2]int{}}
	rng := rand.New(rand.NewPCG(*seed, 0xa0d17))
	for _, path := range docs {
		if err := a.doc(path, rng); err != nil {
			fmt.Fprintf(os.Stderr, "audit-copies: error: %s: %v\n", path, err)
			os.Exit(1)
		}
	}
	a.summary(len(docs))
	if a.total > 0 {
		os.Exit(3)
	}
}

// defaultDocs picks 36 documents from the corpus deterministically: 12
// State of the Union speeches of 1960–1999, 12 emails that quote another
// with ">" lines and have prose of their own, and 12 FOMC minutes.
func defaultDocs() []string {
	var sotu []string
	for _, f := range corpus.Files("sotu") {
		b := filepath.Base(f)
		if b >= "1960" && b < "2000" {
			sotu = append(sotu, f)
		}
	}
	var mails []string
	for _, f := range corpus.Files("email") {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if _, err := format.Parse("x.eml", raw); err != nil {
			continue
		}
		quoted, prose := 0, 0
		for _, l := range strings.Split(corpus.Body(string(raw)), "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " "), ">") {
				quoted++
			} else {
				prose += len(strings.Fields(l))
			}
		}
		if quoted >= 3 && prose >= 150 && prose <= 3000 {
			mails = append(mails, f)
		}
	}
	return append(append(spread(sotu, 12), spread(mails, 12)...), spread(corpus.Files("fomc"), 12)...)
}

// spread returns n items evenly spaced through list.
func spread(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	out := make([]string, n)
	for i := range out {
		out[i] = list[i*len(list)/n]
	}
	return out
}

type audit struct {
	seen     map[string]bool // distinct violations
	count    map[string]int  // violations per rule, over all copies
	distinct map[string]int  // distinct violations per rule
	total    int
	words    int
	lexical  int
	points   int
	// corpus holds the words and lexical points per corpus folder
	// (sotu, email, fomc; "other" for documents outside the corpus).
	corpus map[string]*[2]int
}

func nameFor(path string) string {
	if strings.Contains(path, "/email/") && !strings.HasSuffix(path, ".eml") {
		return filepath.Base(path) + ".eml"
	}
	return filepath.Base(path)
}

func (a *audit) doc(path string, rng *rand.Rand) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	name := nameFor(path)
	doc, err := format.Parse(name, raw)
	if err != nil {
		return err
	}
	set := marks.FindWith(doc, marks.Options{Catalogue: *catalogue})
	a.words += set.Words
	a.points += len(set.Points)
	c := a.corpus[corpusOf(path)]
	if c == nil {
		c = new([2]int)
		a.corpus[corpusOf(path)] = c
	}
	c[0] += set.Words
	for _, p := range set.Points {
		if p.Channel == marks.Lexical {
			a.lexical++
			c[1]++
		}
	}
	var origs []*text
	for _, r := range doc.Regions() {
		origs = append(origs, newText(r.Text))
	}
	for c := 0; c < *copies; c++ {
		syms := make([]uint8, len(set.Points))
		for i, p := range set.Points {
			syms[i] = uint8(rng.IntN(len(p.Variants)))
		}
		var buf bytes.Buffer
		if err := doc.Render(&buf, set.Edits(syms)); err != nil {
			return fmt.Errorf("render: %w", err)
		}
		cp, err := format.Parse(name, buf.Bytes())
		if err != nil {
			return fmt.Errorf("re-parse copy: %w", err)
		}
		regions := cp.Regions()
		if len(regions) != len(origs) {
			a.report("structure", name, c, fmt.Sprintf("copy has %d regions, original %d", len(regions), len(origs)), "")
			continue
		}
		var ob, cb strings.Builder
		for ri, r := range regions {
			ct := newText(r.Text)
			a.compare(name, c, origs[ri], ct)
			ob.WriteString(origs[ri].s + "\n")
			cb.WriteString(ct.s + "\n")
		}
		// Quote styles are the whole document's.
		a.mixed(name, c, ob.String(), cb.String())
	}
	return nil
}

func (a *audit) report(rule, doc string, copy int, what, key string) {
	a.total++
	a.count[rule]++
	k := rule + "\x00" + doc + "\x00" + key
	if key == "" || !a.seen[k] {
		a.seen[k] = true
		a.distinct[rule]++
		if !*quiet {
			fmt.Printf("%-18s %s copy %d: %s\n", rule, doc, copy+1, what)
		}
	}
}

func (a *audit) summary(docs int) {
	fmt.Printf("\n%d documents, %d copies each, catalogue %d\n", docs, *copies, *catalogue)
	var rules []string
	for r := range a.count {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	fmt.Printf("%-24s %10s %10s\n", "rule", "in copies", "distinct")
	for _, r := range rules {
		fmt.Printf("%-24s %10d %10d\n", r, a.count[r], a.distinct[r])
	}
	fmt.Printf("%-24s %10d\n", "total", a.total)
	fmt.Printf("words %d, points %d, lexical %d: %.1f lexical points per 1,000 words (%.1f all channels)\n",
		a.words, a.points, a.lexical, 1000*float64(a.lexical)/float64(max(1, a.words)),
		1000*float64(a.points)/float64(max(1, a.words)))
	var names []string
	for n := range a.corpus {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := a.corpus[n]
		fmt.Printf("  %-6s words %6d, lexical %5d: %.1f per 1,000 words\n", n, c[0], c[1], 1000*float64(c[1])/float64(max(1, c[0])))
	}
}

// corpusOf names the corpus folder a document comes from.
func corpusOf(path string) string {
	switch d := filepath.Base(filepath.Dir(path)); d {
	case "sotu", "email", "fomc":
		return d
	}
	return "other"
}

// text is a region's text with zero-width (format) characters removed,
// cut into tokens.
type text struct {
	s    string
	toks []tok
	// quoted lists the interiors of double-quoted spans and of ">"
	// lines; stray marks the paragraphs with an odd number of double
	// quotes, where the pairing is a guess.
	quoted []span
	stray  []span
}

type span struct{ start, end int }

type tok struct {
	start, end int
	s          string
}

func newText(s string) *text {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	t := &text{s: s}
	t.tokenize()
	t.quotes()
	return t
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize cuts words (letters and digits, with apostrophes inside) and
// single punctuation characters; space separates and is not a token.
func (t *text) tokenize() {
	rs := []rune(t.s)
	off := make([]int, len(rs)+1)
	o := 0
	for i, r := range rs {
		off[i] = o
		o += len(string(r))
	}
	off[len(rs)] = o
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWord(r):
			j := i + 1
			for j < len(rs) && (isWord(rs[j]) || (rs[j] == '\'' || rs[j] == '’') && j+1 < len(rs) && unicode.IsLetter(rs[j+1])) {
				j++
			}
			t.toks = append(t.toks, tok{off[i], off[j], t.s[off[i]:off[j]]})
			i = j
		default:
			t.toks = append(t.toks, tok{off[i], off[i+1], string(r)})
			i++
		}
	}
}

func isDouble(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '„' }

// quotes pairs each double quote with the next one in its paragraph (a
// blank line ends a paragraph) and finds the ">" lines.
func (t *text) quotes() {
	start := 0
	for _, para := range strings.SplitAfter(t.s, "\n\n") {
		var open = -1
		n := 0
		ditto := false
		for i, r := range para {
			if !isDouble(r) {
				continue
			}
			// A straight quote between spaces is a ditto mark, no
			// quotation: the pairing of its paragraph is a guess.
			if r == '"' && i > 0 && i+1 < len(para) && unicode.IsSpace(rune(para[i-1])) && unicode.IsSpace(rune(para[i+1])) {
				ditto = true
			}
			n++
			if open < 0 {
				open = start + i + len(string(r))
			} else {
				t.quoted = append(t.quoted, span{open, start + i})
				open = -1
			}
		}
		if n%2 == 1 || ditto {
			t.stray = append(t.stray, span{start, start + len(para)})
		}
		start += len(para)
	}
	at := 0
	for _, line := range strings.SplitAfter(t.s, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			t.quoted = append(t.quoted, span{at, at + len(line)})
		}
		at += len(line)
	}
}

func within(spans []span, start, end int) bool {
	for _, s := range spans {
		if start < s.end && end > s.start || start == end && start > s.start && start < s.end {
			return true
		}
	}
	return false
}

// hunk is one difference: original tokens o[i:i2], copy tokens c[j:j2].
type hunk struct {
	i, i2, j, j2 int
}

// diff aligns the two token lists greedily, resynchronising on three
// tokens in a row: marks change a few words at a time.
func diff(o, c []tok) []hunk {
	var out []hunk
	i, j := 0, 0
	same := func(i, j int) bool {
		for k := 0; k < 3; k++ {
			if i+k >= len(o) || j+k >= len(c) {
				return i+k >= len(o) && j+k >= len(c)
			}
			if o[i+k].s != c[j+k].s {
				return false
			}
		}
		return true
	}
	for i < len(o) || j < len(c) {
		if i < len(o) && j < len(c) && o[i].s == c[j].s {
			i, j = i+1, j+1
			continue
		}
		found := false
		for d := 1; d <= 40 && !found; d++ {
			for a := 0; a <= d; a++ {
				if b := d - a; same(i+a, j+b) {
					out = append(out, hunk{i, i + a, j, j + b})
					i, j = i+a, j+b
					found = true
					break
				}
			}
		}
		if !found {
			out = append(out, hunk{i, len(o), j, len(c)})
			break
		}
	}
	return out
}

func (t *text) at(toks []tok, i, i2 int) (int, int) {
	switch {
	case i < i2:
		return toks[i].start, toks[i2-1].end
	case i < len(toks):
		return toks[i].start, toks[i].start
	default:
		return len(t.s), len(t.s)
	}
}

func joinToks(toks []tok) string {
	var b []string
	for _, t := range toks {
		b = append(b, t.s)
	}
	return strings.Join(b, " ")
}

func flat(s string) string {
	return strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(s)
}

func context(s string, start, end int) string {
	a, b := max(0, start-60), min(len(s), end+60)
	for a > 0 && !isStart(s, a) {
		a--
	}
	for b < len(s) && !isStart(s, b) {
		b++
	}
	return strings.ReplaceAll(s[a:b], "\n", "⏎")
}

func isStart(s string, i int) bool { return i >= len(s) || s[i]&0xC0 != 0x80 }

func (a *audit) compare(doc string, copy int, o, c *text) {
	for _, h := range diff(o.toks, c.toks) {
		os, oe := o.at(o.toks, h.i, h.i2)
		cs, ce := c.at(c.toks, h.j, h.j2)
		ot, ct := o.s[os:oe], c.s[cs:ce]
		show := fmt.Sprintf("%s[%s → %s]%s", tail(o.s[:os], 50), ot, ct, head(o.s[oe:], 50))
		key := fmt.Sprintf("%d:%s", os, ct)
		stray := ""
		if within(o.stray, os, oe) {
			stray = "/stray-quote"
		}
		if within(o.quoted, os, oe) {
			a.report("quoted"+stray, doc, copy, show, key)
		}
		for _, v := range a.styleRules(o, h, ot, ct, c.s[cs:min(len(c.s), ce+10)], joinToks(o.toks[h.i:h.i2]), joinToks(c.toks[h.j:h.j2])) {
			a.report(v, doc, copy, show, key)
		}
		for _, v := range grammar(o, c, h) {
			a.report(v, doc, copy, show, key)
		}
	}
}

func tail(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for !isStart(s, i) {
		i++
	}
	return "…" + s[i:]
}

func head(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	if len(s) <= n {
		return s
	}
	for !isStart(s, n) {
		n--
	}
	return s[:n] + "…"
}

// pairs of spellings or styles of one thing: a copy must not bring in a
// form the original never uses when it uses the other.
var spellings = []struct {
	name string
	a, b *regexp.Regexp
}{
	{"percent", regexp.MustCompile(`(?i)\bper ?cent\b`), regexp.MustCompile(`%`)},
	{"U.S.", regexp.MustCompile(`\bU\.S\.`), regexp.MustCompile(`\bUS\b`)},
	{"judgment", regexp.MustCompile(`(?i)\bjudgment`), regexp.MustCompile(`(?i)\bjudgement`)},
	{"toward", regexp.MustCompile(`(?i)\btoward\b`), regexp.MustCompile(`(?i)\btowards\b`)},
	{"email", regexp.MustCompile(`(?i)\be-mail`), regexp.MustCompile(`(?i)\bemail`)},
}

var (
	contraction = regexp.MustCompile(`(?i)^[a-z]+'(t|s|re|ve|ll|m|d)$`)
	digits      = regexp.MustCompile(`^[0-9]+(st|nd|rd|th)?$`)
	numCompound = regexp.MustCompile(`(?i)^(\d+|[a-z]+)-(year|month|week|day|quarter|hour|minute|decade)\b`)
	smallWords  = regexp.MustCompile(`(?i)^(one|two|three|four|five|six|seven|eight|nine)$`)
	smallFigure = regexp.MustCompile(`\b[1-9]-(year|month|week|day|quarter|hour|minute|decade)\b`)
	largeFigure = regexp.MustCompile(`\b[1-9]\d+-(year|month|week|day|quarter|hour|minute|decade)\b`)
	smallWord   = regexp.MustCompile(`\b(one|two|three|four|five|six|seven|eight|nine)-(year|month|week|day|quarter|hour|minute|decade)\b`)
	largeWord   = regexp.MustCompile(`\b(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(year|month|week|day|quarter|hour|minute|decade)\b`)
	contracted  = regexp.MustCompile(`(?i)\b([a-z]+['’](t|re|ve|ll|m|d)|(it|that|there|what|here|he|she|let|who)['’]s)\b`)
	serialYes   = regexp.MustCompile(`\b\w+, [\w ]{1,30}, (and|or) \w`)
	serialNo    = regexp.MustCompile(`\b\w+, [\w ]{1,30}[^,] (and|or) \w`)
)

func count(re *regexp.Regexp, s string) int { return len(re.FindAllStringIndex(s, -1)) }

func contractions(toks []tok) int {
	n := 0
	for _, t := range toks {
		if contraction.MatchString(flat(t.s)) {
			n++
		}
	}
	return n
}

// prose returns the original with its quoted spans blanked: the author's
// own style.
func (t *text) prose() string {
	b := []byte(t.s)
	for _, q := range t.quoted {
		for i := q.start; i < q.end; i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

func (a *audit) styleRules(o *text, h hunk, ot, ct, cx, oj, cj string) []string {
	var out []string
	for _, sp := range spellings {
		ca, cb := count(sp.a, ct), count(sp.b, ct)
		oa, ob := count(sp.a, ot), count(sp.b, ot)
		if cb > ob && count(sp.b, o.s) == 0 {
			out = append(out, "style/"+sp.name)
		}
		if ca > oa && count(sp.a, o.s) == 0 {
			out = append(out, "style/"+sp.name)
		}
	}
	fo, fc := flat(oj), flat(cj)
	// Contractions: brought into a document whose author never contracts.
	oc, cc := contractions(o.toks[h.i:h.i2]), 0
	for _, w := range strings.Fields(fc) {
		if contraction.MatchString(w) {
			cc++
		}
	}
	if cc > oc && count(contracted, o.s) == 0 {
		out = append(out, "style/contraction")
	}
	// Numerals or words in a compound of time ("two-year", "2-year"),
	// numbers below ten and from ten on being separate styles.
	if m := numCompound.FindStringSubmatch(cx); m != nil && !strings.EqualFold(ct, ot) {
		form := smallFigure
		switch {
		case digits.MatchString(m[1]) && len(m[1]) > 1:
			form = largeFigure
		case !digits.MatchString(m[1]) && smallWords.MatchString(m[1]):
			form = smallWord
		case !digits.MatchString(m[1]):
			form = largeWord
		}
		if count(form, o.prose()) == 0 {
			out = append(out, "style/numeral")
		}
	}
	// Hyphenated compounds: the same letters with or without a hyphen.
	strip := func(s string) string { return strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(s)) }
	if fo != fc && strip(fo) == strip(fc) && (strings.Contains(fo, "-") || strings.Contains(fc, "-")) {
		// The style is the joint, not the inflection: "co-operating"
		// licenses "co-operation". Compare up to four letters past it.
		hi := strings.IndexByte(ot, '-')
		if hi < 0 {
			hi = strings.IndexByte(ct, '-')
		}
		n := hi + 4
		if hi < len(ct) && (ct[hi] == '-' || ct[hi] == ' ') {
			n++
		}
		form := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(ct[:min(n, len(ct))]))
		if count(form, o.s) == 0 {
			out = append(out, "style/hyphen")
		}
	}
	// The serial comma.
	if strings.ReplaceAll(fo, ",", "") == strings.ReplaceAll(fc, ",", "") && fo != fc &&
		h.i2 < len(o.toks) && (strings.EqualFold(o.toks[h.i2].s, "and") || strings.EqualFold(o.toks[h.i2].s, "or")) {
		p := o.prose()
		yes, no := count(serialYes, p), count(serialNo, p)
		if strings.Count(fc, ",") > strings.Count(fo, ",") && yes == 0 && no > 0 ||
			strings.Count(fc, ",") < strings.Count(fo, ",") && no == 0 && yes > 0 {
			out = append(out, "style/serial-comma")
		}
	}
	return out
}

var (
	subjects   = map[string]bool{"i": true, "you": true, "we": true, "they": true, "he": true, "she": true, "it": true, "that": true, "there": true, "who": true, "what": true, "here": true, "where": true, "let": true, "how": true}
	auxiliary  = map[string]bool{"do": true, "does": true, "did": true, "is": true, "are": true, "was": true, "were": true, "have": true, "has": true, "had": true, "could": true, "would": true, "should": true, "must": true, "need": true, "ca": true, "wo": true, "might": true}
	pronouns   = map[string]bool{"i": true, "you": true, "we": true, "they": true, "he": true, "she": true, "it": true}
	leadsubj   = map[string]bool{"and": true, "but": true, "or": true, "that": true, "if": true, "when": true, "because": true, "so": true, "as": true, "than": true, "what": true, "where": true, "which": true, "who": true, "then": true, "now": true, "before": true, "after": true, "until": true, "while": true, "since": true, "unless": true, "whether": true, "how": true, "why": true, "once": true, "whatever": true, "yet": true, "whenever": true, "wherever": true, "though": true, "although": true, "today": true, "tonight": true, "here": true, "there": true, "also": true, "course": true, "together": true, "nor": true, "where's": true, "perhaps": true, "maybe": true, "indeed": true, "surely": true, "thus": true, "therefore": true, "still": true, "instead": true, "otherwise": true}
	notThenPro = regexp.MustCompile(`(?i)\b(do|does|did|is|are|was|were|have|has|had|could|would|should|can|will|must) not$`)
)

// grammar checks contractions made or undone by a hunk.
func grammar(o, c *text, h hunk) []string {
	var out []string
	ow := o.toks[h.i:h.i2]
	cw := c.toks[h.j:h.j2]
	if contractions(cw) > contractions(ow) {
		for k, t := range cw {
			f := strings.ToLower(flat(t.s))
			m := contraction.FindStringSubmatch(f)
			if m == nil {
				continue
			}
			base := f[:strings.IndexByte(f, '\'')]
			if m[1] == "t" {
				base = strings.TrimSuffix(base, "n")
				if !auxiliary[base] {
					out = append(out, "grammar/contraction")
				}
				if base == "wo" {
					out = append(out, "grammar/will-not")
				}
				continue
			}
			if !subjects[base] {
				out = append(out, "grammar/contraction")
				continue
			}
			if m[1] == "ll" && h.i2 < len(o.toks) && strings.EqualFold(o.toks[h.i2].s, "never") {
				out = append(out, "grammar/will-not")
			}
			// "you" and "it" after a verb are its object ("I send
			// you'll"); the other pronouns are subject forms.
			pi := h.j + k - 1
			for pi >= 0 && c.toks[pi].s == ">" {
				pi--
			}
			// Only where the original has the same word before the
			// pronoun: "I know that it is" → "I know it's" is a clause.
			if (base == "you" || base == "it") && pi >= 0 && sameBefore(o, h, c.toks[pi].s, base) {
				p := strings.ToLower(flat(c.toks[pi].s))
				if isWord([]rune(p)[0]) && !leadsubj[p] && !auxiliary[p] && p != "will" && !strings.Contains(p, "'") {
					out = append(out, "grammar/object-pronoun")
				}
			}
		}
	}
	if contractions(ow) > contractions(cw) {
		// An inverted question undone: "don't they" → "do not they".
		nj := h.j2
		for nj < len(c.toks) && c.toks[nj].s == ">" {
			nj++
		}
		if nj < len(c.toks) && pronouns[strings.ToLower(c.toks[nj].s)] && notThenPro.MatchString(joinToks(cw)) {
			out = append(out, "grammar/inversion")
		}
	}
	return out
}

// mixed reports a copy that mixes straight and curly quotes of a class
// (apostrophes and single quotes; double quotes) where the original uses
// one kind.
func (a *audit) mixed(doc string, copy int, o, c string) {
	classes := []struct {
		name            string
		straight, curly string
	}{{"apostrophe", "'", "‘’"}, {"double", `"`, "“”„"}}
	for _, cl := range classes {
		os, oc := strings.Count(o, cl.straight), countAny(o, cl.curly)
		cs, cc := strings.Count(c, cl.straight), countAny(c, cl.curly)
		if (os == 0 || oc == 0) && cs > 0 && cc > 0 {
			a.report("mixed/"+cl.name, doc, copy,
				fmt.Sprintf("original %d straight %d curly, copy %d straight %d curly", os, oc, cs, cc), "")
		}
	}
}

func countAny(s, chars string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune(chars, r) {
			n++
		}
	}
	return n
}

// sameBefore reports whether, in the original's side of h, the pronoun
// base follows the word prev (or starts the hunk right after it).
func sameBefore(o *text, h hunk, prev, base string) bool {
	for i := h.i; i < h.i2; i++ {
		if strings.EqualFold(o.toks[i].s, base) {
			return i > 0 && strings.EqualFold(flat(o.toks[i-1].s), flat(prev))
		}
	}
	return false
}
