package model

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Bounds of what a server's numbers are shown as: beyond them a value is
// nonsense (1e308 €, −3 km), shown as a short bounded text, never as a
// 300-digit number.
const (
	maxShownPrice    = 999999.99
	maxShownDistance = 9999.9
)

// FormatPrice writes an amount the German way round: "12.50 €" (other
// currencies by their code); an absurd amount is "> 999999.99 €".
func FormatPrice(p float64, currency string) string {
	currency = SanitizeLine(currency)
	unit := "€"
	if currency != "" && currency != "EUR" {
		unit = currency
	}
	switch {
	case math.IsNaN(p):
		return "? " + unit
	case p > maxShownPrice:
		return fmt.Sprintf("> %.2f %s", maxShownPrice, unit)
	case p < -maxShownPrice:
		return fmt.Sprintf("< -%.2f %s", maxShownPrice, unit)
	}
	return fmt.Sprintf("%.2f %s", p, unit)
}

// FormatDistance writes a distance in km with one decimal, width-stable
// ("  0.4 km"); a negative or absurd one is "? km" or "> 9999.9 km".
func FormatDistance(km float64) string {
	switch {
	case math.IsNaN(km) || km < 0:
		return "    ? km"
	case km > maxShownDistance:
		return "> 9999.9 km"
	}
	return fmt.Sprintf("%5.1f km", km)
}

// HumanDuration prints a duration the way a person says it: "42 s",
// "3 min 05 s", "25 min", "1 h 05 min".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d >= 365*24*time.Hour:
		return "more than a year"
	case d >= 72*time.Hour:
		return fmt.Sprintf("%d days %d h", int(d.Hours())/24, int(d.Hours())%24)
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()+0.5))
	case d < time.Hour:
		m, s := int(d.Minutes()), int(d.Seconds())%60
		if m < 10 && s != 0 {
			return fmt.Sprintf("%d min %02d s", m, s)
		}
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

// JoinNonEmpty joins the parts that are not blank.
func JoinNonEmpty(sep string, parts ...string) string {
	return strings.Join(nonEmpty(parts...), sep)
}

// TokenText says which token the booking uses, for the person at the keyboard.
func TokenText(b Booking) string {
	switch b.TokenStrategy {
	case DriverToken:
		if b.CustomerID != "" {
			return "driver_token · customer " + b.CustomerID + " (their usual card or app works)"
		}
		return "driver_token · token " + b.TokenID + " (their usual card or app works)"
	case GroupToken:
		return "group_token · fleet group " + b.FleetGroupID
	case Pipelet:
		return "pipelet · RFID UID " + b.TokenUID
	case AdHoc:
		if b.AdHocToken != nil && b.AdHocToken.TokenUID != "" {
			return "ad_hoc · temporary token " + b.AdHocToken.TokenUID
		}
		return "ad_hoc · temporary token (not issued yet)"
	}
	return string(b.TokenStrategy)
}

// PriceText is what a booking's amount is and says: the label ("Price",
// or "Fee" for a cancellation or a no-show) and the text ("25.06 € (final)",
// "3.50 € cancellation fee", "not known yet").
func PriceText(b Booking) (label, text string) {
	if b.ClientPrice == nil {
		if b.Status.Terminal() {
			return "Price", "none"
		}
		return "Price", "not known yet"
	}
	amount := FormatPrice(*b.ClientPrice, b.ClientPriceCurrency)
	switch b.Status {
	case Completed:
		return "Price", amount + " (final)"
	case Cancelled:
		if *b.ClientPrice > 0 {
			return "Fee", amount + " cancellation fee"
		}
		return "Price", amount + " (free cancellation)"
	case NoShow:
		return "Fee", amount + " no-show fee"
	}
	return "Price", amount + " (estimate until the end)"
}

// CPORefText is the CPO's reservation reference, or why there is none.
func CPORefText(b Booking) string {
	switch {
	case b.CPOReservationID != "":
		return b.CPOReservationID
	case b.Status.Terminal():
		return "none"
	}
	return "not yet (set when the CPO confirms)"
}

// TokenShort names the booking's token in a few words, for a list's column:
// the customer id, "token …", "group …", "RFID …" or "ad_hoc …".
func TokenShort(b Booking) string {
	switch b.TokenStrategy {
	case DriverToken:
		if b.CustomerID != "" {
			return b.CustomerID
		}
		return "token " + b.TokenID
	case GroupToken:
		return "group " + b.FleetGroupID
	case Pipelet:
		return "RFID " + b.TokenUID
	case AdHoc:
		if b.AdHocToken != nil && b.AdHocToken.TokenUID != "" {
			return "ad_hoc " + b.AdHocToken.TokenUID
		}
		return "ad_hoc"
	}
	return string(b.TokenStrategy)
}

// Countdown says where now (wall clock) stands against a reservation window:
// "starts in 25 min", "running, ends in 40 min", "window over". When the
// lifecycle runs compressed (the demo), w maps the times and the wall-clock
// wait is added: "starts in 25 min (25 s real)".
func Countdown(start, end, now time.Time, w Warp) string {
	t := w.Now(now)
	real := func(d time.Duration) string {
		if w.Active() {
			return fmt.Sprintf(" (%s real)", HumanDuration(w.Real(d)))
		}
		return ""
	}
	switch {
	case t.Before(start):
		d := start.Sub(t)
		return "starts in " + HumanDuration(d) + real(d)
	case end.IsZero() || t.Before(end):
		if end.IsZero() {
			return "running"
		}
		d := end.Sub(t)
		return "running, ends in " + HumanDuration(d) + real(d)
	}
	return "window over"
}

// Describe sums up the query's criteria for a heading: "within 25 km of
// München · CCS (Type 2 Combo) · ≥ 50 kW · free Mon 30 Nov 10:30–11:30 Berlin"
// (zone is the drivers': Europe/Berlin).
func (q SearchQuery) Describe(place string, zone *time.Location) string {
	radius := q.RadiusKM
	if radius == 0 {
		radius = DefaultRadiusKM
	}
	parts := []string{fmt.Sprintf("within %g km of %s", radius, place)}
	if q.ConnectorType != "" {
		parts = append(parts, q.ConnectorType.Label())
	}
	if q.PowerMinKW > 0 {
		parts = append(parts, fmt.Sprintf("≥ %g kW", q.PowerMinKW))
	}
	if !q.Start.IsZero() {
		parts = append(parts, "free "+q.Start.In(zone).Format("Mon 02 Jan 15:04")+"–"+q.End.In(zone).Format("15:04")+" Berlin")
	}
	return strings.Join(parts, " · ")
}
