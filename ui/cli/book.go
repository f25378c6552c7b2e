package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

type bookOptions struct {
	in   model.BookingInput
	wait bool
}

func bookCommand(env Env) *cobra.Command {
	o := &bookOptions{}
	cmd := &cobra.Command{
		Use: `book --location ID --evse UID [--connector ID] --start WHEN (--duration D | --end WHEN)
                    --strategy driver_token|group_token|ad_hoc|pipelet
                    [--customer ID | --token-id ID | --fleet-group ID | --token-uid HEX]
                    [--external-id ID] [--wait]`,
		Short: "reserve an EVSE (sent once: never books twice)",
		Long: `Reserves an EVSE for a window: at least 15 minutes ahead, 15 minutes to 4 hours long.
The token strategy says which token the CPO accepts:
  driver_token  the driver's own card or app: --customer ID or --token-id ID
  group_token   a fleet group token: --fleet-group ID
  ad_hoc        a temporary token for this booking only (in the answer)
  pipelet       an RFID UID: --token-uid HEX (8, 14 or 20 hex characters)
The request is sent once. If its answer is lost, chargedesk looks the booking up by its
--external-id (a fresh unique one by default) before anything is sent again; an outcome
it cannot establish exits 7 and names the external id to look for.
Prints the booking (REQUESTED at first); --wait then watches it like chargedesk status --wait.`,
	}
	fs := cmd.Flags()
	fs.StringVar(&o.in.LocationID, "location", "", "the location `ID` from search, e.g. DE-ENB-E123456 (required)")
	fs.StringVar(&o.in.EVSEUID, "evse", "", "the EVSE `UID`, e.g. DE*ENB*E123456*1 (required; search --evses lists them)")
	fs.StringVar(&o.in.ConnectorID, "connector", "", "the connector `ID` of the EVSE, e.g. 1 (optional)")
	fs.StringVar(&o.in.Start, "start", "", "the start `WHEN`, Berlin time \"YYYY-MM-DD HH:MM\" or RFC 3339 (required)")
	fs.StringVar(&o.in.Duration, "duration", "", "the length `D`: 15m to 4h, e.g. 1h or 90m (or give --end)")
	fs.StringVar(&o.in.End, "end", "", "the end `WHEN` instead of --duration")
	fs.StringVar(&o.in.Strategy, "strategy", "", "token strategy `S`: driver_token, group_token, ad_hoc or pipelet (required)")
	fs.StringVar(&o.in.CustomerID, "customer", "", "driver_token: the driver's customer `ID`")
	fs.StringVar(&o.in.TokenID, "token-id", "", "driver_token: the driver's token `ID` (instead of --customer)")
	fs.StringVar(&o.in.FleetGroupID, "fleet-group", "", "group_token: the fleet group `ID`")
	fs.StringVar(&o.in.TokenUID, "token-uid", "", "pipelet: the RFID UID, 8, 14 or 20 `HEX` characters")
	fs.StringVar(&o.in.ExternalID, "external-id", "", "your unique reference `ID` for this booking (default: a fresh cd-… id)")
	fs.BoolVar(&o.wait, "wait", false, "watch the booking until it reaches a final status (as status --wait)")
	_ = cmd.RegisterFlagCompletionFunc("strategy", completeStrategies)
	for _, name := range []string{"location", "evse", "connector", "start", "duration", "end", "customer",
		"token-id", "fleet-group", "token-uid", "external-id"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return newScript(env, cmd, o.run)
}

// strategyOf names the token strategy each token flag belongs to.
var strategyOf = map[string]model.TokenStrategy{"customer": model.DriverToken, "token-id": model.DriverToken,
	"fleet-group": model.GroupToken, "token-uid": model.Pipelet}

// usage checks what only a command line can get wrong: a missing flag, two
// that exclude each other, a token flag of another strategy (it would not be
// sent). It returns an exit code, or -1.
func (o *bookOptions) usage(inv *invocation, args []string) int {
	if len(args) > 0 {
		return inv.usageError(fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0])))
	}
	var missing []string
	for _, m := range []struct{ flag, val string }{{"--location", o.in.LocationID}, {"--evse", o.in.EVSEUID},
		{"--start", o.in.Start}, {"--strategy", o.in.Strategy}} {
		if strings.TrimSpace(m.val) == "" {
			missing = append(missing, m.flag)
		}
	}
	if o.in.Duration == "" && o.in.End == "" {
		missing = append(missing, "--duration or --end")
	}
	if len(missing) > 0 {
		return inv.usageError("missing " + strings.Join(missing, ", "))
	}
	if o.in.Duration != "" && o.in.End != "" {
		return inv.usageError("give --duration or --end, not both")
	}
	strategy := model.TokenStrategy(strings.ToLower(strings.TrimSpace(o.in.Strategy)))
	known := false
	for _, s := range model.TokenStrategies {
		known = known || s == strategy
	}
	for _, name := range []string{"customer", "token-id", "fleet-group", "token-uid"} {
		if known && inv.given(name) && strategyOf[name] != strategy {
			return inv.usageError(fmt.Sprintf("--%s is for --strategy %s, not %s", name, strategyOf[name], strategy))
		}
	}
	return -1
}

