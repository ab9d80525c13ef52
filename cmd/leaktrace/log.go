package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/tlog"
)

func (a *app) logCommand() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "log",
		Short: "Inspect, prove and verify the custody log",
		Long: `Every change to the home — init, a document or reader added, a copy
issued, a trace run — is an entry in an append-only Merkle log (RFC 6962
hashing), with a checkpoint signed by the home's log key after each change.

Auditors keep the verifier key ('log key') and checkpoints ('log checkpoint')
outside the home. With them they can check any entry ('log show N --raw' and
'log proof N') with golang.org/x/mod/sumdb/tlog, and later check that the log
still extends what they kept ('log verify --checkpoint FILE').`,
	})
	cmd.AddCommand(a.logKeyCommand(), a.logCheckpointCommand(), a.logShowCommand(),
		a.logProofCommand(), a.logConsistencyCommand(), a.logVerifyCommand())
	return cmd
}

// parseIndex parses a log index or tree size given on the command line.
func parseIndex(what, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, usagef("%s %q is not a number >= 0", what, s)
	}
	return n, nil
}

func (a *app) logKeyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Print the verifier key of the log's checkpoints",
		Long: `key prints the log's verifier key in the signed-note format
(note.NewVerifier). Hand it to auditors through a channel they trust: it is
what makes a checkpoint evidence.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			_, err = fmt.Fprintln(a.stdout, s.LogKey())
			return err
		},
	}
}

func (a *app) logCheckpointCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoint",
		Short: "Print the latest signed checkpoint",
		Long: `checkpoint prints the latest signed checkpoint exactly as signed: the
log's origin, its size and root hash (C2SP tlog-checkpoint), then the
signature. Save it outside the home; 'log verify --checkpoint FILE' later
proves the log still extends it.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			note, _, err := s.Checkpoint(cmd.Context())
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(note)
			return err
		},
	}
}

// entryJSON is the --json form of a log entry.
type entryJSON struct {
	Index    int64          `json:"index"`
	LeafHash tlog.Hash      `json:"leaf_hash"`
	Entry    *custody.Entry `json:"entry"`
}

func (a *app) logShowCommand() *cobra.Command {
	var raw, asJSON bool
	cmd := &cobra.Command{
		Use:   "show N [--raw | --json]",
		Short: "Show log entry N",
		Long: `show prints entry N (from 0). With --raw it prints the entry's exact bytes,
the leaf whose RFC 6962 hash (tlog.RecordHash) is in the tree, with no
trailing newline.`,
		Args: args(1, "one entry index N"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			if raw && asJSON {
				return usagef("log show takes --raw or --json, not both")
			}
			n, err := parseIndex("entry", argv[0])
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			data, e, err := s.Entry(cmd.Context(), n)
			if raw && data != nil {
				// Raw bytes are shown even when they do not decode: that
				// is when an auditor most wants to see them.
				if _, werr := a.stdout.Write(data); werr != nil {
					return werr
				}
				return err
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, entryJSON{n, tlog.RecordHash(data), e})
			}
			return writeEntry(a.stdout, n, data, e)
		},
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "print the entry's exact bytes")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func writeEntry(w io.Writer, n int64, data []byte, e *custody.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "entry:\t%d\n", n)
	fmt.Fprintf(tw, "leaf hash:\t%v\n", tlog.RecordHash(data))
	fmt.Fprintf(tw, "kind:\t%s\n", termSafe(e.Kind))
	fmt.Fprintf(tw, "time:\t%s\n", termSafe(e.Time))
	fmt.Fprintf(tw, "actor:\t%s\n", termSafe(e.Actor))
	for _, f := range []struct{ name, value string }{
		{"origin", e.Origin},
		{"document", e.Document},
		{"document sha256", e.DocumentSHA256},
		{"recipient", e.Recipient},
		{"copy sha256", e.CopySHA256},
		{"copy format", copyFormat(e)},
		{"leak sha256", e.LeakSHA256},
		{"result", string(e.Result)},
		{"action", e.Action},
		{"reason", e.Reason},
		{"marking", e.Marking},
		{"clearance", e.Clearance},
		{"compartments", strings.Join(e.Compartments, ",")},
		{"citizenship", e.Citizenship},
		{"roles", strings.Join(e.Roles, ",")},
		{"disabled", map[bool]string{true: "yes"}[e.Disabled]},
		{"token", e.Token},
	} {
		if f.value != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", f.name, termSafe(f.value))
		}
	}
	return tw.Flush()
}

