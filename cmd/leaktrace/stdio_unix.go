//go:build unix

package main

import (
	"io"
	"os"
	"syscall"
)

// stdio returns the process's standard streams. A standard output that
// was closed when leaktrace started ("leaktrace issue ... >&-") has been
// reopened by the Go runtime on /dev/null, read-write, so that no file
// opened later takes its descriptor; it is returned as a closedStdout,
// which writes through (to /dev/null) but lets issue refuse to record a
// copy whose bytes would be lost. A shell's ">/dev/null" opens it
// write-only and is an ordinary standard output.
func stdio() (io.Reader, io.Writer, io.Writer) {
	var stdout io.Writer = os.Stdout
	if reopenedNull(1) {
		stdout = closedStdout{os.Stdout}
	}
	return os.Stdin, stdout, os.Stderr
}

// reopenedNull reports whether fd is /dev/null opened read-write, as the
// Go runtime reopens a standard descriptor that was closed.
func reopenedNull(fd int) bool {
	var st, null syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != null.Rdev {
		return false
	}
	flags, err := fcntl(fd, syscall.F_GETFL)
	return err == nil && flags&syscall.O_ACCMODE == syscall.O_RDWR
}

func fcntl(fd, cmd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}
