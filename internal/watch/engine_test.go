package watch_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
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
	"github.com/prometheus/client_golang/prometheus"
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

// template is the home every test starts from, made once.
var template struct {
	once sync.Once
	dir  string
	home *testHome
	err  error
}

func newHome(t *testing.T) *testHome {
	t.Helper()
	memos := corpus.RequireMemos(t, 3, 700, 15)
	template.once.Do(func() { template.home, template.err = makeHome(memos) })
	if template.err != nil {
		t.Fatal(template.err)
	}
	h := *template.home
	h.svc = nil
	h.dir = filepath.Join(t.TempDir(), "home")
	if err := os.CopyFS(h.dir, os.DirFS(template.home.dir)); err != nil {
		t.Fatal(err)
	}
	h.open(t)
	return &h
}

func makeHome(memos []string) (_ *testHome, err error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "leaktrace-watch-test-")
	if err != nil {
		return nil, err
	}
	h := &testHome{dir: filepath.Join(dir, "home"), copies: map[string]string{}, draft: memos[1], other: memos[2]}
	if err := service.Init(ctx, h.dir, service.InitOptions{}); err != nil {
		return nil, err
	}
	s, err := service.Open(ctx, h.dir)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var rs []leaktrace.Recipient
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("r%03d", i))
		rs = append(rs, leaktrace.Recipient{ID: ids[i]})
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		return nil, err
	}
	for id, text := range map[string]string{"memo": memos[0], "draft": memos[1]} {
		if _, err := s.AddDocument(ctx, id+".txt", []byte(text), id, ""); err != nil {
			return nil, err
		}
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		return nil, err
	}
	issued, err := s.Issue(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range issued {
		h.copies[c.Recipient] = string(c.Data)
	}
	return h, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.home != nil {
		os.RemoveAll(filepath.Dir(template.home.dir))
	}
	os.Exit(code)
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

// metric sums a counter's series.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
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
		{ID: "a-again", Name: "a2.txt", Data: leakA, Link: "https://example.org/a-again"}, // the same content under another id
		{ID: "draft", Name: "d.txt", Data: excerpt(h.draft, 150, 2)},
	}}
	rec := &recorder{}
	reg := prometheus.NewRegistry()
	e := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{Metrics: watch.NewMetrics(reg)}))
	sum, err := e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"leaktrace_watch_items_total": 4, "leaktrace_watch_items_traced_total": 3,
		"leaktrace_watch_items_duplicate_total": 1, "leaktrace_watch_alerts_total": 2, "leaktrace_watch_items_failed_total": 0,
		"leaktrace_watch_alert_deliveries_total": 2} {
		if got := metric(t, reg, name); got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
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
	// "a" and "a-again" are one content: whichever was traced first is
	// alerted, the other is a duplicate.
	a, ok := byItem["a"]
	if !ok {
		a = byItem["a-again"]
	}
	if a.Kind != watch.KindAccusation || a.Source != "mem:one" || a.Link != "https://example.org/"+a.Item || len(a.Documents) != 1 ||
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

// An alert whose delivery failed (the receiver down, or the process
// stopped mid-delivery) stays pending in the store and is delivered,
// once, by a later run.
func TestEnginePendingAlertsSurviveRestart(t *testing.T) {
	h := newHome(t)
	src := &items{name: "mem:one", items: []watch.Item{{ID: "a", Name: "a.txt", Data: excerpt(h.copies["r003"], 150, 3)}}}
	down := &recorder{failFirst: 1 << 30}
	e := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{down}, fast(watch.Options{}))
	sum, err := e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Alerts != 1 || sum.Delivered != 0 || sum.Undelivered != 1 || sum.Pending != 1 || down.tries != 2 {
		t.Fatalf("receiver down: summary %+v after %d tries; want 1 alert undelivered after 2 tries, pending", sum, down.tries)
	}

	h.open(t)
	up := &recorder{}
	// Before its retry time (one interval on), the alert waits.
	e = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{up}, fast(watch.Options{}))
	if sum, err = e.Once(t.Context()); err != nil || len(up.sent()) != 0 || sum.Pending != 1 {
		t.Fatalf("before the retry time: %d sent, summary %+v, %v", len(up.sent()), sum, err)
	}
	later := func() time.Time { return time.Now().Add(watch.DefaultInterval + time.Minute) }
	for range 2 {
		e = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{up}, fast(watch.Options{Now: later}))
		if sum, err = e.Once(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	got := up.sent()
	if len(got) != 1 || got[0].Item != "a" || got[0].Documents[0].Accused[0].Recipient != "r003" || sum.Pending != 0 || sum.Alerts != 0 {
		t.Fatalf("after the restarts: %+v sent, summary %+v; want the one alert, once", got, sum)
	}
}

