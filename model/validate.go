package model

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// Limits the API enforces (and the client checks before sending).
const (
	MaxRadiusKM       = 200.0
	DefaultRadiusKM   = 50.0
	MinLeadTime       = 15 * time.Minute
	MinDuration       = 15 * time.Minute
	MaxDuration       = 4 * time.Hour
	MaxSearchLimit    = 100
	DefaultSearchSize = 20
	MaxListLimit      = 100
)

// FieldError is one broken rule, naming the field (by its API name) and the
// rule in words a person understands.
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// FieldErrors is every broken rule of one request.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// For returns the message for a field, or "".
func (es FieldErrors) For(field string) string {
	for _, e := range es {
		if e.Field == field {
			return e.Msg
		}
	}
	return ""
}

// Err returns nil for no errors, so callers can write `if err := v.Err(); err != nil`.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// SearchQuery is what GET /search is asked.
type SearchQuery struct {
	Lat, Lng      float64
	RadiusKM      float64 // 0 = server default (50)
	ConnectorType ConnectorType
	PowerMinKW    float64
	Limit         int // 0 = server default
	Start, End    time.Time
}

// ValidateLat checks a latitude; the text is the API's own.
func ValidateLat(lat float64) string {
	if !(lat >= -90 && lat <= 90) {
		return "Invalid latitude: must be between -90 and 90"
	}
	return ""
}

// ValidateLng checks a longitude.
func ValidateLng(lng float64) string {
	if !(lng >= -180 && lng <= 180) {
		return "Invalid longitude: must be between -180 and 180"
	}
	return ""
}

// ValidateRadius checks a radius in km: more than 0, at most 200.
func ValidateRadius(r float64) string {
	if !(r > 0 && r <= MaxRadiusKM) {
		return fmt.Sprintf("Invalid radius: must be more than 0 and at most %g km", MaxRadiusKM)
	}
	return ""
}

// Validate checks the query against the API's rules. now is used for the
// optional reservation window.
func (q SearchQuery) Validate(now time.Time) FieldErrors {
	var es FieldErrors
	if m := ValidateLat(q.Lat); m != "" {
		es = append(es, FieldError{"lat", m})
	}
	if m := ValidateLng(q.Lng); m != "" {
		es = append(es, FieldError{"lng", m})
	}
	if q.RadiusKM != 0 {
		if m := ValidateRadius(q.RadiusKM); m != "" {
			es = append(es, FieldError{"radius", m})
		}
	}
	if q.ConnectorType != "" && !q.ConnectorType.Known() {
		es = append(es, FieldError{"connector_type", fmt.Sprintf("Invalid connector_type: %q is not an OCPI connector type", string(q.ConnectorType))})
	}
	if !(q.PowerMinKW >= 0) || math.IsInf(q.PowerMinKW, 1) {
		es = append(es, FieldError{"power_min", "Invalid power_min: must be 0 kW or more"})
	}
	if q.Limit < 0 || q.Limit > MaxSearchLimit {
		es = append(es, FieldError{"limit", fmt.Sprintf("Invalid limit: must be between 1 and %d", MaxSearchLimit)})
	}
	switch {
	case q.Start.IsZero() != q.End.IsZero():
		es = append(es, FieldError{"start_time", "Invalid time window: give both start_time and end_time, or neither"})
	case !q.Start.IsZero() && !q.End.After(q.Start):
		es = append(es, FieldError{"end_time", "Invalid time window: end_time must be after start_time"})
	}
	return es
}

var hexUID = regexp.MustCompile(`^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{20})$`)

// ValidTokenUID tells whether s is an RFID UID of 8, 14 or 20 hex characters.
func ValidTokenUID(s string) bool { return hexUID.MatchString(s) }

