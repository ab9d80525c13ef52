package office_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// TestConvertRoundTrip: text made into a DOCX and back reads the same.
func TestConvertRoundTrip(t *testing.T) {
	tooltest.Require(t, "libreoffice-writer-nogui", "soffice", "libreoffice")
	const text = "The committee met on Tuesday.\n\nIt agreed to keep the rate where it was.\n"
	docx, err := office.Convert(context.Background(), "memo.txt", []byte(text), "docx", "docx")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(docx, []byte("PK\x03\x04")) {
		t.Fatalf("not a DOCX: %.20q", docx)
	}
	back, err := office.Convert(context.Background(), "memo.docx", docx, "txt:Text (encoded):UTF8", "txt")
	if err != nil {
		t.Fatal(err)
	}
	back = bytes.TrimPrefix(back, []byte("\ufeff"))
	if got := string(bytes.ReplaceAll(back, []byte("\r\n"), []byte("\n"))); got != text {
		t.Errorf("round trip:\n%q\nwant\n%q", got, text)
	}
}
