// Package model holds chargedesk's domain types and the pure rules about them:
// validation, what each booking status means and allows, and the poll policy.
// It performs no I/O and never reads the clock itself: callers pass "now" in.
package model

import "time"

// Clock tells the time. Everything that needs "now" takes one (or a time.Time
// read from one), so tests and the simulator can run on a fake clock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// EVSEStatus is an OCPI EVSE status. Unknown values are kept as they are.
type EVSEStatus string

// OCPI 2.2 EVSE statuses.
const (
	EVSEAvailable   EVSEStatus = "AVAILABLE"
	EVSEBlocked     EVSEStatus = "BLOCKED"
	EVSECharging    EVSEStatus = "CHARGING"
	EVSEInoperative EVSEStatus = "INOPERATIVE"
	EVSEOutOfOrder  EVSEStatus = "OUTOFORDER"
	EVSEPlanned     EVSEStatus = "PLANNED"
	EVSERemoved     EVSEStatus = "REMOVED"
	EVSEReserved    EVSEStatus = "RESERVED"
	EVSEUnknown     EVSEStatus = "UNKNOWN"
)

// EVSEStatuses lists the OCPI EVSE statuses in a stable order.
var EVSEStatuses = []EVSEStatus{EVSEAvailable, EVSEBlocked, EVSECharging, EVSEInoperative,
	EVSEOutOfOrder, EVSEPlanned, EVSERemoved, EVSEReserved, EVSEUnknown}

// PowerType is OCPI's current type of a connector.
type PowerType string

// OCPI power types.
const (
	AC1Phase      PowerType = "AC_1_PHASE"
	AC2Phase      PowerType = "AC_2_PHASE"
	AC2PhaseSplit PowerType = "AC_2_PHASE_SPLIT"
	AC3Phase      PowerType = "AC_3_PHASE"
	DC            PowerType = "DC"
)

// IsDC tells direct current from the AC variants.
func (p PowerType) IsDC() bool { return p == DC }

// Label is "DC" or "AC", as a plug's current is called.
func (p PowerType) Label() string {
	if p.IsDC() {
		return "DC"
	}
	return "AC"
}

// Coordinates of a location, in decimal degrees.
type Coordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Connector is one plug of an EVSE.
type Connector struct {
	ConnectorID   string        `json:"connector_id,omitempty"`
	ConnectorType ConnectorType `json:"connector_type,omitempty"`
	PowerKW       float64       `json:"power_kw,omitempty"`
	PowerType     PowerType     `json:"power_type,omitempty"`
}

// EVSE is one charging point of a location.
type EVSE struct {
	EVSEUID    string      `json:"evse_uid"`
	Status     EVSEStatus  `json:"status"`
	Connectors []Connector `json:"connectors,omitempty"`
}

// MaxPowerKW is the highest connector power of the EVSE (0 when unknown).
func (e EVSE) MaxPowerKW() float64 {
	var m float64
	for _, c := range e.Connectors {
		if c.PowerKW > m {
			m = c.PowerKW
		}
	}
	return m
}

// Pricing is the location's price estimate.
type Pricing struct {
	EstimatedPrice *float64 `json:"estimated_price,omitempty"`
	Currency       string   `json:"currency,omitempty"`
}

// Location is one search result.
type Location struct {
	LocationID          string       `json:"location_id"`
	Name                string       `json:"name"`
	DistanceKM          float64      `json:"distance_km"`
	CPOName             string       `json:"cpo_name"`
	CPOPartyID          string       `json:"cpo_party_id,omitempty"`
	SupportsReservation bool         `json:"supports_reservation"`
	Address             string       `json:"address,omitempty"`
	City                string       `json:"city,omitempty"`
	PostalCode          string       `json:"postal_code,omitempty"`
	Country             string       `json:"country,omitempty"`
	Coordinates         *Coordinates `json:"coordinates,omitempty"`
	EVSEs               []EVSE       `json:"evses"`
	Pricing             *Pricing     `json:"pricing,omitempty"`
}

// CPOResult is the per-CPO part of a search answer.
type CPOResult struct {
	CPOName    string  `json:"cpo_name,omitempty"`
	CPOPartyID string  `json:"cpo_party_id,omitempty"`
	Count      int     `json:"count"`
	DurationMS int     `json:"duration_ms"`
	Error      *string `json:"error"`
}

// SearchResponse is the body of GET /search.
type SearchResponse struct {
	Total      int         `json:"total"`
	Results    []Location  `json:"results"`
	CPOResults []CPOResult `json:"cpo_results,omitempty"`
	// CachedAt is not the API's: a chargedesk gateway answering an identical
	// search from its shared cache says when the API gave that answer.
	CachedAt *time.Time `json:"cached_at,omitempty"`
}

// TokenStrategy says which token the CPO will accept for the booking.
type TokenStrategy string

// The four token strategies of the API.
const (
	DriverToken TokenStrategy = "driver_token"
	GroupToken  TokenStrategy = "group_token"
	AdHoc       TokenStrategy = "ad_hoc"
	Pipelet     TokenStrategy = "pipelet"
)

// TokenStrategies lists them in the order a form offers them.
var TokenStrategies = []TokenStrategy{DriverToken, GroupToken, AdHoc, Pipelet}

// Label is a short human description of the strategy.
func (t TokenStrategy) Label() string {
	switch t {
	case DriverToken:
		return "driver's own RFID card or app token"
	case GroupToken:
		return "fleet group token"
	case AdHoc:
		return "temporary token for this booking only"
	case Pipelet:
		return "RFID UID (hex)"
	}
	return string(t)
}

