package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

var statusKeys = struct {
	Refresh, Cancel, NewSearch, Another, Confirm, Reason key.Binding
}{
	Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now")),
	Cancel:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cancel booking")),
	NewSearch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new search")),
	Another:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "try another charger")),
	Confirm:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "cancel the booking")),
	Reason:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "reason")),
}

// cancelReasons are offered in the cancel dialog; the last one is typed.
var cancelReasons = []string{"Driver cancelled by phone", "Plans changed", "Booked the wrong charger", "Driver chose another charger", "Other (type below)"}

type seen struct {
	status model.Status
	at     time.Time
}

// statusScreen watches one booking until it reaches a terminal status.
type statusScreen struct {
	c        *Common
	booking  model.Booking
	loc      model.Location
	adopted  bool
	timeline []seen
	w, h     int

	gen         int
	cancelCtx   context.CancelFunc
	polling     bool // a GET is under way
	lastChecked time.Time
	nextPoll    time.Time
	retry       retrier
	pollErr     string
	gone        bool // 404: the booking is not there any more

	// cancel dialog
	dialog    bool
	reasonIdx int
	reason    textinput.Model
	cancelReq int
	canceling bool
	cancelErr string
	note      string
}

func newStatusScreen(c *Common, b model.Booking, loc model.Location, adopted bool) *statusScreen {
	s := &statusScreen{c: c, booking: b, loc: loc, adopted: adopted}
	at := c.Now()
	if b.StatusUpdatedAt != nil {
		at = *b.StatusUpdatedAt
	}
	s.timeline = []seen{{b.Status, at}}
	s.lastChecked = c.Now()
	s.reason = newInput(c.Styles.IsDark)
	s.reason.Placeholder = "reason for the CPO"
	s.reason.CharLimit = 200
	return s
}

// Init starts the poll loop.
func (s *statusScreen) Init() tea.Cmd { return s.schedule() }

func (s *statusScreen) Title() string { return "Booking status" }
func (s *statusScreen) Typing() bool  { return s.dialog && s.reasonIdx == len(cancelReasons)-1 }
func (s *statusScreen) CapturesEsc() bool {
	return s.dialog
}
func (s *statusScreen) SetSize(w, h int) { s.w, s.h = w, h; s.reason.SetWidth(max(10, min(60, w-10))) }

// Close stops the poll loop: a tick of this generation finds no screen.
func (s *statusScreen) Close() {
	s.gen = -1
	if s.cancelCtx != nil {
		s.cancelCtx()
	}
}

func (s *statusScreen) ShortHelp() []key.Binding {
	if s.dialog {
		return []key.Binding{statusKeys.Confirm, statusKeys.Reason}
	}
	out := []key.Binding{statusKeys.Refresh}
	if s.booking.Status.Cancellable() {
		out = append(out, statusKeys.Cancel)
	}
	if s.booking.Status.Rebookable() {
		out = append(out, statusKeys.Another)
	}
	return append(out, statusKeys.NewSearch)
}

func (s *statusScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{statusKeys.Refresh, statusKeys.Cancel, statusKeys.Another, statusKeys.NewSearch}}
}

func (s *statusScreen) warp() model.Warp {
	var created time.Time
	if s.booking.CreatedAt != nil {
		created = *s.booking.CreatedAt
	}
	return s.c.Warp(created)
}

// delay is the poll policy's next wait in wall-clock time.
func (s *statusScreen) delay() time.Duration {
	start, end := s.booking.Window()
	w := s.warp()
	d := model.NextPoll(s.booking.Status, start, end, w.Now(s.c.Now()), s.c.Client.RateLimit().Headroom())
	if d == 0 {
		return 0
	}
	if w.Active() && s.booking.Status != model.Requested && s.booking.Status != model.Pending {
		// Lifecycle waits run faster in the demo; confirmation waits do not.
		// A floor of 3 s keeps the demo within a fraction of its rate budget.
		d = max(w.Real(d), 3*time.Second)
	}
	return d
}

// schedule starts a new poll generation after the policy's delay. The old
// generation's tick, when it comes, is ignored: one loop only.
func (s *statusScreen) schedule() tea.Cmd {
	d := s.delay()
	if d == 0 {
		s.nextPoll = time.Time{}
		return nil
	}
	return s.scheduleIn(d)
}

func (s *statusScreen) scheduleIn(d time.Duration) tea.Cmd {
	s.gen = s.c.NextGen()
	s.nextPoll = s.c.Now().Add(d)
	return s.c.after(d, pollTickMsg{id: s.booking.ID, gen: s.gen})
}

