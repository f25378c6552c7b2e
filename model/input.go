package model

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	From      string // the optional reservation window's start (Berlin time), and its length when said with it (SplitWindow)
	Length    string // the window's length, unless From says it; "" is DefaultWindow
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
		from, length, said := SplitWindow(in.From)
		if !said {
			length = DefaultWindow
		}
		if strings.TrimSpace(in.Length) != "" && !said {
			d, err := ParseDuration(in.Length)
			if err != nil {
				fail("end_time", "duration: "+err.Error())
			}
			length = d
		}
		t, err := ParseWhen(from, now, zone)
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

// ParseDuration reads a length as people say or type it: plain minutes
// ("40"), with units in English or German ("40 min", "45 Minuten", "2 h",
// "2 Stunden", "1 Std. 30 Min."), hours and minutes run together ("1h10",
// Go's "1h30m"), a clock ("1:10"), a decimal comma or point ("1,5 h"),
// number words for a few hours ("zwei Stunden", "einer Stunde") and the
// common fractions ("eine halbe Stunde", "dreiviertel Stunde", "half an
// hour"). It is rounded to the minute.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range durationPhrases {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	if h, m, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), ":"); ok { // 1:10
		s = h + "h" + m
	}
	if strings.Trim(durationToken.ReplaceAllString(s, ""), " .") != "" {
		return 0, errDuration
	}
	d, ok := sumDuration(durationToken.FindAllString(s, -1))
	if !ok || d <= 0 {
		return 0, errDuration
	}
	return d, nil
}

var errDuration = errors.New("a length such as 40, 45 min, 1h10, 1:10 or 1,5 h")

// durationToken is a number (with a decimal comma or point) or a word.
var durationToken = regexp.MustCompile(`\d+(?:[.,]\d+)?|\p{L}+`)

// durationPhrases are said as one: they become a number and a unit.
var durationPhrases = [][2]string{
	{"an hour and a half", "1.5 h"}, {"half an hour", "0.5 h"}, {"quarter of an hour", "0.25 h"},
	{"viertelstunde", "0.25 h"}, {"stündchen", "h"},
}

var durationNumbers = map[string]float64{
	"ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "a": 1, "an": 1, "one": 1,
	"zwei": 2, "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4,
	"halb": 0.5, "halbe": 0.5, "halben": 0.5, "half": 0.5, "viertel": 0.25, "quarter": 0.25,
	"dreiviertel": 0.75, "anderthalb": 1.5, "eineinhalb": 1.5,
}

// durationArticles are the number words that are also articles ("eine halbe").
var durationArticles = map[string]bool{"ein": true, "eine": true, "einer": true, "einem": true, "einen": true, "a": true, "an": true}

var durationUnits = map[string]time.Duration{
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"std": time.Hour, "stunde": time.Hour, "stunden": time.Hour,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute, "minuten": time.Minute,
}

// sumDuration adds up number-and-unit pairs ("1 h 30 min"); a number
// without a unit is minutes, alone or after hours ("1h10"); an article
// before a number is dropped ("eine halbe Stunde").
func sumDuration(tokens []string) (time.Duration, bool) {
	var minutes, num float64
	have, article, after := false, false, time.Duration(0)
	for _, t := range tokens {
		if v, ok := durationNumber(t); ok {
			if have && !article {
				return 0, false
			}
			num, have, article = v, true, durationArticles[t]
			continue
		}
		unit, ok := durationUnits[t]
		switch {
		case ok && have:
			minutes += num * float64(unit/time.Minute)
			have, article, after = false, false, unit
		case t == "und" || t == "and":
		default:
			return 0, false
		}
	}
	if have { // bare minutes: whole ones, alone or after the hours
		if after == time.Minute || article || num != math.Trunc(num) {
			return 0, false
		}
		minutes += num
	}
	return time.Duration(math.Round(minutes)) * time.Minute, true
}

func durationNumber(t string) (float64, bool) {
	if v, ok := durationNumbers[t]; ok {
		return v, true
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", "."), 64)
	return v, err == nil
}

// FormatLength writes a length as ParseDuration reads it back and a form
// shows it: "45 min", "2 h", "1 h 10 min".
func FormatLength(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}

// LengthStep is the step of the shortcuts that move a length.
const LengthStep = 15 * time.Minute

// StepLength is the next length on from d in the direction of dir (-1 or
// +1) on the quarter hours, within MinDuration and MaxDuration: 40 min
// steps to 30 or 45.
func StepLength(d time.Duration, dir int) time.Duration {
	next := d.Truncate(LengthStep)
	if dir > 0 {
		next += LengthStep
	} else if next == d {
		next -= LengthStep
	}
	return min(max(next, MinDuration), MaxDuration)
}

// FirstMatch is the first of choices that typed text names, or -1: the
// first with a name that begins with it (letters and digits only, in any
// case: "t2" names "T2", "cha" "CHAdeMO", "ad" "ad_hoc"), else the first
// with a word of a name that does ("fl" names "fleet group token"). Each
// choice may have several names (a label, a short name, the API's name).
func FirstMatch(typed string, choices [][]string) int {
	t := squash(typed)
	if t == "" {
		return -1
	}
	for i, names := range choices {
		for _, n := range names {
			if strings.HasPrefix(squash(n), t) {
				return i
			}
		}
	}
	for i, names := range choices {
		for _, n := range names {
			for _, w := range strings.FieldsFunc(n, notAlnum) {
				if strings.HasPrefix(squash(w), t) {
					return i
				}
			}
		}
	}
	return -1
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// squash is s in lower case, letters and digits only.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if notAlnum(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
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
