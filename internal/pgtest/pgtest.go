// Package pgtest starts a real PostgreSQL server for tests and
// benchmarks: Debian's postgresql package, initdb in a temporary
// directory, torn down afterwards.
//
// The server listens on a Unix socket inside its data directory (mode
// 0700) and on no TCP port: it trusts whoever connects, so only its owner
// (and root) may. A watchdog process stops it and removes its temporary
// directory when the process that started it dies without calling Stop
// (a test binary killed by a timeout, ^C or SIGKILL, or calling os.Exit).
//
// A test package that needs PostgreSQL calls [Main] from its TestMain and
// [Database] in each test, which gives the test a database of its own on
// the package's one server. With $LEAKTRACE_TEST_POSTGRES set to a server's
// URL (a role that may CREATE DATABASE), that server is used instead and
// nothing is started.
//
// Without PostgreSQL's programs the tests skip with a hint, and under
// CI=true they fail instead: CI installs the package (.ci/run).
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding an existing server's URL.
const EnvURL = "LEAKTRACE_TEST_POSTGRES"

// Hint says how to get PostgreSQL's programs.
const Hint = "install Debian's postgresql package (apt-get install postgresql), or set " + EnvURL + " to a server's URL"

// ErrNoPostgres is returned by [Start] when initdb and pg_ctl are not found.
var ErrNoPostgres = errors.New("PostgreSQL's programs (initdb, pg_ctl) are not installed")

// Options are [Start]'s.
type Options struct {
	// Dir is the data directory; "" makes a temporary one, removed by
	// Stop. A Dir that holds a cluster already is started as it is.
	Dir string
	// Durable keeps fsync on. Tests leave it off: a crash of the test
	// machine loses nothing a test needs.
	Durable bool
	// Settings are more "-c name=value" server settings.
	Settings []string
	// Log, if set, receives the server's log file path.
	Log *string
}

// Server is a running PostgreSQL server.
type Server struct {
	// URL reaches the server's "postgres" database as its superuser.
	URL  string
	dir  string
	temp bool
	bin  string
	cred *syscall.Credential
	// own says the server was started here and Stop stops it.
	own bool
	// watchdog stops the server when its stdin, watch, closes
	// without "stopped" written to it first.
	watchdog *exec.Cmd
	watch    io.WriteCloser
}

// port names the server's socket file, .s.PGSQL.<port> in the data
// directory; no TCP port is opened, so it need not be free.
const port = 5432

// watchdogScript is run by sh with the data directory and "temp" or
// "keep" as arguments. Its stdin is a pipe from the process that started
// the server: the first line is the server's pid, and "stopped" follows
// when Stop has stopped it. If the pipe closes before that line (the
// process died), the watchdog shuts the server down (SIGQUIT, PostgreSQL's
// immediate shutdown; SIGKILL if it lingers) and removes a temporary data
// directory.
const watchdogScript = `
read -r pid || pid=
read -r done || done=
[ "$done" = stopped ] && exit 0
case "$pid" in
''|*[!0-9]*) ;;
*)
	kill -QUIT "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	kill -KILL "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	;;
esac
[ "$2" = temp ] && rm -rf "$1"
exit 0
`

// Bin returns the directory holding initdb and pg_ctl: the one on $PATH,
// else the newest under /usr/lib/postgresql.
func Bin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				return filepath.Dir(r), nil
			}
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start starts a server. As root it runs the server as the "postgres"
// user (PostgreSQL refuses to run as root), else as "nobody".
func Start(opts Options) (*Server, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: opts.Dir, own: true}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "leaktrace-pg-")
		if err != nil {
			return nil, err
		}
		s.dir, s.temp = d, true
	}
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			s.cleanup()
			return nil, err
		}
		s.cred = cred
		if err := os.Chown(s.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			s.cleanup()
			return nil, err
		}
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.startWatchdog(); err != nil {
		s.cleanup()
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(s.dir, "PG_VERSION")); err != nil {
		if out, err := s.run("initdb", "-D", s.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
			s.abort()
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
	}
	logFile := filepath.Join(s.dir, "server.log")
	if opts.Log != nil {
		*opts.Log = logFile
	}
	settings := []string{"listen_addresses=''", "unix_socket_directories=" + s.dir, "unix_socket_permissions=0700", "max_connections=200"}
	if !opts.Durable {
		settings = append(settings, "fsync=off", "synchronous_commit=off", "full_page_writes=off")
	}
	settings = append(settings, opts.Settings...)
	o := []string{"-p " + strconv.Itoa(port)}
	for _, c := range settings {
		o = append(o, "-c "+quoteOption(c))
	}
	out, err := s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.dir, "-l", logFile, "-o", strings.Join(o, " "))
	if err != nil {
		log, _ := os.ReadFile(logFile)
		s.abort()
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(log, 2000))
	}
	pid, err := s.PID()
	if err != nil {
		s.abort()
		return nil, err
	}
	if _, err := fmt.Fprintf(s.watch, "%d\n", pid); err != nil {
		s.abort()
		return nil, fmt.Errorf("telling the watchdog the server's pid: %w", err)
	}
	q := "host=" + strings.ReplaceAll(url.QueryEscape(s.dir), "%2F", "/") + "&port=" + strconv.Itoa(port) + "&sslmode=disable"
	s.URL = "postgres://postgres@/postgres?" + q
	return s, nil
}

