package layout

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/lexicon"
	"github.com/leaktrace/leaktrace/internal/marks"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/v1.golden (only with a new layout version: version 1's PDFs never change)")

// TestVersion1IsPinned: the PDF a plan of layout version 1 writes, for
// fixed documents and symbols, is the same bytes in every later
// leaktrace. A PDF copy is traced by typesetting its document again and
// comparing word positions, so a change to the fonts, the metrics, the
// break rules or the writer under version 1 would misplace every layout
// point of copies already issued; such a change needs a new version.
func TestVersion1IsPinned(t *testing.T) {
	dir := filepath.Join("..", "marks", "testdata", "golden")
	var got strings.Builder
	for _, name := range []string{"memo.txt", "guide.md", "ascii.eml", "latin1-qp.eml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := format.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		set := marks.FindWith(doc, marks.Options{Catalogue: lexicon.V2})
		p, err := NewPlan(set, "Golden "+name, Version1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := make([]uint8, len(set.Points))
		for i, pt := range set.Points {
			text[i] = uint8((i*7 + 3) % len(pt.Variants))
		}
		lay := make([]uint8, p.NumPoints())
		for i := range lay {
			lay[i] = uint8((i*5 + i/3) % 2)
		}
		for _, opt := range []PDFOptions{{}, {Footer: "Issued to A. Reader (r1)"}, {Footer: "Issued to A. Reader (r1)", Banner: "TOP SECRET//SI/TK//NOFORN"}} {
			var buf bytes.Buffer
			if err := p.PDF(&buf, text, lay, opt); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sum := sha256.Sum256(buf.Bytes())
			banner := ""
			if opt.Banner != "" {
				banner = " banner"
			}
			fmt.Fprintf(&got, "%s footer=%t%s pages=%d points=%d %s\n", name, opt.Footer != "", banner, p.Pages(), p.NumPoints(), hex.EncodeToString(sum[:]))
		}
	}
	path := filepath.Join("testdata", "v1.golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("layout version 1 writes other PDFs than it did:\n got:\n%s want:\n%s", got.String(), want)
	}
}