func (s *statusScreen) pollNow() tea.Cmd {
	s.gen = s.c.NextGen()
	s.polling = true
	s.nextPoll = time.Time{}
	if s.cancelCtx != nil {
		s.cancelCtx()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelCtx = cancel
	return pollCmd(ctx, s.c.Client, s.c.Clock, s.booking.ID, s.gen)
}

func (s *statusScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.reason.SetStyles(inputStyles(s.c.Styles.IsDark))
	case pollTickMsg:
		if msg.id != s.booking.ID || msg.gen != s.gen {
			return s, nil // an old loop: drop it
		}
		return s, s.pollNow()
	case bookingPolledMsg:
		if msg.id != s.booking.ID || msg.gen != s.gen {
			return s, nil
		}
		s.polling = false
		return s, s.polled(msg)
	case bookingCancelledMsg:
		if msg.req != s.cancelReq {
			return s, nil
		}
		s.canceling = false
		return s, s.cancelled(msg)
	case tea.PasteMsg:
		if s.Typing() {
			var cmd tea.Cmd
			s.reason, cmd = s.reason.Update(msg)
			return s, cmd
		}
	case tea.KeyPressMsg:
		if s.dialog {
			return s, s.dialogKey(msg)
		}
		switch {
		case key.Matches(msg, statusKeys.Refresh):
			if !s.polling {
				s.retry.clear()
				return s, s.pollNow()
			}
		case key.Matches(msg, statusKeys.Cancel):
			s.openCancel()
		case key.Matches(msg, statusKeys.NewSearch):
			return s, msgCmd(backToMsg{match: isSearch})
		case key.Matches(msg, statusKeys.Another) && s.booking.Status.Rebookable():
			m := marker{locationID: s.booking.LocationID, evseUID: s.booking.EVSEUID, status: string(s.booking.Status)}
			return s, msgCmd(backToMsg{match: isResults, then: markMsg{m}})
		}
	}
	return s, nil
}

func isResults(sc Screen) bool { _, ok := sc.(*resultsScreen); return ok }

func (s *statusScreen) polled(msg bookingPolledMsg) tea.Cmd {
	s.lastChecked = msg.at
	if msg.err != nil {
		switch api.KindOf(msg.err) {
		case api.KindUnauthorized, api.KindForbidden:
			s.nextPoll = time.Time{}
			return showOverlay(s.c.authHelp(msg.err))
		case api.KindNotFound:
			s.gone = true
			s.nextPoll = time.Time{}
			e, _ := api.AsError(msg.err)
			s.pollErr = e.Message
			return nil
		}
		if s.retry.schedule(s.c.Now(), msg.err) {
			s.pollErr = ""
			return s.scheduleIn(max(s.retry.at.Sub(s.c.Now()), time.Second))
		}
		s.pollErr = msg.err.Error()
		return s.schedule()
	}
	s.retry.clear()
	s.pollErr = ""
	s.apply(*msg.booking)
	return s.schedule()
}

// apply takes a fresh copy of the booking and records a status change.
func (s *statusScreen) apply(b model.Booking) {
	if b.Status != s.booking.Status {
		at := s.c.Now()
		if b.StatusUpdatedAt != nil {
			at = *b.StatusUpdatedAt
		}
		s.timeline = append(s.timeline, seen{b.Status, at})
	}
	s.booking = b
	if !b.Status.Cancellable() {
		s.dialog = false
	}
}

func (s *statusScreen) openCancel() {
	s.cancelErr = ""
	if !s.booking.Status.Cancellable() {
		switch {
		case s.booking.Status.Terminal():
			s.note = fmt.Sprintf("A %s booking cannot be cancelled: it is already over.", s.booking.Status)
		case s.booking.Status == model.Attending:
			s.note = "An ATTENDING booking cannot be cancelled: the vehicle is at the charger."
		default:
			s.note = fmt.Sprintf("chargedesk does not know status %q, so it does not offer to cancel; r refreshes.", string(s.booking.Status))
		}
		return
	}
	if s.c.Mode.ReadOnly {
		s.note = "Cancelling is disabled: chargedesk runs read-only (--read-only)."
		return
	}
	s.note = ""
	s.dialog = true
	s.reasonIdx = 0
}

