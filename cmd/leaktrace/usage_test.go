package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestHintsNameExistingFlags: every --flag that the CLI's hints and
// errors mention is a flag of some command, so a renamed or removed flag
// cannot linger in advice. (Whether the hint fits the command that failed
// is for the transcripts: validate.txtar checks that a duplicate reader
// is not told to use --id.)
func TestHintsNameExistingFlags(t *testing.T) {
	flags := map[string]bool{"help": true}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) { flags[f.Name] = true }
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := (&app{}).rootCommand()
	strictUsage(root)
	walk(root)
	mention := regexp.MustCompile(`(?:^|[^-\w])--([a-z][a-z-]*)`)
	literal := regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	files := []string{"main.go", "usage.go", "doc.go", "recipient.go", "log.go", "issue.go", "trace.go", "eval.go", "demo.go", "serve.go"}
	checked := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`(?m)^\s*//.*$`).ReplaceAllString(string(src), "")
		for _, lit := range literal.FindAllString(code, -1) {
			for _, m := range mention.FindAllStringSubmatch(lit, -1) {
				checked++
				if !flags[m[1]] {
					t.Errorf("%s: %s names --%s, which no command has", f, lit, m[1])
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("found only %d flag mentions; is the scan broken?", checked)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"json", "json", 0}, {"jsn", "json", 1}, {"josn", "json", 2}, {"", "abc", 3}, {"kitten", "sitting", 3}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
