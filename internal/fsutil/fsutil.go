// Package fsutil writes output files the way a careful shell redirection
// would, and writes regular files so that a crash leaves either the old
// file or the new one, never a torn one.
//
// # Output paths
//
// [WriteOutput] gives a path the meaning a user expects from "> PATH":
//
//   - A device, FIFO or socket (after following symlinks) is written
//     through: opened for writing and written, never replaced. A write
//     error, such as ENOSPC from /dev/full, is returned.
//   - A descriptor alias (/dev/stdout, /dev/stderr, /dev/fd/N,
//     /proc/self/fd/N) writes to that already open descriptor.
//   - A symlink is followed: its target is what is written or created, and
//     the link stays.
//   - A regular file is written atomically: a temporary file in the
//     target's directory, synced, then linked or renamed into place, and
//     the directory synced. A new file gets the mode passed in.
//   - An existing regular file is never replaced unless force is set:
//     the error wraps [ErrExists]. A directory is refused with [ErrIsDir].
//
// [Output] adds two rules a caller may ask for: a protected directory
// (the home with the store and keys) that nothing is written inside,
// whatever symlinks lead there, and, for one file of a batch written to
// a directory, regular files only, so that a batch never blocks on a
// FIFO nobody reads or sprays copies into a device.
package fsutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

var (
	// ErrExists reports an existing regular file that was not replaced
	// because force was not set.
	ErrExists = errors.New("file already exists")
	// ErrIsDir reports an output path that is a directory.
	ErrIsDir = errors.New("is a directory")
	// ErrNotDir reports an output directory path that is not a directory.
	ErrNotDir = errors.New("not a directory")
	// ErrNoDir reports a missing directory that a new file would be
	// created in.
	ErrNoDir = errors.New("no such directory")
	// ErrNotRegular reports a device, FIFO, socket or descriptor alias
	// where only a regular file may be written (one file of a batch).
	ErrNotRegular = errors.New("is not a regular file")
	// ErrProtected reports an output path that resolves inside a
	// protected directory.
	ErrProtected = errors.New("is inside a directory nothing is written to")
)

// Kind is what an output path leads to, after following symlinks.
type Kind int

const (
	Missing   Kind = iota // nothing there yet: a regular file will be created
	Regular               // an existing regular file
	Special               // a device, FIFO, socket or descriptor alias: written through
	Directory             // a directory: refused
)

// maxLinks bounds how many symlinks are followed, as the kernel does.
const maxLinks = 40

// fdAlias matches the names of already open descriptors.
var fdAlias = regexp.MustCompile(`^/(?:dev|proc/self)/fd/([0-9]+)$`)

// aliasFD returns the descriptor that path names, if it is an alias.
func aliasFD(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	if m := fdAlias.FindStringSubmatch(path); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n, true
		}
	}
	return 0, false
}

// Probe reports what path leads to, following symlinks.
func Probe(path string) (Kind, error) {
	if _, ok := aliasFD(path); ok {
		return Special, nil
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A missing file, or a dangling symlink: both create a file.
		if _, err := target(path); err != nil {
			return Missing, err
		}
		return Missing, nil
	case err != nil:
		return Missing, err
	case st.IsDir():
		return Directory, nil
	case st.Mode().IsRegular():
		return Regular, nil
	default:
		return Special, nil
	}
}

// target follows the symlinks of path's last element and returns the path
// a regular file is written at. A dangling link yields the path it names.
func target(path string) (string, error) {
	p := path
	for range maxLinks {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", &fs.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
}

// Resolve returns the absolute path that a write to path lands at, with
// every symlink followed; for a missing file (or directories), the path
// it would be created at.
func Resolve(path string) (string, error) {
	p, err := target(path)
	if err != nil {
		return "", err
	}
	if p, err = filepath.Abs(p); err != nil {
		return "", err
	}
	dir, rest := filepath.Dir(p), filepath.Base(p)
	for {
		r, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) || parent == dir {
			return "", err
		}
		dir, rest = parent, filepath.Join(filepath.Base(dir), rest)
	}
}

// Within reports whether path, resolved, is dir or inside it.
func Within(path, dir string) (bool, error) {
	p, err := Resolve(path)
	if err != nil {
		return false, err
	}
	if dir, err = Resolve(dir); err != nil {
		return false, err
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false, nil
	}
	return rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)), nil
}

// Outside returns an error wrapping [ErrProtected] if path, with every
// symlink followed (dangling ones too), is protect or inside it. An empty
// protect protects nothing.
func Outside(path, protect string) error {
	if protect == "" {
		return nil
	}
	in, err := Within(path, protect)
	if err != nil {
		return err
	}
	if in {
		return fmt.Errorf("%s: %w: %s", path, ErrProtected, protect)
	}
	return nil
}

