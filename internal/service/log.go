package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"golang.org/x/mod/sumdb/tlog"
)

// Custody-log errors the CLI turns into hints.
var (
	// ErrNoEntry: a log index or tree size outside the log.
	ErrNoEntry = errors.New("no such log entry")
	// ErrTampered: the log, its checkpoints or the store's rows disagree.
	ErrTampered = errors.New("custody log does not verify")
	// ErrRolledBack: the log is shorter than a checkpoint it once signed,
	// e.g. the store was restored from an older backup.
	ErrRolledBack = errors.New("custody log is older than a checkpoint it signed")
)

// entry starts a custody-log entry of the given kind made at a time by
// the actor ctx names (see [WithActor]); fill sets the kind's own fields.
func (s *Service) entry(ctx context.Context, kind string, at time.Time, fill func(*custody.Entry)) *custody.Entry {
	e := &custody.Entry{V: custody.Version, Kind: kind, Time: custody.FormatTime(at), Actor: ActorFrom(ctx)}
	if fill != nil {
		fill(e)
	}
	return e
}

// record encodes e for the store. Every change passes here, so here the
// actor is checked: the log is permanent, and shown on terminals.
func record(e *custody.Entry) (leaktrace.LogRecord, error) {
	if err := CheckActor(e.Actor); err != nil {
		return leaktrace.LogRecord{}, err
	}
	b, err := custody.Encode(e)
	if err != nil {
		return leaktrace.LogRecord{}, err
	}
	return leaktrace.LogRecord{Kind: e.Kind, Document: e.Document, Recipient: e.Recipient, Data: b}, nil
}

// LogTrace records that a leak was traced: leakHash is the hex SHA-256 of
// the leaked text and result the trace report, a JSON value (it is stored
// compacted). It returns the entry's index, which a report can cite.
func (s *Service) LogTrace(ctx context.Context, leakHash string, result []byte) (int64, error) {
	if err := s.logKey(OpTrace); err != nil {
		return 0, err
	}
	rec, err := record(s.entry(ctx, custody.KindTrace, s.now(), func(e *custody.Entry) {
		e.LeakSHA256, e.Result = leakHash, result
	}))
	if err != nil {
		return 0, fmt.Errorf("logging trace: %w", err)
	}
	return s.Store.AppendLog(ctx, []leaktrace.LogRecord{rec})
}

// LogKey returns the custody log's verifier key, for note.NewVerifier.
func (s *Service) LogKey() string { return s.vkey }

// Origin returns the custody log's origin.
func (s *Service) Origin() string { return s.verifier.Name() }

// Checkpoint returns the latest signed checkpoint, exactly as stored, and
// its parsed body after checking its signature.
func (s *Service) Checkpoint(ctx context.Context) ([]byte, custody.Checkpoint, error) {
	c, err := s.Store.Checkpoint(ctx)
	if err != nil {
		return nil, custody.Checkpoint{}, err
	}
	cp, err := custody.OpenCheckpoint(c.Note, s.verifier)
	if err != nil {
		return nil, cp, fmt.Errorf("%w: stored checkpoint for size %d: %w", ErrTampered, c.Size, err)
	}
	return c.Note, cp, nil
}

// hashReader reads the store's stored hashes for tlog.
func (s *Service) hashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return s.Store.ReadLogHashes(ctx, indexes)
	})
}

// Entry returns entry n's bytes and its decoded form.
func (s *Service) Entry(ctx context.Context, n int64) ([]byte, *custody.Entry, error) {
	size, err := s.Store.LogSize(ctx)
	if err != nil {
		return nil, nil, err
	}
	if n < 0 || n >= size {
		return nil, nil, fmt.Errorf("%w: %d (the log has entries 0 to %d)", ErrNoEntry, n, size-1)
	}
	recs, err := s.Store.LogEntries(ctx, n, n+1)
	if err != nil {
		return nil, nil, err
	}
	e, err := custody.Decode(recs[0].Data)
	if err != nil {
		return recs[0].Data, nil, fmt.Errorf("log entry %d: %w", n, err)
	}
	return recs[0].Data, e, nil
}

// Inclusion is a proof that an entry is in the tree of a given size.
type Inclusion struct {
	Index    int64            `json:"index"`
	TreeSize int64            `json:"tree_size"`
	LeafHash tlog.Hash        `json:"leaf_hash"`
	Proof    tlog.RecordProof `json:"proof"`
}

