package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestIsUniqueByCode: a duplicate is told by SQLite's extended result
// code (a taken primary key or unique column), whatever the error says;
// other constraints and errors that merely read like a duplicate are not
// duplicates.
func TestIsUniqueByCode(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	now := time.Now().UTC().Format(timeFormat)
	exec := func(q string, args ...any) error {
		_, err := s.db.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
		VALUES ('d', '', '', '', 'x', '', 0, 0, '{}', 0, ?)`, now); err != nil {
		t.Fatal(err)
	}
	if err := exec(`INSERT INTO doc_numbers (num, document) VALUES (1, 'd')`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"a taken primary key", exec(`INSERT INTO documents (id, title, filename, format, content, sha256, words, marks, by_channel, scheme, added_at)
			VALUES ('d', '', '', '', 'x', '', 0, 0, '{}', 0, ?)`, now), true},
		{"a taken unique column", exec(`INSERT INTO doc_numbers (num, document) VALUES (2, 'd')`), true},
		{"a taken INTEGER PRIMARY KEY", exec(`INSERT INTO doc_numbers (num, document) VALUES (1, 'd')`), true},
		{"a NOT NULL column left out", exec(`INSERT INTO recipients (id) VALUES ('r')`), false},
		{"an unknown foreign key", exec(`INSERT INTO doc_numbers (num, document) VALUES (3, 'nope')`), false},
		{"the append-only trigger", exec(`INSERT INTO log_checkpoints (size, note) VALUES (1, x'00'); DELETE FROM log_checkpoints`), false},
		{"a wrapped duplicate", fmt.Errorf("adding: %w", exec(`INSERT INTO doc_numbers (num, document) VALUES (2, 'd')`)), true},
		{"an error worded like a duplicate", errors.New("UNIQUE constraint failed: documents.id"), false},
		{"no error", nil, false},
	} {
		if tc.err == nil && tc.name != "no error" {
			t.Fatalf("%s: the statement succeeded", tc.name)
		}
		if got := isUnique(tc.err); got != tc.want {
			t.Errorf("%s (%v): isUnique = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
