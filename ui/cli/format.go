package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// shortWindow is a reservation window in Berlin time for a table.
func shortWindow(start, end time.Time) string {
	if start.IsZero() {
		return "—"
	}
	s, e := start.In(model.Berlin), end.In(model.Berlin)
	if end.IsZero() {
		return s.Format("2006-01-02 15:04")
	}
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return s.Format("2006-01-02 15:04") + "–" + e.Format("15:04")
	}
	return s.Format("2006-01-02 15:04") + "–" + e.Format("01-02 15:04")
}

// priceText is a table's price cell.
func priceText(b model.Booking) string {
	if b.ClientPrice == nil {
		return "—"
	}
	_, text := model.PriceText(b)
	return text
}

// warp is the booking's lifecycle clock: the demo simulator runs everything
// tied to the reservation window Speed times faster (as the TUI reckons it).
func (inv *invocation) warp(b model.Booking) model.Warp {
	if inv.conn == nil || !inv.conn.demo || inv.conn.speed <= 1 || b.CreatedAt == nil {
		return model.Warp{Speed: 1}
	}
	return model.Warp{Anchor: *b.CreatedAt, Speed: inv.conn.speed}
}

// berlinTime formats t in the drivers' time zone.
func berlinTime(t time.Time, layout string) string { return t.In(model.Berlin).Format(layout) }

// bookingBlock is one booking as the TUI's status screen shows it: the status
// with its action, then the references, window, token and price. b must be
// sanitised.
func (inv *invocation) bookingBlock(b model.Booking) string {
	var out strings.Builder
	out.WriteString(statusLines(b))
	row := func(label, value string) { fmt.Fprintf(&out, "%-10s %s\n", label, value) }
	row("Booking", b.ID)
	row("CPO ref", model.CPORefText(b))
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
	terminal := b.Status.Info().Terminal
	if start, end := b.Window(); !start.IsZero() {
		row("Window", fmt.Sprintf("%s – %s Berlin (%s–%s UTC)", berlinTime(start, "Mon 02 Jan 2006 15:04"),
			berlinTime(end, "15:04"), start.UTC().Format("15:04"), end.UTC().Format("15:04")))
		if !terminal {
			row("", model.Countdown(start, end, inv.now(), inv.warp(b)))
		}
	}
	row("Token", model.TokenText(b))
	if t := b.AdHocToken; t != nil && t.ValidFrom != nil && t.ValidUntil != nil {
		row("", fmt.Sprintf("token valid %s – %s Berlin", berlinTime(*t.ValidFrom, "02 Jan 15:04"), berlinTime(*t.ValidUntil, "02 Jan 15:04")))
	}
	row(model.PriceText(b))
	if b.CancellationReason != "" {
		row("Reason", b.CancellationReason)
	}
	if b.CreatedAt != nil {
		row("Created", berlinTime(*b.CreatedAt, "2006-01-02 15:04:05")+" Berlin")
	}
	if b.StatusUpdatedAt != nil {
		row("Updated", string(b.Status)+" since "+berlinTime(*b.StatusUpdatedAt, "2006-01-02 15:04:05")+" Berlin")
	}
	if w := inv.warp(b); w.Active() && !terminal {
		fmt.Fprintf(&out, "Simulated clock: the demo runs the reservation %g× faster than real time.\n", w.Speed)
	}
	return out.String()
}

// statusLines are the first two lines of a booking block: the status with
// the guide's action for it, and what it means.
func statusLines(b model.Booking) string {
	info := b.Status.Info()
	status := string(b.Status)
	if status == "" {
		status = "(no status)"
	}
	head := fmt.Sprintf("%-10s ", status)
	indent := strings.Repeat(" ", len(head))
	if !info.Known {
		return head + fmt.Sprintf("Status %q is not known to chargedesk; shown as the server sent it.\n", string(b.Status)) +
			indent + info.Action + "\n"
	}
	return head + info.Action + "\n" + indent + info.Meaning + "\n"
}

// changeLine is one status change of --wait in human mode.
func (inv *invocation) changeLine(b model.Booking) string {
	at := inv.now()
	if b.StatusUpdatedAt != nil {
		at = *b.StatusUpdatedAt
	}
	info := b.Status.Info()
	line := fmt.Sprintf("%s  %-10s %s", berlinTime(at, "15:04:05"), string(b.Status), info.Action)
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
