// Package ui is chargedesk's Bubble Tea program: a root model with a screen
// stack (search → results → detail → confirm → status), overlays drawn last,
// and one small model per screen. It talks to the API only through tea.Cmds.
package ui

import (
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zoneinfo database

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

// Mode says what chargedesk is connected to.
type Mode struct {
	Demo       bool    // the embedded simulator
	Speed      float64 // the simulator's lifecycle speed-up (demo only)
	Profile    string
	Host       string
	Production bool
	ReadOnly   bool
	// DemoCustomer prefills the confirm form in demo mode.
	DemoCustomer string
}

// Common is what every screen shares: theme, client, clock, mode and size.
type Common struct {
	Styles styles.Styles
	Client *api.Client
	Clock  model.Clock
	Mode   Mode
	Zone   *time.Location // the drivers' time zone: Europe/Berlin
	// NewExternalID makes the unique reference of a booking attempt.
	NewExternalID func(time.Time) string
	// After delivers msg after d (tea.Tick; tests replace it with a fake timer).
	After func(d time.Duration, msg tea.Msg) tea.Cmd

	watch *watchlist  // every booking watched this session
	log   []api.Event // every API call of the session (the request log)
	usage *model.Usage

	// history is what is remembered between sessions; save persists it (nil: off).
	history model.History
	save    func(model.History) error

	gen int // poll generations, unique across screens
	req int // request ids, unique across screens
}

// Now reads the clock.
func (c *Common) Now() time.Time { return c.Clock.Now() }

// remember records a place or a customer id and returns the command that
// saves the history (nil when remembering is off).
func (c *Common) remember(place, customer string) tea.Cmd {
	if c.save == nil {
		return nil
	}
	c.history.AddPlace(place)
	c.history.AddCustomer(customer)
	h := model.History{Places: append([]string(nil), c.history.Places...), Customers: append([]string(nil), c.history.Customers...)}
	save := c.save
	return func() tea.Msg {
		_ = save(h) // best effort: forgetting a place is no reason to stop
		return nil
	}
}

// after schedules msg in d.
func (c *Common) after(d time.Duration, msg tea.Msg) tea.Cmd {
	if c.After != nil {
		return c.After(d, msg)
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// inputStyles are the text field styles: a steady cursor (no blink timer
// redrawing the screen twice a second).
func inputStyles(isDark bool) textinput.Styles {
	st := textinput.DefaultStyles(isDark)
	st.Cursor.Blink = false
	return st
}

// newInput is a text input in chargedesk's style.
func newInput(isDark bool) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.SetStyles(inputStyles(isDark))
	return ti
}

// NextGen returns a fresh poll generation.
func (c *Common) NextGen() int { c.gen++; return c.gen }

// NextReq returns a fresh request id.
func (c *Common) NextReq() int { c.req++; return c.req }

// Warp returns the lifecycle clock of a booking: in demo mode the simulator
// compresses everything tied to the reservation window by Speed, counted from
// the booking's creation.
func (c *Common) Warp(created time.Time) model.Warp {
	if !c.Mode.Demo || c.Mode.Speed <= 1 || created.IsZero() {
		return model.Warp{Speed: 1}
	}
	return model.Warp{Anchor: created, Speed: c.Mode.Speed}
}

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

// fit cuts every line of s to w cells and s to h lines, padding nothing.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if h >= 0 && len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// trunc shortens plain or styled text to w cells with an ellipsis.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// pad right-pads to w cells (after truncating).
func pad(s string, w int) string {
	s = trunc(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// padLeft left-pads to w cells.
func padLeft(s string, w int) string {
	s = trunc(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// mustBerlin is the drivers' zone (embedded tzdata makes it always load).
func mustBerlin() *time.Location {
	z, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return z
}
