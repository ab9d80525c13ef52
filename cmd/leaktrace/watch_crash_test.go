//go:build unix

package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/watch"
)

// TestWatchSurvivesKill kills 'watch --once' with SIGKILL while it
// delivers an alert (the receiver holds the request), then restarts: the
// alert was recorded before it was sent, so it is still pending, held by
// the dead process's claim; a run after the claim lapsed delivers it,
// once, and traces nothing again.
func TestWatchSurvivesKill(t *testing.T) {
	bin, err := exec.LookPath("leaktrace") // the test binary, put on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	home, copies, _ := watchHome(t)
	drop := t.TempDir()
	os.WriteFile(filepath.Join(drop, "leak.txt"), []byte(attack.Excerpt(copies["r050"], 160, rand.New(rand.NewPCG(5, 5)))), 0o600)
	got := make(chan struct{}, 10)
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer close(release)

	cmd := exec.Command(bin, "--home", home, "watch", "--dir", drop, "--alert-webhook", hook.URL, "--once")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the alert never reached the receiver")
	}
	cmd.Process.Signal(os.Kill)
	cmd.Wait()

	s, err := service.Open(t.Context(), home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The log's alert was delivered before the webhook's was tried.
	if n, err := s.Store.PendingAlertCount(t.Context()); err != nil || n != 1 {
		t.Fatalf("after the kill, %d alerts pending (%v); want 1, the webhook's", n, err)
	}
	rec := &webhookRecorder{}
	// At once, the dead process's claim still holds it.
	e := watch.NewEngine(s, nil, []watch.Alerter{rec}, watch.Options{})
	if sum, err := e.Once(t.Context()); err != nil || len(rec.alerts) != 0 || sum.Pending != 1 {
		t.Fatalf("right after the kill: %+v, %v, %d sent; want the alert pending, unsent", sum, err, len(rec.alerts))
	}
	later := func() time.Time { return time.Now().Add(time.Hour) }
	for range 2 {
		e := watch.NewEngine(s, []watch.Source{watch.NewDir(drop, watch.DefaultLimits())}, []watch.Alerter{rec, &watch.Log{Logger: slog.New(slog.DiscardHandler)}},
			watch.Options{Now: later})
		sum, err := e.Once(t.Context())
		if err != nil || sum.Traced != 0 || sum.Duplicates != 1 {
			t.Fatalf("restart: %+v, %v; want the leak a duplicate", sum, err)
		}
	}
	if len(rec.alerts) != 1 || rec.alerts[0].Documents[0].Accused[0].Recipient != "r050" {
		t.Fatalf("after the restarts, %d webhook alerts: %+v; want the one naming r050", len(rec.alerts), rec.alerts)
	}
	if n, _ := s.Store.PendingAlertCount(t.Context()); n != 0 {
		t.Fatalf("%d alerts still pending", n)
	}
}

// webhookRecorder is an alerter named "webhook" that keeps what it is
// sent.
type webhookRecorder struct{ alerts []watch.Alert }

func (r *webhookRecorder) Name() string { return "webhook" }

func (r *webhookRecorder) Send(_ context.Context, a watch.Alert) error {
	r.alerts = append(r.alerts, a)
	return nil
}
