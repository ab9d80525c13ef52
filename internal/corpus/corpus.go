// Package corpus loads the shared test corpus of real public text (State
// of the Union addresses, FOMC minutes, mailing-list email) and cuts it
// into memo-sized documents for tests and benchmarks.
//
// It is the one place tests find the corpus. A test that needs it calls
// [Require], [RequireFiles] or [RequireMemos]: without the corpus the
// test is skipped on a developer's machine, and fails in CI (the
// environment variable CI set to true), where the corpus must be present.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Dir returns the corpus directory: $LEAKTRACE_CORPUS, else the first
// shared/corpus found beside the working directory or one of its parents.
// It returns "" if there is none.
func Dir() string {
	if d := os.Getenv("LEAKTRACE_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "corpus"), filepath.Join(d, "..", "shared", "corpus")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return filepath.Clean(c)
			}
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Require returns the corpus directory for a test that needs it, or
// ends the test: see [Missing].
func Require(tb testing.TB) string {
	tb.Helper()
	d := Dir()
	if st, err := os.Stat(d); d == "" || err != nil || !st.IsDir() {
		Missing(tb, "the test corpus was not found")
	}
	return d
}

// RequireFiles returns the files of one corpus folder, sorted, or ends
// the test: see [Missing].
func RequireFiles(tb testing.TB, sub string) []string {
	tb.Helper()
	Require(tb)
	files := Files(sub)
	if len(files) == 0 {
		Missing(tb, fmt.Sprintf("the test corpus has no %s folder", sub))
	}
	return files
}

// RequireMemos returns [Memos](n, words, seed), or ends the test: see
// [Missing].
func RequireMemos(tb testing.TB, n, words int, seed uint64) []string {
	tb.Helper()
	Require(tb)
	memos := Memos(n, words, seed)
	if len(memos) < n {
		Missing(tb, fmt.Sprintf("the test corpus yields %d memos of %d words, want %d", len(memos), words, n))
	}
	return memos
}

// Missing ends a test that cannot run without the corpus: it fails it
// under CI=true, where a skip would hide that the test never ran, and
// skips it otherwise.
func Missing(tb testing.TB, why string) {
	tb.Helper()
	why += " (set LEAKTRACE_CORPUS, or put it in shared/corpus beside the repository)"
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		tb.Fatal(why + "; CI=true, so this fails")
	}
	tb.Skip(why)
}

// Files lists the files of one corpus folder ("sotu", "fomc", "email"),
// sorted.
func Files(sub string) []string {
	dir := Dir()
	if dir == "" {
		return nil
	}
	m, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
	sort.Strings(m)
	return m
}

var sentenceBreak = regexp.MustCompile(`([a-z0-9%)"”][.?!]["”]?)\s+([A-Z“"])`)

// Sentences splits running prose into sentences.
func Sentences(text string) []string {
	text = strings.TrimPrefix(text, "\ufeff")
	marked := sentenceBreak.ReplaceAllString(text, "$1\x00$2")
	var out []string
	for _, s := range strings.Split(marked, "\x00") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Memo cuts a memo of about words words from the prose file at path,
// starting at a sentence chosen by rng, with a paragraph break every
// three to five sentences. It returns "" if the file is too short.
func Memo(path string, words int, rng *rand.Rand) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sents := Sentences(string(b))
	if len(sents) < 10 {
		return ""
	}
	start := rng.IntN(max(1, len(sents)/2))
	var paras []string
	var para []string
	n := 0
	want := 3 + rng.IntN(3)
	for _, s := range sents[start:] {
		para = append(para, s)
		n += len(strings.Fields(s))
		if len(para) == want {
			paras = append(paras, strings.Join(para, " "))
			para, want = nil, 3+rng.IntN(3)
		}
		if n >= words {
			break
		}
	}
	if len(para) > 0 {
		paras = append(paras, strings.Join(para, " "))
	}
	if n < words/2 {
		return ""
	}
	return strings.Join(paras, "\n\n") + "\n"
}

// Memos returns n memos of about words words from the SOTU and FOMC
// folders, reproducibly for a seed.
func Memos(n, words int, seed uint64) []string {
	files := append(Files("fomc"), Files("sotu")...)
	if len(files) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x1eaf))
	var out []string
	for tries := 0; len(out) < n && tries < 10*n; tries++ {
		if m := Memo(files[rng.IntN(len(files))], words, rng); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// Body returns the part of a raw email after its header block.
func Body(raw string) string {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	if i := strings.Index(raw, "\n\n"); i >= 0 {
		return raw[i+2:]
	}
	return ""
}
