package pgstore

import (
	"github.com/jackc/pgx/v5/pgconn"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgresql://u:pw@h/db", "postgresql://u:xxxxx@h/db"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db", "postgres://h/db"},
		{"postgres://:pw@h/db", "postgres://:xxxxx@h/db"},
		{"postgres://u:p%40w@h1:5432,h2:5433/db", "postgres://u:xxxxx@h1:5432,h2:5433/db"},
		{"postgres://u:p@w@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:p/w?x@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:pw@h/db?password=pw&sslpassword=pw&user=u", "postgres://u:xxxxx@h/db?password=xxxxx&sslpassword=xxxxx&user=u"},
		{"postgres://h/db?PassWord=pw", "postgres://h/db?PassWord=xxxxx"},
		{"postgres://h/db?pass%77ord=pw", "postgres://h/db?pass%77ord=xxxxx"},
		{"host=h user=u password=pw dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password='p w\\' x' dbname=db", "host=h password=xxxxx dbname=db"},
		{"host=h password = pw dbname=db", "host=h password=xxxxx dbname=db"},
		{"host=h sslpassword=pw", "host=h sslpassword=xxxxx"},
		{"host=h password pw", "host=h password xxxxx"},
		{"", ""},
	} {
		got := Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Contains(got, "pw") || strings.Contains(got, "p w") {
			t.Errorf("Redact(%q) = %q shows the password", tc.in, got)
		}
	}
}

// FuzzRedact: of a password pgx reads from a connection string, at
// least one occurrence is masked.
func FuzzRedact(f *testing.F) {
	f.Add("postgres://u:pw12@h:5432/db?sslmode=disable")
	f.Add("postgres://u:p@w12@h/db?password=pw12")
	f.Add("host=h user=u password='p w12' dbname=db")
	f.Add("host=h password=pw12\\ x")
	f.Fuzz(func(t *testing.T, conn string) {
		got := Redact(conn)
		cfg, err := pgconn.ParseConfig(conn)
		if err != nil {
			return
		}
		pw := cfg.Password
		if len(pw) < 4 || strings.Contains(pw, "x") || !strings.Contains(conn, pw) {
			return
		}
		if strings.Count(got, pw) >= strings.Count(conn, pw) {
			t.Errorf("Redact(%q) = %q shows the password %q", conn, got, pw)
		}
	})
}
