package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/service"
)

// Defaults of [Options].
const (
	DefaultInterval     = 5 * time.Minute
	DefaultEpsilon      = 1e-6
	DefaultTraceTimeout = 5 * time.Minute
	// DefaultScanTimeout bounds one scan of a source: every fetch or
	// file read in it is bounded by Limits.Timeout, the whole scan by
	// this.
	DefaultScanTimeout   = time.Hour
	DefaultAlertTimeout  = 30 * time.Second
	DefaultAlertAttempts = 5
	DefaultAlertBackoff  = 2 * time.Second
	// DefaultSourceBackoff is how long a failing source rests after its
	// first failure; it doubles with every failure in a row, up to eight
	// intervals.
	DefaultSourceBackoff = time.Minute
	// DefaultMinWords is how many words of an item must align with a
	// document for it to raise a "document" alert: fewer are a shared
	// phrase or boilerplate (a list of attendees, a standard heading)
	// more often than a leak.
	DefaultMinWords = 30
)

// Alert kinds.
const (
	KindAccusation = "accusation"
	KindDocument   = "document"
)

// ErrTraceTimeout is the error of an item whose trace took longer than
// Options.TraceTimeout.
var ErrTraceTimeout = errors.New("the trace took too long")

// Options configure an [Engine]. Zero fields take the defaults.
type Options struct {
	// Interval is the time between scans of Run.
	Interval time.Duration
	// Epsilon is the false-accusation bound of every trace.
	Epsilon float64
	// MinWords is how many words must align with a document in which no
	// reader is accused for it to raise an alert (see [NewAlert]).
	MinWords int
	// Concurrency bounds how many traces run at once (default
	// GOMAXPROCS).
	Concurrency int
	// Limits bound the sources; Limits.Timeout bounds one fetch or
	// file read.
	Limits Limits
	// ScanTimeout bounds one scan of a source. A scan cut off by it
	// returns the items it read so far, which are handled; the others
	// are read at the next scan.
	ScanTimeout time.Duration
	// TraceTimeout bounds one item's trace.
	TraceTimeout time.Duration
	// AlertTimeout bounds one delivery attempt; AlertAttempts is how
	// many attempts one delivery makes, AlertBackoff the wait before the
	// second (doubling after each). An alert whose attempts all failed
	// stays pending and is tried again at the next scan.
	AlertTimeout  time.Duration
	AlertAttempts int
	AlertBackoff  time.Duration
	// SourceBackoff is the first rest of a failing source (Run only).
	SourceBackoff time.Duration
	// Logger receives one JSON line per event; nil discards them.
	Logger *slog.Logger
	// Metrics, if not nil, counts what the engine does.
	Metrics *Metrics
	// Progress, if not nil, is called after every item with the counts
	// so far of the scan under way.
	Progress func(Counts)
	// Now is the clock (tests).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Epsilon == 0 {
		o.Epsilon = DefaultEpsilon
	}
	if o.MinWords == 0 {
		o.MinWords = DefaultMinWords
	}
	if o.Concurrency <= 0 {
		o.Concurrency = runtime.GOMAXPROCS(0)
	}
	d := DefaultLimits()
	if o.Limits.MaxItemBytes <= 0 {
		o.Limits.MaxItemBytes = d.MaxItemBytes
	}
	if o.Limits.Timeout <= 0 {
		o.Limits.Timeout = d.Timeout
	}
	if o.Limits.Client == nil {
		o.Limits.Client = d.Client
	}
	if o.TraceTimeout <= 0 {
		o.TraceTimeout = DefaultTraceTimeout
	}
	if o.ScanTimeout <= 0 {
		o.ScanTimeout = DefaultScanTimeout
	}
	if o.AlertTimeout <= 0 {
		o.AlertTimeout = DefaultAlertTimeout
	}
	if o.AlertAttempts <= 0 {
		o.AlertAttempts = DefaultAlertAttempts
	}
	if o.AlertBackoff <= 0 {
		o.AlertBackoff = DefaultAlertBackoff
	}
	if o.SourceBackoff <= 0 {
		o.SourceBackoff = DefaultSourceBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Engine watches sources: it scans them, traces every new item with the
// real pipeline (each trace is a custody-log entry), and delivers one
// alert per item in which a registered document was found.
//
// Its state is in the store ([leaktrace.WatchState]), so it survives
// restarts and is shared by engines that share a store: the same content
// is traced and alerted once, whatever source or id it comes under.
type Engine struct {
	svc      *service.Service
	st       leaktrace.WatchState
	sources  []Source
	alerters map[string]Alerter
	names    []string // alerter names, in order
	opt      Options

	sem chan struct{} // one token per trace running

	mu       sync.Mutex
	inflight map[string]chan struct{} // contents being traced, by SHA-256
	rest     map[string]*sourceRest   // failing sources, by name
	delivery sync.WaitGroup           // deliveries started by Submit
}

// sourceRest is a failing source's backoff.
type sourceRest struct {
	failures int
	until    time.Time
}

// NewEngine returns an engine over the service's store that scans
// sources and delivers alerts through alerters.
func NewEngine(svc *service.Service, sources []Source, alerters []Alerter, opts Options) *Engine {
	opts.defaults()
	e := &Engine{svc: svc, st: svc.Store, sources: sources, alerters: map[string]Alerter{}, opt: opts,
		sem: make(chan struct{}, opts.Concurrency), inflight: map[string]chan struct{}{}, rest: map[string]*sourceRest{}}
	for _, a := range alerters {
		e.alerters[a.Name()] = a
		e.names = append(e.names, a.Name())
	}
	if opts.Metrics != nil {
		for _, s := range sources {
			opts.Metrics.source(s.Name())
		}
	}
	return e
}

// Counts are what a scan did, for one source or in all.
type Counts struct {
	// Items were found; Traced were traced now; Duplicates had been
	// handled before (or were handled by another engine meanwhile);
	// Failed could not be read or traced; Alerts were raised.
	Items      int `json:"items"`
	Traced     int `json:"traced"`
	Duplicates int `json:"duplicates"`
	Failed     int `json:"failed"`
	Alerts     int `json:"alerts"`
}

func (c *Counts) add(o Counts) {
	c.Items += o.Items
	c.Traced += o.Traced
	c.Duplicates += o.Duplicates
	c.Failed += o.Failed
	c.Alerts += o.Alerts
}

// SourceSummary is what one scan of a source did.
type SourceSummary struct {
	Name string `json:"name"`
	Counts
	// Error is why the source could not be scanned at all.
	Error string `json:"error,omitempty"`
	// Resting says the source was not scanned: it failed before and
	// rests until the given time.
	Resting *time.Time `json:"resting_until,omitempty"`
	// ItemErrors name the items that could not be read or traced.
	ItemErrors []string `json:"item_errors,omitempty"`
}

// Summary is what one scan of every source did.
type Summary struct {
	Sources []SourceSummary `json:"sources"`
	Counts
	// Delivered and Undelivered count the alert deliveries (one per
	// alert and alerter) that succeeded and that failed every attempt;
	// Pending counts the alerts in the store still to deliver.
	Delivered   int `json:"alerts_delivered"`
	Undelivered int `json:"alerts_undelivered"`
	Pending     int `json:"alerts_pending"`
	// Raised are the alerts raised by this scan.
	Raised []Alert `json:"raised"`
}

// Failed reports whether anything failed: a source, an item or a
// delivery.
func (s *Summary) Failed() bool {
	if s.Counts.Failed > 0 || s.Undelivered > 0 {
		return true
	}
	for _, src := range s.Sources {
		if src.Error != "" {
			return true
		}
	}
	return false
}

// Once scans every source once (resting ones too), traces every new item,
// and makes every delivery attempt of every alert raised and of every
// alert left pending before (by an earlier run, or a crash), then
// returns what it did. It returns an error only for ctx's end or a
// store that fails; a failing source or item is in the summary.
func (e *Engine) Once(ctx context.Context) (*Summary, error) {
	return e.cycle(ctx, true)
}

// Run scans the sources every Interval until ctx ends; a source that
// fails rests (1m, 2m, 4m… up to eight intervals) while the others go
// on. It returns ctx's error.
func (e *Engine) Run(ctx context.Context) error {
	for {
		sum, err := e.cycle(ctx, false)
		if err != nil && ctx.Err() == nil {
			e.opt.Logger.Error("watch scan failed", slog.String("error", err.Error()))
		}
		if sum != nil {
			e.opt.Logger.Info("watch scan", slog.Int("items", sum.Items), slog.Int("traced", sum.Traced),
				slog.Int("duplicates", sum.Duplicates), slog.Int("failed", sum.Counts.Failed), slog.Int("alerts", sum.Alerts),
				slog.Int("alerts_pending", sum.Pending))
		}
		t := time.NewTimer(e.opt.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			e.delivery.Wait()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// cycle scans the sources (all of them if all, else those not resting)
// in parallel, and delivers pending alerts.
func (e *Engine) cycle(ctx context.Context, all bool) (*Summary, error) {
	sum := &Summary{Sources: make([]SourceSummary, len(e.sources)), Raised: []Alert{}}
	var mu sync.Mutex // guards sum
	var delivered, undelivered int
	// down are the alerters that failed every attempt of a delivery in
	// this cycle: their other alerts stay pending, untried, until the
	// next cycle (so a receiver that is down costs one delivery's
	// retries per cycle, under --once too).
	down := map[string]bool{}
	deliver := func(pas []leaktrace.PendingAlert) {
		for _, pa := range pas {
			mu.Lock()
			skip := down[pa.Alerter]
			mu.Unlock()
			var ok bool
			if skip {
				e.postpone(ctx, pa, "an earlier delivery through this alerter failed in this scan")
			} else {
				ok = e.deliver(ctx, pa)
			}
			mu.Lock()
			if ok {
				delivered++
			} else {
				undelivered++
				down[pa.Alerter] = true
			}
			mu.Unlock()
		}
	}
	// Alerts left pending (a crash, a receiver that was down) are
	// delivered while the sources are scanned, claimed one at a time
	// just before each is sent, so no claim lapses while others are
	// delivered.
	var storeErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 {
			now := e.opt.Now()
			pas, err := e.st.ClaimAlerts(ctx, now, now.Add(e.lease()), 1)
			if err != nil {
				if ctx.Err() == nil {
					mu.Lock()
					storeErr = errors.Join(storeErr, fmt.Errorf("reading pending alerts: %w", err))
					mu.Unlock()
				}
				return
			}
			if len(pas) == 0 {
				return
			}
			deliver(pas)
		}
	}()

	for i, src := range e.sources {
		ss := &sum.Sources[i]
		ss.Name = src.Name()
		if !all {
			if until, resting := e.resting(src.Name()); resting {
				ss.Resting = &until
				continue
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.scan(ctx, src, ss, &mu, sum, deliver)
			if err != nil {
				mu.Lock()
				storeErr = errors.Join(storeErr, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return sum, ctx.Err()
	}
	for _, ss := range sum.Sources {
		sum.Counts.add(ss.Counts)
	}
	sum.Delivered, sum.Undelivered = delivered, undelivered
	var err error
	if sum.Pending, err = e.st.PendingAlertCount(ctx); err != nil {
		storeErr = errors.Join(storeErr, err)
	}
	return sum, storeErr
}

// scan scans one source and handles its items, at most Concurrency
// traces at once over all sources. It returns only a store's error.
func (e *Engine) scan(ctx context.Context, src Source, ss *SourceSummary, mu *sync.Mutex, sum *Summary, deliver func([]leaktrace.PendingAlert)) error {
	name := src.Name()
	sctx, cancel := context.WithTimeout(ctx, e.opt.ScanTimeout)
	var seenMu sync.Mutex // a source may ask from several goroutines
	var seenErr error
	scan, err := src.Scan(sctx, func(id string) bool {
		_, ok, err := e.st.WatchItem(ctx, name, id)
		if err != nil {
			seenMu.Lock()
			seenErr = err
			seenMu.Unlock()
		}
		return ok
	})
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("the scan took longer than %s: %w", e.opt.ScanTimeout, err)
		}
		mu.Lock()
		ss.Error = err.Error()
		mu.Unlock()
		if scan == nil || len(scan.Items)+len(scan.Errors) == 0 {
			until := e.fail(name)
			e.opt.Logger.Warn("watch source failed", slog.String("source", name), slog.String("error", err.Error()),
				slog.Time("resting_until", until))
			e.opt.Metrics.sourceFailed(name)
			return nil
		}
		// A scan cut off part way: the items it read are handled, the
		// others are read at the next scan.
		e.opt.Logger.Warn("watch source scanned in part", slog.String("source", name), slog.String("error", err.Error()),
			slog.Int("items", len(scan.Items)))
		e.opt.Metrics.sourceFailed(name)
	} else {
		e.succeed(name)
	}
	if scan == nil {
		scan = &Scan{}
	}
	if seenErr != nil {
		return fmt.Errorf("reading the ids %s has shown: %w", name, seenErr)
	}
	mu.Lock()
	ss.Items += len(scan.Items) + len(scan.Errors)
	ss.Failed += len(scan.Errors)
	for _, ie := range scan.Errors {
		ss.ItemErrors = append(ss.ItemErrors, ie.Error())
		e.opt.Logger.Warn("watch item unreadable", slog.String("source", name), slog.String("error", ie.Error()))
	}
	mu.Unlock()
	e.opt.Metrics.seen(name, len(scan.Items)+len(scan.Errors))
	e.opt.Metrics.failed(name, len(scan.Errors))

	var wg sync.WaitGroup
	var storeErr error
	for _, it := range scan.Items {
		if it.Source == "" {
			it.Source = name
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.handle(ctx, it)
			if err != nil && !permanent(err) && it.ID != "" {
				if f, ok := src.(Forgetter); ok {
					f.Forget(it.ID) // tried again at the next scan
				}
			}
			mu.Lock()
			switch {
			case err != nil && isStoreErr(err):
				storeErr = errors.Join(storeErr, err)
				ss.Failed++
			case err != nil:
				ss.Failed++
				ss.ItemErrors = append(ss.ItemErrors, fmt.Sprintf("%s: %v", itemName(it), err))
			case res.Duplicate:
				ss.Duplicates++
			default:
				ss.Traced++
				ss.Alerts += len(res.Alerts)
				sum.Raised = append(sum.Raised, res.Alerts...)
			}
			if e.opt.Progress != nil {
				var c Counts
				for _, s := range sum.Sources {
					c.add(s.Counts)
				}
				e.opt.Progress(c)
			}
			mu.Unlock()
			if err == nil {
				deliver(res.pending)
			}
		}()
	}
	wg.Wait()
	return storeErr
}

// storeError marks a failure of the store, which is the engine's, not
// the item's.
type storeError struct{ error }

func (e storeError) Unwrap() error { return e.error }

func isStoreErr(err error) bool {
	var se storeError
	return errors.As(err, &se)
}

func itemName(it Item) string {
	switch {
	case it.ID != "":
		return it.ID
	case it.Link != "":
		return it.Link
	}
	return it.Name
}

// resting reports whether a source rests after failures, and until when.
func (e *Engine) resting(name string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.rest[name]
	if r == nil || !e.opt.Now().Before(r.until) {
		return time.Time{}, false
	}
	return r.until, true
}

// fail notes a source's failure and returns until when it rests.
func (e *Engine) fail(name string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.rest[name]
	if r == nil {
		r = &sourceRest{}
		e.rest[name] = r
	}
	r.failures++
	r.until = e.opt.Now().Add(Backoff(e.opt.SourceBackoff, 8*e.opt.Interval, r.failures))
	return r.until
}

func (e *Engine) succeed(name string) {
	e.mu.Lock()
	delete(e.rest, name)
	e.mu.Unlock()
}

// Backoff is the wait after the n-th failure in a row (n ≥ 1): first,
// doubled n-1 times, at most ceiling.
func Backoff(first, ceiling time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

// handled is a Result with the alerts to deliver.
type handled struct {
	Result
	pending []leaktrace.PendingAlert
}

// Submit handles one pushed item: when it returns without error the item
// was traced and its trace is in the custody log, or it was a duplicate.
// The alerts it raised are delivered in the background (they are pending
// in the store until they are).
func (e *Engine) Submit(ctx context.Context, it Item) (*Result, error) {
	res, err := e.handle(ctx, it)
	if err != nil {
		return nil, err
	}
	if len(res.pending) > 0 {
		e.delivery.Add(1)
		go func() {
			defer e.delivery.Done()
			for _, pa := range res.pending {
				e.deliver(context.WithoutCancel(ctx), pa)
			}
		}()
	}
	return &res.Result, nil
}

// Wait waits for the deliveries Submit started.
func (e *Engine) Wait() { e.delivery.Wait() }

// handle dedupes, traces and records one item.
func (e *Engine) handle(ctx context.Context, it Item) (*handled, error) {
	if int64(len(it.Data)) > e.opt.Limits.MaxItemBytes {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(it.Data), e.opt.Limits.MaxItemBytes)
	}
	sum := sha256.Sum256(it.Data)
	sha := hex.EncodeToString(sum[:])
	now := e.opt.Now()
	// One content is traced once at a time in this engine; a second
	// arrival waits and is then a duplicate.
	for {
		e.mu.Lock()
		wait, busy := e.inflight[sha]
		if !busy {
			e.inflight[sha] = make(chan struct{})
			e.mu.Unlock()
			break
		}
		e.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	defer func() {
		e.mu.Lock()
		close(e.inflight[sha])
		delete(e.inflight, sha)
		e.mu.Unlock()
	}()

	rec := leaktrace.WatchRecord{Source: it.Source, ID: it.ID, SHA256: sha, At: now}
	entry, traced, err := e.st.WatchTraced(ctx, sha)
	if err != nil {
		return nil, storeError{err}
	}
	seen := &handled{Result: Result{Duplicate: true}}
	if traced {
		seen.LogEntry = &entry
	}
	if it.ID != "" {
		// The same id with the same content: nothing to record.
		prev, ok, err := e.st.WatchItem(ctx, it.Source, it.ID)
		if err != nil {
			return nil, storeError{err}
		}
		if ok && prev == sha {
			e.opt.Metrics.duplicate(it.Source)
			return seen, nil
		}
	}
	if traced {
		if _, _, err := e.st.RecordWatch(ctx, rec, nil); err != nil {
			return nil, storeError{err}
		}
		e.opt.Metrics.duplicate(it.Source)
		return seen, nil
	}

	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tctx, cancel := context.WithTimeout(ctx, e.opt.TraceTimeout)
	_, out, err := e.svc.TraceAndLog(tctx, []service.TraceInput{{Name: it.Name, Data: it.Data}},
		service.TraceOptions{Epsilon: e.opt.Epsilon, Suspects: 5})
	timedOut := tctx.Err() != nil && ctx.Err() == nil
	cancel()
	<-e.sem
	if err != nil {
		if timedOut {
			err = fmt.Errorf("%w (%s): %w", ErrTraceTimeout, e.opt.TraceTimeout, err)
		}
		e.opt.Metrics.failed(it.Source, 1)
		e.opt.Logger.Warn("watch item not traced", slog.String("source", it.Source), slog.String("item", itemName(it)),
			slog.String("error", err.Error()), slog.Bool("unreadable", Unreadable(err)))
		if Unreadable(err) && it.ID != "" {
			// Its content can never be traced: it is not tried again
			// under this id until it changes.
			if _, _, serr := e.st.RecordWatch(ctx, rec, nil); serr != nil {
				return nil, storeError{serr}
			}
		}
		return nil, err
	}
	e.opt.Metrics.traced(it.Source)
	var alerts []Alert
	if a := NewAlert(it, sha, now, out, e.opt.MinWords); a != nil {
		alerts = append(alerts, *a)
	}
	var pending []leaktrace.PendingAlert
	for _, a := range alerts {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		for _, n := range e.names {
			pending = append(pending, leaktrace.PendingAlert{Alerter: n, Alert: b})
		}
	}
	rec.LogEntry = out.LogEntry
	// The claim starts now, not when the item arrived: waiting for a
	// trace slot and the trace itself must not eat the lease.
	rec.ClaimUntil = e.opt.Now().Add(e.lease())
	stored, dup, err := e.st.RecordWatch(ctx, rec, pending)
	if err != nil {
		// The trace is logged but not recorded here: the item is traced
		// again at its next sighting, so nothing is missed.
		return nil, storeError{fmt.Errorf("recording the trace of %s: %w", itemName(it), err)}
	}
	e.opt.Logger.Info("watch item traced", slog.String("source", it.Source), slog.String("item", itemName(it)),
		slog.String("sha256", sha), slog.Int64("log_entry", *out.LogEntry), slog.Int("alerts", len(alerts)), slog.Bool("duplicate", dup))
	if dup {
		// Another engine sharing the store recorded this content first,
		// with its alerts.
		e.opt.Metrics.duplicate(it.Source)
		return &handled{Result: Result{Duplicate: true, LogEntry: out.LogEntry}}, nil
	}
	e.opt.Metrics.alerted(it.Source, len(alerts))
	return &handled{Result: Result{LogEntry: out.LogEntry, Alerts: alerts}, pending: stored}, nil
}

// permanent reports whether an item's failure would recur if it were
// tried again: its content is unreadable or too large.
func permanent(err error) bool {
	return Unreadable(err) || errors.Is(err, ErrTooLarge)
}

// Unreadable reports whether a trace failed for the item's content
// itself (no words, not a format trace reads, a damaged or protected file,
// a picture without text): tried again, it would fail again. Any other
// failure (a timeout, a missing tool, the store) is tried again at the
// item's next sighting.
func Unreadable(err error) bool {
	for _, e := range []error{service.ErrEmptyLeak, service.ErrBinaryLeak, service.ErrLeakTooLarge, format.ErrTooLarge,
		format.ErrBinary, picture.ErrNoText, picture.ErrMalformed, picture.ErrTooLarge, pdfread.ErrNoText,
		pdfread.ErrUnreadable, pdfread.ErrPassword, pdfread.ErrTooLarge} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// NewAlert returns the alert a trace report raises for an item, nil if it
// raises none. It reports what the trace found and nothing more: a reader
// is named exactly when the trace accused them (p-value at most epsilon,
// corrected for every reader). A matched document is in the alert when
// the trace accused one of its readers, or when at least minWords words
// of the item align with it (fewer are too often a shared phrase); the
// alert is an "accusation" if any reader is named, else a "document"
// alert.
func NewAlert(it Item, sha string, found time.Time, out *service.TraceJSON, minWords int) *Alert {
	if out.LogEntry == nil {
		return nil
	}
	a := &Alert{Kind: KindDocument, Source: it.Source, Item: it.ID, Link: it.Link, Title: it.Title,
		Found: found.UTC(), SHA256: sha, LogEntry: *out.LogEntry}
	for _, m := range out.Matches {
		d := AlertDocument{ID: m.Document, Title: m.Title, WordsMatched: m.MatchedWords}
		for _, s := range m.Suspects {
			if s.Accused {
				d.Accused = append(d.Accused, AlertSuspect{Recipient: s.Recipient, PValue: s.PValue})
				a.Kind = KindAccusation
			}
		}
		if len(d.Accused) > 0 || m.MatchedWords >= minWords {
			a.Documents = append(a.Documents, d)
		}
	}
	if len(a.Documents) == 0 {
		return nil
	}
	return a
}

// lease is how long a deliverer holds an alert: every attempt of one
// delivery, with its waits, and a minute to spare.
func (e *Engine) lease() time.Duration {
	d := time.Minute
	for i := 1; i <= e.opt.AlertAttempts; i++ {
		d += e.opt.AlertTimeout + Backoff(e.opt.AlertBackoff, time.Minute, i)
	}
	return d
}

// deliver sends a claimed alert through its alerter, retrying with
// backoff, and records the outcome. It reports whether it was delivered.
func (e *Engine) deliver(ctx context.Context, pa leaktrace.PendingAlert) bool {
	var a Alert
	err := json.Unmarshal(pa.Alert, &a)
	al := e.alerters[pa.Alerter]
	switch {
	case err != nil:
		err = fmt.Errorf("the stored alert does not decode: %w", err)
	case al == nil:
		err = fmt.Errorf("no alerter %q is configured", pa.Alerter)
	default:
		for i := 1; ; i++ {
			actx, cancel := context.WithTimeout(ctx, e.opt.AlertTimeout)
			err = al.Send(actx, a)
			cancel()
			if err == nil || i == e.opt.AlertAttempts || ctx.Err() != nil {
				break
			}
			t := time.NewTimer(Backoff(e.opt.AlertBackoff, time.Minute, i))
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
	// The outcome is recorded even when ctx ended meanwhile.
	sctx := context.WithoutCancel(ctx)
	if err == nil {
		e.opt.Metrics.delivery(pa.Alerter, true)
		if serr := e.st.AlertSent(sctx, pa.ID, e.opt.Now()); serr != nil {
			e.opt.Logger.Error("watch alert sent but not recorded as sent; it will be sent again", slog.Int64("alert", pa.ID), slog.String("error", serr.Error()))
		}
		return true
	}
	e.opt.Metrics.delivery(pa.Alerter, false)
	e.opt.Logger.Warn("watch alert not delivered", slog.String("alerter", pa.Alerter), slog.Int64("alert", pa.ID),
		slog.Int64("log_entry", a.LogEntry), slog.String("error", err.Error()))
	e.postpone(sctx, pa, err.Error())
	return false
}

// postpone leaves a claimed alert pending until the next interval.
func (e *Engine) postpone(ctx context.Context, pa leaktrace.PendingAlert, reason string) {
	retry := e.opt.Now().Add(e.opt.Interval)
	if serr := e.st.AlertFailed(context.WithoutCancel(ctx), pa.ID, retry, reason); serr != nil {
		e.opt.Logger.Error("watch alert failure not recorded", slog.Int64("alert", pa.ID), slog.String("error", serr.Error()))
	}
}
