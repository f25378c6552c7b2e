package ui

import (
	"context"
	"os/exec"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// clipboard is how a copy reaches the agent's clipboard: as an OSC 52
// sequence, which the terminal takes or not (its XTVERSION answer names
// the ones known to), and inside tmux, which keeps a program's OSC 52 out
// unless allow-passthrough is on (then the copy, wrapped in tmux's
// passthrough, goes on to the terminal) or set-clipboard is on (then tmux
// takes it into its buffer and passes it on itself).
type clipboard struct {
	terminal bool        // the terminal is known to take OSC 52
	tmux     bool        // chargedesk runs inside tmux
	pass     tmuxSetting // tmux's allow-passthrough for this pane
	set      tmuxSetting // tmux's set-clipboard
}

// tmuxSetting is what tmux said of one of its options.
type tmuxSetting int

const (
	tmuxUnknown tmuxSetting = iota
	tmuxOff
	tmuxOn
)

// copy is the command that copies text: the OSC 52 sequence, and inside
// tmux the same wrapped in tmux's passthrough as well (whichever tmux
// lets through reaches the clipboard; both carry the same text).
func (c clipboard) copy(text string) tea.Cmd {
	if !c.tmux {
		return tea.SetClipboard(text)
	}
	return tea.Batch(tea.SetClipboard(text), tea.Raw(ansi.TmuxPassthrough(ansi.SetSystemClipboard(text))))
}

// note says whether the copy is known to have reached the clipboard, and
// if not, what to do: never "copied" when it may not have been.
func (c clipboard) note() string {
	switch {
	case c.tmux && c.pass == tmuxOn:
		return "Copied to the clipboard through tmux (OSC 52, allow-passthrough on); also shown here."
	case c.tmux && c.set == tmuxOn:
		return "Copied into tmux's buffer and on to the clipboard (OSC 52, set-clipboard on); also shown here."
	case c.tmux && c.pass == tmuxOff:
		return "tmux keeps copies from programs out (allow-passthrough is off): run tmux set -g allow-passthrough on, then copy again; meanwhile select the text below."
	case c.tmux:
		return "Sent to the clipboard through tmux's passthrough (OSC 52); if nothing arrives, run tmux set -g allow-passthrough on."
	case c.terminal:
		return "Copied to the clipboard (OSC 52); also shown here."
	}
	return "Select and copy the text below: this terminal may not take a copy from chargedesk."
}

// tmuxClipboardMsg is what tmux said of its options that decide whether
// a copy gets through.
type tmuxClipboardMsg struct{ pass, set tmuxSetting }

// askTmux asks the tmux chargedesk runs in (its server is the one $TMUX
// names, its pane pane, "" tmux's current one) whether allow-passthrough
// and set-clipboard are on.
func askTmux(pane string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		show := func(args ...string) string {
			out, err := exec.CommandContext(ctx, "tmux", append([]string{"show-options"}, args...)...).Output()
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(out))
		}
		target := []string{}
		if pane != "" {
			target = []string{"-t", pane}
		}
		pass := show(append(append([]string{"-Apv"}, target...), "allow-passthrough")...) // the pane's, inherited or its own
		if pass == "" {
			pass = show("-gwv", "allow-passthrough") // else the global one
		}
		return tmuxClipboardMsg{pass: tmuxValue(pass), set: tmuxValue(show("-gv", "set-clipboard"))}
	}
}

// tmuxValue reads an option's value: "on" (and allow-passthrough's "all")
// lets a copy through, "off" and "external" keep it out.
func tmuxValue(v string) tmuxSetting {
	switch v {
	case "on", "all":
		return tmuxOn
	case "off", "external":
		return tmuxOff
	}
	return tmuxUnknown
}

// takesOSC52 tells, from a terminal's XTVERSION answer, whether it is
// known to take a clipboard copy (OSC 52): chargedesk says "copied" only
// then.
func takesOSC52(version string) bool {
	v := strings.ToLower(version)
	for _, t := range []string{"kitty", "wezterm", "iterm2", "foot", "alacritty", "ghostty", "xterm(", "contour", "konsole", "windows terminal"} {
		if strings.Contains(v, t) {
			return true
		}
	}
	return false
}
