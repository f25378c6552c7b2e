package model

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// MapsLink is a link that opens the point in a maps app.
func MapsLink(lat, lng float64) string {
	return fmt.Sprintf("https://www.google.com/maps/search/?api=1&query=%.6f,%.6f", lat, lng)
}

// DriverMessage is the ready-to-send text for the driver about booking b at
// loc (loc may be empty when only the booking is known), with times in zone
// (the driver's: Europe/Berlin).
func DriverMessage(b Booking, loc Location, zone *time.Location) string {
	var s strings.Builder
	name := firstNonEmpty(loc.Name, b.LocationName, "your charger")
	fmt.Fprintf(&s, "Your charging reservation (%s)\n", b.Status)
	fmt.Fprintf(&s, "Charger: %s", name)
	if cpo := firstNonEmpty(loc.CPOName, b.CPOName); cpo != "" {
		fmt.Fprintf(&s, " (%s)", cpo)
	}
	s.WriteString("\n")
	addr := strings.TrimSpace(strings.Join(nonEmpty(loc.Address, strings.TrimSpace(loc.PostalCode+" "+loc.City)), ", "))
	if addr == "" {
		addr = b.LocationCity
	}
	if addr != "" {
		fmt.Fprintf(&s, "Address: %s\n", addr)
	}
	switch {
	case loc.Coordinates != nil:
		fmt.Fprintf(&s, "Map: %s\n", MapsLink(loc.Coordinates.Latitude, loc.Coordinates.Longitude))
	case addr != "":
		fmt.Fprintf(&s, "Map: https://www.google.com/maps/search/?api=1&query=%s\n", url.QueryEscape(name+", "+addr))
	}
	evse := b.EVSEUID
	if b.ConnectorID != "" {
		evse += ", connector " + b.ConnectorID
		for _, e := range loc.EVSEs {
			if e.EVSEUID != b.EVSEUID {
				continue
			}
			for _, c := range e.Connectors {
				if c.ConnectorID == b.ConnectorID && c.ConnectorType != "" {
					evse += fmt.Sprintf(" (%s, %g kW)", c.ConnectorType.Label(), c.PowerKW)
				}
			}
		}
	}
	fmt.Fprintf(&s, "Charging point: %s\n", evse)
	if start, end := b.Window(); !start.IsZero() {
		ls, le := start.In(zone), end.In(zone)
		fmt.Fprintf(&s, "Reserved: %s, %s–%s (German time)\n", ls.Format("Mon 02 Jan 2006"), ls.Format("15:04"), le.Format("15:04"))
	}
	switch b.TokenStrategy {
	case DriverToken:
		s.WriteString("Start charging with your usual charging card or app: it is already registered with the operator.\n")
	case AdHoc:
		if b.AdHocToken != nil && b.AdHocToken.TokenUID != "" {
			fmt.Fprintf(&s, "Start charging with this temporary token: %s", b.AdHocToken.TokenUID)
			if b.AdHocToken.ValidUntil != nil {
				fmt.Fprintf(&s, " (valid until %s)", b.AdHocToken.ValidUntil.In(zone).Format("02 Jan 15:04"))
			}
			s.WriteString("\n")
		} else {
			s.WriteString("A temporary token for this booking will be sent to you.\n")
		}
	case GroupToken:
		s.WriteString("Start charging with your fleet card.\n")
	case Pipelet:
		fmt.Fprintf(&s, "Start charging with the RFID card %s.\n", b.TokenUID)
	}
	ref := b.ExternalID
	if ref == "" {
		ref = b.ID
	}
	fmt.Fprintf(&s, "Booking reference: %s", ref)
	if b.CPOReservationID != "" {
		fmt.Fprintf(&s, " (operator: %s)", b.CPOReservationID)
	}
	s.WriteString("\n")
	return s.String()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
