package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// The vault's commands: readers' access fields, passwords and tokens,
// documents' markings and grants.

// accessFlags are the flags of a reader's access fields, shared by
// recipient add and recipient set.
type accessFlags struct {
	clearance, compartments, citizenship, roles string
}

func (f *accessFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.clearance, "clearance", "", "the `LEVEL` the reader is cleared for: U, C, S or TS (or written out); default U")
	cmd.Flags().StringVar(&f.compartments, "compartments", "", "SCI compartments the reader is read into, comma-separated (`A,B`)")
	cmd.Flags().StringVar(&f.citizenship, "citizenship", "", "the reader's citizenship, an ISO 3166 three-letter code (`CCC`: USA, GBR, ...)")
	cmd.Flags().StringVar(&f.roles, "role", "", "what the reader may do in the vault: reader, issuer, investigator, auditor or admin, combined with commas (default reader)")
}

// apply sets r's access fields from the flags.
func (f *accessFlags) apply(r *leaktrace.Recipient) error {
	r.Clearance, r.Compartments, r.Citizenship = f.clearance, splitList(f.compartments), f.citizenship
	roles, err := service.ParseRoles(f.roles)
	r.Roles = roles
	return err
}

// change is the AccessChange of the flags cmd was given.
func (f *accessFlags) change(cmd *cobra.Command) (service.AccessChange, error) {
	var c service.AccessChange
	fl := cmd.Flags()
	if fl.Changed("clearance") {
		c.Clearance = &f.clearance
	}
	if fl.Changed("compartments") {
		l := splitList(f.compartments)
		c.Compartments = &l
	}
	if fl.Changed("citizenship") {
		c.Citizenship = &f.citizenship
	}
	if fl.Changed("role") {
		roles, err := service.ParseRoles(f.roles)
		if err != nil {
			return c, err
		}
		c.Roles = &roles
	}
	return c, nil
}

func (a *app) recipientSetCommand() *cobra.Command {
	var f accessFlags
	var enable bool
	cmd := &cobra.Command{
		Use:   "set ID [--clearance LEVEL] [--compartments A,B] [--citizenship CCC] [--role ROLES] [--enable]",
		Short: "Change a reader's clearance, compartments, citizenship or roles",
		Long: `set changes the access fields given and leaves the others as they are.
An empty value clears one (--compartments "" reads the reader out of every
compartment, --citizenship "" makes it unknown, --role "" leaves only
reader). --enable lets a disabled reader in again. The change is logged
with the reader's whole access state after it, and takes effect at the
vault's next request.`,
		Args: args(1, "one recipient ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			c, err := f.change(cmd)
			if err != nil {
				return err
			}
			if enable {
				no := false
				c.Disabled = &no
			}
			if c == (service.AccessChange{}) {
				return withHint(usagef("recipient set needs a change"), "pass --clearance, --compartments, --citizenship, --role or --enable")
			}
			return a.updateRecipient(cmd, argv[0], c, "updated")
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&enable, "enable", false, "let a disabled reader sign in and use their tokens again")
	return cmd
}

func (a *app) recipientDisableCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "disable ID",
		Short: "Revoke a reader's access to the vault (their past copies stay in the log)",
		Long: `disable stops a reader from signing in or using any of their tokens, from
the vault's next request on. Their past copies and the log's entries stay;
'recipient set ID --enable' lets them in again.`,
		Args: args(1, "one recipient ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			yes := true
			return a.updateRecipient(cmd, argv[0], service.AccessChange{Disabled: &yes}, "disabled")
		},
	}
}

func (a *app) updateRecipient(cmd *cobra.Command, id string, c service.AccessChange, done string) error {
	s, err := a.open(cmd.Context())
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.UpdateRecipient(cmd.Context(), id, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s recipient %s: %s\n", done, termSafe(r.ID), accessSummary(r))
	return nil
}

// accessSummary describes a reader's access fields in one line.
func accessSummary(r *leaktrace.Recipient) string {
	parts := []string{"clearance " + clearanceOf(r)}
	if len(r.Compartments) > 0 {
		parts = append(parts, "compartments "+strings.Join(r.Compartments, ","))
	}
	if r.Citizenship != "" {
		parts = append(parts, "citizenship "+r.Citizenship)
	}
	parts = append(parts, "roles "+strings.Join(rolesOf(r), ","))
	if r.Disabled {
		parts = append(parts, "disabled")
	}
	return termSafe(strings.Join(parts, ", "))
}

func clearanceOf(r *leaktrace.Recipient) string {
	if r.Clearance == "" {
		return "U"
	}
	return r.Clearance
}

// rolesOf lists a reader's roles as shown: reader when they have no
// other.
func rolesOf(r *leaktrace.Recipient) []string {
	if len(r.Roles) == 0 {
		return []string{service.RoleReader}
	}
	return r.Roles
}

// errPasswordsDiffer: the two passwords typed at a terminal differ.
var errPasswordsDiffer = errors.New("the passwords differ; nothing was set")

func (a *app) recipientPasswdCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "passwd ID",
		Short: "Set a reader's password for the vault's web sign-in",
		Long: fmt.Sprintf(`passwd sets the password a reader signs in to the vault's web UI with. At
a terminal it asks for it twice without echoing it; otherwise it reads one
line from standard input (for scripts). It needs at least %d characters.
Only its argon2id hash is stored, and the log records that it was set.`, service.MinPassword),
		Args: args(1, "one recipient ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			pw, err := a.readPassword(argv[0])
			if err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.SetPassword(cmd.Context(), argv[0], pw); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "set the password of %s\n", termSafe(argv[0]))
			return nil
		},
	}
}

