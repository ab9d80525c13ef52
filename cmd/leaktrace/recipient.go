package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/spf13/cobra"
)

func (a *app) recipientCommand() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:     "recipient",
		Aliases: []string{"recipients", "reader"},
		Short:   "Register and list readers",
	})
	cmd.AddCommand(a.recipientAddCommand(), a.recipientImportCommand(), a.recipientListCommand(),
		a.recipientSetCommand(), a.recipientDisableCommand(), a.recipientPasswdCommand())
	return cmd
}

func (a *app) recipientAddCommand() *cobra.Command {
	var r leaktrace.Recipient
	var f accessFlags
	cmd := &cobra.Command{
		Use:   "add ID [--clearance LEVEL] [--compartments A,B] [--citizenship CCC] [--role ROLES]",
		Short: "Register a reader",
		Long: `add registers a reader. The access flags say what the reader may read and
do in the vault (leaktrace serve): the level they are cleared for (default
U), the SCI compartments they are read into, their citizenship (for NOFORN
and REL TO), and their roles (default reader). 'recipient set' changes them.`,
		Args: args(1, "one recipient ID"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			r.ID = argv[0]
			if err := f.apply(&r); err != nil {
				return err
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.AddRecipients(cmd.Context(), []leaktrace.Recipient{r}); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "added recipient %s\n", termSafe(r.ID))
			return nil
		},
	}
	cmd.Flags().StringVar(&r.Name, "name", "", "the reader's name")
	cmd.Flags().StringVar(&r.Email, "email", "", "the reader's email address")
	f.register(cmd)
	return cmd
}

func (a *app) recipientImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Register readers from a CSV file (header: id,name,email), all or none",
		Long: `import registers the readers of a CSV file, all or none. Its header names
the columns, in any order: id (required), name, email, and optionally the
access fields clearance, compartments, citizenship and roles (lists
separated by ';', or by ',' inside a quoted field).`,
		Args: args(1, "one CSV file"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			var in io.Reader = a.stdin
			if argv[0] != "-" {
				f, err := os.Open(argv[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			rs, err := service.ParseRecipientsCSV(in)
			if err != nil {
				return fmt.Errorf("%s: %w", argv[0], err)
			}
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.AddRecipients(cmd.Context(), rs); err != nil {
				return fmt.Errorf("%s: nothing imported: %w", argv[0], err)
			}
			fmt.Fprintf(a.stdout, "imported %s\n", count(len(rs), "recipient"))
			return nil
		},
	}
}

type recipientJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	AddedAt      time.Time `json:"added_at"`
	Clearance    string    `json:"clearance"`
	Compartments []string  `json:"compartments"`
	Citizenship  string    `json:"citizenship"`
	Roles        []string  `json:"roles"`
	Disabled     bool      `json:"disabled"`
}

func (a *app) recipientListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List readers",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			rs, err := s.Store.Recipients(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]recipientJSON, len(rs))
				for i, r := range rs {
					out[i] = recipientJSON{r.ID, r.Name, r.Email, r.AddedAt.UTC(),
						clearanceOf(&r), append([]string{}, r.Compartments...), r.Citizenship, rolesOf(&r), r.Disabled}
				}
				return writeJSON(a.stdout, out)
			}
			if len(rs) == 0 {
				fmt.Fprintln(a.stdout, "no recipients; add one with 'leaktrace recipient add ID'")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tCLEARANCE\tCOMPARTMENTS\tCITIZENSHIP\tROLES\tSTATUS")
			for _, r := range rs {
				status := "enabled"
				if r.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", termSafe(r.ID), orDash(termSafe(r.Name)), orDash(termSafe(r.Email)),
					clearanceOf(&r), orDash(strings.Join(r.Compartments, ",")), orDash(r.Citizenship), strings.Join(rolesOf(&r), ","), status)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// orDash shows an empty field of a table as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
