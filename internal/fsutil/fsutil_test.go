//go:build unix

package fsutil

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "copy.txt")
	for _, data := range []string{"first\n", "second, longer\n"} {
		if err := WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != data {
			t.Fatalf("read %q (%v), want %q", got, err, data)
		}
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	noTemps(t, dir)
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir"), nil, 0o600); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
	if err := SyncDir(dir); err != nil {
		t.Fatal(err)
	}
}

var ctx = context.Background()

// noTemps fails if a temporary file was left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Fatal(err)
	}
}

func isSymlink(t *testing.T, p string) bool {
	t.Helper()
	st, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode()&fs.ModeSymlink != 0
}

func TestWriteOutputNewFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "copy.txt")
	if k, err := Probe(p); err != nil || k != Missing {
		t.Fatalf("Probe = %v, %v; want Missing", k, err)
	}
	if err := (Output{Path: p, Force: false}).Write(ctx, []byte("copy\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "copy\n" {
		t.Fatalf("read %q", got)
	}
	st, _ := os.Stat(p)
	if !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want a 0600 regular file", st.Mode())
	}
	noTemps(t, dir)
}

func TestWriteOutputNeverClobbersWithoutForce(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "source.txt")
	writeFile(t, p, "the source document\n")
	if k, err := Probe(p); err != nil || k != Regular {
		t.Fatalf("Probe = %v, %v; want Regular", k, err)
	}
	err := (Output{Path: p, Force: false}).Write(ctx, []byte("copy\n"), 0o600)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if got := readFile(t, p); got != "the source document\n" {
		t.Fatalf("existing file changed to %q", got)
	}
	if err := (Output{Path: p, Force: true}).Write(ctx, []byte("copy\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "copy\n" {
		t.Fatalf("with force: read %q", got)
	}
	noTemps(t, dir)
}

func TestCreateFileRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "copy.txt")
	writeFile(t, p, "first\n")
	if err := CreateFile(p, []byte("second\n"), 0o600); !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if got := readFile(t, p); got != "first\n" {
		t.Fatalf("existing file changed to %q", got)
	}
	noTemps(t, dir)
}

func TestWriteOutputFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}

	// A link to an existing regular file: refused without force, and with
	// force the target is replaced and the link stays a link.
	tgt := filepath.Join(sub, "target.txt")
	writeFile(t, tgt, "old\n")
	link := filepath.Join(dir, "link.txt")
	symlink(t, "sub/target.txt", link)
	if err := (Output{Path: link, Force: false}).Write(ctx, []byte("new\n"), 0o600); !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if err := (Output{Path: link, Force: true}).Write(ctx, []byte("new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !isSymlink(t, link) {
		t.Fatal("the symlink was replaced")
	}
	if got := readFile(t, tgt); got != "new\n" {
		t.Fatalf("target holds %q", got)
	}
	noTemps(t, dir)
	noTemps(t, sub)

	// A chain of links, the last one dangling: the file is created where
	// it points, as "> link" does.
	dangling := filepath.Join(dir, "dangling")
	symlink(t, filepath.Join(sub, "new.txt"), dangling)
	chain := filepath.Join(dir, "chain")
	symlink(t, "dangling", chain)
	if err := (Output{Path: chain, Force: false}).Write(ctx, []byte("created\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !isSymlink(t, chain) || !isSymlink(t, dangling) {
		t.Fatal("a symlink was replaced")
	}
	if got := readFile(t, filepath.Join(sub, "new.txt")); got != "created\n" {
		t.Fatalf("target holds %q", got)
	}

	// A loop of links is an error, not a hang.
	loop := filepath.Join(dir, "loop")
	symlink(t, "loop", loop)
	if err := (Output{Path: loop, Force: false}).Write(ctx, []byte("x"), 0o600); err == nil {
		t.Fatal("writing through a symlink loop succeeded")
	}
}

func TestWriteOutputRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	symlink(t, ".", link)
	for _, p := range []string{dir, link} {
		if k, err := Probe(p); err != nil || k != Directory {
			t.Fatalf("Probe(%s) = %v, %v; want Directory", p, k, err)
		}
		if err := (Output{Path: p, Force: true}).Write(ctx, []byte("x"), 0o600); !errors.Is(err, ErrIsDir) {
			t.Fatalf("%s: err = %v, want ErrIsDir", p, err)
		}
	}
}

func TestWriteOutputDevNull(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skipf("no %s: %v", os.DevNull, err)
	}
	if k, err := Probe(os.DevNull); err != nil || k != Special {
		t.Fatalf("Probe = %v, %v; want Special", k, err)
	}
	if err := (Output{Path: os.DevNull, Force: false}).Write(ctx, []byte("copy\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(os.DevNull)
	if err != nil || st.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v %v", os.DevNull, st.Mode(), err)
	}
}

