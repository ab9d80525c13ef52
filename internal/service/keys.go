package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// # Key roles
//
// A home holds two secret keys, and each is needed only by the operations
// in [keyNeeds]:
//
//   - marking.key derives every copy and reads the marks in a leak, so
//     registering a document (its capacity comes from the code the key
//     derives), issuing and tracing need it.
//   - log.key signs the custody log's checkpoints, so every change needs
//     it: registering documents and readers, issuing, and tracing (every
//     trace is logged).
//
// Listing, showing, proving and verifying need neither: a copy of the
// home without its keys is an auditor's home.
//
// Both are read when the home is opened, if they are there; a problem with
// one (missing, corrupt, not the home's own, writable by others) is
// reported only to an operation that needs it, with the reason.

// Key errors the CLI turns into hints.
var (
	// ErrNoMarkingKey: the home has no marking.key.
	ErrNoMarkingKey = errors.New("marking.key is missing")
	// ErrNoLogKey: the home has no log.key.
	ErrNoLogKey = errors.New("log.key is missing")
	// ErrWrongMarkingKey: marking.key is not the key the home was made with.
	ErrWrongMarkingKey = errors.New("marking.key does not belong to this home")
	// ErrBadMarkingKey: marking.key cannot be read as a key.
	ErrBadMarkingKey = errors.New("marking.key is corrupt")
	// ErrNoLogPub: log.pub is missing from a home whose custody log has
	// entries.
	ErrNoLogPub = errors.New("log.pub is missing")
	// ErrKeyWritable: a secret key file is writable by group or others.
	ErrKeyWritable = errors.New("key file is writable by others")
	// ErrKeyFile: a key file is not a regular file (a FIFO or a device,
	// which could block or never end), or is larger than any key.
	ErrKeyFile = errors.New("not a key file")
)

// maxKeyFile bounds what is read of a key file: the marking key is 65
// bytes and the log keys a few hundred.
const maxKeyFile = 4096

// KeyModeError reports a secret key file whose permissions let others
// write it: whoever can replace a key can issue copies that trace to
// nobody, or sign a forged custody log.
type KeyModeError struct {
	Path string
	Mode fs.FileMode
}

func (e *KeyModeError) Error() string {
	return fmt.Sprintf("%s is writable by %s (mode %04o), so it is not used", filepath.Base(e.Path), who(e.Mode, 0o002), e.Mode)
}

// Is makes a KeyModeError match [ErrKeyWritable].
func (e *KeyModeError) Is(target error) bool { return target == ErrKeyWritable }

// who names who the mode bits in other (a mask of the "others" bits)
// and the matching group bits are granted to.
func who(mode, other fs.FileMode) string {
	if mode&other != 0 {
		return "others"
	}
	return "its group"
}

// Op is an operation that needs one of the home's secret keys.
type Op string

// The operations that need a secret key. Everything else needs neither.
const (
	OpAddDocument   Op = "registering a document"
	OpAddRecipients Op = "registering readers"
	OpIssue         Op = "issuing a copy"
	OpTrace         Op = "tracing a leak"
	OpEstimate      Op = "estimating a document's capacity"
	OpVault         Op = "changing readers' access"
)

// keyNeeds is the one table of key roles: which key each operation needs,
// and why (empty: not needed).
var keyNeeds = map[Op]struct{ marking, log string }{
	OpAddDocument:   {marking: "a document's capacity is estimated with the code the key derives", log: "every registration is recorded in the custody log"},
	OpAddRecipients: {log: "every new reader is recorded in the custody log"},
	OpEstimate:      {marking: "a document's capacity is estimated with the code the key derives"},
	OpIssue:         {marking: "copies are derived from it", log: "every copy is recorded in the custody log before it is written"},
	OpTrace:         {marking: "the marks in a leak are read with it", log: "every trace is recorded in the custody log"},
	OpVault:         {log: "every change of markings, grants, clearances and credentials is recorded in the custody log"},
}

// keyCheckLabel is what the marking key's check value is an HMAC of. It
// shares no prefix with the code's own labels ("leaktrace/bias/v1", ...),
// so the check value says nothing about any copy.
const keyCheckLabel = "leaktrace marking-key check v1"

// KeyCheck returns the check value of a marking key: hex HMAC-SHA256 of
// the key over a fixed label. It tells whether a key is a home's own key
// without revealing the key.
func KeyCheck(key code.Key) string {
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(keyCheckLabel))
	return hex.EncodeToString(m.Sum(nil))
}

// legacyCopies is how many issued copies, of different documents, a
// home made before check values may try to derive again to vouch for its
// marking key.
const legacyCopies = 3

