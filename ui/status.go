package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/model"
)

type seen struct {
	status model.Status
	at     time.Time // when it happened (status_updated_at)
	seenAt time.Time // when chargedesk learnt of it
}

// statusDesk is what the status screen uses of the session.
type statusDesk interface {
	callDesk
	track(b model.Booking, loc model.Location, adopted bool)
	watching(id string) (watched, bool)
	seen(id string)
	stale(id string) bool
	refresh(id string) tea.Cmd
	cancelDesk
	messageDesk
}

// statusScreen shows one booking of the watchlist. The watchlist does the
// polling, so leaving this screen does not stop watching an active booking.
// The cancel dialog and the driver message dock on it.
type statusScreen struct {
	c      Common
	d      statusDesk
	alerts alerts
	id     string
	note   string
	w, h   int
}

func newStatusScreen(c Common, d statusDesk, to alerts, b model.Booking, loc model.Location, adopted bool) *statusScreen {
	d.track(b, loc, adopted)
	return &statusScreen{c: c, d: d, alerts: to, id: b.ID}
}

// entry is what the watchlist knows of the booking now.
func (s *statusScreen) entry() watched {
	w, _ := s.d.watching(s.id)
	return w
}

func (s *statusScreen) Init() tea.Cmd {
	s.d.seen(s.id)
	if s.d.stale(s.id) {
		return s.d.refresh(s.id)
	}
	return nil
}

func (s *statusScreen) Title() string    { return "Booking status" }
func (s *statusScreen) Typing() bool     { return false }
func (s *statusScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *statusScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.Status
	b := s.entry().booking
	out := []key.Binding{k.Refresh}
	if b.Status.Cancellable() {
		out = append(out, k.Cancel)
	}
	if b.Status.Rebookable() {
		out = append(out, k.Another, k.NextBest)
	}
	if messageReady(b.Status) {
		out = append(out, k.Message)
	}
	return append(out, k.NewSearch)
}

func (s *statusScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys.Status
	return [][]key.Binding{{k.Refresh, k.Cancel, k.Message}, {k.Another, k.NextBest, k.NewSearch}}
}

func (s *statusScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	if t, ok := msg.(themeChangedMsg); ok { // every screen gets it, on screen or not
		s.c = t.c
		return s, nil
	}
	s.d.seen(s.id) // on screen: seen
	switch msg := msg.(type) {
	case cancelAnsweredMsg:
		if msg.refused {
			return s, s.d.refresh(s.id) // the status may have moved on
		}
		if msg.booking != nil {
			s.note = msg.note
		}
	case tea.KeyPressMsg:
		return s, s.key(msg)
	}
	return s, nil
}

func (s *statusScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	b := s.entry().booking
	k := s.c.Keys.Status
	switch {
	case key.Matches(msg, k.Refresh):
		return s.refresh()
	case key.Matches(msg, k.Cancel):
		if why := openCancel(s.c, s.d, s.alerts, s, b, true); why != "" {
			return refuse(keyName(k.Cancel) + ": " + why)
		}
	case key.Matches(msg, k.Message) && messageReady(b.Status):
		return openDriverMessage(s.c, s.d, s.alerts, s, s.id)
	case key.Matches(msg, k.Message):
		return refuse(keyName(k.Message) + ": " + messageRefusal(b.Status))
	case key.Matches(msg, k.NewSearch):
		return msgCmd(newCallMsg{})
	case key.Matches(msg, k.Another, k.NextBest) && !b.Status.Rebookable():
		name := keyName(k.NextBest)
		if key.Matches(msg, k.Another) {
			name = keyName(k.Another)
		}
		return refuse(fmt.Sprintf("%s: the booking is %s, not failed: another charger is offered after EXPIRED, NO_SHOW or CANCELLED.",
			name, b.Status))
	case key.Matches(msg, k.Another):
		m := marker{locationID: b.LocationID, evseUID: b.EVSEUID, status: string(b.Status)}
		return msgCmd(backToMsg{match: isResults, then: markMsg{m: m, failed: b}, missing: "The results of a search are not open: " + keyName(k.NewSearch) + " starts a new search."})
	case key.Matches(msg, k.NextBest):
		return msgCmd(rebookMsg{booking: b})
	}
	return nil
}

// refresh asks for the booking now, or says why it does not.
func (s *statusScreen) refresh() tea.Cmd {
	w := s.entry()
	if cmd := s.d.refresh(s.id); cmd != nil {
		return cmd
	}
	r := keyName(s.c.Keys.Status.Refresh)
	switch {
	case w.inFlight:
		return refuse(r + ": a check is under way; its answer shows here.")
	case w.gone:
		return refuse(r + ": the API no longer has this booking (404); there is nothing to ask for.")
	}
	return refuse(r + ": this booking is not on the watchlist.")
}

// messageRefusal says why there is no message for the driver yet (or any more).
func messageRefusal(st model.Status) string {
	if st.Terminal() {
		return fmt.Sprintf("the booking is %s: there is no reservation to tell the driver about.", st)
	}
	return "the message for the driver comes once the CPO has confirmed."
}

