// Package browser drives Chromium, headless, to take screenshots of HTML
// pages: how a page's reader sees it, for reading the layout marks of a
// screenshot of a copy against the page's own rendering.
//
// Each run has its own temporary profile, and the network is closed to
// the page (any host name fails to resolve): a page renders from its own
// bytes, the same every time.
package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Errors a screenshot returns, wrapped with detail.
var (
	// ErrNotInstalled: no Chromium on the PATH.
	ErrNotInstalled = errors.New("Chromium is not installed")
	// ErrScreenshot: Chromium ran but wrote no screenshot.
	ErrScreenshot = errors.New("Chromium could not take a screenshot")
)

// Timeout bounds one screenshot.
const Timeout = time.Minute

// Binary returns the path of Chromium, or ErrNotInstalled.
func Binary() (string, error) {
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

// Screenshot renders page (HTML) in a window width by height CSS pixels
// at one device pixel per CSS pixel, and returns the PNG of the window.
func Screenshot(ctx context.Context, page []byte, width, height int) ([]byte, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "leaktrace-browser-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "page.html")
	if err := os.WriteFile(in, page, 0o600); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--force-device-scale-factor=1",
		"--host-resolver-rules=MAP * ~NOTFOUND",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--screenshot="+out, "file://"+in)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: it took longer than %v", ErrScreenshot, Timeout)
	}
	b, err := os.ReadFile(out)
	if err != nil || len(b) == 0 {
		msg := bytes.TrimSpace(stderr.Bytes())
		if len(msg) > 400 {
			msg = msg[len(msg)-400:]
		}
		return nil, fmt.Errorf("%w (%v): %s", ErrScreenshot, runErr, msg)
	}
	return b, nil
}
