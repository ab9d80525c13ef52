// Package office drives LibreOffice, headless, to convert documents: to
// make DOCX and PDF sources from text in tests, to check that a copy
// opens, and to lay out a DOCX the way a word processor prints it.
//
// Each conversion runs in its own temporary directory with its own
// LibreOffice profile, so conversions may run at once and never touch
// the user's profile.
package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Errors a conversion returns, wrapped with detail.
var (
	// ErrNotInstalled: no LibreOffice (soffice) on the PATH.
	ErrNotInstalled = errors.New("LibreOffice (soffice) is not installed")
	// ErrConvert: LibreOffice ran but wrote no output.
	ErrConvert = errors.New("LibreOffice could not convert the document")
)

// Timeout bounds one conversion.
const Timeout = 2 * time.Minute

// Binary returns the path of soffice, or ErrNotInstalled.
func Binary() (string, error) {
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

// Convert converts data, the content of a file named name (its extension
// tells LibreOffice the input format), to the format to, as
// LibreOffice's --convert-to takes it: "pdf", "docx", "txt:Text
// (encoded):UTF8", "html". ext is the output file's extension ("pdf",
// "docx", "txt").
func Convert(ctx context.Context, name string, data []byte, to, ext string) ([]byte, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "leaktrace-office-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	base := "in" + strings.ToLower(filepath.Ext(name))
	if err := os.WriteFile(filepath.Join(dir, base), data, 0o600); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--nolockcheck", "--nodefault",
		"--convert-to", to, "--outdir", out, filepath.Join(dir, base))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %s took longer than %v", ErrConvert, name, Timeout)
	}
	b, err := os.ReadFile(filepath.Join(out, "in."+ext))
	if err != nil || len(b) == 0 {
		msg := strings.TrimSpace(stderr.String())
		if runErr != nil {
			msg = runErr.Error() + ": " + msg
		}
		return nil, fmt.Errorf("%w: %s to %s: %s", ErrConvert, name, ext, msg)
	}
	return b, nil
}
