package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/store"
)

// TestBusyHint: a store that stays locked past the busy timeout gets a
// hint that says why and what to do (store.TestBusyIsErrBusy shows that
// a held lock gives ErrBusy).
func TestBusyHint(t *testing.T) {
	err := fmt.Errorf("adding recipients: %w", fmt.Errorf("%w: database is locked (5) (SQLITE_BUSY)", store.ErrBusy))
	if h := hintFor(err, nil); !strings.Contains(h, "another leaktrace process holds the store") {
		t.Fatalf("hint for a busy store: %q", h)
	}
}
