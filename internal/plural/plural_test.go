package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{
		{1, "problem", "1 problem"},
		{2, "problem", "2 problems"},
		{0, "recipient", "0 recipients"},
		{1, "copy", "1 copy"},
		{4, "copy", "4 copies"},
		{3, "entry", "3 entries"},
		{2, "key", "2 keys"},
		{1, "argument", "1 argument"},
		{5, "argument", "5 arguments"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
