package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/model"
)

// messageDesk is what the driver message uses of the session.
type messageDesk interface {
	watching(id string) (watched, bool)
	lang() model.Lang
	switchLang()
	copyText(text string) (tea.Cmd, string)
}

// driverMessage is the text for the driver about a confirmed booking, in
// the language chosen, copied to the clipboard (OSC 52) as it opens and
// when the language changes. It is docked on the booking's status screen,
// whose other keys still work under it.
type driverMessage struct {
	c    Common
	d    messageDesk
	id   string // the booking
	note string // whether the copy is known to have worked
	w    int
}

// messageReady tells whether there is something to tell the driver: the
// booking is confirmed (or the car is already there).
func messageReady(st model.Status) bool { return st == model.Confirmed || st == model.Attending }

// openDriverMessage docks the message about booking id on screen on and
// copies it.
func openDriverMessage(c Common, d messageDesk, to alerts, on dockHost, id string) tea.Cmd {
	m := &driverMessage{c: c, d: d, id: id}
	to.dock(on, m)
	return m.copy()
}

func (m *driverMessage) ID() string               { return "message " + m.id }
func (m *driverMessage) Typing() bool             { return false }
func (m *driverMessage) SetSize(w, _ int)         { m.w = w }
func (m *driverMessage) ShortHelp() []key.Binding { return nil } // the status screen's keys work under it

// text is the message in the language chosen.
func (m *driverMessage) text() string {
	w, _ := m.d.watching(m.id)
	return model.DriverMessage(w.booking, w.loc, m.c.Zone, m.d.lang())
}

// copy copies the message (OSC 52, through tmux's passthrough inside
// tmux); it claims the copy only when it is known to get through.
func (m *driverMessage) copy() tea.Cmd {
	cmd, note := m.d.copyText(m.text())
	m.note = note
	return cmd
}

func (m *driverMessage) Update(msg tea.Msg) (tea.Cmd, dialogAction) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		m.c = msg.c
	case tea.KeyPressMsg:
		k := m.c.Keys.Status
		switch {
		case key.Matches(msg, k.CloseMessage):
			return nil, dialogAction{close: true}
		case key.Matches(msg, k.Language):
			m.d.switchLang()
			return m.copy(), dialogAction{}
		}
		return nil, dialogAction{pass: true}
	case tea.PasteMsg:
		return nil, dialogAction{pass: true}
	}
	return nil, dialogAction{}
}

func (m *driverMessage) View() string {
	st, k, lang := m.c.Styles, m.c.Keys.Status, m.d.lang()
	// Whether the copy got through comes first: on a small screen the
	// message's last lines may fall below the fold, never that.
	return st.Title.Render("Message for the driver ("+lang.Name()+")") + st.Subtle.Render("  "+keyName(k.Language)+": "+lang.Other().Name()+" · "+keyName(k.CloseMessage)+" closes") + "\n" +
		wrapped(st.Info, m.note, m.w-2) + "\n" +
		lipgloss.NewStyle().Width(max(20, m.w-2)).Render(m.text()) + "\n"
}
