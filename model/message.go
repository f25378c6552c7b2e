package model

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Lang is the language of what the driver reads.
type Lang string

// The languages of the driver message: German first, drivers being in Germany.
const (
	German  Lang = "de"
	English Lang = "en"
)

// ParseLang reads a language setting ("de", "Deutsch", "en", "English");
// anything else is German.
func ParseLang(s string) Lang {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "english", "englisch":
		return English
	}
	return German
}

// Other is the other language, for a key that switches.
func (l Lang) Other() Lang {
	if l == English {
		return German
	}
	return English
}

// Name is the language's own name.
func (l Lang) Name() string {
	if l == English {
		return "English"
	}
	return "Deutsch"
}

// MapsLink is a link that opens the point in a maps app.
func MapsLink(lat, lng float64) string {
	return fmt.Sprintf("https://www.google.com/maps/search/?api=1&query=%.6f,%.6f", lat, lng)
}

// words are the driver message's texts in one language.
type words struct {
	title, ref, operator, charger, address, mapLine, point, connector, reserved, timeSuffix string
	driverToken, adHoc, adHocLater, validUntil, group, pipelet                              string
	price, finalPrice, late, noShow                                                         string
	weekdays                                                                                [7]string
	dateLayout, validLayout                                                                 string
	decimalComma                                                                            bool
}

var messageWords = map[Lang]words{
	German: {
		title: "Ihre Ladereservierung ist bestätigt.", ref: "Buchungsnummer", operator: "Betreiber",
		charger: "Ladestation", address: "Adresse", mapLine: "Karte", point: "Ladepunkt", connector: "Anschluss",
		reserved: "Reserviert", timeSuffix: " Uhr",
		driverToken: "Laden starten: mit Ihrer gewohnten Ladekarte oder App – sie ist beim Betreiber hinterlegt.",
		adHoc:       "Laden starten mit diesem Einmal-Token: %s", adHocLater: "Ein Einmal-Token für diese Buchung wird Ihnen zugeschickt.",
		validUntil: " (gültig bis %s Uhr)", group: "Laden starten: mit Ihrer Flottenkarte.", pipelet: "Laden starten: mit der RFID-Karte %s.",
		price:      "Voraussichtlicher Preis: %s (Schätzung; den endgültigen Preis nennt der Betreiber nach dem Laden).",
		finalPrice: "Preis: %s.",
		late:       "Wenn Sie sich verspäten: Die Ladestation bleibt bis %s Uhr für Sie reserviert (%d Minuten nach Beginn).",
		noShow:     "Sind Sie bis dahin nicht da, verfällt die Reservierung (No-Show), und es kann eine Gebühr anfallen. Können Sie nicht kommen, sagen Sie uns bitte vorher Bescheid, dann stornieren wir.",
		weekdays:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}, dateLayout: "02.01.2006", validLayout: "02.01. 15:04",
		decimalComma: true,
	},
	English: {
		title: "Your charging reservation is confirmed.", ref: "Booking reference", operator: "operator",
		charger: "Charger", address: "Address", mapLine: "Map", point: "Charging point", connector: "connector",
		reserved: "Reserved", timeSuffix: " (German time)",
		driverToken: "Start charging with your usual charging card or app: it is already registered with the operator.",
		adHoc:       "Start charging with this temporary token: %s", adHocLater: "A temporary token for this booking will be sent to you.",
		validUntil: " (valid until %s)", group: "Start charging with your fleet card.", pipelet: "Start charging with the RFID card %s.",
		price:      "Estimated price: %s (an estimate; the operator gives the final price after charging).",
		finalPrice: "Price: %s.",
		late:       "If you are late: the charger stays reserved for you until %s (German time), %d minutes after the start.",
		noShow:     "If you are not there by then, the reservation lapses (no-show) and a fee may be charged. If you cannot come, please tell us beforehand and we cancel it.",
		weekdays:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}, dateLayout: "02 Jan 2006", validLayout: "02 Jan 15:04",
	},
}