// Names are what an agent or a driver may call the strategy: its API name,
// its label, and the German words a driver says for it ("Flottengruppe").
func (t TokenStrategy) Names() []string {
	return append([]string{string(t), t.Label()}, tokenWords[t]...)
}

var tokenWords = map[TokenStrategy][]string{
	DriverToken: {"Kundennummer", "Ladekarte", "Token-ID"},
	GroupToken:  {"Flottengruppe", "Flottenkarte"},
	AdHoc:       {"ad hoc", "einmaliges Token"},
	Pipelet:     {"RFID-UID", "Kartennummer"},
}

// BookingRequest is the body of POST /bookings.
type BookingRequest struct {
	LocationID       string        `json:"location_id"`
	EVSEUID          string        `json:"evse_uid"`
	ConnectorID      string        `json:"connector_id,omitempty"`
	ReservationStart time.Time     `json:"reservation_start"`
	ReservationEnd   time.Time     `json:"reservation_end"`
	ExternalID       string        `json:"external_id,omitempty"`
	TokenStrategy    TokenStrategy `json:"token_strategy,omitempty"`
	CustomerID       string        `json:"customer_id,omitempty"`
	TokenID          string        `json:"token_id,omitempty"`
	FleetGroupID     string        `json:"fleet_group_id,omitempty"`
	TokenUID         string        `json:"token_uid,omitempty"`
}

// AdHocToken is the temporary token of an ad_hoc booking.
type AdHocToken struct {
	TokenUID   string     `json:"token_uid,omitempty"`
	ValidFrom  *time.Time `json:"valid_from,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
}

// Booking is the booking object the API returns.
type Booking struct {
	ID                  string        `json:"id"`
	Status              Status        `json:"status"`
	StatusUpdatedAt     *time.Time    `json:"status_updated_at,omitempty"`
	CPOReservationID    string        `json:"cpo_reservation_id,omitempty"`
	ClientPrice         *float64      `json:"client_price,omitempty"`
	ClientPriceCurrency string        `json:"client_price_currency,omitempty"`
	ExternalID          string        `json:"external_id,omitempty"`
	LocationCity        string        `json:"location_city,omitempty"`
	CreatedAt           *time.Time    `json:"created_at,omitempty"`
	LocationID          string        `json:"location_id,omitempty"`
	EVSEUID             string        `json:"evse_uid,omitempty"`
	ConnectorID         string        `json:"connector_id,omitempty"`
	ReservationStart    *time.Time    `json:"reservation_start,omitempty"`
	ReservationEnd      *time.Time    `json:"reservation_end,omitempty"`
	TokenStrategy       TokenStrategy `json:"token_strategy,omitempty"`
	CustomerID          string        `json:"customer_id,omitempty"`
	TokenID             string        `json:"token_id,omitempty"`
	FleetGroupID        string        `json:"fleet_group_id,omitempty"`
	TokenUID            string        `json:"token_uid,omitempty"`
	AdHocToken          *AdHocToken   `json:"ad_hoc_token,omitempty"`
	CancellationReason  string        `json:"cancellation_reason,omitempty"`
	UpdatedAt           *time.Time    `json:"updated_at,omitempty"`
	LocationName        string        `json:"location_name,omitempty"`
	CPOName             string        `json:"cpo_name,omitempty"`
	// BookedBy is not the API's: a chargedesk gateway adds the name of the
	// agent who booked it through the gateway.
	BookedBy string `json:"booked_by,omitempty"`
}

// Window returns the reservation window (zero times when the server left it out).
func (b Booking) Window() (start, end time.Time) {
	if b.ReservationStart != nil {
		start = *b.ReservationStart
	}
	if b.ReservationEnd != nil {
		end = *b.ReservationEnd
	}
	return start, end
}

// OlderThan tells whether this copy of a booking is older than copy o: by
// status_updated_at, then updated_at. Copies that say nothing are equal.
// Every place that keeps a booking keeps the newest copy by this rule.
func (b Booking) OlderThan(o Booking) bool {
	if d := compareTimes(b.StatusUpdatedAt, o.StatusUpdatedAt); d != 0 {
		return d < 0
	}
	return compareTimes(b.UpdatedAt, o.UpdatedAt) < 0
}

func compareTimes(a, b *time.Time) int {
	if a == nil || b == nil {
		return 0
	}
	return a.Compare(*b)
}

// BookingList is the body of GET /bookings.
type BookingList struct {
	Bookings []Booking `json:"bookings"`
	Total    int       `json:"total"`
	Limit    int       `json:"limit"`
	Offset   int       `json:"offset"`
}

// BookingFilter is the query of GET /bookings.
type BookingFilter struct {
	Status   Status
	FromDate time.Time
	ToDate   time.Time
	Limit    int
	Offset   int
}

// RateLimit is the per-minute part of GET /usage.
type RateLimit struct {
	Limit     int        `json:"limit"`
	Remaining int        `json:"remaining"`
	Period    string     `json:"period,omitempty"`
	ResetAt   *time.Time `json:"reset_at,omitempty"`
}

// Quota is the monthly part of GET /usage.
type Quota struct {
	Limit     int        `json:"limit"`
	Used      int        `json:"used"`
	Remaining int        `json:"remaining"`
	Period    string     `json:"period,omitempty"`
	ResetAt   *time.Time `json:"reset_at,omitempty"`
}

// Usage is the body of GET /usage.
type Usage struct {
	RateLimit RateLimit `json:"rate_limit"`
	Quota     *Quota    `json:"quota,omitempty"`
}

// CancelRequest is the body of POST /bookings/{id}/cancel.
type CancelRequest struct {
	Reason string `json:"reason,omitempty"`
}

// ErrorBody is every error response's body.
type ErrorBody struct {
	Error string `json:"error"`
}
