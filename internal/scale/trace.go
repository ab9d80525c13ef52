package scale

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
	"unicode"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TraceHome is a home for the trace benchmark: Docs documents and
// Readers readers, every reader issued a copy of each of the Leaked
// documents.
type TraceHome struct {
	Dir     string
	Docs    int
	Readers []string
	Leaked  []int
	// Took says how long each step of building it took.
	Took map[string]time.Duration
}

// Leak is an excerpt of a reader's copy.
type Leak struct {
	Doc    int
	Reader string
	Data   []byte
}

// BuildTraceHome makes a home in dir, through the product where it
// matters to a trace and in bulk where only scale does:
//
//   - the home, the readers, the leaked documents and every reader's
//     copy of them by the service ('leaktrace init', 'recipient import',
//     'doc add', 'issue --all': real registrations, copies and log
//     entries);
//   - the other documents by [LoadInto] in full (their rows as 'doc add'
//     writes them, points found by the product's analysis, but no
//     capacity estimate and no log entry), so that trace finds, aligns
//     and lists them as it would registered documents.
//
// It returns leaks: perReader excerpts of words words from copies of the
// leaked documents, each from a reader drawn at random.
func BuildTraceHome(ctx context.Context, dir string, c *Corpus, docs, readers, leaked, leaks, words, workers int, progress func(string)) (*TraceHome, []Leak, error) {
	h := &TraceHome{Dir: dir, Docs: docs, Took: map[string]time.Duration{}}
	rng := rand.New(rand.NewPCG(c.Seed, 0x7ace))
	for _, i := range rng.Perm(docs)[:leaked] {
		h.Leaked = append(h.Leaked, i)
	}
	slices.Sort(h.Leaked)
	step := func(name string, start time.Time) {
		h.Took[name] = time.Since(start)
		if progress != nil {
			progress(fmt.Sprintf("%s: %v", name, h.Took[name].Round(time.Millisecond)))
		}
	}
	start := time.Now()
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		return nil, nil, err
	}
	svc, err := service.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	defer svc.Close()
	rs := make([]leaktrace.Recipient, readers)
	for i := range rs {
		rs[i] = leaktrace.Recipient{ID: fmt.Sprintf("r%04d", i)}
		h.Readers = append(h.Readers, rs[i].ID)
	}
	if err := svc.AddRecipients(ctx, rs); err != nil {
		return nil, nil, err
	}
	step("init and readers", start)
	start = time.Now()
	for _, i := range h.Leaked {
		if _, err := svc.AddDocument(ctx, ID(i)+".txt", []byte(c.Doc(i)), ID(i), ID(i)); err != nil {
			return nil, nil, err
		}
		m, _, err := svc.Marker(ctx, ID(i))
		if err != nil {
			return nil, nil, err
		}
		if _, err = svc.Issue(ctx, m, h.Readers); err != nil {
			return nil, nil, err
		}
	}
	step(fmt.Sprintf("doc add and issue to every reader, %d documents", leaked), start)
	if err := svc.Close(); err != nil {
		return nil, nil, err
	}
	start = time.Now()
	isLeaked := func(i int) bool { _, ok := slices.BinarySearch(h.Leaked, i); return ok }
	if _, err := LoadInto(ctx, filepath.Join(dir, service.DBFile), c, docs, LoadOptions{Full: true, Skip: isLeaked, Workers: workers,
		Progress: func(done int) {
			if done%10_000 == 0 && progress != nil {
				progress(fmt.Sprintf("loaded %d documents", done))
			}
		}}); err != nil {
		return nil, nil, err
	}
	step(fmt.Sprintf("bulk load, %d documents", docs-leaked), start)
	out, err := cutLeaks(ctx, dir, h, rng, leaks, words)
	return h, out, err
}

