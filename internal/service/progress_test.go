package service_test

import (
	"os"
	"testing"

	"github.com/leaktrace/leaktrace/internal/service"
)

// TestAddDocumentReportsProgress: AddDocument reports its steps, in
// order, to the context's progress receiver, ending with all done.
func TestAddDocumentReportsProgress(t *testing.T) {
	memo, err := os.ReadFile("../../cmd/leaktrace/sample/memo.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := emptyHome(t)
	type call struct {
		stage       string
		done, total int
	}
	var calls []call
	ctx := service.WithProgress(t.Context(), func(stage string, done, total int) {
		calls = append(calls, call{stage, done, total})
	})
	if _, err := s.AddDocument(ctx, "memo.txt", memo, "memo", ""); err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("%d progress calls, want a call per step: %v", len(calls), calls)
	}
	total := calls[0].total
	stages := map[string]bool{}
	for i, c := range calls {
		if c.total != total || c.done < 0 || c.done > total || i > 0 && c.done < calls[i-1].done {
			t.Fatalf("call %d of %v is out of order", i, calls)
		}
		if c.done < total && c.stage == "" {
			t.Fatalf("call %d of %v names no stage", i, calls)
		}
		stages[c.stage] = true
	}
	if last := calls[len(calls)-1]; last.done != total {
		t.Fatalf("last call %v does not finish", last)
	}
	for _, want := range []string{"finding variation points", "estimating capacity", "saving"} {
		if !stages[want] {
			t.Errorf("no %q step in %v", want, calls)
		}
	}
	// Without a receiver nothing is reported and nothing breaks.
	if _, err := s.AddDocument(t.Context(), "memo.txt", memo, "memo2", ""); err != nil {
		t.Fatal(err)
	}
}
