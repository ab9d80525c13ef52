//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssueDOCXRefusesATerminal: a DOCX copy is a ZIP package; issue
// refuses to write it to a terminal, before recording it, with a hint.
func TestIssueDOCXRefusesATerminal(t *testing.T) {
	_, tty := openPTY(t)
	dir := t.TempDir()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+
		`<w:p><w:r><w:t>The committee reviewed the economic situation at length before it turned to the outlook for policy.</w:t></w:r></w:p></w:body></w:document>`)
	zw.Close()
	doc := filepath.Join(dir, "memo.docx")
	if err := os.WriteFile(doc, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	for _, args := range [][]string{{"init"}, {"doc", "add", doc, "--id", "memo"}, {"recipient", "add", "r1"}} {
		if code, stderr := runCLI(t, append([]string{"--home", home}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	checkpoint := func() string {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"--home", home, "log", "checkpoint"}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("log checkpoint: %s", errb.String())
		}
		return out.String()
	}
	before := checkpoint()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--home", home, "issue", "memo", "r1"}, strings.NewReader(""), tty, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "will not write a DOCX file to a terminal") || !strings.Contains(stderr.String(), "hint: write it to a file with -o FILE") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if checkpoint() != before {
		t.Fatal("the refused copy was logged")
	}
}
