// Package service wires a leaktrace home — the store (SQLite in the home,
// or on a PostgreSQL server the home names), the secret marking key and
// the custody log's signing key in one directory — to the operations the
// CLI and the server offer. It owns the order of effects: a
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
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/text/unicode/norm"
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
	// ErrDocument: a registered document cannot be prepared again as it
	// was registered (its stored row was changed, or a leaktrace with
	// another catalogue registered it).
	ErrDocument = errors.New("a registered document cannot be prepared")
	// ErrNoLog: the home has no custody-log keys (it predates the log).
	ErrNoLog = errors.New("home has no custody log")
	// ErrLogKey: log.key or log.pub is malformed, or they don't match.
	ErrLogKey = errors.New("custody log key problem")
)

// Service is an open home.
type Service struct {
	Dir string
	// Store is the home's store: the SQLite store of the home's
	// leaktrace.db, or the PostgreSQL store its store.url names, behind
	// the interface every backend implements.
	Store    leaktrace.Store
	storeURL string // the PostgreSQL store's URL; "" for SQLite
	verifier note.Verifier
	vkey     string
	now      func() time.Time
	warnings []string

	// The secret keys are read at Open if they are there, and a problem
	// with one is kept for the operations that need it (see keys.go).
	keyMu      sync.Mutex
	key        code.Key
	markingErr error // why key can't be used; nil if it can
	keyChecked bool  // key matches the home's check value
	signer     *custody.Signer
	logKeyErr  error // why signer is nil

	// markers caches prepared documents by id and content hash:
	// documents never change once registered, and preparing one (parsing
	// it, finding its points, deriving its code) is the costly part of a
	// trace that evaluations repeat thousands of times.
	mu      sync.Mutex
	markers map[string]*leaktrace.Marker
	plans   map[string]*layout.Plan // typeset documents, by the same key
	refs    map[string]*layout.Plan // reference layouts (referencePlan), by the same key
}

// InitOptions configures a new home.
type InitOptions struct {
	// Origin names the custody log (its checkpoints' first line and its
	// key's name); default custody.DefaultOrigin().
	Origin string
	// Actor is recorded in the log's init entry; default
	// ActorFrom(ctx).
	Actor string
	// Store is where the store goes: "" or "sqlite" for SQLite, a DBFile
	// in the home; a postgres:// URL for an empty PostgreSQL database,
	// which the home then names in its StoreFile (see [ParseStore]).
	Store string
}

// Init creates a new home in dir: the store, a fresh marking key and a
// fresh custody-log key pair (secret files mode 0600), and the log's init
// entry. It refuses to touch a directory that already holds any of them,
// or a PostgreSQL database that holds a store, and removes what it wrote
// in the home if it fails, and the store it made on PostgreSQL (whose
// log is then still empty).
func Init(ctx context.Context, dir string, opts InitOptions) error {
	pgURL, err := ParseStore(opts.Store)
	if err != nil {
		return err
	}
	for _, f := range []string{DBFile, StoreFile, KeyFile, LogKeyFile, LogPubFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return fmt.Errorf("%w in %s (found %s)", ErrHomeExists, dir, f)
		}
	}
	if opts.Origin == "" {
		opts.Origin = custody.DefaultOrigin()
	}
	if opts.Actor == "" {
		opts.Actor = ActorFrom(ctx)
	}
	skey, vkey, err := custody.GenerateKey(opts.Origin)
	if err != nil {
		return err
	}
	var key code.Key
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	return initHome(ctx, dir, opts, pgURL, key, skey, vkey)
}

