package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The boxed dialogs: a titled box in the middle of the content area, over
// the screen. Each takes every key while it is on top (ctrl+c still quits).

// boxView draws a titled box centred in w×h.
func boxView(c Common, w, h int, title, body string) string {
	st := c.Styles
	inner := min(w-4, 90)
	box := st.Overlay.Width(inner + 4).Render(st.Title.Render(title) + "\n\n" + lipgloss.NewStyle().Width(inner).Render(body))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// textBox is a message: the configuration warning, a 401 or 403, the
// notices, "not available", no next best charger. A dismiss key closes it.
type textBox struct {
	c           Common
	title, body string
	w, h        int
}

func newTextBox(c Common, title, body string) *textBox {
	return &textBox{c: c, title: title, body: body}
}

func (b *textBox) ID() string               { return "text\x00" + b.title + "\x00" + b.body }
func (b *textBox) Typing() bool             { return false }
func (b *textBox) ShortHelp() []key.Binding { return nil }
func (b *textBox) SetSize(w, h int)         { b.w, b.h = w, h }

func (b *textBox) Update(msg tea.Msg) (tea.Cmd, dialogAction) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		b.c = msg.c
	case tea.KeyPressMsg:
		return dismissed(b.c, msg)
	}
	return nil, dialogAction{}
}

// dismissed closes a box on its dismiss key, and says so of any other.
func dismissed(c Common, msg tea.KeyPressMsg) (tea.Cmd, dialogAction) {
	if key.Matches(msg, c.Keys.Dismiss) {
		return nil, dialogAction{close: true}
	}
	return refuse("A box is open: " + keyName(c.Keys.Dismiss) + " closes it first."), dialogAction{}
}

func (b *textBox) View() string {
	body := b.body + "\n\n" + b.c.Styles.Subtle.Render(keyName(b.c.Keys.Dismiss)+" closes this message.")
	return boxView(b.c, b.w, b.h, b.title, body)
}

// helpBox is every key of the screen it was opened on, then the global ones.
type helpBox struct {
	c      Common
	help   help.Model
	groups [][]key.Binding
	w, h   int
}

// newHelpBox shows the screen's keys (its FullHelp) and the global ones.
func newHelpBox(c Common, h help.Model, screen [][]key.Binding) *helpBox {
	k := c.Keys
	groups := append(append([][]key.Binding{}, screen...),
		[]key.Binding{k.Bookings, k.BookingsAlways, k.Log, k.LogAlways, k.Notices, k.NoticesAlways, k.Usage},
		[]key.Binding{k.Back, k.Help, k.FieldHelp, k.Quit, k.ForceQuit})
	return &helpBox{c: c, help: h, groups: groups}
}

func (b *helpBox) ID() string               { return "help" }
func (b *helpBox) Typing() bool             { return false }
func (b *helpBox) ShortHelp() []key.Binding { return nil }
func (b *helpBox) SetSize(w, h int)         { b.w, b.h = w, h; b.help.SetWidth(w) }

func (b *helpBox) Update(msg tea.Msg) (tea.Cmd, dialogAction) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		b.c = msg.c
		b.help.Styles = msg.c.Styles.Help
	case tea.KeyPressMsg:
		return dismissed(b.c, msg)
	}
	return nil, dialogAction{}
}

func (b *helpBox) View() string {
	body := b.help.FullHelpView(b.groups) + "\n\n" + b.c.Styles.Subtle.Render(keyName(b.c.Keys.Dismiss)+" closes this help.")
	return boxView(b.c, b.w, b.h, "Keys", body)
}

// quitBox asks before quitting while something is still going on: yes
// quits, no stays.
type quitBox struct {
	c     Common
	going string // what is still going on
	w, h  int
}

func newQuitBox(c Common, going string) *quitBox { return &quitBox{c: c, going: going} }

func (b *quitBox) ID() string               { return "quit" }
func (b *quitBox) Typing() bool             { return false }
func (b *quitBox) ShortHelp() []key.Binding { return nil }
func (b *quitBox) SetSize(w, h int)         { b.w, b.h = w, h }

func (b *quitBox) Update(msg tea.Msg) (tea.Cmd, dialogAction) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		b.c = msg.c
	case tea.KeyPressMsg:
		k := b.c.Keys
		if !key.Matches(msg, k.Yes, k.No) {
			return refuse(keyName(k.Yes) + " quits, " + keyName(k.No) + " stays."), dialogAction{}
		}
		return nil, dialogAction{quit: key.Matches(msg, k.Yes), close: key.Matches(msg, k.No)}
	}
	return nil, dialogAction{}
}

func (b *quitBox) View() string {
	k := b.c.Keys
	body := b.going + "\n\nThe reservation goes on at the CPO; chargedesk only stops watching it.\n\n" +
		keyName(k.Yes) + ": quit      " + keyName(k.No) + ": stay"
	return boxView(b.c, b.w, b.h, "Quit chargedesk?", body)
}
