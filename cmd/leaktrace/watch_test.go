package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/watch"
)

// cli runs the command line and returns its exit code, standard output
// and standard error.
func watchCLI(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"--home", home}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func mustCLI(t *testing.T, home string, args ...string) string {
	t.Helper()
	code, out, errOut := watchCLI(t, home, args...)
	if code != 0 {
		t.Fatalf("leaktrace %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// webhookReceiver keeps the alerts POSTed to it.
type webhookReceiver struct {
	mu     sync.Mutex
	alerts []watch.Alert
}

func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var a watch.Alert
	if req.Method != http.MethodPost || json.NewDecoder(req.Body).Decode(&a) != nil {
		http.Error(w, "not an alert", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.alerts = append(r.alerts, a)
	r.mu.Unlock()
}

func (r *webhookReceiver) take() []watch.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.alerts
	r.alerts = nil
	return out
}

// rss is an RSS feed of items, each (title, guid, HTML content).
func rss(items [][3]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>pastes</title><link>https://paste.example.org/</link><description>recent pastes</description>`)
	for _, it := range items {
		// The item's HTML is escaped once more inside the XML, as RSS
		// carries HTML.
		fmt.Fprintf(&b, "<item><title>%s</title><guid>%s</guid><link>https://paste.example.org/%s</link><description>%s</description></item>",
			html.EscapeString(it[0]), it[1], it[1], html.EscapeString(it[2]))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// watchHome registers a document cut from the corpus (not in the
// repository) with 100 readers, each issued a copy, and returns the home
// and the copies by reader.
func watchHome(t *testing.T) (string, map[string]string, []string) {
	t.Helper()
	memos := corpus.RequireMemos(t, 1, 900, 1515)
	home := initHome(t)
	dir := t.TempDir()
	doc := filepath.Join(dir, "briefing.txt")
	os.WriteFile(doc, []byte(memos[0]), 0o600)
	mustCLI(t, home, "doc", "add", doc, "--id", "briefing", "--title", "Briefing")
	var csv strings.Builder
	csv.WriteString("id,name,email\n")
	for i := range 100 {
		fmt.Fprintf(&csv, "r%03d,Reader %d,r%03d@example.org\n", i, i, i)
	}
	readers := filepath.Join(dir, "readers.csv")
	os.WriteFile(readers, []byte(csv.String()), 0o600)
	mustCLI(t, home, "recipient", "import", readers)
	out := filepath.Join(dir, "copies")
	mustCLI(t, home, "issue", "briefing", "--all", "--out", out)
	copies := map[string]string{}
	for i := range 100 {
		id := fmt.Sprintf("r%03d", i)
		b, err := os.ReadFile(filepath.Join(out, id+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		copies[id] = string(b)
	}
	// Unrelated items: mailing-list e-mails, which share no text with
	// the document (other FOMC minutes would: their standard paragraphs
	// recur from meeting to meeting).
	var other []string
	for _, f := range corpus.RequireFiles(t, "email")[:40] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if body := corpus.Body(string(b)); len(strings.Fields(body)) >= 80 && len(other) < 4 {
			other = append(other, body)
		}
	}
	if len(other) < 4 {
		corpus.Missing(t, "too few e-mails of 80 words in the corpus")
	}
	return home, copies, other
}

// The "done when": on a document not in the repository with 100
// readers, one 'watch --dir D --feed URL --alert-webhook URL --once'
// posts exactly one alert per leak — an excerpt of one reader's copy
// HTML-escaped in a feed item, an excerpt of another's in a file of the
// folder — naming the document and the reader; unrelated items raise
// none; a second run raises none at all; each trace is in the custody
// log.
func TestWatchOnceAlertsOncePerLeak(t *testing.T) {
	home, copies, other := watchHome(t)
	rng := rand.New(rand.NewPCG(15, 15))
	leakA := attack.Excerpt(copies["r017"], 160, rng)
	leakB := attack.Excerpt(copies["r063"], 160, rng)

	body := rss([][3]string{
		{"weather", "p1", "<p>" + html.EscapeString(attack.Excerpt(other[0], 120, rng)) + "</p>"},
		{"for the record", "p2", "<p>found this:</p><blockquote>" + html.EscapeString(leakA) + "</blockquote>"},
		{"minutes", "p3", "<p>" + html.EscapeString(attack.Excerpt(other[1], 200, rng)) + "</p>"},
	})
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, body)
	}))
	defer feed.Close()
	drop := t.TempDir()
	os.WriteFile(filepath.Join(drop, "dump-0412.txt"), []byte(leakB), 0o600)
	os.WriteFile(filepath.Join(drop, "notes.txt"), []byte(attack.Excerpt(other[2], 200, rng)), 0o600)
	os.MkdirAll(filepath.Join(drop, "chat"), 0o700)
	os.WriteFile(filepath.Join(drop, "chat", "export.md"), []byte(attack.Excerpt(other[3], 150, rng)), 0o600)
	rcv := &webhookReceiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()

	args := []string{"watch", "--dir", drop, "--feed", feed.URL + "/rss", "--alert-webhook", hook.URL, "--once", "--json"}
	code, out, errOut := watchCLI(t, home, args...)
	if code != 0 {
		t.Fatalf("watch --once: exit %d\n%s%s", code, out, errOut)
	}
	var sum watch.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	alerts := rcv.take()
	if len(alerts) != 2 {
		t.Fatalf("%d alerts posted, want 2: %+v\nsummary %s", len(alerts), alerts, out)
	}
	want := map[string]string{"r017": "feed:", "r063": "dir:"}
	s, err := service.Open(t.Context(), home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, a := range alerts {
		if a.Kind != watch.KindAccusation || len(a.Documents) != 1 || a.Documents[0].ID != "briefing" || len(a.Documents[0].Accused) != 1 {
			t.Fatalf("alert %+v: want an accusation in briefing", a)
		}
		who := a.Documents[0].Accused[0]
		prefix, ok := want[who.Recipient]
		if !ok || !strings.HasPrefix(a.Source, prefix) || !(who.PValue <= 1e-6) {
			t.Fatalf("alert names %s (p %g) from %s; want r017 from the feed and r063 from the folder", who.Recipient, who.PValue, a.Source)
		}
		delete(want, who.Recipient)
		_, e, err := s.Entry(t.Context(), a.LogEntry)
		if err != nil || e.Kind != custody.KindTrace || e.LeakSHA256 == "" {
			t.Fatalf("the alert's log entry %d: %+v, %v; want a trace", a.LogEntry, e, err)
		}
	}
	if sum.Traced != sum.Items || sum.Traced < 5 || sum.Failed() {
		t.Fatalf("summary %+v: want every item traced, nothing failed", sum)
	}
	// Every item was traced and logged, the unrelated ones too.
	traces, err := s.Store.FindLogEntries(t.Context(), custody.KindTrace, "", "")
	if err != nil || len(traces) != sum.Traced {
		t.Fatalf("%d trace entries in the log (%v), want %d", len(traces), err, sum.Traced)
	}
	s.Close()

	// A second run posts nothing.
	code, out, errOut = watchCLI(t, home, args...)
	if code != 0 {
		t.Fatalf("second watch --once: exit %d\n%s%s", code, out, errOut)
	}
	if again := rcv.take(); len(again) != 0 {
		t.Fatalf("the second run posted %d alerts: %+v", len(again), again)
	}
	var sum2 watch.Summary
	json.Unmarshal([]byte(out), &sum2)
	if sum2.Traced != 0 || sum2.Alerts != 0 {
		t.Fatalf("second run: %+v, want nothing traced", sum2)
	}
}

// A feed that errors and one that hangs don't stop the others: the leak
// in the good feed is alerted, the run exits 1 naming the two.
func TestWatchOnceFailingFeeds(t *testing.T) {
	home, copies, _ := watchHome(t)
	leak := attack.Excerpt(copies["r042"], 160, rand.New(rand.NewPCG(2, 2)))
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rss([][3]string{{"leak", "g1", "<pre>" + html.EscapeString(leak) + "</pre>"}}))
	}))
	defer good.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	}))
	defer broken.Close()
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	rcv := &webhookReceiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()

	code, out, errOut := watchCLI(t, home, "watch", "--feed", broken.URL, "--feed", hung.URL, "--feed", good.URL,
		"--alert-webhook", hook.URL, "--timeout", "1s", "--once")
	if code != 1 || !strings.Contains(errOut, "leaktrace: error: the scan left something undone") {
		t.Fatalf("exit %d, want 1 with an error\n%s%s", code, out, errOut)
	}
	for _, u := range []string{broken.URL, hung.URL} {
		if !strings.Contains(out, "feed:"+u+": error:") {
			t.Errorf("the summary does not name %s as failed:\n%s", u, out)
		}
	}
	alerts := rcv.take()
	if len(alerts) != 1 || alerts[0].Documents[0].Accused[0].Recipient != "r042" {
		t.Fatalf("alerts %+v, want the good feed's leak, naming r042", alerts)
	}
}

