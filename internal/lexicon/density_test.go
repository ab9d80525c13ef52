package lexicon_test

import (
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

// density counts points and canonical words over one corpus folder, each
// file a document.
type density struct {
	words, points int
	kinds         map[string]int
}

// measure is cached per folder: the report and the floor share the FOMC
// count, which takes seconds.
func measure(t testing.TB, name string) density {
	measured.Lock()
	defer measured.Unlock()
	if d, ok := measured.m[name]; ok {
		return d
	}
	files := corpusFiles(t, strings.TrimSuffix(name, "/1990s"))
	if strings.HasSuffix(name, "/1990s") {
		// The speeches closest to today's prose.
		var recent []string
		for _, f := range files {
			if strings.HasPrefix(filepath.Base(f), "199") {
				recent = append(recent, f)
			}
		}
		files = recent
	}
	texts := make([]string, len(files))
	for i, path := range files {
		texts[i] = readText(t, path)
	}
	// Count in parallel: canonical word counts dominate the time.
	parts := make([]density, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range parts {
		parts[w].kinds = make(map[string]int)
		wg.Add(1)
		go func(p *density) {
			defer wg.Done()
			for i := w; i < len(texts); i += len(parts) {
				p.words += len(marks.Tokens(marks.Normalize(texts[i])))
				for _, c := range lexicon.NewFinder(texts[i:i+1], lexicon.Latest).Find(texts[i]) {
					p.points++
					p.kinds[c.Kind]++
				}
			}
		}(&parts[w])
	}
	wg.Wait()
	d := density{kinds: make(map[string]int)}
	for _, p := range parts {
		d.words += p.words
		d.points += p.points
		for k, n := range p.kinds {
			d.kinds[k] += n
		}
	}
	measured.m[name] = d
	return d
}

var measured = struct {
	sync.Mutex
	m map[string]density
}{m: make(map[string]density)}

func (d density) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d words, %d points: %.4f points/word, one per %.1f words\n",
		d.words, d.points, float64(d.points)/float64(d.words), float64(d.words)/float64(d.points))
	kinds := make([]string, 0, len(d.kinds))
	for k := range d.kinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return d.kinds[kinds[i]] > d.kinds[kinds[j]] })
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %-20s %6d  one per %8.0f words\n", k, d.kinds[k], float64(d.words)/float64(d.kinds[k]))
	}
	return b.String()
}

var densityReport = flag.Bool("density", false, "report lexical density per family on the whole corpus")

// TestDensityReport logs points per word, overall and per family, on the
// three corpora (email bodies only). It reads the whole corpus, so it runs
// only when asked: go test ./internal/lexicon -run DensityReport -density -v
func TestDensityReport(t *testing.T) {
	if !*densityReport {
		t.Skip("reads the whole corpus; run with -density")
	}
	for _, name := range []string{"fomc", "sotu", "sotu/1990s", "email"} {
		t.Logf("%s: %s", name, measure(t, name).report())
	}
}

// FuzzFind checks Find and Fold on arbitrary text: no panic, the
// structural contract, and the key invariant for one random copy.
func FuzzFind(f *testing.F) {
	seeds := []string{
		"Participants noted that the economy had slowed. In 2020, the Committee met.",
		"I don’t think it’s ready; we can't ship it, okay? OK.",
		"to\u200Bwards the end\u200B, although x and 5% of 2 per cent",
		"In addition, all of the e-mail on-line web site co-operate U.S. economy",
		"He said that seems justified. ", "Although", "U.S.", "5%x", "don't", "'", "\u2019s",
		"a, b, and c", "Thus, the", "continued to rise.", "two-year", "in order to",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	for _, name := range []string{"fomc", "sotu", "email"} {
		files := corpus.Files(name)
		for i := 0; i < len(files) && i < 40; i += 4 {
			text := readText(f, files[i])
			for at := 0; at+600 < len(text) && at < 20000; at += 5000 {
				f.Add(text[at : at+600])
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		lexicon.Fold(marks.Tokens(marks.Normalize(text)))
		cs := lexicon.NewFinder(append([]string{text}, styled...), lexicon.Latest).Find(text)
		checkCandidates(t, text, cs)
		h := uint64(len(text))
		for i := 0; i < len(text); i++ {
			h = h*1099511628211 + uint64(text[i])
		}
		choice := make([]int, len(cs))
		for i, c := range cs {
			h = h*6364136223846793005 + 1442695040888963407
			choice[i] = int(h>>33) % len(c.Variants)
		}
		cp := render(text, cs, choice)
		if want, got := canonical(text), canonical(cp); !equal(want, got) {
			t.Errorf("canonical form of copy %q differs from source %q: %s", cp, text, diffTokens(want, got))
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