// readPassword reads a new password: twice without echo from a
// terminal, else one line of standard input.
func (a *app) readPassword(id string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		read := func(prompt string) (string, error) {
			fmt.Fprint(a.stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(a.stderr)
			return string(b), err
		}
		pw, err := read("new password for " + termSafe(id) + ": ")
		if err != nil {
			return "", err
		}
		again, err := read("again: ")
		if err != nil {
			return "", err
		}
		if pw != again {
			return "", withHint(errPasswordsDiffer, "type the same password twice")
		}
		return pw, nil
	}
	line, err := bufio.NewReader(io.LimitReader(a.stdin, service.MaxPassword+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), nil
}

func (a *app) tokenCommand() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:     "token",
		Aliases: []string{"tokens"},
		Short:   "Create, revoke and list readers' API tokens for the vault",
	})
	cmd.AddCommand(a.tokenCreateCommand(), a.tokenRevokeCommand(), a.tokenListCommand())
	return cmd
}

type tokenJSON struct {
	ID        string     `json:"id"`
	Recipient string     `json:"recipient"`
	Token     string     `json:"token,omitempty"` // the secret, by create only
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

func toTokenJSON(t *leaktrace.Token) tokenJSON {
	j := tokenJSON{ID: t.ID, Recipient: t.Recipient, CreatedAt: t.CreatedAt.UTC()}
	if !t.RevokedAt.IsZero() {
		at := t.RevokedAt.UTC()
		j.RevokedAt = &at
	}
	return j
}

func (a *app) tokenCreateCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create ID",
		Short: "Create an API bearer token for a reader and print it once",
		Long: `create makes a new bearer token for the reader and prints it on standard
output, once: only its hash is stored. The reader sends it as
"Authorization: Bearer TOKEN". Its id (the 16 hex digits after "lt_")
names it in 'token list' and 'token revoke'.`,
		Args: args(1, "one recipient ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			secret, t, err := s.CreateToken(cmd.Context(), argv[0])
			if err != nil {
				return err
			}
			if asJSON {
				j := toTokenJSON(t)
				j.Token = secret
				return writeJSON(a.stdout, j)
			}
			fmt.Fprintf(a.stderr, "created token %s for %s; it is shown only now, keep it secret:\n", t.ID, termSafe(t.Recipient))
			fmt.Fprintln(a.stdout, secret)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the secret is its token field)")
	return cmd
}

func (a *app) tokenRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke TOKEN-ID",
		Short: "Revoke a token: the vault refuses it from its next request on",
		Args:  args(1, "one token id"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			id := argv[0]
			// A whole token names its id too.
			if rest, ok := strings.CutPrefix(id, "lt_"); ok {
				id, _, _ = strings.Cut(rest, "_")
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.RevokeToken(cmd.Context(), id); errors.Is(err, leaktrace.ErrNotFound) {
				return withHint(err, "'leaktrace token list' shows the tokens' ids")
			} else if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "revoked token %s\n", termSafe(id))
			return nil
		},
	}
}

func (a *app) tokenListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [ID]",
		Short: "List the tokens of a reader, or of every reader (never their secrets)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, argv []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			who := ""
			if len(argv) == 1 {
				who = argv[0]
				if _, err := s.Store.Recipient(cmd.Context(), who); err != nil {
					return err
				}
			}
			ts, err := s.Store.Tokens(cmd.Context(), who)
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]tokenJSON, len(ts))
				for i := range ts {
					out[i] = toTokenJSON(&ts[i])
				}
				return writeJSON(a.stdout, out)
			}
			if len(ts) == 0 {
				fmt.Fprintln(a.stdout, "no tokens; create one with 'leaktrace token create ID'")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tRECIPIENT\tCREATED\tREVOKED")
			for _, t := range ts {
				revoked := "-"
				if !t.RevokedAt.IsZero() {
					revoked = t.RevokedAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, termSafe(t.Recipient), t.CreatedAt.UTC().Format(time.RFC3339), revoked)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) docMarkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "mark DOC MARKING",
		Short: `Set a document's classification marking ("TOP SECRET//SI//NOFORN")`,
		Long: `mark sets the classification banner the vault checks readers against,
written CAPCO-style: a level (UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET
or U, C, S, TS), then optionally "//" and SCI compartments separated by "/",
then optionally "//" and NOFORN or "REL TO" with ISO 3166 three-letter
country codes ("SECRET//REL TO USA, GBR"). It is stored and shown in its
canonical form. An unmarked document is served to nobody.`,
		Args: args(2, "DOC and MARKING"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			canon, err := s.SetMarking(cmd.Context(), argv[0], argv[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "marked %s %s\n", termSafe(argv[0]), termSafe(canon))
			return nil
		},
	}
}

func (a *app) docGrantCommand(grant bool) *cobra.Command {
	use, short, done := "grant DOC RECIPIENT...", "Grant readers a document (need to know)", "granted %s to %s\n"
	if !grant {
		use, short, done = "revoke DOC RECIPIENT...", "Withdraw readers' grants of a document (their past copies stay in the log)", "revoked %s from %s\n"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `, all or none. A reader reads a document in the vault only
if granted it and cleared for its marking; the change takes effect at the
vault's next request.`,
		Args: func(cmd *cobra.Command, argv []string) error {
			if len(argv) < 2 {
				return usagef("%s takes DOC and one or more RECIPIENT ids (got %s)", cmd.CommandPath(), count(len(argv), "argument"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, argv []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			f := s.Grant
			if !grant {
				f = s.Revoke
			}
			if err := f(cmd.Context(), argv[0], argv[1:]); err != nil {
				return err
			}
			for i := range argv {
				argv[i] = termSafe(argv[i])
			}
			fmt.Fprintf(a.stdout, done, argv[0], strings.Join(argv[1:], ", "))
			return nil
		},
	}
}
