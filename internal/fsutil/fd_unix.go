//go:build unix

package fsutil

import (
	"io/fs"
	"os"
	"syscall"
)

// writeFD writes data to a duplicate of the open descriptor fd, so that
// it continues where the descriptor stands, as a shell does for /dev/fd/N.
func writeFD(path string, fd int, data []byte) error {
	dup, err := syscall.Dup(fd)
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(dup), path)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
