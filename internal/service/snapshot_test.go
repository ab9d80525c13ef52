package service

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// log verify reads one snapshot: a change another process commits while
// it runs, after it has read the log's size, is not seen, on either
// backend, and the report is of the store as it was.
func TestVerifyReadsOneSnapshot(t *testing.T) {
	for _, b := range []struct {
		name string
		url  func() string
	}{{"sqlite", func() string { return "" }}, {"postgres", func() string { return pgtest.Database(t) }}} {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			dir := filepath.Join(t.TempDir(), "home")
			if err := Init(ctx, dir, InitOptions{Store: b.url()}); err != nil {
				t.Fatal(err)
			}
			s, other := openHome(t, dir), openHome(t, dir)
			if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r1"}}); err != nil {
				t.Fatal(err)
			}
			var once sync.Once
			s.Store = changeDuring{s.Store, func() {
				once.Do(func() {
					if err := other.AddRecipients(ctx, []leaktrace.Recipient{{ID: "r2"}}); err != nil {
						t.Error(err)
					}
				})
			}}
			rep, err := s.VerifyLog(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK || rep.Size != 2 || rep.Recipients != 1 {
				t.Errorf("verify while another process adds a reader: ok %v, %d entries, %d readers, problems %q; want ok, 2 entries, 1 reader",
					rep.OK, rep.Size, rep.Recipients, rep.Problems)
			}
			rep, err = s.VerifyLog(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK || rep.Size != 3 || rep.Recipients != 2 {
				t.Errorf("verify afterwards: ok %v, %d entries, %d readers, problems %q; want ok, 3 entries, 2 readers",
					rep.OK, rep.Size, rep.Recipients, rep.Problems)
			}
		})
	}
}

func openHome(t *testing.T, dir string) *Service {
	t.Helper()
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// changeDuring is a store whose snapshots run change once their log's
// size has been read.
type changeDuring struct {
	leaktrace.Store
	change func()
}

func (c changeDuring) Snapshot(ctx context.Context, fn func(leaktrace.StoreReader) error) error {
	return c.Store.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		return fn(sizeHook{r, c.change})
	})
}

type sizeHook struct {
	leaktrace.StoreReader
	after func()
}

func (h sizeHook) LogSize(ctx context.Context) (int64, error) {
	n, err := h.StoreReader.LogSize(ctx)
	h.after()
	return n, err
}
