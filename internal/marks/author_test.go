package marks

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
)

func findAuthor(t *testing.T, text string, opts Options) (*Set, []Point) {
	t.Helper()
	doc, err := format.Parse("memo.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	set := FindWith(doc, opts)
	var author []Point
	for _, p := range set.Points {
		if p.Kind == AuthorKind {
			author = append(author, p)
		}
	}
	return set, author
}

// The point is the words that differ; the words every rendering shares
// stay outside it, as its flanks.
func TestAuthorPointIsTheWordsThatDiffer(t *testing.T) {
	for _, c := range []struct {
		orig string
		alts []string
		want []string
	}{
		{"We must do better.", []string{"We must do a great deal better.", "We can do better."}, []string{"must do", "must do a great deal", "can do"}},
		{"That is not right.", []string{"That is wrong."}, []string{"not right.", "wrong."}},
		{"Now, America is working again.", []string{"America is working again."}, []string{"Now, America", "America"}},
		{"a very big deal", []string{"a big deal"}, []string{"a very", "a"}},
		{"The budget is balanced.", []string{"Our budget is in balance."}, []string{"The budget is balanced.", "Our budget is in balance."}},
	} {
		// One long line: a paragraph the viewer wraps, which may grow.
		text := "Some words come first here. " + c.orig + " And some words come after it, in a sentence long enough for a viewer to wrap.\n"
		set, author := findAuthor(t, text, Options{Author: []AuthorVariant{{Original: c.orig, Alternatives: c.alts}}})
		if len(set.AuthorProblems) > 0 || len(author) != 1 {
			t.Errorf("%q: problems %v, %d author points", c.orig, set.AuthorProblems, len(author))
			continue
		}
		if !slices.Equal(author[0].Variants, c.want) || text[author[0].Start:author[0].End] != c.want[0] {
			t.Errorf("%q: point %q at %q, want %q", c.orig, author[0].Variants, text[author[0].Start:author[0].End], c.want)
		}
	}
}

// Catalogue points on an author point's flanking words go: the point is
// read from between those words.
func TestAuthorPointKeepsItsFlanksStill(t *testing.T) {
	text := "I don't think so, and we're sure. That is not right. It's plain.\n"
	before, _ := findAuthor(t, text, Options{})
	set, author := findAuthor(t, text, Options{Author: []AuthorVariant{{Original: "That is not right.", Alternatives: []string{"That is wrong."}}}})
	if len(author) != 1 {
		t.Fatalf("problems %v", set.AuthorProblems)
	}
	contracted := func(ps []Point) bool {
		for _, p := range ps {
			if p.Channel == Lexical && p.Kind != AuthorKind && strings.HasPrefix(text[p.Start:], "That is") {
				return true
			}
		}
		return false
	}
	if !contracted(before.Points) {
		t.Skip("the catalogue offers no contraction of \"That is\" here; nothing to check")
	}
	if contracted(set.Points) {
		t.Error("\"That is\" may still be contracted next to the author point")
	}
}

// On a hard-wrapped line an author variant that widens the line keeps its
// place; catalogue points on the line give way first.
func TestAuthorPointWinsTheLineWidth(t *testing.T) {
	text := "The staff expected growth to pick up over the coming months, though its members did not agree.\n" +
		"It doesn't expect inflation to move toward 2 percent in order to settle in the near term.\n" +
		"Members judged the outlook to be balanced on the whole, and they didn't dissent at all.\n"
	// The second line has room for 5 more characters: "does not" takes
	// 1, the author's "very " 5.
	set, author := findAuthor(t, text, Options{Author: []AuthorVariant{{Original: "in the near term.", Alternatives: []string{"in the very near term."}}}})
	if len(set.AuthorProblems) > 0 || len(author) != 1 {
		t.Fatalf("problems %v, %d author points", set.AuthorProblems, len(author))
	}
	for _, p := range set.Points {
		if p.Channel == Lexical && p.Kind != AuthorKind && strings.Count(text[:p.Start], "\n") == 1 && growth(format.Candidate{Variants: p.Variants, Orig: p.Orig}) > 0 {
			t.Errorf("catalogue point %q widens the author point's line too", p.Variants)
		}
	}
	// Too wide even alone: refused, never silently dropped.
	set, author = findAuthor(t, text, Options{Author: []AuthorVariant{{Original: "in the near term.", Alternatives: []string{"in the near term, at least as far as anyone on the staff could tell."}}}})
	if len(author) != 0 || len(set.AuthorProblems) != 1 || !errors.Is(set.AuthorProblems[0].Err, ErrAuthorVariant) {
		t.Errorf("a variant too wide for its line: %d points, problems %v", len(author), set.AuthorProblems)
	}
}

// Only catalogue 2 and later documents, never verbatim ones, carry
// author variants; a version 1 document finds exactly what it always did.
func TestAuthorVariantsAreGated(t *testing.T) {
	text := "The committee met on Tuesday and decided to hold rates steady.\n"
	v := []AuthorVariant{{Original: "hold rates steady", Alternatives: []string{"keep rates steady"}}}
	plain, _ := findAuthor(t, text, Options{Catalogue: lexicon.V1})
	for _, opts := range []Options{{Catalogue: lexicon.V1, Author: v}, {Verbatim: true, Author: v}} {
		set, author := findAuthor(t, text, opts)
		if len(author) != 0 || len(set.AuthorProblems) != 1 {
			t.Errorf("%+v: %d author points, problems %v", opts, len(author), set.AuthorProblems)
		}
		if opts.Catalogue == lexicon.V1 && len(set.Points) != len(plain.Points) {
			t.Errorf("V1 with refused variants finds %d points, %d without", len(set.Points), len(plain.Points))
		}
	}
}
