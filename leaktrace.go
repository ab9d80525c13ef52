// Package leaktrace registers sensitive documents and their readers and
// issues every reader an invisibly, uniquely marked copy, so that a leaked
// copy names the reader it was issued to.
//
// # Overview
//
// A [Document] is registered once. Its variation points — spots with two
// or more renderings that mean and look the same — are found by the marks
// package. Each [Recipient] is issued a copy whose rendering at every
// point is chosen by a keyed pseudo-random code (package code), so copies
// are reproducible from the secret key and never need storing. Every issue
// is recorded as a [Copy].
//
// Every change — the home's creation, a document or reader added, a copy
// issued, a trace run — is also an entry in an append-only, signed Merkle
// log (the custody log; format and guarantees in internal/custody), which
// the [Store] writes in the same transaction as the change.
//
// The [Store] interface is the persistence boundary; the SQLite
// implementation lives in internal/store.
package leaktrace

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"golang.org/x/mod/sumdb/tlog"
)

// Errors shared by every Store implementation.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrNoStore is returned when opening a store that does not exist.
	ErrNoStore = errors.New("no store")
	// ErrNoSigner is returned by changes to a store opened without a
	// checkpoint signer: a change without a signed checkpoint would leave
	// the log unverifiable.
	ErrNoSigner = errors.New("no checkpoint signer")
	// ErrLogCorrupt is returned when the log tables disagree with each
	// other (for example fewer stored hashes than the entries need).
	ErrLogCorrupt = errors.New("custody log tables are inconsistent")
	// ErrChanged is returned by [Store.RecordAccess] when what its
	// [AccessGuard] says must still hold no longer does: the decision to
	// deliver was overtaken by a change committed meanwhile.
	ErrChanged = errors.New("access changed meanwhile")
)

// Document is a registered source document.
type Document struct {
	ID       string
	Title    string
	Filename string // base name of the file it was registered from
	Format   string // the format's kind (format.Descriptor.Kind): "txt", "md", "eml"…
	Content  []byte
	SHA256   string // hex of the content
	Words    int
	Marks    Marks
	Scheme   int // code scheme its copies are derived under
	// Catalogue is the version of the point catalogue (how variation
	// points are found) the document was registered under; its copies
	// are found with that version for ever. 0 means 1, the first.
	Catalogue int
	// Verbatim documents have no lexical points: their wording never
	// moves.
	Verbatim bool
	// Reencode: copies may re-encode the email's 7-bit US-ASCII text
	// parts as UTF-8 quoted-printable (format.ParseOptions.Reencode), so
	// that they carry every channel. Part of the registration: the
	// document is read so for ever.
	Reencode bool
	// Variants are the author's own variants, each a lexical point
	// (see marks.AuthorVariant); VariantsSHA256 is the hex SHA-256 of
	// their canonical JSON, "" when there are none. They are part of the
	// registration: the document's copies are found with them for ever.
	Variants       []marks.AuthorVariant
	VariantsSHA256 string
	AddedAt        time.Time
	// Capacity is the estimate made when the document was added.
	Capacity *Capacity
	// Baseline is what the document would carry registered the ordinary
	// way (without --verbatim, or without its variants), for reports of
	// what the choice cost or gained; nil when it was registered the
	// ordinary way, or before baselines were kept.
	Baseline *Baseline
	// Marking is the document's classification banner in canonical form
	// (marking.Marking.String), "" when it has none: the vault serves an
	// unmarked document to nobody.
	Marking string
	// Fingerprints index the document for source lookup. They are
	// written by AddDocument and not read back.
	Fingerprints []index.Fingerprint
}

// Capacity estimates how long a leak of a document must be for its
// reader to be named, per attack: with Recipients readers, at
// false-accusation bound Epsilon, identifying the leaker in nine leaks out
// of ten. A nil entry (null in JSON) means no length would do.
type Capacity struct {
	Recipients  int             `json:"recipients"`
	Epsilon     float64         `json:"epsilon"`
	WordsNeeded map[string]*int `json:"words_needed"`
	// PagesNeeded is, per picture attack on a PDF copy ("photo",
	// "photo-hard", "screenshot", "print-scan"), the share of a full page
	// (Layout.FullPage layout points) a picture must show for its reader
	// to be named, from the layout channel alone; above 1, more than a
	// page. A nil entry means no share of the document would do. It is
	// absent when PDF copies can't be typeset (Layout.Error says why) and
	// for documents registered before it was estimated.
	PagesNeeded map[string]*float64 `json:"pages_needed,omitempty"`
	// Layout describes the layout channel of the document's PDF copies.
	Layout *LayoutCapacity `json:"layout,omitempty"`
}

