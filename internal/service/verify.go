package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/plural"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/mod/sumdb/tlog"
)

// maxProblems caps how many problems a report lists: past a few dozen, a
// tampered store has made its point, and a huge list hides the first.
const maxProblems = 50

// Report is the outcome of [Service.VerifyLog].
type Report struct {
	OK          bool      `json:"ok"`
	Origin      string    `json:"origin"`
	Size        int64     `json:"size"`
	Root        tlog.Hash `json:"root"`
	Checkpoints int       `json:"checkpoints"`
	Documents   int       `json:"documents"`
	Recipients  int       `json:"recipients"`
	Copies      int       `json:"copies"`
	// Fingerprints counts the lookup index's rows checked against the
	// documents.
	Fingerprints int `json:"fingerprints"`
	// Auditor is the checkpoint passed in, if any.
	Auditor *custody.Checkpoint `json:"auditor_checkpoint,omitempty"`
	// Problems lists what does not verify, at most maxProblems of them;
	// Omitted counts the rest.
	Problems []string `json:"problems"`
	Omitted  int      `json:"problems_omitted,omitempty"`

	rolledBack bool
	// keyErr is why a secret key the home holds can't be used (it is
	// also listed in Problems).
	keyErr error
	// indexProblems counts the problems with the lookup index alone,
	// which 'reindex' repairs without touching logged data.
	indexProblems int
}

