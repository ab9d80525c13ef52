package service_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// BenchmarkTracePhoto traces one phone photo of a full page of a PDF
// copy (attack.PhotoDefault) among 1,000 readers: tesseract, the ink
// measurement, source lookup, alignment and scoring of both the text and
// the layout channels. `go test ./internal/service -run '^$' -bench
// TracePhoto -benchtime 5x` reports the time per trace.
func BenchmarkTracePhoto(b *testing.B) {
	for _, tool := range []string{"tesseract", "pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatalf("%s is not installed (.ci/run installs it)", tool)
		}
	}
	files := corpus.RequireFiles(b, "fomc")
	data, err := os.ReadFile(files[len(files)/2])
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	dir := filepath.Join(b.TempDir(), "home")
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		b.Fatal(err)
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rs := make([]leaktrace.Recipient, 1000)
	ids := make([]string, len(rs))
	for i := range rs {
		ids[i] = fmt.Sprintf("r%04d", i)
		rs[i] = leaktrace.Recipient{ID: ids[i]}
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		b.Fatal(err)
	}
	if _, err := s.AddDocument(ctx, "minutes.txt", data, "minutes", ""); err != nil {
		b.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "minutes")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Issue(ctx, m, ids); err != nil {
		b.Fatal(err)
	}
	issued, err := s.IssueWith(ctx, m, ids[42:43], service.IssueOptions{Format: leaktrace.FormatPDF})
	if err != nil {
		b.Fatal(err)
	}
	page, err := attack.Rasterize(ctx, issued[0].Data, 2, attack.PhotoDefault.DPI)
	if err != nil {
		b.Fatal(err)
	}
	photo := attack.Photo(page, rand.New(rand.NewPCG(1, 2)), attack.PhotoDefault)
	in := []service.TraceInput{{Name: "photo.jpg", Data: photo}}
	for b.Loop() {
		rep, err := s.TraceInputs(ctx, in, service.DefaultEpsilon, 5)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Matches) == 0 || len(rep.Matches[0].Suspects) == 0 || rep.Matches[0].Suspects[0].Recipient != ids[42] {
			b.Fatal("the photo did not name its reader first")
		}
	}
}