func (o *bookOptions) run(inv *invocation, args []string) int {
	if code := o.usage(inv, args); code >= 0 {
		return code
	}
	now := inv.now()
	in := o.in
	if strings.TrimSpace(in.ExternalID) == "" {
		in.ExternalID = api.NewExternalID(now)
	}
	r, fe := model.ParseBooking(in, now, model.Berlin)
	if len(fe) > 0 {
		return inv.invalid(fe)
	}
	if code := inv.connect(); code >= 0 {
		return code
	}
	res, err := inv.create(r)
	if inv.ctx.Err() != nil {
		return inv.interruptedCreate(r, res, err)
	}
	if err != nil {
		return inv.fail(err)
	}
	b := inv.cleanBooking(*res.Booking)
	if inv.json {
		inv.emitJSON(b, o.wait)
	} else {
		inv.out(inv.bookingBlock(b))
		switch {
		case res.Adopted && res.Attempts == 0:
			inv.out("A booking with this external id was already made for this request: it is that one (nothing was sent).\n")
		case res.Adopted:
			inv.out("The create's answer was lost; this booking was found by its external id (not booked twice).\n")
		}
		switch {
		case o.wait:
		case inv.conn.demo:
			inv.out("\nDemo: the simulator ends with this command; book --wait watches the booking play out.\n")
		default:
			inv.out("\nWatch it: chargedesk status " + b.ID + " --wait\n")
		}
	}
	if !o.wait {
		return exitOK
	}
	return inv.watchAndReport(b)
}

// create sends r once. An external id the caller chose may have gone out
// before (a rerun after a crash or a kill): it is looked up first, from when
// the journal or the id itself says it began (else a day back), and adopted
// when it is this request.
func (inv *invocation) create(r model.BookingRequest) (*api.CreateResult, error) {
	if !inv.given("external-id") {
		return inv.client().CreateBooking(inv.ctx, r)
	}
	since, ok := time.Time{}, false
	if j := inv.conn.journal; j != nil {
		since, ok = j.Since(r.ExternalID)
	}
	if !ok {
		since, ok = api.ExternalIDTime(r.ExternalID)
	}
	if !ok {
		since = inv.now().Add(-24 * time.Hour)
	}
	return inv.client().ResumeCreate(inv.ctx, r, since)
}

// interruptedCreate reports a create that Ctrl-C interrupted, once its
// look-up has run to its end: what was booked, or that nothing was, or
// that nobody knows and how to find out.
func (inv *invocation) interruptedCreate(r model.BookingRequest, res *api.CreateResult, err error) int {
	var msg string
	switch {
	case res != nil && res.Booking != nil:
		b := inv.cleanBooking(*res.Booking)
		if !inv.json {
			inv.out(inv.bookingBlock(b))
		}
		msg = fmt.Sprintf("interrupted: the booking was made (id %s, external id %s); it stays as it is", b.ID, r.ExternalID)
	case api.KindOf(err) == api.KindUnknownOutcome:
		msg = fmt.Sprintf("interrupted: whether external id %s was booked is not known; check with: chargedesk status %s", r.ExternalID, r.ExternalID)
	default:
		msg = fmt.Sprintf("interrupted: nothing was booked (external id %s is not at the API)", r.ExternalID)
	}
	return inv.report(failure{Error: msg, Kind: "interrupted"}, exitInterrupted, "")
}
