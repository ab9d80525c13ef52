package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for concurrent handlers.
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

// logLines decodes the JSON lines of a log.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func withLog(buf *syncBuffer) func(*Options) {
	return func(o *Options) { o.Logger = slog.New(slog.NewJSONHandler(buf, nil)) }
}

// serve runs s on a loopback port until the test ends or stop is
// called; it returns the base URL, stop, and the channel Serve's result
// arrives on.
func serve(t *testing.T, s *Server) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done, finished := make(chan error, 1), make(chan struct{})
	go func() {
		done <- s.Serve(ctx, ln)
		close(finished)
	}()
	t.Cleanup(func() {
		stop()
		<-finished
	})
	scheme := "http"
	if s.opt.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + ln.Addr().String(), stop, done
}

// TestGracefulShutdown: when Serve's context ends, a request in flight
// finishes with its full response, new connections are refused, and
// Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	var logBuf syncBuffer
	s := newServer(t, newHome(t), withLog(&logBuf))
	started, release := make(chan struct{}), make(chan struct{})
	s.mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	url, stop, done := serve(t, s)
	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		r, err := http.Get(url + "/test/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		res <- result{string(b), err}
	}()
	<-started
	stop()
	// Serve must wait for the request.
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	// The listener is closed: new connections fail.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	r := <-res
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v; want it finished", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v, want nil after a graceful shutdown", err)
	}
	var msgs []string
	for _, l := range logLines(t, logBuf.String()) {
		msgs = append(msgs, l["msg"].(string))
	}
	if got := strings.Join(msgs, ","); got != "serving,shutting down,request,stopped" {
		t.Errorf("log events %s, want serving,shutting down,request,stopped", got)
	}
}

// TestShutdownCutsOffAfterTimeout: a request that outlives the shutdown
// timeout is cut off, and Serve says so with ErrShutdown.
func TestShutdownCutsOffAfterTimeout(t *testing.T) {
	s := newServer(t, newHome(t), func(o *Options) { o.ShutdownTimeout = 50 * time.Millisecond })
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s.mux.HandleFunc("GET /test/stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	url, stop, done := serve(t, s)
	go http.Get(url + "/test/stuck")
	<-started
	stop()
	if err := <-done; !errors.Is(err, ErrShutdown) {
		t.Fatalf("Serve: %v, want ErrShutdown", err)
	}
}

func TestListenAddressInUse(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Listen(ln.Addr().String()); !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("Listen on a taken address: %v, want ErrAddrInUse", err)
	}
	if _, err := Listen("127.0.0.1:http-not-a-port"); !errors.Is(err, ErrListen) {
		t.Fatalf("Listen on a malformed address: %v, want ErrListen", err)
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "leaktrace test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestTLS: with a certificate the server speaks HTTPS (and marks its
// cookies Secure); a certificate that can't be read is ErrTLS.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	cfg, err := LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, newHome(t), func(o *Options) { o.TLS = cfg })
	if !s.opt.Secure {
		t.Error("a TLS server's cookies are not Secure")
	}
	url, _, _ := serve(t, s)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	r, err := client.Get(url + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 || r.TLS == nil {
		t.Fatalf("GET over TLS: %d, TLS %v", r.StatusCode, r.TLS != nil)
	}
	if _, err := LoadTLS(keyFile, certFile); !errors.Is(err, ErrTLS) {
		t.Errorf("LoadTLS with the files swapped: %v, want ErrTLS", err)
	}
	if _, err := LoadTLS(filepath.Join(t.TempDir(), "missing.pem"), keyFile); !errors.Is(err, ErrTLS) {
		t.Errorf("LoadTLS of a missing file: %v, want ErrTLS", err)
	}
}

// TestRequestLog: one JSON line per request, with its method, route
// pattern, status, duration and actor, and never the path's query or a
// header's value.
func TestRequestLog(t *testing.T) {
	var logBuf syncBuffer
	s := newServer(t, newHome(t), withLog(&logBuf))
	h := s.Handler()
	for _, target := range []string{"/api/v1/openapi.json?secret=q", "/api/v1/documents", "/no/such/page"} {
		r := httptest.NewRequest("GET", target, nil)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	lines := logLines(t, logBuf.String())
	want := []struct {
		route  string
		status float64
	}{{"GET /api/v1/openapi.json", 200}, {"GET /api/v1/documents", 401}, {"unmatched", 404}}
	if len(lines) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(want), logBuf.String())
	}
	for i, l := range lines {
		if l["msg"] != "request" || l["method"] != "GET" || l["route"] != want[i].route || l["status"] != want[i].status {
			t.Errorf("line %d: %v, want a request line for %s with status %v", i, l, want[i].route, want[i].status)
		}
		if _, ok := l["duration_ms"].(float64); !ok {
			t.Errorf("line %d has no duration_ms", i)
		}
		if _, ok := l["actor"]; !ok {
			t.Errorf("line %d has no actor", i)
		}
	}
	if strings.Contains(logBuf.String(), "secret") {
		t.Errorf("the log holds the query string:\n%s", logBuf.String())
	}
}

// TestMetrics: /metrics serves the server's own registry: requests by
// route pattern and status, latencies, and the vault's counters.
func TestMetrics(t *testing.T) {
	s := newServer(t, newHome(t))
	h := s.Handler()
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/documents", nil))
	// Not on the readers' address: on a listener of its own.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "leaktrace_") {
		t.Errorf("GET /metrics on the main handler: %d, want 404 without metrics", rec.Code)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.ServeMetrics(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stop()
	if err := <-done; err != nil {
		t.Errorf("ServeMetrics: %v", err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics on the metrics listener: %d", resp.StatusCode)
	}
	body := string(b)
	for _, want := range []string{
		`leaktrace_http_requests_total{code="200",route="GET /api/v1/openapi.json"} 3`,
		`leaktrace_http_requests_total{code="401",route="GET /api/v1/documents"} 1`,
		`leaktrace_http_request_duration_seconds_count{route="GET /api/v1/openapi.json"} 3`,
		`# TYPE leaktrace_copies_served_total counter`,
		`# TYPE leaktrace_denials_total counter`,
		`# TYPE leaktrace_traces_total counter`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// A second server counts apart: the registry is its own.
	other := newServer(t, newHome(t))
	rec = httptest.NewRecorder()
	other.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if strings.Contains(rec.Body.String(), `route="GET /api/v1/openapi.json"`) {
		t.Error("a second server's /metrics counts the first one's requests")
	}
}

// TestMissingTokenIs401: a request without a token is 401 with
// WWW-Authenticate: Bearer and a JSON error, before anything else is
// read.
func TestMissingTokenIs401(t *testing.T) {
	s := newServer(t, newHome(t))
	for _, rt := range apiTable {
		if rt.Role == "" {
			continue
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(rt.Method, strings.ReplaceAll(strings.ReplaceAll(rt.Path, "{id}", "x"), "{n}", "0"), nil))
		var e errorJSON
		if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
			t.Errorf("%s %s without a token: %d, WWW-Authenticate %q, body %s", rt.Method, rt.Path, rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
		}
	}
}
