package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
)

// RunWatch runs the suite's tests of leak watch's state
// ([leaktrace.WatchState]) alone, each on a store of its own; [Run] runs
// them too.
func RunWatch(t *testing.T, b Backend) {
	for _, tc := range watchTests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newEnv(t, b))
		})
	}
}

var watchTests = []struct {
	name string
	fn   func(*testing.T, *env)
}{
	{"WatchDedupe", testWatchDedupe},
	{"WatchClaimsSurviveRestart", testWatchClaims},
	{"WatchChangedContent", testWatchChanged},
	{"WatchLongIDs", testWatchLongIDs},
}

var watchT0 = time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)

func entryAt(n int64) *int64 { return &n }

func watchAlerts(names ...string) []leaktrace.PendingAlert {
	var out []leaktrace.PendingAlert
	for _, n := range names {
		out = append(out, leaktrace.PendingAlert{Alerter: n, Alert: []byte(`{"kind":"accusation"}`)})
	}
	return out
}

// testWatchDedupe: one content is recorded with its trace and alerts
// once, whatever source or id it comes under; ids are recorded with the
// content they were last seen with.
func testWatchDedupe(t *testing.T, e *env) {
	ctx, s, t0, entry, alerts := context.Background(), e.s, watchT0, entryAt, watchAlerts
	if _, ok, err := s.WatchItem(ctx, "feed:a", "g1"); err != nil || ok {
		t.Fatalf("WatchItem before anything: %v, %v", ok, err)
	}
	if _, ok, err := s.WatchTraced(ctx, "aa"); err != nil || ok {
		t.Fatalf("WatchTraced before anything: %v, %v", ok, err)
	}
	stored, dup, err := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "feed:a", ID: "g1", SHA256: "aa", LogEntry: entry(7), At: t0, ClaimUntil: t0.Add(time.Minute)}, alerts("webhook", "log"))
	if err != nil || dup || len(stored) != 2 || stored[0].ID == stored[1].ID || stored[0].SHA256 != "aa" {
		t.Fatalf("first record: %+v, dup %v, %v", stored, dup, err)
	}
	if sha, ok, err := s.WatchItem(ctx, "feed:a", "g1"); err != nil || !ok || sha != "aa" {
		t.Fatalf("WatchItem of a recorded id: %q %v, %v", sha, ok, err)
	}
	if _, ok, _ := s.WatchItem(ctx, "feed:b", "g1"); ok {
		t.Fatal("an id is seen at a source that never showed it")
	}
	if n, ok, err := s.WatchTraced(ctx, "aa"); err != nil || !ok || n != 7 {
		t.Fatalf("WatchTraced: %d %v %v, want entry 7", n, ok, err)
	}
	// The same content traced again (another server, another source):
	// only the id is recorded, and no alert.
	stored, dup, err = s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "dir:/x", ID: "f.txt", SHA256: "aa", LogEntry: entry(9), At: t0}, alerts("webhook"))
	if err != nil || !dup || len(stored) != 0 {
		t.Fatalf("second record of one content: %+v, dup %v, %v", stored, dup, err)
	}
	if n, _, _ := s.WatchTraced(ctx, "aa"); n != 7 {
		t.Fatalf("the content's trace became entry %d, want the first (7)", n)
	}
	if sha, ok, _ := s.WatchItem(ctx, "dir:/x", "f.txt"); !ok || sha != "aa" {
		t.Fatal("the duplicate's id was not recorded")
	}
	if n, err := s.PendingAlertCount(ctx); err != nil || n != 2 {
		t.Fatalf("pending alerts: %d, %v, want 2", n, err)
	}
	// An id without a trace (content seen elsewhere) is recorded alone.
	if _, dup, err := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "feed:b", ID: "g2", SHA256: "aa", At: t0}, nil); err != nil || !dup {
		t.Fatalf("recording an id alone: dup %v, %v", dup, err)
	}
	if sha, ok, _ := s.WatchItem(ctx, "feed:b", "g2"); !ok || sha != "aa" {
		t.Fatal("an id recorded alone is not seen")
	}
}

