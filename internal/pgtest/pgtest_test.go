package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestDatabase starts the server, makes two databases and checks that
// each is a real, separate PostgreSQL database.
func TestDatabase(t *testing.T) {
	ctx := context.Background()
	a, b := Database(t), Database(t)
	if a == b {
		t.Fatalf("two tests share database %s", a)
	}
	for _, u := range []string{a, b} {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var v int
		if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v < 130000 {
			t.Errorf("server version %d, want 13 or later", v)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
}

// TestSocketOnly: the server trusts whoever connects, so it must listen
// only on a Unix socket in its own 0700 directory, not on a TCP port any
// local user can reach.
func TestSocketOnly(t *testing.T) {
	s := Shared(t)
	if os.Getenv(EnvURL) != "" {
		t.Skipf("$%s names a server pgtest did not start", EnvURL)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var listen, sockets string
	if err := conn.QueryRow(ctx, "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories')").Scan(&listen, &sockets); err != nil {
		t.Fatal(err)
	}
	if listen != "" {
		t.Errorf("listen_addresses = %q, want none", listen)
	}
	if sockets != s.Dir() {
		t.Errorf("unix_socket_directories = %q, want the data directory %s", sockets, s.Dir())
	}
	fi, err := os.Stat(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %04o, want 0700", fi.Mode().Perm())
	}
	cfg, err := pgx.ParseConfig(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != s.Dir() {
		t.Errorf("URL %s reaches host %q, want the socket directory %s", s.URL, cfg.Host, s.Dir())
	}
	u, err := s.DatabaseURL("other")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := pgx.ParseConfig(u); err != nil || cfg.Host != s.Dir() || cfg.Database != "other" {
		t.Errorf("DatabaseURL(other) = %s: parsed %+v, %v", u, cfg, err)
	}
}

// childEnv makes the test binary, re-run, start a server and wait to be
// killed.
const childEnv = "PGTEST_KILLED_CHILD"

// TestKilledChild is the process TestServerDiesWithProcess kills: it
// starts a server, prints its data directory and pid, and waits.
func TestKilledChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestServerDiesWithProcess")
	}
	s, err := Start(Options{})
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
	pid, err := s.PID()
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("server %d %s\n", pid, s.Dir())
	select {}
}

// TestServerDiesWithProcess: when the process that started a server is
// killed (SIGKILL: no deferred Stop, no TestMain), the server stops and
// its temporary directory goes.
func TestServerDiesWithProcess(t *testing.T) {
	if _, err := Bin(); errors.Is(err, ErrNoPostgres) && os.Getenv("CI") != "true" {
		t.Skipf("%v: %s", err, Hint)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledChild$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q, %v", line, err)
	}
	var pid int
	var dir string
	if _, err := fmt.Sscanf(line, "server %d %s", &pid, &dir); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q", line)
	}
	if !alive(pid) {
		t.Fatalf("server %d is not running while its starter lives", pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(60 * time.Second)
	for alive(pid) || exists(dir) {
		if time.Now().After(deadline) {
			if alive(pid) {
				syscall.Kill(pid, syscall.SIGQUIT)
			}
			t.Fatalf("60 s after its starter was killed: server %d running %v, directory %s present %v", pid, alive(pid), dir, exists(dir))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive says whether process pid runs (a zombie, dead but not yet
// reaped, does not).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil && runtime.GOOS != "linux"
	}
	_, rest, ok := strings.Cut(string(b), ") ")
	return ok && !strings.HasPrefix(rest, "Z")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
