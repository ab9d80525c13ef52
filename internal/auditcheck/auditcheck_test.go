package auditcheck_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite" // to tamper with the store as an insider would
)

// TestImportsNoProjectCode: the auditor's verifier must not borrow
// leaktrace's own code, or it would share its bugs.
func TestImportsNoProjectCode(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "auditcheck_test.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "github.com/leaktrace/") {
			t.Errorf("the auditor's check imports %s", p)
		}
	}
}

// cli runs a leaktrace binary built from the module on one home.
type cli struct {
	t    *testing.T
	bin  string
	home string
}

// buildCLI builds leaktrace from this module. It first reads the module's
// sources: go test caches a passing result by the files a test opens, and
// the binary's sources are not this test's dependencies, so without this a
// change that broke the CLI would keep a stale pass.
func buildCLI(t *testing.T) string {
	t.Helper()
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" && path != "../..") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); ext == ".go" || d.Name() == "go.mod" || d.Name() == "go.sum" {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build leaktrace: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "leaktrace")
	b, err := exec.Command(gobin, "build", "-o", bin, "github.com/leaktrace/leaktrace/cmd/leaktrace").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return bin
}

func (c cli) run(args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.Command(c.bin, append([]string{"--home", c.home}, args...)...)
	cmd.Env = append(os.Environ(), "LEAKTRACE_ACTOR=auditcheck")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

func (c cli) ok(args ...string) []byte {
	c.t.Helper()
	o, e, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("leaktrace %s: %v\n%s%s", strings.Join(args, " "), err, o, e)
	}
	return o
}

// checkpoint is a C2SP tlog-checkpoint body.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies a signed checkpoint with v and parses its body.
func openCheckpoint(t *testing.T, msg []byte, v note.Verifier) checkpoint {
	t.Helper()
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		t.Fatalf("checkpoint signature: %v\n%s", err, msg)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		t.Fatalf("checkpoint body %q: want origin, size, root", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		t.Fatalf("checkpoint size %q: %v", lines[1], err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		t.Fatalf("checkpoint root %q: %v", lines[2], err)
	}
	if lines[0] != v.Name() {
		t.Fatalf("checkpoint of %q, the key is for %q", lines[0], v.Name())
	}
	return checkpoint{lines[0], size, tlog.Hash(root)}
}

func decodeHashes(t *testing.T, b64 []string) []tlog.Hash {
	t.Helper()
	out := make([]tlog.Hash, len(b64))
	for i, s := range b64 {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			t.Fatalf("proof hash %q: %v", s, err)
		}
		out[i] = tlog.Hash(b)
	}
	return out
}

// entry is what the auditor reads from a leaf.
type entry struct {
	Kind       string `json:"kind"`
	Document   string `json:"document"`
	Recipient  string `json:"recipient"`
	CopySHA256 string `json:"copy_sha256"`
}

