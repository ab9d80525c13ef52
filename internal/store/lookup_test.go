package store

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/leaktrace/leaktrace/internal/index"
)

// lookupEach is Lookup as it was first written, one query per hash: the
// reference that the one-statement Lookup must agree with.
func lookupEach(ctx context.Context, s reads, hashes []int64) ([]index.Posting, error) {
	st, err := s.db.PrepareContext(ctx, `SELECT d.document, f.pos FROM fingerprints f
		JOIN doc_numbers d ON d.num = f.num WHERE f.hash = ? LIMIT ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var out []index.Posting
	for _, h := range index.Unique(hashes) {
		rows, err := st.QueryContext(ctx, h, MaxPostings+1)
		if err != nil {
			return nil, err
		}
		var ps []index.Posting
		for rows.Next() {
			p := index.Posting{Hash: h}
			if err := rows.Scan(&p.Doc, &p.Pos); err != nil {
				rows.Close()
				return nil, err
			}
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ps) <= MaxPostings {
			out = append(out, ps...)
		}
	}
	return out, nil
}

// TestLookupAgreesWithOneQueryPerHash: Lookup returns exactly the
// postings, in exactly the order, of one query per hash: hashes in order
// of first appearance (repeats once), documents by number, positions in
// order; a hash of more than MaxPostings postings dropped, one of exactly
// MaxPostings kept.
func TestLookupAgreesWithOneQueryPerHash(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	const (
		boiler = 7  // in MaxPostings+1 documents: dropped
		common = 8  // in MaxPostings documents: kept
		few    = 9  // in three documents, twice in one
		one    = 10 // in the last document only
		none   = 11 // in none
	)
	// Documents are numbered in the order they are added; the ids sort
	// otherwise ("d10" before "d9"), so an order by id would show.
	n := MaxPostings + 2
	err := s.tx(ctx, func(tx *sqlTx) error {
		for i := range n {
			id := "d" + strconv.Itoa(n-i)
			if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
				VALUES (?, '', '', 'txt', x'', '', 0, 0, '{}', 1, '')`, id); err != nil {
				return err
			}
			var fps []index.Fingerprint
			if i <= MaxPostings {
				fps = append(fps, index.Fingerprint{Hash: boiler, Pos: int32(i % 5)})
			}
			if i < MaxPostings {
				fps = append(fps, index.Fingerprint{Hash: common, Pos: 1})
			}
			switch i {
			case 2:
				fps = append(fps, index.Fingerprint{Hash: few, Pos: 7})
			case 5:
				fps = append(fps, index.Fingerprint{Hash: few, Pos: 30}, index.Fingerprint{Hash: few, Pos: 3})
			case 900:
				fps = append(fps, index.Fingerprint{Hash: few, Pos: 0})
			case n - 1:
				fps = append(fps, index.Fingerprint{Hash: one, Pos: 12})
			}
			if err := insertFingerprints(ctx, tx, id, fps); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := func(i int) string { return "d" + strconv.Itoa(n-i) }
	for _, q := range [][]int64{
		{few, boiler, common, few, none, one},
		{one, few},
		{none},
		{boiler},
		{},
		nil,
	} {
		got, err := s.Lookup(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := lookupEach(ctx, s.reads, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Lookup(%v) = %d postings, one query per hash %d:\n%v\n%v", q, len(got), len(want), head(got), head(want))
		}
	}
	got, _ := s.Lookup(ctx, []int64{few, boiler, common, one})
	want := []index.Posting{{Doc: d(2), Hash: few, Pos: 7}, {Doc: d(5), Hash: few, Pos: 3}, {Doc: d(5), Hash: few, Pos: 30}, {Doc: d(900), Hash: few, Pos: 0}}
	for i := range MaxPostings {
		want = append(want, index.Posting{Doc: d(i), Hash: common, Pos: 1})
	}
	want = append(want, index.Posting{Doc: d(n - 1), Hash: one, Pos: 12})
	if !slices.Equal(got, want) {
		t.Errorf("Lookup = %v…, want %v…", head(got), head(want))
	}
}

func head(ps []index.Posting) []index.Posting { return ps[:min(len(ps), 6)] }
