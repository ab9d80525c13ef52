package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// newHome makes a new home (real SQLite store and keys) in a temporary
// directory and opens it.
func newHome(t testing.TB) *service.Service {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	ctx := service.WithActor(t.Context(), "admin")
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newServer returns a server over svc.
func newServer(t testing.TB, svc *service.Service, opts ...func(*Options)) *Server {
	t.Helper()
	var opt Options
	for _, f := range opts {
		f(&opt)
	}
	s, err := New(svc, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.dir != "" {
		os.RemoveAll(filepath.Dir(template.dir))
	}
	os.Exit(code)
}