// quoteOption quotes a "name=value" setting for pg_ctl's -o, which a
// shell splits: the value goes in single quotes.
func quoteOption(c string) string {
	name, value, _ := strings.Cut(c, "=")
	return name + "='" + strings.ReplaceAll(strings.Trim(value, "'"), "'", `'"'"'`) + "'"
}

// startWatchdog starts the process that stops the server if this one
// dies. It has a process group of its own, so a ^C at the terminal, which
// kills the test binary, does not kill it too.
func (s *Server) startWatchdog() error {
	keep := "keep"
	if s.temp {
		keep = "temp"
	}
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "pgtest-watchdog", s.dir, keep)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting PostgreSQL's watchdog: %w", err)
	}
	s.watchdog, s.watch = cmd, w
	return nil
}

// abort ends a Start that failed: the watchdog stops whatever was started
// and the temporary directory goes.
func (s *Server) abort() {
	if pid, err := s.PID(); err == nil {
		fmt.Fprintf(s.watch, "%d\n", pid)
	}
	s.endWatchdog(false)
	s.cleanup()
}

// endWatchdog closes the watchdog's pipe, saying first whether the server
// was stopped, and waits for it to finish.
func (s *Server) endWatchdog(stopped bool) {
	if s.watchdog == nil {
		return
	}
	if stopped {
		fmt.Fprintln(s.watch, "stopped")
	}
	s.watch.Close()
	s.watchdog.Wait()
	s.watchdog = nil
}

// PID is the server's process id, from postmaster.pid in its data
// directory.
func (s *Server) PID() (int, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("%s: no pid on its first line", filepath.Join(s.dir, "postmaster.pid"))
	}
	return pid, nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and there is no postgres or nobody user to run PostgreSQL as")
}

func (s *Server) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, prog), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

func (s *Server) cleanup() {
	if s.temp {
		os.RemoveAll(s.dir)
	}
}

// Stop stops a server Start started and removes its temporary directory.
func (s *Server) Stop() error {
	if !s.own {
		return nil
	}
	out, err := s.run("pg_ctl", "stop", "-m", "fast", "-w", "-t", "30", "-D", s.dir)
	// If pg_ctl failed, the watchdog shuts the server down.
	s.endWatchdog(err == nil)
	s.cleanup()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// CreateDatabase makes a new empty database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		return "", err
	}
	return s.DatabaseURL(name)
}

// DropDatabase drops a database, closing its connections first.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// DatabaseURL is the URL of the named database on the server.
func (s *Server) DatabaseURL(name string) (string, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
	started    atomic.Bool
	counter    atomic.Int64
)

// Main runs a test package's tests and then stops the server they
// started, if any. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if started.Load() && shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// Shared returns the package's one server, starting it on first use (or
// using $LEAKTRACE_TEST_POSTGRES). Without PostgreSQL it skips t, or
// fails it under CI=true.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			shared = &Server{URL: u}
			return
		}
		started.Store(true)
		shared, sharedErr = Start(Options{})
	})
	if sharedErr != nil {
		if errors.Is(sharedErr, ErrNoPostgres) && os.Getenv("CI") != "true" {
			t.Skipf("%v: %s", sharedErr, Hint)
		}
		t.Fatalf("starting PostgreSQL: %v (%s)", sharedErr, Hint)
	}
	return shared
}

// Database gives t a new empty database on the shared server, dropped
// when t ends, and returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	name := fmt.Sprintf("lt_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, counter.Add(1))
	ctx := context.Background()
	u, err := s.CreateDatabase(ctx, name)
	if err != nil {
		t.Fatalf("creating database: %v", err)
	}
	t.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), name); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	return u
}
