package service_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/service"
)

// speech is a real address from the corpus, one paragraph per line.
func speech(t *testing.T) string {
	t.Helper()
	path := filepath.Join(corpus.Require(t), "sotu", "1999_william_j_clinton_d.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// speechVariants are variants of sentences of the 1999 address, as an
// author would write them. Several alternatives have more words than the
// words they replace.
const speechVariants = `# Author variants for the 1999 address
- Tonight I have the honor of reporting to you on the State of the Union.
+ Tonight I have the honor of reporting to you on the state of our Union.
+ Tonight it is my honor to report to you on the State of the Union.
- the budget is balanced
+ our budget is balanced
- Now, America is working again.
+ America is working again.
+ Today, America is working again.
- The promise of our future is limitless.
+ The promise of our future has no limit.
- First things first.
+ First things come first.
- We must do better.
+ We must do a great deal better.
+ We can do better.
- That is not right.
+ That is wrong.
- It will work, and we should do it.
+ It will work, and we ought to do it.
- Let us bring excellence to every part of America.
+ Let us bring excellence to every corner of America.
+ Let us bring excellence to all of America.
- They always come through for America.
+ They always come through for our country.
`

func TestParseVariants(t *testing.T) {
	vs, err := service.ParseVariants([]byte("# c\n\n- a b c  \r\n+ a d c\n+ a e c\n- x y\n+ x z\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []marks.AuthorVariant{{Original: "a b c", Alternatives: []string{"a d c", "a e c"}}, {Original: "x y", Alternatives: []string{"x z"}}}
	if len(vs) != 2 || vs[0].Original != want[0].Original || !slices.Equal(vs[0].Alternatives, want[0].Alternatives) ||
		vs[1].Original != want[1].Original || !slices.Equal(vs[1].Alternatives, want[1].Alternatives) {
		t.Fatalf("got %+v, want %+v", vs, want)
	}
	for _, c := range []struct{ file, want string }{
		{"", "no entries"},
		{"+ a\n", "line 1: an alternative comes before any original"},
		{"- a b\n", "line 1: the original has no alternatives"},
		{"- a b\n+ a b\n", "line 2: the alternative is the original itself"},
		{"- a b\n+ a c\n+ a c\n", "line 3: the alternative \"a c\" is given twice"},
		{"- a b\n+ a c\n- a b\n+ a d\n", "line 3: the original \"a b\" is already given on line 1"},
		{"- a b\nplain line\n", "line 2: start a line with"},
		{"- a b\n+ 1\n+ 2\n+ 3\n+ 4\n+ 5\n+ 6\n+ 7\n+ 8\n", "line 9: more than 7 alternatives"},
		{"- a\xff\n+ b\n", "not UTF-8"},
		{"- were little changed\n+ were \x1b[31m unchanged\n", "line 2: the alternative \"were \\x1b[31m unchanged\" has the character U+001B"},
		{"- were little changed\n+ were\tunchanged\n", "has the character U+0009"},
		{"- were little changed\n+ were \u202eunchanged\n", "has the character U+202E"},
		{"- were little changed\n+ were\u200b unchanged\n", "has the character U+200B"},
		{"- were little changed\n+ were\u200c unchanged\n", "has the character U+200C"},
		{"- it has been said that\n+ it has been said that \u201c\n", "different number of '\u201c' quotation marks"},
		{"- the \"plan\" was\n+ the plan was\n", "different number of '\"' quotation marks"},
	} {
		_, err := service.ParseVariants([]byte(c.file))
		if !errors.Is(err, service.ErrVariants) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseVariants(%q) = %v, want ErrVariants saying %q", c.file, err, c.want)
		}
	}
}

// An author variant is a lexical point: a normalized or retyped copy that
// carries an alternative is read at it, and names its reader.
func TestAuthorVariantsTraceThroughNormalizeAndRetype(t *testing.T) {
	text := speech(t)
	vs, err := service.ParseVariants([]byte(speechVariants))
	if err != nil {
		t.Fatal(err)
	}
	readers := readerIDs("r", 1, 30)
	s := emptyHome(t, readers...)
	ctx := t.Context()
	d, err := s.AddDocumentWith(ctx, "address.txt", []byte(text), service.AddOptions{Variants: vs})
	if err != nil {
		t.Fatal(err)
	}
	if d.Baseline == nil || d.Baseline.Without != "variants" {
		t.Fatalf("baseline %+v, want one without the variants", d.Baseline)
	}
	lex := func(m leaktrace.Marks) int { return m.ByChannel[marks.Lexical.String()] }
	if got, base := lex(d.Marks), lex(d.Baseline.Marks); got <= base || got-base > len(vs) {
		t.Errorf("%d lexical points with %d variants, %d without: each variant is one point, and may take over catalogue points it touches", got, len(vs), base)
	}
	m, _, err := s.Marker(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var author []int
	for i, p := range m.Points() {
		if p.Kind == marks.AuthorKind {
			author = append(author, i)
			if p.Channel != marks.Lexical {
				t.Errorf("author point %d is on channel %v", i, p.Channel)
			}
		}
	}
	if len(author) != len(vs) {
		t.Fatalf("%d author points, want %d", len(author), len(vs))
	}
	issued, err := s.Issue(ctx, m, readers)
	if err != nil {
		t.Fatal(err)
	}
	// The leaker is the reader whose copy moves the most author points
	// off the original.
	leaker, best := "", -1
	copies := map[string]string{}
	for _, c := range issued {
		copies[c.Recipient] = string(c.Data)
		moved := 0
		for _, sym := range m.SymbolsAt(c.Recipient, author) {
			if sym != 0 {
				moved++
			}
		}
		if moved > best {
			leaker, best = c.Recipient, moved
		}
	}
	if best < 3 {
		t.Fatalf("no copy moves 3 author points (best %d)", best)
	}
	want := m.SymbolsAt(leaker, author)
	rng := rand.New(rand.NewPCG(7, 7))
	for name, leak := range map[string]string{
		"normalize": attack.Normalize(copies[leaker]),
		"retype":    attack.Retype(copies[leaker], 0.02, rng),
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := s.Trace(ctx, "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
			if err != nil {
				t.Fatal(err)
			}
			match := checkTrace(t, rep, d.ID, leaker)
			read := 0
			for _, o := range match.Observations {
				k := slices.Index(author, o.Point)
				if k < 0 {
					continue
				}
				read++
				if !slices.Equal(o.Symbols, []uint8{want[k]}) {
					t.Errorf("author point %d read as %v, the copy has %d (%q)", k, o.Symbols, want[k], m.Points()[o.Point].Variants[want[k]])
				}
			}
			// Normalizing keeps every rendering; a typo in a variant or
			// its flanking words spoils that point only.
			if name == "normalize" && read != len(author) || read < len(author)/2 {
				t.Errorf("%s: read %d of %d author points", name, read, len(author))
			}
		})
	}
}

// The variants are part of the registration: a reopened home finds the
// same points and issues the same copies.
func TestAuthorVariantsAreStoredWithTheDocument(t *testing.T) {
	text := speech(t)
	vs, err := service.ParseVariants([]byte(speechVariants))
	if err != nil {
		t.Fatal(err)
	}
	s := emptyHome(t, "r1")
	ctx := t.Context()
	d, err := s.AddDocumentWith(ctx, "address.txt", []byte(text), service.AddOptions{Variants: vs})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Store.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := service.VariantsSHA256(vs)
	if len(got.Variants) != len(vs) || got.VariantsSHA256 != sum || got.Baseline == nil || got.Baseline.Without != "variants" {
		t.Fatalf("stored %d variants, sha %q, baseline %+v; want %d, %q and a baseline", len(got.Variants), got.VariantsSHA256, got.Baseline, len(vs), sum)
	}
	for i := range vs {
		if got.Variants[i].Original != vs[i].Original || !slices.Equal(got.Variants[i].Alternatives, vs[i].Alternatives) {
			t.Errorf("variant %d stored as %+v, want %+v", i, got.Variants[i], vs[i])
		}
	}
	// Without its variants the document would find other points, and
	// could not be issued: the stored variants are what make it work.
	got.Variants = nil
	if _, err := leaktrace.NewMarker([32]byte{}, got); err == nil {
		t.Error("the document issues without its variants")
	}
}

func TestVerbatimHasNoLexicalPointsAndSaysWhatItCosts(t *testing.T) {
	text := speech(t)
	s := emptyHome(t, "r1", "r2")
	ctx := t.Context()
	d, err := s.AddDocumentWith(ctx, "address.txt", []byte(text), service.AddOptions{Verbatim: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Marks.ByChannel[marks.Lexical.String()]; n != 0 || d.Marks.Total == 0 {
		t.Fatalf("verbatim marks %+v, want typographic points only", d.Marks)
	}
	b := d.Baseline
	if b == nil || b.Without != "verbatim" || b.Marks.ByChannel[marks.Lexical.String()] == 0 || b.Capacity == nil {
		t.Fatalf("baseline %+v, want the normal registration's lexical points and capacity", b)
	}
	if _, ok := d.Capacity.Words("normalize"); ok {
		t.Error("a verbatim document claims to trace a normalized leak")
	}
	if _, ok := b.Capacity.Words("normalize"); !ok {
		t.Error("the normal registration of a long speech cannot trace a normalized leak")
	}
	got, err := s.Store.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Verbatim || got.Baseline == nil || got.Baseline.Marks.Total != b.Marks.Total {
		t.Fatalf("stored verbatim %v, baseline %+v", got.Verbatim, got.Baseline)
	}
	m, _, err := s.Marker(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(ctx, m, []string{"r1"})
	if err != nil {
		t.Fatal(err)
	}
	// No word of a verbatim copy moves: normalized, it is the original.
	if attack.Normalize(string(issued[0].Data)) != attack.Normalize(text) {
		t.Error("a normalized verbatim copy differs from the normalized original")
	}
}

func TestBadAuthorVariantsAreRefused(t *testing.T) {
	text := "The committee met on Tuesday. It decided to hold rates steady for now.\n" +
		"Details are at https://example.org/the-committee-met and in `the committee met` notes.\n" +
		"The committee met again on Friday and it decided nothing.\n" +
		"The chair said \"we will act as appropriate\" and left.\n\n" +
		"> We can't help you with that.\n"
	s := emptyHome(t)
	ctx := t.Context()
	for _, c := range []struct {
		name string
		v    marks.AuthorVariant
		want string
	}{
		{"missing", marks.AuthorVariant{Original: "the board met", Alternatives: []string{"the board gathered"}}, "is not in the document"},
		{"twice", marks.AuthorVariant{Original: "The committee met", Alternatives: []string{"The committee gathered"}}, "occurs 2 times"},
		{"inside a word", marks.AuthorVariant{Original: "ecided to hold", Alternatives: []string{"ecided to keep"}}, "is not in the document"},
		{"protected", marks.AuthorVariant{Original: "`the committee met` notes", Alternatives: []string{"`the committee met` minutes"}}, "protected text"},
		{"quotation", marks.AuthorVariant{Original: "we will act as appropriate", Alternatives: []string{"we will act as needed"}}, "protected text"},
		{"quoted email line", marks.AuthorVariant{Original: "We can't help you", Alternatives: []string{"We cannot help you"}}, "protected text"},
		{"alike", marks.AuthorVariant{Original: "hold rates steady", Alternatives: []string{"HOLD rates  steady"}}, "reads like the original"},
		{"two lines", marks.AuthorVariant{Original: "for now. Details are", Alternatives: []string{"for the time being. More is"}}, "line break"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.AddDocumentWith(ctx, "memo.txt", []byte(text), service.AddOptions{Variants: []marks.AuthorVariant{c.v}})
			if !errors.Is(err, service.ErrVariants) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want ErrVariants saying %q", err, c.want)
			}
		})
	}
	_, err := s.AddDocumentWith(ctx, "memo.txt", []byte(text), service.AddOptions{Verbatim: true,
		Variants: []marks.AuthorVariant{{Original: "hold rates steady", Alternatives: []string{"keep rates steady"}}}})
	if !errors.Is(err, service.ErrVerbatim) {
		t.Errorf("verbatim with variants: %v, want ErrVerbatim", err)
	}
	if n, _ := s.Store.DocumentCount(ctx); n != 0 {
		t.Errorf("%d documents registered by refused calls", n)
	}
	// A good variant across a line break that differs within one line.
	d, err := s.AddDocumentWith(ctx, "memo.txt", []byte(text), service.AddOptions{Variants: []marks.AuthorVariant{
		{Original: "for now. Details are", Alternatives: []string{"for the time being. Details are"}}}})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Points() {
		if p.Kind == marks.AuthorKind && !slices.Equal(p.Variants, []string{"now.", "the time being."}) {
			t.Errorf("author point %q, want only the words that differ", p.Variants)
		}
	}
}

// doc variants: every change a copy can carry, in its sentence.
func TestChangesShowEveryPointInItsSentence(t *testing.T) {
	text := speech(t)
	vs, err := service.ParseVariants([]byte(speechVariants))
	if err != nil {
		t.Fatal(err)
	}
	s := emptyHome(t)
	ctx := t.Context()
	d, err := s.AddDocumentWith(ctx, "address.txt", []byte(text), service.AddOptions{Variants: vs})
	if err != nil {
		t.Fatal(err)
	}
	_, lexical, err := s.Changes(ctx, d.ID, marks.Lexical)
	if err != nil {
		t.Fatal(err)
	}
	if len(lexical) != d.Marks.ByChannel[marks.Lexical.String()] {
		t.Errorf("%d lexical changes, the document has %d lexical points", len(lexical), d.Marks.ByChannel[marks.Lexical.String()])
	}
	author := 0
	for _, c := range lexical {
		if c.Renderings[c.Orig] != c.Sentence || !strings.Contains(c.Sentence, c.Variants[c.Orig]) || !strings.Contains(text, c.Sentence) {
			t.Errorf("change %d: sentence %q, renderings %q: the original's rendering must be the sentence as written", c.Point, c.Sentence, c.Renderings)
		}
		for i, r := range c.Renderings {
			if i != c.Orig && (r == c.Sentence || !strings.Contains(r, c.Variants[i])) {
				t.Errorf("change %d: rendering %q does not show variant %q", c.Point, r, c.Variants[i])
			}
		}
		if c.Kind == marks.AuthorKind {
			author++
			if strings.HasPrefix(c.Variants[0], "not right") && c.Sentence != "That is not right." {
				t.Errorf("the sentence of %q is %q", c.Variants[0], c.Sentence)
			}
		}
	}
	if author != len(vs) {
		t.Errorf("%d author changes listed, want %d", author, len(vs))
	}
	_, all, err := s.Changes(ctx, d.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != d.Marks.Total {
		t.Errorf("%d changes on every channel, the document has %d points", len(all), d.Marks.Total)
	}
}

// doc suggest: sentences in the middle of the longest stretches without
// a lexical point, never quoted ones or ones that already carry a point.
func TestSuggestSplitsTheLongestStretches(t *testing.T) {
	text := speech(t)
	s := emptyHome(t)
	ctx := t.Context()
	d, err := s.AddDocument(ctx, "address.txt", []byte(text), "address", "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Suggest(ctx, d.ID, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suggestions) != 8 || rep.Lexical != d.Marks.ByChannel[marks.Lexical.String()] {
		t.Fatalf("%d suggestions, %d lexical points; want 8 and %d", len(rep.Suggestions), rep.Lexical, d.Marks.ByChannel[marks.Lexical.String()])
	}
	if rep.Suggestions[0].Gap != rep.LongestGap || rep.LongestGapAfter >= rep.LongestGap {
		t.Errorf("first suggestion in a %d-word stretch, longest %d, after %d", rep.Suggestions[0].Gap, rep.LongestGap, rep.LongestGapAfter)
	}
	_, changes, err := s.Changes(ctx, d.ID, marks.Lexical)
	if err != nil {
		t.Fatal(err)
	}
	for i, sg := range rep.Suggestions {
		if i > 0 && sg.Gap > rep.Suggestions[i-1].Gap {
			t.Errorf("suggestion %d is in a longer stretch (%d) than the one before (%d)", i+1, sg.Gap, rep.Suggestions[i-1].Gap)
		}
		if sg.Split[0]+sg.Split[1] != sg.Gap || sg.Split[0] <= 0 || sg.Split[1] <= 0 {
			t.Errorf("suggestion %d splits %d words into %v", i+1, sg.Gap, sg.Split)
		}
		if strings.ContainsAny(sg.Sentence, "\"\u201C\u201D") || !strings.Contains(text, sg.Sentence) || sg.Words < 6 {
			t.Errorf("suggestion %d: %q", i+1, sg.Sentence)
		}
		for _, c := range changes {
			if strings.Contains(sg.Sentence, c.Sentence) || strings.Contains(c.Sentence, sg.Sentence) {
				t.Errorf("suggestion %d already carries a lexical point (%q): %q", i+1, c.Variants, sg.Sentence)
			}
		}
	}
	// The middle sentence of a quotation has no quote mark of its own.
	q := "We met in the morning and talked about the plans for the coming year at some length.\n\n" +
		"She wrote: \"The plans are ready for review. Nothing in them will surprise anyone who has read the drafts. We hope to start soon.\"\n\n" +
		"We agreed to meet again after the review of the plans had been completed by the staff.\n"
	if _, err := s.AddDocument(ctx, "q.txt", []byte(q), "quoted", ""); err != nil {
		t.Fatal(err)
	}
	qrep, err := s.Suggest(ctx, "quoted", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, sg := range qrep.Suggestions {
		if strings.Contains(sg.Sentence, "surprise") {
			t.Errorf("suggested a sentence inside a quotation: %q", sg.Sentence)
		}
	}
	vd, err := s.AddDocumentWith(ctx, "address.txt", []byte(text), service.AddOptions{ID: "verbatim", Verbatim: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Suggest(ctx, vd.ID, 3); !errors.Is(err, service.ErrVerbatim) {
		t.Errorf("suggestions for a verbatim document: %v", err)
	}
}
