package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/spf13/cobra"
)

// sampleMemo is an excerpt of the minutes of the Federal Open Market
// Committee, July 30–31, 2019 (a public Federal Reserve publication), set
// out as a memo.
//
//go:embed sample/memo.txt
var sampleMemo []byte

var demoReaders = []leaktrace.Recipient{
	{ID: "alice", Name: "Alice Adams", Email: "alice@example.org"},
	{ID: "bob", Name: "Bob Brown", Email: "bob@example.org"},
	{ID: "carol", Name: "Carol Chen", Email: "carol@example.org"},
}

func (a *app) demoCommand() *cobra.Command {
	var keep bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Register a sample memo, issue copies to three readers and show how they differ",
		Long: `demo runs leaktrace end to end in a scratch home (never your own): it
registers an embedded sample memo, issues marked copies to three readers,
and shows where and how the copies differ.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "leaktrace-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			return a.demo(cmd.Context(), filepath.Join(dir, "home"))
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the scratch home and print where it is")
	return cmd
}

func (a *app) demo(ctx context.Context, home string) error {
	w := a.stdout
	if err := service.Init(ctx, home, service.InitOptions{Actor: a.actorName()}); err != nil {
		return err
	}
	s, err := service.Open(ctx, home)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(w, "1. A scratch home in %s\n\n", home)

	d, err := s.AddDocument(ctx, "memo.txt", sampleMemo, "staff-memo", "Staff review of the economic situation")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. Registered %q: %d words, %d variation points (%s)\n\n", d.ID, d.Words, d.Marks.Total, channelSummary(d.Marks))

	if err := s.AddRecipients(ctx, append([]leaktrace.Recipient(nil), demoReaders...)); err != nil {
		return err
	}
	m, _, err := s.Marker(ctx, d.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(demoReaders))
	for i, r := range demoReaders {
		ids[i] = r.ID
	}
	copies, err := s.Issue(ctx, m, d.ID, ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "3. Issued a copy to each of %s. Every copy reads exactly like the\n   original; here is how they differ from it and from each other:\n\n", strings.Join(ids, ", "))
	syms := make([][]uint8, len(ids))
	for i, id := range ids {
		syms[i] = m.Symbols(id)
		changed := 0
		for j, p := range m.Points() {
			if int(syms[i][j]) != p.Orig {
				changed++
			}
		}
		fmt.Fprintf(w, "   %-6s %6d bytes, %4d of %d points differ from the original\n", id, len(copies[i].Data), changed, len(m.Points()))
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			diff := 0
			for k := range syms[i] {
				if syms[i][k] != syms[j][k] {
					diff++
				}
			}
			fmt.Fprintf(w, "   %s and %s differ at %d points\n", ids[i], ids[j], diff)
		}
	}

	// Show the first sentence of each copy with the invisible made visible.
	fmt.Fprintf(w, "\n4. The same sentence in each copy, with invisible characters shown\n   as ⟨…⟩ and curly punctuation marked:\n\n")
	// Copies keep the source's line structure, so line k of every copy is
	// line k of the original.
	k := 0
	for i, l := range strings.Split(string(sampleMemo), "\n") {
		if strings.HasPrefix(l, "The information") {
			k = i
			break
		}
	}
	firstSentence := func(b []byte) string {
		l := strings.Split(string(b), "\n")[k]
		if m := sentenceEnd.FindStringIndex(l); m != nil {
			return l[:m[0]+1]
		}
		return l
	}
	for i, id := range ids {
		fmt.Fprintf(w, "   %s:\n%s\n\n", id, indent(reveal(firstSentence(copies[i].Data)), "     "))
	}
	src := firstSentence(sampleMemo)
	fmt.Fprintf(w, "   original:\n%s\n\n", indent(reveal(src), "     "))
	fmt.Fprintf(w, "Next: 'leaktrace init', 'leaktrace doc add FILE', 'leaktrace recipient add ID',\n'leaktrace issue DOC RECIPIENT'. See 'leaktrace --help'.\n")
	return nil
}

// sentenceEnd finds the end of a sentence even when a zero-width mark
// sits between its full stop and the next space.
var sentenceEnd = regexp.MustCompile(`\.[\x{200B}-\x{200D}\x{2060}]* `)

var revealNames = map[rune]string{
	'\u200B': "⟨ZWSP⟩", '\u200C': "⟨ZWNJ⟩", '\u200D': "⟨ZWJ⟩", '\u2060': "⟨WJ⟩",
	'\u00A0': "⟨NBSP⟩", '\u2019': "⟨’⟩", '\u201C': "⟨“⟩", '\u201D': "⟨”⟩", '\u2026': "⟨…⟩",
}

// reveal makes invisible and typographic characters visible.
func reveal(s string) string {
	var b strings.Builder
	for _, r := range s {
		if n, ok := revealNames[r]; ok {
			b.WriteString(n)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// indent wraps s at about 72 columns with a prefix.
func indent(s, prefix string) string {
	var lines []string
	line := prefix
	for _, word := range strings.Fields(s) {
		if utf8.RuneCountInString(line)+utf8.RuneCountInString(word) > 76 && line != prefix {
			lines = append(lines, line)
			line = prefix
		}
		if line != prefix {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
