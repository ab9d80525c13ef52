// Package service wires a leaktrace home — the SQLite store, the secret
// marking key and the custody log's signing key in one directory — to the
// operations the CLI and the server offer. It owns the order of effects: a
// copy is recorded in the store, and its custody-log entry committed with
// it, before it is written anywhere.
package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// File names inside a home.
const (
	DBFile     = "leaktrace.db"
	KeyFile    = "marking.key"
	LogKeyFile = "log.key" // the custody log's note signer key, mode 0600
	LogPubFile = "log.pub" // its verifier key
)

// Errors the CLI turns into hints.
var (
	ErrNoHome     = errors.New("no leaktrace home")
	ErrHomeExists = errors.New("leaktrace home already exists")
	ErrInvalidID  = errors.New("invalid id")
	ErrNotIssued  = errors.New("no variation points")
	// ErrNoLog: the home has no custody-log keys (it predates the log).
	ErrNoLog = errors.New("home has no custody log")
	// ErrLogKey: log.key is missing or does not match log.pub.
	ErrLogKey = errors.New("custody log key problem")
)

// Service is an open home.
type Service struct {
	Dir   string
	Store *store.Store
	// Actor is who the custody log records as making changes; it
	// defaults to [DefaultActor].
	Actor    string
	key      code.Key
	signer   *custody.Signer // nil when log.key is absent: read-only
	verifier note.Verifier
	vkey     string
	now      func() time.Time

	// markers caches prepared documents by id and content hash:
	// documents never change once registered, and preparing one (parsing
	// it, finding its points, deriving its code) is the costly part of a
	// trace that evaluations repeat thousands of times.
	mu      sync.Mutex
	markers map[string]*leaktrace.Marker
}

// InitOptions configures a new home.
type InitOptions struct {
	// Origin names the custody log (its checkpoints' first line and its
	// key's name); default custody.DefaultOrigin().
	Origin string
	// Actor is recorded in the log's init entry; default DefaultActor().
	Actor string
}

// Init creates a new home in dir: the store, a fresh marking key and a
// fresh custody-log key pair (secret files mode 0600), and the log's init
// entry. It refuses to touch a directory that already holds any of them,
// and removes what it wrote if it fails.
func Init(ctx context.Context, dir string, opts InitOptions) (err error) {
	for _, f := range []string{DBFile, KeyFile, LogKeyFile, LogPubFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return fmt.Errorf("%w in %s (found %s)", ErrHomeExists, dir, f)
		}
	}
	if opts.Origin == "" {
		opts.Origin = custody.DefaultOrigin()
	}
	if opts.Actor == "" {
		opts.Actor = DefaultActor()
	}
	skey, vkey, err := custody.GenerateKey(opts.Origin)
	if err != nil {
		return err
	}
	signer, err := custody.NewSigner(skey)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				os.Remove(p)
			}
		}
	}()
	var key code.Key
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	for _, f := range []struct{ name, data, what string }{
		{KeyFile, hex.EncodeToString(key[:]), "marking key"},
		{LogKeyFile, skey, "custody log key"},
		{LogPubFile, vkey, "custody log verifier key"},
	} {
		p := filepath.Join(dir, f.name)
		if err := writeNew(p, []byte(f.data+"\n")); err != nil {
			return fmt.Errorf("writing %s: %w", f.what, err)
		}
		written = append(written, p)
	}
	dbPath := filepath.Join(dir, DBFile)
	st, err := store.Create(ctx, dbPath, signer)
	if err != nil {
		return fmt.Errorf("creating store: %w", err)
	}
	written = append(written, dbPath, dbPath+"-wal", dbPath+"-shm")
	rec, err := record(&custody.Entry{V: custody.Version, Kind: custody.KindInit, Time: custody.FormatTime(time.Now()),
		Actor: opts.Actor, Origin: opts.Origin})
	if err == nil {
		_, err = st.AppendLog(ctx, []leaktrace.LogRecord{rec})
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("starting custody log: %w", err)
	}
	return nil
}

// DefaultActor is the OS user name, the actor recorded when none is given.
func DefaultActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
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
	s := &Service{Dir: dir, key: key, Actor: DefaultActor(), now: time.Now}
	if err := s.readLogKeys(); err != nil {
		return nil, err
	}
	var signer leaktrace.CheckpointSigner
	if s.signer != nil {
		signer = s.signer
	}
	if s.Store, err = store.Open(ctx, db, signer); err != nil {
		return nil, err
	}
	return s, nil
}

