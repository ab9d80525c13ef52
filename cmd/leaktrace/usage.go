package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// group makes cmd, a command that only holds subcommands, refuse an
// unknown subcommand as a usage mistake; alone (or followed by "help"),
// it prints its help.
// Without this, cobra prints the help of "doc rm memo" and exits 0.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.DisableSuggestions = true // hintFor suggests, on its own line
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(c *cobra.Command, argv []string) error {
		if len(argv) == 1 && argv[0] == "help" && c.HasParent() {
			return nil // "doc help" asks for help on doc
		}
		if len(argv) > 0 {
			return usageError{unknownCommand{group: c, name: argv[0]}}
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	return cmd
}

// strictUsage makes every mistake in how root's command tree is called a
// usage error with a hint: an unknown flag (see [flagError]), and typos
// after cobra's own commands, "help bogus" and "completion bogus", which
// would otherwise print help and succeed. (The command groups refuse
// unknown subcommands themselves: see [group].)
func strictUsage(root *cobra.Command) {
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		RunE: func(_ *cobra.Command, argv []string) error {
			cmd, rest, err := root.Find(argv)
			if err != nil {
				return usageError{err}
			}
			if len(rest) > 0 {
				return usageError{unknownCommand{group: cmd, name: rest[0]}}
			}
			return cmd.Help()
		},
	})
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			group(c)
		}
	}
}

// unknownCommand is a name that is not a subcommand of group.
type unknownCommand struct {
	group *cobra.Command
	name  string
}

func (e unknownCommand) Error() string {
	return fmt.Sprintf("unknown command %q for %q", e.name, e.group.CommandPath())
}

// suggestions lists the subcommands of group that name may have
// meant, as cobra finds them.
func (e unknownCommand) suggestions() []string { return e.group.SuggestionsFor(e.name) }

// commands lists the group's subcommands.
func (e unknownCommand) commands() []string {
	var names []string
	for _, c := range e.group.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// unknownFlag is a flag that cmd does not have.
type unknownFlag struct {
	cmd *cobra.Command
	err *pflag.NotExistError
}

func (e unknownFlag) Error() string { return e.err.Error() }
func (e unknownFlag) Unwrap() error { return e.err }

// suggestions lists cmd's flags within two edits of the unknown one, or
// that start with it, sorted. A shorthand gets none.
func (e unknownFlag) suggestions() []string {
	name := strings.ToLower(e.err.GetSpecifiedName())
	if name == "" || e.err.GetSpecifiedShortnames() != "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	visit := func(f *pflag.Flag) {
		if f.Hidden || seen[f.Name] {
			return
		}
		if editDistance(name, f.Name) <= 2 || strings.HasPrefix(f.Name, name) {
			seen[f.Name] = true
			out = append(out, f.Name)
		}
	}
	e.cmd.Flags().VisitAll(visit)
	e.cmd.InheritedFlags().VisitAll(visit)
	sort.Strings(out)
	return out
}

// flagError turns every flag parsing error into a usage error.
func flagError(c *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		return usageError{unknownFlag{cmd: c, err: ne}}
	}
	return usageError{err}
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
