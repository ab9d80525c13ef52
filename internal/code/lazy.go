package code

// Lazy is a document's code derived point by point, on demand, for work
// that looks at a few of a long document's points (capacity estimates): a
// document with a million points would need hundreds of megabytes to hold
// every point's biases. Its points and symbols equal [New]'s.
type Lazy struct {
	key   Key
	doc   string
	specs []Spec
	first []int // first[i]: the bias-stream word point i's draws start at
}

// NewLazy prepares the code of document doc whose points are specs.
func NewLazy(key Key, doc string, specs []Spec) *Lazy {
	l := &Lazy{key: key, doc: doc, specs: specs, first: make([]int, len(specs))}
	at := 0
	for i, sp := range specs {
		l.first[i] = at
		at += 2 * sp.Arity
	}
	return l
}

// Points returns the points at the given indexes: Points(idx)[k] equals
// New(...).Points[idx[k]].
func (l *Lazy) Points(idx []int) []Point {
	out := make([]Point, len(idx))
	words := newWordAt(subkey(l.key, "leaktrace/bias/v1", l.doc, ""))
	var g []float64
	for k, i := range idx {
		sp := l.specs[i]
		w := l.first[i]
		next := func() float64 {
			u := uniform(words.at(w))
			w++
			return u
		}
		p, cut := make([]float64, sp.Arity), make([]uint64, sp.Arity-1)
		g = derive(sp, next, p, cut, g)
		out[k] = Point{P: p, cut: cut}
	}
	return out
}

// SymbolsAt writes reader's symbols at points idx into out, given their
// biases pts (from Points(idx)). It equals [Code.SymbolsAt].
func (l *Lazy) SymbolsAt(reader string, idx []int, pts []Point, out []uint8) {
	words := newWordAt(subkey(l.key, "leaktrace/copy/v1", l.doc, reader))
	for k, i := range idx {
		out[k] = pts[k].pick(words.at(i))
	}
}

// SymbolsOnce writes reader's symbol at every point into out, which must
// have len(specs) elements, deriving each point's biases as it goes and
// keeping none: one copy of a long document without the memory of the
// whole code. It equals New(key, doc, specs).Symbols(reader, out).
func SymbolsOnce(key Key, doc string, specs []Spec, reader string, out []uint8) {
	bias := newKeystream(key, "leaktrace/bias/v1", doc, "")
	next := func() float64 { return uniform(bias.next()) }
	copyStream := newKeystream(key, "leaktrace/copy/v1", doc, reader)
	var p []float64
	var cut []uint64
	var g []float64
	for i, sp := range specs {
		p, cut = slicesOf(p, sp.Arity), slicesOfU(cut, sp.Arity-1)
		g = derive(sp, next, p, cut, g)
		pt := Point{P: p, cut: cut}
		out[i] = pt.pick(copyStream.next())
	}
}

func slicesOf(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func slicesOfU(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}
