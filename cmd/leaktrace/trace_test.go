package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// readersHome makes a home with readers r00, r01, ...
func readersHome(t *testing.T, readers int) (*service.Service, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	if err := service.Init(t.Context(), dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var rs []leaktrace.Recipient
	var ids []string
	for i := 0; i < readers; i++ {
		ids = append(ids, fmt.Sprintf("r%02d", i))
		rs = append(rs, leaktrace.Recipient{ID: ids[i]})
	}
	if err := s.AddRecipients(t.Context(), rs); err != nil {
		t.Fatal(err)
	}
	return s, ids
}

// traceHome registers a memo from the corpus and issues it to readers.
func traceHome(t *testing.T, words, readers int, seed uint64) (*service.Service, *leaktrace.Marker, map[string]string) {
	t.Helper()
	memos := corpus.RequireMemos(t, 1, words, seed)
	s, ids := readersHome(t, readers)
	if _, err := s.AddDocument(t.Context(), "memo.txt", []byte(memos[0]), "memo", ""); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(t.Context(), m, ids)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]string{}
	for _, c := range issued {
		copies[c.Recipient] = string(c.Data)
	}
	return s, m, copies
}

func humanReport(t *testing.T, s *service.Service, leak string) string {
	t.Helper()
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeReport(&b, rep)
	return b.String()
}

var verdictLine = regexp.MustCompile(`(?s)Verdict: (.*?)\n  Evidence`)

// The verdict names every accused reader, not only the first.
func TestVerdictNamesEveryAccused(t *testing.T) {
	s, _, copies := traceHome(t, 2000, 30, 41)
	colluders := []string{"r03", "r11", "r27"}
	var cs []string
	for _, r := range colluders {
		cs = append(cs, copies[r])
	}
	out := humanReport(t, s, attack.Collude(cs, rand.New(rand.NewPCG(5, 5))))
	accused := regexp.MustCompile(`(?m)^ +(r\d+) .*ACCUSED$`).FindAllStringSubmatch(out, -1)
	if len(accused) < 2 {
		t.Fatalf("%d colluders accused, want at least 2 of 3 for this test to mean anything:\n%s", len(accused), out)
	}
	v := verdictLine.FindStringSubmatch(out)
	if v == nil {
		t.Fatalf("no verdict:\n%s", out)
	}
	for _, a := range accused {
		if !strings.Contains(v[1], a[1]) {
			t.Errorf("%s is accused but the verdict does not name them: %q", a[1], v[1])
		}
	}
}

// A copy marked under another key has plenty of marks, none of them any
// reader's: the verdict says what it saw, not that marks were too few.
func TestVerdictSaysWhatItSaw(t *testing.T) {
	s, m, copies := traceHome(t, 1500, 20, 42)
	var other code.Key
	copy(other[:], "another home's marking key......")
	foreign, err := leaktrace.NewMarker(other, m.Document())
	if err != nil {
		t.Fatal(err)
	}
	leak, err := foreign.Copy("r05")
	if err != nil {
		t.Fatal(err)
	}
	out := humanReport(t, s, string(leak))
	if strings.Contains(out, "ACCUSED") || strings.Contains(out, "too few") {
		t.Fatalf("a foreign copy's report accuses or blames too few marks:\n%s", out)
	}
	if !regexp.MustCompile(`nobody is accused. [1-9]\d\d+ marks were read; the best match among the 20 readers`).MatchString(out) ||
		!strings.Contains(out, "yet no reader's copy agrees with them") {
		t.Errorf("the verdict on a foreign copy does not say what was observed:\n%s", out)
	}
	// A normalized excerpt of a real copy keeps too few marks to name
	// anyone, and says so.
	out = humanReport(t, s, attack.Normalize(attack.Excerpt(copies["r05"], 40, rand.New(rand.NewPCG(6, 6)))))
	if strings.Contains(out, "ACCUSED") {
		t.Fatalf("a normalized 40-word excerpt accused someone:\n%s", out)
	}
	if !strings.Contains(out, "too\n  few readable marks") && !strings.Contains(out, "No mark survives") {
		t.Errorf("the verdict on a short excerpt does not say it is too short:\n%s", out)
	}
}

// doc show and trace count a document's words differently (the registered
// count leaves out links and code); the trace report gives both, labelled,
// and its prose count is doc show's.
func TestTraceReportsBothWordCounts(t *testing.T) {
	var body string
	for _, f := range corpus.RequireFiles(t, "email") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if body = corpus.Body(string(b)); strings.Count(body, "http://") >= 2 && len(strings.Fields(body)) > 150 {
			break
		}
	}
	if body == "" {
		t.Fatal("no corpus email has two links and 150 words")
	}
	s, _ := readersHome(t, 0)
	d, err := s.AddDocument(t.Context(), "mail.txt", []byte(body), "mail", "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(body), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	out := service.NewTraceJSON(rep)
	if len(out.Matches) == 0 || out.Matches[0].Document != "mail" {
		t.Fatalf("the text did not match its document: %+v", out.Matches)
	}
	m := out.Matches[0]
	if m.ProseWords != d.Words {
		t.Errorf("trace gives %d prose words, doc show %d", m.ProseWords, d.Words)
	}
	if m.DocumentWords == d.Words {
		t.Fatalf("the email's counts agree (%d); this test needs one with links", d.Words)
	}
	var b bytes.Buffer
	writeReport(&b, rep)
	if want := fmt.Sprintf("'doc show' counts the %d words", d.Words); !strings.Contains(b.String(), want) {
		t.Errorf("the report does not say %q:\n%s", want, b.String())
	}
}
