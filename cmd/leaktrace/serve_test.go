package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeProcess is not a test: it is the process TestServeSIGTERM
// starts, running "leaktrace serve" as main would.
func TestServeProcess(t *testing.T) {
	if os.Getenv("LEAKTRACE_SERVE_PROCESS") != "1" {
		t.Skip("run by TestServeSIGTERM")
	}
	os.Exit(run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, os.Stdin, os.Stdout, os.Stderr))
}

// initHome makes a home with the CLI.
func initHome(t *testing.T) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--home", home, "init"}, strings.NewReader(""), io.Discard, &stderr); code != 0 {
		t.Fatalf("init: %d: %s", code, stderr.String())
	}
	return home
}

// TestServeSIGTERM: "leaktrace serve" logs JSON lines to stderr, serves,
// and on SIGTERM lets a request in flight finish, then exits 0.
func TestServeSIGTERM(t *testing.T) {
	home := initHome(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeProcess$")
	cmd.Env = append(os.Environ(), "LEAKTRACE_SERVE_PROCESS=1", "LEAKTRACE_HOME="+home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan map[string]any, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"msg": "NOT JSON: " + sc.Text()}
			}
			lines <- m
		}
		close(lines)
	}()
	next := func() map[string]any {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("serve's stderr ended")
			}
			return l
		case <-time.After(30 * time.Second):
			t.Fatal("serve logged nothing for 30 s")
		}
		return nil
	}
	l := next()
	addr, _ := l["addr"].(string)
	if l["msg"] != "serving" || addr == "" {
		t.Fatalf("first log line %v, want serving with its addr", l)
	}
	r, err := http.Get("http://" + addr + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("GET /api/v1/openapi.json: %d", r.StatusCode)
	}
	if l := next(); l["msg"] != "request" || l["route"] != "GET /api/v1/openapi.json" || l["status"] != 200.0 {
		t.Fatalf("request log line %v", l)
	}
	// That requests in flight finish is server.TestGracefulShutdown's;
	// here, that SIGTERM stops the command in order, with exit status 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for l := range lines {
		msgs = append(msgs, l["msg"].(string))
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v, want exit 0", err)
	}
	if got := strings.Join(msgs, ","); got != "shutting down,stopped" {
		t.Errorf("log after SIGTERM: %s, want shutting down,stopped", got)
	}
	// The port is free again.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the address is still taken after serve exited: %v", err)
	}
	ln.Close()
}

// TestServeErrors: mistakes in starting the vault are errors with hints,
// never a stack trace.
func TestServeErrors(t *testing.T) {
	home := initHome(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	missing := filepath.Join(t.TempDir(), "cert.pem")
	notPEM := filepath.Join(t.TempDir(), "memo.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--home", filepath.Join(t.TempDir(), "nohome"), "serve"}, 1, []string{"no leaktrace home", "hint: run 'leaktrace init' first"}},
		{[]string{"--home", home, "serve", "--addr", taken.Addr().String()}, 1, []string{"address already in use", "hint: another program", "--addr"}},
		{[]string{"--home", home, "serve", "--addr", "127.0.0.1:99999"}, 1, []string{"cannot listen", "hint: pass --addr as host:port"}},
		{[]string{"--home", home, "serve", "--addr", "127.0.0.1:0", "--metrics-addr", taken.Addr().String()}, 1, []string{"cannot serve metrics on --metrics-addr", "hint: pass --metrics-addr"}},
		{[]string{"--home", home, "serve", "--tls-cert", missing}, 2, []string{"--tls-cert and --tls-key go together"}},
		{[]string{"--home", home, "serve", "--tls-cert", missing, "--tls-key", missing}, 1, []string{"cannot load the TLS certificate", "hint: " + missing + " does not exist"}},
		{[]string{"--home", home, "serve", "--tls-cert", notPEM, "--tls-key", notPEM}, 1, []string{"cannot load the TLS certificate", "hint: --tls-cert and --tls-key name PEM files"}},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), io.Discard, &stderr)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, stderr.String())
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, stderr.String())
			}
		}
		if strings.Contains(stderr.String(), "goroutine ") {
			t.Errorf("%v: a stack trace:\n%s", c.args, stderr.String())
		}
	}
}
