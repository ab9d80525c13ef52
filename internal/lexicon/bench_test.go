package lexicon_test

import (
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// memo returns about n words of FOMC minutes: a memo-sized document.
func memo(b *testing.B, n int) string {
	files := corpusFiles(b, "fomc")
	text := readText(b, files[len(files)-1])
	words := strings.Fields(text)
	if len(words) > n {
		words = words[len(words)-n:]
	}
	return strings.Join(words, " ")
}

// BenchmarkFind measures Find on a 2,000-word memo; it runs on every
// document added, so it should stay well under 5 ms.
func BenchmarkFind(b *testing.B) {
	text := memo(b, 2000)
	f := lexicon.NewFinder([]string{text}, lexicon.Latest)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		f.Find(text)
	}
}

// BenchmarkNewFinder measures the style scan over the same memo.
func BenchmarkNewFinder(b *testing.B) {
	text := memo(b, 2000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		lexicon.NewFinder([]string{text}, lexicon.Latest)
	}
}

// BenchmarkFold measures Fold on the memo's canonical tokens.
func BenchmarkFold(b *testing.B) {
	toks := marks.Tokens(marks.Normalize(memo(b, 2000)))
	b.ReportAllocs()
	for b.Loop() {
		lexicon.Fold(toks)
	}
}
