package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// handleKey routes a key to its owner: ctrl+c quits from anywhere; a box
// in front takes every other key; then the global keys (the single-letter
// ones not while a field has focus); then a dialog docked on the screen,
// which leaves the keys it does not use to the screen; esc goes back
// unless the screen uses it; the screen takes the rest.
func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	a.s.keyPressed(a.c.Now())
	a.said = "" // the status line answers one key
	if key.Matches(msg, a.c.Keys.ForceQuit) {
		return a.quit()
	}
	e, inFront := a.dialogs.front(a.top())
	if inFront && e.on == nil {
		cmd, _ := a.give(e, msg)
		return cmd
	}
	if cmd, ok := a.globalKey(msg); ok {
		return cmd
	}
	if inFront {
		if cmd, taken := a.give(e, msg); taken {
			return cmd
		}
	}
	if key.Matches(msg, a.c.Keys.Back) && !capturesEsc(a.top()) {
		if len(a.stack) == 1 {
			return refuse("Nothing to go back to: this is the first screen (" + keyName(a.c.Keys.Quit) + " quits).")
		}
		a.pop()
		return nil
	}
	return a.forward(msg)
}

// globalKey runs a key that works on every screen: each has a binding
// that works while typing too (f-keys) and one that does not (a letter).
func (a *App) globalKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k, typing := a.c.Keys, a.typing()
	for _, g := range []struct {
		always, plain key.Binding
		run           func(*App) tea.Cmd
	}{
		{k.LogAlways, k.Log, (*App).toggleLog},
		{key.Binding{}, k.Usage, (*App).toggleUsage},
		{k.FieldHelp, k.Help, (*App).openHelp},
		{k.NoticesAlways, k.Notices, (*App).openNotices},
		{k.BookingsAlways, k.Bookings, (*App).openBookings},
		{key.Binding{}, k.Quit, (*App).askQuit},
	} {
		if (g.always.Enabled() && key.Matches(msg, g.always)) || (!typing && key.Matches(msg, g.plain)) {
			return g.run(a), true
		}
	}
	return nil, false
}

// typing tells whether a text field has focus: in a dialog docked on the
// screen, or on the screen.
func (a *App) typing() bool {
	d := a.dialogs.docked(a.top())
	return (d != nil && d.Typing()) || a.top().Typing()
}

// capturesEsc tells whether the screen uses esc itself at the moment.
func capturesEsc(s Screen) bool {
	ec, ok := s.(escCapturer)
	return ok && ec.CapturesEsc()
}

// toggleLog opens the request log, or closes it when it is on top.
func (a *App) toggleLog() tea.Cmd {
	if _, open := a.top().(*logScreen); open {
		a.pop()
		return nil
	}
	return a.pushScreen(newLogScreen(a.c, a.s))
}

// toggleUsage opens the usage screen, or closes it when it is on top.
func (a *App) toggleUsage() tea.Cmd {
	if _, open := a.top().(*usageScreen); open {
		a.pop()
		return nil
	}
	return a.pushScreen(newUsageScreen(a.c, a.s))
}

// openBookings opens the bookings list unless it is on top already.
func (a *App) openBookings() tea.Cmd {
	if _, already := a.top().(*bookingsScreen); already {
		return refuse("The bookings list is open already (" + keyName(a.c.Keys.BookingList.Refresh) + " reloads it).")
	}
	return a.pushScreen(newBookingsScreen(a.c, a.s, a.dialogs))
}

// openHelp shows every key of the screen on top and the global ones.
func (a *App) openHelp() tea.Cmd {
	a.dialogs.open(newHelpBox(a.c, a.help, a.top().FullHelp()))
	return nil
}

// openNotices shows every notice; reading them marks them seen.
func (a *App) openNotices() tea.Cmd {
	a.dialogs.open(newTextBox(a.c, "Notices", a.s.readNotices(a.c.Zone)))
	return nil
}

// askQuit quits, asking first while a booking is being sent or watched.
func (a *App) askQuit() tea.Cmd {
	if going := a.s.stillGoing(); going != "" {
		a.dialogs.open(newQuitBox(a.c, going))
		return nil
	}
	return a.quit()
}
