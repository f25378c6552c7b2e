// Package ui is chargedesk's Bubble Tea program: a root model with a screen
// stack (search → results → detail → confirm → status), overlays drawn last,
// and one small model per screen. It talks to the API only through tea.Cmds.
package ui

import (
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

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
	Insecure   bool // the key goes over plain http (--insecure-http)
	// DemoCustomer prefills the confirm form in demo mode.
	DemoCustomer string
	// DriverLanguage is the driver message's language (German by default).
	DriverLanguage model.Lang
}

// Common is what every screen shares: theme, keys, client, clock and mode.
type Common struct {
	Styles styles.Styles
	Keys   KeyMap
	Client *api.Client
	Clock  model.Clock
	Mode   Mode
	Zone   *time.Location // the drivers' time zone: Europe/Berlin
	// NewExternalID makes the unique reference of a booking attempt.
	NewExternalID func(time.Time) string
	// After delivers msg after d (tea.Tick; tests replace it with a fake timer).
	After func(d time.Duration, msg tea.Msg) tea.Cmd

	watch      *watchlist  // every booking watched this session
	attempts   *attempts   // booking attempts under way, whichever screen is open
	notices    notices     // what happened off screen, none lost
	log        []api.Event // every API call of the session (the request log)
	usage      *model.Usage
	usageAt    time.Time // when usage was reported
	spentSince int       // requests this client made since (each one a log event)

	// history is what is remembered between sessions; save persists it (nil: off).
	history model.History
	save    func(model.History) error

	req int // request ids, unique across screens

	problems map[string]bool // said already

	lang        model.Lang // the driver message's language now
	clipboardOK bool       // the terminal is known to take an OSC 52 copy

	geocoder *api.Geocoder // street addresses online; nil: offline only
	// placesReady tells whether the gazetteer is decoded (places.Loaded;
	// tests see the screens before it is).
	placesReady func() bool
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
		if err := save(h); err != nil { // forgetting a place is no reason to stop, but it is said once
			return problemMsg{"recent places and customers could not be saved: " + err.Error()}
		}
		return nil
	}
}

// problemMsg is something that went wrong on this machine (a full disk):
// said once, in the notices, since stderr is hidden while the TUI runs.
type problemMsg struct{ text string }

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

// monthBudget is the monthly quota as last reported, less what this client
// spent since.
func (c *Common) monthBudget() model.MonthBudget {
	u := c.usage
	if u == nil || u.Quota == nil || u.Quota.Limit <= 0 {
		return model.MonthBudget{}
	}
	b := model.MonthBudget{Known: true, Limit: u.Quota.Limit, Remaining: u.Quota.Remaining, ReportedAt: c.usageAt, SpentSince: c.spentSince}
	if u.Quota.ResetAt != nil {
		b.ResetAt = *u.Quota.ResetAt
	}
	return b
}

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
