package model

import (
	"fmt"
	"strings"
	"time"
)

// Need is what the driver asked for: a plug type, a minimum power and, when
// given, a reservation window. It is taken from the search and carried to
// every later step, so the charger proposed, preselected or booked is the one
// the driver can use.
type Need struct {
	Connector  ConnectorType // "" any
	PowerMinKW float64       // 0 any
	Start, End time.Time     // zero: no window given
}

// Need is the driver's need a search expresses.
func (q SearchQuery) Need() Need {
	return Need{Connector: q.ConnectorType, PowerMinKW: q.PowerMinKW, Start: q.Start, End: q.End}
}

// Any tells whether the need asks for nothing in particular about the plug.
func (n Need) Any() bool { return n.Connector == "" && n.PowerMinKW == 0 }

// Fits tells whether the connector meets the need.
func (n Need) Fits(c Connector) bool {
	return (n.Connector == "" || c.ConnectorType == n.Connector) && c.PowerKW >= n.PowerMinKW
}

// ConnectorOf returns the connector of e that meets the need (the fastest of
// them), or false when none does.
func (n Need) ConnectorOf(e EVSE) (Connector, bool) {
	best, found := Connector{}, false
	for _, c := range e.Connectors {
		if n.Fits(c) && (!found || c.PowerKW > best.PowerKW) {
			best, found = c, true
		}
	}
	return best, found
}

// Meets tells whether the EVSE has a connector that meets the need, and if
// not, why (in words for the list: "no CHAdeMO plug", "50 kW, below 150 kW").
func (n Need) Meets(e EVSE) (bool, string) {
	if _, ok := n.ConnectorOf(e); ok || n.Any() {
		return true, ""
	}
	hasType := n.Connector == ""
	for _, c := range e.Connectors {
		hasType = hasType || c.ConnectorType == n.Connector
	}
	if !hasType {
		return false, "no " + n.Connector.Label() + " plug"
	}
	return false, fmt.Sprintf("%g kW, below %g kW", n.maxPowerOfType(e), n.PowerMinKW)
}

func (n Need) maxPowerOfType(e EVSE) float64 {
	var m float64
	for _, c := range e.Connectors {
		if (n.Connector == "" || c.ConnectorType == n.Connector) && c.PowerKW > m {
			m = c.PowerKW
		}
	}
	return m
}

// Free counts the EVSEs of l that meet the need (fitting) and, of those,
// how many are free now (AVAILABLE): what "free" means to a driver who
// needs 22 kW is a free EVSE that gives 22 kW. Without a need every EVSE
// fits.
func (n Need) Free(l Location) (free, fitting int) {
	for _, e := range l.EVSEs {
		if ok, _ := n.Meets(e); !ok {
			continue
		}
		fitting++
		if e.Status == EVSEAvailable {
			free++
		}
	}
	return free, fitting
}

// Bookable counts the EVSEs of l that can be reserved now and meet the need.
func (n Need) Bookable(l Location) int {
	c := 0
	for _, e := range l.EVSEs {
		if ok, _ := Bookable(l, e); ok {
			if fits, _ := n.Meets(e); fits {
				c++
			}
		}
	}
	return c
}

// Describe is the need in a few words: "CHAdeMO ≥ 150 kW", "CCS (Type 2
// Combo)", "≥ 50 kW"; "" when it asks for nothing about the plug.
func (n Need) Describe() string {
	parts := []string{}
	if n.Connector != "" {
		parts = append(parts, n.Connector.Label())
	}
	if n.PowerMinKW > 0 {
		parts = append(parts, fmt.Sprintf("≥ %g kW", n.PowerMinKW))
	}
	return strings.Join(parts, " ")
}

// ClosestMatch is the bookable EVSE of loc to offer when none meets the
// need: one with the plug asked for and the most power, else the most
// powerful. ok is false when nothing at loc can be booked.
func (n Need) ClosestMatch(loc Location) (EVSE, bool) {
	best, found, bestScore := EVSE{}, false, -1.0
	for _, e := range loc.EVSEs {
		if ok, _ := Bookable(loc, e); !ok {
			continue
		}
		score := n.maxPowerOfType(e)
		if n.Connector != "" && !hasType(e, n.Connector) {
			score = e.MaxPowerKW() - 1e6 // any plug of the asked type first
		}
		if !found || score > bestScore {
			best, found, bestScore = e, true, score
		}
	}
	return best, found
}

func hasType(e EVSE, t ConnectorType) bool {
	for _, c := range e.Connectors {
		if c.ConnectorType == t {
			return true
		}
	}
	return false
}

// SameRequest tells whether booking b is what request r asked for: the same
// location, EVSE, window and token (and connector, when both name one). It
// returns "" when it is, else what differs — so a booking found by its
// external id is adopted only when it is the one that was asked for.
func SameRequest(b Booking, r BookingRequest) string {
	start, end := b.Window()
	var diffs []string
	differ := func(what string, same bool) {
		if !same {
			diffs = append(diffs, what)
		}
	}
	differ("location "+b.LocationID, b.LocationID == "" || b.LocationID == r.LocationID)
	differ("EVSE "+b.EVSEUID, b.EVSEUID == "" || b.EVSEUID == r.EVSEUID)
	differ("connector "+b.ConnectorID, b.ConnectorID == "" || r.ConnectorID == "" || b.ConnectorID == r.ConnectorID)
	differ("window "+start.UTC().Format(time.RFC3339)+"–"+end.UTC().Format(time.RFC3339),
		(start.IsZero() || start.Equal(r.ReservationStart)) && (end.IsZero() || end.Equal(r.ReservationEnd)))
	differ("token "+TokenShort(b), sameToken(b, r))
	return strings.Join(diffs, ", ")
}

func sameToken(b Booking, r BookingRequest) bool {
	if b.TokenStrategy == "" {
		return true // the server did not echo it
	}
	if b.TokenStrategy != r.TokenStrategy && !(r.TokenStrategy == "" && b.TokenStrategy == AdHoc) {
		return false
	}
	switch b.TokenStrategy {
	case DriverToken:
		return b.CustomerID == r.CustomerID && b.TokenID == r.TokenID
	case GroupToken:
		return b.FleetGroupID == r.FleetGroupID
	case Pipelet:
		return strings.EqualFold(b.TokenUID, r.TokenUID)
	}
	return true
}
