package pdfsrc

import (
	"bytes"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a document or an error,
// never a panic; a document renders its source back, and a copy of it
// reads its own shifts back.
func FuzzParse(f *testing.F) {
	for _, s := range []spec{{pages: memo}, {pages: memo, xrefStream: true, compress: true}} {
		src := s.build()
		f.Add(src)
		f.Add(src[:len(src)*2/3])
		f.Add(bytes.Replace(src, []byte("Tj"), []byte("TJ"), 2))
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 1 0 R>> endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer <</Root 1 0 R/Size 2/Prev 0>>\nstartxref\n44\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := d.Render(&b, nil); err != nil || !bytes.Equal(b.Bytes(), data) {
			t.Fatalf("Render changed the source (%v)", err)
		}
		n := len(d.Shifts().Slots)
		b.Reset()
		if err := d.RenderShifted(&b, nil, alternate(n, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReadShifts(b.Bytes()); err != nil {
			t.Fatalf("a copy does not parse: %v", err)
		}
		if _, err := Text(data); err != nil {
			t.Fatal(err)
		}
	})
}
