// Package scale measures leaktrace at scale: a synthetic corpus of up to a
// million documents recombined from the shared test corpus, loaders that
// put it into a store, and the source-lookup and trace benchmarks that
// docs/scale.md reports (run by scripts/scale-bench).
//
// Nothing here is on the product's write paths: the loaders write the
// same rows the product would, computed by the product's own code, in
// bulk, so that a million documents load in hours rather than days.
package scale

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/leaktrace/leaktrace/internal/corpus"
)

// Document lengths, in words.
const (
	MinWords = 300
	MaxWords = 3000
)

// ErrNoCorpus is returned when the shared test corpus is not found.
var ErrNoCorpus = errors.New("the test corpus was not found (set LEAKTRACE_CORPUS)")

// Corpus generates synthetic documents: each a sequence of sentences
// drawn at random from the State of the Union addresses and the FOMC
// minutes, in paragraphs of three to five sentences. Document i depends
// only on the seed and i, so any document can be made again on its own
// (the benchmark's fragments are cut from documents made again) and a
// corpus of any size is streamed, never held in memory.
type Corpus struct {
	Seed  uint64
	sents []string
	words []int
}

// Load returns the corpus of a seed. The sentences of the corpus's sotu
// and fomc folders are read once per process and shared.
func Load(seed uint64) (*Corpus, error) {
	once.Do(func() { sents, words, loadErr = readSentences() })
	if loadErr != nil {
		return nil, loadErr
	}
	return &Corpus{Seed: seed, sents: sents, words: words}, nil
}

var (
	once    sync.Once
	sents   []string
	words   []int
	loadErr error
)

func readSentences() ([]string, []int, error) {
	files := append(corpus.Files("fomc"), corpus.Files("sotu")...)
	if len(files) == 0 {
		return nil, nil, ErrNoCorpus
	}
	var sents []string
	var words []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		for _, s := range corpus.Sentences(string(b)) {
			// Fields, not tokens: a sentence of one or two words is
			// usually a heading or a broken split.
			if n := len(strings.Fields(s)); n >= 3 && n <= MaxWords/10 {
				sents = append(sents, s)
				words = append(words, n)
			}
		}
	}
	return sents, words, nil
}

// Sentences returns how many distinct sentences documents are drawn from.
func (c *Corpus) Sentences() int { return len(c.sents) }

// ID is the id of document i.
func ID(i int) string { return "d" + strconv.Itoa(i) }

// Num is the inverse of ID.
func Num(id string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "d"))
	return n, err == nil && strings.HasPrefix(id, "d")
}

// Doc returns document i's text. Its length in words is drawn
// log-uniformly between MinWords and MaxWords (memos are more often short
// than long), and it holds whole sentences only.
func (c *Corpus) Doc(i int) string {
	rng := rand.New(rand.NewPCG(c.Seed, uint64(i)))
	target := int(math.Round(MinWords * math.Pow(MaxWords/MinWords, rng.Float64())))
	var b strings.Builder
	b.Grow(target * 7)
	words, inPara, paraLen := 0, 0, 3+rng.IntN(3)
	// Near MaxWords, a sentence short enough to fit may not exist (they
	// have at least three words), so a document gives up after a
	// hundred draws that do not fit, longer than MaxWords-MaxWords/10.
	for misses := 0; words < target && misses < 100; {
		k := rng.IntN(len(c.sents))
		if words+c.words[k] > MaxWords {
			misses++
			continue
		}
		switch {
		case words == 0:
		case inPara == paraLen:
			b.WriteString("\n\n")
			inPara, paraLen = 0, 3+rng.IntN(3)
		default:
			b.WriteByte(' ')
		}
		b.WriteString(c.sents[k])
		words += c.words[k]
		inPara++
	}
	b.WriteByte('\n')
	return b.String()
}

// Fragment is a run of words cut from a document: a leak to find the
// source of.
type Fragment struct {
	Doc  int // the source document's number
	Text string
}

// Fragments cuts n fragments of the given length in words from documents
// drawn at random among the first docs, reproducibly for the seed.
func (c *Corpus) Fragments(n, words, docs int, seed uint64) []Fragment {
	rng := rand.New(rand.NewPCG(seed, uint64(words)))
	out := make([]Fragment, n)
	for i := range out {
		d := rng.IntN(docs)
		f := strings.Fields(c.Doc(d))
		at := rng.IntN(max(1, len(f)-words+1))
		out[i] = Fragment{Doc: d, Text: strings.Join(f[at:min(len(f), at+words)], " ")}
	}
	return out
}

// Stream calls fn with documents lo..hi-1 in order, making them on
// workers goroutines, at most a few ahead of fn.
func (c *Corpus) Stream(lo, hi, workers int, fn func(i int, text string) error) error {
	return Pipeline(lo, hi, workers, c.Doc, fn)
}

// Pipeline computes compute(i) for i in lo..hi-1 on workers goroutines and
// hands the results to fn in order of i, holding at most a few per worker
// at once. It stops at fn's first error.
func Pipeline[T any](lo, hi, workers int, compute func(i int) T, fn func(i int, v T) error) error {
	if workers < 1 {
		workers = 1
	}
	if lo >= hi {
		return nil
	}
	type slot struct {
		i int
		v chan T
	}
	order := make(chan slot, 4*workers)
	jobs := make(chan slot, 4*workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(order)
		defer close(jobs)
		for i := lo; i < hi; i++ {
			s := slot{i, make(chan T, 1)}
			select {
			case order <- s:
			case <-stop:
				return
			}
			select {
			case jobs <- s:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for s := range jobs {
				s.v <- compute(s.i)
			}
		}()
	}
	for s := range order {
		if err := fn(s.i, <-s.v); err != nil {
			return fmt.Errorf("document %d: %w", s.i, err)
		}
	}
	return nil
}

// Edit returns fs with each word, with probability rate, edited as
// someone retyping or rewording a leak would: dropped, replaced by a
// word of the corpus, or given a typo (two letters swapped). It is
// reproducible for the seed.
func (c *Corpus) Edit(fs []Fragment, rate float64, seed uint64) []Fragment {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]Fragment, len(fs))
	for i, f := range fs {
		var words []string
		for _, w := range strings.Fields(f.Text) {
			if rng.Float64() >= rate {
				words = append(words, w)
				continue
			}
			switch rng.IntN(3) {
			case 0: // dropped
			case 1:
				s := strings.Fields(c.sents[rng.IntN(len(c.sents))])
				words = append(words, s[rng.IntN(len(s))])
			default:
				if r := []rune(w); len(r) > 1 {
					k := rng.IntN(len(r) - 1)
					r[k], r[k+1] = r[k+1], r[k]
					w = string(r)
				}
				words = append(words, w)
			}
		}
		out[i] = Fragment{Doc: f.Doc, Text: strings.Join(words, " ")}
	}
	return out
}
