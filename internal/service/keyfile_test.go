//go:build unix

package service_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
)

// A FIFO or a device in a key's place is refused at once, not read: a
// FIFO would block the command forever, a device never end. Open must
// return (the test would hang otherwise) and say what is wrong.
func TestKeyFileNotRegular(t *testing.T) {
	for _, c := range []struct {
		file string
		fifo bool
		want error
	}{
		{service.KeyFile, true, service.ErrBadMarkingKey},
		{service.KeyFile, false, service.ErrBadMarkingKey},
		{service.LogKeyFile, true, service.ErrLogKey},
		{service.LogPubFile, true, service.ErrLogKey},
		{service.LogPubFile, false, service.ErrLogKey},
	} {
		dir, _ := keyHome(t, false)
		path := filepath.Join(dir, c.file)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if c.fifo {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		} else if err := os.Symlink("/dev/zero", path); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			s, err := service.Open(t.Context(), dir)
			if err == nil {
				err = s.Need(t.Context(), service.OpIssue)
				s.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, c.want) || !errors.Is(err, service.ErrKeyFile) {
				t.Errorf("%s as a %s: %v, want %v and ErrKeyFile", c.file, kind(c.fifo), err, c.want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s as a %s: opening the home hangs", c.file, kind(c.fifo))
		}
	}
}

func kind(fifo bool) string {
	if fifo {
		return "FIFO"
	}
	return "device"
}

// A key file far larger than a key is refused without being read whole.
func TestKeyFileTooLarge(t *testing.T) {
	dir, _ := keyHome(t, false)
	path := filepath.Join(dir, service.KeyFile)
	if err := os.WriteFile(path, []byte(strings.Repeat("00", 1<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	defer s.Close()
	err := s.Need(t.Context(), service.OpIssue)
	if !errors.Is(err, service.ErrBadMarkingKey) || !errors.Is(err, service.ErrKeyFile) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a 2 MB marking.key: %v, want ErrBadMarkingKey, larger than", err)
	}
}

// A home directory, log.pub or leaktrace.db that others can write is
// worth a warning, not a refusal: what is in them is checked.
func TestWritableHomeWarns(t *testing.T) {
	dir, _ := keyHome(t, false)
	for _, p := range []string{dir, filepath.Join(dir, service.LogPubFile), filepath.Join(dir, service.DBFile)} {
		if err := os.Chmod(p, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dir)
	defer s.Close()
	ws := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{dir + " is writable by others (mode 0777)", "log.pub is writable by others", "leaktrace.db is writable by others"} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings %q: want %q", ws, want)
		}
	}
}

// A home whose store was truncated to 0 bytes is refused, not taken for
// an empty home, and the file is left as it was.
func TestTruncatedStoreRefused(t *testing.T) {
	dir, _ := keyHome(t, true)
	db := filepath.Join(dir, service.DBFile)
	for _, p := range []string{db + "-wal", db + "-shm"} {
		os.Remove(p)
	}
	if err := os.Truncate(db, 0); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(t.Context(), dir)
	if !errors.Is(err, store.ErrNotStore) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a home with a 0-byte store: %v, want ErrNotStore", err)
	}
	if fi, err := os.Stat(db); err != nil || fi.Size() != 0 {
		t.Errorf("the store file was changed: %v %v", fi, err)
	}
}

// NaN fails every comparison, so it must be refused explicitly.
func TestTraceEpsilonRefused(t *testing.T) {
	s := emptyHome(t)
	for _, e := range []float64{0, 1, -1, 2} {
		if _, err := s.Trace(t.Context(), "leak.txt", []byte("some words"), e, 5); !errors.Is(err, service.ErrEpsilon) {
			t.Errorf("Trace with epsilon %g: %v, want ErrEpsilon", e, err)
		}
	}
	nan := math.NaN()
	if _, err := s.Trace(t.Context(), "leak.txt", []byte("some words"), nan, 5); !errors.Is(err, service.ErrEpsilon) {
		t.Errorf("Trace with epsilon NaN: %v, want ErrEpsilon", err)
	}
}