// Validate checks a booking request against the API's rules as of now. The
// messages name the field, as the API's do.
func (r BookingRequest) Validate(now time.Time) FieldErrors {
	var es FieldErrors
	add := func(f, m string) { es = append(es, FieldError{f, m}) }
	if strings.TrimSpace(r.LocationID) == "" {
		add("location_id", "location_id is required")
	}
	if strings.TrimSpace(r.EVSEUID) == "" {
		add("evse_uid", "evse_uid is required")
	}
	switch {
	case r.ReservationStart.IsZero():
		add("reservation_start", "reservation_start is required")
	case r.ReservationStart.Before(now.Add(MinLeadTime)):
		add("reservation_start", "reservation_start must be at least 15 minutes in the future")
	}
	switch {
	case r.ReservationEnd.IsZero():
		add("reservation_end", "reservation_end is required")
	case r.ReservationStart.IsZero():
	case !r.ReservationEnd.After(r.ReservationStart):
		add("reservation_end", "reservation_end must be after reservation_start")
	case r.ReservationEnd.Sub(r.ReservationStart) < MinDuration:
		add("reservation_end", "reservation_end: the reservation must last at least 15 minutes")
	case r.ReservationEnd.Sub(r.ReservationStart) > MaxDuration:
		add("reservation_end", "reservation_end: the reservation may last at most 4 hours")
	}
	switch r.TokenStrategy {
	case DriverToken:
		if strings.TrimSpace(r.CustomerID) == "" && strings.TrimSpace(r.TokenID) == "" {
			add("customer_id", "customer_id or token_id is required for token_strategy driver_token")
		}
	case GroupToken:
		if strings.TrimSpace(r.FleetGroupID) == "" {
			add("fleet_group_id", "fleet_group_id is required for token_strategy group_token")
		}
	case Pipelet:
		switch {
		case r.TokenUID == "":
			add("token_uid", "token_uid is required for token_strategy pipelet")
		case !ValidTokenUID(r.TokenUID):
			add("token_uid", "token_uid must be 8, 14 or 20 hexadecimal characters")
		}
	case AdHoc, "":
	default:
		add("token_strategy", fmt.Sprintf("token_strategy %q is not one of driver_token, group_token, ad_hoc, pipelet", string(r.TokenStrategy)))
	}
	return es
}

// DefaultStart is the first quarter hour at least 20 minutes after now: far
// enough ahead to pass the 15-minute rule while the agent fills the form.
func DefaultStart(now time.Time) time.Time {
	t := now.Add(20 * time.Minute)
	q := t.Truncate(15 * time.Minute)
	if q.Before(t) {
		q = q.Add(15 * time.Minute)
	}
	return q
}

// Bookable tells whether the EVSE of this location can be reserved, and if
// not, why (in words for the list).
func Bookable(loc Location, e EVSE) (bool, string) {
	if !loc.SupportsReservation {
		return false, "location is search-only (no reservations)"
	}
	if e.Status != EVSEAvailable {
		return false, "status " + string(e.Status)
	}
	return true, ""
}

// BookableCount is how many EVSEs of the location can be reserved.
func (l Location) BookableCount() int {
	n := 0
	for _, e := range l.EVSEs {
		if ok, _ := Bookable(l, e); ok {
			n++
		}
	}
	return n
}

// AvailableCount is how many EVSEs report AVAILABLE.
func (l Location) AvailableCount() int {
	n := 0
	for _, e := range l.EVSEs {
		if e.Status == EVSEAvailable {
			n++
		}
	}
	return n
}

// MaxPowerKW is the highest connector power at the location.
func (l Location) MaxPowerKW() float64 {
	var m float64
	for _, e := range l.EVSEs {
		if p := e.MaxPowerKW(); p > m {
			m = p
		}
	}
	return m
}

// ConnectorTypes lists the distinct connector types at the location in the order first seen.
func (l Location) ConnectorTypes() []ConnectorType {
	var out []ConnectorType
	seen := map[ConnectorType]bool{}
	for _, e := range l.EVSEs {
		for _, c := range e.Connectors {
			if c.ConnectorType != "" && !seen[c.ConnectorType] {
				seen[c.ConnectorType] = true
				out = append(out, c.ConnectorType)
			}
		}
	}
	return out
}

// EstimatedPrice returns the price estimate and whether there is one.
func (l Location) EstimatedPrice() (float64, bool) {
	if l.Pricing == nil || l.Pricing.EstimatedPrice == nil {
		return 0, false
	}
	return *l.Pricing.EstimatedPrice, true
}