// A source that fails and one that hangs don't stop the others, and the
// hanging one is cut off at the timeout.
func TestEngineFailingSourcesDoNotStopOthers(t *testing.T) {
	h := newHome(t)
	good := &items{name: "mem:good", items: []watch.Item{{ID: "a", Name: "a.txt", Data: excerpt(h.copies["r011"], 150, 4)}}}
	bad := &items{name: "mem:bad", fail: true}
	hung := &items{name: "mem:hung", hang: true}
	rec := &recorder{}
	opt := fast(watch.Options{ScanTimeout: 300 * time.Millisecond})
	e := watch.NewEngine(h.svc, []watch.Source{bad, hung, good}, []watch.Alerter{rec}, opt)
	sum, err := e.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.sent()) != 1 || sum.Sources[2].Alerts != 1 {
		t.Fatalf("the good source's alert: %d sent, summary %+v", len(rec.sent()), sum)
	}
	if sum.Sources[0].Error == "" || sum.Sources[1].Error == "" || !sum.Failed() {
		t.Fatalf("the failing and hanging sources are not reported: %+v", sum.Sources)
	}
}

// counting counts its scans.
type counting struct {
	items
	mu    sync.Mutex
	scans int
}

func (c *counting) Scan(ctx context.Context, seen func(string) bool) (*watch.Scan, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.items.Scan(ctx, seen)
}

func (c *counting) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scans
}

