package corpus_test

import (
	"os"
	"os/exec"
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
