package eval

import (
	"bytes"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
)

// asciiEmails returns the first n corpus emails a byte-exact copy can
// mark only with spaces at line ends: single-part text/plain, 7bit, all
// bytes US-ASCII, with at least 300 words of prose as leaktrace counts
// them (outside quotations, code and signatures), copied as .eml files
// into dir.
func asciiEmails(t *testing.T, dir string, n int) []string {
	t.Helper()
	var out []string
	for _, f := range corpus.RequireFiles(t, "email") {
		if len(out) == n {
			break
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsFunc(data, func(r rune) bool { return r >= 0x80 }) {
			continue
		}
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			continue
		}
		if cte := strings.ToLower(strings.TrimSpace(m.Header.Get("Content-Transfer-Encoding"))); cte != "" && cte != "7bit" {
			continue
		}
		if ct := m.Header.Get("Content-Type"); ct != "" {
			mt, params, err := mime.ParseMediaType(ct)
			if err != nil || mt != "text/plain" || params["charset"] != "" && !strings.EqualFold(params["charset"], "us-ascii") {
				continue
			}
		}
		name := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))+".eml")
		if a, err := leaktrace.Analyze(name, data); err != nil || a.Set.Words < 300 {
			continue
		}
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if len(out) < n {
		t.Fatalf("the corpus has %d such emails, want %d", len(out), n)
	}
	return out
}

// TestReencodedEmailPasteNamesItsReader: with --reencode, a 100-word paste
// of a 7-bit email's copy names its reader among 300 at ε = 1e-6 in at
// least 90% of trials, with no false accusation; registered byte-exact,
// the same pastes fall short of that.
func TestReencodedEmailPasteNamesItsReader(t *testing.T) {
	if testing.Short() {
		t.Skip("an evaluation of a few seconds")
	}
	files := asciiEmails(t, t.TempDir(), 3)
	for _, reencode := range []bool{true, false} {
		trials := 45
		if !reencode {
			trials = 15 // it names nobody: a few trials show it
		}
		rows, err := Run(t.Context(), Config{
			Files: files, Recipients: 300, Attacks: []string{"paste"}, Words: []int{100}, Colluders: []int{1},
			Trials: trials, Epsilon: 1e-6, Seed: 7, Reencode: reencode,
		})
		if err != nil {
			t.Fatal(err)
		}
		r := rows[0]
		if r.FalseAccusations != 0 {
			t.Errorf("reencode %t: %d false accusations", reencode, r.FalseAccusations)
		}
		if reencode && r.Identified < 0.9 {
			t.Errorf("with reencode, a 100-word paste named its reader in %.0f%% of %d trials, want >= 90%%", 100*r.Identified, r.Trials)
		}
		if !reencode && r.Identified >= 0.9 {
			t.Errorf("byte-exact, a 100-word paste named its reader in %.0f%% of %d trials: re-encoding should be what makes it", 100*r.Identified, r.Trials)
		}
	}
}
