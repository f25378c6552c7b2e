package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/model"
)

// serverFlags are where chargedesk gateway listens, and how it logs.
type serverFlags struct {
	addr, cert, key string
	logFormat       string
}

// gatewayFlags are the flags of chargedesk gateway and its subcommands.
type gatewayFlags struct {
	store string
}

func (f *gatewayFlags) register(cmd *cobra.Command, env Env) {
	cmd.PersistentFlags().StringVar(&f.store, "store", defaultStore(env), "the gateway's SQLite `FILE` (agents, journal, audit)")
}

// defaultStore is gateway.db beside the history, in the XDG state directory.
func defaultStore(env Env) string {
	return filepath.Join(filepath.Dir(localstate.StatePath(env.Getenv)), "gateway.db")
}

func gatewayCommand(env Env) *cobra.Command {
	var gf gatewayFlags
	var cf connFlags
	sf := serverFlags{addr: "127.0.0.1:8790", logFormat: "text"}
	limit, quota, dailyReads := gateway.DefaultLimit, gateway.DefaultQuota, 0
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "serve the API to a support team: one key, agent tokens, one budget, an audit",
		Long: `Runs the team's single client of the Agent API. Agents point chargedesk at it
(--api-url http://HOST:8790/api/v1/client) with an agent token in place of the API key:
the key stays on this host. The account's per-minute limit and month are spent for the
whole team (creates and cancels first), each active booking is polled once for everyone,
status changes are pushed to agents (GET /api/v1/gateway/events), identical searches
within 60 s are answered once, every create is journalled before it goes upstream and
every create and cancel is audited with the agent's name.

The API and its key come from the usual configuration (PETITMONDE_API_URL or a profile,
PETITMONDE_API_KEY); with no key, --demo style, it fronts the embedded simulator.
  chargedesk gateway agent add NAME     print a new agent token (once)
  chargedesk gateway agent list|revoke  list agents, revoke one (its next request gets 401)
  chargedesk gateway audit              who booked and cancelled what`,
		Args: cobra.NoArgs,
	}
	gf.register(cmd, env)
	fs := cmd.Flags()
	fs.StringVar(&sf.addr, "addr", sf.addr, "listen on `HOST:PORT`")
	fs.StringVar(&sf.cert, "tls-cert", "", "serve https with this certificate `FILE` (with --tls-key)")
	fs.StringVar(&sf.key, "tls-key", "", "the TLS private key `FILE`")
	registerLogFormat(cmd, &sf.logFormat)
	fs.IntVar(&limit, "limit", limit, "the account's per-minute limit, `N` requests")
	fs.IntVar(&quota, "quota", quota, "the account's monthly quota, `N` requests")
	fs.IntVar(&dailyReads, "agent-daily-reads", 0, "each agent's share of a day's reads, `N` (0: the month's reads left over its days left, split among the day's agents)")
	fs.StringVar(&cf.apiURL, "api-url", "", "the API base `URL` (default: the configuration's)")
	fs.StringVar(&cf.profile, "profile", "", "the profile `NAME` in the config file")
	fs.BoolVar(&cf.insecure, "insecure-http", false, "let the key go over plain http to a host that is not this machine")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles(env))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		inv := newInvocation(cmd, env)
		if (sf.cert == "") != (sf.key == "") {
			return exitWith(inv.report(failure{Error: "--tls-cert and --tls-key go together", Kind: "usage"}, exitUsage, ""))
		}
		if dailyReads < 0 {
			return exitWith(inv.report(failure{Error: "--agent-daily-reads must be 0 (automatic) or more", Kind: "usage"}, exitUsage, ""))
		}
		return exitWith(runGateway(inv, cf, gf.store, sf, gateway.Config{Limit: limit, Quota: quota, AgentDailyReads: dailyReads}))
	}
	cmd.AddCommand(agentCommand(env, &gf), auditCommand(env, &gf))
	return cmd
}

