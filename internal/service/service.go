// Package service wires a leaktrace home — the SQLite store and the secret
// marking key in one directory — to the operations the CLI and the server
// offer. It owns the order of effects: a copy is recorded in the store
// before it is written anywhere.
package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/store"
)

// File names inside a home.
const (
	DBFile  = "leaktrace.db"
	KeyFile = "marking.key"
)

// Errors the CLI turns into hints.
var (
	ErrNoHome     = errors.New("no leaktrace home")
	ErrHomeExists = errors.New("leaktrace home already exists")
	ErrInvalidID  = errors.New("invalid id")
	ErrNotIssued  = errors.New("no variation points")
)

// Service is an open home.
type Service struct {
	Dir   string
	Store *store.Store
	key   code.Key
	now   func() time.Time
}

// Init creates a new home in dir: the store and a fresh marking key (mode
// 0600). It refuses to touch a directory that already holds either.
func Init(ctx context.Context, dir string) error {
	for _, f := range []string{DBFile, KeyFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return fmt.Errorf("%w in %s (found %s)", ErrHomeExists, dir, f)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var key code.Key
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	keyPath := filepath.Join(dir, KeyFile)
	if err := writeNew(keyPath, []byte(hex.EncodeToString(key[:])+"\n")); err != nil {
		return fmt.Errorf("writing marking key: %w", err)
	}
	st, err := store.Create(ctx, filepath.Join(dir, DBFile))
	if err != nil {
		os.Remove(keyPath)
		return fmt.Errorf("creating store: %w", err)
	}
	return st.Close()
}

// writeNew writes a new file with mode 0600, durably, failing if it exists.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// Open opens the home in dir.
func Open(ctx context.Context, dir string) (*Service, error) {
	db := filepath.Join(dir, DBFile)
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", ErrNoHome, dir)
	}
	key, err := readKey(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Service{Dir: dir, Store: st, key: key, now: time.Now}, nil
}

func readKey(path string) (code.Key, error) {
	var key code.Key
	b, err := os.ReadFile(path)
	if err != nil {
		return key, fmt.Errorf("reading marking key: %w", err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != code.KeySize {
		return key, fmt.Errorf("marking key %s is corrupt: want %d hex-encoded bytes", path, code.KeySize)
	}
	copy(key[:], raw)
	return key, nil
}

// Close closes the store.
func (s *Service) Close() error { return s.Store.Close() }

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$`)

// CheckID validates a document or recipient id. Ids name files (a
// recipient's copy is DIR/<id>.<ext>), so they are restricted to a safe
// alphabet.
func CheckID(kind, id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%w: %s id %q: use 1-128 letters, digits and . _ @ + -, starting with a letter or digit", ErrInvalidID, kind, id)
	}
	return nil
}

// DefaultDocID derives a document id from a file name.
func DefaultDocID(filename string) string {
	base := strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-._")
	if len(id) > 128 {
		id = id[:128]
	}
	return id
}

// AddDocument registers a document read from filename.
func (s *Service) AddDocument(ctx context.Context, filename string, data []byte, id, title string) (*leaktrace.Document, error) {
	if id == "" {
		id = DefaultDocID(filename)
	}
	if err := CheckID("document", id); err != nil {
		return nil, err
	}
	a, err := leaktrace.Analyze(filename, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if title == "" {
		title = filepath.Base(filename)
	}
	d := &leaktrace.Document{
		ID: id, Title: title, Filename: filepath.Base(filename), Format: a.Set.Doc.Format(),
		Content: data, SHA256: leaktrace.Hash(data), Words: a.Set.Words, Marks: a.Marks(),
		Scheme: code.Scheme, AddedAt: s.now(), Fingerprints: index.Winnow(a.Canonical()),
	}
	if err := s.Store.AddDocument(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// AddRecipients registers recipients, all or none.
func (s *Service) AddRecipients(ctx context.Context, rs []leaktrace.Recipient) error {
	seen := make(map[string]bool, len(rs))
	for i := range rs {
		if err := CheckID("recipient", rs[i].ID); err != nil {
			return err
		}
		if seen[rs[i].ID] {
			return fmt.Errorf("recipient %q is listed twice: %w", rs[i].ID, leaktrace.ErrExists)
		}
		seen[rs[i].ID] = true
		rs[i].AddedAt = s.now()
	}
	return s.Store.AddRecipients(ctx, rs)
}

// Marker prepares a registered document for issuing.
func (s *Service) Marker(ctx context.Context, docID string) (*leaktrace.Marker, *leaktrace.Document, error) {
	d, err := s.Store.Document(ctx, docID)
	if err != nil {
		return nil, nil, err
	}
	m, err := leaktrace.NewMarker(s.key, d)
	if err != nil {
		return nil, nil, err
	}
	return m, d, nil
}

// Issued is one rendered copy.
type Issued struct {
	Recipient string
	Data      []byte
}

// Issue renders the copies of docID for the given recipients and records
// them in the store, in one transaction. Only after it returns may the
// copies be handed out: a copy that is not recorded never leaves.
func (s *Service) Issue(ctx context.Context, m *leaktrace.Marker, docID string, recipients []string) ([]Issued, error) {
	out := make([]Issued, 0, len(recipients))
	records := make([]leaktrace.Copy, 0, len(recipients))
	now := s.now()
	for _, r := range recipients {
		if _, err := s.Store.Recipient(ctx, r); err != nil {
			return nil, err
		}
		b, err := m.Copy(r)
		if err != nil {
			return nil, err
		}
		out = append(out, Issued{Recipient: r, Data: b})
		records = append(records, leaktrace.Copy{Document: docID, Recipient: r, SHA256: leaktrace.Hash(b), IssuedAt: now})
	}
	if err := s.Store.RecordCopies(ctx, records); err != nil {
		return nil, err
	}
	return out, nil
}
