// Command scalebench measures source lookup over a synthetic corpus
// (internal/scale): leaktrace's own lookup (Store.Lookup and the index's
// ranking, what 'leaktrace trace' does to find the source) on SQLite and
// PostgreSQL, and PostgreSQL's pg_trgm word similarity over chunked text
// as the baseline, on the same documents and the same fragments. Run it
// through scripts/scale-bench, which says what the flags mean.
//
// The stores are built once under -dir and reused by later runs with the
// same -docs and -seed. PostgreSQL is started from its programs
// (internal/pgtest) on a data directory under -dir, fsync off.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/leaktrace/leaktrace/internal/index"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/pgtest"
	"github.com/leaktrace/leaktrace/internal/scale"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
)

var (
	dir          = flag.String("dir", "", "directory for the stores and PostgreSQL's data, reused between runs")
	docs         = flag.Int("docs", 100_000, "documents in the corpus")
	seed         = flag.Uint64("seed", 1, "corpus seed")
	frags        = flag.Int("frags", 500, "fragments measured per length")
	calib        = flag.Int("calib", 100, "fragments that tune the pg_trgm threshold to leaktrace's recall")
	trgmN        = flag.Int("trgm-frags", 0, "pg_trgm measures only the first N of the fragments (0: all)")
	trgmWarm     = flag.Int("trgm-warm", 10, "pg_trgm: warm-up fragments before measuring")
	trgmTh       = flag.String("trgm-thresholds", "0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2", "pg_trgm: word-similarity thresholds tried, highest first, when tuning to leaktrace's recall")
	lengths      = flag.String("words", "40,200", "fragment lengths in words")
	only         = flag.String("only", "sqlite,pg,trgm", "what to measure: sqlite, pg, trgm, trace")
	readers      = flag.Int("readers", 1000, "trace: readers, each issued a copy of every leaked document")
	leaked       = flag.Int("leaked", 10, "trace: documents whose copies leak")
	leaks        = flag.Int("leaks", 50, "trace: leaks traced")
	leakLen      = flag.Int("leak-words", 300, "trace: words in a leak")
	workers      = flag.Int("workers", 2, "goroutines making documents while loading")
	jsonOut      = flag.String("json", "", "also write the results as JSON to this file")
	buildOut     = flag.Bool("build-only", false, "build the stores and stop")
	whole        = flag.Bool("whole", false, "leaktrace: look up every k-gram of a fragment (the lookup before the search's budget) instead of index.Search")
	pgFromSQLite = flag.Bool("pg-from-sqlite", false, "PostgreSQL: copy the lookup index of the SQLite store built under -dir (in key order, no scratch table or sort) instead of loading from the corpus; needs half the disk")
	edit         = flag.Float64("edit", 0, "edit each word of every fragment with this probability (dropped, replaced or given a typo), as a retyped leak is")
	finish       = flag.Bool("finish", false, "SQLite: finish a load whose every document was committed to its scratch table (the .building files) but whose index was not written, instead of loading again")
	pgURL        = flag.String("pg", "", "use the running PostgreSQL server at this URL (a superuser) instead of starting one")
)

// Result is one row of the table.
type Result struct {
	Backend   string  `json:"backend"`
	Docs      int     `json:"docs"`
	Words     int     `json:"words"`
	Fragments int     `json:"fragments"`
	Edit      float64 `json:"edit,omitempty"` // -edit
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	Recall    float64 `json:"recall"`
	Threshold float64 `json:"threshold,omitempty"`
	IndexMiB  float64 `json:"index_mib"`
	TableMiB  float64 `json:"table_mib,omitempty"`
	BuildSecs float64 `json:"build_s"`
	Note      string  `json:"note,omitempty"`
}

func main() {
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "scalebench: -dir is required")
		os.Exit(2)
	}
	// SIGINT or SIGTERM cancels the run, which then stops PostgreSQL;
	// a second one kills at once (pgtest's watchdog then stops it).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func has(what string) bool { return slices.Contains(strings.Split(*only, ","), what) }

