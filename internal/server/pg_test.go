package server

import (
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/service"
)

// A server whose PostgreSQL store's server goes away answers 503, "retry
// in a moment", once the store finds it can't connect. (The first request
// may still get a connection the pool held, broken: the store reports
// that as a failed query, not as unreachable, and it is a 500.)
func TestLostDatabaseIs503(t *testing.T) {
	srv, err := pgtest.Start(pgtest.Options{})
	if errors.Is(err, pgtest.ErrNoPostgres) && os.Getenv("CI") != "true" {
		t.Skipf("%v: %s", err, pgtest.Hint)
	}
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			srv.Stop()
		}
	})
	ctx := service.WithActor(t.Context(), "admin")
	u, err := srv.CreateDatabase(ctx, "lt")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "home")
	if err := service.Init(ctx, dir, service.InitOptions{Store: u}); err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.CreateToken(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, svc)
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/documents", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != 200 {
		t.Fatalf("GET /api/v1/documents: %d %s", rec.Code, rec.Body)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if rec := get(); rec.Code != 503 && rec.Code != 500 {
		t.Errorf("GET /api/v1/documents with the database server gone: %d %s, want 503 (or 500)", rec.Code, rec.Body)
	}
	if rec := get(); rec.Code != 503 || !strings.Contains(rec.Body.String(), "unreachable") {
		t.Errorf("GET /api/v1/documents with the database server gone: %d %s, want 503 and that it is unreachable", rec.Code, rec.Body)
	}
}
