package custody

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Errors about keys and checkpoints.
var (
	ErrOrigin     = errors.New("invalid log origin")
	ErrCheckpoint = errors.New("malformed checkpoint")
	ErrSignature  = errors.New("checkpoint signature does not verify")
)

// MaxCheckpointSize bounds a signed checkpoint read from outside, e.g. an
// auditor's file: a real one is a few hundred bytes.
const MaxCheckpointSize = 64 << 10

// ValidOrigin reports whether origin can name a log: it is both the
// checkpoint's first line and the signing key's name, so it must be a
// valid note key name (non-empty UTF-8 without spaces or '+').
func ValidOrigin(origin string) bool {
	return origin != "" && utf8.ValidString(origin) &&
		strings.IndexFunc(origin, unicode.IsSpace) < 0 && !strings.Contains(origin, "+")
}

// MaxOrigin bounds a new log's origin, in bytes: it heads every
// checkpoint.
const MaxOrigin = 256

// DefaultOrigin returns a fresh origin, "leaktrace.local/<16 hex digits>":
// unique without depending on a host name that may change or leak.
func DefaultOrigin() string {
	var b [8]byte
	rand.Read(b[:])
	return fmt.Sprintf("leaktrace.local/%x", b)
}

// GenerateKey returns a new Ed25519 signer key and its verifier key, both
// named origin, in the note package's text forms.
func GenerateKey(origin string) (skey, vkey string, err error) {
	if !ValidOrigin(origin) {
		return "", "", fmt.Errorf("%w %q: use a name without spaces or '+', e.g. example.org/leaktrace", ErrOrigin, origin)
	}
	if len(origin) > MaxOrigin || strings.IndexFunc(origin, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
		return "", "", fmt.Errorf("%w %q: use at most %d visible characters, e.g. example.org/leaktrace", ErrOrigin, origin, MaxOrigin)
	}
	return note.GenerateKey(rand.Reader, origin)
}

// Checkpoint is a parsed C2SP tlog-checkpoint body.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Format returns the checkpoint body: origin, size and base64 root hash,
// one per line.
func (c Checkpoint) Format() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseCheckpoint parses a checkpoint body. Extension lines after the
// root hash are allowed, as C2SP tlog-checkpoint says, and ignored.
func ParseCheckpoint(text string) (Checkpoint, error) {
	var c Checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, fmt.Errorf("%w: does not end in a newline", ErrCheckpoint)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("%w: want origin, size and root hash lines, got %d lines", ErrCheckpoint, len(lines))
	}
	for _, l := range lines[3:] {
		if l == "" {
			return c, fmt.Errorf("%w: empty extension line", ErrCheckpoint)
		}
	}
	c.Origin = lines[0]
	if !ValidOrigin(c.Origin) {
		return c, fmt.Errorf("%w: origin %q", ErrCheckpoint, c.Origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return c, fmt.Errorf("%w: tree size %q", ErrCheckpoint, lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return c, fmt.Errorf("%w: root hash %q", ErrCheckpoint, lines[2])
	}
	c.Root = tlog.Hash(root)
	return c, nil
}

// OpenCheckpoint verifies a signed checkpoint with v and parses it. The
// checkpoint's origin must be v's name: a note from another log, even
// validly signed, is not a checkpoint of this one.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	if len(msg) > MaxCheckpointSize {
		return Checkpoint{}, fmt.Errorf("%w: %d bytes, more than %d", ErrCheckpoint, len(msg), MaxCheckpointSize)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unknown *note.UnknownVerifierError
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unknown) || errors.As(err, &unverified) {
			return Checkpoint{}, fmt.Errorf("%w with key %s: %w", ErrSignature, v.Name(), err)
		}
		var invalid *note.InvalidSignatureError
		if errors.As(err, &invalid) {
			return Checkpoint{}, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		return Checkpoint{}, fmt.Errorf("%w: %w", ErrCheckpoint, err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return c, err
	}
	if c.Origin != v.Name() {
		return c, fmt.Errorf("%w: checkpoint of log %q, not %q", ErrCheckpoint, c.Origin, v.Name())
	}
	return c, nil
}

// Signer signs checkpoints with a note signer named after the log's
// origin. It implements leaktrace.CheckpointSigner.
type Signer struct {
	s note.Signer
}

// NewSigner parses a signer key (the contents of log.key).
func NewSigner(skey string) (*Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, err
	}
	return &Signer{s: s}, nil
}

// Origin returns the log's origin, the key's name.
func (s *Signer) Origin() string { return s.s.Name() }

// SignCheckpoint returns the signed note of the checkpoint for a tree of
// the given size and root hash.
func (s *Signer) SignCheckpoint(size int64, root tlog.Hash) ([]byte, error) {
	c := Checkpoint{Origin: s.s.Name(), Size: size, Root: root}
	return note.Sign(&note.Note{Text: c.Format()}, s.s)
}