func (r *Report) problem(format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// indexProblem records a problem with the lookup index.
func (r *Report) indexProblem(format string, args ...any) {
	r.indexProblems++
	r.problem(format, args...)
}

// Err returns nil for a clean report, else an error wrapping ErrRolledBack
// (the log is older than a checkpoint), ErrTampered, or, when only the
// lookup index is wrong, ErrIndex.
func (r *Report) Err() error {
	n := len(r.Problems) + r.Omitted
	switch {
	case n == 0:
		return nil
	case r.rolledBack:
		return fmt.Errorf("%w (%s; first: %s)", ErrRolledBack, plural.Count(n, "problem"), r.Problems[0])
	case r.keyErr != nil && n == r.indexProblems+1:
		// The log and the store agree; the key is what to fix (and the
		// index, which is listed).
		return r.keyErr
	case n == r.indexProblems:
		return fmt.Errorf("%w (%s; first: %s)", ErrIndex, plural.Count(n, "problem"), r.Problems[0])
	default:
		return fmt.Errorf("%w (%s; first: %s)", ErrTampered, plural.Count(n, "problem"), r.Problems[0])
	}
}

// memHashes is an in-memory tlog hash storage: the tree recomputed from
// the entries alone, trusting nothing else in the store.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("stored hash %d out of range", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

// VerifyLog checks the custody log end to end, trusting only the entries'
// bytes and the verifier key. It reads one snapshot of the store, so a
// change committed while it runs is either wholly seen or not at all:
//
//   - it recomputes the tree from the entries and compares every stored
//     hash;
//   - it checks every stored checkpoint's signature, and its root against
//     the recomputed tree; the latest must cover the whole log, and none
//     may be for more entries than there are;
//   - it decodes every entry and checks that the documents, readers and
//     copies in the store and the entries describe the same objects, both
//     ways;
//   - it recomputes every document's lookup index from its content and
//     compares it with the stored one (count and digest), and looks for
//     index rows of no document;
//   - given auditor, a signed checkpoint kept outside the home, it checks
//     its signature and that the current tree extends it;
//   - it checks the secret keys the home holds with [Service.CheckKeys]:
//     one that is not the home's own, or can't be used, is a problem.
//
// Problems go into the report; the error is for failures to read the
// store or an unusable auditor checkpoint (custody.ErrSignature,
// custody.ErrCheckpoint).
func (s *Service) VerifyLog(ctx context.Context, auditor []byte) (*Report, error) {
	rep := &Report{Origin: s.Origin(), Problems: []string{}}
	var auditorCP *custody.Checkpoint
	if auditor != nil {
		c, err := custody.OpenCheckpoint(auditor, s.verifier)
		if err != nil {
			return nil, fmt.Errorf("auditor's checkpoint: %w", err)
		}
		auditorCP = &c
		rep.Auditor = auditorCP
	}
	err := s.Store.Snapshot(ctx, func(r leaktrace.StoreReader) error {
		return s.verify(ctx, r, rep, auditorCP)
	})
	if err != nil {
		return nil, err
	}
	// The secret keys the home holds must be its own: a home whose
	// marking.key is another's issues copies that trace to nobody.
	if err := s.CheckKeys(ctx); err != nil {
		if errors.Is(err, store.ErrBusy) || ctx.Err() != nil {
			return nil, err
		}
		rep.keyErr = err
		rep.problem("%v", err)
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// verify fills rep from one snapshot r.
func (s *Service) verify(ctx context.Context, r leaktrace.StoreReader, rep *Report, auditorCP *custody.Checkpoint) error {
	size, err := r.LogSize(ctx)
	if err != nil {
		return err
	}
	rep.Size = size
	recs, err := r.LogEntries(ctx, 0, size)
	if errors.Is(err, leaktrace.ErrLogCorrupt) {
		rep.problem("%v", err)
		return nil
	}
	if err != nil {
		return err
	}

	// 1. The tree, from the entries alone.
	var mem memHashes
	for i, rec := range recs {
		hs, err := tlog.StoredHashes(int64(i), rec.Data, mem)
		if err != nil {
			return err
		}
		mem = append(mem, hs...)
	}
	if size > 0 {
		if rep.Root, err = tlog.TreeHash(size, mem); err != nil {
			return err
		}
	}
	checkStoredHashes(ctx, r, rep, mem)

	// 2. Every checkpoint.
	cps, err := r.Checkpoints(ctx)
	if err != nil {
		return err
	}
	rep.Checkpoints = len(cps)
	var latest int64
	for _, row := range cps {
		c, err := custody.OpenCheckpoint(row.Note, s.verifier)
		if err != nil {
			rep.problem("checkpoint stored for size %d: %v", row.Size, err)
			continue
		}
		latest = max(latest, c.Size)
		switch {
		case c.Size != row.Size:
			rep.problem("checkpoint stored for size %d is signed for size %d", row.Size, c.Size)
		case c.Size > size:
			rep.rolledBack = true
			rep.problem("checkpoint signed for %d entries, but the log has only %d: entries were removed", c.Size, size)
		default:
			if h, err := tlog.TreeHash(c.Size, mem); err != nil || h != c.Root {
				rep.problem("checkpoint for size %d: signed root %v differs from the entries' root %v: entries were changed", c.Size, c.Root, h)
			}
		}
	}
	if size > 0 && latest < size {
		rep.problem("entries %d to %d are covered by no signed checkpoint: they were added outside leaktrace", latest, size-1)
	}

	// 3. The entries against the store's rows.
	if err := s.crossCheck(ctx, r, rep, recs); err != nil {
		return err
	}

	// 4. The lookup index against the documents.
	if err := checkIndex(ctx, r, rep); err != nil {
		return err
	}

	// 5. The auditor's checkpoint.
	if c := auditorCP; c != nil {
		switch {
		case c.Size > size:
			rep.rolledBack = true
			rep.problem("the auditor's checkpoint covers %d entries, but the log has only %d: the store was rolled back (restored from an older copy?) or entries were removed", c.Size, size)
		case c.Size == 0:
			// The empty tree is extended by every tree.
		default:
			p, err := tlog.ProveTree(size, c.Size, mem)
			if err == nil {
				err = tlog.CheckTree(p, size, rep.Root, c.Size, c.Root)
			}
			if err != nil {
				rep.problem("the log does not extend the auditor's checkpoint of size %d: its history was rewritten (%v)", c.Size, err)
			}
		}
	}
	return nil
}

// checkStoredHashes compares the store's hashes with the recomputed ones.
func checkStoredHashes(ctx context.Context, r leaktrace.StoreReader, rep *Report, mem memHashes) {
	n, err := r.LogHashCount(ctx)
	if err != nil {
		rep.problem("counting stored hashes: %v", err)
		return
	}
	if n != int64(len(mem)) {
		rep.problem("the store holds %d tree hashes; %d entries need %d", n, rep.Size, len(mem))
	}
	const chunk = 500
	idx := make([]int64, 0, chunk)
	for start := int64(0); start < min(n, int64(len(mem))); start += chunk {
		idx = idx[:0]
		for i := start; i < min(start+chunk, n, int64(len(mem))); i++ {
			idx = append(idx, i)
		}
		got, err := r.ReadLogHashes(ctx, idx)
		if err != nil {
			rep.problem("reading tree hashes: %v", err)
			return
		}
		for j, h := range got {
			if h != mem[idx[j]] {
				level, k := tlog.SplitStoredHashIndex(idx[j])
				rep.problem("stored tree hash %d (level %d, node %d) differs from the one recomputed from the entries", idx[j], level, k)
			}
		}
	}
}

// copyKey names a copy: a reader's copy of a document in its own format
// (format "") or typeset under a layout version, with or without a
// footer, and with the banner (marking) printed on its pages.
type copyKey struct {
	doc, recipient, format string
	layout                 int
	footer                 bool
	marking                string
}

func (k copyKey) String() string {
	if k.format == "" {
		return fmt.Sprintf("copy of %q for %q", k.doc, k.recipient)
	}
	footer := ""
	if k.footer {
		footer = ", footer"
	}
	if k.marking != "" {
		footer += fmt.Sprintf(", banner %q", k.marking)
	}
	return fmt.Sprintf("%s copy (layout %d%s) of %q for %q", k.format, k.layout, footer, k.doc, k.recipient)
}

// crossCheck checks that the entries and the store's rows describe the
// same documents, readers and copies.
func (s *Service) crossCheck(ctx context.Context, r leaktrace.StoreReader, rep *Report, recs []leaktrace.LogRecord) error {
	// What the log says, in log order.
	docs := map[string][]*custody.Entry{} // every document entry per id
	readers := map[string]*custody.Entry{}
	copies := map[copyKey][]*custody.Entry{}
	v := newVaultLog()
	for i, rec := range recs {
		e, err := custody.Decode(rec.Data)
		if err != nil {
			rep.problem("entry %d: %v", i, err)
			continue
		}
		if rec.Kind != e.Kind || rec.Document != e.Document || rec.Recipient != e.Recipient {
			rep.problem("entry %d: lookup columns (%s %q %q) differ from the entry (%s %q %q)", i, rec.Kind, rec.Document, rec.Recipient, e.Kind, e.Document, e.Recipient)
		}
		switch {
		case i == 0 && e.Kind != custody.KindInit:
			rep.problem("entry 0 is a %s entry, not the log's init entry", e.Kind)
		case i == 0 && e.Origin != s.Origin():
			rep.problem("entry 0 starts log %q, but the home's key is for %q", e.Origin, s.Origin())
		case i > 0 && e.Kind == custody.KindInit:
			rep.problem("entry %d is a second init entry", i)
		}
		switch e.Kind {
		case custody.KindDocument:
			docs[e.Document] = append(docs[e.Document], e)
		case custody.KindRecipient:
			if readers[e.Recipient] != nil {
				rep.problem("entry %d adds reader %q a second time", i, e.Recipient)
			}
			readers[e.Recipient] = e
		case custody.KindCopy, custody.KindAccess:
			// A vault's delivery (access) is an issue like any other.
			if !loggedBefore(docs[e.Document], e.DocumentSHA256) {
				rep.problem("entry %d: copy of %q (sha256 %s) issued before that document was logged", i, e.Document, e.DocumentSHA256)
			}
			if readers[e.Recipient] == nil {
				rep.problem("entry %d: copy for %q issued before that reader was logged", i, e.Recipient)
			}
			k := copyKey{e.Document, e.Recipient, e.Format, e.Layout, e.Footer, e.Marking}
			copies[k] = append(copies[k], e)
		}
		v.replay(rep, i, e, docs, readers)
	}

	// Documents: each row is the latest entry for its id, and its content
	// still hashes to it.
	ds, err := r.Documents(ctx)
	if err != nil {
		return err
	}
	rep.Documents = len(ds)
	rows := map[string]bool{}
	for _, row := range ds {
		rows[row.ID] = true
		es := docs[row.ID]
		if len(es) == 0 {
			rep.problem("document %q is in the store but not in the log", row.ID)
			continue
		}
		e := es[len(es)-1]
		if e.DocumentSHA256 != row.SHA256 || e.Time != custody.FormatTime(row.AddedAt) {
			rep.problem("document %q: store has sha256 %s added %s, the log %s added %s", row.ID, row.SHA256, custody.FormatTime(row.AddedAt), e.DocumentSHA256, e.Time)
		}
		if e.Reencode != row.Reencode {
			rep.problem("document %q: store has reencode %t, the log %t", row.ID, row.Reencode, e.Reencode)
		}
		full, err := r.Document(ctx, row.ID)
		if err != nil {
			return err
		}
		if h := leaktrace.Hash(full.Content); h != e.DocumentSHA256 {
			rep.problem("document %q: content hashes to %s, the log recorded %s", row.ID, h, e.DocumentSHA256)
		}
		// The log does not commit to author variants; their recorded hash
		// catches a change to one without the other.
		if len(full.Variants) > 0 || full.VariantsSHA256 != "" {
			if h, err := VariantsSHA256(full.Variants); err != nil || h != full.VariantsSHA256 {
				rep.problem("document %q: its author variants hash to %s, registered as %q", row.ID, h, full.VariantsSHA256)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(docs)) {
		if !rows[id] {
			rep.problem("document %q is in the log but not in the store", id)
		}
	}
	if err := v.checkDocuments(ctx, r, rep, ds); err != nil {
		return err
	}

	// Readers.
	rs, err := r.Recipients(ctx)
	if err != nil {
		return err
	}
	rep.Recipients = len(rs)
	rows = map[string]bool{}
	for _, row := range rs {
		rows[row.ID] = true
		e := readers[row.ID]
		switch {
		case e == nil:
			rep.problem("reader %q is in the store but not in the log", row.ID)
		case e.Time != custody.FormatTime(row.AddedAt):
			rep.problem("reader %q: store says added %s, the log %s", row.ID, custody.FormatTime(row.AddedAt), e.Time)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(readers)) {
		if !rows[id] {
			rep.problem("reader %q is in the log but not in the store", id)
		}
	}
	if err := v.checkReaders(ctx, r, rep, rs); err != nil {
		return err
	}

	// Copies: each row is its first issue entry; every issue entry has
	// its row with the same bytes.
	cs, err := r.Copies(ctx, "")
	if err != nil {
		return err
	}
	rep.Copies = len(cs)
	seen := map[copyKey]bool{}
	for _, row := range cs {
		k := copyKey{row.Document, row.Recipient, row.Format, row.Layout, row.Footer, row.Marking}
		seen[k] = true
		es := copies[k]
		if len(es) == 0 {
			rep.problem("%s is in the store but not in the log", k)
			continue
		}
		if e := es[0]; e.CopySHA256 != row.SHA256 || e.Time != custody.FormatTime(row.IssuedAt) {
			rep.problem("%s: store has sha256 %s issued %s, the log %s issued %s",
				k, row.SHA256, custody.FormatTime(row.IssuedAt), e.CopySHA256, e.Time)
		}
		for _, e := range es[1:] {
			if e.CopySHA256 != row.SHA256 {
				rep.problem("%s: re-issued at %s with sha256 %s, the store has %s", k, e.Time, e.CopySHA256, row.SHA256)
			}
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(copies), func(a, b copyKey) int {
		return cmp.Or(strings.Compare(a.doc, b.doc), strings.Compare(a.recipient, b.recipient),
			strings.Compare(a.format, b.format), cmp.Compare(a.layout, b.layout), cmpBool(a.footer, b.footer),
			strings.Compare(a.marking, b.marking))
	}) {
		if !seen[k] {
			rep.problem("%s is in the log but not in the store", k)
		}
	}
	return nil
}

// loggedBefore reports whether a document entry with the given hash is
// among es (the entries logged so far for that id).
func loggedBefore(es []*custody.Entry, sha string) bool {
	for _, e := range es {
		if e.DocumentSHA256 == sha {
			return true
		}
	}
	return false
}

// checkIndex compares the lookup index with what every document's content
// gives. A document whose rows differ is not found by trace, or not where
// it should be.
func checkIndex(ctx context.Context, r leaktrace.StoreReader, rep *Report) error {
	st, err := r.IndexDigests(ctx)
	if err != nil {
		return err
	}
	rep.Fingerprints = st.Rows
	ds, err := r.Documents(ctx)
	if err != nil {
		return err
	}
	for _, row := range ds {
		d, err := r.Document(ctx, row.ID)
		if err != nil {
			return err
		}
		fps, err := fingerprints(d)
		if err != nil {
			rep.indexProblem("document %q: its lookup index can't be recomputed: %v", d.ID, err)
			continue
		}
		want := store.DigestFingerprints(fps)
		switch got := st.Documents[d.ID]; {
		case got.Count != want.Count:
			rep.indexProblem("document %q: stale or damaged lookup index: %d fingerprints stored, its content gives %d", d.ID, got.Count, want.Count)
		case got.Digest != want.Digest && want.Count > 0:
			rep.indexProblem("document %q: stale or damaged lookup index: its %d fingerprints differ from those its content gives", d.ID, got.Count)
		}
	}
	if st.Orphans > 0 {
		rep.indexProblem("the lookup index has rows of no registered document (%d)", st.Orphans)
	}
	return nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
