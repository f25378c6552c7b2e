package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui"
)

// The demo's prefilled booking customer: with the guide's example search
// (demoSearch) the demo books in four Enter presses.
const demoCustomer = "cust_demo_001"

// demoSearch is the provider guide's example search, prefilled in the demo.
var demoSearch = model.SearchInput{Place: "München", Radius: "25", Connector: "CCS", PowerMin: "50"}

// demoPoint is where the guide's example searches: Marienplatz, München.
const demoPoint = "48.1351, 11.5820"

// tuiFlags are the root command's: what to connect to, and the TUI's own.
type tuiFlags struct {
	conn      connFlags
	noHistory bool
}

// tuiCommand is the root command: with no subcommand chargedesk opens the
// booking assistant.
func tuiCommand(env Env) *cobra.Command {
	var f tuiFlags
	cmd := &cobra.Command{
		Use:     "chargedesk",
		Short:   "book EV chargers through the Petit Monde Energy Agent API",
		Version: versionLine(env),
		// No Args: cobra then refuses an unknown subcommand by name ("serach").
		RunE: func(cmd *cobra.Command, _ []string) error {
			return exitWith(runTUI(cmd, env, f))
		},
	}
	cmd.SetVersionTemplate("chargedesk {{.Version}}\n")
	f.conn.register(cmd, env, false)
	cmd.Flags().BoolVar(&f.noHistory, "no-history", false, "do not remember recent places and customer ids (also CHARGEDESK_NO_HISTORY=1)")
	return cmd
}

// runTUI connects as the commands do and runs the full-screen program.
func runTUI(cmd *cobra.Command, env Env, f tuiFlags) int {
	inv := newInvocation(cmd, env)
	// Every call goes to the log file (if any) and to the TUI's request log;
	// the client never waits for the TUI.
	events := make(chan api.Event, 256)
	problems := make(chan string, 8)
	f.conn.screenRetries = true
	cn, err := connect(env, f.conn, func(ev api.Event) {
		select {
		case events <- ev:
		default:
		}
	}, func(text string) {
		select {
		case problems <- text:
		default:
		}
	})
	var se *setupError
	if errors.As(err, &se) {
		inv.keys = append(inv.keys, cn.keys...)
		return inv.report(failure{Error: se.Error(), Kind: se.kind}, se.exit, "")
	}
	defer cn.close()
	for _, w := range cn.warnings {
		inv.errLine("chargedesk: warning: " + w)
	}
	opts := tuiOptions(env, cn, f.noHistory)
	opts.Events = events
	opts.Problems = problems
	root := crashTestHook(ui.New(opts), cn.res.APIKey)
	return ui.Run(cmd.Context(), root, ui.RunConfig{Output: env.Stdout, Stderr: env.Stderr, Redact: cn.redact,
		CrashLog: func(report string) (string, error) {
			now := env.Clock.Now()
			return localstate.WriteCrashLog(env.Getenv, now,
				fmt.Sprintf("chargedesk %s crashed at %s\n\n%s", env.Version, now.UTC().Format(time.RFC3339), report))
		}})
}

// tuiOptions are the TUI's: the connection's client and mode, the demo's
// prefilled search and customer, the remembered history.
func tuiOptions(env Env, cn *conn, noHistory bool) ui.Options {
	res := cn.res
	opts := ui.Options{Client: cn.client, Clock: env.Clock, Warnings: cn.warnings, // shown again inside the TUI, where stderr is hidden
		InTmux: env.Getenv("TMUX") != "", TmuxPane: env.Getenv("TMUX_PANE"),
		Mode: ui.Mode{Profile: res.Profile, Host: res.Host(), Production: res.Production(), ReadOnly: cn.readOnly,
			DriverLanguage: model.ParseLang(res.DriverLanguage)}}
	if cn.demo {
		opts.Mode = ui.Mode{Demo: true, Speed: cn.speed, Host: "embedded simulator", ReadOnly: cn.readOnly, DemoCustomer: demoCustomer}
		// The form shows the place's name and resolves it when the gazetteer
		// is loaded; reading the name here would decode the gazetteer before
		// the first frame (100 ms of start-up), so the numbers are read with
		// the guide's point instead.
		in := demoSearch
		in.Place = demoPoint
		q, _, fe := model.ParseSearch(in, env.Clock.Now(), model.Berlin)
		if len(fe) == 0 {
			opts.Query, opts.PlaceText = &q, demoSearch.Place
		}
	}
	if j := cn.journal; j != nil {
		opts.Pending, _ = j.Pending()
		opts.Forget = j.Resolved
	}
	if cn.insecure {
		opts.Mode.Insecure = true
	}
	opts.Geocoder = cn.geocoder
	if !noHistory && env.Getenv("CHARGEDESK_NO_HISTORY") == "" {
		path := localstate.StatePath(env.Getenv)
		scope := localstate.HistoryScope(cn.demo, res.Profile, res.Host())
		opts.History, _ = localstate.LoadHistory(path, scope)
		opts.SaveHistory = func(h model.History) error { return localstate.SaveHistory(path, scope, h) }
	}
	return opts
}
