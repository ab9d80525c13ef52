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
	// A row with more or fewer fields than the header is refused with its
	// line, not read by position: an unquoted comma in a name would
	// shift the email into another column.
	for _, c := range []struct{ csv, want string }{
		{"id,name,email\nr1,Ann,a@x.org\nr2,Smith, Bo,b@x.org\n", "line 3 has 4 fields, but the header has 3"},
		{"id,name,email\nr1,Ann,a@x.org\n\nr2,Bo\n", "line 4 has 2 fields, but the header has 3"},
	} {
		if _, err := readRecipientsCSV(strings.NewReader(c.csv)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.csv, err, c.want)
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
