package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestTraceLogSameForEveryFrontEnd: 'trace --json' prints the report
// whose citation-free JSON the custody log records, and a front end
// calling the service (as a server does) records the same JSON for the
// same leak, under its own actor.
func TestTraceLogSameForEveryFrontEnd(t *testing.T) {
	s, _, copies := traceHome(t, 400, 5, 11)
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "leak")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	leak := filepath.Join(dir, "leak.txt")
	if err := os.WriteFile(leak, []byte(copies["r02"]), 0o644); err != nil {
		t.Fatal(err)
	}
	// A hidden file is left out, with a warning the log records too.
	if err := os.WriteFile(filepath.Join(dir, ".notes"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"--home", s.Dir, "--actor", "inv", "trace", "--json", dir}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("trace exited %d: %s", code, stderr.String())
	}
	var cli service.TraceJSON
	if err := json.Unmarshal(stdout.Bytes(), &cli); err != nil {
		t.Fatal(err)
	}
	if cli.LogEntry == nil || len(cli.Matches) == 0 || len(cli.Matches[0].Suspects) == 0 || !cli.Matches[0].Suspects[0].Accused ||
		cli.Matches[0].Suspects[0].Recipient != "r02" || cli.Matches[0].Suspects[0].Custody == nil || cli.Checkpoint == "" {
		t.Fatalf("the CLI's report does not accuse r02 with its citations:\n%s", stdout.String())
	}
	if len(cli.Warnings) == 0 || !strings.Contains(cli.Warnings[0], ".notes") {
		t.Fatalf("the CLI's report does not warn about the hidden file: %q", cli.Warnings)
	}
	logged := func(idx int64, actor string) []byte {
		t.Helper()
		_, e, err := s.Entry(ctx, idx)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != custody.KindTrace || e.Actor != actor || e.LeakSHA256 != cli.LeakHash {
			t.Fatalf("entry %d is %s by %q of %s, want a trace by %q of %s", idx, e.Kind, e.Actor, e.LeakSHA256, actor, cli.LeakHash)
		}
		return e.Result
	}
	// The log records the printed report without the citations, which
	// point at the log entry and the checkpoint that include it.
	uncited := cli
	uncited.LogEntry, uncited.Checkpoint = nil, ""
	uncited.Matches = append([]service.MatchJSON(nil), cli.Matches...)
	for i := range uncited.Matches {
		uncited.Matches[i].Suspects = append([]service.SuspectJSON(nil), cli.Matches[i].Suspects...)
		for j := range uncited.Matches[i].Suspects {
			uncited.Matches[i].Suspects[j].Custody = nil
		}
	}
	want, err := json.Marshal(uncited)
	if err != nil {
		t.Fatal(err)
	}
	cliLogged := logged(*cli.LogEntry, "inv")
	if !bytes.Equal(cliLogged, want) {
		t.Fatalf("the log records\n%s\nbut the CLI printed, without citations,\n%s", cliLogged, want)
	}

	// The same leak through the service, as a server would pass it.
	rep, srv, err := s.TraceAndLog(service.WithActor(ctx, "server"), []service.TraceInput{{Name: leak, Data: []byte(copies["r02"])}},
		service.TraceOptions{Epsilon: service.DefaultEpsilon, Suspects: service.DefaultSuspects, Warnings: cli.Warnings[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if srv.LogEntry == nil || *srv.LogEntry != *cli.LogEntry+1 {
		t.Fatalf("the service logged its trace as entry %v, want %d", srv.LogEntry, *cli.LogEntry+1)
	}
	if got := logged(*srv.LogEntry, "server"); !bytes.Equal(got, cliLogged) {
		t.Errorf("the service logged\n%s\nthe CLI\n%s", got, cliLogged)
	}
	if len(rep.Warnings) == 0 || rep.Warnings[0] != cli.Warnings[0] {
		t.Errorf("the report's warnings %q do not start with the input warning %q", rep.Warnings, cli.Warnings[0])
	}
	cited, first := srv.Matches[0].Suspects[0].Custody, cli.Matches[0].Suspects[0].Custody
	if cited == nil || cited.Index != first.Index || cited.TreeSize != *srv.LogEntry+1 {
		t.Errorf("the service cites %+v, want entry %d in the tree that includes its trace (%d)", cited, first.Index, *srv.LogEntry+1)
	}
}
