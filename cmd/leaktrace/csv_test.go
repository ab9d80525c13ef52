package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReadRecipientsCSV(t *testing.T) {
	rs, err := readRecipientsCSV(strings.NewReader("\ufeffEmail,ID,Name\nb@x.org, r2 ,\"Bo, Jr.\"\n\n,r3,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != "r2" || rs[0].Name != "Bo, Jr." || rs[0].Email != "b@x.org" || rs[1].ID != "r3" {
		t.Fatalf("got %+v", rs)
	}
	for _, bad := range []string{"", "name,email\nA,a@x\n", "id,name\n,nobody\n", "id\n\"unterminated\n"} {
		if _, err := readRecipientsCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzRecipientsCSV: no input panics the reader, and every recipient it
// returns has a non-empty id.
func FuzzRecipientsCSV(f *testing.F) {
	f.Add("id,name,email\nr1,Ann,a@example.org\n")
	f.Add("ID;Name\nr1;x\n")
	f.Add("id,name,email\n\"r1\"\"x\",\"multi\nline\",\n")
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := readRecipientsCSV(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range rs {
			if strings.TrimSpace(r.ID) == "" || !utf8.ValidString(r.ID) && utf8.ValidString(s) {
				t.Fatalf("recipient with id %q", r.ID)
			}
		}
	})
}