func (a *app) logProofCommand() *cobra.Command {
	var size int64
	cmd := &cobra.Command{
		Use:   "proof N [--size S]",
		Short: "Print the inclusion proof of entry N (JSON)",
		Long: `proof prints, as JSON, the proof that entry N is in the tree of size S
(default: the latest checkpoint's): {"index", "tree_size", "leaf_hash",
"proof"}, hashes in standard base64. Check it with tlog.CheckRecord against
a checkpoint of that size.`,
		Args: args(1, "one entry index N"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			n, err := parseIndex("entry", argv[0])
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("size") && size < 1 {
				return usagef("--size must be at least 1")
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			p, err := s.Proof(cmd.Context(), n, size)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, p)
		},
	}
	cmd.Flags().Int64Var(&size, "size", 0, "tree size to prove against (default: the latest checkpoint's)")
	return cmd
}

func (a *app) logConsistencyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "consistency A B",
		Short: "Print the proof that the tree of size B extends that of size A (JSON)",
		Long: `consistency prints, as JSON, the proof that the tree of size B extends
the tree of size A: {"old_size", "new_size", "old_root", "new_root",
"proof"}. Check it with tlog.CheckTree against checkpoints of both sizes.`,
		Args: args(2, "tree sizes A and B"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			from, err := parseIndex("tree size", argv[0])
			if err != nil {
				return err
			}
			to, err := parseIndex("tree size", argv[1])
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			p, err := s.Consistency(cmd.Context(), from, to)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, p)
		},
	}
}

func (a *app) logVerifyCommand() *cobra.Command {
	var checkpoint string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify [--checkpoint FILE] [--json]",
		Short: "Check the log, its checkpoints and the store against each other",
		Long: `verify recomputes the tree from the log's entries and compares every stored
tree hash, checks every stored checkpoint's signature and root (the latest
must cover the whole log), and checks that the documents (with their
content's hash), readers and issued copies in the store agree with the log,
both ways. It also recomputes every document's lookup index from its content
and compares it with the stored one: a stale or damaged index is repaired
by 'leaktrace reindex'. It reads one snapshot of the store, so it can run
while other commands write. It exits non-zero on any mismatch. It needs
neither secret key, but checks those the home holds: a marking.key or
log.key that is not the home's own is an error.

With --checkpoint FILE (a checkpoint an auditor saved from 'log checkpoint'),
it also checks that the current log extends that checkpoint: this catches a
store restored from an older copy, or history rewritten by someone holding
the log key.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var auditor []byte
			if checkpoint != "" {
				var err error
				if auditor, err = a.readLimited(checkpoint, custody.MaxCheckpointSize,
					fmt.Errorf("%w: larger than %d bytes", custody.ErrCheckpoint, custody.MaxCheckpointSize)); err != nil {
					return err
				}
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rep, err := s.VerifyLog(cmd.Context(), auditor)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(a.stdout, rep); err != nil {
					return err
				}
				return rep.Err()
			}
			fmt.Fprintf(a.stdout, "log %s: %s, root %v\n", rep.Origin, count(int(rep.Size), "entry"), rep.Root)
			fmt.Fprintf(a.stdout, "checked %s, %s, %s, %s\n", count(rep.Checkpoints, "checkpoint"), count(rep.Documents, "document"), count(rep.Recipients, "reader"), count(rep.Copies, "copy"))
			fmt.Fprintf(a.stdout, "checked the lookup index: %s\n", count(rep.Fingerprints, "fingerprint"))
			if rep.Auditor != nil {
				fmt.Fprintf(a.stdout, "checked against the auditor's checkpoint of size %d\n", rep.Auditor.Size)
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(a.stdout, "problem: %s\n", termSafe(p)) // problems quote tampered rows
			}
			if rep.Omitted > 0 {
				fmt.Fprintf(a.stdout, "problem: … and %d more\n", rep.Omitted)
			}
			if rep.OK {
				fmt.Fprintln(a.stdout, "ok: the log verifies and agrees with the store")
			}
			return rep.Err()
		},
	}
	cmd.Flags().StringVar(&checkpoint, "checkpoint", "", "a signed checkpoint kept by an auditor; the log must extend it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// readLimited reads a file given on the command line ("-" is standard
// input), refusing one larger than limit bytes, before reading it all,
// with tooLarge.
func (a *app) readLimited(name string, limit int64, tooLarge error) ([]byte, error) {
	r := a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w", name, tooLarge)
	}
	return b, nil
}

// copyFormat describes a typeset copy's format ("pdf, layout 1"), or ""
// for a copy in the document's own format.
func copyFormat(e *custody.Entry) string {
	if e.Format == "" {
		return ""
	}
	if e.Footer {
		return fmt.Sprintf("%s, layout %d, footer naming the reader", e.Format, e.Layout)
	}
	return fmt.Sprintf("%s, layout %d", e.Format, e.Layout)
}
