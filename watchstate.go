package leaktrace

import (
	"context"
	"time"
)

// WatchState is the state of leak watch (internal/watch) that a [Store]
// keeps, so that it survives restarts and is shared by the servers that
// share a store: which item ids each source has shown, which contents
// were traced (by SHA-256, with the custody-log entry of the trace), and
// the alerts to deliver.
//
// An alert is recorded pending in the same transaction as its item's
// content, before it is sent, and marked sent after its alerter delivered
// it: after a crash, what was traced but not yet recorded is traced again
// (nothing is missed), what was recorded is never recorded twice (nothing
// is alerted twice), and a pending alert is sent again once its claim
// lapses (delivery to a receiver is at least once).
type WatchState interface {
	// WatchItem returns the hex SHA-256 of the content source last showed
	// under an item id, and false if it never showed the id.
	WatchItem(ctx context.Context, source, id string) (sha string, ok bool, err error)
	// WatchTraced returns the custody-log entry of the trace of the
	// content whose hex SHA-256 is sha, and false if it was never
	// recorded.
	WatchTraced(ctx context.Context, sha string) (entry int64, ok bool, err error)
	// RecordWatch records a handled item in one transaction: that its
	// source showed its id with this content and, when it was traced
	// (r.LogEntry not nil), the content's trace and its alerts, pending
	// and claimed until r.ClaimUntil by the caller, who delivers them.
	// If the content was recorded already (another source, or another
	// server sharing the store, traced it first), only the id is
	// recorded, no alert is, and dup is true. The alerts returned carry
	// the ids the store gave them.
	RecordWatch(ctx context.Context, r WatchRecord, alerts []PendingAlert) (stored []PendingAlert, dup bool, err error)
	// ClaimAlerts claims, until the given time, up to limit pending
	// alerts whose claim lapsed by now, oldest first, so that no two
	// deliverers send one alert at once.
	ClaimAlerts(ctx context.Context, now, until time.Time, limit int) ([]PendingAlert, error)
	// AlertSent marks an alert delivered. ErrNotFound.
	AlertSent(ctx context.Context, id int64, at time.Time) error
	// AlertFailed records a failed delivery and leaves the alert pending,
	// claimed until retryAt. ErrNotFound.
	AlertFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error
	// PendingAlertCount counts the alerts not yet delivered.
	PendingAlertCount(ctx context.Context) (int, error)
}

// WatchRecord is one item leak watch handled (see
// [WatchState.RecordWatch]).
type WatchRecord struct {
	Source string
	// ID is the source's item id, "" for an item that has none.
	ID     string
	SHA256 string
	// LogEntry is the custody-log entry of the content's trace, nil for
	// an item whose content was traced before.
	LogEntry   *int64
	At         time.Time
	ClaimUntil time.Time
}

// PendingAlert is an alert to deliver through one alerter.
type PendingAlert struct {
	// ID is given by the store.
	ID      int64
	Alerter string
	// SHA256 is the content the alert is about.
	SHA256 string
	// Alert is the alert's JSON (watch.Alert).
	Alert     []byte
	Attempts  int
	LastError string
}
