//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestIssueSurvivesKill issues copies to 3,000 readers, kills the process
// with SIGKILL partway, and checks what an auditor would: the log still
// verifies, and every copy on disk is whole and has its committed,
// provable log entry. Copies are logged before they are written, so the
// log may hold entries for copies that never reached the disk, never the
// reverse.
func TestIssueSurvivesKill(t *testing.T) {
	bin, err := exec.LookPath("leaktrace") // the test binary, put on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	home, out := filepath.Join(dir, "home"), filepath.Join(dir, "copies")
	leaktraceCmd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"--home", home}, args...)...)
		cmd.Env = append(os.Environ(), "LEAKTRACE_ACTOR=crash-test")
		return cmd
	}
	runOK := func(args ...string) string {
		t.Helper()
		b, err := leaktraceCmd(args...).CombinedOutput()
		if err != nil {
			t.Fatalf("leaktrace %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	const readers = 3000
	var csv bytes.Buffer
	csv.WriteString("id,name,email\n")
	for i := range readers {
		fmt.Fprintf(&csv, "r%04d,,\n", i)
	}
	csvPath := filepath.Join(dir, "readers.csv")
	if err := os.WriteFile(csvPath, csv.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	runOK("init")
	runOK("doc", "add", "sample/memo.txt")
	runOK("recipient", "import", csvPath)

	cmd := leaktraceCmd("issue", "memo", "--all", "--out", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill once the first batch is on disk and the next is under way.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ents, _ := os.ReadDir(out); len(ents) >= 300 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("issue ended before it could be killed (%v); the test needs more readers", err)
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("issue wrote no copies in 30s")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var exitErr *exec.ExitError
	if err := <-exited; !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("issue was not killed: %v", err)
	}

	// The log verifies, store and all.
	t.Log(runOK("log", "verify"))

	s, err := service.Open(t.Context(), home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	copies, temps := 0, 0
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") {
			temps++ // an unfinished atomic write: never visible under its name
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		reader := strings.TrimSuffix(name, ".txt")
		rec, err := s.CopyRecord(t.Context(), "memo", reader)
		if err != nil {
			t.Fatalf("%s is on disk without a committed log entry: %v", name, err)
		}
		if got := leaktrace.Hash(data); got != rec.Entry.CopySHA256 {
			t.Fatalf("%s is torn or wrong: sha256 %s, the log (entry %d) says %s", name, got, rec.Index, rec.Entry.CopySHA256)
		}
		copies++
	}
	size, _ := s.Store.LogSize(t.Context())
	logged := size - 2 - readers // less init, the document and the readers
	t.Logf("killed after %d copies on disk (%d temporary files), %d copies logged", copies, temps, logged)
	if copies == 0 || logged >= readers {
		t.Fatalf("the kill did not land midway: %d copies on disk, %d logged of %d", copies, logged, readers)
	}
	if int64(copies) > logged {
		t.Fatalf("%d copies on disk but only %d logged", copies, logged)
	}
	s.Close()

	// The home is usable after the crash.
	runOK("issue", "memo", "r2999", "-o", filepath.Join(dir, "r2999.txt"))
	runOK("log", "verify")
}
