package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// TestDeniedHint: a refusal's message names no rule (a front end may show
// it to the reader), while the operator's hint says which rule refused.
func TestDeniedHint(t *testing.T) {
	err := fmt.Errorf("serving: %w", &service.DeniedError{Action: "download", Document: "memo", Reason: "noforn", Detail: "NOFORN: the reader is not a US citizen"})
	if msg := err.Error(); msg != "serving: access to memo denied" {
		t.Errorf("message %q", msg)
	}
	if h := hintFor(err, nil); !strings.Contains(h, "refused by the noforn rule (NOFORN: the reader is not a US citizen)") {
		t.Errorf("hint %q", h)
	}
}
