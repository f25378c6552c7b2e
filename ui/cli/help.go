package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
)

// exitCodeHelp is the table of exit codes, in every -h and `chargedesk help`.
const exitCodeHelp = `Exit codes:
  0    done; with --wait: the booking reached a final status (COMPLETED,
       CANCELLED, EXPIRED or NO_SHOW — whichever; read it from the output)
  1    anything else
  2    usage: unknown flag, missing argument; or a configuration error
  3    invalid request: refused by chargedesk's checks (nothing sent) or by the API (400)
  4    not found (404)
  5    conflict (409): the EVSE is not available for that time
  6    rate limited (429): the error says when to retry
  7    network failure, server error (5xx), unreadable answer, or an unknown
       outcome of a booking (never sent twice: look it up by its external id)
  8    authentication: API key missing or rejected (401), account refused (403)
  9    refused in read-only mode (--read-only)
  130  interrupted (Ctrl-C) — a watched booking is left as it is
`

const timeHelp = `Times are Europe/Berlin: "YYYY-MM-DD HH:MM", "DD.MM.YYYY HH:MM", "HH:MM" (the next one),
or RFC 3339 with an offset ("2026-12-01T13:00:00Z"). Durations: 1h, 90m, 1h30m.
`

const outputHelp = `Output: aligned tables or a booking block; server text is cleaned of control
characters and escape sequences. With --json: the API's objects as JSON on stdout
(indented; with --wait one object per line as each status arrives), and errors as
one line {"error": "…", "kind": "…", "status": N} on stderr (its last line; notices
such as the demo one come before it). The API key is never printed.
`

const configHelp = `Configuration as the TUI (flag > environment > profile > demo): the key comes
from ` + api.EnvAPIKey + ` or a profile, never from a flag. With no key configured the
command runs on the embedded demo simulator and says so on stderr.
`

// setHelp gives chargedesk's commands their -h: the overview for the root,
// the scripting layout for search, book, …, a short one for serve and config;
// cobra's own for completion.
func setHelp(root *cobra.Command, env Env) {
	cobraHelp := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		w := cmd.OutOrStdout()
		switch {
		case !cmd.HasParent():
			_, _ = io.WriteString(w, rootHelp(cmd, localstate.ConfigPath(env.Getenv)))
		case cmd.GroupID == scriptGroup:
			_, _ = io.WriteString(w, scriptHelp(cmd))
		case cmd.Name() == "serve" || cmd.Name() == "config":
			_, _ = fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n\nFlags:\n%s", cmd.CommandPath(), cmd.Long, cmd.LocalFlags().FlagUsages())
		default:
			cobraHelp(cmd, args)
		}
	})
}

// flagsWhere lists the command's flags that keep says to, as pflag prints them.
func flagsWhere(cmd *cobra.Command, keep func(*pflag.Flag) bool) string {
	fs := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if keep(f) {
			fs.AddFlag(f)
		}
	})
	return fs.FlagUsages()
}

// scriptHelp is a scripting command's -h: its synopsis and what it does, its
// flags, the common flags, and how configuration, times, output and exit
// codes work.
func scriptHelp(cmd *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: chargedesk %s\n\n%s\n", cmd.Use, cmd.Long)
	b.WriteString("\nFlags:\n" + flagsWhere(cmd, func(f *pflag.Flag) bool { return !isCommon(f) }))
	b.WriteString("\nCommon flags:\n" + flagsWhere(cmd, isCommon))
	b.WriteString("\n" + configHelp + "\n" + timeHelp + "\n" + outputHelp + "\n" + exitCodeHelp)
	return b.String()
}

// rootHelp is `chargedesk -h` and `chargedesk help`: the TUI's flags, every
// command, the configuration and the exit codes.
func rootHelp(root *cobra.Command, configPath string) string {
	var b strings.Builder
	b.WriteString("chargedesk — book EV chargers through the Petit Monde Energy Agent API\n\nUsage:\n")
	b.WriteString("  chargedesk [flags]            the interactive booking assistant (demo on the embedded\n" +
		"                                simulator when no API key is configured)\n")
	scripts := scriptCommands(root)
	for _, c := range scripts {
		fmt.Fprintf(&b, "  chargedesk %-18s %s\n", c.Name(), c.Short)
	}
	b.WriteString("  chargedesk serve              run the API simulator as a server (serve -h)\n")
	b.WriteString("  chargedesk gateway            one key for a support team: agent tokens, one budget, an audit (gateway -h)\n")
	b.WriteString("  chargedesk config             show the resolved configuration (key masked)\n")
	b.WriteString("  chargedesk completion SHELL   a completion script for bash, zsh, fish or powershell\n")
	b.WriteString("  chargedesk help COMMAND       a command's flags (same as COMMAND -h)\n")
	b.WriteString("\nFlags of the TUI:\n" + root.LocalFlags().FlagUsages())
	b.WriteString("\nScripting commands:\n")
	for _, c := range scripts {
		for i, l := range strings.Split(c.Use, "\n") {
			if i == 0 {
				l = "chargedesk " + l
			}
			b.WriteString("  " + l + "\n")
		}
	}
	b.WriteString(`
Common flags: --json, --api-url URL, --profile NAME, --demo, --read-only, --log FILE
(and --speed N, --seed N for the demo simulator). Flags may come before or after ID.

`)
	fmt.Fprintf(&b, "Configuration (flag > environment > profile > demo):\n"+
		"  %-20s the API key (never given as a flag: it would show in ps)\n"+
		"  %-20s the API base URL (default %s)\n"+
		"  %-20s a profile of %s\n\n", api.EnvAPIKey, api.EnvAPIURL, api.DefaultBaseURL, api.EnvProfile, configPath)
	b.WriteString(configHelp + "\n" + timeHelp + "\n" + outputHelp + "\n" + exitCodeHelp)
	return b.String()
}

// scriptCommands are the scripting commands in the order of a session:
// search, book, status, cancel, bookings (cobra sorts its list by name).
func scriptCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, name := range []string{"search", "book", "status", "cancel", "bookings"} {
		for _, c := range root.Commands() {
			if c.Name() == name {
				out = append(out, c)
			}
		}
	}
	return out
}

// helpCommand is `chargedesk help [COMMAND]`; an unknown one is a usage error.
func helpCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "a command's flags (same as COMMAND -h)",
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, c := range cmd.Root().Commands() {
				if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err == nil && len(rest) > 0 {
				err = fmt.Errorf("unknown command %q for %q", rest[0], target.CommandPath())
			}
			if err != nil {
				return exitWith(newInvocation(cmd, env).usageError(err.Error()))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}
