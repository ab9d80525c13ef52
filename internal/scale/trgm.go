package scale

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The pg_trgm baseline: PostgreSQL's own answer to "which document holds
// this text", the documents cut into overlapping chunks of words with a
// GIN trigram index over them, queried with word_similarity (operator
// <%). Chunks overlap by more than a 40-word fragment, so such a
// fragment always lies whole in one chunk.
const (
	ChunkWords  = 250
	ChunkStride = 200
)

// Chunks cuts a document's text into the baseline's chunks.
func Chunks(text string) []string {
	f := strings.Fields(text)
	var out []string
	for at := 0; ; at += ChunkStride {
		out = append(out, strings.Join(f[at:min(len(f), at+ChunkWords)], " "))
		if at+ChunkWords >= len(f) {
			return out
		}
	}
}

// TrgmBuilt says how long the baseline took to load and index.
type TrgmBuilt struct {
	Chunks int64
	Load   time.Duration // COPY of the chunks
	Index  time.Duration // CREATE INDEX ... USING gin
}

// LoadTrgm fills the database at url with documents 0..n-1 of c, as the
// table chunks(doc, body) with a GIN trigram index over body.
func LoadTrgm(ctx context.Context, url string, c *Corpus, n, workers int, progress func(done int)) (*TrgmBuilt, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
		`CREATE TABLE chunks (doc INTEGER NOT NULL, part INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (doc, part))`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	out := &TrgmBuilt{}
	start := time.Now()
	const batch = 2000
	var rows [][]any
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := conn.CopyFrom(ctx, pgx.Identifier{"chunks"}, []string{"doc", "part", "body"}, pgx.CopyFromRows(rows))
		out.Chunks += int64(len(rows))
		rows = rows[:0]
		return err
	}
	err = Pipeline(0, n, workers, func(i int) []string { return Chunks(c.Doc(i)) }, func(i int, cs []string) error {
		for k, body := range cs {
			rows = append(rows, []any{int32(i), int32(k), body})
		}
		if (i+1)%batch == 0 {
			if progress != nil {
				progress(i + 1)
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
	out.Load = time.Since(start)
	start = time.Now()
	if _, err := conn.Exec(ctx, `CREATE INDEX chunks_trgm ON chunks USING gin (body gin_trgm_ops)`); err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE chunks`); err != nil {
		return nil, err
	}
	out.Index = time.Since(start)
	return out, nil
}

// Trgm queries the baseline.
type Trgm struct {
	conn      *pgx.Conn
	threshold float64
}

// OpenTrgm connects to a database LoadTrgm filled.
func OpenTrgm(ctx context.Context, url string) (*Trgm, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	return &Trgm{conn: conn}, nil
}

// Close closes the connection.
func (t *Trgm) Close() error { return t.conn.Close(context.Background()) }

// SetThreshold sets pg_trgm.word_similarity_threshold: a chunk is a
// candidate when the fragment's word similarity to it is above it.
func (t *Trgm) SetThreshold(ctx context.Context, th float64) error {
	_, err := t.conn.Exec(ctx, fmt.Sprintf("SET pg_trgm.word_similarity_threshold = %g", th))
	t.threshold = th
	return err
}

// Source returns the document of the chunk most similar to the fragment,
// -1 when no chunk is above the threshold.
func (t *Trgm) Source(ctx context.Context, fragment string) (int, error) {
	var doc int
	err := t.conn.QueryRow(ctx, `SELECT doc FROM chunks WHERE $1 <% body
		ORDER BY word_similarity($1, body) DESC, doc LIMIT 1`, fragment).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return -1, nil
	}
	return doc, err
}

// Sizes returns the sizes on disk of the GIN index and of the chunks
// table (with its TOAST and primary key).
func (t *Trgm) Sizes(ctx context.Context) (index, table int64, err error) {
	err = t.conn.QueryRow(ctx, `SELECT pg_relation_size('chunks_trgm'), pg_total_relation_size('chunks') - pg_relation_size('chunks_trgm')`).Scan(&index, &table)
	return
}
