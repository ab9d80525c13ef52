// Package watch is leak watch: it scans the places where leaks surface
// (a folder, feeds, items pushed by scrapers), traces every new item with
// the real trace pipeline, records each trace in the custody log, and
// raises one alert per leak.
//
// Sources find items ([Source]); the [Engine] deduplicates them by
// content hash and by the source's item id against state kept in the
// store, traces them, and delivers alerts ([Alerter]).
package watch

import (
	"context"
	"net/http"
	"time"
)

// Item is one thing a source found: a file, a feed item or one of its
// enclosures, or an item pushed to the endpoint.
type Item struct {
	// Source is the name of the source that found it (Source.Name).
	Source string
	// ID is the source's own id of the item: a file's path relative to
	// the folder, a feed item's guid (and, for an enclosure, the guid, a
	// space and the enclosure's URL), a pushed item's uuid. "" if it has
	// none.
	ID string
	// Link is where the item is: a URL or a file path.
	Link string
	// Name is a file name whose extension tells trace its format when
	// the content does not ("post.html", "scan.png", "item.txt").
	Name string
	// Data is its content, at most Limits.MaxItemBytes.
	Data []byte
	// Title is the item's title, if it has one.
	Title string
	// Published is when the source says it was published, zero if
	// unknown.
	Published time.Time
}

// Source is a place leaks surface.
type Source interface {
	// Name identifies the source in state, alerts and metrics, stably
	// across restarts: "dir:/srv/drop", "feed:https://example.org/rss".
	Name() string
	// Scan returns the items that are new or changed since the source
	// was last scanned by this process (every item on a first scan). It
	// honours ctx, which carries the scan's timeout, and the limits it
	// was made with. seen reports whether an item id was handled already
	// (in this or an earlier run), so that a source can skip fetching
	// it. One item that can't be read is reported in Errors and the
	// others are still returned; an error is for the whole source.
	Scan(ctx context.Context, seen func(id string) bool) (*Scan, error)
}

// Forgetter is a Source that remembers the items it returned (so as not
// to read them again) and can be told to forget one: the engine calls
// Forget with the id of an item whose trace failed for a reason that may
// pass (a timeout, a busy or failing store, a missing tool), so that the
// next scan returns it again. An item whose content can't be traced is
// not forgotten.
type Forgetter interface {
	Forget(id string)
}

// Scan is what one Source.Scan found.
type Scan struct {
	Items []Item
	// Errors are the items that could not be read (too large, a failed
	// download), each naming the item.
	Errors []error
}

// Submitter takes an item pushed to the endpoint and handles it before
// returning: when Submit returns nil, the item is traced and its trace
// is in the custody log (or it was a duplicate), so a pusher that got a
// success can forget it. The Engine is one.
type Submitter interface {
	Submit(ctx context.Context, it Item) (*Result, error)
}

// Result is what became of one item.
type Result struct {
	// Duplicate says the item was handled before (same content, or the
	// same id at the same source with the same content) and nothing was
	// done now.
	Duplicate bool `json:"duplicate"`
	// LogEntry is the custody-log entry of its trace, if it was traced.
	LogEntry *int64 `json:"log_entry,omitempty"`
	// Alerts are the alerts raised for it (none for an unrelated item).
	Alerts []Alert `json:"alerts,omitempty"`
}

// Alert is one leak found: the JSON a webhook receives.
type Alert struct {
	// Kind is "accusation" when a reader is accused, "document" when a
	// registered document was found in the item but no reader is named
	// (the document leaked; the copy it came from is not known).
	Kind string `json:"kind"`
	// Source, Item and Link say where the leak surfaced.
	Source string    `json:"source"`
	Item   string    `json:"item,omitempty"`
	Link   string    `json:"link,omitempty"`
	Title  string    `json:"title,omitempty"`
	Found  time.Time `json:"found"`
	// SHA256 is of the item's content.
	SHA256 string `json:"sha256"`
	// Documents are the matched documents, strongest first.
	Documents []AlertDocument `json:"documents"`
	// LogEntry is the custody-log entry of the trace.
	LogEntry int64 `json:"log_entry"`
}

// AlertDocument is one matched document of an alert.
type AlertDocument struct {
	ID           string         `json:"id"`
	Title        string         `json:"title,omitempty"`
	WordsMatched int            `json:"words_matched"`
	Accused      []AlertSuspect `json:"accused,omitempty"`
}

// AlertSuspect is an accused reader with the probability that an
// innocent reader would score as high.
type AlertSuspect struct {
	Recipient string  `json:"recipient"`
	PValue    float64 `json:"p_value"`
}

// Alerter delivers alerts: a webhook, e-mail, the log.
type Alerter interface {
	// Name identifies the alerter in state and metrics ("webhook",
	// "smtp", "log").
	Name() string
	// Send delivers one alert, or returns an error; the engine retries
	// with backoff.
	Send(ctx context.Context, a Alert) error
}

// Limits bound what a source fetches and how long it may take.
type Limits struct {
	// MaxItemBytes is the largest item read (larger ones are an item
	// error, not read partly).
	MaxItemBytes int64
	// Timeout bounds one fetch (a feed, an enclosure, a file read).
	Timeout time.Duration
	// Client makes the HTTP requests of feeds and enclosures.
	Client *http.Client
}

// DefaultLimits are the limits unless flags say otherwise.
func DefaultLimits() Limits {
	return Limits{MaxItemBytes: 64 << 20, Timeout: 30 * time.Second, Client: &http.Client{Timeout: 60 * time.Second}}
}
