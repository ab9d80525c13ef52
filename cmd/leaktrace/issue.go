package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/fsutil"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// issueBatch is how many copies are recorded in one transaction before
// they are written out.
const issueBatch = 256

func (a *app) issueCommand() *cobra.Command {
	var out, outDir, formatName string
	var all, asJSON, force, footer bool
	cmd := &cobra.Command{
		Use:   "issue DOC RECIPIENT [-o FILE] [--format pdf] | issue DOC --all --out DIR [--format pdf]",
		Short: "Issue a reader's marked copy of a document",
		Long: `issue renders a reader's uniquely marked copy of a document, in the
document's own format. Re-issuing gives the same bytes. Every copy is
recorded in the store before it is written out.

-o FILE works like the shell's "> FILE": a device, FIFO or socket is
written through, a symlink is followed, and a regular file is written
atomically. An existing regular file is never replaced unless --force is
given, and nothing is written inside the home. "-o -", or no -o, writes
the copy to standard output.

With --all, every registered reader gets a copy, written to
DIR/<recipient>.<ext>. Copies already there and identical to the copy the
store recorded are skipped, so an interrupted run can simply be run again;
a different file there is never replaced unless --force is given.

--format pdf issues a typeset PDF copy instead (DIR/<recipient>.pdf with
--all): the same text marks, plus layout marks in the position of words,
which a photo, scan or screenshot of a page keeps. --footer prints the
reader's name at the foot of every page. A PDF is never written to a
terminal.`,
		Args: func(cmd *cobra.Command, argv []string) error {
			if footer && formatName != leaktrace.FormatPDF {
				return withHint(usagef("--footer needs --format pdf"), "a copy in the document's own format has no page to print a footer on")
			}
			if all {
				if len(argv) != 1 {
					return usagef("issue --all takes one DOC")
				}
				if outDir == "" {
					return usagef("issue --all needs --out DIR")
				}
				if cmd.Flags().Changed("output") {
					return usagef("issue --all writes to --out DIR, not -o")
				}
				return nil
			}
			if len(argv) != 2 {
				return usagef("issue takes DOC and RECIPIENT (or DOC --all --out DIR)")
			}
			if out == "" && cmd.Flags().Changed("output") {
				return withHint(usagef("-o needs a FILE"), "name a file, or pass -o - (or no -o) for standard output")
			}
			if outDir != "" {
				return usagef("--out DIR is for issue --all; write one copy with -o FILE")
			}
			if asJSON && (out == "" || out == "-") {
				return withHint(usagef("--json needs -o FILE: the copy itself goes to standard output"),
					"write the copy with -o FILE to get a JSON summary on standard output")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, argv []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			m, d, err := s.Marker(ctx, argv[0])
			if err != nil {
				return err
			}
			opt := service.IssueOptions{Footer: footer}
			switch formatName {
			case "", d.Format:
			case leaktrace.FormatPDF:
				opt.Format = leaktrace.FormatPDF
			default:
				return withHint(usagef("--format %s: %s is a %s document", termSafe(formatName), termSafe(d.ID), termSafe(d.Format)),
					fmt.Sprintf("issue it as %s (the default) or as pdf", termSafe(d.Format)))
			}
			if all {
				return a.issueAll(ctx, s, m, d, opt, outDir, force, asJSON)
			}
			toFile := out != "" && out != "-"
			o := a.output(out, force)
			// Refuse before the copy is recorded as issued.
			if toFile {
				if _, err := o.Check(); err != nil {
					return err
				}
				if asJSON && a.isStdout(out) {
					return withHint(usagef("--json with -o %s would write the copy and the JSON summary to the same place, standard output", termSafe(out)),
						"write the copy with -o to another file to get a JSON summary on standard output")
				}
			} else if err := a.stdoutOpen(); err != nil {
				return err
			} else if opt.Format == leaktrace.FormatPDF && a.stdoutTerminal() {
				return withHint(usagef("will not write a PDF to a terminal"), "write it to a file with -o FILE (or redirect standard output)")
			} else if f := format.Of(m.Set().Doc); opt.Format == "" && f.Binary && a.stdoutTerminal() {
				return withHint(usagef("will not write a %s file to a terminal", f.Name), "write it to a file with -o FILE (or redirect standard output)")
			}
			copies, err := s.IssueWith(ctx, m, []string{argv[1]}, opt)
			if err != nil {
				return err
			}
			c := copies[0]
			if !toFile {
				_, err = a.stdout.Write(c.Data)
				return err
			}
			if err := o.Write(ctx, c.Data, 0o600); err != nil {
				return err
			}
			if asJSON {
				j := map[string]any{"document": d.ID, "recipient": c.Recipient, "sha256": leaktrace.Hash(c.Data), "out": out}
				if opt.Format != "" {
					j["format"], j["layout"] = opt.Format, layout.Version1
				}
				return writeJSON(a.stdout, j)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the copy to FILE instead of standard output")
	cmd.Flags().BoolVar(&all, "all", false, "issue a copy to every registered reader")
	cmd.Flags().StringVar(&outDir, "out", "", "with --all: the directory to write copies to")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing regular file (with --all: files that differ from the copy)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON summary (needs -o FILE or --all)")
	cmd.Flags().StringVar(&formatName, "format", "", "pdf: a typeset PDF copy with layout marks (default: the document's own format)")
	cmd.Flags().BoolVar(&footer, "footer", false, "with --format pdf: print the reader's name at the foot of every page")
	return cmd
}

// issueAll writes every reader's copy of d to dir. It refuses before
// issuing anything when a file it would replace differs from the copy and
// force is not set, and skips the files already there and identical to the
// copy the store recorded.
func (a *app) issueAll(ctx context.Context, s *service.Service, m *leaktrace.Marker, d *leaktrace.Document, opt service.IssueOptions, dir string, force, asJSON bool) error {
	rs, err := s.Store.Recipients(ctx)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return withHint(fmt.Errorf("no recipients registered"), "add readers with 'leaktrace recipient add ID' or 'recipient import FILE.csv'")
	}
	if err := fsutil.Outside(dir, a.output(dir, force).Protect); err != nil {
		return err
	}
	if opt.Format == leaktrace.FormatPDF {
		// A document the fonts can't draw fails here, before DIR is made.
		if _, err := s.Layout(m); err != nil {
			return err
		}
	}
	if err := fsutil.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ext := service.CopyExt(d, opt.Format)
	recorded, err := s.Store.Copies(ctx, d.ID)
	if err != nil {
		return err
	}
	sums := make(map[string]string, len(recorded))
	for _, c := range recorded {
		if c.Format == opt.Format && c.Footer == opt.Footer {
			sums[c.Recipient] = c.SHA256
		}
	}
	path := func(r string) string { return filepath.Join(dir, r+ext) }
	// Each file is checked on its own: a symlink in dir may lead anywhere,
	// and a FIFO there would block the batch.
	output := func(r string, force bool) fsutil.Output {
		o := a.output(path(r), force)
		o.Batch = true
		return o
	}
	var todo, conflicts []string
	skipped := 0
	for _, r := range rs {
		p := path(r.ID)
		kind, err := output(r.ID, true).Check()
		if err != nil {
			return err
		}
		if kind == fsutil.Regular {
			sum, err := fsutil.HashFile(p)
			if err != nil {
				return err
			}
			if sum == sums[r.ID] {
				skipped++
				continue
			}
			if !force {
				conflicts = append(conflicts, r.ID)
				continue
			}
		}
		todo = append(todo, r.ID)
	}
	if len(conflicts) > 0 {
		return fmt.Errorf("%s: %w and is not %s's copy of %s (%d of %s in %s differ; nothing was issued)",
			path(conflicts[0]), fsutil.ErrExists, conflicts[0], d.ID, len(conflicts), count(len(rs), "file"), dir)
	}
	bar := a.progress(len(todo), "issuing "+d.ID)
	for start := 0; start < len(todo); start += issueBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		copies, err := s.IssueWith(ctx, m, todo[start:min(start+issueBatch, len(todo))], opt)
		if err != nil {
			return err
		}
		for _, c := range copies {
			if err := output(c.Recipient, force).Write(ctx, c.Data, 0o600); err != nil {
				return err
			}
			bar.Add(1)
		}
	}
	bar.Finish()
	if asJSON {
		j := map[string]any{"document": d.ID, "copies": len(rs), "written": len(todo), "skipped": skipped, "out": dir}
		if opt.Format != "" {
			j["format"], j["layout"] = opt.Format, layout.Version1
		}
		return writeJSON(a.stdout, j)
	}
	fmt.Fprintf(a.stdout, "issued %s of %s to %s", count(len(todo), "copy"), termSafe(d.ID), termSafe(dir))
	if skipped > 0 {
		fmt.Fprintf(a.stdout, "; skipped %d already there and identical", skipped)
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// stdoutTerminal reports whether standard output is a terminal.
func (a *app) stdoutTerminal() bool {
	f, ok := a.stdoutFile.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress returns a progress bar on standard error when it is a terminal,
// and a silent one otherwise.
func (a *app) progress(n int, what string) *progressbar.ProgressBar {
	var w io.Writer = io.Discard
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w = f
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
}
