package scale

import (
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// TestTraceHomeTraces: in a home built for the trace benchmark, a leak
// of a copy is traced to its document among the bulk-loaded ones (which
// share its sentences, so they are candidates the trace aligns), its
// reader is named, and nobody else is accused.
func TestTraceHomeTraces(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	h, leaks, err := BuildTraceHome(ctx, dir, c, 40, 12, 2, 4, 400, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Leaked) != 2 || len(leaks) != 4 {
		t.Fatalf("%d leaked documents, %d leaks", len(h.Leaked), len(leaks))
	}
	svc, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if n, err := svc.Store.DocumentCount(ctx); err != nil || n != 40 {
		t.Fatalf("%d documents (%v), want 40", n, err)
	}
	named := 0
	for _, l := range leaks {
		r, err := Trace(ctx, svc, l)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Source || r.Innocent != 0 {
			t.Errorf("leak of %s's copy of %s: %+v", l.Reader, ID(l.Doc), r)
		}
		if r.Named {
			named++
		}
	}
	if named == 0 {
		t.Errorf("no reader named from four 400-word leaks")
	}
}
