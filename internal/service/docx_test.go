package service_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/format/docx"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// docxSource is a DOCX made by LibreOffice from corpus prose, made once
// per test binary: LibreOffice takes seconds a conversion.
var docxSource struct {
	once sync.Once
	text string
	data []byte
	err  error
}

func requireDOCXSource(t *testing.T) (string, []byte) {
	t.Helper()
	tooltest.Require(t, "libreoffice-writer-nogui", "soffice", "libreoffice")
	memos := corpus.RequireMemos(t, 1, 900, 12)
	docxSource.once.Do(func() {
		docxSource.text = memos[0]
		docxSource.data, docxSource.err = office.Convert(t.Context(), "memo.txt", []byte(memos[0]), "docx", "docx")
	})
	if docxSource.err != nil {
		t.Fatal(docxSource.err)
	}
	return docxSource.text, docxSource.data
}

// words are text's words with zero-width characters removed and quotes
// straightened: what a reader compares.
func words(text string) []string {
	r := strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "",
		"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u2026", "...")
	return strings.Fields(r.Replace(text))
}

// wordsDiffer is the share of words of a that are not in their longest
// common subsequence with b, or of b that are not, whichever is more.
func wordsDiffer(a, b []string) float64 {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	common := float64(prev[len(b)])
	return 1 - common/float64(max(len(a), len(b)))
}

// TestDOCXCopiesEndToEnd registers a DOCX LibreOffice made, issues it to
// 300 readers, and checks the copies: only word/document.xml changes,
// every reader's copy differs, a copy opens in LibreOffice and reads
// like the source, and a 40-word paste of a copy and the copy file name
// their reader, the file by its layout points too.
func TestDOCXCopiesEndToEnd(t *testing.T) {
	text, src := requireDOCXSource(t)
	ctx := t.Context()
	s, _ := home(t, nil, 300)
	d, err := s.AddDocument(ctx, "memo.docx", src, "memo", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != "docx" || d.Marks.Total < 500 {
		t.Fatalf("registered as %q with %d points", d.Format, d.Marks.Total)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	scheme, ok := m.ShiftScheme()
	if !ok || len(scheme.Slots) < 50 {
		t.Fatalf("layout slots: %d, %v", len(scheme.Slots), ok)
	}
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = fmt.Sprintf("r%03d", i)
	}
	issued, err := s.Issue(ctx, m, ids)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string][]byte{}
	seen := map[string]string{}
	for _, c := range issued {
		copies[c.Recipient] = c.Data
		h := leaktrace.Hash(c.Data)
		if other, dup := seen[h]; dup {
			t.Errorf("%s and %s got the same copy", other, c.Recipient)
		}
		seen[h] = c.Recipient
	}
	for _, r := range []string{"r000", "r123", "r299"} {
		onlyMainPartChanged(t, src, copies[r])
	}

	// The copy opens in LibreOffice and reads like the source.
	got, err := office.Convert(ctx, "copy.docx", copies["r042"], "txt:Text (encoded):UTF8", "txt")
	if err != nil {
		t.Fatalf("LibreOffice cannot read a copy: %v", err)
	}
	if f := wordsDiffer(words(text), words(string(got))); f > 0.06 {
		t.Errorf("%.1f%% of the copy's words differ from the source's as LibreOffice reads it", 100*f)
	}

	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 6; trial++ {
		reader := ids[rng.IntN(len(ids))]
		leak, err := docx.LeakText(copies[reader])
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Fields(leak)
		at := rng.IntN(len(w) - 40)
		paste := strings.Join(w[at:at+40], " ")
		rep, err := s.Trace(ctx, "paste.txt", []byte(paste), service.DefaultEpsilon, 3)
		if err != nil {
			t.Fatal(err)
		}
		checkAccused(t, rep, reader, "a 40-word paste")
	}
	for _, reader := range []string{"r007", "r250"} {
		rep, err := s.Trace(ctx, "leak.docx", copies[reader], service.DefaultEpsilon, 3)
		if err != nil {
			t.Fatal(err)
		}
		checkAccused(t, rep, reader, "the copy file")
		if len(rep.Matches) == 1 {
			mt := rep.Matches[0]
			sum := mt.LayoutFor(reader)
			if mt.ByChannel[marks.Layout] < len(scheme.Slots)*9/10 || sum.Agree != sum.Read {
				t.Errorf("the copy file: %d of %d layout points read, %d of %d agree with %s's copy",
					mt.ByChannel[marks.Layout], len(scheme.Slots), sum.Agree, sum.Read, reader)
			}
		}
	}
}

// checkAccused fails unless the report has one match whose only accused
// reader is reader.
func checkAccused(t *testing.T, rep *service.TraceReport, reader, what string) {
	t.Helper()
	if len(rep.Matches) != 1 {
		t.Errorf("%s of %s's copy: %d matches", what, reader, len(rep.Matches))
		return
	}
	for i, su := range rep.Matches[0].Suspects {
		if su.Accused != (su.Recipient == reader) || i == 0 && su.Recipient != reader {
			t.Errorf("%s of %s's copy: suspect %d is %s, accused %v", what, reader, i, su.Recipient, su.Accused)
		}
	}
}

// onlyMainPartChanged fails unless copy has source's entries in order,
// each but word/document.xml with the same compressed bytes.
func onlyMainPartChanged(t *testing.T, source, copy []byte) {
	t.Helper()
	a, err := zip.NewReader(bytes.NewReader(source), int64(len(source)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := zip.NewReader(bytes.NewReader(copy), int64(len(copy)))
	if err != nil {
		t.Fatalf("a copy is not a ZIP package: %v", err)
	}
	if len(a.File) != len(b.File) {
		t.Fatalf("a copy has %d parts, the source %d", len(b.File), len(a.File))
	}
	changed := 0
	for i, fa := range a.File {
		fb := b.File[i]
		if fa.Name != fb.Name {
			t.Fatalf("part %d: %s became %s", i, fa.Name, fb.Name)
		}
		ra, _ := fa.OpenRaw()
		rb, _ := fb.OpenRaw()
		ba, _ := io.ReadAll(ra)
		bb, _ := io.ReadAll(rb)
		if !bytes.Equal(ba, bb) {
			changed++
			if fa.Name != "word/document.xml" {
				t.Errorf("a copy changed %s", fa.Name)
			}
		}
	}
	if changed == 0 {
		t.Error("a copy is the source")
	}
}
