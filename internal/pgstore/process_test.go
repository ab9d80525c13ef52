package pgstore

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"strconv"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// The environment of a child process of TestProcessesAppendAtOnce.
const (
	childURL = "LEAKTRACE_PGSTORE_CHILD_URL"
	childKey = "LEAKTRACE_PGSTORE_CHILD_KEY"
	childID  = "LEAKTRACE_PGSTORE_CHILD_ID"
)

const childChanges = 15

// TestProcessesAppendAtOnce: three processes, each with its own store on
// one database, append at once (single entries and batches). Every
// change commits and the log is gap-free, each batch contiguous, every
// checkpoint signing exactly the entries before it.
func TestProcessesAppendAtOnce(t *testing.T) {
	t.Parallel()
	skey, vkey, err := custody.GenerateKey("example.org/test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := custody.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.Database(t)
	s, err := Create(t.Context(), url, signer)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const procs = 3
	cmds := make([]*osexec.Cmd, procs)
	for i := range cmds {
		cmd := osexec.CommandContext(t.Context(), os.Args[0])
		cmd.Env = append(os.Environ(), childURL+"="+url, childKey+"="+skey, childID+"="+strconv.Itoa(i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	recs := checkLog(t, s, vkey)
	if want := procs * childChanges * 2; len(recs) != want {
		t.Fatalf("%d entries, want %d", len(recs), want)
	}
	for i, r := range recs {
		if r.Kind == "second" && (recs[i-1].Kind != "first" || recs[i-1].Document != r.Document) {
			t.Fatalf("entry %d (%s) follows %s of %s: a batch was interleaved", i, r.Document, recs[i-1].Kind, recs[i-1].Document)
		}
	}
}

// childAppends is a child process of TestProcessesAppendAtOnce, run by
// TestMain instead of the tests; it returns the exit code.
func childAppends() int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	ctx := context.Background()
	signer, err := custody.NewSigner(os.Getenv(childKey))
	if err != nil {
		return fail(err)
	}
	s, err := Open(ctx, os.Getenv(childURL), signer)
	if err != nil {
		return fail(err)
	}
	defer s.Close()
	for i := range childChanges {
		doc := fmt.Sprintf("p%s-%d", os.Getenv(childID), i)
		recs := []leaktrace.LogRecord{rec("first", doc, ""), rec("second", doc, "")}
		if i%2 == 0 {
			_, err = s.AppendLog(ctx, recs)
		} else {
			err = s.AddRecipients(ctx, []leaktrace.Recipient{{ID: doc}}, recs)
		}
		if err != nil {
			return fail(err)
		}
	}
	return 0
}
