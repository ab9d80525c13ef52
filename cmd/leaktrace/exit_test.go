//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runCLI runs the command line in process and returns its exit code and
// standard error.
func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

// TestUsageMistakesExit2 checks that flags that can't work are usage
// mistakes (exit 2), found before any work is done.
func TestUsageMistakesExit2(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	// eval's flags are checked before the run; the small sizes keep the
	// test quick even where a mistake is only found after the run.
	eval := []string{"--home", home, "eval", "sample/memo.txt", "--recipients", "5", "--trials", "1", "--words", "40", "--attack", "paste"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--home", home, "issue", "memo", "r1", "--json"}, "--json needs -o FILE"},
		{[]string{"--home", home, "issue", "memo", "r1", "-o", "-", "--json"}, "--json needs -o FILE"},
		{[]string{"--home", home, "issue", "memo", "r1", "--out", "dir"}, "--out DIR is for issue --all"},
		{[]string{"--home", home, "issue", "memo", "--all", "--out", "dir", "-o", "f"}, "not -o"},
		{append(eval, "--plot", filepath.Join(t.TempDir(), "curve.jpg")), `unsupported format ".jpg"`},
		{append(eval, "--plot", filepath.Join(t.TempDir(), "no", "curve.svg")), "no such directory"},
		{append(eval, "--recipients", "0"), "--recipients takes a positive whole number"},
		{append(eval, "--recipients", "-4"), "--recipients takes a positive whole number"},
		{append(eval, "--trials", "0"), "--trials takes a positive whole number"},
		{append(eval, "--words", "0"), "--words takes positive whole numbers"},
		{append(eval, "--colluders", "-1"), "--colluders takes positive whole numbers"},
		{append(eval, "--colluders", "6"), "--colluders 6 is more than the 5 readers"},
		{append(eval, "--typos", "1.5"), "--typos must be between 0 and 1"},
		{append(eval, "--epsilon", "0"), "--epsilon must be a number between 0 and 1 (got 0)"},
		{append(eval, "--epsilon", "NaN"), "--epsilon must be a number between 0 and 1 (got NaN)"},
		{append(eval, "--epsilon", "Inf"), "(got +Inf)"},
		{[]string{"--home", home, "trace", "leak.txt", "--epsilon", "NaN"}, "--epsilon must be a number between 0 and 1 (got NaN)"},
		{[]string{"--home", home, "trace", "leak.txt", "--epsilon", "1"}, "(got 1)"},
	} {
		code, stderr := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "leaktrace: hint: ") {
			t.Errorf("leaktrace %s: exit %d, stderr:\n%s\nwant exit 2, %q and a hint", strings.Join(tc.args[2:], " "), code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(home); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a usage mistake created or touched the home: %v", err)
	}
}

// demoCmd returns the demo command with its scratch directory under tmp.
func demoCmd(t *testing.T, tmp string, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("leaktrace") // the test binary, put on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"demo"}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	return cmd
}

// scratchLeft lists the demo's scratch directories left in tmp.
func scratchLeft(t *testing.T, tmp string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(tmp, "leaktrace-demo-*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// exitCode is a finished command's exit code; killed by a signal is a
// test failure, since the demo's cleanup then never ran.
func exitCode(t *testing.T, err error, stderr string) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case !errors.As(err, &ee):
		t.Fatal(err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("the command was killed by %v\n%s", ws.Signal(), stderr)
	}
	return ee.ExitCode()
}

// TestDemoCleansUpOnClosedPipe runs "demo | head -1" with a reader that
// has gone: the demo must remove its scratch home, which holds keys,
// rather than die of SIGPIPE.
func TestDemoCleansUpOnClosedPipe(t *testing.T) {
	tmp := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := demoCmd(t, tmp)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	if code := exitCode(t, err, stderr.String()); code != 1 || !strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and a broken pipe error", code, stderr.String())
	}
	if left := scratchLeft(t, tmp); len(left) != 0 {
		t.Fatalf("scratch home left behind: %v", left)
	}
}

// TestDemoCleansUpOnInterrupt sends SIGINT, as Ctrl-C does, once the demo
// has said where its scratch home is.
func TestDemoCleansUpOnInterrupt(t *testing.T) {
	// The demo takes about a second; the signal is sent right after its
	// first line. Should a loaded machine let it finish first, try again.
	for attempt := 1; ; attempt++ {
		tmp := t.TempDir()
		cmd := demoCmd(t, tmp)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || !strings.Contains(sc.Text(), "scratch home in "+tmp) {
			t.Fatalf("first line %q, want the scratch home under %s", sc.Text(), tmp)
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		for sc.Scan() {
		}
		code := exitCode(t, cmd.Wait(), stderr.String())
		if left := scratchLeft(t, tmp); len(left) != 0 {
			t.Fatalf("scratch home left behind: %v", left)
		}
		if code == 1 && strings.Contains(stderr.String(), "demo interrupted") {
			return
		}
		if code != 0 || attempt == 5 {
			t.Fatalf("attempt %d: exit %d, stderr:\n%s\nwant exit 1 and 'demo interrupted'", attempt, code, stderr.String())
		}
	}
}

// TestDemoCleansUp checks the ordinary exits: the scratch home goes, and
// --keep keeps it.
func TestDemoCleansUp(t *testing.T) {
	tmp := t.TempDir()
	if out, err := demoCmd(t, tmp).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if left := scratchLeft(t, tmp); len(left) != 0 {
		t.Fatalf("scratch home left behind: %v", left)
	}
	if out, err := demoCmd(t, tmp, "--keep").CombinedOutput(); err != nil {
		t.Fatalf("demo --keep: %v\n%s", err, out)
	}
	left := scratchLeft(t, tmp)
	if len(left) != 1 {
		t.Fatalf("demo --keep left %v, want one scratch home", left)
	}
	if _, err := os.Stat(filepath.Join(left[0], "home", "marking.key")); err != nil {
		t.Fatalf("demo --keep: %v", err)
	}
}

// TestIssueToUnreadFIFOInterrupts checks that Ctrl-C (which cancels the
// command's context, see main) ends "issue -o FIFO" while the FIFO has no
// reader, as it ends "> FIFO" in a shell.
func TestIssueToUnreadFIFOInterrupts(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	for _, args := range [][]string{{"init"}, {"doc", "add", "sample/memo.txt"}, {"recipient", "add", "r1"}} {
		if code, stderr := runCLI(t, append([]string{"--home", home}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"--home", home, "issue", "memo", "r1", "-o", fifo}, strings.NewReader(""), &stdout, &stderr)
		done <- result{code, stderr.String()}
	}()
	// The copy is recorded before the FIFO is opened: wait for the record,
	// then interrupt.
	for {
		select {
		case r := <-done:
			t.Fatalf("issue ended before it was interrupted: exit %d\n%s", r.code, r.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if code, out := runCLIOut(t, "--home", home, "doc", "show", "memo", "--json"); code == 0 && strings.Contains(out, `"copies": 1`) {
			break
		}
	}
	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute): // a hang guard, not a timing
		t.Fatal("issue still blocked on the FIFO 2 minutes after the interruption")
	}
	if r.code != 1 || !strings.Contains(r.stderr, "context canceled") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and the interruption", r.code, r.stderr)
	}
	// Let the abandoned open finish, so no goroutine stays blocked.
	f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := os.Lstat(fifo)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
}

// runCLIOut is runCLI returning standard output.
func runCLIOut(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String()
}

// TestEvalCleansUpOnTerminate sends SIGTERM to a long eval once its
// scratch home exists: the home, which holds keys, must be removed.
func TestEvalCleansUpOnTerminate(t *testing.T) {
	bin, err := exec.LookPath("leaktrace")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cmd := exec.Command(bin, "eval", "sample/memo.txt", "--recipients", "1000", "--trials", "100000", "--attack", "paste")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	for {
		if left, _ := filepath.Glob(filepath.Join(tmp, "leaktrace-eval-*", "home", "leaktrace.db")); len(left) > 0 {
			break
		}
		select {
		case err := <-waited:
			t.Fatalf("eval ended before it was terminated: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, <-waited, stderr.String()); code != 1 || !strings.Contains(stderr.String(), "eval interrupted") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and 'eval interrupted'", code, stderr.String())
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "leaktrace-eval-*")); len(left) != 0 {
		t.Fatalf("scratch home left behind: %v", left)
	}
}

// fullWriter fails every write, as a full disk or a closed pipe does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestUnwritableOutputFails: a report that could not be written fails the
// command (exit 1), human-readable or JSON, whichever command wrote it.
func TestUnwritableOutputFails(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if code, stderr := runCLI(t, "--home", home, "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"doc", "list"},
		{"recipient", "list"},
		{"log", "verify"},
		{"log", "verify", "--json"},
		{"log", "checkpoint"},
		{"--help"},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), append([]string{"--home", home}, args...), strings.NewReader(""), fullWriter{}, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "no space left on device") {
			t.Errorf("leaktrace %s with a full standard output: exit %d, stderr:\n%s\nwant exit 1 and the write error", strings.Join(args, " "), code, stderr.String())
		}
	}
}