// ResumeTraceHome finishes a home [BuildTraceHome] began in dir with the
// same arguments whose process ended during the bulk load's index
// (after its last commit; see [FinishLoad]), or after it (before the
// leaks were written down): it writes the index from the scratch table
// if it is still there, checks that every document is in the index, and
// cuts the same leaks BuildTraceHome would have.
func ResumeTraceHome(ctx context.Context, dir string, c *Corpus, docs, readers, leaked, leaks, words int) (*TraceHome, []Leak, error) {
	h := &TraceHome{Dir: dir, Docs: docs, Took: map[string]time.Duration{}}
	rng := rand.New(rand.NewPCG(c.Seed, 0x7ace))
	for _, i := range rng.Perm(docs)[:leaked] {
		h.Leaked = append(h.Leaked, i)
	}
	slices.Sort(h.Leaked)
	for i := range readers {
		h.Readers = append(h.Readers, fmt.Sprintf("r%04d", i))
	}
	path := filepath.Join(dir, service.DBFile)
	count := func(what string, q string) error {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return err
		}
		defer db.Close()
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return err
		}
		if n != docs {
			return fmt.Errorf("home %s: %d %s, want %d", dir, n, what, docs)
		}
		return nil
	}
	if err := count("documents numbered", `SELECT count(*) FROM doc_numbers`); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(path + ".load"); err == nil {
		l, err := FinishLoad(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		h.Took["bulk load's index, finished"] = l.Took
	}
	if err := count("documents in the lookup index", `SELECT count(*) FROM (SELECT DISTINCT num FROM fingerprints)`); err != nil {
		return nil, nil, err
	}
	out, err := cutLeaks(ctx, dir, h, rng, leaks, words)
	return h, out, err
}

// cutLeaks cuts leaks excerpts of words words, each from the copy of a
// leaked document (drawn by rng) issued to a reader (drawn by rng). The
// copy is rendered again, as issuing does, and must be the one the home
// issued (the SHA-256 its store recorded).
func cutLeaks(ctx context.Context, dir string, h *TraceHome, rng *rand.Rand, leaks, words int) ([]Leak, error) {
	svc, err := service.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	issued := map[[2]string]string{}
	markers := map[int]*leaktrace.Marker{}
	for _, d := range h.Leaked {
		cs, err := svc.Store.Copies(ctx, ID(d))
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			issued[[2]string{c.Document, c.Recipient}] = c.SHA256
		}
		if markers[d], _, err = svc.Marker(ctx, ID(d)); err != nil {
			return nil, err
		}
	}
	var out []Leak
	for range leaks {
		d := h.Leaked[rng.IntN(len(h.Leaked))]
		r := h.Readers[rng.IntN(len(h.Readers))]
		data, err := markers[d].Copy(r)
		if err != nil {
			return nil, err
		}
		if sum, ok := issued[[2]string{ID(d), r}]; !ok || sum != leaktrace.Hash(data) {
			return nil, fmt.Errorf("the copy of %s rendered for %s is not the one issued (recorded: %v)", ID(d), r, ok)
		}
		out = append(out, Leak{Doc: d, Reader: r, Data: Excerpt(data, words, rng)})
	}
	return out, nil
}

// Excerpt cuts a run of words words from a copy, as bytes of the copy
// (from the start of a word to the end of the last), at a place drawn by
// rng: what a leaker pastes.
func Excerpt(copy []byte, words int, rng *rand.Rand) []byte {
	s := []rune(string(copy))
	var starts, ends []int
	for i, r := range s {
		word := !unicode.IsSpace(r)
		if word && (i == 0 || unicode.IsSpace(s[i-1])) {
			starts = append(starts, i)
		}
		if word && (i == len(s)-1 || unicode.IsSpace(s[i+1])) {
			ends = append(ends, i+1)
		}
	}
	if len(starts) <= words {
		return copy
	}
	at := rng.IntN(len(starts) - words + 1)
	return []byte(string(s[starts[at]:ends[at+words-1]]))
}

// TraceResult is one leak's trace.
type TraceResult struct {
	Took     time.Duration
	Source   bool // the leaked document is the first match
	Named    bool // its reader is accused
	Innocent int  // innocent readers accused
}

// Trace traces a leak as 'leaktrace trace' does (service.TraceAndLog:
// lookup, alignment, scoring, and the trace's custody-log entry).
func Trace(ctx context.Context, svc *service.Service, l Leak) (TraceResult, error) {
	start := time.Now()
	rep, _, err := svc.TraceAndLog(ctx, []service.TraceInput{{Name: "leak.txt", Data: l.Data}},
		service.TraceOptions{Epsilon: service.DefaultEpsilon, Suspects: service.DefaultSuspects})
	r := TraceResult{Took: time.Since(start)}
	if err != nil {
		return r, err
	}
	r.Source = len(rep.Matches) > 0 && rep.Matches[0].Source.ID == ID(l.Doc)
	for _, m := range rep.Matches {
		for _, s := range m.Suspects {
			if !s.Accused {
				continue
			}
			if m.Source.ID == ID(l.Doc) && s.Recipient == l.Reader {
				r.Named = true
			} else {
				r.Innocent++
			}
		}
	}
	return r, nil
}
