package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

type searchOptions struct {
	in              model.SearchInput
	bookable, evses bool
}

func searchCommand(env Env) *cobra.Command {
	o := &searchOptions{}
	cmd := &cobra.Command{
		Use: `search --place PLACE [--radius KM] [--connector TYPE] [--power-min KW]
                    [--from WHEN [--duration D]] [--limit N] [--bookable] [--evses]`,
		Short: "find chargers near a place",
		Long: `Searches chargers around a place in Germany: a town or district (Aschheim, Garching
b. München, Halle an der Saale, Munich), a postal code (80331, or 603 for the 603xx
area), a station (Frankfurt Hbf), or coordinates in any common form ("48.1351, 11.5820",
48°08'06"N 11°34'55"E, a maps link, geo:48.1351,11.5820). A name that could be several
places lists them (exit 3); coordinates outside Germany are refused with a hint. A street
address is looked up by the profile's geocoder_url when one is set, else by the place
it names. Prints one row per location, nearest first: distance, id, name, address,
CPO, free/total EVSEs, connectors and max power, price estimate, and whether it can be
booked. --evses adds a table of every EVSE: the ids chargedesk book needs.
With --from, only locations that can take a reservation in that window are returned.`,
	}
	fs := cmd.Flags()
	fs.StringVar(&o.in.Place, "place", "", "search around `PLACE`: a town, postal code, station or coordinates such as \"48.1351, 11.5820\" (required)")
	fs.StringVar(&o.in.Radius, "radius", "", "search radius in `KM`: more than 0, at most 200 (the API's default: 50)")
	fs.StringVar(&o.in.Connector, "connector", "", "connector `TYPE`: OCPI name such as IEC_62196_T2_COMBO, or CCS, T2, CHADEMO …")
	fs.StringVar(&o.in.PowerMin, "power-min", "", "minimum power in `KW`")
	fs.StringVar(&o.in.From, "from", "", "only chargers that can be reserved from `WHEN` (Berlin time)")
	fs.StringVar(&o.in.Length, "duration", "", "length `D` of that reservation window (default 1h)")
	fs.IntVar(&o.in.Limit, "limit", 0, "at most `N` locations, 1–100 (the API's default: 20)")
	fs.BoolVar(&o.bookable, "bookable", false, "show only locations with an EVSE that meets the need (--connector, --power-min) and can be booked")
	fs.BoolVar(&o.evses, "evses", false, "also list every EVSE with its status and connectors")
	_ = cmd.RegisterFlagCompletionFunc("place", completePlaces)
	_ = cmd.RegisterFlagCompletionFunc("connector", completeConnectorTypes)
	for _, name := range []string{"radius", "power-min", "from", "duration", "limit"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return newScript(env, cmd, o.run)
}

// run searches: the flags are checked, the place and the query read (the
// geocoder asked for a street address), then the API asked and the
// locations printed.
func (o *searchOptions) run(inv *invocation, args []string) int {
	if msg := o.refuse(args); msg != "" {
		return inv.usageError(msg)
	}
	q, place, code := o.query(inv)
	if code >= 0 {
		return code
	}
	if inv.conn == nil {
		if code := inv.connect(); code >= 0 {
			return code
		}
	}
	if place.Unknown != "" {
		inv.errLine(fmt.Sprintf("chargedesk: %q is not known offline: searching near %s", place.Unknown, place.Name))
	}
	found, err := inv.client().Search(inv.ctx, q)
	if err != nil {
		return inv.fail(err)
	}
	return o.print(inv, q, place.Name, scrub(inv, *found))
}

// refuse says what is wrong with the arguments and flags as given, or "".
func (o *searchOptions) refuse(args []string) string {
	switch {
	case len(args) > 0:
		return fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0]))
	case strings.TrimSpace(o.in.Place) == "":
		return `--place is required: a town, postal code or station (Aschheim, 80331, Frankfurt Hbf) or coordinates such as "48.1351, 11.5820"`
	case o.in.Length != "" && o.in.From == "":
		return "--duration needs --from (the start of the reservation window)"
	}
	return ""
}

