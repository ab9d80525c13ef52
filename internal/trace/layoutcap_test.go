package trace_test

import (
	"testing"

	"github.com/leaktrace/leaktrace/internal/code"
	"github.com/leaktrace/leaktrace/internal/trace"
)

// layoutCode is a document of n binary layout points under a fixed key.
func layoutCode(n int) *trace.LayoutCode {
	var key code.Key
	for i := range key {
		key[i] = byte(3*i + 1)
	}
	specs := make([]code.Spec, n)
	for i := range specs {
		specs[i] = code.Spec{Arity: 2, Class: code.Spread}
	}
	return trace.NewLayoutCode(key, "capacity-doc", 1, specs, 0.35)
}

// A picture that reads more of its points wrongly needs more of them.
func TestPointsNeededGrowsWithBitErrors(t *testing.T) {
	lc := layoutCode(3000)
	prev := 0
	for _, ber := range []float64{0, 0.02, 0.06, 0.12} {
		n := lc.PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 0.9, BER: ber, Eta: 0.05})
		t.Logf("BER %.2f: %d points", ber, n)
		if n == 0 {
			t.Fatalf("BER %.2f: no window of 3,000 points names the reader", ber)
		}
		if n <= prev {
			t.Errorf("BER %.2f needs %d points, no more than %d at a lower BER", ber, n, prev)
		}
		prev = n
	}
}

// Fewer points read need a longer window.
func TestPointsNeededGrowsWithLoss(t *testing.T) {
	lc := layoutCode(3000)
	base := lc.PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 0.9, BER: 0.01, Eta: 0.03})
	fewer := lc.PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 0.5, BER: 0.01, Eta: 0.03})
	if fewer <= base {
		t.Errorf("read rate 0.5 needs %d points, no more than %d at 0.9", fewer, base)
	}
}

// Exact readings (a PDF's: every point read, none wrong, η at its floor)
// name one reader in 1,000 at 10⁻⁶ from a few dozen points: log2 of
// 2·1,000/10⁻⁶ is 31 bits, and each point carries about one.
func TestPointsNeededExact(t *testing.T) {
	n := layoutCode(3000).PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 1, BER: 0, Eta: 0.001})
	if n < 20 || n > 60 {
		t.Errorf("exact readings need %d points, want 20–60", n)
	}
}

// A document with too few points can't be traced however much of it a
// picture shows; nothing read is never enough.
func TestPointsNeededTooFew(t *testing.T) {
	if n := layoutCode(12).PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 1, BER: 0, Eta: 0.001}); n != 0 {
		t.Errorf("12 points: %d needed, want 0 (none would do)", n)
	}
	if n := layoutCode(3000).PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 0, BER: 0, Eta: 0.001}); n != 0 {
		t.Errorf("nothing read: %d needed, want 0", n)
	}
	if n := layoutCode(0).PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 1, Eta: 0.01}); n != 0 {
		t.Errorf("no points: %d needed, want 0", n)
	}
}

func BenchmarkPointsNeeded(b *testing.B) {
	lc := layoutCode(3000)
	for b.Loop() {
		lc.PointsNeeded(1000, 1e-6, trace.LayoutReading{ReadRate: 0.85, BER: 0.03, Eta: 0.06})
	}
}
