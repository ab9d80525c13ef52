package service_test

import (
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestCapacityWarnings: a document no paste of which can be traced gets
// one warning, that it is too short; one that a paste can name but
// another attack can't gets a warning per such attack; one every attack
// can name gets none, and so does one whose capacity was not estimated.
func TestCapacityWarnings(t *testing.T) {
	words := func(paste, normalize, retype *int) *leaktrace.Document {
		return &leaktrace.Document{ID: "memo", Capacity: &leaktrace.Capacity{Recipients: 1000,
			WordsNeeded: map[string]*int{"paste": paste, "normalize": normalize, "retype": retype}}}
	}
	n := func(w int) *int { return &w }
	for _, c := range []struct {
		name string
		d    *leaktrace.Document
		want []string
	}{
		{"too short", words(nil, nil, nil), []string{"memo is too short to trace reliably: even a paste of the whole document would not name its reader among 1000"}},
		{"verbatim", words(n(12), nil, nil), []string{"a normalize leak of memo cannot be traced", "a retype leak of memo cannot be traced"}},
		{"retype only", words(n(12), n(1700), nil), []string{"a retype leak of memo cannot be traced"}},
		{"every attack", words(n(12), n(1700), n(1800)), nil},
		{"not estimated", &leaktrace.Document{ID: "memo"}, nil},
	} {
		got := service.CapacityWarnings(c.d)
		if len(got) != len(c.want) {
			t.Errorf("%s: %q, want %d warnings", c.name, got, len(c.want))
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) {
				t.Errorf("%s: warning %d is %q, want it to start %q", c.name, i, got[i], c.want[i])
			}
		}
	}
}