func (s *statusScreen) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	if s.canceling {
		return nil
	}
	switch msg.String() {
	case "esc":
		s.dialog = false
		s.reason.Blur()
		return nil
	case "up", "shift+tab":
		s.reasonIdx = (s.reasonIdx - 1 + len(cancelReasons)) % len(cancelReasons)
	case "down", "tab":
		s.reasonIdx = (s.reasonIdx + 1) % len(cancelReasons)
	case "enter":
		reason := cancelReasons[s.reasonIdx]
		if s.reasonIdx == len(cancelReasons)-1 {
			reason = strings.TrimSpace(s.reason.Value())
			if reason == "" {
				s.cancelErr = "reason: type a reason, or pick one of the list"
				return nil
			}
		}
		s.canceling = true
		s.cancelReq = s.c.NextReq()
		return cancelCmd(context.Background(), s.c.Client, s.cancelReq, s.booking.ID, reason)
	default:
		if s.reasonIdx == len(cancelReasons)-1 {
			var cmd tea.Cmd
			s.reason, cmd = s.reason.Update(msg)
			return cmd
		}
		return nil
	}
	if s.reasonIdx == len(cancelReasons)-1 {
		return s.reason.Focus()
	}
	s.reason.Blur()
	return nil
}

func (s *statusScreen) cancelled(msg bookingCancelledMsg) tea.Cmd {
	if msg.err != nil {
		switch api.KindOf(msg.err) {
		case api.KindUnauthorized, api.KindForbidden:
			s.dialog = false
			return showOverlay(s.c.authHelp(msg.err))
		}
		e, _ := api.AsError(msg.err)
		s.cancelErr = msg.err.Error()
		if e != nil && e.Message != "" {
			s.cancelErr = e.Message
		}
		if api.IsRateLimited(msg.err) {
			s.cancelErr += fmt.Sprintf(" — try again in %d s", int(e.RetryAfter.Seconds()+0.5))
		}
		// The status may have moved on: look again.
		return s.pollNow()
	}
	s.dialog = false
	s.reason.Blur()
	s.apply(*msg.booking)
	s.note = "Cancelled."
	if msg.booking.ClientPrice != nil && *msg.booking.ClientPrice > 0 {
		s.note = fmt.Sprintf("Cancelled. The CPO charges a cancellation fee of %s.", euro(*msg.booking.ClientPrice, msg.booking.ClientPriceCurrency))
	}
	return s.schedule()
}

func (s *statusScreen) View() string {
	st := s.c.Styles
	b := s.booking
	info := b.Status.Info()
	var out strings.Builder

	badge := st.Badge(b.Status)
	side := st.Bold.Render(info.Action) + "\n" + st.Subtle.Render(info.Meaning)
	if !info.Known {
		side = st.Warning.Render(fmt.Sprintf("Status %q is not known to chargedesk; shown as the server sent it.", string(b.Status))) + "\n" + st.Subtle.Render(info.Action)
	}
	if s.adopted {
		side += "\n" + st.Info.Render("The create's answer was lost; this booking was found by its external id (not booked twice).")
	}
	sideW := max(10, s.w-lipgloss.Width(badge)-2)
	out.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, badge, "  ", lipgloss.NewStyle().Width(sideW).Render(side)) + "\n")

	row := func(label, value string) {
		out.WriteString(st.Label.Render(pad(label, 10)) + trunc(value, s.w-10) + "\n")
	}
	row("Booking", b.ID)
	cpoRef := b.CPOReservationID
	if cpoRef == "" {
		cpoRef = "not yet (set when the CPO confirms)"
	}
	row("CPO ref", cpoRef)
	row("External", b.ExternalID)
	name, addr := b.LocationName, b.LocationCity
	if s.loc.LocationID != "" {
		name = s.loc.Name
		addr = joinNonEmpty(", ", s.loc.Address, strings.TrimSpace(s.loc.PostalCode+" "+s.loc.City))
	}
	row("Charger", joinNonEmpty(" · ", name, addr))
	evse := b.EVSEUID
	if b.ConnectorID != "" {
		evse += " · connector " + b.ConnectorID
	}
	row("EVSE", evse)
	start, end := b.Window()
	if !start.IsZero() {
		row("Window", fmt.Sprintf("%s – %s Berlin (%s–%s UTC)", fmtLocal(start, s.c.Zone), end.In(s.c.Zone).Format("15:04"),
			start.UTC().Format("15:04"), end.UTC().Format("15:04")))
		row("", s.countdown(start, end))
	}
	row("Token", tokenText(b))
	price := "not known yet"
	if b.ClientPrice != nil {
		price = euro(*b.ClientPrice, b.ClientPriceCurrency)
		if b.Status == model.Completed {
			price += " (final)"
		}
	}
	row("Price", price)
	if b.CancellationReason != "" {
		row("Reason", b.CancellationReason)
	}
	row("Checked", s.checkedText())
	if w := s.warp(); w.Active() {
		out.WriteString(st.Warning.Render(fmt.Sprintf("Simulated clock: the demo runs the reservation %g× faster than real time.", w.Speed)) + "\n")
	}
	if s.retry.pending() {
		out.WriteString(s.retry.banner(st, s.c.Now(), s.c.Zone, s.w) + "\n")
	}
	if s.gone {
		out.WriteString(st.Error.Render("404 — "+s.pollErr+" (the booking may have been removed; n starts a new search)") + "\n")
	} else if s.pollErr != "" {
		out.WriteString(st.Error.Render(s.pollErr) + "\n")
	}
	if s.note != "" {
		out.WriteString(st.Info.Render(s.note) + "\n")
	}
	if s.dialog {
		// The dialog takes the place of the details; the badge stays.
		var d strings.Builder
		d.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, badge, "  ", lipgloss.NewStyle().Width(sideW).Render(side)) + "\n")
		d.WriteString(st.Label.Render(pad("Booking", 10)) + trunc(b.ExternalID+" · "+b.EVSEUID, s.w-10) + "\n\n")
		d.WriteString(s.dialogView())
		return d.String()
	}
	out.WriteString("\n" + st.TableHeading.Render("Timeline") + "\n")
	for _, t := range s.timeline {
		out.WriteString("  " + t.at.In(s.c.Zone).Format("15:04:05") + "  " + st.StatusText(t.status) + "\n")
	}
	if b.Status.Rebookable() && s.h >= 30 {
		out.WriteString("\n" + st.Warning.Render("t: try another charger (back to the results, this EVSE marked)") + "\n")
	}
	return out.String()
}

