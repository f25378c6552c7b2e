package cli

import (
	"github.com/spf13/cobra"
)

func serveCommand(env Env) *cobra.Command {
	c := env.ServeDefaults
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the API simulator as a server",
		Long: `Runs the Agent API simulator under /api/v1/client: the whole contract, seeded German
locations, a CPO lifecycle, rate limits, and on demand faults and hostile names. It
prints its base URL and key, and stops cleanly on Ctrl-C or SIGTERM.`,
		Args: cobra.NoArgs,
	}
	fs := cmd.Flags()
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen on `HOST:PORT` (port 0: any free one)")
	fs.StringVar(&c.Key, "key", c.Key, "the API `KEY` the simulator accepts")
	fs.IntVar(&c.RateLimit, "rate-limit", c.RateLimit, "`N` requests per minute per key (sliding window)")
	fs.IntVar(&c.MonthlyQuota, "quota", c.MonthlyQuota, "`N` requests per calendar month per key")
	fs.Float64Var(&c.Speed, "speed", c.Speed, "divide every lifecycle wait tied to the reservation (time to start, charging, grace) by `N`")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "the `SEED` of the generated locations and the lifecycle delays")
	fs.StringVar(&c.Faults, "faults", c.Faults, "inject faults: `SPEC` is a preset (flaky, slow, cpo, chaos) and/or key=value items, "+
		`e.g. "flaky,latency=50ms+100ms,drop-after=5%" (see api/sim/doc.go)`)
	fs.DurationVar(&c.ConfirmTimeout, "confirm-timeout", c.ConfirmTimeout, "how long an unanswered booking waits before it EXPIRES (`D`, default 30s)")
	fs.BoolVar(&c.Hostile, "hostile", c.Hostile, "serve terminal-hostile location and CPO names (escape sequences, bidi, very wide text)")
	for _, name := range []string{"addr", "key", "rate-limit", "quota", "speed", "seed", "faults", "confirm-timeout"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if env.Serve == nil {
			inv := newInvocation(cmd, env)
			return exitWith(inv.report(failure{Error: "this build has no simulator to serve", Kind: "error"}, exitError, ""))
		}
		return exitWith(env.Serve(cmd.Context(), c, env.Stdout, env.Stderr))
	}
	return cmd
}
