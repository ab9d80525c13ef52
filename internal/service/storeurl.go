package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/store"
)

// StoreFile, in a home whose store is on a PostgreSQL server, holds that
// store's URL on one line (mode 0600). A home without it keeps its store
// in DBFile.
const StoreFile = "store.url"

// SQLiteStore is the --store (or $LEAKTRACE_STORE) value naming SQLite,
// the default: a DBFile in the home.
const SQLiteStore = "sqlite"

// Errors about a home's store.
var (
	// ErrStoreURL: a store named neither sqlite nor by a postgres:// or
	// postgresql:// URL.
	ErrStoreURL = errors.New("invalid store")
	// ErrTwoStores: a home that holds both DBFile and StoreFile.
	ErrTwoStores = errors.New("the home names two stores")
)

// ParseStore checks a store's name as given to init: "" or "sqlite" for
// SQLite in the home (it returns ""), else a PostgreSQL URL, postgres://
// or postgresql://, which it returns as given.
func ParseStore(s string) (string, error) {
	if s == "" || strings.EqualFold(s, SQLiteStore) {
		return "", nil
	}
	if !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
		return "", fmt.Errorf("%w %q: name %s or a postgres:// URL", ErrStoreURL, RedactStore(s), SQLiteStore)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", fmt.Errorf("%w %q: a URL holds no control characters", ErrStoreURL, RedactStore(s))
	}
	if _, err := url.Parse(s); err != nil {
		return "", fmt.Errorf("%w %q: it is not a valid URL", ErrStoreURL, RedactStore(s))
	}
	return s, nil
}

// RedactStore is a store's URL s without its password, for messages.
// What is not a postgres:// URL may still hold one: another scheme's
// user part, a password= parameter, or a key=value connection string.
func RedactStore(s string) string {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		return pgstore.Redact(s)
	}
	if i := strings.Index(s, "://"); i >= 0 {
		// Another scheme: read as a postgres:// URL, its user part
		// and password= parameters are masked the same way.
		return s[:i+3] + strings.TrimPrefix(pgstore.Redact("postgres://"+s[i+3:]), "postgres://")
	}
	return pgstore.Redact(s)
}

// maxStoreFile bounds the size of a StoreFile: a URL on one line.
const maxStoreFile = 4 << 10

// readStoreFile reads the StoreFile at path: a regular file (not a link,
// a device or a pipe) of at most maxStoreFile bytes. An error that
// wraps os.ErrNotExist if there is none.
func readStoreFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("reading the store's URL: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w: it is not a regular file (%s)", path, ErrStoreURL, kind(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the store's URL: %w", err)
	}
	defer f.Close()
	if ofi, err := f.Stat(); err != nil || !os.SameFile(fi, ofi) {
		return nil, fmt.Errorf("%s: %w: it changed while being read", path, ErrStoreURL)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStoreFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading the store's URL: %w", err)
	}
	if len(data) > maxStoreFile {
		return nil, fmt.Errorf("%s: %w: it is longer than %d bytes", path, ErrStoreURL, maxStoreFile)
	}
	return data, nil
}

// kind names a file's type that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// storeOf says where the home in dir keeps its store: the PostgreSQL URL
// in its StoreFile, or "" for DBFile. ErrNoHome if it has neither.
func storeOf(dir string) (string, error) {
	_, dbErr := os.Stat(filepath.Join(dir, DBFile))
	data, err := readStoreFile(filepath.Join(dir, StoreFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if errors.Is(dbErr, os.ErrNotExist) {
			return "", fmt.Errorf("%w in %s", ErrNoHome, dir)
		}
		return "", nil
	case err != nil:
		return "", err
	case dbErr == nil:
		return "", fmt.Errorf("%w in %s: %s and %s", ErrTwoStores, dir, DBFile, StoreFile)
	}
	u, err := ParseStore(strings.TrimSpace(string(data)))
	if err == nil && u == "" {
		err = fmt.Errorf("%w: %s names no PostgreSQL URL", ErrStoreURL, filepath.Join(dir, StoreFile))
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, StoreFile), err)
	}
	return u, nil
}

// warnStore warns about the file that names the home's store, if others
// may change it (or read a password in it).
func (s *Service) warnStore() {
	if s.storeURL == "" {
		s.warnWritable(filepath.Join(s.Dir, DBFile), "anyone who can write it can destroy the record")
		return
	}
	path := filepath.Join(s.Dir, StoreFile)
	s.warnWritable(path, "anyone who can write it can point the home at another store")
	s.warnPassword(path, s.storeURL)
}

// openStore opens the home's store, on PostgreSQL if pgURL is not "".
func (s *Service) openStore(ctx context.Context, pgURL string, signer leaktrace.CheckpointSigner) (leaktrace.Store, error) {
	if pgURL == "" {
		return store.Open(ctx, filepath.Join(s.Dir, DBFile), signer)
	}
	st, err := pgstore.Open(ctx, pgURL, signer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(s.Dir, StoreFile), storeErr{err})
	}
	return st, nil
}

// storeErr is a store's error said on one line: a driver's message may
// list each address it tried on a line of its own.
type storeErr struct{ error }

func (e storeErr) Error() string { return strings.Join(strings.Fields(e.error.Error()), " ") }
func (e storeErr) Unwrap() error { return e.error }

// warnPassword warns when a store URL holding a password (in its user
// part or a password= parameter) is in a file others may read.
func (s *Service) warnPassword(path, pgURL string) {
	if runtime.GOOS == "windows" {
		return
	}
	if pgstore.Redact(pgURL) == pgURL {
		return // no password in the user part or a password= parameter
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return
	}
	s.warnings = append(s.warnings, fmt.Sprintf("%s holds the store's password and is readable by %s (mode %04o); run chmod 600 %s, or keep the password in ~/.pgpass or $PGPASSWORD instead",
		path, who(fi.Mode().Perm(), 0o004), fi.Mode().Perm(), path))
}

// StoreName names the home's store for people: the SQLite file's path,
// or the PostgreSQL URL without its password.
func (s *Service) StoreName() string {
	if s.storeURL == "" {
		return filepath.Join(s.Dir, DBFile)
	}
	return RedactStore(s.storeURL)
}