// Proof proves that entry n is in the tree of the given size, or of the
// latest checkpoint's size when size is 0. The proof is checked against
// the stored tree before it is returned.
func (s *Service) Proof(ctx context.Context, n, size int64) (*Inclusion, error) {
	if size == 0 {
		_, cp, err := s.Checkpoint(ctx)
		if err != nil {
			return nil, err
		}
		size = cp.Size
	}
	logSize, err := s.Store.LogSize(ctx)
	if err != nil {
		return nil, err
	}
	if size < 1 || size > logSize {
		return nil, fmt.Errorf("%w: tree size %d (the log has %d entries)", ErrNoEntry, size, logSize)
	}
	if n < 0 || n >= size {
		return nil, fmt.Errorf("%w: %d is not in a tree of size %d", ErrNoEntry, n, size)
	}
	data, _, err := s.Entry(ctx, n)
	if err != nil && data == nil {
		return nil, err
	}
	r := s.hashReader(ctx)
	p, err := tlog.ProveRecord(size, n, r)
	if err != nil {
		return nil, fmt.Errorf("proving entry %d in tree %d: %w", n, size, err)
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return nil, err
	}
	leaf := tlog.RecordHash(data)
	if err := tlog.CheckRecord(p, size, root, n, leaf); err != nil {
		return nil, fmt.Errorf("%w: entry %d does not match the stored tree: %w", ErrTampered, n, err)
	}
	return &Inclusion{Index: n, TreeSize: size, LeafHash: leaf, Proof: p}, nil
}

// Consistency is a proof that the tree of size New extends that of Old.
type Consistency struct {
	OldSize int64          `json:"old_size"`
	NewSize int64          `json:"new_size"`
	OldRoot tlog.Hash      `json:"old_root"`
	NewRoot tlog.Hash      `json:"new_root"`
	Proof   tlog.TreeProof `json:"proof"`
}

// Consistency proves that the tree of size b extends the tree of size a.
func (s *Service) Consistency(ctx context.Context, a, b int64) (*Consistency, error) {
	logSize, err := s.Store.LogSize(ctx)
	if err != nil {
		return nil, err
	}
	if a < 1 || a > b || b > logSize {
		return nil, fmt.Errorf("%w: need 1 <= A <= B <= %d, got A=%d B=%d", ErrNoEntry, logSize, a, b)
	}
	r := s.hashReader(ctx)
	p, err := tlog.ProveTree(b, a, r)
	if err != nil {
		return nil, fmt.Errorf("proving tree %d extends %d: %w", b, a, err)
	}
	c := &Consistency{OldSize: a, NewSize: b, Proof: p}
	if c.OldRoot, err = tlog.TreeHash(a, r); err != nil {
		return nil, err
	}
	if c.NewRoot, err = tlog.TreeHash(b, r); err != nil {
		return nil, err
	}
	return c, nil
}

// CopyRecord is the custody-log evidence that a copy was issued: the entry
// of its first issue, and its inclusion in the latest signed checkpoint.
// A trace report cites it so that anyone with the verifier key can check,
// with tlog.CheckRecord, that the log recorded the copy.
type CopyRecord struct {
	Entry      *custody.Entry
	Data       []byte // the entry's exact bytes, the leaf
	Inclusion         // of Data, against Checkpoint
	Checkpoint []byte // the signed checkpoint the proof is against
}

// CopyRecord returns the evidence for the copy of doc issued to recipient
// (the first issue, by the CLI's copy entry or the server's access
// entry, whichever came first): ErrNotFound if no such copy was logged,
// ErrTampered if the log's lookup columns, entry or hashes disagree with
// each other.
func (s *Service) CopyRecord(ctx context.Context, doc, recipient string) (*CopyRecord, error) {
	var idx []int64
	for _, kind := range []string{custody.KindCopy, custody.KindAccess} {
		found, err := s.Store.FindLogEntries(ctx, kind, doc, recipient)
		if err != nil {
			return nil, err
		}
		idx = append(idx, found...)
	}
	slices.Sort(idx)
	if len(idx) == 0 {
		return nil, fmt.Errorf("log entry for the copy of %q issued to %q: %w", doc, recipient, leaktrace.ErrNotFound)
	}
	data, e, err := s.Entry(ctx, idx[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTampered, err)
	}
	if e.Kind != custody.KindCopy && e.Kind != custody.KindAccess || e.Document != doc || e.Recipient != recipient {
		return nil, fmt.Errorf("%w: log entry %d is indexed as the copy of %q for %q but records %s %q/%q",
			ErrTampered, idx[0], doc, recipient, e.Kind, e.Document, e.Recipient)
	}
	note, cp, err := s.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.Proof(ctx, idx[0], cp.Size)
	if err != nil {
		return nil, err
	}
	// The proof was checked against the stored tree; check it against the
	// signed root too, which is what a reader of the report will do.
	if err := tlog.CheckRecord(inc.Proof, cp.Size, cp.Root, inc.Index, inc.LeafHash); err != nil {
		return nil, fmt.Errorf("%w: entry %d against the signed checkpoint: %w", ErrTampered, inc.Index, err)
	}
	return &CopyRecord{Entry: e, Data: data, Inclusion: *inc, Checkpoint: note}, nil
}
