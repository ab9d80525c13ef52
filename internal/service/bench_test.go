package service_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/corpus"
)

// largeText returns about size bytes of real prose: whole State of the
// Union addresses, one per paragraph, as scripts/bigdoc builds them.
func largeText(tb testing.TB, size int) string {
	tb.Helper()
	files := corpus.Files("sotu")
	if len(files) == 0 {
		tb.Fatal("the test corpus was not found (set LEAKTRACE_CORPUS)")
	}
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		data, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			tb.Fatal(err)
		}
		b.WriteString(strings.TrimSpace(string(data)))
		b.WriteString("\n\n")
	}
	return b.String()[:size]
}

// peakHeap samples the live heap while f runs and returns its peak.
func peakHeap(f func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// BenchmarkAddDocumentLarge registers long documents, reporting memory per
// byte of input: bytes allocated (alloc-B/B) and the heap's sampled peak
// (peak-heap-B/B). Both should stay flat as the size grows. Run with
//
//	go test -run NONE -bench AddDocumentLarge -benchtime 1x ./internal/service
func BenchmarkAddDocumentLarge(b *testing.B) {
	for _, size := range []int{1 << 20, 4 << 20} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			text := []byte(largeText(b, size))
			s := emptyHome(b)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var alloc, peak uint64
			n := 0
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				p := peakHeap(func() {
					if _, err := s.AddDocument(b.Context(), "big.txt", text, fmt.Sprintf("big%d", n), ""); err != nil {
						b.Fatal(err)
					}
				})
				runtime.ReadMemStats(&after)
				alloc += after.TotalAlloc - before.TotalAlloc
				peak = max(peak, p-before.HeapAlloc)
				n++
			}
			b.ReportMetric(float64(alloc)/float64(n)/float64(size), "alloc-B/B")
			b.ReportMetric(float64(peak)/float64(size), "peak-heap-B/B")
		})
	}
}
