package main

import (
	"errors"
	"io"
	"os"

	"github.com/leaktrace/leaktrace/internal/fsutil"
)

// output returns the rules every output path the user names is written by
// (issue -o, each file of issue --all, eval --plot): like a shell
// redirection, never replacing an existing file unless force is set, and
// never creating or replacing a file inside the home, which holds the
// store and the keys, whatever symlinks lead there.
func (a *app) output(path string, force bool) fsutil.Output {
	home, err := a.homeDir()
	if err != nil {
		home = "" // no home can be named, so none can be written into
	}
	return fsutil.Output{Path: path, Force: force, Protect: home}
}

// errStdoutClosed reports a copy for a standard output that was closed.
var errStdoutClosed = errors.New("standard output is closed")

// closedStdout is a standard output that was closed when leaktrace
// started (see stdio). Messages written to it are discarded, as before;
// issue refuses to write a copy to it.
type closedStdout struct{ io.Writer }

// stdoutOpen returns errStdoutClosed if standard output was closed, so
// that issue refuses before a copy whose bytes would be lost is recorded.
func (a *app) stdoutOpen() error {
	if _, ok := a.stdout.(closedStdout); ok {
		return errStdoutClosed
	}
	return nil
}

// isStdout reports whether path is where standard output goes: a
// descriptor alias of it (/dev/stdout, /dev/fd/1, a link to either), or
// the very file standard output was redirected to.
func (a *app) isStdout(path string) bool {
	f, ok := a.stdoutFile.(*os.File)
	if !ok {
		return false
	}
	out, err := f.Stat()
	if err != nil {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && os.SameFile(st, out)
}
