// Package code is leaktrace's fingerprinting code: a q-ary Tardos-style
// code whose per-point biases and per-reader symbols are derived from a
// secret key with a keyed pseudo-random function, so that no copy ever
// needs storing and re-issuing yields the same bytes.
//
// # Construction (scheme 1)
//
// For document d with points 0..n-1 of arities q_0..q_{n-1}:
//
//   - bias key   Kb = HMAC-SHA256(K, "leaktrace/bias/v1" ‖ d)
//   - reader key Kr = HMAC-SHA256(K, "leaktrace/copy/v1" ‖ d ‖ r)
//   - PRF(Kx, i) = the i-th 64-bit word of the AES-256-CTR keystream
//     under Kx (zero IV), a PRF of the point index.
//
// Point i's bias vector p_i is drawn from a symmetric Dirichlet(1/2)
// distribution (the q-ary generalization of Tardos' arcsine density), with
// a cutoff t added to every symbol so that no symbol is so rare that it
// says nothing about an innocent reader: p_ij = t + (1 − q_i·t)·D_ij.
// The cutoff depends on the point's class: t = 0.2/q for [Spread] points,
// whose widely spread biases resist colluders, and t = 0.7/q for [Dense]
// points, which are scarce (they survive normalization and retyping) and
// so must carry close to log2(q) bits each when one reader leaks.
// Reader r's symbol at point i is the symbol whose cumulative-bias interval
// holds PRF(Kr, i)/2⁶⁴.
//
// Given the leak, an innocent reader's symbols are independent of it and
// distributed exactly by the biases, which is what makes false-accusation
// probabilities computable (see the trace package).
package code

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math"
)

// Scheme numbers the construction above. A document keeps the scheme it
// was registered under, and its copies are reproducible only under it.
const Scheme = 1

// KeySize is the length of the secret marking key.
const KeySize = 32

// Key is the secret marking key.
type Key [KeySize]byte

// Point holds one point's bias vector and the cumulative thresholds that
// turn a 64-bit PRF output into a symbol.
type Point struct {
	P   []float64 // symbol probabilities, summing to 1
	cut []uint64  // cut[j] = ⌊2⁶⁴·(p_0+…+p_j)⌋ for j < q−1
}

// Code is the code of one document: the biases of its points.
type Code struct {
	key    Key
	doc    string
	Points []Point
}

// Class chooses how spread a point's biases are.
type Class uint8

const (
	// Spread biases: Tardos-like, for plentiful points.
	Spread Class = iota
	// Dense biases: close to uniform, for scarce points.
	Dense
)

// Spec describes a point to the code.
type Spec struct {
	Arity int // number of variants, at least 2
	Class Class
}

// Cutoff returns the minimum probability of each symbol at a q-ary point
// of a class.
func Cutoff(q int, c Class) float64 {
	if c == Dense {
		return 0.7 / float64(q)
	}
	return 0.2 / float64(q)
}

// New derives the code of document doc whose points are specs.
func New(key Key, doc string, specs []Spec) *Code {
	c := &Code{key: key, doc: doc, Points: make([]Point, len(specs))}
	total := 0
	for _, sp := range specs {
		total += sp.Arity
	}
	// Every point's biases and thresholds live in two shared arrays: a
	// long document has a million points, and a slice of its own for
	// each would cost an allocation (and its rounding) apiece.
	ps := make([]float64, total)
	cuts := make([]uint64, total-len(specs))
	stream := newKeystream(key, "leaktrace/bias/v1", doc, "")
	next := func() float64 { return uniform(stream.next()) }
	var g []float64
	for i, sp := range specs {
		q := sp.Arity
		p, cut := ps[:q:q], cuts[:q-1:q-1]
		ps, cuts = ps[q:], cuts[q-1:]
		g = derive(sp, next, p, cut, g)
		c.Points[i] = Point{P: p, cut: cut}
	}
	return c
}

