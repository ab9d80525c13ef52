//go:build linux

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPasswdAtATerminal: at a terminal, recipient passwd asks twice with
// echo off, refuses two different passwords, and sets one typed twice.
func TestPasswdAtATerminal(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	for _, args := range [][]string{{"init"}, {"recipient", "add", "r1"}} {
		if code, stderr := runCLI(t, append([]string{"--home", home}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	passwd := func(lines string) (int, string, string) {
		master, tty := openPTY(t)
		type result struct {
			code        int
			out, stderr string
		}
		done := make(chan result, 1)
		go func() {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"--home", home, "recipient", "passwd", "r1"}, tty, &out, &errb)
			done <- result{code, out.String(), errb.String()}
		}()
		// Type once the terminal's echo is off: both lines arrive while
		// the first prompt waits, so neither is echoed.
		for start := time.Now(); ; time.Sleep(time.Millisecond) {
			tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if tio.Lflag&unix.ECHO == 0 {
				break
			}
			if time.Since(start) > 20*time.Second {
				t.Fatal("passwd never turned the terminal's echo off")
			}
		}
		if _, err := master.Write([]byte(lines)); err != nil {
			t.Fatal(err)
		}
		r := <-done
		return r.code, r.out, r.stderr
	}
	code, _, stderr := passwd("correct horse battery\ncorrect horse batterY\n")
	if code != 1 || !strings.Contains(stderr, "the passwords differ") || !strings.Contains(stderr, "hint: type the same password twice") {
		t.Fatalf("two different passwords: exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "new password for r1: ") || !strings.Contains(stderr, "again: ") {
		t.Fatalf("no prompts:\n%s", stderr)
	}
	code, out, stderr := passwd("correct horse battery\ncorrect horse battery\n")
	if code != 0 || !strings.Contains(out, "set the password of r1") || strings.Contains(stderr+out, "correct horse") {
		t.Fatalf("the same password twice: exit %d, stdout %q, stderr:\n%s", code, out, stderr)
	}
}