// serve --watch-config runs leak watch beside the vault until serve stops.
func TestServeWatchConfig(t *testing.T) {
	home, copies, _ := watchHome(t)
	drop := t.TempDir()
	os.WriteFile(filepath.Join(drop, "leak.txt"), []byte(attack.Excerpt(copies["r088"], 160, rand.New(rand.NewPCG(3, 3)))), 0o600)
	rcv := &webhookReceiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	conf := filepath.Join(t.TempDir(), "watch.conf")
	os.WriteFile(conf, []byte("dir = "+drop+"\nalert-webhook = "+hook.URL+"\ninterval = 1h\n"), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"--home", home, "serve", "--addr", "127.0.0.1:0", "--watch-config", conf}, strings.NewReader(""), io.Discard, &stderr)
	}()
	var alerts []watch.Alert
	for deadline := time.Now().Add(60 * time.Second); len(alerts) == 0 && time.Now().Before(deadline); {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before the alert:\n%s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		alerts = append(alerts, rcv.take()...)
	}
	if len(alerts) != 1 || alerts[0].Documents[0].Accused[0].Recipient != "r088" {
		t.Fatalf("alerts %+v, want one naming r088\n%s", alerts, stderr.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// watch --listen takes pushed items: a leak pushed with the token is
// traced and logged before the answer, which carries its alert.
func TestWatchListenPush(t *testing.T) {
	home, copies, _ := watchHome(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	token := filepath.Join(t.TempDir(), "push.token")
	os.WriteFile(token, []byte("s3cret-push-token\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"--home", home, "watch", "--listen", addr, "--push-token-file", token}, strings.NewReader(""), io.Discard, &stderr)
	}()
	leak := attack.Excerpt(copies["r031"], 160, rand.New(rand.NewPCG(4, 4)))
	body, _ := json.Marshal(map[string]string{"id": "paste-9", "name": "paste.txt", "link": "https://paste.example.org/9", "content": leak})
	push := func(tok string) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		return http.DefaultClient.Do(req)
	}
	var resp *http.Response
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err = push("wrong"); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a push with the wrong token: %v, %v; want 401\n%s", resp, err, stderr.String())
	}
	resp.Body.Close()
	if resp, err = push("s3cret-push-token"); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var reply struct {
		Results []watch.Result `json:"results"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &reply)
	}
	if err != nil || resp.StatusCode != http.StatusOK || len(reply.Results) != 1 || reply.Results[0].LogEntry == nil {
		t.Fatalf("push: %d %s, %v; want 200 with the log entry", resp.StatusCode, raw, err)
	}
	// The pusher is not told who was accused: that goes to the alerters.
	if bytes.Contains(raw, []byte("r031")) || bytes.Contains(raw, []byte("alerts")) {
		t.Fatalf("the push answer tells the alert: %s", raw)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("watch exited %d:\n%s", code, stderr.String())
	}
	if !regexp.MustCompile(`"msg":"leak alert".*"recipient":"r031"`).MatchString(stderr.String()) {
		t.Fatalf("the pushed leak's alert was not logged:\n%s", stderr.String())
	}
}
