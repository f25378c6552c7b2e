package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zoneinfo database
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/model"
)

// berlin is the drivers' time zone: every time a person reads is in it.
var berlin = func() *time.Location {
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return z
}()

// table renders rows as aligned columns (text/tabwriter), two spaces apart.
// Cells must already be sanitised; tabs in them would break the columns.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	_ = tw.Flush()
	// tabwriter pads the last column too when a cell is empty: trim line ends.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// cell makes server text safe for a table cell: one line, no escapes, at
// most n characters.
func cell(s string, n int) string {
	s = model.SanitizeLine(s)
	if s == "" {
		return "—"
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// shortWindow is a reservation window in Berlin time for a table.
func shortWindow(start, end time.Time) string {
	if start.IsZero() {
		return "—"
	}
	s, e := start.In(berlin), end.In(berlin)
	if end.IsZero() {
		return s.Format("2006-01-02 15:04")
	}
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return s.Format("2006-01-02 15:04") + "–" + e.Format("15:04")
	}
	return s.Format("2006-01-02 15:04") + "–" + e.Format("01-02 15:04")
}

// whoText is the customer/token column of the bookings table.
func whoText(b model.Booking) string {
	switch b.TokenStrategy {
	case model.DriverToken:
		if b.CustomerID != "" {
			return b.CustomerID
		}
		return "token " + b.TokenID
	case model.GroupToken:
		return "group " + b.FleetGroupID
	case model.Pipelet:
		return "RFID " + b.TokenUID
	case model.AdHoc:
		if b.AdHocToken != nil && b.AdHocToken.TokenUID != "" {
			return "ad_hoc " + b.AdHocToken.TokenUID
		}
		return "ad_hoc"
	}
	return string(b.TokenStrategy)
}

func priceText(b model.Booking) string {
	if b.ClientPrice == nil {
		return "—"
	}
	s := model.FormatPrice(*b.ClientPrice, b.ClientPriceCurrency)
	if b.Status == model.Completed {
		s += " (final)"
	}
	return s
}

// warp is the booking's lifecycle clock: the demo simulator runs everything
// tied to the reservation window Speed times faster (as the TUI reckons it).
func (c *cli) warp(b model.Booking) model.Warp {
	if !c.demo || c.speed <= 1 || b.CreatedAt == nil {
		return model.Warp{Speed: 1}
	}
	return model.Warp{Anchor: *b.CreatedAt, Speed: c.speed}
}

// bookingBlock is one booking as the TUI's status screen shows it: the status
// with its action, then the references, window, token and price. b must be
// sanitised.
func (c *cli) bookingBlock(b model.Booking) string {
	var out strings.Builder
	info := b.Status.Info()
	status := string(b.Status)
	if status == "" {
		status = "(no status)"
	}
	head := fmt.Sprintf("%-10s ", status)
	indent := strings.Repeat(" ", len(head))
	if !info.Known {
		out.WriteString(head + fmt.Sprintf("Status %q is not known to chargedesk; shown as the server sent it.\n", string(b.Status)))
		out.WriteString(indent + info.Action + "\n")
	} else {
		out.WriteString(head + info.Action + "\n")
		out.WriteString(indent + info.Meaning + "\n")
	}
	row := func(label, value string) {
		fmt.Fprintf(&out, "%-10s %s\n", label, value)
	}
	row("Booking", b.ID)
	cpoRef := b.CPOReservationID
	if cpoRef == "" {
		cpoRef = "not yet (set when the CPO confirms)"
	}
	row("CPO ref", cpoRef)
	row("External", b.ExternalID)
	loc := model.JoinNonEmpty(" · ", b.LocationName, b.LocationCity, b.CPOName)
	if b.LocationID != "" {
		loc = model.JoinNonEmpty(" ", loc, "("+b.LocationID+")")
	}
	row("Charger", loc)
	evse := b.EVSEUID
	if b.ConnectorID != "" {
		evse += " · connector " + b.ConnectorID
	}
	row("EVSE", evse)
	if start, end := b.Window(); !start.IsZero() {
		row("Window", fmt.Sprintf("%s – %s Berlin (%s–%s UTC)", start.In(berlin).Format("Mon 02 Jan 2006 15:04"),
			end.In(berlin).Format("15:04"), start.UTC().Format("15:04"), end.UTC().Format("15:04")))
		if !info.Terminal {
			start, end := b.Window()
			row("", model.Countdown(start, end, c.now(), c.warp(b)))
		}
	}
	row("Token", model.TokenText(b))
	if b.AdHocToken != nil && b.AdHocToken.ValidFrom != nil && b.AdHocToken.ValidUntil != nil {
		row("", fmt.Sprintf("token valid %s – %s Berlin", b.AdHocToken.ValidFrom.In(berlin).Format("02 Jan 15:04"),
			b.AdHocToken.ValidUntil.In(berlin).Format("02 Jan 15:04")))
	}
	price := "not known yet"
	if b.ClientPrice != nil {
		price = priceText(b)
	}
	row("Price", price)
	if b.CancellationReason != "" {
		row("Reason", b.CancellationReason)
	}
	if b.CreatedAt != nil {
		row("Created", b.CreatedAt.In(berlin).Format("2006-01-02 15:04:05")+" Berlin")
	}
	if b.StatusUpdatedAt != nil {
		row("Updated", string(b.Status)+" since "+b.StatusUpdatedAt.In(berlin).Format("2006-01-02 15:04:05")+" Berlin")
	}
	if w := c.warp(b); w.Active() && !info.Terminal {
		out.WriteString(fmt.Sprintf("Simulated clock: the demo runs the reservation %g× faster than real time.\n", w.Speed))
	}
	return out.String()
}

// changeLine is one status change of --wait in human mode.
func (c *cli) changeLine(b model.Booking) string {
	at := c.now()
	if b.StatusUpdatedAt != nil {
		at = *b.StatusUpdatedAt
	}
	info := b.Status.Info()
	line := fmt.Sprintf("%s  %-10s %s", at.In(berlin).Format("15:04:05"), string(b.Status), info.Action)
	var extra []string
	if b.Status == model.Confirmed && b.CPOReservationID != "" {
		extra = append(extra, "CPO ref "+b.CPOReservationID)
	}
	if b.CancellationReason != "" {
		extra = append(extra, "reason: "+b.CancellationReason)
	}
	if b.ClientPrice != nil && info.Terminal {
		label := "price "
		if b.Status == model.Completed {
			label = "final price "
		}
		extra = append(extra, label+model.FormatPrice(*b.ClientPrice, b.ClientPriceCurrency))
	}
	if len(extra) > 0 {
		line += " (" + strings.Join(extra, "; ") + ")"
	}
	return line + "\n"
}