// built is what a store's sidecar file records about its build.
type built struct {
	Docs         int     `json:"docs"`
	Seed         uint64  `json:"seed"`
	Fingerprints int64   `json:"fingerprints,omitempty"`
	Chunks       int64   `json:"chunks,omitempty"`
	LoadSecs     float64 `json:"load_s"`
	IndexSecs    float64 `json:"index_s,omitempty"`
	Copied       bool    `json:"copied_from_sqlite,omitempty"` // -pg-from-sqlite
	IndexOnly    bool    `json:"index_only,omitempty"`         // -finish: LoadSecs is the index's alone
}

func readBuilt(path string) (*built, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var out built
	return &out, json.Unmarshal(b, &out) == nil
}

func writeBuilt(path string, b *built) error {
	data, _ := json.MarshalIndent(b, "", "  ")
	return os.WriteFile(path, data, 0o644)
}

func run(ctx context.Context) error {
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	c, err := scale.Load(*seed)
	if err != nil {
		return err
	}
	logf("corpus: %d sentences, %d documents, seed %d", c.Sentences(), *docs, *seed)
	name := fmt.Sprintf("%d-s%d", *docs, *seed)
	var results []Result

	var s *store.Store
	var sqliteBuilt *built
	var sqlitePath string
	if has("sqlite") {
		sqlitePath = filepath.Join(*dir, "sqlite-"+name+".db")
		if sqliteBuilt, err = buildSQLite(ctx, c, sqlitePath); err != nil {
			return err
		}
		if s, err = store.Open(ctx, sqlitePath, nil); err != nil {
			return err
		}
		defer s.Close()
	}
	var trgm *scale.Trgm
	var trgmBuilt *built
	var srv *pgtest.Server
	if has("trgm") || has("pg") {
		if srv, err = startPostgres(); err != nil {
			return err
		}
		defer func() {
			if err := srv.Stop(); err != nil {
				logf("stopping PostgreSQL: %v", err)
			}
		}()
	}
	var pg *pgstore.Store
	var pgBuilt *built
	var pgURL string
	if has("pg") {
		pgURL, pgBuilt, err = buildPG(ctx, srv, c, "lt_"+strings.ReplaceAll(name, "-", "_"))
		if err != nil {
			return err
		}
		if pg, err = pgstore.Open(ctx, pgURL, nil); err != nil {
			return err
		}
		defer pg.Close()
	}
	if has("trgm") {
		url, b, err := buildTrgm(ctx, srv, c, "trgm_"+strings.ReplaceAll(name, "-", "_"))
		if err != nil {
			return err
		}
		trgmBuilt = b
		if trgm, err = scale.OpenTrgm(ctx, url); err != nil {
			return err
		}
		defer trgm.Close()
	}
	if has("trace") {
		r, err := traceBench(ctx, c, filepath.Join(*dir, fmt.Sprintf("trace-%s-r%d", name, *readers)))
		if err != nil {
			return err
		}
		if r != nil {
			results = append(results, *r)
			logf("%+v", *r)
		}
	}
	if *buildOut {
		return nil
	}

	for _, w := range strings.Split(*lengths, ",") {
		if s == nil && pg == nil && trgm == nil {
			break
		}
		var words int
		if _, err := fmt.Sscan(w, &words); err != nil || words < 10 {
			return fmt.Errorf("bad -words %q", *lengths)
		}
		measured := c.Fragments(*frags, words, *docs, 1)
		warm := c.Fragments(50, words, *docs, 99)
		tune := c.Fragments(*calib, words, *docs, 2)
		if *edit > 0 {
			measured, warm, tune = c.Edit(measured, *edit, 1), c.Edit(warm, *edit, 99), c.Edit(tune, *edit, 2)
		}
		ltRecall := -1.0
		if s != nil {
			lookup := finder(ctx, s)
			if _, _, _, err := measure(warm, lookup); err != nil {
				return err
			}
			if _, _, ltRecall, err = measure(tune, lookup); err != nil {
				return err
			}
			p50, p99, recall, err := measure(measured, lookup)
			if err != nil {
				return err
			}
			size, err := scale.SQLiteIndexSize(ctx, sqlitePath)
			if err != nil {
				return err
			}
			results = append(results, Result{Backend: "leaktrace, SQLite" + method(), Docs: *docs, Words: words, Fragments: len(measured), Edit: *edit,
				P50ms: ms(p50), P99ms: ms(p99), Recall: recall, IndexMiB: mib(size), BuildSecs: sqliteBuilt.LoadSecs})
			logf("%+v", results[len(results)-1])
		}
		if pg != nil {
			lookup := finder(ctx, pg)
			if _, _, _, err := measure(warm, lookup); err != nil {
				return err
			}
			if ltRecall < 0 {
				if _, _, ltRecall, err = measure(tune, lookup); err != nil {
					return err
				}
			}
			p50, p99, recall, err := measure(measured, lookup)
			if err != nil {
				return err
			}
			size, err := scale.PostgresIndexSize(ctx, pgURL)
			if err != nil {
				return err
			}
			results = append(results, Result{Backend: "leaktrace, PostgreSQL" + method(), Docs: *docs, Words: words, Fragments: len(measured), Edit: *edit,
				P50ms: ms(p50), P99ms: ms(p99), Recall: recall, IndexMiB: mib(size), BuildSecs: pgBuilt.LoadSecs})
			logf("%+v", results[len(results)-1])
		}
		if trgm != nil {
			th, err := tuneTrgm(ctx, trgm, tune, ltRecall)
			if err != nil {
				return err
			}
			source := func(f scale.Fragment) (bool, error) {
				d, err := trgm.Source(ctx, f.Text)
				return d == f.Doc, err
			}
			if _, _, _, err := measure(warm[:min(max(*trgmWarm, 0), len(warm))], source); err != nil {
				return err
			}
			some := measured
			if *trgmN > 0 {
				some = measured[:min(*trgmN, len(measured))]
			}
			p50, p99, recall, err := measure(some, source)
			if err != nil {
				return err
			}
			isz, tsz, err := trgm.Sizes(ctx)
			if err != nil {
				return err
			}
			results = append(results, Result{Backend: "pg_trgm word_similarity, GIN", Docs: *docs, Words: words, Fragments: len(some), Edit: *edit,
				P50ms: ms(p50), P99ms: ms(p99), Recall: recall, Threshold: th, IndexMiB: mib(isz), TableMiB: mib(tsz),
				BuildSecs: trgmBuilt.LoadSecs + trgmBuilt.IndexSecs,
				Note:      fmt.Sprintf("%d chunks of %d words every %d; COPY %.0f s, GIN %.0f s", trgmBuilt.Chunks, scale.ChunkWords, scale.ChunkStride, trgmBuilt.LoadSecs, trgmBuilt.IndexSecs)})
			logf("%+v", results[len(results)-1])
		}
	}
	printTable(results)
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(results, "", "  ")
		return os.WriteFile(*jsonOut, append(data, '\n'), 0o644)
	}
	return nil
}