func isResults(sc Screen) bool { _, ok := sc.(*resultsScreen); return ok }

// Heading is the status badge and what the status means: what a dialog
// docked on this screen stands under.
func (s *statusScreen) Heading() string {
	st := s.c.Styles
	w := s.entry()
	b := w.booking
	info := b.Status.Info()
	badge := st.Badge(string(b.Status), statusTone(b.Status))
	side := st.Bold.Render(info.Action) + "\n" + st.Subtle.Render(info.Meaning)
	if !info.Known {
		side = st.Warning.Render(fmt.Sprintf("Status %q is not known to chargedesk; shown as the server sent it.", string(b.Status))) + "\n" + st.Subtle.Render(info.Action)
	}
	if w.adopted {
		side += "\n" + st.Info.Render("The create's answer was lost; this booking was found by its external id (not booked twice).")
	}
	sideW := max(10, s.w-lipgloss.Width(badge)-2)
	return lipgloss.JoinHorizontal(lipgloss.Top, badge, "  ", lipgloss.NewStyle().Width(sideW).Render(side)) + "\n"
}

func (s *statusScreen) View() string {
	st := s.c.Styles
	w := s.entry()
	b := w.booking
	info := b.Status.Info()
	var out strings.Builder
	out.WriteString(s.Heading())
	out.WriteString(callLine(s.c, s.d, s.w, s.id))

	row := func(label, value string) {
		out.WriteString(st.Label.Render(pad(label, 10)) + trunc(value, s.w-10) + "\n")
	}
	row("Booking", b.ID)
	row("CPO ref", model.CPORefText(b))
	row("External", b.ExternalID)
	name, addr := b.LocationName, b.LocationCity
	if w.loc.LocationID != "" {
		name = w.loc.Name
		addr = model.JoinNonEmpty(", ", w.loc.Address, strings.TrimSpace(w.loc.PostalCode+" "+w.loc.City))
	}
	row("Charger", model.JoinNonEmpty(" · ", name, addr))
	evse := b.EVSEUID
	if b.ConnectorID != "" {
		evse += " · connector " + b.ConnectorID
	}
	row("EVSE", evse)
	start, end := b.Window()
	if !start.IsZero() {
		row("Window", fmt.Sprintf("%s – %s Berlin (%s–%s UTC)", fmtLocal(start, s.c.Zone), end.In(s.c.Zone).Format("15:04"),
			start.UTC().Format("15:04"), end.UTC().Format("15:04")))
		if !info.Terminal { // a final booking has no "starts in"
			row("", model.Countdown(start, end, s.c.Now(), s.c.Warp(createdAt(b))))
		}
	}
	row("Token", model.TokenText(b))
	row(model.PriceText(b))
	if b.CancellationReason != "" {
		row("Reason", b.CancellationReason)
	}
	row("Checked", s.checkedText(w))
	if warp := s.c.Warp(createdAt(b)); warp.Active() && !info.Terminal {
		out.WriteString(st.Warning.Render(fmt.Sprintf("Simulated clock: the demo runs the reservation %g× faster than real time.", warp.Speed)) + "\n")
	}
	if w.retry.pending() {
		out.WriteString(w.retry.banner(st, s.c.Now(), s.c.Zone, s.w) + "\n")
	}
	if w.gone {
		out.WriteString(wrapped(st.Error, "404 — "+w.err+" (the booking may have been removed; "+keyName(s.c.Keys.Status.NewSearch)+" starts a new search)", s.w) + "\n")
	} else if w.err != "" {
		out.WriteString(wrapped(st.Error, w.err, s.w) + "\n")
	}
	if s.note != "" {
		out.WriteString(st.Info.Render(s.note) + "\n")
	}
	out.WriteString("\n" + st.TableHeading.Render("Timeline") + "\n")
	for _, t := range w.timeline {
		out.WriteString("  " + t.at.In(s.c.Zone).Format("15:04:05") + "  " + s.c.statusText(t.status) + "\n")
	}
	if b.Status.Rebookable() && s.h >= 30 {
		out.WriteString("\n" + st.Warning.Render(keyName(s.c.Keys.Status.Another)+": back to the results with this charger marked · "+keyName(s.c.Keys.Status.NextBest)+": book the next best charger") + "\n")
	}
	return out.String()
}

func (s *statusScreen) checkedText(w watched) string {
	now := s.c.Now()
	txt := fmt.Sprintf("last checked %s ago", model.HumanDuration(now.Sub(w.lastChecked)))
	switch {
	case w.inFlight:
		txt += " · checking now…"
	case w.booking.Status.Terminal():
		txt += " · final status, no more checks"
	case w.gone:
		txt += " · not checking any more"
	case !w.nextPoll.IsZero() && w.nextPoll.After(now):
		txt += fmt.Sprintf(" · next check in %s", model.HumanDuration(w.nextPoll.Sub(now)))
	case !w.nextPoll.IsZero():
		txt += " · next check: waiting for the rate budget"
	}
	return txt
}
