package service

import (
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/marks"
)

// log verify notices author variants changed without their recorded hash.
func TestVerifyCatchesChangedVariants(t *testing.T) {
	s, dir := newHome(t)
	vs := []marks.AuthorVariant{{Original: "was still at a historically low level.", Alternatives: []string{"was still historically low."}}}
	if _, err := s.AddDocumentWith(t.Context(), "memo.txt", []byte(memo), AddOptions{ID: "canary", Variants: vs}); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s, nil)
	tamper(t, dir, `UPDATE documents SET variants = replace(variants, 'historically low.', 'very low.') WHERE id = 'canary'`)
	rep, err := s.VerifyLog(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || !strings.Contains(strings.Join(rep.Problems, "\n"), `document "canary": its author variants hash to`) {
		t.Fatalf("changed variants not caught: %v", rep.Problems)
	}
}
