package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"golang.org/x/crypto/argon2"
)

// Readers' credentials: API bearer tokens and web sign-in passwords.

// Password limits, in characters and bytes.
const (
	MinPassword = 12
	MaxPassword = 1024
)

// tokenPattern is a token's secret: "lt_", the public id (16 lowercase
// hex digits), "_", and 32 random bytes in unpadded base64url.
var tokenPattern = regexp.MustCompile(`^lt_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$`)

// CreateToken creates an API bearer token for a reader and logs it (a
// credential entry naming its id). The secret is returned once; only its
// hash is stored.
func (s *Service) CreateToken(ctx context.Context, recipient string) (secret string, t *leaktrace.Token, err error) {
	if err := s.logKey(OpVault); err != nil {
		return "", nil, err
	}
	if _, err := s.Store.Recipient(ctx, recipient); err != nil {
		return "", nil, err
	}
	var id [8]byte
	var key [32]byte
	rand.Read(id[:])
	rand.Read(key[:])
	tok := leaktrace.Token{ID: hex.EncodeToString(id[:]), Recipient: recipient, CreatedAt: s.now()}
	secret = "lt_" + tok.ID + "_" + base64.RawURLEncoding.EncodeToString(key[:])
	tok.SHA256 = leaktrace.Hash([]byte(secret))
	rec, err := record(s.entry(ctx, custody.KindCredential, tok.CreatedAt, func(e *custody.Entry) {
		e.Recipient, e.Action, e.Token = recipient, "token-create", tok.ID
	}))
	if err != nil {
		return "", nil, err
	}
	if err := s.Store.AddToken(ctx, tok, rec); err != nil {
		return "", nil, err
	}
	return secret, &tok, nil
}

// RevokeToken revokes a token by id and logs it. ErrNotFound. A token
// revoked already stays as it is, and nothing is logged.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	if err := s.logKey(OpVault); err != nil {
		return err
	}
	t, err := s.Store.Token(ctx, id)
	if err != nil {
		return err
	}
	if !t.RevokedAt.IsZero() {
		return nil
	}
	now := s.now()
	rec, err := record(s.entry(ctx, custody.KindCredential, now, func(e *custody.Entry) {
		e.Recipient, e.Action, e.Token = t.Recipient, "token-revoke", t.ID
	}))
	if err != nil {
		return err
	}
	return s.Store.RevokeToken(ctx, id, now, rec)
}

// Authenticate returns the principal a bearer token belongs to.
// ErrUnauthenticated for a malformed, unknown or revoked token, or a
// disabled reader.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	m := tokenPattern.FindStringSubmatch(bearer)
	if m == nil {
		return nil, ErrUnauthenticated
	}
	t, err := s.Store.Token(ctx, m[1])
	if errors.Is(err, leaktrace.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(bearer))
	if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(t.SHA256)) != 1 || !t.RevokedAt.IsZero() {
		return nil, ErrUnauthenticated
	}
	return s.PrincipalOf(ctx, t.Recipient, "token")
}

// PrincipalOf returns the principal of a signed-in session's reader as
// the store holds them now. ErrUnauthenticated if they are unknown or
// disabled.
func (s *Service) PrincipalOf(ctx context.Context, id, via string) (*Principal, error) {
	r, err := s.current(ctx, &Principal{Recipient: leaktrace.Recipient{ID: id}})
	if err != nil {
		return nil, err
	}
	return &Principal{Recipient: *r, Via: via}, nil
}

// SetPassword sets a reader's web sign-in password, hashed with
// argon2id, and logs that it was set (never the password). ErrPassword
// if it is too short (under 12 characters) or too long.
func (s *Service) SetPassword(ctx context.Context, recipient, password string) error {
	if err := s.logKey(OpVault); err != nil {
		return err
	}
	switch n := utf8.RuneCountInString(password); {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w: it is not valid UTF-8", ErrPassword)
	case n < MinPassword:
		return fmt.Errorf("%w: it has %d characters, fewer than %d", ErrPassword, n, MinPassword)
	case len(password) > MaxPassword:
		return fmt.Errorf("%w: it has %d bytes, more than %d", ErrPassword, len(password), MaxPassword)
	}
	if _, err := s.Store.Recipient(ctx, recipient); err != nil {
		return err
	}
	var salt [16]byte
	rand.Read(salt[:])
	hash := hashPassword(password, salt[:], defaultArgon)
	rec, err := record(s.entry(ctx, custody.KindCredential, s.now(), func(e *custody.Entry) {
		e.Recipient, e.Action = recipient, "password"
	}))
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, recipient, hash, rec)
}

// SignIn checks a reader's password. ErrUnauthenticated for a wrong
// password, an unknown reader, one without a password or a disabled one,
// after the same work in every case.
func (s *Service) SignIn(ctx context.Context, id, password string) (*Principal, error) {
	r, err := s.Store.Recipient(ctx, id)
	if err != nil && !errors.Is(err, leaktrace.ErrNotFound) {
		return nil, err
	}
	hash := dummyHash()
	if r != nil {
		h, err := s.Store.Password(ctx, id)
		switch {
		case err == nil:
			hash = h
		case !errors.Is(err, leaktrace.ErrNotFound):
			return nil, err
		}
	}
	ok := checkPassword(hash, password)
	if !ok || r == nil || hash == dummyHash() || r.Disabled {
		return nil, ErrUnauthenticated
	}
	return &Principal{Recipient: *r, Via: "password"}, nil
}

// argonParams are argon2id's cost parameters.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// defaultArgon: 64 MiB, 2 passes, 1 thread (RFC 9106's second
// recommended option has 64 MiB and 3 passes; 2 keeps a sign-in near a
// tenth of a second on a small server).
var defaultArgon = argonParams{memory: 64 * 1024, time: 2, threads: 1}

const argonKeyLen = 32

// hashPassword returns the argon2id PHC string of password under salt.
func hashPassword(password string, salt []byte, p argonParams) string {
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword reports whether password hashes to the PHC string
// phc, with the parameters the string names. A malformed string (or one
// with absurd costs) matches nothing.
func checkPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var p argonParams
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return false
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			p.threads = uint8(min(n, 255))
		default:
			return false
		}
	}
	if p.memory < 8 || p.memory > 1<<22 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a reader has no password (or there
// is no such reader), so that a sign-in costs the same either way. Its
// password is random and never kept: nothing matches it.
var dummyHash = sync.OnceValue(func() string {
	var pw, salt [16]byte
	rand.Read(pw[:])
	rand.Read(salt[:])
	return hashPassword(hex.EncodeToString(pw[:]), salt[:], defaultArgon)
})
