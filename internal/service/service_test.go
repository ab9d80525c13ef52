package service_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// home makes a home with the given documents and readers, every reader
// issued every document.
func home(t *testing.T, docs []string, readers int) (*service.Service, map[string]map[string]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	ctx := t.Context()
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var rs []leaktrace.Recipient
	var ids []string
	for i := 0; i < readers; i++ {
		id := fmt.Sprintf("r%03d", i)
		rs = append(rs, leaktrace.Recipient{ID: id})
		ids = append(ids, id)
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		t.Fatal(err)
	}
	copies := map[string]map[string]string{}
	for i, d := range docs {
		id := fmt.Sprintf("doc%d", i)
		if _, err := s.AddDocument(ctx, id+".txt", []byte(d), id, ""); err != nil {
			t.Fatal(err)
		}
		m, _, err := s.Marker(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		issued, err := s.Issue(ctx, m, ids)
		if err != nil {
			t.Fatal(err)
		}
		copies[id] = map[string]string{}
		for _, c := range issued {
			copies[id][c.Recipient] = string(c.Data)
		}
	}
	return s, copies
}

func TestTraceFindsEveryQuotedDocument(t *testing.T) {
	memos := corpus.RequireMemos(t, 3, 800, 21)
	s, copies := home(t, memos, 40)
	rng := rand.New(rand.NewPCG(1, 1))
	leak := attack.Excerpt(copies["doc0"]["r007"], 60, rng) + "\n\n" + attack.Excerpt(copies["doc2"]["r031"], 60, rng)
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(leak), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Matches) != 2 {
		t.Fatalf("%d matches, want 2", len(rep.Matches))
	}
	want := map[string]string{"doc0": "r007", "doc2": "r031"}
	for _, m := range rep.Matches {
		top := m.Suspects[0]
		if want[m.Source.ID] != top.Recipient || !top.Accused {
			t.Errorf("match %s: top suspect %s (accused %v), want %s accused", m.Source.ID, top.Recipient, top.Accused, want[m.Source.ID])
		}
	}
}

func TestTraceOfUnrelatedTextMatchesNothing(t *testing.T) {
	memos := corpus.RequireMemos(t, 2, 500, 22)
	s, _ := home(t, memos, 5)
	other := corpus.Memos(1, 200, 99)[0]
	rep, err := s.Trace(t.Context(), "leak.txt", []byte(other), service.DefaultEpsilon, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Matches) != 0 {
		t.Fatalf("unrelated text matched %s", rep.Matches[0].Source.ID)
	}
	if _, err := s.Trace(t.Context(), "leak.txt", []byte(" \n\t "), service.DefaultEpsilon, 5); err == nil {
		t.Fatal("an empty leak traced without error")
	}
}

func TestInitRefusesExistingHome(t *testing.T) {
	dir := t.TempDir()
	if err := service.Init(t.Context(), dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := service.Init(t.Context(), dir, service.InitOptions{}); err == nil {
		t.Fatal("Init overwrote a home")
	}
	st, err := os.Stat(filepath.Join(dir, service.KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("marking key mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
}
