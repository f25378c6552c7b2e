// Package ui is chargedesk's Bubble Tea program. The root model (App) holds
// a stack of screens (search → results → location → booking form → status,
// and the bookings list, request log and usage beside them), one stack of
// dialogs drawn above them (dialog.go), and the session: what this run of
// the program knows (session.go). Screens get the read-only Common and the
// small part of the session they use; they talk to the API only through
// tea.Cmds.
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

// Common is the read-only context every screen and dialog gets, as
// soft-serve's common.Common: theme, keys, client, clock, mode and the
// drivers' time zone. Each holds its own copy; nothing in it changes while
// the program runs except the styles, when the terminal reports its
// background: the root then builds the new styles and hands every screen
// and dialog its new copy in a themeChangedMsg, where each restyles its
// widgets. What the program learns while it runs is the session's.
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
}

// themeChangedMsg hands a screen or dialog the Common with the styles for
// the terminal's background; it restyles its widgets.
type themeChangedMsg struct{ c Common }

// Now reads the clock.
func (c Common) Now() time.Time { return c.Clock.Now() }

// after schedules msg in d.
func (c Common) after(d time.Duration, msg tea.Msg) tea.Cmd {
	if c.After != nil {
		return c.After(d, msg)
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// Warp returns the lifecycle clock of a booking: in demo mode the simulator
// compresses everything tied to the reservation window by Speed, counted from
// the booking's creation.
func (c Common) Warp(created time.Time) model.Warp {
	if !c.Mode.Demo || c.Mode.Speed <= 1 || created.IsZero() {
		return model.Warp{Speed: 1}
	}
	return model.Warp{Anchor: created, Speed: c.Mode.Speed}
}

// inputStyles are the text field styles of the theme (styles.Styles.Input):
// readable on the background, a steady cursor (no blink timer redrawing
// the screen twice a second).
func inputStyles(isDark bool) textinput.Styles { return styles.New(isDark).Input }

// newInput is a text input in chargedesk's style.
func newInput(isDark bool) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.SetStyles(inputStyles(isDark))
	return ti
}
