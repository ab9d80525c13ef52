//go:build unix

package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO put in a file's place between the look and the read is refused
// at once, not read (which would wait for a writer).
func TestDirReadRefusesAFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "a.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	d := NewDir(dir, Limits{MaxItemBytes: 1 << 20, Timeout: time.Minute}).(*dirSource)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := d.read(ctx, root, "a.txt"); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("reading a FIFO: %v, want ErrNotRegular", err)
	}
}