// DriverMessage is the ready-to-send text for the driver about booking b at
// loc (loc may be empty when only the booking is known), with times in zone
// (the driver's: Europe/Berlin), in lang. The booking reference comes right
// after the first line, so no screen, however small, cuts it off.
func DriverMessage(b Booking, loc Location, zone *time.Location, lang Lang) string {
	w, ok := messageWords[lang]
	if !ok {
		w = messageWords[German]
	}
	var s strings.Builder
	s.WriteString(w.title + "\n")
	ref := firstNonEmpty(b.ExternalID, b.ID)
	fmt.Fprintf(&s, "%s: %s", w.ref, ref)
	if b.CPOReservationID != "" {
		fmt.Fprintf(&s, " (%s: %s)", w.operator, b.CPOReservationID)
	}
	s.WriteString("\n")
	writePlace(&s, w, b, loc)
	writePoint(&s, w, b, loc)
	if start, end := b.Window(); !start.IsZero() {
		ls, le := start.In(zone), end.In(zone)
		fmt.Fprintf(&s, "%s: %s %s, %s–%s%s\n", w.reserved, w.weekdays[ls.Weekday()], ls.Format(w.dateLayout), ls.Format("15:04"), le.Format("15:04"), w.timeSuffix)
	}
	writeHowToStart(&s, w, b, zone)
	writePrice(&s, w, b, loc)
	writeNoShowRule(&s, w, b, zone)
	return s.String()
}

// writePrice is what the driver is expected to pay: the booking's price
// (an estimate until the session is over), else the location's estimate.
func writePrice(s *strings.Builder, w words, b Booking, loc Location) {
	amount, known := 0.0, false
	currency := b.ClientPriceCurrency
	if b.ClientPrice != nil {
		amount, known = *b.ClientPrice, true
	} else if p, ok := loc.EstimatedPrice(); ok {
		amount, known, currency = p, true, loc.Pricing.Currency
	}
	if !known {
		return
	}
	text := FormatPrice(amount, currency)
	if w.decimalComma {
		text = strings.Replace(text, ".", ",", 1)
	}
	layout := w.price
	if b.Status == Completed {
		layout = w.finalPrice
	}
	fmt.Fprintf(s, layout+"\n", text)
}

// writeNoShowRule says what happens if the driver is late or does not
// come, as the booking states it: its start plus the no-show grace
// (NoShowGrace) is when the reservation lapses as a no-show, which may
// cost a fee.
func writeNoShowRule(s *strings.Builder, w words, b Booking, zone *time.Location) {
	start, _ := b.Window()
	if start.IsZero() || b.Status.Terminal() || b.Status == Attending {
		return // nothing to be late for any more
	}
	lapse := start.Add(NoShowGrace).In(zone)
	fmt.Fprintf(s, w.late+"\n", lapse.Format("15:04"), int(NoShowGrace/time.Minute))
	s.WriteString(w.noShow + "\n")
}

func writePlace(s *strings.Builder, w words, b Booking, loc Location) {
	name := firstNonEmpty(loc.Name, b.LocationName, "—")
	fmt.Fprintf(s, "%s: %s", w.charger, name)
	if cpo := firstNonEmpty(loc.CPOName, b.CPOName); cpo != "" {
		fmt.Fprintf(s, " (%s)", cpo)
	}
	s.WriteString("\n")
	addr := strings.TrimSpace(strings.Join(nonEmpty(loc.Address, strings.TrimSpace(loc.PostalCode+" "+loc.City)), ", "))
	if addr == "" {
		addr = b.LocationCity
	}
	if addr != "" {
		fmt.Fprintf(s, "%s: %s\n", w.address, addr)
	}
	switch {
	case loc.Coordinates != nil:
		fmt.Fprintf(s, "%s: %s\n", w.mapLine, MapsLink(loc.Coordinates.Latitude, loc.Coordinates.Longitude))
	case addr != "":
		fmt.Fprintf(s, "%s: https://www.google.com/maps/search/?api=1&query=%s\n", w.mapLine, url.QueryEscape(name+", "+addr))
	}
}

func writePoint(s *strings.Builder, w words, b Booking, loc Location) {
	evse := b.EVSEUID
	if b.ConnectorID != "" {
		evse += ", " + w.connector + " " + b.ConnectorID
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
	fmt.Fprintf(s, "%s: %s\n", w.point, evse)
}

func writeHowToStart(s *strings.Builder, w words, b Booking, zone *time.Location) {
	switch b.TokenStrategy {
	case DriverToken:
		s.WriteString(w.driverToken + "\n")
	case AdHoc:
		if b.AdHocToken == nil || b.AdHocToken.TokenUID == "" {
			s.WriteString(w.adHocLater + "\n")
			return
		}
		fmt.Fprintf(s, w.adHoc, b.AdHocToken.TokenUID)
		if b.AdHocToken.ValidUntil != nil {
			fmt.Fprintf(s, w.validUntil, b.AdHocToken.ValidUntil.In(zone).Format(w.validLayout))
		}
		s.WriteString("\n")
	case GroupToken:
		s.WriteString(w.group + "\n")
	case Pipelet:
		fmt.Fprintf(s, w.pipelet+"\n", b.TokenUID)
	}
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
