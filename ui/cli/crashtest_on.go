//go:build chargedesk_crashtest

package cli

import tea "charm.land/bubbletea/v2"

// crashTestHook makes F12 panic, for the end-to-end test of the crash path.
// Only a binary built with -tags chargedesk_crashtest has it (ui/e2e builds
// one); crashtest_off.go is everyone else's.
func crashTestHook(m tea.Model, key string) tea.Model { return panicOnF12{m, key} }

// panicOnF12 panics when F12 is pressed.
type panicOnF12 struct {
	tea.Model
	key string
}

func (m panicOnF12) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "f12" {
		// The key is in the message on purpose: the crash log must not show it.
		panic("test panic requested with F12 (chargedesk_crashtest build); key " + m.key)
	}
	next, cmd := m.Model.Update(msg)
	return panicOnF12{next, m.key}, cmd
}
