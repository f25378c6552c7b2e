package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file turns what a person typed (a form's fields in the TUI, a
// command's flags in the CLI) into the requests the API takes. Both use it,
// so a value is read the same way, and refused with the same words, wherever
// it was typed. Errors name the API field a value fills.

// SearchInput is a search as typed: every value as text.
type SearchInput struct {
	Place     string // a town, postal code, station or coordinates (ResolvePlace)
	Radius    string // km; "" is the API's default
	Connector string // an OCPI name, a short name (CCS, T2) or a label; "" is any
	PowerMin  string // kW; "" is any
	From      string // the optional reservation window's start (Berlin time)
	Length    string // the window's length; "" is DefaultWindow
	Limit     int    // 0 is the API's default
	// Found is what Place already resolved to, when something other than
	// the gazetteer found it (an online geocoder); it is used while Place
	// is still the text it answered.
	Found *Place
	// OutsideOK: the agent confirmed coordinates outside Germany.
	OutsideOK bool
}

func (in SearchInput) resolvePlace() (Place, error) {
	if in.Found != nil && strings.TrimSpace(in.Found.Input) == strings.TrimSpace(in.Place) {
		return *in.Found, nil
	}
	return ResolvePlace(in.Place)
}

// DefaultWindow is the length of a search window when none is given.
const DefaultWindow = time.Hour

// ParseSearch reads a typed search as of now (times in zone). It returns the
// query, where the place resolved to, and every broken rule, each naming its
// field (place, radius, connector_type, power_min, limit, start_time, and
// end_time for the window's length), then the API's own rules.
func ParseSearch(in SearchInput, now time.Time, zone *time.Location) (SearchQuery, Place, FieldErrors) {
	var q SearchQuery
	var es FieldErrors
	fail := func(field, msg string) { es = append(es, FieldError{field, msg}) }

	place, err := in.resolvePlace()
	switch {
	case strings.TrimSpace(in.Place) == "":
		fail("place", "place: type a town, postal code or station, or paste coordinates")
	case err != nil:
		fail("place", "place: "+err.Error())
	case place.Outside && !in.OutsideOK:
		fail("place", "place: "+place.OutsideText())
	default:
		q.Lat, q.Lng = place.Lat, place.Lng
	}
	if strings.TrimSpace(in.Radius) != "" {
		v, err := ParseNumber(in.Radius, "km")
		switch {
		case err != nil:
			fail("radius", "radius: a number of km, such as 25")
		case ValidateRadius(v) != "":
			fail("radius", "radius: must be more than 0 and at most 200 km")
		default:
			q.RadiusKM = v
		}
	}
	q.ConnectorType = ParseConnector(in.Connector)
	if strings.TrimSpace(in.PowerMin) != "" {
		v, err := ParseNumber(in.PowerMin, "kw")
		if err != nil || v < 0 {
			fail("power_min", "min. power: a number of kW, 0 or more (such as 50)")
		} else {
			q.PowerMinKW = v
		}
	}
	q.Limit = in.Limit
	if strings.TrimSpace(in.From) != "" {
		length := DefaultWindow
		if strings.TrimSpace(in.Length) != "" {
			d, err := ParseDuration(in.Length)
			if err != nil {
				fail("end_time", "duration: "+err.Error())
			}
			length = d
		}
		t, err := ParseWhen(in.From, now, zone)
		switch {
		case err != nil:
			fail("start_time", "window from: "+err.Error())
		case !t.After(now):
			fail("start_time", "window from: must be in the future")
		default:
			q.Start, q.End = t, t.Add(length)
		}
	}
	if len(es) == 0 {
		es = q.Validate(now)
	}
	return q, place, es
}

// BookingInput is a booking as typed: every value as text.
type BookingInput struct {
	LocationID, EVSEUID, ConnectorID string
	Start                            string // Berlin time, or RFC 3339
	Duration                         string // 90, 90m, 1h30 … (or End)
	End                              string // instead of Duration
	Strategy                         string // driver_token, group_token, ad_hoc or pipelet
	CustomerID, TokenID              string
	FleetGroupID, TokenUID           string
	ExternalID                       string
}

// ParseBooking reads a typed booking as of now (times in zone). Every broken
// rule names its field: reservation_start, duration (a length that does not
// parse), reservation_end, external_id, and the API's own rules
// (BookingRequest.Validate).
func ParseBooking(in BookingInput, now time.Time, zone *time.Location) (BookingRequest, FieldErrors) {
	r := BookingRequest{
		LocationID:    strings.TrimSpace(in.LocationID),
		EVSEUID:       strings.TrimSpace(in.EVSEUID),
		ConnectorID:   strings.TrimSpace(in.ConnectorID),
		ExternalID:    strings.TrimSpace(in.ExternalID),
		TokenStrategy: TokenStrategy(strings.ToLower(strings.TrimSpace(in.Strategy))),
		CustomerID:    strings.TrimSpace(in.CustomerID),
		TokenID:       strings.TrimSpace(in.TokenID),
		FleetGroupID:  strings.TrimSpace(in.FleetGroupID),
		TokenUID:      NormalizeTokenUID(in.TokenUID),
	}
	var es FieldErrors
	fail := func(field, msg string) { es = append(es, FieldError{field, msg}) }
	start, startErr := ParseWhen(in.Start, now, zone)
	if startErr != nil {
		fail("reservation_start", "reservation_start: "+startErr.Error())
	}
	var end time.Time
	if strings.TrimSpace(in.End) != "" {
		t, err := ParseWhen(in.End, now, zone)
		if err != nil {
			fail("reservation_end", "reservation_end: "+err.Error())
		}
		end = t
	} else {
		d, err := ParseDuration(in.Duration)
		if err != nil {
			fail("duration", "duration: "+err.Error())
		}
		end = start.Add(d)
	}
	if startErr == nil {
		r.ReservationStart = start.UTC()
		r.ReservationEnd = end.UTC()
	}
	if r.ExternalID == "" {
		fail("external_id", "external_id: needed to find the booking again if an answer is lost")
	}
	if len(es) > 0 {
		return r, es
	}
	return r, r.Validate(now)
}

// ParseNumber reads a number as people type it: a decimal comma, an
// optional unit after it ("50 kW", "25km").
func ParseNumber(s, unit string) (float64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if unit != "" {
		s = strings.TrimSpace(strings.TrimSuffix(s, strings.ToLower(unit)))
	}
	return strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
}

// ParseDuration reads a length: plain minutes (90), Go's form (1h, 90m,
// 1h30m), or as a form shows it ("1 h", "1 h 30 min", "45 min").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Minute, nil
	}
	compact := strings.NewReplacer(" ", "", "min", "m").Replace(strings.ToLower(s))
	if h, m, ok := strings.Cut(compact, ":"); ok { // 1:30
		compact = h + "h" + m + "m"
	} else if i := strings.Index(compact, "h"); i >= 0 && i < len(compact)-1 && !strings.HasSuffix(compact, "m") {
		compact += "m" // 1h30
	}
	d, err := time.ParseDuration(compact)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("a length such as 1h, 90m or 1h30m")
	}
	return d, nil
}

