package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func searchCommand() *command {
	return &command{
		name: "search",
		synopsis: `search --place PLACE [--radius KM] [--connector TYPE] [--power-min KW]
                    [--from WHEN [--duration D]] [--limit N] [--bookable] [--evses]`,
		summary: "find chargers near a place",
		about: `Searches chargers around a city (München, Berlin, Hamburg, Köln, … — or Munich,
Cologne) or coordinates in any common form ("48.1351, 11.5820", 48°08'06"N 11°34'55"E,
a maps link). Prints one row per location, nearest first: distance, id, name, address,
CPO, free/total EVSEs, connectors and max power, price estimate, and whether it can be
booked. --evses adds a table of every EVSE: the ids chargedesk book needs.
With --from, only locations that can take a reservation in that window are returned.`,
		setup: setupSearch,
	}
}

func setupSearch(fs *flag.FlagSet) func(c *cli, args []string) int {
	var o struct {
		place, radius, connector, power, from, duration string
		limit                                           int
		bookable, evses                                 bool
	}
	fs.StringVar(&o.place, "place", "", "search around `PLACE`: a city or coordinates such as \"48.1351, 11.5820\" (required)")
	fs.StringVar(&o.radius, "radius", "", "search radius in `KM`: more than 0, at most 200 (the API's default: 50)")
	fs.StringVar(&o.connector, "connector", "", "connector `TYPE`: OCPI name such as IEC_62196_T2_COMBO, or CCS, T2, CHADEMO …")
	fs.StringVar(&o.power, "power-min", "", "minimum power in `KW`")
	fs.StringVar(&o.from, "from", "", "only chargers that can be reserved from `WHEN` (Berlin time)")
	fs.StringVar(&o.duration, "duration", "", "length `D` of that reservation window (default 1h)")
	fs.IntVar(&o.limit, "limit", 0, "at most `N` locations, 1–100 (the API's default: 20)")
	fs.BoolVar(&o.bookable, "bookable", false, "show only locations with an EVSE that can be booked")
	fs.BoolVar(&o.evses, "evses", false, "also list every EVSE with its status and connectors")

	return func(c *cli, args []string) int {
		if len(args) > 0 {
			return c.usageError(fmt.Sprintf("unexpected argument %q", model.SanitizeLine(args[0])))
		}
		if strings.TrimSpace(o.place) == "" {
			return c.usageError(`--place is required: a city (München, Berlin, …) or coordinates such as "48.1351, 11.5820"`)
		}
		if o.duration != "" && o.from == "" {
			return c.usageError("--duration needs --from (the start of the reservation window)")
		}
		now := c.now()
		var q model.SearchQuery
		var fe model.FieldErrors
		fail := func(field, msg string) { fe = append(fe, model.FieldError{Field: field, Msg: msg}) }

		placeName := ""
		if city, ok := model.FindCity(o.place); ok {
			q.Lat, q.Lng, placeName = city.Lat, city.Lng, city.Name
		} else if lat, lng, err := model.ParseCoordinates(o.place); err == nil {
			q.Lat, q.Lng, placeName = lat, lng, fmt.Sprintf("%.5f, %.5f", lat, lng)
		} else {
			fail("place", "place: not a known city or coordinates ("+strings.TrimPrefix(err.Error(), "coordinates: ")+")")
		}
		if o.radius != "" {
			v, err := parseNumber(o.radius, "")
			switch {
			case err != nil:
				fail("radius", "radius: a number of km, such as 25")
			case model.ValidateRadius(v) != "":
				fail("radius", "radius: must be more than 0 and at most 200 km")
			default:
				q.RadiusKM = v
			}
		}
		q.ConnectorType = parseConnector(o.connector)
		if c.given("connector") && q.ConnectorType == "" {
			fail("connector_type", "Invalid connector_type: give an OCPI connector type such as IEC_62196_T2_COMBO")
		}
		if o.power != "" {
			v, err := parseNumber(o.power, "kw")
			if err != nil || v < 0 {
				fail("power_min", "min. power: a number of kW, 0 or more (such as 50)")
			} else {
				q.PowerMinKW = v
			}
		}
		if c.given("limit") {
			if o.limit < 1 || o.limit > model.MaxSearchLimit {
				fail("limit", fmt.Sprintf("Invalid limit: must be between 1 and %d", model.MaxSearchLimit))
			}
			q.Limit = o.limit
		}
		if o.from != "" {
			length := time.Hour
			if o.duration != "" {
				d, err := parseDuration(o.duration)
				if err != nil {
					fail("end_time", "duration: "+err.Error())
				}
				length = d
			}
			t, err := model.ParseWhen(o.from, now, c.zone)
			switch {
			case err != nil:
				fail("start_time", "window from: "+err.Error())
			case !t.After(now):
				fail("start_time", "window from: must be in the future")
			default:
				q.Start, q.End = t, t.Add(length)
			}
		}
		if len(fe) > 0 {
			return c.invalid(fe)
		}
		if code := c.connect(); code >= 0 {
			return code
		}
		found, err := c.client.Search(c.ctx, q)
		if err != nil {
			return c.fail(err)
		}
		resp := scrub(c, *found)
		shown := make([]model.Location, 0, len(resp.Results))
		for _, l := range resp.Results {
			l = model.SanitizeLocation(l)
			if o.bookable && l.BookableCount() == 0 {
				continue
			}
			shown = append(shown, l)
		}
		if c.json {
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
			c.emitJSON(out, false)
			return exitOK
		}
		c.out(searchHeading(q, placeName, resp.Total, len(resp.Results), len(shown), o.bookable) + "\n")
		if len(shown) == 0 {
			c.out("No chargers match. Widen the radius, lower the minimum power, or choose any connector.\n")
			return exitOK
		}
		c.out(locationsTable(shown))
		if o.evses {
			c.out("\n" + evsesTable(shown))
		}
		return exitOK
	}
}

