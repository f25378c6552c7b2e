package ui

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
)

func withTmux() harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) { o.InTmux, o.TmuxPane = true, "%0" }
}

// Inside tmux the driver message goes to the clipboard as OSC 52 and, the
// same, wrapped in tmux's passthrough; what the note says follows what
// tmux said of allow-passthrough and set-clipboard (it said "may not take
// a copy" in tmux whatever tmux allowed).
func TestDriverMessageCopiesThroughTmux(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		msg  tmuxClipboardMsg
		note string
	}{
		{"passthrough on", tmuxClipboardMsg{pass: tmuxOn, set: tmuxOff}, "Copied to the clipboard through tmux (OSC 52, allow-passthrough on)"},
		{"set-clipboard on", tmuxClipboardMsg{pass: tmuxOff, set: tmuxOn}, "Copied into tmux's buffer and on to the clipboard"},
		{"both off", tmuxClipboardMsg{pass: tmuxOff, set: tmuxOff}, "run tmux set -g allow-passthrough on, then copy again"},
		{"not known", tmuxClipboardMsg{}, "if nothing arrives, run tmux set -g allow-passthrough on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, large, withDemo(), withTmux())
			h.send(tt.msg)
			bookUntilStatus(t, h, "cust_demo_001")
			h.advance(12 * time.Second)
			h.key("m")
			h.wantScreen(tt.note)
			if !strings.Contains(h.clipboard, "Buchungsnummer: cd-test-001") {
				t.Fatalf("copied %q", h.clipboard)
			}
			want := ansi.TmuxPassthrough(ansi.SetSystemClipboard(h.clipboard))
			if len(h.raw) == 0 || h.raw[len(h.raw)-1] != want || !strings.HasPrefix(want, "\x1bPtmux;\x1b\x1b]52;c;") {
				t.Fatalf("no copy through tmux's passthrough: %q", h.raw)
			}
		})
	}
	// Outside tmux: the OSC 52 alone, and "copied" only for a terminal known to take it.
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(12 * time.Second)
	h.key("m")
	h.wantScreen("Select and copy the text below")
	if len(h.raw) != 0 {
		t.Fatalf("wrote %q outside tmux", h.raw)
	}
}

// askTmux reads the options from the tmux server $TMUX names: a real
// tmux server, started for the test on its own socket.
func TestAskTmuxReadsItsOptions(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("no tmux here")
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	tmux := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("tmux", append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("tmux %v: %v %s", args, err, out)
		}
	}
	tmux("new-session", "-d", "-s", "cd", "cat")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	t.Setenv("TMUX", sock+",0,0")
	for _, tt := range []struct {
		set  [][]string
		want tmuxClipboardMsg
	}{
		{nil, tmuxClipboardMsg{pass: tmuxOff, set: tmuxOff}}, // tmux's defaults: off, external
		{[][]string{{"set", "-g", "allow-passthrough", "on"}}, tmuxClipboardMsg{pass: tmuxOn, set: tmuxOff}},
		{[][]string{{"set", "-g", "allow-passthrough", "off"}, {"set", "-g", "set-clipboard", "on"}}, tmuxClipboardMsg{pass: tmuxOff, set: tmuxOn}},
		{[][]string{{"set", "-p", "-t", "cd", "allow-passthrough", "on"}}, tmuxClipboardMsg{pass: tmuxOn, set: tmuxOn}}, // the pane's own wins
	} {
		for _, args := range tt.set {
			tmux(args...)
		}
		if got := askTmux("cd")(); got != tt.want {
			t.Errorf("after %v: %+v, want %+v", tt.set, got, tt.want)
		}
	}
}