// readLogKeys reads the verifier key, and the signer key if it is there:
// a home without log.key (a backup handed to an auditor, say) can still
// be read and verified, just not changed.
func (s *Service) readLogKeys() error {
	pub, err := os.ReadFile(filepath.Join(s.Dir, LogPubFile))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w in %s (no %s)", ErrNoLog, s.Dir, LogPubFile)
	}
	if err != nil {
		return fmt.Errorf("reading custody log verifier key: %w", err)
	}
	s.vkey = strings.TrimSpace(string(pub))
	if s.verifier, err = note.NewVerifier(s.vkey); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrLogKey, LogPubFile, err)
	}
	sec, err := os.ReadFile(filepath.Join(s.Dir, LogKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading custody log key: %w", err)
	}
	if s.signer, err = custody.NewSigner(string(sec)); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrLogKey, LogKeyFile, err)
	}
	// A signer that does not match log.pub would write checkpoints that
	// nobody can verify: refuse before the first change, not after.
	probe, err := s.signer.SignCheckpoint(0, tlog.Hash{})
	if err == nil {
		_, err = custody.OpenCheckpoint(probe, s.verifier)
	}
	if err != nil {
		return fmt.Errorf("%w: %s does not match %s: %w", ErrLogKey, LogKeyFile, LogPubFile, err)
	}
	return nil
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
	report := progressFrom(ctx)
	report("finding variation points", 0, addSteps)
	a, err := leaktrace.Analyze(filename, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if title == "" {
		title = filepath.Base(filename)
	}
	report("indexing", 1, addSteps)
	fingerprints := index.Winnow(a.Canonical())
	d := &leaktrace.Document{
		ID: id, Title: title, Filename: filepath.Base(filename), Format: a.Set.Doc.Format(),
		Content: data, SHA256: leaktrace.Hash(data), Words: a.Set.Words, Marks: a.Marks(),
		Scheme: code.Scheme, AddedAt: s.now(), Fingerprints: fingerprints,
		Capacity: s.capacity(id, a, func(done int) { report("estimating capacity", 2+done, addSteps) }),
	}
	report("saving", addSteps-1, addSteps)
	rec, err := record(s.entry(custody.KindDocument, d.AddedAt, func(e *custody.Entry) {
		e.Document, e.DocumentSHA256 = d.ID, d.SHA256
	}))
	if err != nil {
		return nil, err
	}
	if err := s.Store.AddDocument(ctx, d, rec); err != nil {
		return nil, err
	}
	report("", addSteps, addSteps)
	return d, nil
}

// AddRecipients registers recipients, all or none.
func (s *Service) AddRecipients(ctx context.Context, rs []leaktrace.Recipient) error {
	seen := make(map[string]bool, len(rs))
	recs := make([]leaktrace.LogRecord, len(rs))
	now := s.now()
	for i := range rs {
		if err := CheckID("recipient", rs[i].ID); err != nil {
			return err
		}
		if seen[rs[i].ID] {
			return fmt.Errorf("recipient %q is listed twice: %w", rs[i].ID, leaktrace.ErrExists)
		}
		seen[rs[i].ID] = true
		rs[i].AddedAt = now
		var err error
		if recs[i], err = record(s.entry(custody.KindRecipient, now, func(e *custody.Entry) { e.Recipient = rs[i].ID })); err != nil {
			return err
		}
	}
	return s.Store.AddRecipients(ctx, rs, recs)
}

// Marker prepares a registered document for issuing.
func (s *Service) Marker(ctx context.Context, docID string) (*leaktrace.Marker, *leaktrace.Document, error) {
	d, err := s.Store.Document(ctx, docID)
	if err != nil {
		return nil, nil, err
	}
	key := d.ID + "\x00" + d.SHA256
	s.mu.Lock()
	m, ok := s.markers[key]
	s.mu.Unlock()
	if ok {
		return m, d, nil
	}
	if m, err = leaktrace.NewMarker(s.key, d); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	if s.markers == nil {
		s.markers = map[string]*leaktrace.Marker{}
	}
	s.markers[key] = m
	s.mu.Unlock()
	return m, d, nil
}

// Issued is one rendered copy.
type Issued struct {
	Recipient string
	Data      []byte
}

// Issue renders the copies of m's document for the given recipients and records
// them in the store, each with its custody-log entry, in one transaction.
// Only after it returns may the copies be handed out: a copy that is not
// recorded and logged never leaves.
func (s *Service) Issue(ctx context.Context, m *leaktrace.Marker, recipients []string) ([]Issued, error) {
	d := m.Document()
	out := make([]Issued, 0, len(recipients))
	records := make([]leaktrace.Copy, 0, len(recipients))
	recs := make([]leaktrace.LogRecord, 0, len(recipients))
	now := s.now()
	for _, r := range recipients {
		if _, err := s.Store.Recipient(ctx, r); err != nil {
			return nil, err
		}
		b, err := m.Copy(r)
		if err != nil {
			return nil, err
		}
		c := leaktrace.Copy{Document: d.ID, Recipient: r, SHA256: leaktrace.Hash(b), IssuedAt: now}
		rec, err := record(s.entry(custody.KindCopy, now, func(e *custody.Entry) {
			e.Document, e.DocumentSHA256, e.Recipient, e.CopySHA256 = d.ID, d.SHA256, r, c.SHA256
		}))
		if err != nil {
			return nil, err
		}
		out = append(out, Issued{Recipient: r, Data: b})
		records = append(records, c)
		recs = append(recs, rec)
	}
	if err := s.Store.RecordCopies(ctx, records, recs); err != nil {
		return nil, err
	}
	return out, nil
}