// query reads the search from the flags, asking the geocoder for a street
// address. code is the exit code when it cannot be read (a place that
// could be several, a broken rule), -1 when it can.
func (o *searchOptions) query(inv *invocation) (q model.SearchQuery, place model.Place, code int) {
	if model.WantsGeocoder(o.in.Place) {
		if code := inv.connect(); code >= 0 {
			return q, place, code
		}
		o.geocode(inv)
	}
	q, place, fe := model.ParseSearch(o.in, inv.now(), model.Berlin)
	// Given but blank means something else than left out: the API's rule
	// names it. So does --limit 0, which the model reads as the default.
	if inv.given("connector") && q.ConnectorType == "" {
		fe = append(fe, model.FieldError{Field: "connector_type", Msg: "Invalid connector_type: give an OCPI connector type such as IEC_62196_T2_COMBO"})
	}
	if inv.given("limit") && o.in.Limit == 0 {
		fe = append(fe, model.FieldError{Field: "limit", Msg: fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxSearchLimit)})
	}
	switch {
	case len(place.Candidates) > 0:
		return q, place, inv.ambiguous(fe, place.Candidates)
	case len(fe) > 0 && place.Swapped:
		code := inv.invalid(fe)
		inv.errLine(fmt.Sprintf("Swapped, that is --place %q.", place.Swap().Name))
		return q, place, code
	case len(fe) > 0:
		return q, place, inv.invalid(fe)
	}
	return q, place, -1
}

// print writes the locations found (only the bookable ones with
// --bookable), as JSON or as a table with --evses' EVSE table under it.
func (o *searchOptions) print(inv *invocation, q model.SearchQuery, place string, resp model.SearchResponse) int {
	need := q.Need()
	shown := make([]model.Location, 0, len(resp.Results))
	for _, l := range resp.Results {
		l = model.SanitizeLocation(l)
		if o.bookable && need.Bookable(l) == 0 {
			continue
		}
		shown = append(shown, l)
	}
	if inv.json {
		inv.emitJSON(searchJSON(resp, shown), false)
		return exitOK
	}
	inv.out(searchHeading(q, place, resp.Total, len(resp.Results), len(shown), o.bookable) + "\n")
	if len(shown) == 0 {
		inv.out("No chargers match. Widen the radius, lower the minimum power, or choose any connector.\n")
		return exitOK
	}
	inv.out(locationsTable(shown, need))
	if !need.Any() {
		inv.out(fmt.Sprintf("FREE and BOOKABLE count the EVSEs that give %s: free/all of those.\n", need.Describe()))
	}
	if o.evses {
		inv.out("\n" + evsesTable(shown))
	}
	return exitOK
}

// geocode asks the configured geocoder for a place the gazetteer does not
// know; when it is slow, down or finds nothing, the offline answer stands
// and stderr says so.
func (o *searchOptions) geocode(inv *invocation) {
	g := inv.conn.geocoder
	if g == nil {
		return
	}
	ps, err := g.Search(inv.ctx, o.in.Place)
	if err != nil {
		inv.errLine("chargedesk: " + model.SanitizeLine(err.Error()) + ": the offline answer is used")
		return
	}
	o.in.Found = &ps[0]
	inv.errLine(fmt.Sprintf("chargedesk: place found by %s: %s", g.Host(), ps[0].Name))
}

// ambiguous reports a place that could be several (exit 3), listing them
// as --place values that each resolve to one.
func (inv *invocation) ambiguous(fe model.FieldErrors, candidates []model.Place) int {
	var labels []string
	for _, c := range candidates {
		labels = append(labels, c.Label)
	}
	if inv.json {
		e := &api.Error{Kind: api.KindValidation, Message: fe.Error(), Fields: fe, Err: fe}
		f := inv.failureOf(e)
		f.Candidates = labels
		return inv.report(f, exitInvalid, "")
	}
	code := inv.invalid(fe)
	inv.errLine("It could be:")
	for _, l := range labels {
		inv.errLine(fmt.Sprintf("  --place %q", l))
	}
	return code
}

