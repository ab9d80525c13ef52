package corpus_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
)

// TestMissingCorpusHelper is run by TestMissingCorpusFailsInCI in a child
// process, with the corpus pointed at a folder that does not exist.
func TestMissingCorpusHelper(t *testing.T) {
	if os.Getenv("CORPUS_TEST_CHILD") != "1" {
		return
	}
	corpus.RequireMemos(t, 1, 100, 1)
	t.Log("the test ran without the corpus")
}

// TestMissingCorpusFailsInCI: a test that needs a missing corpus is
// skipped on a developer's machine and fails under CI=true, never passing
// silently.
func TestMissingCorpusFailsInCI(t *testing.T) {
	for _, c := range []struct {
		ci      string
		fails   bool
		mustSay string
	}{
		{"", false, "SKIP"},
		{"false", false, "SKIP"},
		{"true", true, "CI=true, so this fails"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingCorpusHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "CORPUS_TEST_CHILD=1", "LEAKTRACE_CORPUS="+t.TempDir()+"/none", "CI="+c.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != c.fails || !strings.Contains(string(out), c.mustSay) || strings.Contains(string(out), "ran without the corpus") {
			t.Errorf("CI=%q: failed %v, want %v; output:\n%s", c.ci, failed, c.fails, out)
		}
	}
}

func TestRequireFindsTheCorpus(t *testing.T) {
	dir := corpus.Require(t)
	for _, sub := range []string{"sotu", "fomc", "email"} {
		if files := corpus.RequireFiles(t, sub); len(files) == 0 {
			t.Errorf("%s/%s: no files", dir, sub)
		}
	}
}

// TestEveryTestUsesTheLocator: no test finds the corpus on its own or
// skips on its own when it is missing; each goes through Require,
// RequireFiles or RequireMemos, so that CI=true catches a missing corpus
// everywhere. (Fuzz seeds may use Memos and Files: they add to seeds that
// the target has anyway.)
func TestEveryTestUsesTheLocator(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	ownPath := regexp.MustCompile(`shared/corpus|"shared", "corpus"`)
	// A skip that says the corpus is missing; not one that runs a long
	// measurement only when asked.
	ownSkip := regexp.MustCompile(`(?i)Skipf?\(.*(corpus.*(not found|missing|absent)|\bno\b.*corpus)`)
	lookup := regexp.MustCompile(`corpus\.(Memos|Files|Dir)\(`)
	checked := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == filepath.Join(root, "internal", "corpus") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		rel, _ := filepath.Rel(root, path)
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if ownPath.MatchString(line) || ownSkip.MatchString(line) {
				t.Errorf("%s:%d finds or skips the corpus on its own: use corpus.Require, RequireFiles or RequireMemos\n\t%s", rel, i+1, strings.TrimSpace(line))
			}
			if lookup.MatchString(line) {
				for _, next := range lines[i+1 : min(len(lines), i+5)] {
					if strings.Contains(next, ".Skip") {
						t.Errorf("%s:%d skips when the corpus is missing: use corpus.RequireMemos or RequireFiles\n\t%s", rel, i+1, strings.TrimSpace(line))
						break
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d test files under %s", checked, root)
	}
}