// Pages returns the share of a page a picture needs under an attack, and
// false if none is known or no share would do.
func (c *Capacity) Pages(attack string) (float64, bool) {
	if p := c.PagesNeeded[attack]; p != nil {
		return *p, true
	}
	return 0, false
}

// LayoutCapacity is the layout channel of a document's PDF copies, under
// one layout version: its pages and layout points.
type LayoutCapacity struct {
	Version int `json:"version"`
	Pages   int `json:"pages,omitempty"`
	Points  int `json:"points"`
	// PerPage spreads the layout points over the pages; FullPage is the
	// points of a typical full page, the median over the pages holding at
	// least half as many as the fullest one.
	PerPage  *Spread `json:"points_per_page,omitempty"`
	FullPage int     `json:"full_page,omitempty"`
	// Error says why the document can't be typeset as a PDF (a character
	// the fonts can't draw); the other fields are then zero.
	Error string `json:"error,omitempty"`
	// NotEstimated says why the layout channel was not estimated though
	// the document can be issued as a PDF (it is too long to typeset at
	// registration); the other fields are then zero.
	NotEstimated string `json:"not_estimated,omitempty"`
	// ComputedNow marks an estimate made when it was shown, for a
	// document registered before estimates of the layout channel were
	// stored; it is never stored.
	ComputedNow bool `json:"computed_now,omitempty"`
	// Native marks layout points the document's own format carries
	// (a registered PDF's word shifts), not its typeset PDF copies'.
	// ExactPointsNeeded is then how many of them a copy in that format
	// must hold for its reader to be named, read exactly (0: never).
	Native            bool `json:"native,omitempty"`
	ExactPointsNeeded int  `json:"exact_points_needed,omitempty"`
}

// Spread is the least, median and greatest of some counts.
type Spread struct {
	Min    int `json:"min"`
	Median int `json:"median"`
	Max    int `json:"max"`
}

// Words returns the words needed under an attack, and false if no length
// would do.
func (c *Capacity) Words(attack string) (int, bool) {
	if w := c.WordsNeeded[attack]; w != nil {
		return *w, true
	}
	return 0, false
}

// Baseline is a document's variation points and capacity had it been
// registered without one of its registration choices.
type Baseline struct {
	// Without names the choice left out: "verbatim" or "variants".
	Without  string    `json:"without"`
	Marks    Marks     `json:"marks"`
	Capacity *Capacity `json:"capacity"`
}

// Marks counts a document's variation points.
type Marks struct {
	Total     int            `json:"total"`
	ByChannel map[string]int `json:"by_channel"`
}

// Recipient is a reader who may be issued copies, and a user of the
// vault server: what they are cleared for and what they may do there.
type Recipient struct {
	ID      string
	Name    string
	Email   string
	AddedAt time.Time

	// Clearance is the level the reader is cleared for, abbreviated as
	// marking.Level.Abbrev gives it ("U", "C", "S", "TS"); "" is "U".
	Clearance string
	// Compartments are the SCI compartments the reader is read into,
	// upper case, sorted.
	Compartments []string
	// Citizenship is an ISO 3166-1 alpha-3 code, "" when not known.
	Citizenship string
	// Roles are what the reader may do in the vault, sorted: "reader",
	// "issuer", "investigator", "auditor", "admin". Empty means reader.
	Roles []string
	// Disabled readers can't sign in or use a token; their past copies
	// stay in the log.
	Disabled bool
}

// Token is an API bearer token of a reader. Only a hash of its secret is
// kept: the secret is shown once, when the token is created.
type Token struct {
	// ID is the token's public part, which the secret begins with, so
	// that it can be named (token revoke ID) and found without the
	// secret.
	ID        string
	Recipient string
	// SHA256 is the hex SHA-256 of the whole secret.
	SHA256    string
	CreatedAt time.Time
	// RevokedAt is zero while the token is valid.
	RevokedAt time.Time
}