func (s *statusScreen) dialogView() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Cancel this booking?") + "\n")
	if s.booking.Status == model.Confirmed {
		b.WriteString(st.Warning.Render("It is CONFIRMED: the CPO may charge a cancellation fee.") + "\n")
	} else {
		b.WriteString(st.Success.Render("Cancelling now is free (the CPO has not confirmed yet).") + "\n")
	}
	for i, r := range cancelReasons {
		cur := "  "
		if i == s.reasonIdx {
			cur = st.Focused.Render("▸ ")
			r = st.Bold.Render(r)
		}
		b.WriteString(cur + r + "\n")
	}
	if s.reasonIdx == len(cancelReasons)-1 {
		b.WriteString("    " + s.reason.View() + "\n")
	}
	switch {
	case s.canceling:
		b.WriteString(st.Info.Render("Cancelling…") + "\n")
	case s.cancelErr != "":
		b.WriteString(st.Error.Render(s.cancelErr) + "\n")
	}
	b.WriteString(st.Subtle.Render("enter cancels the booking · esc keeps it") + "\n")
	return b.String()
}

func (s *statusScreen) countdown(start, end time.Time) string {
	w := s.warp()
	now := w.Now(s.c.Now())
	real := func(d time.Duration) string {
		if w.Active() {
			return fmt.Sprintf(" (%s real)", roundDur(w.Real(d)))
		}
		return ""
	}
	switch {
	case now.Before(start):
		d := start.Sub(now)
		return "starts in " + roundDur(d) + real(d)
	case now.Before(end):
		d := end.Sub(now)
		return "running, ends in " + roundDur(d) + real(d)
	}
	return "window over"
}

func (s *statusScreen) checkedText() string {
	now := s.c.Now()
	txt := fmt.Sprintf("last checked %s ago", roundDur(now.Sub(s.lastChecked)))
	switch {
	case s.polling:
		txt += " · checking now…"
	case s.booking.Status.Terminal():
		txt += " · final status, no more checks"
	case s.gone:
		txt += " · not checking any more"
	case !s.nextPoll.IsZero():
		txt += fmt.Sprintf(" · next check in %s", roundDur(s.nextPoll.Sub(now)))
	}
	return txt
}

func tokenText(b model.Booking) string {
	switch b.TokenStrategy {
	case model.DriverToken:
		if b.CustomerID != "" {
			return "driver_token · customer " + b.CustomerID + " (their usual card or app works)"
		}
		return "driver_token · token " + b.TokenID + " (their usual card or app works)"
	case model.GroupToken:
		return "group_token · fleet group " + b.FleetGroupID
	case model.Pipelet:
		return "pipelet · RFID UID " + b.TokenUID
	case model.AdHoc:
		if b.AdHocToken != nil && b.AdHocToken.TokenUID != "" {
			return "ad_hoc · temporary token " + b.AdHocToken.TokenUID
		}
		return "ad_hoc · temporary token (not issued yet)"
	}
	return string(b.TokenStrategy)
}

// roundDur prints a duration the way a person says it.
func roundDur(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()+0.5))
	case d < time.Hour:
		m := int(d.Minutes())
		sec := int(d.Seconds()) % 60
		if m < 10 && sec != 0 {
			return fmt.Sprintf("%d min %02d s", m, sec)
		}
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}
