//go:build !chargedesk_crashtest

package cli

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

type plainModel struct{}

func (plainModel) Init() tea.Cmd                       { return nil }
func (plainModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return plainModel{}, nil }
func (plainModel) View() tea.View                      { return tea.NewView("") }

// A build without the crash-test tag (the production binary) has no F12 panic.
func TestNoCrashHookWithoutTheTag(t *testing.T) {
	t.Parallel()
	if m := crashTestHook(plainModel{}, "key"); m != (plainModel{}) {
		t.Fatalf("the hook wraps the model: %T", m)
	}
}
