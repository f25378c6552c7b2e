package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api/localstate"
)

func configCommand(env Env) *cobra.Command {
	var f connFlags
	cmd := &cobra.Command{
		Use:   "config",
		Short: "show the resolved configuration (key masked)",
		Long: `Shows where chargedesk would talk and with which key (masked), and where each came
from: flag > environment > profile > demo. Nothing is sent.`,
		Args: cobra.NoArgs,
	}
	f.register(cmd, env, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		inv := newInvocation(cmd, env)
		res, warnings, err := resolve(env, f)
		if err != nil {
			return exitWith(inv.report(failure{Error: err.Error(), Kind: "config"}, exitUsage, ""))
		}
		inv.out(fmt.Sprintf("config file: %s\n%s", localstate.ConfigPath(env.Getenv), res.String()))
		for _, w := range warnings {
			inv.out("warning: " + w + "\n")
		}
		return nil
	}
	return cmd
}
