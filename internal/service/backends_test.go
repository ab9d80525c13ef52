package service

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// Two homes with the same keys, one on SQLite and one on PostgreSQL, given
// the same documents and readers, issue the same copies and trace the same
// leaks to the same report: finding the document among all registered,
// the marks read, every suspect's score and p-value, the verdict.
func TestBackendsTraceAlike(t *testing.T) {
	ctx := t.Context()
	memos := corpus.RequireMemos(t, 3, 300, 2)
	pgURL := pgtest.Database(t)
	const origin = "example.org/backends"
	skey, vkey, err := custody.GenerateKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	// A fixed marking key keeps the test's outcome the same on every run.
	key := code.Key(sha256.Sum256([]byte("leaktrace backends test")))
	var readers []leaktrace.Recipient
	var ids []string
	for i := 1; i <= 30; i++ {
		readers = append(readers, leaktrace.Recipient{ID: fmt.Sprintf("r%02d", i)})
		ids = append(ids, fmt.Sprintf("r%02d", i))
	}
	backends := []struct{ name, url string }{{"sqlite", ""}, {"postgres", pgURL}}
	homes := make([]*Service, len(backends))
	copies := make([][]Issued, len(backends))
	for i, b := range backends {
		dir := filepath.Join(t.TempDir(), b.name)
		if err := initHome(ctx, dir, InitOptions{Origin: origin, Actor: "test"}, b.url, key, skey, vkey); err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		t.Cleanup(func() { s.Close() })
		_, dbErr := os.Stat(filepath.Join(dir, DBFile))
		if (b.url == "") != (dbErr == nil) {
			t.Fatalf("%s: %s exists: %v", b.name, DBFile, dbErr == nil)
		}
		if err := s.AddRecipients(ctx, readers); err != nil {
			t.Fatal(err)
		}
		for j, m := range memos {
			if _, err := s.AddDocument(ctx, fmt.Sprintf("memo%d.txt", j+1), []byte(m), "", ""); err != nil {
				t.Fatalf("%s: %v", b.name, err)
			}
		}
		m, _, err := s.Marker(ctx, "memo2")
		if err != nil {
			t.Fatal(err)
		}
		if copies[i], err = s.Issue(ctx, m, ids); err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		homes[i] = s
	}
	for j := range copies[0] {
		if copies[0][j].Recipient != copies[1][j].Recipient || !bytes.Equal(copies[0][j].Data, copies[1][j].Data) {
			t.Fatalf("the copies of memo2 for %s differ between the backends", copies[0][j].Recipient)
		}
	}

	leaked := string(copies[0][6].Data) // r07's
	excerpt := attack.Excerpt(leaked, 120, mrand.New(mrand.NewPCG(14, 1)))
	// The normalized copy keeps only the lexical marks, which may or may
	// not be enough to accuse; its leaker leads.
	for _, leak := range []struct {
		name, text, accused, top string
	}{
		{"excerpt", excerpt, "r07", "r07"},
		{"normalized copy", attack.Normalize(leaked), "?", "r07"},
		{"original", attack.Excerpt(memos[1], 120, mrand.New(mrand.NewPCG(14, 1))), "", ""},
	} {
		var reports [][]byte
		for i, s := range homes {
			rep, err := s.TraceInputs(ctx, []TraceInput{{Name: "leak.txt", Data: []byte(leak.text)}}, 1e-6, 5)
			if err != nil {
				t.Fatalf("%s, %s: %v", leak.name, backends[i].name, err)
			}
			out := NewTraceJSON(rep)
			if len(out.Matches) == 0 || out.Matches[0].Document != "memo2" {
				t.Fatalf("%s, %s: the leak's source is not found first: %+v", leak.name, backends[i].name, out.Matches)
			}
			var accused []string
			for _, m := range out.Matches {
				for _, su := range m.Suspects {
					if su.Accused {
						accused = append(accused, m.Document+"/"+su.Recipient)
					}
				}
			}
			want := []string{}
			if leak.accused != "" {
				want = []string{"memo2/" + leak.accused}
			}
			if leak.accused != "?" && fmt.Sprint(accused) != fmt.Sprint(want) {
				t.Errorf("%s, %s: accused %v, want %v", leak.name, backends[i].name, accused, want)
			}
			if su := out.Matches[0].Suspects; leak.top != "" && (len(su) == 0 || su[0].Recipient != leak.top || su[0].Score <= su[1].Score) {
				t.Errorf("%s, %s: suspects %+v, want %s first", leak.name, backends[i].name, su, leak.top)
			}
			b, err := json.MarshalIndent(out, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			reports = append(reports, b)
		}
		if !bytes.Equal(reports[0], reports[1]) {
			t.Errorf("%s: the reports differ:\nsqlite:\n%s\npostgres:\n%s", leak.name, reports[0], reports[1])
		}
	}
}
