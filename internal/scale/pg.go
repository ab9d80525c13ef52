package scale

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace/internal/index"
)

// LoadPostgres adds documents 0..n-1 of c to the PostgreSQL store at url,
// whose schema pgstore made and which holds no documents: the rows
// 'doc add' would write to documents (with no content: Lookup never
// reads it), doc_numbers (numbered from 1) and fingerprints (by
// [Fingerprints]), with no custody-log entry. It COPYs them, the
// fingerprints through an unlogged scratch table and then in the index's
// key order, with foreign-key checks off for the session (the rows
// satisfy them by construction; the constraints stay).
func LoadPostgres(ctx context.Context, url string, c *Corpus, n int, opts LoadOptions) (*Loaded, error) {
	start := time.Now()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`SET session_replication_role = replica`,
		`SET maintenance_work_mem = '1GB'`, `SET work_mem = '1GB'`,
		`CREATE UNLOGGED TABLE load_fp (hash BIGINT, num INTEGER, pos INTEGER)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	out := &Loaded{}
	const batch = 2000
	var docs, nums, fps [][]any
	flush := func() error {
		for _, t := range []struct {
			name string
			cols []string
			rows *[][]any
		}{
			{"documents", []string{"id", "title", "filename", "format", "content", "sha256", "words", "marks", "by_channel", "scheme", "added_at", "catalogue"}, &docs},
			{"doc_numbers", []string{"num", "document"}, &nums},
			{"load_fp", []string{"hash", "num", "pos"}, &fps},
		} {
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(*t.rows)); err != nil {
				return fmt.Errorf("COPY %s: %w", t.name, err)
			}
			*t.rows = (*t.rows)[:0]
		}
		return nil
	}
	type made struct {
		fps   []index.Fingerprint
		words int
		err   error
	}
	num := int32(0)
	err = Pipeline(0, n, opts.Workers, func(i int) made {
		text := c.Doc(i)
		fs, err := Fingerprints(text)
		return made{fps: fs, words: len(strings.Fields(text)), err: err}
	}, func(i int, m made) error {
		if m.err != nil {
			return m.err
		}
		id := ID(i)
		num++
		docs = append(docs, []any{id, id, id + ".txt", "txt", []byte{}, "", int32(m.words), int32(0), "{}", int32(1), time.Unix(0, 0).UTC().Format(time.RFC3339Nano), int32(1)})
		nums = append(nums, []any{num, id})
		for _, f := range m.fps {
			fps = append(fps, []any{f.Hash, num, f.Pos})
		}
		out.Documents++
		if (i+1)%batch == 0 {
			if opts.Progress != nil && (i+1)%10_000 == 0 {
				opts.Progress(i + 1)
			}
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	for _, q := range []string{
		`INSERT INTO fingerprints (hash, num, pos) SELECT DISTINCT hash, num, pos FROM load_fp ORDER BY hash, num, pos`,
		`DROP TABLE load_fp`,
		`VACUUM ANALYZE fingerprints`, `VACUUM ANALYZE doc_numbers`, `VACUUM ANALYZE documents`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM fingerprints`).Scan(&out.Fingerprints); err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// PostgresIndexSize is the size on disk of a PostgreSQL store's lookup
// index: the fingerprints and doc_numbers tables with their indexes.
func PostgresIndexSize(ctx context.Context, url string) (int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, `SELECT pg_total_relation_size('fingerprints') + pg_total_relation_size('doc_numbers')`).Scan(&n)
	return n, err
}

// CopyFromSQLite fills the PostgreSQL store at url, whose schema pgstore
// made and which holds no documents, with the lookup index of the SQLite
// store at path (one LoadSQLite built): its documents and doc_numbers
// rows, then its fingerprints read in the index's key order and COPYed
// in that order, so that PostgreSQL's primary-key index grows at its end
// and no scratch table or sort is needed. The result is the store
// [LoadPostgres] makes of the same corpus (a test checks it), built in a
// fraction of the time and of the disk: at a million documents
// LoadPostgres's scratch table and sort need twice the index's space.
// Foreign-key checks are off for the session, as in LoadPostgres.
func CopyFromSQLite(ctx context.Context, path, url string, progress func(rows int64)) (*Loaded, error) {
	start := time.Now()
	lite, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer lite.Close()
	lite.SetMaxOpenConns(1)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return nil, err
	}
	out := &Loaded{}
	for _, t := range []struct {
		table string
		cols  []string
		query string
	}{
		{"documents", []string{"id", "title", "filename", "format", "content", "sha256", "words", "marks", "by_channel", "scheme", "added_at", "catalogue"},
			`SELECT id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at, catalogue FROM documents ORDER BY id`},
		{"doc_numbers", []string{"num", "document"}, `SELECT num, document FROM doc_numbers ORDER BY num`},
		{"fingerprints", []string{"hash", "num", "pos"}, `SELECT hash, num, pos FROM fingerprints ORDER BY hash, num, pos`},
	} {
		rows, err := lite.QueryContext(ctx, t.query)
		if err != nil {
			return nil, err
		}
		src := &sqlRows{rows: rows, vals: make([]any, len(t.cols)), progress: progress}
		n, err := conn.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, src)
		rows.Close()
		if err == nil {
			err = src.err
		}
		if err != nil {
			return nil, fmt.Errorf("COPY %s: %w", t.table, err)
		}
		switch t.table {
		case "documents":
			out.Documents = int(n)
		case "fingerprints":
			out.Fingerprints = n
		}
	}
	for _, q := range []string{`VACUUM ANALYZE fingerprints`, `VACUUM ANALYZE doc_numbers`, `VACUUM ANALYZE documents`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// sqlRows is a query's rows as a pgx.CopyFromSource.
type sqlRows struct {
	rows     *sql.Rows
	vals     []any
	n        int64
	err      error
	progress func(rows int64)
}

func (r *sqlRows) Next() bool {
	if !r.rows.Next() {
		r.err = r.rows.Err()
		return false
	}
	r.n++
	if r.progress != nil && r.n%10_000_000 == 0 {
		r.progress(r.n)
	}
	return true
}

func (r *sqlRows) Values() ([]any, error) {
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, v := range r.vals {
		// Every column copied is NOT NULL: what reads as nil is an
		// empty BLOB (a document's content in a lookup store).
		if b, ok := v.([]byte); v == nil || ok && b == nil {
			r.vals[i] = []byte{}
		}
	}
	return r.vals, nil
}

func (r *sqlRows) Err() error { return r.err }
