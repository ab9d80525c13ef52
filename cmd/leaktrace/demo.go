package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/marks"
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
		Short: "Mark a sample memo for three readers, leak an excerpt, and trace it",
		Long: `demo runs leaktrace end to end in a scratch home (never your own): it
registers an embedded sample memo, issues marked copies to three readers,
shows where and how the copies differ, leaks a 40-word excerpt of one copy,
and traces it back to its reader.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The scratch home holds keys: it is removed on every way out,
			// including Ctrl-C, termination and a closed standard output
			// ("demo | head"), which would otherwise kill the process with
			// SIGPIPE before the removal runs.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			signal.Ignore(syscall.SIGPIPE)
			defer signal.Reset(syscall.SIGPIPE)
			dir, err := os.MkdirTemp("", "leaktrace-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			w := &stickyWriter{w: a.stdout}
			err = a.demo(ctx, w, filepath.Join(dir, "home"))
			if err == nil {
				err = w.err
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("demo interrupted: %w", ctxErr)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the scratch home and print where it is")
	return cmd
}

// stickyWriter remembers the first write error and fails every later
// write with it, so that a long run of prints can be checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

func (a *app) demo(ctx context.Context, w *stickyWriter, home string) error {
	// check stops the demo at the first failed write or interruption.
	check := func() error {
		if w.err != nil {
			return w.err
		}
		return ctx.Err()
	}
	if err := service.Init(ctx, home, service.InitOptions{Actor: a.actorName()}); err != nil {
		return err
	}
	s, err := service.Open(ctx, home)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(w, "1. A scratch home in %s\n\n", termSafe(home))
	if err := check(); err != nil {
		return err
	}

	d, err := s.AddDocument(ctx, "memo.txt", sampleMemo, "staff-memo", "Staff review of the economic situation")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. Registered %q: %d words, %d variation points (%s)\n\n", d.ID, d.Words, d.Marks.Total, channelSummary(d.Marks))
	if err := check(); err != nil {
		return err
	}

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
	if err := check(); err != nil {
		return err
	}
	copies, err := s.Issue(ctx, m, ids)
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
		return strings.TrimSpace(attack.Sentences(strings.Split(string(b), "\n")[k])[0])
	}
	for i, id := range ids {
		fmt.Fprintf(w, "   %s:\n%s\n\n", id, indent(marks.Reveal(firstSentence(copies[i].Data)), "     "))
	}
	src := firstSentence(sampleMemo)
	fmt.Fprintf(w, "   original:\n%s\n\n", indent(marks.Reveal(src), "     "))
	// 5. Bob leaks: he pastes 40 words of his copy into a chat.
	bob := string(copies[1].Data)
	leak := attack.Excerpt(bob[strings.Index(bob, "\n\nThe"):], 40, rand.New(rand.NewPCG(7, 7)))
	fmt.Fprintf(w, "5. A 40-word excerpt of one copy surfaces in a chat:\n\n%s\n\n", indent(leak, "     "))
	fmt.Fprintf(w, "6. leaktrace trace finds the document by itself and reads the surviving marks:\n\n")
	if err := check(); err != nil {
		return err
	}
	rep, err := s.Trace(ctx, "leak.txt", []byte(leak), service.DefaultEpsilon, 3)
	if err != nil {
		return err
	}
	writeReport(w, rep)
	if err := check(); err != nil {
		return err
	}

	// 7. The same excerpt after a platform normalized it: the typographic
	// marks are gone, and leaktrace says what the rest can support.
	norm := attack.Normalize(leak)
	fmt.Fprintf(w, "\n7. The same excerpt after a platform stripped invisible characters and\n   straightened quotes; typographic marks are gone:\n\n")
	rep, err = s.Trace(ctx, "leak.txt", []byte(norm), service.DefaultEpsilon, 3)
	if err != nil {
		return err
	}
	writeReport(w, rep)
	fmt.Fprintf(w, "\nNext: 'leaktrace init', 'leaktrace doc add FILE', 'leaktrace recipient add ID',\n'leaktrace issue DOC RECIPIENT', 'leaktrace trace LEAK'. See 'leaktrace --help'.\n")
	return check()
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
