// Package lexicon is leaktrace's curated catalogue of meaning-preserving
// wording and punctuation variants: the lexical/orthographic channel.
package lexicon

// Candidate is a lexical variation point: Text[Start:End] may be replaced
// by any of Variants without changing meaning or register. Variants[Orig]
// equals Text[Start:End].
type Candidate struct {
	Start, End int
	Kind       string
	Variants   []string
	Orig       int
}

// Finder finds lexical variation points in the regions of one document.
type Finder struct{}

// NewFinder prepares a Finder for a document whose prose is texts. Some
// families depend on the document's own style (contractions are offered
// only where the document already uses them).
func NewFinder(texts []string) *Finder { return &Finder{} }

// Find returns the candidates in text, sorted by Start, non-overlapping.
func (f *Finder) Find(text string) []Candidate { return nil }

// Fold maps canonical tokens so that every variant of every family folds
// to one form.
func Fold(tokens []string) []string { return tokens }