// Need checks that the home has the keys op needs, and that they are its
// own. Operations check for themselves; Need lets a caller fail before
// costly work, such as a trace that could not be logged.
func (s *Service) Need(ctx context.Context, op Op) error {
	if keyNeeds[op].marking != "" {
		if _, err := s.markingKey(ctx, op); err != nil {
			return err
		}
	}
	return s.logKey(op)
}

// Warnings returns what opening the home found worth saying but not
// worth refusing, such as a key file others can read, in plain words.
func (s *Service) Warnings() []string { return s.warnings }

// markingKey returns the marking key for op, once it has been checked
// against the home's check value.
func (s *Service) markingKey(ctx context.Context, op Op) (code.Key, error) {
	if err := s.checkMarkingKey(ctx, true); err != nil {
		return code.Key{}, fmt.Errorf("%s needs %s (%s): %w", op, KeyFile, keyNeeds[op].marking, err)
	}
	return s.key, nil
}

// CheckKeys checks the secret keys the home holds, for a health check
// such as 'log verify'. It returns an error for a key that is there but
// can't be used, and nil for one that is missing: an auditor's home has
// none. It changes nothing: the key of a home made before check values is
// vouched for, but its check value is not recorded.
func (s *Service) CheckKeys(ctx context.Context) error {
	if !errors.Is(s.markingErr, ErrNoMarkingKey) {
		if err := s.checkMarkingKey(ctx, false); err != nil {
			return err
		}
	}
	if s.logKeyErr != nil && !errors.Is(s.logKeyErr, ErrNoLogKey) {
		return s.logKeyErr
	}
	return nil
}

// checkMarkingKey checks s.key against the home's check value. A home
// made before check values has none: its key is vouched for by deriving
// an issued copy again, and then, if record is set, the check value is
// recorded. Recording it is not a custody-log change (it records no act,
// only what the key was all along), so it needs no log.key.
func (s *Service) checkMarkingKey(ctx context.Context, record bool) error {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.markingErr != nil {
		return s.markingErr
	}
	if s.keyChecked {
		return nil
	}
	want := KeyCheck(s.key)
	stored, ok, err := s.Store.Meta(ctx, store.MetaMarkingKeyCheck)
	if err != nil {
		return fmt.Errorf("reading the marking key's check value: %w", err)
	}
	if !ok {
		if err := s.vouchLegacyKey(ctx); err != nil {
			return err
		}
		if !record {
			return nil
		}
		if stored, err = s.Store.SetMetaOnce(ctx, store.MetaMarkingKeyCheck, want); err != nil {
			return fmt.Errorf("recording the marking key's check value: %w", err)
		}
	}
	if !hmac.Equal([]byte(stored), []byte(want)) {
		return fmt.Errorf("%w (its check value differs from the one stored at init)", ErrWrongMarkingKey)
	}
	s.keyChecked = true
	return nil
}

// vouchLegacyKey checks s.key against the copies a home made before
// check values has issued: with the home's key, an issued copy derives
// again byte for byte. With no copy to derive (none issued, or none this
// leaktrace can issue), the key is taken on first use.
func (s *Service) vouchLegacyKey(ctx context.Context) error {
	cs, err := s.Store.SampleCopies(ctx, legacyCopies)
	if err != nil {
		return err
	}
	for _, c := range cs {
		d, err := s.Store.Document(ctx, c.Document)
		if err != nil {
			return err
		}
		m, err := leaktrace.NewMarker(s.key, d)
		if err != nil {
			continue // registered under another scheme or point catalogue
		}
		b, err := m.Copy(c.Recipient)
		if err != nil {
			continue
		}
		if leaktrace.Hash(b) != c.SHA256 {
			return fmt.Errorf("%w (it does not derive the copy of %q issued to %q)", ErrWrongMarkingKey, c.Document, c.Recipient)
		}
		return nil
	}
	return nil
}

// logKey checks that op can sign custody-log checkpoints.
func (s *Service) logKey(op Op) error {
	why := keyNeeds[op].log
	if why == "" || s.logKeyErr == nil {
		return nil
	}
	return fmt.Errorf("%s needs %s (%s): %w", op, LogKeyFile, why, s.logKeyErr)
}

// loadMarkingKey reads marking.key if it is there. A problem is kept for
// the operations that need the key.
func (s *Service) loadMarkingKey() {
	path := filepath.Join(s.Dir, KeyFile)
	if s.markingErr = s.checkKeyMode(path); s.markingErr != nil {
		if errors.Is(s.markingErr, os.ErrNotExist) {
			s.markingErr = fmt.Errorf("%w from %s", ErrNoMarkingKey, s.Dir)
		}
		if errors.Is(s.markingErr, ErrKeyFile) {
			s.markingErr = fmt.Errorf("%w: %w", ErrBadMarkingKey, s.markingErr)
		}
		return
	}
	s.key, s.markingErr = readKey(path)
}

