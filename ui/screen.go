package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
)

// Screen is one page of the program.
type Screen interface {
	// Init runs when the screen becomes part of the stack.
	Init() tea.Cmd
	Update(msg tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Typing is true while a text field has focus: single-letter global keys
	// (q, ?) go to the field then.
	Typing() bool
	// Title names the screen in the header.
	Title() string
}

// escCapturer is a screen that uses esc itself at the moment (to leave a
// filter or close a dialog) instead of going back.
type escCapturer interface{ CapturesEsc() bool }

// closer is a screen with work to stop when it leaves the stack.
type closer interface{ Close() }

// Navigation messages, sent by screens to the root.
type (
	pushMsg    struct{ s Screen }
	replaceMsg struct{ s Screen } // replace the top of the stack
	// backToMsg pops to the newest screen that match accepts, then delivers
	// then. With none in the stack it shows missing (if set) and stays.
	backToMsg struct {
		match   func(Screen) bool
		then    tea.Msg
		missing string
	}
	// rebookMsg asks for the next best charger after a failed booking.
	rebookMsg  struct{ booking model.Booking }
	overlayMsg struct {
		title string
		body  string
	}
)

func push(s Screen) tea.Cmd    { return func() tea.Msg { return pushMsg{s} } }
func replace(s Screen) tea.Cmd { return func() tea.Msg { return replaceMsg{s} } }
func msgCmd(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }
func showOverlay(title, body string) tea.Cmd {
	return msgCmd(overlayMsg{title: title, body: body})
}

// heartbeatMsg is the root's one-second tick that drives countdowns,
// "last checked Ns ago" and due retries.
type heartbeatMsg struct{}
