package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"leaktrace": func() {
			stdin, stdout, stderr := stdio()
			os.Exit(run(context.Background(), os.Args[1:], stdin, stdout, stderr))
		},
	})
}

// TestScript runs the CLI transcripts in testdata/script: each is both a
// test and a worked example of the command line.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("LEAKTRACE_HOME", env.WorkDir+"/home")
			return nil
		},
	})
}