// checkAllEntries checks every entry of the tree behind cp: its raw bytes
// and its proof, against the signed root. It returns the decoded entries.
func checkAllEntries(t *testing.T, c cli, cp checkpoint) []entry {
	t.Helper()
	var out []entry
	for i := range cp.size {
		raw := c.ok("log", "show", strconv.FormatInt(i, 10), "--raw")
		var p struct {
			Index    int64    `json:"index"`
			TreeSize int64    `json:"tree_size"`
			LeafHash string   `json:"leaf_hash"`
			Proof    []string `json:"proof"`
		}
		if err := json.Unmarshal(c.ok("log", "proof", strconv.FormatInt(i, 10), "--size", strconv.FormatInt(cp.size, 10)), &p); err != nil {
			t.Fatal(err)
		}
		leaf := tlog.RecordHash(raw)
		if p.Index != i || p.TreeSize != cp.size || p.LeafHash != base64.StdEncoding.EncodeToString(leaf[:]) {
			t.Fatalf("entry %d: proof %+v does not describe the raw leaf", i, p)
		}
		if err := tlog.CheckRecord(decodeHashes(t, p.Proof), cp.size, cp.root, i, leaf); err != nil {
			t.Fatalf("entry %d does not verify against the checkpoint: %v", i, err)
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("entry %d: %v: %s", i, err, raw)
		}
		out = append(out, e)
	}
	return out
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// TestAuditorChecksTheLog is the custody log's acceptance test, from the
// outside: signatures, entries, proofs, tampering and rollback.
func TestAuditorChecksTheLog(t *testing.T) {
	dir := t.TempDir()
	c := cli{t: t, bin: buildCLI(t), home: filepath.Join(dir, "home")}
	readers := filepath.Join(dir, "readers.csv")
	os.WriteFile(readers, []byte("id,name,email\nr1,Ann,\nr2,Bo,\nr3,Cy,\nr4,Di,\n"), 0o600)
	c.ok("init", "--origin", "auditor.example/leaktrace")
	c.ok("doc", "add", "../../cmd/leaktrace/sample/memo.txt")
	c.ok("recipient", "import", readers)
	out := filepath.Join(dir, "copies")
	c.ok("issue", "memo", "--all", "--out", out)

	// The auditor takes the verifier key once, through a channel they trust.
	v, err := note.NewVerifier(strings.TrimSpace(string(c.ok("log", "key"))))
	if err != nil {
		t.Fatal(err)
	}
	oldMsg := c.ok("log", "checkpoint")
	old := openCheckpoint(t, oldMsg, v)
	if old.size != 10 { // init, document, 4 readers, 4 copies
		t.Fatalf("checkpoint size %d, want 10", old.size)
	}
	entries := checkAllEntries(t, c, old)

	// Every issued copy's entry names its reader and the copy's bytes.
	for _, r := range []string{"r1", "r2", "r3", "r4"} {
		data, err := os.ReadFile(filepath.Join(out, r+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		found := false
		for _, e := range entries {
			if e.Kind == "copy" && e.Document == "memo" && e.Recipient == r && e.CopySHA256 == hex.EncodeToString(sum[:]) {
				found = true
			}
		}
		if !found {
			t.Errorf("no log entry names %s as the reader of the copy %s.txt", r, r)
		}
	}

	// An old copy of the store, as a backup would keep it.
	backup := filepath.Join(dir, "backup")
	copyDir(t, c.home, backup)

	// The log grows; the new checkpoint extends the old one.
	c.ok("recipient", "add", "r5")
	c.ok("issue", "memo", "r5", "-o", filepath.Join(dir, "r5.txt"))
	c.ok("recipient", "add", "r6") // a reader with no copy yet
	newMsg := c.ok("log", "checkpoint")
	cur := openCheckpoint(t, newMsg, v)
	if cur.size != 13 {
		t.Fatalf("checkpoint size %d, want 13", cur.size)
	}
	var cons struct {
		OldSize int64    `json:"old_size"`
		NewSize int64    `json:"new_size"`
		Proof   []string `json:"proof"`
	}
	if err := json.Unmarshal(c.ok("log", "consistency", "10", "13"), &cons); err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(decodeHashes(t, cons.Proof), cur.size, cur.root, old.size, old.root); err != nil {
		t.Fatalf("the new checkpoint does not extend the old: %v", err)
	}
	checkAllEntries(t, c, cur)
	kept := filepath.Join(dir, "kept.checkpoint") // the auditor's copy
	os.WriteFile(kept, newMsg, 0o600)
	c.ok("log", "verify", "--checkpoint", kept)

	// Rewriting a reader's id in any column is caught by log verify: the
	// reader's own row, a copy pinned on another (real) reader, and both
	// at once, as an insider keeping the foreign keys happy would.
	for _, q := range []string{
		`UPDATE recipients SET id = 'r9' WHERE id = 'r2'`,
		`UPDATE copies SET recipient = 'r6' WHERE recipient = 'r2'`,
		`UPDATE copies SET recipient = 'r9' WHERE recipient = 'r2'; UPDATE recipients SET id = 'r9' WHERE id = 'r2'`,
	} {
		t.Run(q, func(t *testing.T) {
			tc := cli{t: t, bin: c.bin, home: filepath.Join(t.TempDir(), "home")}
			copyDir(t, c.home, tc.home)
			db, err := sql.Open("sqlite", filepath.Join(tc.home, "leaktrace.db"))
			if err != nil {
				t.Fatal(err)
			}
			if res, err := db.Exec(q); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s changed %d rows", q, n)
			}
			db.Close()
			o, e, err := tc.run("log", "verify")
			if err == nil {
				t.Fatalf("log verify passed a store with %s:\n%s", q, o)
			}
			if !strings.Contains(string(e), "does not verify") {
				t.Fatalf("log verify failed without saying why: %s%s", o, e)
			}
		})
	}

	// Restoring the older store: a consistent, older log, so it verifies on
	// its own — but not against the newer checkpoint the auditor kept.
	os.RemoveAll(c.home)
	copyDir(t, backup, c.home)
	c.ok("log", "verify")
	o, e, err := c.run("log", "verify", "--checkpoint", kept)
	if err == nil {
		t.Fatalf("log verify --checkpoint passed a rolled-back store:\n%s", o)
	}
	if !strings.Contains(string(o)+string(e), "rolled back") {
		t.Fatalf("rollback not named: %s%s", o, e)
	}
}