// Under Run, a failing source rests while the others are scanned at
// every interval.
func TestRunRestsFailingSource(t *testing.T) {
	h := newHome(t)
	bad := &counting{items: items{name: "mem:bad", fail: true}}
	good := &counting{items: items{name: "mem:good"}}
	e := watch.NewEngine(h.svc, []watch.Source{bad, good}, nil, watch.Options{Interval: 10 * time.Millisecond, SourceBackoff: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	for good.count() < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	if n := bad.count(); n != 1 {
		t.Fatalf("the failing source was scanned %d times while resting, want once", n)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 32 * time.Minute, 7: 40 * time.Minute, 60: 40 * time.Minute} {
		if got := watch.Backoff(time.Minute, 8*5*time.Minute, n); got != want {
			t.Errorf("Backoff after %d failures: %s, want %s", n, got, want)
		}
	}
}

// A pushed item is traced and logged before Submit returns; the same
// content pushed again is a duplicate.
func TestSubmit(t *testing.T) {
	h := newHome(t)
	rec := &recorder{}
	e := watch.NewEngine(h.svc, nil, []watch.Alerter{rec}, fast(watch.Options{}))
	it := watch.Item{Source: "push:ail", ID: "uuid-1", Name: "paste.txt", Data: excerpt(h.copies["r019"], 150, 5)}
	res, err := e.Submit(t.Context(), it)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicate || res.LogEntry == nil || len(res.Alerts) != 1 || res.Alerts[0].Documents[0].Accused[0].Recipient != "r019" {
		t.Fatalf("first push: %+v", res)
	}
	traceEntry(t, h.svc, *res.LogEntry, res.Alerts[0].SHA256)
	it.ID = "uuid-2"
	again, err := e.Submit(t.Context(), it)
	if err != nil || !again.Duplicate || len(again.Alerts) != 0 || *again.LogEntry != *res.LogEntry {
		t.Fatalf("the same content pushed again: %+v, %v", again, err)
	}
	e.Wait()
	if n := len(rec.sent()); n != 1 {
		t.Fatalf("%d alerts delivered, want 1", n)
	}
	if _, err := e.Submit(t.Context(), watch.Item{Source: "push:ail", Name: "empty.txt", Data: []byte("  ")}); !errors.Is(err, service.ErrEmptyLeak) {
		t.Fatalf("an empty item: %v, want ErrEmptyLeak", err)
	}
}

// An item whose content can't be traced (no words) fails once; under the
// same id and content it is not tried again, changed it is.
func TestUnreadableItemNotRetried(t *testing.T) {
	h := newHome(t)
	src := &items{name: "mem:one", items: []watch.Item{{ID: "blank", Name: "blank.txt", Data: []byte(" \n\t ")}}}
	e := watch.NewEngine(h.svc, []watch.Source{src}, nil, watch.Options{})
	sum, err := e.Once(t.Context())
	if err != nil || sum.Counts.Failed != 1 || len(sum.Sources[0].ItemErrors) != 1 || !sum.Failed() {
		t.Fatalf("first scan: %+v, %v; want the blank item failed", sum, err)
	}
	if sum, err = e.Once(t.Context()); err != nil || sum.Counts.Failed != 0 || sum.Duplicates != 1 || sum.Failed() {
		t.Fatalf("second scan: %+v, %v; want the blank item passed over", sum, err)
	}
	src.items[0].Data = excerpt(h.copies["r001"], 150, 7)
	if sum, err = e.Once(t.Context()); err != nil || sum.Traced != 1 || sum.Alerts != 1 {
		t.Fatalf("the item changed: %+v, %v; want it traced and alerted", sum, err)
	}
}

// A few words shared with a document in which nobody is accused (a
// phrase, a heading) raise no alert, though the trace matched them and
// is logged; as many words as MinWords do.
func TestShortMatchRaisesNoAlert(t *testing.T) {
	h := newHome(t)
	quote := excerpt(h.draft, 15, 8)
	rep, err := h.svc.Trace(t.Context(), "q.txt", quote, watch.DefaultEpsilon, 5)
	if err != nil || len(rep.Matches) != 1 || rep.Matches[0].MatchedWords >= watch.DefaultMinWords {
		t.Fatalf("the quote does not match the draft in fewer than %d words: %v", watch.DefaultMinWords, err)
	}
	src := &items{name: "mem:one", items: []watch.Item{{ID: "q", Name: "q.txt", Data: quote}}}
	rec := &recorder{}
	sum, err := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, watch.Options{}).Once(t.Context())
	if err != nil || sum.Traced != 1 || sum.Alerts != 0 || len(rec.sent()) != 0 {
		t.Fatalf("a %d-word match: summary %+v, %d sent, %v; want it traced, no alert", rep.Matches[0].MatchedWords, sum, len(rec.sent()), err)
	}
	src.items = []watch.Item{{ID: "q2", Name: "q2.txt", Data: quote}}
	sum, err = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, watch.Options{MinWords: 8}).Once(t.Context())
	if err != nil || sum.Duplicates != 1 {
		t.Fatalf("the same content again: %+v, %v", sum, err)
	}
	src.items = []watch.Item{{ID: "q3", Name: "q3.txt", Data: append(quote, '\n')}}
	sum, err = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, watch.Options{MinWords: 8}).Once(t.Context())
	if err != nil || sum.Alerts != 1 || len(rec.sent()) != 1 || rec.sent()[0].Kind != watch.KindDocument {
		t.Fatalf("with MinWords 8: %+v, %v; want a document alert", sum, err)
	}
}

