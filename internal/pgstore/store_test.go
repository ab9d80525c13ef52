package pgstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// TestCreateAndOpenRefuse: Create refuses a database that holds a store
// or other tables; Open refuses one that holds no store.
func TestCreateAndOpenRefuse(t *testing.T) {
	ctx := t.Context()
	_, url := newStore(t)
	if _, err := Create(ctx, url, nil); !errors.Is(err, ErrStoreExists) {
		t.Fatalf("Create over a store: %v, want ErrStoreExists", err)
	}
	empty := pgtest.Database(t)
	if _, err := Open(ctx, empty, nil); !errors.Is(err, leaktrace.ErrNoStore) {
		t.Fatalf("Open of an empty database: %v, want ErrNoStore", err)
	}
	foreign := pgtest.Database(t)
	if err := exec(t, foreign, `CREATE TABLE documents (x int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, foreign, nil); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Open of a database with other tables: %v, want ErrNotStore", err)
	}
	if _, err := Create(ctx, foreign, nil); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Create in a database with other tables: %v, want ErrNotStore", err)
	}
	if err := exec(t, foreign, `SELECT x FROM documents`); err != nil {
		t.Fatalf("the other tables were changed: %v", err)
	}
	// Open made nothing in the empty database: Create still can.
	s, err := Create(ctx, empty, nil)
	if err != nil {
		t.Fatalf("Create after a refused Open: %v", err)
	}
	s.Close()
}

// TestUnreachable: a server that isn't there, a malformed URL, a
// database that doesn't exist and a wrong password are ErrUnreachable,
// and no message shows the password.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	good := pgtest.Database(t)
	for _, url := range []string{
		"postgres://leaktrace:s3cret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=5",
		"postgres://leaktrace:s3cret-pw@127.0.0.1:notaport/db",
		"host=127.0.0.1 port=1 user=leaktrace password=s3cret-pw dbname=db sslmode=disable connect_timeout=5",
		strings.Replace(good, "/lt_", "/s3cret-pw_missing_", 1),
	} {
		for name, f := range map[string]func(context.Context, string, leaktrace.CheckpointSigner) (*Store, error){"Open": Open, "Create": Create} {
			s, err := f(ctx, url, nil)
			if !errors.Is(err, ErrUnreachable) {
				if s != nil {
					s.Close()
				}
				t.Errorf("%s(%s): %v, want ErrUnreachable", name, Redact(url), err)
				continue
			}
			if strings.Contains(err.Error(), "s3cret-pw") && !strings.Contains(url, "_missing_") {
				t.Errorf("%s(%s): the message shows the password: %v", name, Redact(url), err)
			}
		}
	}
}