// derive draws one point's biases into p and its thresholds into cut,
// taking 2·q uniforms from next; g is scratch space, returned for reuse.
func derive(sp Spec, next func() float64, p []float64, cut []uint64, g []float64) []float64 {
	q := sp.Arity
	g = g[:0]
	sum := 0.0
	for range q {
		// Gamma(1/2) = Z²/2 with Z standard normal (Box–Muller).
		z := math.Sqrt(-2*math.Log(next())) * math.Cos(2*math.Pi*next())
		g = append(g, z*z/2)
		sum += g[len(g)-1]
	}
	t := Cutoff(q, sp.Class)
	acc := 0.0
	for j := range p {
		d := 1 / float64(q)
		if sum > 0 {
			d = g[j] / sum
		}
		p[j] = t + (1-float64(q)*t)*d
		if j < q-1 {
			acc += p[j]
			cut[j] = uint64(math.Min(acc, 1) * (1 << 63) * 2)
		}
	}
	return g
}

// Symbols writes reader's symbol at every point into out, which must have
// len(c.Points) elements.
func (c *Code) Symbols(reader string, out []uint8) {
	stream := newKeystream(c.key, "leaktrace/copy/v1", c.doc, reader)
	for i := range c.Points {
		out[i] = c.Points[i].pick(stream.next())
	}
}

// SymbolsAt writes reader's symbols at the given points into out (one per
// point, same order). It computes only the keystream blocks those points
// need — counter mode allows that — so scoring a short leak against a
// long document costs little. The result equals Symbols' at those points.
func (c *Code) SymbolsAt(reader string, points []int, out []uint8) {
	words := newWordAt(subkey(c.key, "leaktrace/copy/v1", c.doc, reader))
	for k, i := range points {
		out[k] = c.Points[i].pick(words.at(i))
	}
}

// wordAt reads keystream words at any position: counter mode allows it.
type wordAt struct {
	block   cipher.Block
	ctr, ks [aes.BlockSize]byte
	last    int // the block ks holds, or -1
}

func newWordAt(block cipher.Block) *wordAt { return &wordAt{block: block, last: -1} }

// at returns the keystream's w-th 64-bit word.
func (s *wordAt) at(w int) uint64 {
	if b := w / 2; b != s.last {
		// The counter is the 128-bit big-endian block number, as
		// cipher.NewCTR counts from a zero IV.
		binary.BigEndian.PutUint64(s.ctr[8:], uint64(b))
		s.block.Encrypt(s.ks[:], s.ctr[:])
		s.last = b
	}
	return binary.LittleEndian.Uint64(s.ks[8*(w%2):])
}

// pick turns a 64-bit PRF output into a symbol.
func (p *Point) pick(u uint64) uint8 {
	s := 0
	for s < len(p.cut) && u >= p.cut[s] {
		s++
	}
	return uint8(s)
}

// subkey returns AES-256 keyed with HMAC-SHA256(K, label ‖ doc ‖ reader),
// each string length-prefixed so that distinct (doc, reader) pairs never
// share a key.
func subkey(key Key, label, doc, reader string) cipher.Block {
	m := hmac.New(sha256.New, key[:])
	for _, s := range []string{label, doc, reader} {
		var l [8]byte
		binary.BigEndian.PutUint64(l[:], uint64(len(s)))
		m.Write(l[:])
		m.Write([]byte(s))
	}
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	return block
}

// uniform maps a keystream word to a uniform number in (0,1).
func uniform(u uint64) float64 { return (float64(u>>11) + 0.5) / (1 << 53) }

// keystream reads the 64-bit words of the AES-256-CTR keystream (zero IV)
// under the subkey for (label, doc, reader), in order, a buffer at a time,
// so that a document with a million points never holds all of it.
type keystream struct {
	ctr cipher.Stream
	buf [4096]byte
	at  int // next unread byte of buf
}

func newKeystream(key Key, label, doc, reader string) *keystream {
	ks := &keystream{ctr: cipher.NewCTR(subkey(key, label, doc, reader), make([]byte, aes.BlockSize))}
	ks.at = len(ks.buf)
	return ks
}

// next returns the next word, little-endian.
func (ks *keystream) next() uint64 {
	if ks.at == len(ks.buf) {
		clear(ks.buf[:])
		ks.ctr.XORKeyStream(ks.buf[:], ks.buf[:])
		ks.at = 0
	}
	u := binary.LittleEndian.Uint64(ks.buf[ks.at:])
	ks.at += 8
	return u
}