func TestWriteOutputDevFullFails(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	err := (Output{Path: "/dev/full", Force: true}).Write(ctx, []byte("copy\n"), 0o600)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	st, err := os.Stat("/dev/full")
	if err != nil || st.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/full is no longer a character device: %v %v", st.Mode(), err)
	}
}

func TestWriteOutputFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	symlink(t, "fifo", link)
	for _, p := range []string{fifo, link} {
		if k, err := Probe(p); err != nil || k != Special {
			t.Fatalf("Probe(%s) = %v, %v; want Special", p, k, err)
		}
		got := make(chan string, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- err.Error()
				return
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			got <- string(b)
		}()
		data := bytes.Repeat([]byte("copy line\n"), 20000) // more than a pipe buffer
		if err := (Output{Path: p}).Write(ctx, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if g := <-got; g != string(data) {
			t.Fatalf("%s: reader got %d bytes, want %d", p, len(g), len(data))
		}
		st, err := os.Lstat(fifo)
		if err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
			t.Fatalf("the FIFO was replaced: %v %v", st.Mode(), err)
		}
	}
	if !isSymlink(t, link) {
		t.Fatal("the symlink was replaced")
	}
	noTemps(t, dir)
}

func TestWriteOutputDescriptorAlias(t *testing.T) {
	if _, err := os.Stat("/dev/fd"); err != nil {
		t.Skipf("no /dev/fd: %v", err)
	}
	// A pipe, as "-o >(wc -c)" passes it.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	alias := "/dev/fd/" + strconv.Itoa(int(w.Fd()))
	if k, err := Probe(alias); err != nil || k != Special {
		t.Fatalf("Probe(%s) = %v, %v; want Special", alias, k, err)
	}
	if err := (Output{Path: alias, Force: false}).Write(ctx, []byte("through the pipe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "through the pipe\n" {
		t.Fatalf("pipe got %q", b)
	}

	// A regular file open for writing: the copy goes where the descriptor
	// stands, the file is not replaced.
	p := filepath.Join(t.TempDir(), "out.txt")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("before\n"); err != nil {
		t.Fatal(err)
	}
	if err := (Output{Path: "/proc/self/fd/" + strconv.Itoa(int(f.Fd())), Force: false}).Write(ctx, []byte("after\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "before\nafter\n" {
		t.Fatalf("file holds %q", got)
	}
}

func TestMkdirAll(t *testing.T) {
	dir := t.TempDir()
	nested := filepath.Join(dir, "a", "b")
	if err := MkdirAll(nested, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	symlink(t, "a/b", link)
	if err := MkdirAll(link, 0o700); err != nil {
		t.Fatalf("a symlink to a directory: %v", err)
	}
	file := filepath.Join(dir, "file")
	writeFile(t, file, "x")
	for _, p := range []string{file, filepath.Join(file, "sub")} {
		if err := MkdirAll(p, 0o700); !errors.Is(err, ErrNotDir) {
			t.Fatalf("MkdirAll(%s) = %v, want ErrNotDir", p, err)
		}
	}
}

func TestHashFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	writeFile(t, p, "hello\n")
	sum := sha256.Sum256([]byte("hello\n"))
	got, err := HashFile(p)
	if err != nil || got != hex.EncodeToString(sum[:]) {
		t.Fatalf("HashFile = %q, %v", got, err)
	}
}

// TestWriteOutputFIFOCancel checks that a FIFO nobody reads doesn't hold
// the writer past a cancellation (Ctrl-C).
func TestWriteOutputFIFOCancel(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (Output{Path: fifo, Force: false}).Write(ctx, []byte("copy\n"), 0o600) }()
	time.AfterFunc(100*time.Millisecond, cancel) // once the open waits for a reader
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// Let the abandoned write finish, so no goroutine stays blocked.
	f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestWithin(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, "leaktrace.db"), "")
	symlink(t, "home/leaktrace.db", filepath.Join(dir, "db-link"))
	symlink(t, "home", filepath.Join(dir, "home-link"))
	symlink(t, "home/new", filepath.Join(dir, "dangling"))
	for p, want := range map[string]bool{
		home:                                    true,
		filepath.Join(home, "leaktrace.db"):     true,
		filepath.Join(dir, "db-link"):           true,
		filepath.Join(dir, "home-link", "x"):    true,
		filepath.Join(dir, "dangling"):          true,
		filepath.Join(home, "..", "copy.txt"):   false,
		filepath.Join(dir, "home2"):             false,
		filepath.Join(dir, "home-link", ".."):   false,
		filepath.Join(dir, "copies", "r1.txt"):  false,
		filepath.Join(home, "copies", "r1.txt"): true,
	} {
		got, err := Within(p, filepath.Join(dir, "home-link"))
		if err != nil || got != want {
			t.Errorf("Within(%s) = %v, %v; want %v", p, got, err, want)
		}
	}
}

func TestCheckOutputMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	writeFile(t, file, "x")
	if _, err := (Output{Path: filepath.Join(dir, "no", "copy.txt"), Force: true}).Check(); !errors.Is(err, ErrNoDir) {
		t.Errorf("missing directory: err = %v, want ErrNoDir", err)
	}
	if _, err := (Output{Path: filepath.Join(file, "copy.txt"), Force: true}).Check(); !errors.Is(err, ErrNotDir) {
		t.Errorf("a file as directory: err = %v, want ErrNotDir", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Check created a directory: %v", err)
	}
}

func TestWithinMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	symlink(t, "home/new.txt", filepath.Join(dir, "dangling"))
	home := filepath.Join(dir, "home")
	for p, want := range map[string]bool{
		filepath.Join(dir, "dangling"):  true,
		filepath.Join(home, "x", "y"):   true,
		filepath.Join(dir, "other.txt"): false,
	} {
		if got, err := Within(p, home); err != nil || got != want {
			t.Errorf("Within(%s) with no home yet = %v, %v; want %v", p, got, err, want)
		}
	}
}

// TestOutputProtect: nothing is created or replaced inside the protected
// directory, whatever symlinks, dangling or not, lead there, even with
// Force, in a batch or not.
func TestOutputProtect(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(home, "leaktrace.db")
	writeFile(t, db, "store")
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	symlink(t, "../home/leaktrace.db", filepath.Join(out, "alice.txt"))
	symlink(t, "../home/planted.txt", filepath.Join(out, "bob.txt"))
	symlink(t, "../home", filepath.Join(out, "homelink"))
	for _, p := range []string{
		filepath.Join(out, "alice.txt"),
		filepath.Join(out, "bob.txt"),
		filepath.Join(out, "homelink", "carol.txt"),
		filepath.Join(home, "dave.txt"),
		db,
	} {
		for _, batch := range []bool{false, true} {
			o := Output{Path: p, Force: true, Batch: batch, Protect: home}
			if _, err := o.Check(); !errors.Is(err, ErrProtected) {
				t.Errorf("Check(%s, batch %v): err = %v, want ErrProtected", p, batch, err)
			}
			if err := o.Write(ctx, []byte("copy"), 0o600); !errors.Is(err, ErrProtected) {
				t.Errorf("Write(%s, batch %v): err = %v, want ErrProtected", p, batch, err)
			}
		}
	}
	if got := readFile(t, db); got != "store" {
		t.Fatalf("the store was overwritten: %q", got)
	}
	if left, _ := os.ReadDir(home); len(left) != 1 {
		t.Fatalf("files were created in the home: %v", left)
	}
	// Outside the home, the same rules write as usual.
	o := Output{Path: filepath.Join(out, "erin.txt"), Batch: true, Protect: home}
	if err := o.Write(ctx, []byte("copy"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOutputBatchRegularOnly: one file of a batch is never a FIFO (which
// would block until read), a device or a descriptor; they are refused
// before anything is opened, and stay as they are.
func TestOutputBatchRegularOnly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "r1.md")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	symlink(t, "r1.md", filepath.Join(dir, "r2.md"))
	paths := []string{fifo, filepath.Join(dir, "r2.md"), "/dev/stdout", "/dev/fd/1"}
	if _, err := os.Stat(os.DevNull); err == nil {
		symlink(t, os.DevNull, filepath.Join(dir, "r3.md"))
		paths = append(paths, filepath.Join(dir, "r3.md"))
	}
	for _, p := range paths {
		o := Output{Path: p, Force: true, Batch: true}
		if k, err := o.Check(); k != Special || !errors.Is(err, ErrNotRegular) {
			t.Errorf("Check(%s) = %v, %v; want Special, ErrNotRegular", p, k, err)
		}
		done := make(chan error, 1)
		go func() { done <- o.Write(ctx, []byte("copy"), 0o600) }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Write(%s): err = %v, want ErrNotRegular", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Write(%s) blocked", p)
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v", err)
	}
	if !isSymlink(t, filepath.Join(dir, "r2.md")) {
		t.Fatal("the symlink was replaced")
	}
}
