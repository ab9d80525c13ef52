package marks_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// TestTextPointsAreNeverLayout: the layout channel belongs to the
// typeset page; a document's text points are typographic or lexical, so
// a registered document's counts (doc add, doc show, the point
// catalogue check) name the text channels only.
func TestTextPointsAreNeverLayout(t *testing.T) {
	memos := corpus.RequireMemos(t, 5, 800, 1)
	for i, m := range memos {
		doc, err := format.Parse("m.txt", []byte(m))
		if err != nil {
			t.Fatal(err)
		}
		set := marks.Find(doc)
		for _, p := range set.Points {
			if !slices.Contains(marks.TextChannels, p.Channel) {
				t.Fatalf("memo %d: point %d:%d has channel %s", i, p.Start, p.End, p.Channel)
			}
		}
		if got := marks.NamedText(set.ByChannel()); !maps.Equal(got, map[string]int{"typographic": set.ByChannel()[marks.Typographic], "lexical": set.ByChannel()[marks.Lexical]}) {
			t.Errorf("memo %d: NamedText = %v", i, got)
		}
	}
	if got := marks.Named(nil); !maps.Equal(got, map[string]int{"typographic": 0, "lexical": 0, "layout": 0}) {
		t.Errorf("Named(nil) = %v, want every channel, layout included", got)
	}
	if marks.Layout.String() != "layout" || marks.Channels[len(marks.Channels)-1] != marks.Layout {
		t.Errorf("Layout is %q, last in report order %v", marks.Layout, marks.Channels)
	}
}