// searchJSON is the API's answer with the locations shown and the CPOs'
// texts cleaned.
func searchJSON(resp model.SearchResponse, shown []model.Location) model.SearchResponse {
	out := resp
	out.Results = shown
	out.CPOResults = nil
	for _, r := range resp.CPOResults {
		r.CPOName, r.CPOPartyID = model.SanitizeLine(r.CPOName), model.SanitizeLine(r.CPOPartyID)
		if r.Error != nil {
			s := model.SanitizeLine(*r.Error)
			r.Error = &s
		}
		out.CPOResults = append(out.CPOResults, r)
	}
	return out
}

func searchHeading(q model.SearchQuery, place string, total, got, shown int, bookableOnly bool) string {
	count := fmt.Sprintf("%d locations", got)
	if total > got {
		count = fmt.Sprintf("%d of %d locations", got, total)
	}
	if bookableOnly {
		count = fmt.Sprintf("%d bookable of %s", shown, count)
	}
	return count + " " + q.Describe(place, model.Berlin)
}

// bookableText says whether an EVSE of l that meets the need can be reserved.
func bookableText(l model.Location, need model.Need) string {
	switch {
	case !l.SupportsReservation:
		return "search-only"
	case need.Bookable(l) > 0:
		return "yes"
	}
	return "none free"
}

// locationsTable is the search results, free EVSEs counted for the need;
// l must be sanitised.
func locationsTable(locs []model.Location, need model.Need) string {
	rows := make([][]string, 0, len(locs))
	for _, l := range locs {
		var conns []string
		for _, ct := range l.ConnectorTypes() {
			conns = append(conns, ct.Short())
		}
		price := "n/a"
		if p, ok := l.EstimatedPrice(); ok {
			price = "~" + model.FormatPrice(p, l.Pricing.Currency)
		}
		power := fmt.Sprintf("%g kW", l.MaxPowerKW())
		rows = append(rows, []string{
			fmt.Sprintf("%5.1f km", l.DistanceKM),
			cell(l.LocationID, 24),
			cell(l.Name, 36),
			cell(model.JoinNonEmpty(", ", l.Address, strings.TrimSpace(l.PostalCode+" "+l.City)), 40),
			cell(l.CPOName, 20),
			freeText(l, need),
			cell(model.JoinNonEmpty(" ", strings.Join(conns, "/"), power), 28),
			price,
			bookableText(l, need),
		})
	}
	return table([]string{"DIST", "LOCATION", "NAME", "ADDRESS", "CPO", "FREE", "CONNECTORS", "PRICE", "BOOKABLE"}, rows)
}

// freeText is how many EVSEs of l that meet the need are free, of how many
// meet it ("0/1": the one that gives 22 kW is busy, whatever else is free).
func freeText(l model.Location, need model.Need) string {
	free, fitting := need.Free(l)
	return fmt.Sprintf("%d/%d", free, fitting)
}

// evsesTable lists every EVSE of the locations; l must be sanitised.
func evsesTable(locs []model.Location) string {
	var rows [][]string
	for _, l := range locs {
		for _, e := range l.EVSEs {
			var conns []string
			for _, cn := range e.Connectors {
				conns = append(conns, fmt.Sprintf("%s:%s %g kW %s", cn.ConnectorID, cn.ConnectorType.Short(), cn.PowerKW, cn.PowerType.Label()))
			}
			book := "yes"
			if ok, why := model.Bookable(l, e); !ok {
				book = "no: " + why
			}
			rows = append(rows, []string{cell(l.LocationID, 24), cell(e.EVSEUID, 32), cell(string(e.Status), 12),
				cell(strings.Join(conns, ", "), 60), book})
		}
	}
	return table([]string{"LOCATION", "EVSE", "STATUS", "CONNECTORS (id:type)", "BOOKABLE"}, rows)
}