// Two engines sharing a store (two servers on one home) that find the
// same leak at once alert it once between them.
func TestEnginesSharingAStoreAlertOnce(t *testing.T) {
	h := newHome(t)
	other, err := service.Open(t.Context(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	leak := excerpt(h.copies["r009"], 150, 9)
	rec := &recorder{}
	var wg sync.WaitGroup
	sums := make([]*watch.Summary, 2)
	for i, svc := range []*service.Service{h.svc, other} {
		src := &items{name: "mem:one", items: []watch.Item{{ID: fmt.Sprintf("a%d", i), Name: "a.txt", Data: leak}}}
		e := watch.NewEngine(svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{}))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if sums[i], err = e.Once(t.Context()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := len(rec.sent()); n != 1 || sums[0].Alerts+sums[1].Alerts != 1 || sums[0].Duplicates+sums[1].Duplicates != 1 {
		t.Fatalf("%d alerts sent; summaries %+v and %+v; want one alert, one duplicate", n, sums[0], sums[1])
	}
}

// slow is a source whose scan makes several fetches, each within
// Limits.Timeout but longer than it in all, then returns its items
// (with the scan's error, if its context ended meanwhile).
type slow struct {
	items
	fetches int
	each    time.Duration
}

func (s *slow) Scan(ctx context.Context, seen func(string) bool) (*watch.Scan, error) {
	for range s.fetches {
		time.Sleep(s.each)
	}
	out, _ := s.items.Scan(ctx, seen)
	return out, ctx.Err()
}

// Limits.Timeout bounds one fetch, not the whole scan: a source whose
// fetches take longer than it in all is scanned, and a scan cut off part
// way has the items it read traced.
func TestEngineScanOutlastsOneFetch(t *testing.T) {
	h := newHome(t)
	leak := excerpt(h.copies["r011"], 150, 21)
	src := &slow{items: items{name: "mem:slow", items: []watch.Item{{ID: "a", Name: "a.txt", Data: leak}}}, fetches: 3, each: 40 * time.Millisecond}
	rec := &recorder{}
	opt := fast(watch.Options{Limits: watch.Limits{Timeout: 60 * time.Millisecond}})
	sum, err := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, opt).Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sources[0].Error != "" || sum.Traced != 1 || len(rec.sent()) != 1 {
		t.Fatalf("a scan longer than one fetch's timeout: %+v, %d alerts", sum.Sources[0], len(rec.sent()))
	}

	// Cut off by the scan's own bound: what it read is still traced.
	leak2 := excerpt(h.copies["r012"], 150, 22)
	cut := &slow{items: items{name: "mem:cut", items: []watch.Item{{ID: "b", Name: "b.txt", Data: leak2}}}, fetches: 1, each: 50 * time.Millisecond}
	opt.ScanTimeout = time.Millisecond
	sum, err = watch.NewEngine(h.svc, []watch.Source{cut}, []watch.Alerter{rec}, opt).Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sources[0].Error == "" || sum.Traced != 1 || len(rec.sent()) != 2 {
		t.Fatalf("a scan cut off part way: %+v, %d alerts", sum.Sources[0], len(rec.sent()))
	}
}

// An item whose trace failed for a reason that passes (here a trace
// timeout) is returned again by its source at the next scan and traced
// then, though the file did not change.
func TestTemporaryFailureRetriedNextScan(t *testing.T) {
	h := newHome(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "leak.txt"), excerpt(h.copies["r013"], 150, 23), 0o644); err != nil {
		t.Fatal(err)
	}
	src := watch.NewDir(dir, watch.DefaultLimits())
	rec := &recorder{}
	sum, err := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{TraceTimeout: time.Nanosecond})).Once(t.Context())
	if err != nil || sum.Counts.Failed != 1 || sum.Traced != 0 {
		t.Fatalf("a trace that timed out: %+v, %v", sum, err)
	}
	sum, err = watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{rec}, fast(watch.Options{})).Once(t.Context())
	if err != nil || sum.Traced != 1 || len(rec.sent()) != 1 {
		t.Fatalf("the next scan: %+v, %v; want the item traced now", sum, err)
	}
}

// A receiver that is down costs one delivery's attempts per scan, under
// Once too: the other alerts for it stay pending for the next scan
// rather than each making every attempt in turn.
func TestOnceBoundsRetriesOfADownReceiver(t *testing.T) {
	h := newHome(t)
	var its []watch.Item
	for i, r := range []string{"r014", "r015", "r016"} {
		its = append(its, watch.Item{ID: r, Name: r + ".txt", Data: excerpt(h.copies[r], 150, uint64(30+i))})
	}
	src := &items{name: "mem:three", items: its}
	down := &recorder{failFirst: 1 << 30}
	opt := fast(watch.Options{AlertAttempts: 2})
	sum, err := watch.NewEngine(h.svc, []watch.Source{src}, []watch.Alerter{down}, opt).Once(t.Context())
	if err != nil || sum.Alerts != 3 {
		t.Fatalf("first run: %+v, %v", sum, err)
	}
	// Later, the three alerts are pending; the receiver is still down.
	later := &recorder{failFirst: 1 << 30}
	opt.Now = func() time.Time { return time.Now().Add(time.Hour) }
	sum, err = watch.NewEngine(h.svc, nil, []watch.Alerter{later}, opt).Once(t.Context())
	if err != nil || sum.Pending != 3 {
		t.Fatalf("second run: %+v, %v; want the three alerts still pending", sum, err)
	}
	if later.tries != 2 {
		t.Fatalf("%d sends to a receiver that is down, want one delivery's 2 attempts", later.tries)
	}
}
