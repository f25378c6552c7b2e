package cli

import (
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api/server"
)

func serveCommand(env Env) *cobra.Command {
	c := env.ServeDefaults
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the API simulator as a server",
		Long: `Runs the Agent API simulator under /api/v1/client: the whole contract, seeded German
locations, a CPO lifecycle, rate limits, and on demand faults and hostile names. It
prints its base URL and key, logs each request on stderr, and stops cleanly on Ctrl-C
or SIGTERM.`,
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
	registerLogFormat(cmd, &c.LogFormat)
	for _, name := range []string{"addr", "key", "rate-limit", "quota", "speed", "seed", "faults", "confirm-timeout"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		inv := newInvocation(cmd, env)
		if _, code := newLogger(inv, c.LogFormat); code >= 0 { // main makes its own, on stderr
			return exitWith(code)
		}
		if env.Serve == nil {
			return exitWith(inv.report(failure{Error: "this build has no simulator to serve", Kind: "error"}, exitError, ""))
		}
		return exitWith(env.Serve(cmd.Context(), c, env.Stdout, env.Stderr))
	}
	return cmd
}

// registerLogFormat is the --log-format flag of a command that serves.
func registerLogFormat(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVar(format, "log-format", *format, "log each request and every error to stderr as `FORMAT`: text or json")
	_ = cmd.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions(server.LogFormats, cobra.ShellCompDirectiveNoFileComp))
}

// newLogger is a server's logger on stderr in format, with the keys the
// command knows masked should a line hold one; a format it does not know is
// a usage error (the exit code, else -1).
func newLogger(inv *invocation, format string) (*slog.Logger, int) {
	log, err := server.NewLogger(maskedStderr{inv}, format)
	if err != nil {
		return nil, inv.report(failure{Error: "--log-format: " + err.Error(), Kind: "usage"}, exitUsage, "")
	}
	return log, -1
}

// maskedStderr is stderr with the command's keys masked.
type maskedStderr struct{ inv *invocation }

func (m maskedStderr) Write(p []byte) (int, error) {
	if _, err := io.WriteString(m.inv.env.Stderr, m.inv.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