// initHome is [Init] with the store's PostgreSQL URL ("" for SQLite) and
// the keys given.
func initHome(ctx context.Context, dir string, opts InitOptions, pgURL string, key code.Key, skey, vkey string) (err error) {
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
	var st leaktrace.Store
	var pst *pgstore.Store // a store this init made on PostgreSQL
	defer func() {
		if st == nil {
			return
		}
		if err != nil && pst != nil {
			// The home is not finished: remove the store too, lest
			// the database hold one no home names and a new init
			// refuse it. Even after ^C, in moments.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if derr := pst.DropIfEmpty(dctx); derr != nil {
				err = fmt.Errorf("%w (and the new store stays in the database: %w)", err, derr)
			}
		}
		if cerr := st.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("starting custody log: %w", cerr)
		}
	}()
	if pgURL == "" {
		dbPath := filepath.Join(dir, DBFile)
		sst, err := store.Create(ctx, dbPath, signer)
		if err != nil {
			return fmt.Errorf("creating store: %w", err)
		}
		written = append(written, dbPath, dbPath+"-wal", dbPath+"-shm")
		st = sst
	} else {
		p := filepath.Join(dir, StoreFile)
		if err := writeNew(p, []byte(pgURL+"\n")); err != nil {
			return fmt.Errorf("writing the store's URL: %w", err)
		}
		written = append(written, p)
		pst, err = pgstore.Create(ctx, pgURL, signer)
		if err != nil {
			pst = nil
			return storeErr{err} // it names the store
		}
		st = pst
	}
	if _, err = st.SetMetaOnce(ctx, store.MetaMarkingKeyCheck, KeyCheck(key)); err != nil {
		return fmt.Errorf("recording the marking key's check value: %w", err)
	}
	if err = st.SetMeta(ctx, store.MetaFoldVersion, foldVersion); err != nil {
		return fmt.Errorf("recording the lookup index's version: %w", err)
	}
	rec, err := record(&custody.Entry{V: custody.Version, Kind: custody.KindInit, Time: custody.FormatTime(time.Now()),
		Actor: opts.Actor, Origin: opts.Origin})
	if err == nil {
		_, err = st.AppendLog(ctx, []leaktrace.LogRecord{rec})
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

// Open opens the home in dir. It needs the store and log.pub; the secret
// keys are needed only by the operations that use them (see [Need]), so
// a home without them can still be listed, shown and verified.
func Open(ctx context.Context, dir string) (*Service, error) {
	pgURL, err := storeOf(dir)
	if err != nil {
		return nil, err
	}
	s := &Service{Dir: dir, now: time.Now, storeURL: pgURL}
	s.warnWritable(dir, "anyone who can write it can replace the keys and the store")
	s.warnStore()
	s.loadMarkingKey()
	pubErr := s.loadLogKeys()
	if pubErr != nil && !errors.Is(pubErr, os.ErrNotExist) {
		return nil, fmt.Errorf("reading custody log verifier key: %w", pubErr)
	}
	var signer leaktrace.CheckpointSigner
	if s.signer != nil {
		signer = s.signer
	}
	st, err := s.openStore(ctx, pgURL, signer)
	if err != nil {
		return nil, err
	}
	s.Store = st
	if pubErr != nil {
		// Without log.pub nothing in the log can be checked. Which hint
		// helps depends on whether the home has a log at all.
		n, err := s.Store.LogSize(ctx)
		s.Store.Close()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%w in %s (no %s)", ErrNoLog, dir, LogPubFile)
		}
		return nil, fmt.Errorf("%w from %s: the custody log has %d entries, and its checkpoints can't be checked without it", ErrNoLogPub, dir, n)
	}
	if err := s.upgradeIndex(ctx); err != nil {
		s.Store.Close()
		return nil, fmt.Errorf("reading the lookup index's version: %w", err)
	}
	return s, nil
}

// Close closes the store.
func (s *Service) Close() error { return s.Store.Close() }

// DefaultDocID derives a document id from a file name: its base name
// without the extension, lower-cased, with Latin letters stripped of their
// diacritics (Zoë → zoe, ß → ss) and every run of other characters made
// one '-'.
func DefaultDocID(filename string) string {
	base := strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(base) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining mark: the diacritic of the letter before
		}
		if t, ok := latinLetters[r]; ok {
			b.WriteString(t)
			dash = false
			continue
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
	}
	id := strings.Trim(b.String(), "-._")
	if len(id) > 128 {
		id = strings.TrimRight(id[:128], "-._")
	}
	return id
}

// latinLetters spells Latin letters that don't decompose into a base
// letter and diacritics.
var latinLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}

// AddDocument registers a document read from filename. Its format must
// be supported (see [format.CheckSupported]); its id must be new, and
// differ from those registered in more than case.
func (s *Service) AddDocument(ctx context.Context, filename string, data []byte, id, title string) (*leaktrace.Document, error) {
	return s.AddDocumentWith(ctx, filename, data, AddOptions{ID: id, Title: title})
}

// AddOptions are the choices made when a document is registered.
type AddOptions struct {
	// ID defaults to [DefaultDocID] of the file name, Title to its base
	// name.
	ID, Title string
	// Verbatim registers the document with no lexical points: its wording
	// never moves, and a normalized or retyped leak cannot be traced.
	Verbatim bool
	// Variants are the author's own variants (see [ParseVariants]).
	Variants []marks.AuthorVariant
	// Reencode lets copies of an email re-encode its 7-bit US-ASCII text
	// parts as UTF-8 quoted-printable, so that they carry every channel
	// (see [format.ParseOptions]). Other formats refuse it with
	// [format.ErrOption].
	Reencode bool
	// Marking is the document's classification banner, read with
	// marking.Parse and stored in canonical form; "" leaves the document
	// unmarked (the vault serves it to nobody until it is marked).
	Marking string
}

