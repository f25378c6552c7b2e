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
// list's filter or a field) instead of going back. Dialogs take their own
// esc: a screen never needs this for one.
type escCapturer interface{ CapturesEsc() bool }

// closer is a screen with work to stop when it leaves the stack.
type closer interface{ Close() }

// Navigation: a screen asks the root for the next screen by what it is to
// show; the root builds it with the part of the session that screen uses
// (so no screen holds more than its own) and pushes it.
type (
	showResultsMsg struct {
		query model.SearchQuery
		resp  *model.SearchResponse
		place string // what the search was near, as the agent typed it ("" coordinates)
	}
	showLocationMsg struct {
		loc   model.Location
		marks []marker
		need  model.Need
	}
	showFormMsg struct {
		loc  model.Location
		evse model.EVSE
		need model.Need
	}
	showStatusMsg struct {
		booking model.Booking
		loc     model.Location
		adopted bool
		replace bool // in place of the screen that asks (the booking form)
	}
	// backToMsg pops to the newest screen that match accepts, then delivers
	// then. With none in the stack it shows missing (if set) and stays.
	backToMsg struct {
		match   func(Screen) bool
		then    tea.Msg
		missing string
	}
	// rebookMsg asks for the next best charger after a failed booking.
	rebookMsg struct{ booking model.Booking }
	// newCallMsg ends the call under way and opens a clean search form.
	newCallMsg struct{}
)

func msgCmd(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }

// refusedMsg says why a key did nothing in the state it was pressed in
// (c on a final booking, ctrl+n outside a 409): the root shows it in the
// status line, in place of the key help, until the next key. No key that
// means something does nothing without saying why.
type refusedMsg struct{ why string }

// refuse is the command that says why.
func refuse(why string) tea.Cmd { return msgCmd(refusedMsg{why}) }

// heartbeatMsg is the root's one-second tick that drives countdowns,
// "last checked Ns ago" and due retries.
type heartbeatMsg struct{}
