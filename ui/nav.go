package ui

import tea "charm.land/bubbletea/v2"

// navigate takes the navigation messages: it builds the screen asked for
// with the part of the session it uses and pushes it, goes back to a
// screen, or proposes the next best charger (rebook.go). ok is false for
// any other message.
func (a *App) navigate(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case showResultsMsg:
		return a.pushScreen(newResultsScreen(a.c, a.s, msg.query, msg.resp, msg.place)), true
	case showLocationMsg:
		return a.pushScreen(newDetailScreen(a.c, a.s, msg.loc, msg.marks, msg.need)), true
	case showFormMsg:
		return a.pushScreen(newConfirmScreen(a.c, a.s, a.dialogs, msg.loc, msg.evse, msg.need)), true
	case showStatusMsg:
		s := newStatusScreen(a.c, a.s, a.dialogs, msg.booking, msg.loc, msg.adopted)
		if msg.replace {
			return a.replaceTop(s), true
		}
		return a.pushScreen(s), true
	case backToMsg:
		return a.backTo(msg), true
	case newCallMsg:
		return a.newCall(), true
	case rebookMsg:
		return a.rebook(msg.booking), true
	}
	return nil, false
}

// backTo pops to the newest screen msg.match accepts and hands it
// msg.then; with none in the stack it says msg.missing (if set) and stays.
func (a *App) backTo(msg backToMsg) tea.Cmd {
	found := false
	for _, sc := range a.stack {
		found = found || msg.match(sc)
	}
	if !found && msg.missing != "" {
		a.dialogs.open(newTextBox(a.c, "Not available", msg.missing))
		return nil
	}
	for len(a.stack) > 1 && !msg.match(a.top()) {
		a.pop()
	}
	if msg.then != nil {
		return a.forward(msg.then)
	}
	return nil
}

// newCall ends the call under way and starts the next one on a clean
// search form: the profile's search, no hint, no token; every screen of
// the last call leaves the stack (its bookings stay on the watchlist).
func (a *App) newCall() tea.Cmd {
	a.s.endCall()
	for len(a.stack) > 1 {
		a.pop()
	}
	a.closeTop()
	a.stack[0] = newSearchScreen(a.c, a.s, a.dialogs, a.query, a.place)
	a.stack[0].SetSize(a.contentSize())
	return a.stack[0].Init()
}
