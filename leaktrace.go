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
// The [Store] interface is the persistence boundary; the SQLite
// implementation lives in internal/store.
package leaktrace

import (
	"context"
	"errors"
	"time"

	"github.com/leaktrace/leaktrace/internal/index"
)

// Errors shared by every Store implementation.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Document is a registered source document.
type Document struct {
	ID       string
	Title    string
	Filename string // base name of the file it was registered from
	Format   string // "txt", "md" or "eml"
	Content  []byte
	SHA256   string // hex of the content
	Words    int
	Marks    Marks
	Scheme   int // code scheme its copies are derived under
	AddedAt  time.Time
	// Fingerprints index the document for source lookup. They are
	// written by AddDocument and not read back.
	Fingerprints []index.Fingerprint
}

// Marks counts a document's variation points.
type Marks struct {
	Total     int            `json:"total"`
	ByChannel map[string]int `json:"by_channel"`
}

// Recipient is a reader who may be issued copies.
type Recipient struct {
	ID      string
	Name    string
	Email   string
	AddedAt time.Time
}

// Copy records that a recipient was issued a copy of a document.
type Copy struct {
	Document  string
	Recipient string
	SHA256    string // hex of the copy's bytes
	IssuedAt  time.Time
}

// Store persists documents, recipients and issued copies. Every method is
// atomic: it either commits entirely or changes nothing.
type Store interface {
	AddDocument(ctx context.Context, d *Document) error         // ErrExists
	Document(ctx context.Context, id string) (*Document, error) // ErrNotFound
	// Documents lists all documents without their content.
	Documents(ctx context.Context) ([]*Document, error)
	// AddRecipients adds all recipients or none (ErrExists names the first
	// duplicate).
	AddRecipients(ctx context.Context, rs []Recipient) error
	Recipient(ctx context.Context, id string) (*Recipient, error) // ErrNotFound
	Recipients(ctx context.Context) ([]Recipient, error)
	// RecordCopies records issued copies, all or none. Re-issuing a copy
	// keeps its first issue time.
	RecordCopies(ctx context.Context, cs []Copy) error
	// Copies lists the copies issued of a document.
	Copies(ctx context.Context, doc string) ([]Copy, error)
	// Lookup returns the postings of the given k-gram hashes, leaving out
	// hashes so common that they say nothing about the source.
	Lookup(ctx context.Context, hashes []int64) ([]index.Posting, error)
	Close() error
}