// ParseConnector accepts an OCPI name in any case, a short name of the
// tables (CCS, T2, CHA …) or a label (Type 2, CHAdeMO). Anything else is
// kept as typed, for SearchQuery.Validate to name.
func ParseConnector(s string) ConnectorType {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for _, ct := range AllConnectorTypes {
		if strings.EqualFold(string(ct), s) || strings.EqualFold(ct.Short(), s) || strings.EqualFold(ct.Label(), s) {
			return ct
		}
	}
	return ConnectorType(s)
}

// ParseDay reads a day ("2026-12-01", "01.12.2026": its midnight in zone,
// or with endOfDay the next midnight), or a time as ParseWhen reads it.
func ParseDay(s string, now time.Time, zone *time.Location, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dayLayouts {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			if endOfDay {
				t = t.AddDate(0, 0, 1)
			}
			return t, nil
		}
	}
	t, err := ParseWhen(s, now, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf(`use "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or RFC 3339`)
	}
	return t, nil
}

// ParseDayRange reads "FROM .. TO" (or two days with a space between); TO
// is inclusive: the range ends at its last second.
func ParseDayRange(v string, now time.Time, zone *time.Location) (time.Time, time.Time, error) {
	parts := strings.Fields(strings.ReplaceAll(v, "..", " "))
	if len(parts) != 2 {
		return time.Time{}, time.Time{}, fmt.Errorf(`give two dates, such as "2026-11-01 .. 2026-11-30"`)
	}
	from, err := ParseDay(parts[0], now, zone, false)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("from: %v", err)
	}
	to, err := ParseDay(parts[1], now, zone, true)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("to: %v", err)
	}
	to = to.Add(-time.Second)
	if to.Before(from) {
		return time.Time{}, time.Time{}, fmt.Errorf("the end is before the start")
	}
	return from, to, nil
}

var dayLayouts = []string{"2006-01-02", "02.01.2006", "2.1.2006"}

// NormalizeTokenUID takes an RFID UID as it is read out or printed on a
// card: separators (colons, spaces, dashes) are dropped and letters upper-cased.
func NormalizeTokenUID(s string) string {
	return strings.ToUpper(strings.NewReplacer(":", "", " ", "", "-", "", ".", "").Replace(strings.TrimSpace(s)))
}
