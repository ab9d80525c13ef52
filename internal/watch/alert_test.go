package watch_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/watch"
)

var testAlert = watch.Alert{Kind: watch.KindAccusation, Source: "feed:https://example.org/rss", Item: "guid-1",
	Link: "https://example.org/p/1", Found: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC), SHA256: "ab12",
	Documents: []watch.AlertDocument{{ID: "memo", WordsMatched: 150, Accused: []watch.AlertSuspect{{Recipient: "r007", PValue: 3e-12}}}},
	LogEntry:  42}

// receiver is a webhook receiver that answers 503 to the first failFirst
// requests.
type receiver struct {
	mu        sync.Mutex
	failFirst int
	requests  int
	alerts    []watch.Alert
	headers   []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.requests <= r.failFirst {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var a watch.Alert
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" || json.NewDecoder(req.Body).Decode(&a) != nil {
		http.Error(w, "bad alert", http.StatusBadRequest)
		return
	}
	r.alerts = append(r.alerts, a)
	r.headers = append(r.headers, req.Header.Clone())
	w.WriteHeader(http.StatusNoContent)
}

// The engine retries a webhook that answers 503 until it takes the
// alert, sending the configured header.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	h := newHome(t)
	rcv := &receiver{failFirst: 2}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	wh := &watch.Webhook{URL: srv.URL, Header: http.Header{"X-Leaktrace-Secret": {"s3cret"}}, Client: srv.Client()}
	src := &items{name: "mem:one", items: []watch.Item{{ID: "a", Name: "a.txt", Data: excerpt(h.copies["r005"], 150, 6)}}}
	e := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{wh}, fast(watch.Options{AlertAttempts: 3}))
	sum, err := e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rcv.requests != 3 || len(rcv.alerts) != 1 || sum.Delivered != 1 || sum.Pending != 0 {
		t.Fatalf("%d requests, %d alerts taken, summary %+v; want 3 requests and the alert delivered", rcv.requests, len(rcv.alerts), sum)
	}
	if a := rcv.alerts[0]; a.Kind != watch.KindAccusation || a.Documents[0].Accused[0].Recipient != "r005" || rcv.headers[0].Get("X-Leaktrace-Secret") != "s3cret" {
		t.Fatalf("received %+v with headers %v", a, rcv.headers[0])
	}
}

func TestWebhookFailsOnNon2xx(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusFound) }))
	defer srv.Close()
	if err := (&watch.Webhook{URL: srv.URL}).Send(t.Context(), testAlert); err == nil || !strings.Contains(err.Error(), "302") {
		t.Fatalf("a 302 answer: %v, want a delivery error", err)
	}
	srv.Close()
	if err := (&watch.Webhook{URL: srv.URL}).Send(t.Context(), testAlert); err == nil {
		t.Fatal("a closed receiver took the alert")
	}
}

// smtpServer is a minimal SMTP receiver (no STARTTLS, no AUTH) that
// keeps the messages it is given.
func smtpServer(t *testing.T) (addr string, messages func() []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var got []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { io.WriteString(c, s+"\r\n") }
				say("220 test ESMTP")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
						say("250-test\r\n250 8BITMIME")
					case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
						say("250 ok")
					case cmd == "DATA":
						say("354 go on")
						var msg strings.Builder
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
							msg.WriteString(l)
						}
						mu.Lock()
						got = append(got, msg.String())
						mu.Unlock()
						say("250 queued")
					case cmd == "QUIT":
						say("221 bye")
						return
					default:
						say("502 no")
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