// testWatchClaims: alerts are claimed by their recorder, and after it
// dies, by the next deliverer once the claim lapsed; a sent alert is
// never claimed again.
func testWatchClaims(t *testing.T, e *env) {
	ctx, s, t0, entry, alerts := context.Background(), e.s, watchT0, entryAt, watchAlerts
	stored, _, err := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "feed:a", ID: "g1", SHA256: "bb", LogEntry: entry(3), At: t0, ClaimUntil: t0.Add(time.Minute)}, alerts("webhook", "smtp"))
	if err != nil || len(stored) != 2 {
		t.Fatalf("record: %v %v", stored, err)
	}
	// Claimed by their recorder: nobody else takes them meanwhile.
	if got, err := s.ClaimAlerts(ctx, t0.Add(30*time.Second), t0.Add(2*time.Minute), 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed alerts another holds: %+v, %v", got, err)
	}
	if err := s.AlertSent(ctx, stored[0].ID, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	// The recorder dies before delivering the second one.
	s = e.h.Open(t, e.signer(t)) // another process, after the first died
	if n, err := s.PendingAlertCount(ctx); err != nil || n != 1 {
		t.Fatalf("pending after restart: %d, %v, want 1", n, err)
	}
	got, err := s.ClaimAlerts(ctx, t0.Add(time.Minute), t0.Add(2*time.Minute), 10)
	if err != nil || len(got) != 1 || got[0].ID != stored[1].ID || got[0].Alerter != "smtp" || string(got[0].Alert) != `{"kind":"accusation"}` {
		t.Fatalf("claim after the lapse: %+v, %v; want the smtp alert", got, err)
	}
	if again, _ := s.ClaimAlerts(ctx, t0.Add(time.Minute), t0.Add(2*time.Minute), 10); len(again) != 0 {
		t.Fatalf("an alert was claimed twice: %+v", again)
	}
	if err := s.AlertFailed(ctx, got[0].ID, t0.Add(5*time.Minute), "550 mailbox full"); err != nil {
		t.Fatal(err)
	}
	if early, _ := s.ClaimAlerts(ctx, t0.Add(4*time.Minute), t0.Add(6*time.Minute), 10); len(early) != 0 {
		t.Fatalf("a failed alert was claimed before its retry time: %+v", early)
	}
	late, err := s.ClaimAlerts(ctx, t0.Add(5*time.Minute), t0.Add(6*time.Minute), 10)
	if err != nil || len(late) != 1 || late[0].Attempts != 1 || late[0].LastError != "550 mailbox full" {
		t.Fatalf("retry claim: %+v, %v", late, err)
	}
	if err := s.AlertSent(ctx, late[0].ID, t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	s = e.h.Open(t, e.signer(t)) // another process, after the first died
	if n, _ := s.PendingAlertCount(ctx); n != 0 {
		t.Fatalf("%d alerts pending after every one was sent", n)
	}
	if got, _ := s.ClaimAlerts(ctx, t0.Add(time.Hour), t0.Add(2*time.Hour), 10); len(got) != 0 {
		t.Fatalf("sent alerts were claimed again: %+v", got)
	}
	if err := s.AlertFailed(ctx, 1<<40, t0, "x"); !errors.Is(err, leaktrace.ErrNotFound) {
		t.Fatalf("AlertFailed of an unknown alert: %v, want ErrNotFound", err)
	}
	if _, dup, _ := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "feed:a", ID: "g9", SHA256: "bb", LogEntry: entry(4), At: t0}, alerts("webhook")); !dup {
		t.Fatal("content recorded before a restart was recorded again after it")
	}
}

// testWatchChanged: an id whose content changed is recorded again, with
// its new alerts.
func testWatchChanged(t *testing.T, e *env) {
	ctx, s, t0, entry, alerts := context.Background(), e.s, watchT0, entryAt, watchAlerts
	for i, sha := range []string{"c1", "c2"} {
		_, dup, err := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: "dir:/d", ID: "a.txt", SHA256: sha, LogEntry: entry(int64(i)), At: t0}, alerts("log"))
		if err != nil || dup {
			t.Fatalf("content %s under one id: dup %v, %v", sha, dup, err)
		}
	}
	if n, _ := s.PendingAlertCount(ctx); n != 2 {
		t.Fatalf("pending: %d, want one alert per content", n)
	}
	if sha, _, _ := s.WatchItem(ctx, "dir:/d", "a.txt"); sha != "c2" {
		t.Fatalf("the id's content is %q, want the latest (c2)", sha)
	}
}

// testWatchLongIDs: an id and a source name of 5,000 bytes (a feed
// item's guid, a URL) are recorded and found like short ones, and two
// long ids that differ only at their end are told apart.
func testWatchLongIDs(t *testing.T, e *env) {
	ctx, s, t0, entry := context.Background(), e.s, watchT0, entryAt
	// Hex of a hash chain: text that does not compress (an index entry
	// is compressed before its size is checked).
	var b strings.Builder
	sum := sha256.Sum256([]byte("seed"))
	for b.Len() < 10000 {
		b.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	src := "feed:https://feeds.example/" + b.String()[:5000]
	id := b.String()[5000:9999]
	for i, v := range []string{"1", "2"} {
		if _, _, err := s.RecordWatch(ctx, leaktrace.WatchRecord{Source: src, ID: id + v, SHA256: "l" + v, LogEntry: entry(int64(i)), At: t0}, nil); err != nil {
			t.Fatalf("recording a 5,000-byte id: %v", err)
		}
	}
	for _, v := range []string{"1", "2"} {
		if sha, ok, err := s.WatchItem(ctx, src, id+v); err != nil || !ok || sha != "l"+v {
			t.Fatalf("WatchItem of a 5,000-byte id: %q %v, %v; want l%s", sha, ok, err, v)
		}
	}
	if _, ok, err := s.WatchItem(ctx, src, id+"3"); err != nil || ok {
		t.Fatalf("WatchItem of an id never recorded: %v, %v", ok, err)
	}
}
