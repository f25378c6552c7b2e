package cli

import (
	"github.com/spf13/cobra"
)

// scriptGroup is the cobra group of the scripting commands: search, book,
// status, cancel and bookings. Their -h has its own layout (helpOf).
const scriptGroup = "script"

// commonFlags are the flags every scripting command takes.
type commonFlags struct {
	json bool
	conn connFlags
}

func (f *commonFlags) register(cmd *cobra.Command, env Env) {
	cmd.Flags().BoolVar(&f.json, "json", false, "machine output: the API's objects as JSON on stdout; errors as JSON on stderr")
	_ = cmd.Flags().SetAnnotation("json", commonAnnotation, []string{"true"})
	f.conn.register(cmd, env, true)
}

// newScript makes cmd a scripting command: it gets the common flags, and once
// the flags are parsed run gets the invocation and the positional arguments
// and returns the exit code. What the invocation started (the demo
// simulator, the log file) ends with the command.
func newScript(env Env, cmd *cobra.Command, run func(inv *invocation, args []string) int) *cobra.Command {
	var cf commonFlags
	cf.register(cmd, env)
	cmd.GroupID = scriptGroup
	cmd.ValidArgsFunction = cobra.NoFileCompletions
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		inv := newInvocation(cmd, env)
		inv.flags = cf.conn
		defer inv.close()
		return exitWith(run(inv, args))
	}
	return cmd
}