// AddDocumentWith registers a document read from filename, as opts say.
// A document registered verbatim or with author variants also records its
// baseline: the points and capacity of an ordinary registration, so that
// reports can say what the choice cost or gained.
func (s *Service) AddDocumentWith(ctx context.Context, filename string, data []byte, opts AddOptions) (*leaktrace.Document, error) {
	id, title := opts.ID, opts.Title
	if id == "" {
		id = DefaultDocID(filename)
	}
	if err := s.checkDocument(ctx, filename, data, id, title); err != nil {
		return nil, err
	}
	if opts.Verbatim && len(opts.Variants) > 0 {
		return nil, fmt.Errorf("%w: its wording never moves, so it cannot carry author variants", ErrVerbatim)
	}
	var canon string
	if opts.Marking != "" {
		var err error
		if canon, err = parseMarking(opts.Marking); err != nil {
			return nil, err
		}
	}
	if err := s.Need(ctx, OpAddDocument); err != nil {
		return nil, err
	}
	report := progressFrom(ctx)
	report("finding variation points", 0, addSteps)
	mopts := marks.Options{Catalogue: lexicon.Latest, Verbatim: opts.Verbatim, Author: opts.Variants}
	popts := format.ParseOptions{Reencode: opts.Reencode}
	a, err := leaktrace.AnalyzeDocument(filename, data, popts, mopts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	if err := variantProblems(a.Set.AuthorProblems, opts.Variants); err != nil {
		return nil, err
	}
	if title == "" {
		title = filepath.Base(filename)
	}
	report("indexing", 1, addSteps)
	fingerprints := index.Winnow(a.Canonical())
	d := &leaktrace.Document{
		ID: id, Title: title, Filename: filepath.Base(filename), Format: a.Set.Doc.Format(),
		Content: data, SHA256: leaktrace.Hash(data), Words: a.Set.Words, Marks: a.Marks(),
		Scheme: code.Scheme, Catalogue: lexicon.Latest, Verbatim: opts.Verbatim, Reencode: opts.Reencode, AddedAt: s.now(), Fingerprints: fingerprints,
		Marking:  canon,
		Capacity: s.capacity(id, a, func(done int) { report("estimating capacity", 2+done, addSteps) }),
	}
	report("estimating the layout channel's capacity", addSteps-2, addSteps)
	if sh, ok := a.Set.Doc.(format.Shifter); ok {
		nativeCapacity(s.key, id, sh, d.Capacity)
	} else {
		typesetCapacity(s.key, id, copyTitle(title, d.Filename, a.Set), a.Set, d.Capacity)
	}
	if len(opts.Variants) > 0 {
		d.Variants = opts.Variants
		if d.VariantsSHA256, err = VariantsSHA256(opts.Variants); err != nil {
			return nil, err
		}
	}
	if opts.Verbatim || len(opts.Variants) > 0 {
		without := "verbatim"
		if len(opts.Variants) > 0 {
			without = "variants"
		}
		b, err := leaktrace.AnalyzeDocument(filename, data, popts, marks.Options{Catalogue: lexicon.Latest})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		d.Baseline = &leaktrace.Baseline{Without: without, Marks: b.Marks(), Capacity: s.Capacity(id, b)}
	}
	report("saving", addSteps-1, addSteps)
	rec, err := record(s.entry(ctx, custody.KindDocument, d.AddedAt, func(e *custody.Entry) {
		e.Document, e.DocumentSHA256, e.Reencode, e.Marking = d.ID, d.SHA256, d.Reencode, d.Marking
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

// AddRecipients registers recipients, all or none. Their ids must be new
// and differ from each other and from those registered in more than case.
// Their access fields are validated and stored as [checkAccess] puts
// them, and logged when they are not the default; a reader is always
// added enabled.
func (s *Service) AddRecipients(ctx context.Context, rs []leaktrace.Recipient) error {
	if err := s.logKey(OpAddRecipients); err != nil {
		return err
	}
	seen := make(map[string]bool, len(rs))
	recs := make([]leaktrace.LogRecord, len(rs))
	now := s.now()
	for i := range rs {
		if err := CheckID("recipient", rs[i].ID); err != nil {
			return err
		}
		if seen[rs[i].ID] {
			return fmt.Errorf("recipient %q is listed twice: %w", rs[i].ID, ErrRecipientExists)
		}
		seen[rs[i].ID] = true
		rs[i].AddedAt = now
		rs[i].Disabled = false
		if err := checkAccess(&rs[i]); err != nil {
			return err
		}
		var err error
		if recs[i], err = record(s.entry(ctx, custody.KindRecipient, now, func(e *custody.Entry) {
			e.Recipient = rs[i].ID
			setAccess(e, &rs[i], true)
		})); err != nil {
			return err
		}
	}
	if err := s.checkRecipients(ctx, rs); err != nil {
		return err
	}
	return s.Store.AddRecipients(ctx, rs, recs)
}

// Marker prepares a registered document for issuing. It needs the
// marking key.
func (s *Service) Marker(ctx context.Context, docID string) (*leaktrace.Marker, *leaktrace.Document, error) {
	if _, err := s.markingKey(ctx, OpIssue); err != nil {
		return nil, nil, err
	}
	d, err := s.Store.Document(ctx, docID)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.markerOf(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	return m, d, nil
}

// markerOf prepares d, a document as read from the store, for issuing:
// the cached marker of its content and marking, or a new one.
func (s *Service) markerOf(ctx context.Context, d *leaktrace.Document) (*leaktrace.Marker, error) {
	mkey, err := s.markingKey(ctx, OpIssue)
	if err != nil {
		return nil, err
	}
	key := d.ID + "\x00" + d.SHA256
	s.mu.Lock()
	m, ok := s.markers[key]
	s.mu.Unlock()
	// A marker made before the document's marking changed would print
	// the old banner on PDF copies.
	if ok && m.Document().Marking == d.Marking {
		return m, nil
	}
	if m, err = leaktrace.NewMarker(mkey, d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDocument, err)
	}
	s.mu.Lock()
	if s.markers == nil {
		s.markers = map[string]*leaktrace.Marker{}
	}
	s.markers[key] = m
	s.mu.Unlock()
	return m, nil
}

// Issued is one rendered copy.
type Issued struct {
	Recipient string
	Data      []byte
}

// Issue renders the copies of m's document in its own format for the
// given recipients and records them in the store, each with its
// custody-log entry, in one transaction. Only after it returns may the
// copies be handed out: a copy that is not recorded and logged never
// leaves.
func (s *Service) Issue(ctx context.Context, m *leaktrace.Marker, recipients []string) ([]Issued, error) {
	return s.IssueWith(ctx, m, recipients, IssueOptions{})
}

// IssueWith is [Service.Issue] with a choice of format (see
// [IssueOptions]).
func (s *Service) IssueWith(ctx context.Context, m *leaktrace.Marker, recipients []string, opt IssueOptions) ([]Issued, error) {
	out, copies, recs, err := s.render(ctx, m, recipients, opt, custody.KindCopy, "")
	if err != nil {
		return nil, err
	}
	if err := s.Store.RecordCopies(ctx, copies, recs); err != nil {
		return nil, err
	}
	return out, nil
}

// render renders copies and makes their rows and log records, to be
// recorded in one transaction before the copies leave: kind is the
// entries' kind (copy, or access for the vault's deliveries, with their
// action).
func (s *Service) render(ctx context.Context, m *leaktrace.Marker, recipients []string, opt IssueOptions, kind, action string) ([]Issued, []leaktrace.Copy, []leaktrace.LogRecord, error) {
	if err := s.logKey(OpIssue); err != nil {
		return nil, nil, nil, err
	}
	// A copy in the document's own format is that format's, whatever
	// its name ("pdf" of a PDF source is its own, not a typeset one).
	if opt.Format == m.Document().Format {
		opt.Format = ""
	}
	var render func(r string) ([]byte, error)
	var format, banner string
	var version int
	switch opt.Format {
	case "":
		render = m.Copy
		if opt.Footer {
			return nil, nil, nil, fmt.Errorf("%w: a footer needs a PDF copy", ErrIssueFormat)
		}
	case leaktrace.FormatPDF:
		pdf, err := s.pdfRenderer(ctx, m, opt)
		if err != nil {
			return nil, nil, nil, err
		}
		render, format, version = pdf, leaktrace.FormatPDF, layout.Version1
		banner = pdfBanner(m.Document())
	default:
		return nil, nil, nil, fmt.Errorf("%w: %q", ErrIssueFormat, opt.Format)
	}
	d := m.Document()
	out := make([]Issued, 0, len(recipients))
	records := make([]leaktrace.Copy, 0, len(recipients))
	recs := make([]leaktrace.LogRecord, 0, len(recipients))
	now := s.now()
	for _, r := range recipients {
		if _, err := s.Store.Recipient(ctx, r); err != nil {
			return nil, nil, nil, err
		}
		b, err := render(r)
		if err != nil {
			return nil, nil, nil, err
		}
		c := leaktrace.Copy{Document: d.ID, Recipient: r, Format: format, Layout: version, Footer: opt.Footer,
			Marking: banner, SHA256: leaktrace.Hash(b), IssuedAt: now}
		rec, err := record(s.entry(ctx, kind, now, func(e *custody.Entry) {
			e.Document, e.DocumentSHA256, e.Recipient, e.CopySHA256 = d.ID, d.SHA256, r, c.SHA256
			e.Format, e.Layout, e.Footer, e.Marking = format, version, opt.Footer, banner
			e.Action = action
		}))
		if err != nil {
			return nil, nil, nil, err
		}
		out = append(out, Issued{Recipient: r, Data: b})
		records = append(records, c)
		recs = append(recs, rec)
	}
	return out, records, recs, nil
}
