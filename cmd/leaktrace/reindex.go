package main

import (
	"fmt"
	"strings"

	"github.com/leaktrace/leaktrace/internal/plural"
	"github.com/spf13/cobra"
)

func (a *app) reindexCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reindex [--json]",
		Short: "Rebuild the lookup index from the documents",
		Long: `reindex rebuilds the lookup index, the fingerprints that trace uses to find
which registered document a leak comes from, from every document's stored
content, in one transaction. Run it when 'log verify' reports a stale or
damaged lookup index: rows deleted or changed outside leaktrace, or
documents registered by a leaktrace that canonicalized words differently.
It lists the documents whose index changed.

reindex is not a logged change. The custody log records the documents,
readers, copies and traces; the index is derived from the logged documents'
content, and 'log verify' recomputes and checks it. So reindex changes no
logged row, adds no log entry, and needs neither log.key nor marking.key.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			n, err := s.Store.DocumentCount(ctx)
			if err != nil {
				return err
			}
			bar := a.progress(n, "reindexing")
			res, err := s.Reindex(ctx, func(done, total int) {
				bar.ChangeMax(total)
				bar.Set(done)
			})
			if err != nil {
				return err
			}
			bar.Finish()
			if asJSON {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "reindexed %s: %d fingerprints\n", count(res.Documents, "document"), res.Fingerprints)
			if len(res.Rebuilt) > 0 {
				fmt.Fprintf(a.stdout, "rebuilt the index of %s\n", strings.Join(res.Rebuilt, ", "))
			} else {
				fmt.Fprintln(a.stdout, "every document's index was already up to date")
			}
			if res.Removed > 0 {
				fmt.Fprintf(a.stdout, "removed %s of no registered document\n", count(res.Removed, "row"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON summary")
	return cmd
}

// count says "1 row", "2 rows", "3 copies".
func count(n int, noun string) string { return plural.Count(n, noun) }
