package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

func bookCommand() *command {
	return &command{
		name: "book",
		synopsis: `book --location ID --evse UID [--connector ID] --start WHEN (--duration D | --end WHEN)
                    --strategy driver_token|group_token|ad_hoc|pipelet
                    [--customer ID | --token-id ID | --fleet-group ID | --token-uid HEX]
                    [--external-id ID] [--wait]`,
		summary: "reserve an EVSE (sent once: never books twice)",
		about: `Reserves an EVSE for a window: at least 15 minutes ahead, 15 minutes to 4 hours long.
The token strategy says which token the CPO accepts:
  driver_token  the driver's own card or app: --customer ID or --token-id ID
  group_token   a fleet group token: --fleet-group ID
  ad_hoc        a temporary token for this booking only (in the answer)
  pipelet       an RFID UID: --token-uid HEX (8, 14 or 20 hex characters)
The request is sent once. If its answer is lost, chargedesk looks the booking up by its
--external-id (a fresh unique one by default) before anything is sent again; an outcome
it cannot establish exits 7 and names the external id to look for.
Prints the booking (REQUESTED at first); --wait then watches it like chargedesk status --wait.`,
		setup: setupBook,
	}
}

func setupBook(fs *flag.FlagSet) func(c *cli, args []string) int {
	var o struct {
		location, evse, connector, start, duration, end, strategy string
		customer, tokenID, fleet, tokenUID, externalID            string
		wait                                                      bool
	}
	fs.StringVar(&o.location, "location", "", "the location `ID` from search, e.g. DE-ENB-E123456 (required)")
	fs.StringVar(&o.evse, "evse", "", "the EVSE `UID`, e.g. DE*ENB*E123456*1 (required; search --evses lists them)")
	fs.StringVar(&o.connector, "connector", "", "the connector `ID` of the EVSE, e.g. 1 (optional)")
	fs.StringVar(&o.start, "start", "", "the start `WHEN`, Berlin time \"YYYY-MM-DD HH:MM\" or RFC 3339 (required)")
	fs.StringVar(&o.duration, "duration", "", "the length `D`: 15m to 4h, e.g. 1h or 90m (or give --end)")
	fs.StringVar(&o.end, "end", "", "the end `WHEN` instead of --duration")
	fs.StringVar(&o.strategy, "strategy", "", "token strategy `S`: driver_token, group_token, ad_hoc or pipelet (required)")
	fs.StringVar(&o.customer, "customer", "", "driver_token: the driver's customer `ID`")
	fs.StringVar(&o.tokenID, "token-id", "", "driver_token: the driver's token `ID` (instead of --customer)")
	fs.StringVar(&o.fleet, "fleet-group", "", "group_token: the fleet group `ID`")
	fs.StringVar(&o.tokenUID, "token-uid", "", "pipelet: the RFID UID, 8, 14 or 20 `HEX` characters")
	fs.StringVar(&o.externalID, "external-id", "", "your unique reference `ID` for this booking (default: a fresh cd-… id)")
	fs.BoolVar(&o.wait, "wait", false, "watch the booking until it reaches a final status (as status --wait)")

	return func(c *cli, args []string) int {
		if len(args) > 0 {
			return c.usageError(fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0])))
		}
		var missing []string
		for _, m := range []struct{ flag, val string }{{"--location", o.location}, {"--evse", o.evse},
			{"--start", o.start}, {"--strategy", o.strategy}} {
			if strings.TrimSpace(m.val) == "" {
				missing = append(missing, m.flag)
			}
		}
		if o.duration == "" && o.end == "" {
			missing = append(missing, "--duration or --end")
		}
		if len(missing) > 0 {
			return c.usageError("missing " + strings.Join(missing, ", "))
		}
		if o.duration != "" && o.end != "" {
			return c.usageError("give --duration or --end, not both")
		}
		strategy := model.TokenStrategy(strings.ToLower(strings.TrimSpace(o.strategy)))
		// Fields of another strategy are a mistake: they would not be sent.
		owner := map[string]model.TokenStrategy{"customer": model.DriverToken, "token-id": model.DriverToken,
			"fleet-group": model.GroupToken, "token-uid": model.Pipelet}
		for _, name := range []string{"customer", "token-id", "fleet-group", "token-uid"} {
			known := false
			for _, s := range model.TokenStrategies {
				known = known || s == strategy
			}
			if known && c.given(name) && owner[name] != strategy {
				return c.usageError(fmt.Sprintf("--%s is for --strategy %s, not %s", name, owner[name], strategy))
			}
		}

		now := c.now()
		r := model.BookingRequest{
			LocationID:    strings.TrimSpace(o.location),
			EVSEUID:       strings.TrimSpace(o.evse),
			ConnectorID:   strings.TrimSpace(o.connector),
			ExternalID:    strings.TrimSpace(o.externalID),
			TokenStrategy: strategy,
			CustomerID:    strings.TrimSpace(o.customer),
			TokenID:       strings.TrimSpace(o.tokenID),
			FleetGroupID:  strings.TrimSpace(o.fleet),
			TokenUID:      strings.TrimSpace(o.tokenUID),
		}
		var fe model.FieldErrors
		start, err := model.ParseWhen(o.start, now, c.zone)
		if err != nil {
			fe = append(fe, model.FieldError{Field: "reservation_start", Msg: "reservation_start: " + err.Error()})
		}
		switch {
		case o.end != "":
			end, err := model.ParseWhen(o.end, now, c.zone)
			if err != nil {
				fe = append(fe, model.FieldError{Field: "reservation_end", Msg: "reservation_end: " + err.Error()})
			}
			r.ReservationEnd = end.UTC()
		default:
			d, err := parseDuration(o.duration)
			if err != nil {
				fe = append(fe, model.FieldError{Field: "duration", Msg: "duration: " + err.Error()})
			}
			r.ReservationEnd = start.Add(d).UTC()
		}
		r.ReservationStart = start.UTC()
		if len(fe) > 0 {
			return c.invalid(fe)
		}
		if r.ExternalID == "" {
			r.ExternalID = api.NewExternalID(now)
		}
		if code := c.connect(); code >= 0 {
			return code
		}
		res, err := c.client.CreateBooking(c.ctx, r)
		if err != nil {
			return c.fail(err)
		}
		b := c.cleanBooking(*res.Booking)
		if c.json {
			c.emitJSON(b, o.wait)
		} else {
			c.out(c.bookingBlock(b))
			if res.Adopted {
				c.out("The create's answer was lost; this booking was found by its external id (not booked twice).\n")
			}
			switch {
			case o.wait:
			case c.demo:
				c.out("\nDemo: the simulator ends with this command; book --wait watches the booking play out.\n")
			default:
				c.out("\nWatch it: chargedesk status " + b.ID + " --wait\n")
			}
		}
		if !o.wait {
			return exitOK
		}
		return c.watchAndReport(b)
	}
}