// Copy records that a recipient was issued a copy of a document.
type Copy struct {
	Document  string
	Recipient string
	// Format is "" for a copy in the document's own format, or
	// [FormatPDF] for a typeset copy under layout version Layout.
	Format string
	Layout int
	// Footer: the PDF's pages name the reader.
	Footer bool
	// Marking is the classification banner printed at the top and the
	// bottom of a PDF copy's pages (the document's marking when it was
	// issued), "" for none and for a copy in the document's own format.
	// It is part of the copy's identity: the same reader's PDF copy
	// under another marking is other bytes.
	Marking  string
	SHA256   string // hex of the copy's bytes
	IssuedAt time.Time
}

// FormatPDF is the format of a typeset copy.
const FormatPDF = "pdf"

// LogRecord is one custody-log entry as a [Store] keeps it. Data is the
// entry's canonical bytes — the leaf whose RFC 6962 hash goes into the
// Merkle tree — and is never changed or reinterpreted by the store. Kind,
// Document and Recipient repeat fields of Data so that the store can find
// an object's entries without decoding every leaf; they are a lookup aid,
// not evidence, and readers must check them against the decoded Data.
type LogRecord struct {
	Kind      string
	Document  string
	Recipient string
	Data      []byte
}

// LogCheckpoint is a signed checkpoint of the custody log as stored: the
// tree size it commits to and the signed note's exact bytes.
type LogCheckpoint struct {
	Size int64
	Note []byte
}

// CheckpointSigner signs checkpoints of the custody log. A Store calls it
// inside the transaction that appends entries, so that a change, its log
// entries and the checkpoint covering them commit together or not at all.
type CheckpointSigner interface {
	// SignCheckpoint returns the signed note for the tree of the given
	// size and RFC 6962 root hash.
	SignCheckpoint(size int64, root tlog.Hash) ([]byte, error)
}

// StoreReader is the read side of a [Store]. A Store is one, reading the
// latest committed state afresh with every call; the StoreReader that
// [Store.Snapshot] passes reads one state throughout.
type StoreReader interface {
	Document(ctx context.Context, id string) (*Document, error) // ErrNotFound
	// Documents lists all documents without their content.
	Documents(ctx context.Context) ([]*Document, error)
	// DocumentCount returns the number of registered documents.
	DocumentCount(ctx context.Context) (int, error)
	Recipient(ctx context.Context, id string) (*Recipient, error) // ErrNotFound
	Recipients(ctx context.Context) ([]Recipient, error)
	// Copies lists the copies issued of a document, or of every document
	// when doc is "".
	Copies(ctx context.Context, doc string) ([]Copy, error)
	// Lookup returns the postings of the given k-gram hashes, leaving out
	// hashes so common that they say nothing about the source.
	Lookup(ctx context.Context, hashes []int64) ([]index.Posting, error)
	// PostingCounts returns, for each hash, how many postings the lookup
	// index holds, counting no further than atMost (0 for every hash when
	// atMost is 0 or less).
	PostingCounts(ctx context.Context, hashes []int64, atMost int) ([]int, error)
	// IndexDigests reads the whole lookup index and digests it per
	// document.
	IndexDigests(ctx context.Context) (*IndexState, error)

	// LogSize returns the number of entries in the log.
	LogSize(ctx context.Context) (int64, error)
	// LogEntries returns entries [start, end), ErrNotFound past the end.
	LogEntries(ctx context.Context, start, end int64) ([]LogRecord, error)
	// FindLogEntries returns, in log order, the indexes of the entries
	// whose lookup fields match.
	FindLogEntries(ctx context.Context, kind, doc, recipient string) ([]int64, error)
	// ReadLogHashes returns the tlog stored hashes at the given storage
	// indexes (see tlog.StoredHashIndex), in order.
	ReadLogHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// LogHashCount returns the number of stored hashes.
	LogHashCount(ctx context.Context) (int64, error)
	// Checkpoint returns the latest checkpoint (ErrNotFound before the
	// first entry).
	Checkpoint(ctx context.Context) (LogCheckpoint, error)
	// Checkpoints returns every stored checkpoint, oldest first.
	Checkpoints(ctx context.Context) ([]LogCheckpoint, error)

	// Granted reports whether recipient is granted doc (need to know).
	Granted(ctx context.Context, doc, recipient string) (bool, error)
	// Grants lists the readers granted doc, sorted.
	Grants(ctx context.Context, doc string) ([]string, error)
	// GrantsOf lists the documents granted to recipient, sorted.
	GrantsOf(ctx context.Context, recipient string) ([]string, error)
	// Token returns a token by its public id (ErrNotFound), revoked or not.
	Token(ctx context.Context, id string) (*Token, error)
	// Tokens lists a reader's tokens, or every token when recipient is "".
	Tokens(ctx context.Context, recipient string) ([]Token, error)
	// Password returns a reader's password hash (an argon2id PHC string),
	// ErrNotFound when none is set.
	Password(ctx context.Context, recipient string) (string, error)
}

