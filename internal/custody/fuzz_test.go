package custody

import (
	"bytes"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// FuzzEntry: Decode never panics, and whatever it accepts re-encodes to
// the same bytes (one entry, one encoding, one leaf hash).
func FuzzEntry(f *testing.F) {
	for _, g := range golden {
		f.Add([]byte(g.want))
	}
	f.Add([]byte(`{"v":1,"kind":"trace","time":"2026-03-02T00:00:00Z","actor":"inv","leak_sha256":"` + copyHash + `","result":"\u2028"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(e)
		if err != nil {
			t.Fatalf("Decode accepted %q, Encode refuses it: %v", b, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("Decode accepted a non-canonical entry:\n%q\nre-encodes as\n%q", b, again)
		}
	})
}

// FuzzCheckpoint: a checkpoint from outside (an auditor's file) never
// panics the parser, and an accepted one formats back to its first three
// lines.
func FuzzCheckpoint(f *testing.F) {
	skey, vkey, err := GenerateKey("example.org/log")
	if err != nil {
		f.Fatal(err)
	}
	s, _ := NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	for _, size := range []int64{0, 1, 12345} {
		msg, err := s.SignCheckpoint(size, tlog.RecordHash([]byte{byte(size)}))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Add([]byte("example.org/log\n3\nAAAA\n\n— example.org/log AAAA\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		if c, err := ParseCheckpoint(string(msg)); err == nil {
			if !bytes.HasPrefix(msg, []byte(c.Format())) {
				t.Fatalf("ParseCheckpoint(%q) = %+v, which formats differently", msg, c)
			}
		}
		if c, err := OpenCheckpoint(msg, v); err == nil && c.Origin != v.Name() {
			t.Fatalf("opened a checkpoint of another log: %+v", c)
		}
	})
}
