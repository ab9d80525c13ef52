package service_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
)

// TestOpenRebuildsAnOutdatedIndex: a new home records the canonical-form
// version of its lookup index; a home whose index was built under
// another version (or before versions were recorded) has it rebuilt on
// opening, so verify finds it clean and trace finds its documents.
func TestOpenRebuildsAnOutdatedIndex(t *testing.T) {
	ctx := t.Context()
	dir, _ := keyHome(t, false)
	want := strconv.Itoa(lexicon.FoldVersion)
	s := open(t, dir)
	if v, ok, err := s.Store.Meta(ctx, store.MetaFoldVersion); err != nil || v != want {
		t.Fatalf("new home: canonical-form version %q (%v, %v), want %s", v, ok, err, want)
	}
	s.Close()
	// An index from another canonical form: rows that no longer match,
	// and the version of an earlier release.
	db, err := sql.Open("sqlite", filepath.Join(dir, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM fingerprints WHERE pos % 2 = 0`, `UPDATE meta SET value = '1' WHERE name = 'fold_version'`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s = open(t, dir)
	defer s.Close()
	rep, err := s.VerifyLog(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("verify after opening an outdated home: %v", err)
	}
	if v, _, _ := s.Store.Meta(ctx, store.MetaFoldVersion); v != want {
		t.Errorf("canonical-form version %q after the rebuild, want %s", v, want)
	}
}

// TestOpenKeepsANewerIndex: an index built by a newer leaktrace's
// canonical form is not rebuilt down to this one's; the home opens with a
// warning that says so.
func TestOpenKeepsANewerIndex(t *testing.T) {
	ctx := t.Context()
	dir, _ := keyHome(t, false)
	newer := strconv.Itoa(lexicon.FoldVersion + 1)
	db, err := sql.Open("sqlite", filepath.Join(dir, service.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE meta SET value = ? WHERE name = 'fold_version'`, newer); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := open(t, dir)
	defer s.Close()
	if v, _, _ := s.Store.Meta(ctx, store.MetaFoldVersion); v != newer {
		t.Errorf("canonical-form version %q after opening, want the newer %s kept", v, newer)
	}
	if !slices.ContainsFunc(s.Warnings(), func(w string) bool { return strings.Contains(w, "built by a newer leaktrace") }) {
		t.Errorf("no warning about the newer index: %q", s.Warnings())
	}
}