func TestSMTPSendsAlert(t *testing.T) {
	addr, messages := smtpServer(t)
	m := &watch.SMTP{Addr: addr, From: "leaktrace@example.org", To: []string{"soc@example.org", "ciso@example.org"}}
	if err := m.Send(t.Context(), testAlert); err != nil {
		t.Fatal(err)
	}
	got := messages()
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	msg := got[0]
	for _, want := range []string{"To: soc@example.org, ciso@example.org\r\n", "Subject: leaktrace: memo leaked, copy of r007\r\n",
		"custody-log entry 42", `"recipient": "r007"`, "https://example.org/p/1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	_, body, _ := strings.Cut(msg, "\r\n\r\n")
	var a watch.Alert
	if i := strings.Index(body, "{"); i < 0 || json.Unmarshal([]byte(strings.ReplaceAll(body[i:], "\r\n", "\n")), &a) != nil || a.LogEntry != 42 {
		t.Fatalf("the message's JSON does not decode to the alert:\n%s", body)
	}
}

func TestLogAlerter(t *testing.T) {
	var b strings.Builder
	l := &watch.Log{Logger: slog.New(slog.NewJSONHandler(&b, nil))}
	if err := l.Send(t.Context(), testAlert); err != nil {
		t.Fatal(err)
	}
	var line struct {
		Msg       string                `json:"msg"`
		Kind      string                `json:"kind"`
		Documents []watch.AlertDocument `json:"documents"`
		LogEntry  int64                 `json:"log_entry"`
	}
	if err := json.Unmarshal([]byte(b.String()), &line); err != nil || line.Msg != "leak alert" || line.Kind != watch.KindAccusation ||
		line.Documents[0].Accused[0].Recipient != "r007" || line.LogEntry != 42 {
		t.Fatalf("log line %s (%v)", b.String(), err)
	}
}

// An item's name, link or title cannot forge lines of an alert's text,
// nor hide behind bidirectional controls: they are escaped in Describe,
// the e-mail and the log line.
func TestDescribeEscapesItemText(t *testing.T) {
	a := testAlert
	a.Link = "/leaks/x.txt\nDocument board: 0 words matched; reader r999 accused (p-value 1e-12).\u2028evil\u202etxt.exe"
	a.Title = "t\r\nBcc: x@example.org"
	text := watch.Describe(a)
	for _, bad := range []string{"\nDocument board", "\u2028", "\u202e", "\r\nBcc"} {
		if strings.Contains(text, bad) {
			t.Errorf("Describe holds %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, `x.txt\nDocument board`) || !strings.Contains(text, `\u2028evil\u202etxt.exe`) {
		t.Errorf("the link is not shown escaped:\n%s", text)
	}
	var b strings.Builder
	l := &watch.Log{Logger: slog.New(slog.NewTextHandler(&b, nil))}
	a.Link = "ok\u2029level=ERROR msg=forged"
	l.Send(t.Context(), a)
	if strings.Contains(b.String(), "\u2029") || strings.Count(strings.TrimSpace(b.String()), "\n") != 0 {
		t.Errorf("log line %q", b.String())
	}
}

// A remote SMTP server that does not offer STARTTLS is refused (the
// alert would cross the network in clear) unless Insecure is set; each
// message carries a Message-ID.
func TestSMTPRequiresTLSToARemoteServer(t *testing.T) {
	addr, messages := smtpServer(t)
	old := *watch.IsLocal
	*watch.IsLocal = func(string) bool { return false }
	t.Cleanup(func() { *watch.IsLocal = old })
	m := &watch.SMTP{Addr: addr, From: "Leak Watch <leaktrace@example.org>", To: []string{"soc@example.org"}}
	if err := m.Send(t.Context(), testAlert); !errors.Is(err, watch.ErrSMTPNoTLS) || !errors.Is(err, watch.ErrDelivery) {
		t.Fatalf("no STARTTLS, remote: %v, want ErrSMTPNoTLS", err)
	}
	if n := len(messages()); n != 0 {
		t.Fatalf("%d messages sent in clear", n)
	}
	m.Insecure = true
	if err := m.Send(t.Context(), testAlert); err != nil {
		t.Fatal(err)
	}
	got := messages()
	if len(got) != 1 || !regexp.MustCompile(`(?m)^Message-ID: <[^<>@\s]+@example\.org>\r$`).MatchString(got[0]) {
		t.Fatalf("messages %q, want one with a Message-ID", got)
	}
}

// A webhook that redirects has not taken the alert: the redirect is not
// followed (the alert goes to the URL configured or nowhere).
func TestWebhookRedirectIsAFailure(t *testing.T) {
	var mu sync.Mutex
	followed := 0
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { mu.Lock(); followed++; mu.Unlock() }))
	defer other.Close()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other.URL, code) }))
		err := (&watch.Webhook{URL: srv.URL, Client: &http.Client{}}).Send(t.Context(), testAlert)
		srv.Close()
		if !errors.Is(err, watch.ErrDelivery) {
			t.Errorf("a %d answer: %v, want a delivery error", code, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if followed != 0 {
		t.Errorf("the redirect was followed %d times", followed)
	}
}
