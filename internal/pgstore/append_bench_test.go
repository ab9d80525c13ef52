package pgstore

import (
	"fmt"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// BenchmarkAppendBatch measures appending 1,000 entries in one change
// (issue --all to 1,000 readers), to a log of 1,000 entries or more.
func BenchmarkAppendBatch(b *testing.B) {
	s, err := Create(b.Context(), pgtest.Database(b), testSigner(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	recs := make([]leaktrace.LogRecord, 1000)
	for i := range recs {
		recs[i] = leaktrace.LogRecord{Kind: "copy", Document: "d", Recipient: fmt.Sprint(i), Data: fmt.Appendf(nil, "copy %d", i)}
	}
	if _, err := s.AppendLog(b.Context(), recs); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.AppendLog(b.Context(), recs); err != nil {
			b.Fatal(err)
		}
	}
}
