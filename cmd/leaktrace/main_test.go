package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// pgtest.Main stops the PostgreSQL server TestPostgres started.
	testscript.Main(pgMain{m}, map[string]func(){
		"leaktrace": func() {
			stdin, stdout, stderr := stdio()
			os.Exit(run(context.Background(), os.Args[1:], stdin, stdout, stderr))
		},
	})
}

type pgMain struct{ m *testing.M }

func (p pgMain) Run() int { return pgtest.Main(p.m) }

// TestScript runs the CLI transcripts in testdata/script: each is both a
// test and a worked example of the command line.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("LEAKTRACE_HOME", env.WorkDir+"/home")
			return nil
		},
		Condition: toolCondition,
	})
}

// toolCondition is the scripts' [tool:NAME] condition: true when the
// program NAME (pdftotext, pdftoppm, tesseract) is installed. Missing,
// the lines it guards are skipped on a developer's machine, but under
// CI=true, whose set-up installs every tool, the script fails instead.
func toolCondition(cond string) (bool, error) {
	name, ok := strings.CutPrefix(cond, "tool:")
	if !ok {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			return false, fmt.Errorf("%s is not installed, and CI=true: .ci/run installs it", name)
		}
		return false, nil
	}
	return true, nil
}
