// Package cli is chargedesk's command line: the root command that opens the
// TUI, the scripting commands (search, book, status, cancel, bookings), config,
// serve, help and shell completion, on cobra.
//
// Every side effect comes in through one Env: the streams, the environment,
// the clock, how to wait, Ctrl-C, the demo simulator and the simulator
// server. main builds the real one; the tests build their own, so commands
// run in parallel in one process and this package never imports the
// simulator.
package cli

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/model"
)

// Env is everything a run of chargedesk takes from the outside world.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv; tests pass a map).
	Getenv func(string) string
	// Clock is what the client validates with and --wait reckons by.
	Clock model.Clock
	// Sleep waits d or until ctx ends: poll intervals and the client's retries.
	Sleep func(ctx context.Context, d time.Duration) error
	// Signals returns a context that the signals asking chargedesk to stop
	// end: NotifyStop in a real process.
	Signals func(ctx context.Context) (context.Context, context.CancelFunc)
	// StartDemo serves the embedded simulator on a loopback port (demo mode:
	// no key configured, or --demo).
	StartDemo func(speed float64, seed int64) (Demo, error)
	// Serve runs the simulator as a server until ctx ends (chargedesk serve)
	// and returns the exit code; ServeDefaults are its flags' defaults.
	Serve         func(ctx context.Context, cfg ServeConfig, stdout, stderr io.Writer) int
	ServeDefaults ServeConfig
	// Version is printed by --version and sent in the User-Agent; Commit,
	// the revision it was built from, is printed by --version too
	// (BuildStamp gives both).
	Version, Commit string
}

// Demo is a running embedded simulator.
type Demo struct {
	BaseURL string
	Key     string // the key it accepts
	// GeocoderURL is its Nominatim-style geocoder ("" none): in the demo,
	// addresses are looked up on this machine too.
	GeocoderURL string
	Stop        func()
}

// ServeConfig is what chargedesk serve was asked for.
type ServeConfig struct {
	Addr         string
	Key          string
	RateLimit    int
	MonthlyQuota int
	Speed        float64
	Seed         int64
	Faults       string // the --faults spec, parsed by the simulator
	Hostile      bool
	// ConfirmTimeout is how long the simulated CPO may leave a booking
	// unanswered before it expires (0: the simulator's default, 30 s).
	ConfirmTimeout time.Duration
	// LogFormat is how requests and errors are logged on stderr: text
	// (the default) or json.
	LogFormat string
}

// Exit codes of the scripting commands, documented in `chargedesk help`, every
// command's -h and the README.
const (
	exitOK          = 0   // done (with --wait: the booking reached a final status, whichever)
	exitError       = 1   // anything else
	exitUsage       = 2   // bad flags or arguments, or a configuration error
	exitInvalid     = 3   // refused by chargedesk's checks or by the API (400)
	exitNotFound    = 4   // 404
	exitConflict    = 5   // 409: the EVSE is not available for that time
	exitRateLimited = 6   // 429
	exitUnavailable = 7   // no answer, a 5xx, an unreadable answer, or an unknown outcome
	exitAuth        = 8   // 401 or 403
	exitReadOnly    = 9   // refused: --read-only
	exitInterrupted = 130 // Ctrl-C (or SIGTERM) while working or waiting
)

// exitStatus carries a command's exit code out of cobra once the command has
// reported why (on stderr).
type exitStatus int

func (e exitStatus) Error() string { return "exit status" }

// exitWith turns a command's exit code into what its RunE returns.
func exitWith(n int) error {
	if n == exitOK {
		return nil
	}
	return exitStatus(n)
}

// Execute runs chargedesk with args (without the program name) and returns
// the exit code.
func Execute(args []string, env Env) int {
	ctx, stop := env.Signals(context.Background())
	defer stop()
	root := newRoot(env)
	root.SetArgs(append([]string{}, args...)) // never nil: cobra would read os.Args
	cmd, err := root.ExecuteContextC(ctx)
	var st exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &st):
		return int(st)
	}
	// Cobra's own refusals: an unknown command or flag, a bad flag value.
	if cmd == nil {
		cmd = root
	}
	inv := newInvocation(cmd, env)
	inv.json = wantsJSON(args)
	return inv.usageError(err.Error())
}

// newRoot builds the command tree.
func newRoot(env Env) *cobra.Command {
	root := tuiCommand(env)
	root.SilenceErrors, root.SilenceUsage = true, true
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.AddGroup(&cobra.Group{ID: scriptGroup, Title: "Scripting commands:"})
	root.AddCommand(searchCommand(env), bookCommand(env), statusCommand(env), cancelCommand(env),
		bookingsCommand(env), configCommand(env), serveCommand(env), gatewayCommand(env))
	root.SetHelpCommand(helpCommand(env))
	setHelp(root, env)
	return root
}
