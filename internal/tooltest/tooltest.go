// Package tooltest lets tests require the real programs leaktrace drives
// (tesseract, pdftotext, LibreOffice, Chromium). A test that needs one
// ends when it is missing: it fails under CI=true, where .ci/run installs
// every one of them, and is skipped elsewhere, saying what to install.
package tooltest

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// Require ends the test unless one of the programs names is on the PATH,
// and returns the first found. pkg is the Debian package that brings it.
func Require(tb testing.TB, pkg string, names ...string) string {
	tb.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(tb, names[0]+" is not installed (apt-get install "+pkg+"; .ci/run installs it)")
	return ""
}

// Missing ends the test for a missing program: it fails under CI=true
// and is skipped elsewhere.
func Missing(tb testing.TB, why string) {
	tb.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		tb.Fatal(why + "; CI=true, so this fails")
	}
	tb.Skip(why)
}