// Store persists documents, recipients, issued copies and the custody log
// that records them. Every method is atomic: it either commits entirely or
// changes nothing.
//
// The custody log is append-only. Each method that changes state takes the
// log records describing the change and appends them, with their tlog
// stored hashes and a new signed checkpoint, in the same transaction as
// the change itself: the store never holds a change that is not in the
// log, nor a log entry whose change did not commit. A store opened
// without a [CheckpointSigner] refuses such changes with [ErrNoSigner].
type Store interface {
	StoreReader
	WatchState

	// Snapshot runs fn with a StoreReader that sees one consistent state
	// of the store, for reads that must agree with each other (a log's
	// size and its latest checkpoint). Changes that commit while fn runs
	// are not seen.
	Snapshot(ctx context.Context, fn func(StoreReader) error) error

	// AddDocument adds d and appends rec. ErrExists if the id is taken.
	AddDocument(ctx context.Context, d *Document, rec LogRecord) error
	// DocumentIDs lists the ids of the registered documents, sorted.
	DocumentIDs(ctx context.Context) ([]string, error)
	// DocumentIDFolded returns the registered document id that equals id
	// but for the case of ASCII letters (id itself if registered, even
	// where a store from before ids were checked holds others differing
	// only in case), or "" if there is none: one indexed lookup, however
	// many are registered.
	DocumentIDFolded(ctx context.Context, id string) (string, error)
	// DocumentsWithSHA256 lists the ids, sorted, of the registered
	// documents whose content has this SHA-256 (hex): one indexed lookup.
	DocumentsWithSHA256(ctx context.Context, sha256 string) ([]string, error)
	// AddRecipients adds all recipients or none (ErrExists names the first
	// duplicate) and appends recs.
	AddRecipients(ctx context.Context, rs []Recipient, recs []LogRecord) error
	// RecipientIDs lists the ids of the registered recipients, sorted.
	RecipientIDs(ctx context.Context) ([]string, error)
	// RecordCopies records issued copies, all or none, and appends recs.
	// Re-issuing a copy keeps its first issue time; the log keeps every
	// issue.
	RecordCopies(ctx context.Context, cs []Copy, recs []LogRecord) error
	// RecordAccess is RecordCopies for a copy the vault delivers, under
	// the decision that allowed it: in the same transaction it first
	// checks, on the rows as they are then, that guard still holds, and
	// records nothing and returns ErrChanged if it does not. It returns
	// the index of the first record appended.
	RecordAccess(ctx context.Context, cs []Copy, recs []LogRecord, guard AccessGuard) (first int64, err error)
	// Issued returns which of docs have at least one issued copy.
	Issued(ctx context.Context, docs []string) (map[string]bool, error)
	// SampleCopies returns one issued copy of each of up to n documents,
	// those of the smallest documents first.
	SampleCopies(ctx context.Context, n int) ([]Copy, error)

	// UpdateRecipient changes the access fields of a registered reader
	// (Clearance, Compartments, Citizenship, Roles, Disabled; never the
	// id, name, e-mail or time added) in one transaction: it reads the
	// reader, calls apply with them to change those fields and return the
	// log record describing the result, stores the fields and appends the
	// record. So the change applies to the reader as they are when it
	// commits, and a concurrent change is never undone. An error from
	// apply is returned, and nothing changes. apply must not use the
	// store. ErrNotFound.
	UpdateRecipient(ctx context.Context, id string, apply func(r *Recipient) (LogRecord, error)) error
	// SetMarking sets a document's marking and appends rec. ErrNotFound.
	// With from not nil, the marking is changed only if it is *from in
	// the same transaction, and ErrChanged is returned (nothing written)
	// if it is not: a decision made on the marking holds when it commits.
	SetMarking(ctx context.Context, doc, marking string, from *string, rec LogRecord) error
	// SetGrants grants (granted true) or revokes doc to every recipient,
	// all or none, and appends recs. Granting twice or revoking what was
	// not granted changes nothing but still appends recs. ErrNotFound
	// names an unknown document or reader.
	SetGrants(ctx context.Context, doc string, recipients []string, granted bool, recs []LogRecord) error
	// AddToken stores a new token and appends rec. ErrExists if its id
	// is taken.
	AddToken(ctx context.Context, t Token, rec LogRecord) error
	// RevokeToken marks a token revoked at the given time and appends
	// rec. ErrNotFound.
	RevokeToken(ctx context.Context, id string, at time.Time, rec LogRecord) error
	// SetPassword stores a reader's password hash and appends rec.
	SetPassword(ctx context.Context, recipient, hash string, rec LogRecord) error

	// AppendLog appends records that change nothing else (the log's own
	// start, traces, views and denials) and returns the index of the first.
	AppendLog(ctx context.Context, recs []LogRecord) (first int64, err error)

	// Reindex rebuilds the lookup index in one transaction: it stores
	// fingerprints(d) as the rows of every document d, and drops every
	// other row. progress, if not nil, is called after each document. It
	// appends nothing to the custody log: the index is derived from the
	// documents' content, which the log records.
	Reindex(ctx context.Context, fingerprints func(*Document) ([]index.Fingerprint, error), progress func(done, total int)) (*Reindexed, error)

	// Meta returns the fact about the home stored under name, and
	// whether there is one. Facts describe the home rather than change
	// what it records: they are not custody-log entries, and setting one
	// needs no signer.
	Meta(ctx context.Context, name string) (string, bool, error)
	// SetMeta stores value under name, replacing any value there.
	SetMeta(ctx context.Context, name, value string) error
	// SetMetaOnce stores value under name unless one is there already,
	// and returns the value stored after it, atomically.
	SetMetaOnce(ctx context.Context, name, value string) (string, error)

	Close() error
}

