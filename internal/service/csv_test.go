package service_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/service"
)

func TestParseRecipientsCSV(t *testing.T) {
	rs, err := service.ParseRecipientsCSV(strings.NewReader("\ufeffEmail,ID,Name\nb@x.org, r2 ,\"Bo, Jr.\"\n\n,r3,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != "r2" || rs[0].Name != "Bo, Jr." || rs[0].Email != "b@x.org" || rs[1].ID != "r3" {
		t.Fatalf("got %+v", rs)
	}
	if _, err := service.ParseRecipientsCSV(strings.NewReader("name,email\nA,a@x\n")); !errors.Is(err, service.ErrCSVHeader) {
		t.Errorf("no id column: %v, want ErrCSVHeader", err)
	}
	for _, bad := range []string{"", "name,email\nA,a@x\n", "id,name\n,nobody\n", "id\n\"unterminated\n"} {
		if _, err := service.ParseRecipientsCSV(strings.NewReader(bad)); err == nil {
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
		if _, err := service.ParseRecipientsCSV(strings.NewReader(c.csv)); err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, service.ErrCSVRow) {
			t.Errorf("%q: %v, want %q (ErrCSVRow)", c.csv, err, c.want)
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
		rs, err := service.ParseRecipientsCSV(strings.NewReader(s))
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

// TestParseRecipientsCSVAccess: the optional access columns are read,
// lists split at ';' or ','; an unknown role is refused with its line.
func TestParseRecipientsCSVAccess(t *testing.T) {
	rs, err := service.ParseRecipientsCSV(strings.NewReader("id,roles,compartments,clearance,citizenship\nr1,investigator;auditor,\"si,tk\",TS,usa\nr2,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Clearance != "TS" || rs[0].Citizenship != "usa" || strings.Join(rs[0].Compartments, "|") != "si|tk" ||
		strings.Join(rs[0].Roles, "|") != "auditor|investigator" || rs[1].Clearance != "" || rs[1].Roles != nil || rs[1].Compartments != nil {
		t.Fatalf("got %+v", rs)
	}
	if _, err := service.ParseRecipientsCSV(strings.NewReader("id,roles\nr1,reader\nr2,king\n")); !errors.Is(err, service.ErrRole) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("an unknown role: %v", err)
	}
}
