package service_test

import (
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// A document id derived from a file name stays readable: Latin letters
// lose their diacritics instead of becoming '-', and runs of other
// characters become one '-'.
func TestDefaultDocID(t *testing.T) {
	for _, c := range []struct{ file, id string }{
		{"Zoë memo.md", "zoe-memo"},
		{"dir/Q3 Plan (final).txt", "q3-plan-final"},
		{"Ångström – Straße.txt", "angstrom-strasse"},
		{"Łódź  notes.eml", "lodz-notes"},
		{"café_v2.txt", "cafe_v2"},
		{"memo.txt", "memo"},
		{"--x--.txt", "x"},
		{"日本.txt", ""},
	} {
		if got := service.DefaultDocID(c.file); got != c.id {
			t.Errorf("DefaultDocID(%q) = %q, want %q", c.file, got, c.id)
		}
	}
}
