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

// statusScreen shows one booking of the watchlist. The watchlist does the
// polling, so leaving this screen does not stop watching an active booking.
type statusScreen struct {
	c      *Common
	id     string
	dialog cancelDialog
	note   string
	msg    bool // the driver message is shown
	w, h   int
}

func newStatusScreen(c *Common, b model.Booking, loc model.Location, adopted bool) *statusScreen {
	c.watch.track(b, loc, adopted)
	return &statusScreen{c: c, id: b.ID, dialog: newCancelDialog(c)}
}

// entry is what the watchlist knows of the booking now.
func (s *statusScreen) entry() watched {
	w, _ := s.c.watch.view(s.id)
	return w
}

// staleAfter is how old a copy may be when a booking is opened before it
// is asked for again, once.
const staleAfter = 30 * time.Second

func (s *statusScreen) Init() tea.Cmd {
	s.c.watch.seen(s.id)
	if w := s.entry(); s.c.Now().Sub(w.lastChecked) > staleAfter && w.active() {
		return s.c.watch.refresh(s.id)
	}
	return nil
}

func (s *statusScreen) Title() string     { return "Booking status" }
func (s *statusScreen) Typing() bool      { return s.dialog.typing() }
func (s *statusScreen) CapturesEsc() bool { return s.dialog.open || s.msg }
func (s *statusScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.dialog.reason.SetWidth(max(10, min(60, w-10)))
}

func (s *statusScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.Status
	if s.dialog.open {
		return s.dialog.help()
	}
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

// driverMessage is the text for the driver, in the language chosen.
func (s *statusScreen) driverMessage() string {
	w := s.entry()
	return model.DriverMessage(w.booking, w.loc, s.c.Zone, s.c.lang)
}

// messageReady tells whether there is something to tell the driver: the
// booking is confirmed (or the car is already there).
func messageReady(st model.Status) bool { return st == model.Confirmed || st == model.Attending }

// showMessage copies the driver message (OSC 52) and shows it; it claims
// the copy only when the terminal is known to take one.
func (s *statusScreen) showMessage() tea.Cmd {
	s.msg = true
	if s.c.clipboardOK {
		s.note = "Copied to the clipboard (OSC 52); also shown here."
	} else {
		s.note = "Select and copy the text above: this terminal may not take a copy from chargedesk."
	}
	return tea.SetClipboard(s.driverMessage())
}

func (s *statusScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	s.c.watch.seen(s.id) // on screen: seen
	w := s.entry()
	k := s.c.Keys.Status
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.dialog.reason.SetStyles(inputStyles(s.c.Styles.IsDark))
	case bookingCancelledMsg:
		b, note, cmd := s.dialog.result(msg)
		if b != nil {
			s.c.watch.observe(*b)
			s.c.notices.settle(b.ID) // the agent cancelled it: nothing of it to announce
			s.note = note
		}
		if cmd == nil && b == nil && s.dialog.err != "" {
			cmd = s.c.watch.refresh(s.id) // the status may have moved on
		}
		return s, cmd
	case tea.PasteMsg:
		return s, s.dialog.paste(msg)
	case tea.KeyPressMsg:
		if s.dialog.open {
			return s, s.dialog.key(msg)
		}
		if s.msg && key.Matches(msg, k.CloseMessage) {
			s.msg = false
			return s, nil
		}
		if s.msg && key.Matches(msg, k.Language) {
			s.c.lang = s.c.lang.Other()
			return s, s.showMessage()
		}
		switch {
		case key.Matches(msg, k.Refresh):
			return s, s.c.watch.refresh(s.id)
		case key.Matches(msg, k.Cancel):
			s.note = s.dialog.start(w.booking)
		case key.Matches(msg, k.Message) && messageReady(w.booking.Status):
			return s, s.showMessage()
		case key.Matches(msg, k.Message):
			s.note = "The message for the driver comes once the CPO has confirmed."
		case key.Matches(msg, k.NewSearch):
			return s, msgCmd(backToMsg{match: isSearch})
		case key.Matches(msg, k.Another) && w.booking.Status.Rebookable():
			m := marker{locationID: w.booking.LocationID, evseUID: w.booking.EVSEUID, status: string(w.booking.Status)}
			return s, msgCmd(backToMsg{match: isResults, then: markMsg{m}, missing: "The results of a search are not open: " + keyName(k.NewSearch) + " starts a new search."})
		case key.Matches(msg, k.NextBest) && w.booking.Status.Rebookable():
			return s, msgCmd(rebookMsg{booking: w.booking})
		}
	}
	return s, nil
}

func isResults(sc Screen) bool { _, ok := sc.(*resultsScreen); return ok }

func (s *statusScreen) View() string {
	st := s.c.Styles
	w := s.entry()
	b := w.booking
	info := b.Status.Info()
	var out strings.Builder

	badge := st.Badge(string(b.Status), statusTone(b.Status))
	side := st.Bold.Render(info.Action) + "\n" + st.Subtle.Render(info.Meaning)
	if !info.Known {
		side = st.Warning.Render(fmt.Sprintf("Status %q is not known to chargedesk; shown as the server sent it.", string(b.Status))) + "\n" + st.Subtle.Render(info.Action)
	}
	if w.adopted {
		side += "\n" + st.Info.Render("The create's answer was lost; this booking was found by its external id (not booked twice).")
	}
	sideW := max(10, s.w-lipgloss.Width(badge)-2)
	head := lipgloss.JoinHorizontal(lipgloss.Top, badge, "  ", lipgloss.NewStyle().Width(sideW).Render(side)) + "\n"
	out.WriteString(head)

	row := func(label, value string) {
		out.WriteString(st.Label.Render(pad(label, 10)) + trunc(value, s.w-10) + "\n")
	}
	if s.dialog.open {
		row("Booking", b.ExternalID+" · "+b.EVSEUID)
		out.WriteString("\n" + s.dialog.view())
		return out.String()
	}
	if s.msg {
		out.WriteString(st.Title.Render("Message for the driver ("+s.c.lang.Name()+")") + st.Subtle.Render("  "+keyName(s.c.Keys.Status.Language)+": "+s.c.lang.Other().Name()+" · "+keyName(s.c.Keys.Status.CloseMessage)+" closes") + "\n")
		out.WriteString(lipgloss.NewStyle().Width(max(20, s.w-2)).Render(s.driverMessage()))
		out.WriteString("\n" + st.Info.Render(s.note) + "\n")
		return out.String()
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
		out.WriteString(st.Error.Render("404 — "+w.err+" (the booking may have been removed; "+keyName(s.c.Keys.Status.NewSearch)+" starts a new search)") + "\n")
	} else if w.err != "" {
		out.WriteString(st.Error.Render(w.err) + "\n")
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