// loadLogKeys reads the verifier key, which every command needs, and the
// signer key if it is there: a home without log.key (a backup handed to
// an auditor, say) can still be read and verified, just not changed. A
// problem with log.key is kept for the operations that need it.
func (s *Service) loadLogKeys() error {
	pubPath := filepath.Join(s.Dir, LogPubFile)
	pub, err := readKeyFile(pubPath)
	if errors.Is(err, ErrKeyFile) {
		return fmt.Errorf("%w: %w", ErrLogKey, err)
	}
	if err != nil {
		return err
	}
	s.warnWritable(pubPath, "the custody log's checkpoints are checked with it")
	s.vkey = strings.TrimSpace(string(pub))
	if s.verifier, err = note.NewVerifier(s.vkey); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrLogKey, LogPubFile, err)
	}
	s.logKeyErr = s.readSigner()
	return nil
}

func (s *Service) readSigner() error {
	path := filepath.Join(s.Dir, LogKeyFile)
	if err := s.checkKeyMode(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w from %s", ErrNoLogKey, s.Dir)
		}
		if errors.Is(err, ErrKeyFile) {
			return fmt.Errorf("%w: %w", ErrLogKey, err)
		}
		return err
	}
	sec, err := readKeyFile(path)
	if errors.Is(err, ErrKeyFile) {
		return fmt.Errorf("%w: %w", ErrLogKey, err)
	}
	if err != nil {
		return fmt.Errorf("reading custody log key: %w", err)
	}
	signer, err := custody.NewSigner(string(sec))
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrLogKey, LogKeyFile, err)
	}
	// A signer that does not match log.pub would write checkpoints that
	// nobody can verify: refuse before the first change, not after.
	probe, err := signer.SignCheckpoint(0, tlog.Hash{})
	if err == nil {
		_, err = custody.OpenCheckpoint(probe, s.verifier)
	}
	if err != nil {
		return fmt.Errorf("%w: %s does not match %s: %w", ErrLogKey, LogKeyFile, LogPubFile, err)
	}
	s.signer = signer
	return nil
}

// checkKeyMode checks a secret key file's permissions, as ssh does: one
// that others can read gets a warning, one that others can write is
// refused. It returns an error wrapping os.ErrNotExist for a missing file.
func (s *Service) checkKeyMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is a %s, not a regular file", ErrKeyFile, path, fileKind(fi.Mode()))
	}
	if runtime.GOOS == "windows" {
		return nil // no Unix mode bits to go by
	}
	mode := fi.Mode().Perm()
	if mode&0o022 != 0 {
		return &KeyModeError{Path: path, Mode: mode}
	}
	if mode&0o044 != 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%s is readable by %s (mode %04o); run chmod 600 %s",
			filepath.Base(path), who(mode, 0o004), mode, path))
	}
	return nil
}

func readKey(path string) (code.Key, error) {
	var key code.Key
	b, err := readKeyFile(path)
	if errors.Is(err, ErrKeyFile) {
		return key, fmt.Errorf("%w: %w", ErrBadMarkingKey, err)
	}
	if err != nil {
		return key, fmt.Errorf("reading marking key: %w", err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != code.KeySize {
		return key, fmt.Errorf("%w: %s: want %d hex-encoded bytes", ErrBadMarkingKey, path, code.KeySize)
	}
	copy(key[:], raw)
	return key, nil
}

// readKeyFile reads a small key file. It opens it without blocking and
// refuses anything but a regular file, so that a FIFO or a device put in
// a key's place can't hang or flood the command, and reads at most
// maxKeyFile bytes.
func readKeyFile(path string) ([]byte, error) {
	flag := os.O_RDONLY
	if runtime.GOOS != "windows" {
		flag |= syscall.O_NONBLOCK // opening a FIFO for reading would wait for a writer
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is a %s, not a regular file", ErrKeyFile, path, fileKind(fi.Mode()))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrKeyFile, path, maxKeyFile)
	}
	return b, nil
}

// fileKind names the kind of a file that is not a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// warnWritable warns about a file or directory of the home that its group
// or others can write, without refusing it: unlike a secret key, what is
// in it is checked (the store against the log, log.pub against the
// checkpoints an auditor keeps), but whoever can write it can replace or
// destroy it. why says what the file is trusted for.
func (s *Service) warnWritable(path, why string) {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	mode := fi.Mode().Perm()
	if mode&0o022 == 0 {
		return
	}
	fix := "chmod 600"
	if fi.IsDir() {
		fix = "chmod 700"
	}
	s.warnings = append(s.warnings, fmt.Sprintf("%s is writable by %s (mode %04o): %s; run %s %s",
		path, who(mode, 0o002), mode, why, fix, path))
}
