//go:build !chargedesk_crashtest

package cli

import tea "charm.land/bubbletea/v2"

// crashTestHook leaves the model alone: only the end-to-end tests' build
// (crashtest_on.go) can be made to panic.
func crashTestHook(m tea.Model, _ string) tea.Model { return m }
