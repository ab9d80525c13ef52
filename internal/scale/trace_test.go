package scale

import (
	"maps"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/leaktrace/leaktrace"
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

// TestResumeTraceHomeFinishesAnInterruptedBuild: a trace home whose
// build ended while writing the bulk load's index (its fingerprints
// still in the scratch table) is finished by ResumeTraceHome into the
// same index, and it cuts the same leaks, from the copies the home
// issued, as the build that ran through.
func TestResumeTraceHomeFinishesAnInterruptedBuild(t *testing.T) {
	c := load(t)
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "home")
	_, want, err := BuildTraceHome(ctx, dir, c, 30, 8, 2, 5, 300, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	digests := func() *leaktrace.IndexState {
		t.Helper()
		svc, err := service.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		d, err := svc.Store.IndexDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	whole := digests()
	// The state the build leaves when it ends during the index: the bulk
	// documents' fingerprints in the scratch table, not in the index.
	db, err := openLoad(ctx, filepath.Join(dir, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO load.fp SELECT hash, num, pos FROM fingerprints WHERE num > 2`,
		`DELETE FROM fingerprints WHERE num > 2`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if _, _, err := ResumeTraceHome(ctx, dir, c, 31, 8, 2, 5, 300); err == nil {
		t.Errorf("resumed a home of 30 documents as one of 31")
	}
	_, got, err := ResumeTraceHome(ctx, dir, c, 30, 8, 2, 5, 300)
	if err != nil {
		t.Fatal(err)
	}
	if d := digests(); d.Rows != whole.Rows || !maps.Equal(d.Documents, whole.Documents) {
		t.Errorf("finished index: %d rows, the whole build's %d", d.Rows, whole.Rows)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resumed leaks differ from the build's")
	}
}