// runGateway serves until Ctrl-C, SIGTERM or SIGHUP.
func runGateway(inv *invocation, cf connFlags, storePath string, sf serverFlags, budget gateway.Config) int {
	env := inv.env
	log, code := newLogger(inv, sf.logFormat)
	if code >= 0 {
		return code
	}
	res, _, err := resolve(env, cf)
	if err != nil {
		return inv.report(failure{Error: err.Error(), Kind: "config"}, exitUsage, "")
	}
	inv.keys = append(inv.keys, res.APIKey)
	if res.Demo {
		if env.StartDemo == nil {
			return inv.report(failure{Error: "no API key configured (PETITMONDE_API_KEY or a profile)", Kind: "config"}, exitUsage, "")
		}
		d, err := env.StartDemo(1, 1)
		if err != nil {
			return inv.report(failure{Error: err.Error(), Kind: "error"}, exitError, "")
		}
		defer d.Stop()
		res.BaseURL, res.APIKey = d.BaseURL, d.Key
		inv.keys = append(inv.keys, d.Key)
		inv.errLine("chargedesk gateway: no API key configured: fronting the embedded demo simulator; nothing is booked for real")
	}
	if api.InsecureURL(res.BaseURL) && !cf.insecure {
		return inv.report(failure{Error: "the API URL " + res.BaseURL + " is plain http to another host: the key would travel in clear", Kind: "refused"},
			exitUsage, "Use an https URL, or --insecure-http on a network you trust.")
	}
	st, err := gateway.OpenStore(inv.ctx, storePath)
	if err != nil {
		return inv.report(failure{Error: err.Error(), Kind: "store"}, exitError, "")
	}
	defer st.Close()
	if from, to := st.Schema(); from != to {
		log.Info("store migrated", "store", storePath, "from_version", from, "to_version", to)
	}
	agents, err := st.Agents(inv.ctx)
	if err != nil {
		return inv.report(failure{Error: "the store " + storePath + " cannot be read: " + err.Error(), Kind: "store"}, exitError, "")
	}
	cfg := budget
	cfg.UpstreamURL, cfg.Key, cfg.Store, cfg.Clock, cfg.Logger = res.BaseURL, res.APIKey, st, env.Clock, log
	g := gateway.New(cfg)
	srv, err := server.Listen(server.Config{Addr: sf.addr, TLSCert: sf.cert, TLSKey: sf.key, Handler: g, Log: log})
	if err != nil {
		return inv.report(failure{Error: err.Error(), Kind: "listen"}, exitError, "")
	}
	ctx, stop := env.Signals(inv.ctx)
	defer stop()
	active := 0
	for _, a := range agents {
		if a.Revoked.IsZero() {
			active++
		}
	}
	inv.out(fmt.Sprintf("chargedesk gateway listening\n  agents' base URL: %s%s\n  events:           %s%s\n  upstream:         %s (key from %s)\n  store:            %s (%s)\n  budget:           %d requests/min, %d/month for the whole team\n",
		srv.URL(), gateway.ClientPath, srv.URL(), gateway.EventsPath, res.BaseURL, keySource(res), storePath, plural(active, "active agent"), budget.Limit, budget.Quota))
	if active == 0 {
		inv.out("  no agents yet: chargedesk gateway agent add NAME\n")
	}
	inv.out("Ctrl-C stops it.\n")
	watchDone := make(chan struct{})
	go func() { g.Run(ctx); close(watchDone) }()
	serveErr := srv.Wait(ctx)
	stop() // the watch stops, and with it every events stream…
	<-watchDone
	srv.Stop() // …and the requests in flight finish
	if serveErr != nil {
		return inv.report(failure{Error: serveErr.Error(), Kind: "serve"}, exitError, "")
	}
	inv.out("gateway stopped\n")
	return exitOK
}

// plural is "1 active agent", "2 active agents".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func keySource(res localstate.Resolved) string {
	if res.KeySource == "" {
		return "the demo"
	}
	return res.KeySource
}

func agentCommand(env Env, gf *gatewayFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "agent", Short: "add, list or revoke the team's agents", Args: cobra.NoArgs}
	withStore := func(inv *invocation, run func(st *gateway.Store) int) int {
		st, err := gateway.OpenStore(inv.ctx, gf.store)
		if err != nil {
			return inv.report(failure{Error: err.Error(), Kind: "store"}, exitError, "")
		}
		defer st.Close()
		return run(st)
	}
	add := &cobra.Command{Use: "add NAME", Short: "make an agent and print its token (shown this once)", Args: cobra.ExactArgs(1)}
	add.RunE = func(cmd *cobra.Command, args []string) error {
		inv := newInvocation(cmd, env)
		return exitWith(withStore(inv, func(st *gateway.Store) int {
			token, err := st.AddAgent(inv.ctx, args[0], env.Clock.Now())
			if err != nil {
				return inv.report(failure{Error: err.Error(), Kind: "refused"}, exitInvalid, "")
			}
			_, _ = fmt.Fprintf(env.Stdout, "%s\n", token)
			inv.errLine(fmt.Sprintf("chargedesk gateway: agent %s added; give them the token above (it is not shown again); they run:\n  PETITMONDE_API_KEY=%s chargedesk --api-url http://GATEWAY:8790%s", args[0], "<the token above>", gateway.ClientPath))
			return exitOK
		}))
	}
	list := &cobra.Command{Use: "list", Short: "list the agents", Args: cobra.NoArgs}
	var listJSON bool
	list.Flags().BoolVar(&listJSON, "json", false, "the agents as JSON")
	list.RunE = func(cmd *cobra.Command, _ []string) error {
		inv := newInvocation(cmd, env)
		return exitWith(withStore(inv, func(st *gateway.Store) int {
			agents, err := st.Agents(inv.ctx)
			if err != nil {
				return inv.report(failure{Error: err.Error(), Kind: "store"}, exitError, "")
			}
			if listJSON {
				inv.emitJSON(agents, false)
				return exitOK
			}
			var b strings.Builder
			tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
			_, _ = fmt.Fprintln(tw, "AGENT\tADDED\tSTATE")
			for _, a := range agents {
				state := "active"
				if !a.Revoked.IsZero() {
					state = "revoked " + berlinTime(a.Revoked, "2006-01-02 15:04")
				}
				_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, berlinTime(a.Created, "2006-01-02 15:04"), state)
			}
			_ = tw.Flush()
			inv.out(b.String())
			return exitOK
		}))
	}
	revoke := &cobra.Command{Use: "revoke NAME", Short: "revoke an agent's token: its next request gets 401", Args: cobra.ExactArgs(1),
		ValidArgsFunction: completeAgents(gf, true)}
	revoke.RunE = func(cmd *cobra.Command, args []string) error {
		inv := newInvocation(cmd, env)
		return exitWith(withStore(inv, func(st *gateway.Store) int {
			if err := st.RevokeAgent(inv.ctx, args[0], env.Clock.Now()); err != nil {
				return inv.report(failure{Error: fmt.Sprintf("%s: %v", args[0], err), Kind: "refused"}, exitNotFound, "")
			}
			inv.out("agent " + args[0] + " revoked\n")
			return exitOK
		}))
	}
	cmd.AddCommand(add, list, revoke)
	return cmd
}

