package watch_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/watch"
)

// testHome is a home with two documents cut from the corpus: "memo",
// issued to readers r000…r019, and "draft", never issued.
type testHome struct {
	dir    string
	svc    *service.Service
	copies map[string]string // memo's copies by reader
	draft  string            // draft's text
	other  string            // prose of no registered document
}

func newHome(t *testing.T) *testHome {
	t.Helper()
	memos := corpus.RequireMemos(t, 3, 700, 15)
	ctx := t.Context()
	h := &testHome{dir: filepath.Join(t.TempDir(), "home"), copies: map[string]string{}, draft: memos[1], other: memos[2]}
	if err := service.Init(ctx, h.dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	h.open(t)
	var rs []leaktrace.Recipient
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("r%03d", i))
		rs = append(rs, leaktrace.Recipient{ID: ids[i]})
	}
	if err := h.svc.AddRecipients(ctx, rs); err != nil {
		t.Fatal(err)
	}
	for id, text := range map[string]string{"memo": memos[0], "draft": memos[1]} {
		if _, err := h.svc.AddDocument(ctx, id+".txt", []byte(text), id, ""); err != nil {
			t.Fatal(err)
		}
	}
	m, _, err := h.svc.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := h.svc.Issue(ctx, m, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range issued {
		h.copies[c.Recipient] = string(c.Data)
	}
	return h
}

// open opens the home (again: a restart).
func (h *testHome) open(t *testing.T) {
	t.Helper()
	if h.svc != nil {
		h.svc.Close()
	}
	s, err := service.Open(t.Context(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	h.svc = s
	t.Cleanup(func() { s.Close() })
}

func excerpt(text string, words int, seed uint64) []byte {
	return []byte(attack.Excerpt(text, words, rand.New(rand.NewPCG(seed, seed))))
}

// items is a source that shows fixed items; fail or hang make it fail
// or hang until its scan's context ends.
type items struct {
	name  string
	items []watch.Item
	fail  bool
	hang  bool
	seen  []string // ids the engine said were seen, last scan
}

func (s *items) Name() string { return s.name }

func (s *items) Scan(ctx context.Context, seen func(string) bool) (*watch.Scan, error) {
	switch {
	case s.fail:
		return nil, errors.New("503 Service Unavailable")
	case s.hang:
		<-ctx.Done()
		return nil, ctx.Err()
	}
	s.seen = nil
	var out watch.Scan
	for _, it := range s.items {
		if seen(it.ID) {
			s.seen = append(s.seen, it.ID)
		}
		it.Source = s.name
		out.Items = append(out.Items, it)
	}
	return &out, nil
}

// recorder is an alerter that keeps what it was sent, failing the first
// failFirst sends.
type recorder struct {
	mu        sync.Mutex
	alerts    []watch.Alert
	failFirst int
	tries     int
}

func (r *recorder) Name() string { return "webhook" }

func (r *recorder) Send(_ context.Context, a watch.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.tries <= r.failFirst {
		return errors.New("503")
	}
	r.alerts = append(r.alerts, a)
	return nil
}

func (r *recorder) sent() []watch.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]watch.Alert(nil), r.alerts...)
}

func fast(o watch.Options) watch.Options {
	o.AlertBackoff = time.Millisecond
	o.AlertAttempts = max(o.AlertAttempts, 2)
	return o
}

// traceEntry checks that log entry n records a trace of content sha.
func traceEntry(t *testing.T, s *service.Service, n int64, sha string) {
	t.Helper()
	_, e, err := s.Entry(t.Context(), n)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != custody.KindTrace || e.LeakSHA256 != sha {
		t.Fatalf("log entry %d is a %s of %s, want the trace of %s", n, e.Kind, e.LeakSHA256, sha)
	}
}

func TestEngineAlertsOncePerLeak(t *testing.T) {
	h := newHome(t)
	leakA := excerpt(h.copies["r007"], 150, 1)
	src := &items{name: "mem:one", items: []watch.Item{
		{ID: "a", Name: "a.txt", Data: leakA, Link: "https://example.org/a"},
		{ID: "unrelated", Name: "u.txt", Data: []byte(h.other)},
		{ID: "a-again", Name: "a2.txt", Data: leakA}, // the same content under another id
		{ID: "draft", Name: "d.txt", Data: excerpt(h.draft, 150, 2)},
	}}
	rec := &recorder{}
	e := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{}))
	sum, err := e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.sent()
	if len(got) != 2 || sum.Alerts != 2 || sum.Delivered != 2 || sum.Pending != 0 {
		t.Fatalf("%d alerts delivered (summary %+v), want 2: %+v", len(got), sum, got)
	}
	if sum.Items != 4 || sum.Traced != 3 || sum.Duplicates != 1 || sum.Failed() {
		t.Fatalf("summary %+v, want 4 items, 3 traced, 1 duplicate, nothing failed", sum)
	}
	byItem := map[string]watch.Alert{}
	for _, a := range got {
		byItem[a.Item] = a
		traceEntry(t, h.svc, a.LogEntry, a.SHA256)
	}
	a := byItem["a"]
	if byItem["a-again"].Item != "" {
		t.Fatal("one content alerted twice, under two ids")
	}
	if a.Kind != watch.KindAccusation || a.Source != "mem:one" || a.Link != "https://example.org/a" || len(a.Documents) != 1 ||
		a.Documents[0].ID != "memo" || len(a.Documents[0].Accused) != 1 || a.Documents[0].Accused[0].Recipient != "r007" ||
		!(a.Documents[0].Accused[0].PValue <= watch.DefaultEpsilon) || a.Documents[0].WordsMatched < 100 {
		t.Fatalf("alert of the leak: %+v, want an accusation of r007 in memo", a)
	}
	d := byItem["draft"]
	if d.Kind != watch.KindDocument || len(d.Documents) != 1 || d.Documents[0].ID != "draft" || len(d.Documents[0].Accused) != 0 {
		t.Fatalf("alert of the never-issued draft: %+v, want a document alert naming nobody", d)
	}

	// A restart: a new engine over the store opened again, the same items.
	h.open(t)
	before, _ := h.svc.Store.LogSize(t.Context())
	e = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{}))
	sum, err = e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rec.sent()); n != 2 || sum.Alerts != 0 || sum.Traced != 0 || sum.Duplicates != 4 {
		t.Fatalf("second run: %d alerts in all, summary %+v; want nothing new, every item a duplicate", n, sum)
	}
	if len(src.seen) != 4 {
		t.Fatalf("the source was told %v were seen, want every id", src.seen)
	}
	// Unrelated items were traced once too, and logged, but not again.
	if after, _ := h.svc.Store.LogSize(t.Context()); after != before {
		t.Fatalf("the second run logged %d entries, want none", after-before)
	}
}