// AccessGuard is what must still hold when [Store.RecordAccess] records a
// delivered copy: the facts a decision to deliver rested on.
type AccessGuard struct {
	// Document must exist and be marked exactly Marking: the marking the
	// reader was authorized for, which a PDF copy prints.
	Document string
	Marking  string
	// Recipient must exist, not be disabled, be granted Document, and
	// have exactly these access fields, in their stored form (Clearance
	// "" is "U"; Compartments sorted).
	Recipient    string
	Clearance    string
	Compartments []string
	Citizenship  string
}

// IndexDigest sums up a document's rows in the lookup index.
type IndexDigest struct {
	Count int
	// Digest is the SHA-256 of the rows in (hash, pos) order, each as
	// two big-endian int64s.
	Digest [sha256.Size]byte
}

// IndexState is the lookup index as stored.
type IndexState struct {
	// Documents holds the digest of every document that has an index
	// number, by id; a document without one has no rows.
	Documents map[string]IndexDigest
	// Rows is the number of fingerprint rows.
	Rows int
	// Orphans counts the rows that belong to no registered document:
	// fingerprints without an index number, and index numbers of
	// documents that are not in the store.
	Orphans int
}

// Reindexed is what [Store.Reindex] did.
type Reindexed struct {
	Documents    int `json:"documents"`
	Fingerprints int `json:"fingerprints"`
	// Rebuilt lists the documents whose index rows changed, by id.
	Rebuilt []string `json:"rebuilt"`
	// Removed counts the rows dropped because they belonged to no
	// document.
	Removed int `json:"removed"`
}

// CatalogueVersion is the point catalogue version d was registered under.
func (d *Document) CatalogueVersion() int {
	if d.Catalogue == 0 {
		return 1
	}
	return d.Catalogue
}