// finder is what trace runs to find a fragment's source: index.Search
// over the store, or with -whole a lookup of every k-gram of the
// fragment, the search before the budget.
func finder(ctx context.Context, src index.Source) func(scale.Fragment) (bool, error) {
	return func(f scale.Fragment) (bool, error) {
		hashes := index.Hashes(marks.Canonical(f.Text))
		var r []index.Candidate
		if *whole {
			ps, err := src.Lookup(ctx, hashes)
			if err != nil {
				return false, err
			}
			r = index.Rank(hashes, ps)
		} else {
			var err error
			if r, err = index.Search(ctx, src, hashes); err != nil {
				return false, err
			}
		}
		return len(r) > 0 && r[0].Doc == scale.ID(f.Doc), nil
	}
}

// method names the lookup -whole chose.
func method() string {
	if *whole {
		return ", every k-gram"
	}
	return ""
}

// measure runs find on every fragment, one after another, and returns
// the median and 99th-percentile latency and the share found.
func measure(fs []scale.Fragment, find func(scale.Fragment) (bool, error)) (p50, p99 time.Duration, recall float64, err error) {
	lat := make([]time.Duration, len(fs))
	right := 0
	for i, f := range fs {
		t := time.Now()
		ok, err := find(f)
		lat[i] = time.Since(t)
		if err != nil {
			return 0, 0, 0, err
		}
		if ok {
			right++
		}
	}
	slices.Sort(lat)
	return quantile(lat, 0.5), quantile(lat, 0.99), float64(right) / float64(len(fs)), nil
}