// Output is a user-given path to write and the rules to write it by.
type Output struct {
	Path string
	// Force allows replacing an existing regular file.
	Force bool
	// Batch marks one of many files written to a directory: only a
	// regular file (new or existing) is written; a device, FIFO, socket
	// or descriptor alias is refused with [ErrNotRegular].
	Batch bool
	// Protect is a directory that no file is created or replaced in,
	// even with Force: refused with [ErrProtected]. Empty for none.
	Protect string
}

// Check reports what o.Path leads to and returns the error that
// [Output.Write] would return before writing: [ErrIsDir] for a directory,
// [ErrExists] for an existing regular file unless Force is set, [ErrNoDir]
// for a missing file whose directory doesn't exist, [ErrNotRegular] for a
// special file in a batch, and [ErrProtected] for a file in Protect. It
// lets a caller refuse before doing work whose result can't be written.
func (o Output) Check() (Kind, error) {
	path := o.Path
	kind, err := Probe(path)
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		// A file where the path needs a directory: memo.txt/copy.txt.
		return kind, fmt.Errorf("%s: %w", path, ErrNotDir)
	case err != nil:
		return kind, err
	case kind == Directory:
		return kind, fmt.Errorf("%s: %w", path, ErrIsDir)
	case kind == Special:
		if o.Batch {
			return kind, fmt.Errorf("%s: %w", path, ErrNotRegular)
		}
		// Written through: nothing in a directory is created or replaced.
		return kind, nil
	case kind == Regular && !o.Force:
		return kind, fmt.Errorf("%s: %w", path, ErrExists)
	case kind == Missing:
		p, err := target(path)
		if err != nil {
			return kind, err
		}
		dir := filepath.Dir(p)
		st, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return kind, fmt.Errorf("%s: %w: %s", path, ErrNoDir, dir)
		}
		if err != nil {
			return kind, err
		}
		if !st.IsDir() {
			return kind, fmt.Errorf("%s: %w", dir, ErrNotDir)
		}
	}
	return kind, Outside(path, o.Protect)
}

// Write writes data to o.Path with the redirection semantics described in
// the package documentation and o's rules. perm is the mode of a newly
// written regular file.
//
// Opening and writing a FIFO or pipe waits for its reader. If ctx is done
// first (Ctrl-C), Write returns ctx's error; the abandoned write stays
// blocked in a goroutine until a reader comes or the process exits.
func (o Output) Write(ctx context.Context, data []byte, perm os.FileMode) error {
	if fd, ok := aliasFD(o.Path); ok && !o.Batch {
		return waitFor(ctx, func() error { return writeFD(o.Path, fd, data) })
	}
	kind, err := o.Check()
	if err != nil {
		return err
	}
	if kind == Special {
		return waitFor(ctx, func() error { return writeThrough(o.Path, data) })
	}
	p, err := target(o.Path)
	if err != nil {
		return err
	}
	if kind == Regular {
		return WriteFile(p, data, perm)
	}
	return CreateFile(p, data, perm)
}

// waitFor runs a write that may block and returns its error, or ctx's
// error if ctx is done first.
func waitFor(ctx context.Context, write func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- write() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeThrough writes data to an existing device, FIFO or socket without
// replacing or truncating it.
func writeThrough(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteFile atomically replaces path with data: it writes a temporary file
// in the same directory, syncs it, renames it over path and syncs the
// directory. An existing file at path is replaced; see [CreateFile].
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return writeAtomic(path, data, perm, os.Rename)
}

// CreateFile is [WriteFile] for a path that must not exist yet: if a file
// appears there meanwhile, it is left alone and the error wraps [ErrExists].
func CreateFile(path string, data []byte, perm os.FileMode) error {
	return writeAtomic(path, data, perm, func(tmp, path string) error {
		err := os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		if err == nil {
			return os.Remove(tmp)
		}
		// A file system without hard links: check, then rename.
		if _, lerr := os.Lstat(path); lerr == nil {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
		return os.Rename(tmp, path)
	})
}

func writeAtomic(path string, data []byte, perm os.FileMode, place func(tmp, path string) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = place(f.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// MkdirAll creates dir and its parents as needed, like [os.MkdirAll], and
// reports a path that exists but is not a directory (or a symlink to one)
// with [ErrNotDir].
func MkdirAll(dir string, perm os.FileMode) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	err := os.MkdirAll(dir, perm)
	if errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%s: %w", dir, ErrNotDir)
	}
	return err
}

// HashFile returns the hex SHA-256 of the file at path.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SyncDir makes the directory entries of dir durable (after renames).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
