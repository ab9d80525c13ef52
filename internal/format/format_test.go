package format

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRejectsNonDocuments(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty.txt", nil, ErrEmpty},
		{"blank.md", []byte(" \n\t\n"), ErrEmpty},
		{"nul.txt", []byte("abc\x00def"), ErrBinary},
		{"ctl.txt", bytes.Repeat([]byte{1, 2, 3, 'a'}, 100), ErrBinary},
		{"latin1.txt", []byte("caf\xe9\n"), ErrInvalidUTF8},
		{"huge.txt", bytes.Repeat([]byte("word "), MaxSize/5+1), ErrTooLarge},
	} {
		if _, err := Parse(c.name, c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestRenderAppliesEditsOnly(t *testing.T) {
	src := "alpha beta\r\ngamma delta\n"
	d, err := Parse("a.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	// An insertion and a replacement at the same offset, given out of order.
	err = d.Render(&b, []Edit{{Start: 6, End: 10, Text: "BETA"}, {Start: 5, End: 5, Text: "\u200b"}, {Start: 6, End: 6, Text: "<"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "alpha\u200b <BETA\r\ngamma delta\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	if err := d.Render(&b, []Edit{{Start: 0, End: 4}, {Start: 2, End: 6}}); err == nil {
		t.Fatal("overlapping edits accepted")
	}
}

func TestMarkdownProtectsSyntax(t *testing.T) {
	src := "---\ntitle: x y\n---\n# Head line\n\nSome `code here` and [a link](http://x.y/a) text.\n\n```\nfenced code\n```\n"
	d, err := Parse("a.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := d.Regions()[0]
	open := func(s string) bool {
		i := strings.Index(src, s)
		for _, p := range r.Protected {
			if p.Start < i+len(s) && i < p.End {
				return false
			}
		}
		return true
	}
	for _, s := range []string{"Head line", "Some ", " and ", "a link", " text."} {
		if !open(s) {
			t.Errorf("%q is protected, want markable", s)
		}
	}
	for _, s := range []string{"title: x y", "code here", "http://x.y/a", "fenced code"} {
		if open(s) {
			t.Errorf("%q is markable, want protected", s)
		}
	}
}

// FuzzParse: no input makes Parse panic, and a parsed document renders
// back to its exact bytes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"plain text\n", "# h\n\n`x` [a](b) <http://c>\n", "---\na: b\n", "    code\n\ttab\n", "```\nx"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, kind uint8) {
		name := []string{"f.txt", "f.md", "f.eml"}[int(kind)%3]
		d, err := Parse(name, []byte(s))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := d.Render(&b, nil); err != nil {
			t.Fatal(err)
		}
		if b.String() != s {
			t.Fatalf("render without edits changed the input")
		}
		for _, r := range d.Regions() {
			for _, p := range r.Protected {
				if p.Start < 0 || p.End > len(r.Text) || p.Start > p.End {
					t.Fatalf("protected span %v out of range", p)
				}
			}
		}
	})
}
