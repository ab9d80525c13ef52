package pgstore

import (
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(childURL) != "" {
		os.Exit(childAppends())
	}
	os.Exit(pgtest.Main(m))
}

// testSigner signs checkpoints with a fresh key.
func testSigner(t testing.TB) *custody.Signer {
	skey, _, err := custody.GenerateKey("example.org/test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := custody.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rec is a log record whose data merely names it: the store does not
// interpret entries.
func rec(kind, doc, recipient string) leaktrace.LogRecord {
	return leaktrace.LogRecord{Kind: kind, Document: doc, Recipient: recipient, Data: []byte(kind + "/" + doc + "/" + recipient)}
}

// newStore creates a store in a database of the test's own and returns
// it with the database's URL.
func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	url := pgtest.Database(t)
	s, err := Create(t.Context(), url, testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

// exec runs raw SQL on the database at url, as another client would.
func exec(t *testing.T, url, query string, args ...any) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	_, err = conn.Exec(t.Context(), query, args...)
	return err
}
