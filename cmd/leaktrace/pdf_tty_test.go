//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("cannot unlock a pseudo-terminal:", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skip("cannot name a pseudo-terminal:", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("cannot open a pseudo-terminal:", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// TestIssuePDFRefusesATerminal: a PDF is binary; written to a terminal
// it would garble the screen and be lost. issue refuses before recording
// a copy, with a hint.
func TestIssuePDFRefusesATerminal(t *testing.T) {
	_, tty := openPTY(t)
	home := filepath.Join(t.TempDir(), "home")
	for _, args := range [][]string{{"init"}, {"doc", "add", "sample/memo.txt", "--id", "memo"}, {"recipient", "add", "r1"}} {
		if code, stderr := runCLI(t, append([]string{"--home", home}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	checkpoint := func() string {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"--home", home, "log", "checkpoint"}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("log checkpoint: %s", errb.String())
		}
		return out.String()
	}
	before := checkpoint()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--home", home, "issue", "memo", "r1", "--format", "pdf"}, strings.NewReader(""), tty, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "will not write a PDF to a terminal") || !strings.Contains(stderr.String(), "hint: write it to a file with -o FILE") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if checkpoint() != before {
		t.Fatal("the refused copy was logged")
	}
}