// parseNumber reads a number as a person types it: a decimal comma, an
// optional unit suffix.
func parseNumber(s, unit string) (float64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if unit != "" {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	return strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
}

// parseDuration reads 1h, 90m, 1h30m, or plain minutes (90).
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Minute, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("a length such as 1h, 90m or 1h30m")
	}
	return d, nil
}

// parseConnector accepts the OCPI name in any case, the short names of the
// results table (CCS, T2, CHA…) and the labels (Type 2, CHAdeMO). Anything
// else is passed on as typed, for the model's rule to name.
func parseConnector(s string) model.ConnectorType {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, ct := range model.AllConnectorTypes {
		if strings.EqualFold(string(ct), s) || strings.EqualFold(ct.Short(), s) || strings.EqualFold(ct.Label(), s) {
			return ct
		}
	}
	return model.ConnectorType(s)
}

func searchHeading(q model.SearchQuery, place string, total, got, shown int, bookableOnly bool) string {
	count := fmt.Sprintf("%d locations", got)
	if total > got {
		count = fmt.Sprintf("%d of %d locations", got, total)
	}
	if bookableOnly {
		count = fmt.Sprintf("%d bookable of %s", shown, count)
	}
	return count + " " + q.Describe(place, berlin)
}

func bookableText(l model.Location) string {
	switch {
	case !l.SupportsReservation:
		return "search-only"
	case l.BookableCount() > 0:
		return "yes"
	}
	return "none free"
}

// locationsTable is the search results; l must be sanitised.
func locationsTable(locs []model.Location) string {
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
			fmt.Sprintf("%d/%d", l.AvailableCount(), len(l.EVSEs)),
			cell(model.JoinNonEmpty(" ", strings.Join(conns, "/"), power), 28),
			price,
			bookableText(l),
		})
	}
	return table([]string{"DIST", "LOCATION", "NAME", "ADDRESS", "CPO", "FREE", "CONNECTORS", "PRICE", "BOOKABLE"}, rows)
}

// evsesTable lists every EVSE of the locations; l must be sanitised.
func evsesTable(locs []model.Location) string {
	var rows [][]string
	for _, l := range locs {
		for _, e := range l.EVSEs {
			var conns []string
			for _, cn := range e.Connectors {
				ac := "AC"
				if cn.PowerType.IsDC() {
					ac = "DC"
				}
				conns = append(conns, fmt.Sprintf("%s:%s %g kW %s", cn.ConnectorID, cn.ConnectorType.Short(), cn.PowerKW, ac))
			}
			ok, why := model.Bookable(l, e)
			book := "yes"
			if !ok {
				book = "no: " + why
			}
			rows = append(rows, []string{cell(l.LocationID, 24), cell(e.EVSEUID, 32), cell(string(e.Status), 12),
				cell(strings.Join(conns, ", "), 60), book})
		}
	}
	return table([]string{"LOCATION", "EVSE", "STATUS", "CONNECTORS (id:type)", "BOOKABLE"}, rows)
}