func auditCommand(env Env, gf *gatewayFlags) *cobra.Command {
	var since, agent string
	var asJSON bool
	cmd := &cobra.Command{Use: "audit", Short: "who booked and cancelled what, through the gateway", Args: cobra.NoArgs}
	cmd.Flags().StringVar(&since, "since", "", "only from `WHEN` on: Berlin time \"YYYY-MM-DD HH:MM\", a date, or a duration back such as 24h")
	cmd.Flags().StringVar(&agent, "agent", "", "only this agent's `NAME`")
	cmd.Flags().BoolVar(&asJSON, "json", false, "the entries as JSON")
	_ = cmd.RegisterFlagCompletionFunc("agent", completeAgents(gf, false))
	_ = cmd.RegisterFlagCompletionFunc("since", cobra.NoFileCompletions)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		inv := newInvocation(cmd, env)
		f := gateway.AuditFilter{Agent: agent}
		if since != "" {
			t, err := auditSince(since, env.Clock.Now())
			if err != nil {
				return exitWith(inv.report(failure{Error: "--since: " + err.Error(), Kind: "usage"}, exitUsage, ""))
			}
			f.Since = t
		}
		st, err := gateway.OpenStore(inv.ctx, gf.store)
		if err != nil {
			return exitWith(inv.report(failure{Error: err.Error(), Kind: "store"}, exitError, ""))
		}
		defer st.Close()
		es, err := st.Audit(inv.ctx, f)
		if err != nil {
			return exitWith(inv.report(failure{Error: err.Error(), Kind: "store"}, exitError, ""))
		}
		if asJSON {
			if es == nil {
				es = []gateway.AuditEntry{}
			}
			inv.emitJSON(es, false)
			return nil
		}
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		_, _ = fmt.Fprintln(tw, "WHEN (BERLIN)\tAGENT\tACTION\tEXTERNAL ID\tBOOKING\tSTATUS\tOUTCOME")
		for _, e := range es {
			_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", berlinTime(e.At, "2006-01-02 15:04:05"), model.SanitizeLine(e.Agent), e.Action,
				model.SanitizeLine(e.ExternalID), model.SanitizeLine(e.BookingID), e.Status, model.SanitizeLine(e.Outcome))
		}
		_ = tw.Flush()
		inv.out(b.String())
		if len(es) == 0 {
			inv.note("nothing audited in that range")
		}
		return nil
	}
	return cmd
}

// auditSince reads --since: a Berlin time, a date, or a duration back.
func auditSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, model.Berlin); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as \"2026-12-01 09:00\", 2026-12-01 or 24h", s)
}

// completeAgents offers the store's agent names (only the active ones when
// activeOnly): for revoke NAME and audit --agent.
func completeAgents(gf *gatewayFlags, activeOnly bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 && cmd.Name() == "revoke" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if _, err := os.Stat(gf.store); err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp // no store yet: nothing to offer, nothing made
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		st, err := gateway.OpenStore(ctx, gf.store)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer st.Close()
		agents, _ := st.Agents(ctx) // none offered when the store cannot tell
		var names []string
		for _, a := range agents {
			if !activeOnly || a.Revoked.IsZero() {
				names = append(names, a.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
