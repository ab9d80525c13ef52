package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/leaktrace/leaktrace/internal/fsutil"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// issueBatch is how many copies are recorded in one transaction before
// they are written out.
const issueBatch = 256

func (a *app) issueCommand() *cobra.Command {
	var out, outDir string
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:   "issue DOC RECIPIENT [-o FILE] | issue DOC --all --out DIR",
		Short: "Issue a reader's marked copy of a document",
		Long: `issue renders a reader's uniquely marked copy of a document, in the
document's own format. Re-issuing gives the same bytes. Every copy is
recorded in the store before it is written out.

With --all, every registered reader gets a copy, written to
DIR/<recipient>.<ext>.`,
		Args: func(cmd *cobra.Command, argv []string) error {
			if all {
				if len(argv) != 1 {
					return usagef("issue --all takes one DOC")
				}
				if outDir == "" {
					return usagef("issue --all needs --out DIR")
				}
				return nil
			}
			if len(argv) != 2 {
				return usagef("issue takes DOC and RECIPIENT (or DOC --all --out DIR)")
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
			if !all {
				copies, err := s.Issue(ctx, m, []string{argv[1]})
				if err != nil {
					return err
				}
				if out == "" || out == "-" {
					_, err = a.stdout.Write(copies[0].Data)
					return err
				}
				return fsutil.WriteFile(out, copies[0].Data, 0o600)
			}
			rs, err := s.Store.Recipients(ctx)
			if err != nil {
				return err
			}
			if len(rs) == 0 {
				return withHint(fmt.Errorf("no recipients registered"), "add readers with 'leaktrace recipient add ID' or 'recipient import FILE.csv'")
			}
			if err := os.MkdirAll(outDir, 0o700); err != nil {
				return err
			}
			ext := filepath.Ext(d.Filename)
			if ext == "" {
				ext = "." + d.Format
			}
			bar := a.progress(len(rs), "issuing "+d.ID)
			for start := 0; start < len(rs); start += issueBatch {
				if err := ctx.Err(); err != nil {
					return err
				}
				ids := make([]string, 0, issueBatch)
				for _, r := range rs[start:min(start+issueBatch, len(rs))] {
					ids = append(ids, r.ID)
				}
				copies, err := s.Issue(ctx, m, ids)
				if err != nil {
					return err
				}
				for _, c := range copies {
					if err := fsutil.WriteFile(filepath.Join(outDir, c.Recipient+ext), c.Data, 0o600); err != nil {
						return err
					}
					bar.Add(1)
				}
			}
			bar.Finish()
			if err := fsutil.SyncDir(outDir); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, map[string]any{"document": d.ID, "copies": len(rs), "out": outDir})
			}
			fmt.Fprintf(a.stdout, "issued %d copies of %s to %s\n", len(rs), d.ID, outDir)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the copy to FILE instead of standard output")
	cmd.Flags().BoolVar(&all, "all", false, "issue a copy to every registered reader")
	cmd.Flags().StringVar(&outDir, "out", "", "with --all: the directory to write copies to")
	cmd.Flags().BoolVar(&asJSON, "json", false, "with --all: print a JSON summary")
	return cmd
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