// quantile is the nearest-rank quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// tuneTrgm picks the highest word-similarity threshold (the fastest)
// whose recall on the tuning fragments reaches leaktrace's there; without
// leaktrace's, the highest reaching the best recall seen.
func tuneTrgm(ctx context.Context, t *scale.Trgm, fs []scale.Fragment, want float64) (float64, error) {
	var ths []float64
	for _, f := range strings.Split(*trgmTh, ",") {
		var th float64
		if _, err := fmt.Sscan(f, &th); err != nil || th <= 0 || th > 1 {
			return 0, fmt.Errorf("bad -trgm-thresholds %q", *trgmTh)
		}
		ths = append(ths, th)
	}
	best, bestTh := -1.0, 0.0
	for _, th := range ths {
		if err := t.SetThreshold(ctx, th); err != nil {
			return 0, err
		}
		start := time.Now()
		_, _, recall, err := measure(fs, func(f scale.Fragment) (bool, error) {
			d, err := t.Source(ctx, f.Text)
			return d == f.Doc, err
		})
		if err != nil {
			return 0, err
		}
		logf("pg_trgm threshold %.1f: recall %.3f on %d tuning fragments (leaktrace %.3f), %v", th, recall, len(fs), want, time.Since(start).Round(time.Millisecond))
		if recall > best {
			best, bestTh = recall, th
		}
		if want >= 0 && recall >= want {
			return th, nil
		}
	}
	return bestTh, t.SetThreshold(ctx, bestTh)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mib(n int64) float64        { return float64(n) / (1 << 20) }

func printTable(rs []Result) {
	fmt.Println("| method | documents | fragment words | fragments | p50 ms | p99 ms | recall@1 | index MiB | build s | notes |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rs {
		note := r.Note
		if r.Threshold > 0 {
			note = fmt.Sprintf("threshold %.1f; table %.0f MiB; %s", r.Threshold, r.TableMiB, note)
		}
		if r.Edit > 0 {
			note = fmt.Sprintf("words edited at rate %.2f; %s", r.Edit, note)
		}
		fmt.Printf("| %s | %d | %d | %d | %.2f | %.2f | %.3f | %.0f | %.0f | %s |\n",
			r.Backend, r.Docs, r.Words, r.Fragments, r.P50ms, r.P99ms, r.Recall, r.IndexMiB, r.BuildSecs, note)
	}
}

func buildSQLite(ctx context.Context, c *scale.Corpus, path string) (*built, error) {
	side := path + ".json"
	if b, ok := readBuilt(side); ok {
		if _, err := os.Stat(path); err == nil {
			logf("SQLite: reusing %s (built in %.0f s)", path, b.LoadSecs)
			return b, nil
		}
	}
	tmp := path + ".building"
	var l *scale.Loaded
	var err error
	if *finish {
		logf("SQLite: finishing the load left in %s", tmp)
		var have int
		if have, err = scratchDocs(ctx, tmp); err != nil {
			return nil, err
		}
		if have != *docs {
			return nil, fmt.Errorf("%s holds %d documents, not %d: load it again without -finish", tmp, have, *docs)
		}
		l, err = scale.FinishLoad(ctx, tmp)
	} else {
		os.Remove(tmp)
		logf("SQLite: loading %d documents into %s", *docs, path)
		l, err = scale.LoadSQLite(ctx, tmp, c, *docs, scale.LoadOptions{Workers: *workers, Progress: func(done int) {
			if done%10_000 == 0 {
				logf("SQLite: %d documents", done)
			}
		}})
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	b := &built{Docs: *docs, Seed: *seed, Fingerprints: l.Fingerprints, LoadSecs: l.Took.Seconds(), IndexOnly: *finish}
	logf("SQLite: %d fingerprints in %.0f s", l.Fingerprints, b.LoadSecs)
	return b, writeBuilt(side, b)
}

// scratchDocs counts the documents a load has committed.
func scratchDocs(ctx context.Context, path string) (int, error) {
	s, err := store.Open(ctx, path, nil)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return s.DocumentCount(ctx)
}

// readSQLiteBuilt says whether the SQLite store at path was built whole.
func readSQLiteBuilt(path string) (*built, error) {
	b, ok := readBuilt(path + ".json")
	if !ok {
		return nil, fmt.Errorf("no finished SQLite store at %s", path)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return b, nil
}

func startPostgres() (*pgtest.Server, error) {
	if *pgURL != "" {
		return &pgtest.Server{URL: *pgURL}, nil
	}
	data := filepath.Join(*dir, "pg")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	srv, err := pgtest.Start(pgtest.Options{Dir: data, Settings: []string{
		"shared_buffers=1GB", "maintenance_work_mem=1GB", "work_mem=64MB",
		"max_wal_size=8GB", "checkpoint_timeout=30min", "max_parallel_maintenance_workers=1",
	}})
	if err != nil {
		return nil, err
	}
	logf("PostgreSQL: %s (data %s, fsync off)", srv.URL, data)
	return srv, nil
}

// buildTrgm makes (or reuses) the baseline's database.
func buildTrgm(ctx context.Context, srv *pgtest.Server, c *scale.Corpus, db string) (string, *built, error) {
	url, err := srv.DatabaseURL(db)
	if err != nil {
		return "", nil, err
	}
	if b, ok := builtIn(ctx, url); ok {
		logf("pg_trgm: reusing database %s (COPY %.0f s, GIN %.0f s)", db, b.LoadSecs, b.IndexSecs)
		return url, b, nil
	}
	if err := srv.DropDatabase(ctx, db); err != nil {
		return "", nil, err
	}
	if _, err := srv.CreateDatabase(ctx, db); err != nil {
		return "", nil, err
	}
	logf("pg_trgm: loading %d documents into database %s", *docs, db)
	t, err := scale.LoadTrgm(ctx, url, c, *docs, *workers, func(done int) {
		if done%10_000 == 0 {
			logf("pg_trgm: %d documents", done)
		}
	})
	if err != nil {
		return "", nil, err
	}
	b := &built{Docs: *docs, Seed: *seed, Chunks: t.Chunks, LoadSecs: t.Load.Seconds(), IndexSecs: t.Index.Seconds()}
	logf("pg_trgm: %d chunks, COPY %.0f s, GIN index %.0f s", b.Chunks, b.LoadSecs, b.IndexSecs)
	return url, b, markBuilt(ctx, url, b)
}

// buildPG makes (or reuses) leaktrace's PostgreSQL store of the corpus:
// the schema by pgstore.Create, the rows by scale.LoadPostgres.
func buildPG(ctx context.Context, srv *pgtest.Server, c *scale.Corpus, db string) (string, *built, error) {
	url, err := srv.DatabaseURL(db)
	if err != nil {
		return "", nil, err
	}
	// The build record is a file beside the data directory: a table of
	// the benchmark's own would make the database no leaktrace store.
	side := filepath.Join(*dir, db+".json")
	if b, ok := readBuilt(side); ok {
		logf("PostgreSQL: reusing database %s (built in %.0f s)", db, b.LoadSecs)
		return url, b, nil
	}
	if err := srv.DropDatabase(ctx, db); err != nil {
		return "", nil, err
	}
	if _, err := srv.CreateDatabase(ctx, db); err != nil {
		return "", nil, err
	}
	st, err := pgstore.Create(ctx, url, nil)
	if err != nil {
		return "", nil, err
	}
	st.Close()
	var l *scale.Loaded
	if *pgFromSQLite {
		from := filepath.Join(*dir, fmt.Sprintf("sqlite-%d-s%d.db", *docs, *seed))
		if _, err := readSQLiteBuilt(from); err != nil {
			return "", nil, fmt.Errorf("-pg-from-sqlite: %w (build the SQLite store first: -only sqlite -build-only)", err)
		}
		logf("PostgreSQL: copying the SQLite store %s into database %s", from, db)
		l, err = scale.CopyFromSQLite(ctx, from, url, func(rows int64) { logf("PostgreSQL: %d fingerprints", rows) })
	} else {
		logf("PostgreSQL: loading %d documents into database %s", *docs, db)
		l, err = scale.LoadPostgres(ctx, url, c, *docs, scale.LoadOptions{Workers: *workers, Progress: func(done int) { logf("PostgreSQL: %d documents", done) }})
	}
	if err != nil {
		return "", nil, err
	}
	b := &built{Docs: *docs, Seed: *seed, Fingerprints: l.Fingerprints, LoadSecs: l.Took.Seconds(), Copied: *pgFromSQLite}
	logf("PostgreSQL: %d fingerprints in %.0f s", l.Fingerprints, b.LoadSecs)
	return url, b, writeBuilt(side, b)
}

// builtIn reads the build record a finished build leaves in its
// database; a database without one is an unfinished build.
func builtIn(ctx context.Context, url string) (*built, bool) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, false
	}
	defer conn.Close(ctx)
	var data []byte
	if err := conn.QueryRow(ctx, `SELECT record FROM bench_built`).Scan(&data); err != nil {
		return nil, false
	}
	var b built
	return &b, json.Unmarshal(data, &b) == nil
}

func markBuilt(ctx context.Context, url string, b *built) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	data, _ := json.Marshal(b)
	if _, err := conn.Exec(ctx, `CREATE TABLE bench_built (record TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `INSERT INTO bench_built (record) VALUES ($1)`, string(data))
	return err
}

// traceBench builds (or reuses) the trace benchmark's home under dir and
// traces its leaks one after another.
func traceBench(ctx context.Context, c *scale.Corpus, dir string) (*Result, error) {
	home := filepath.Join(dir, "home")
	side := filepath.Join(dir, "leaks.json")
	type record struct {
		Took  map[string]float64 `json:"took_s"`
		Leaks []scale.Leak       `json:"leaks"`
	}
	var rec record
	if data, err := os.ReadFile(side); err == nil && json.Unmarshal(data, &rec) == nil {
		logf("trace: reusing the home in %s", home)
	} else if _, err := os.Stat(filepath.Join(home, service.DBFile)); err == nil {
		// A build that ended before writing the leaks down.
		logf("trace: finishing the home in %s", home)
		h, ls, err := scale.ResumeTraceHome(ctx, home, c, *docs, *readers, *leaked, *leaks, *leakLen)
		if err != nil {
			return nil, fmt.Errorf("finishing the trace home (delete %s to build it again): %w", dir, err)
		}
		rec = record{Took: map[string]float64{}, Leaks: ls}
		for k, v := range h.Took {
			rec.Took[k] = v.Seconds()
			logf("trace: %s: %.0f s", k, v.Seconds())
		}
		data, _ := json.Marshal(rec)
		if err := os.WriteFile(side, data, 0o644); err != nil {
			return nil, err
		}
	} else {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		logf("trace: building a home of %d documents and %d readers in %s", *docs, *readers, home)
		h, ls, err := scale.BuildTraceHome(ctx, home, c, *docs, *readers, *leaked, *leaks, *leakLen, *workers, func(m string) { logf("trace: %s", m) })
		if err != nil {
			return nil, err
		}
		rec = record{Took: map[string]float64{}, Leaks: ls}
		for k, v := range h.Took {
			rec.Took[k] = v.Seconds()
		}
		data, _ := json.Marshal(rec)
		if err := os.WriteFile(side, data, 0o644); err != nil {
			return nil, err
		}
	}
	if *buildOut {
		return nil, nil
	}
	svc, err := service.Open(ctx, home)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	// A run may trace fewer leaks than were cut (-leaks).
	rec.Leaks = rec.Leaks[:min(*leaks, len(rec.Leaks))]
	lat := make([]time.Duration, 0, len(rec.Leaks))
	source, named, innocent := 0, 0, 0
	for _, l := range rec.Leaks {
		r, err := scale.Trace(ctx, svc, l)
		if err != nil {
			return nil, err
		}
		lat = append(lat, r.Took)
		if r.Source {
			source++
		}
		if r.Named {
			named++
		}
		innocent += r.Innocent
	}
	slices.Sort(lat)
	build := 0.0
	var steps []string
	for k, v := range rec.Took {
		build += v
		steps = append(steps, fmt.Sprintf("%s %.0f s", k, v))
	}
	slices.Sort(steps)
	return &Result{Backend: fmt.Sprintf("trace, SQLite, %d readers", *readers), Docs: *docs, Words: *leakLen, Fragments: len(rec.Leaks),
		P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99)), Recall: float64(source) / float64(len(rec.Leaks)), BuildSecs: build,
		Note: fmt.Sprintf("reader named in %d of %d leaks, innocent readers accused: %d; build: %s", named, len(rec.Leaks), innocent, strings.Join(steps, ", "))}, nil
}
