package ui

import (
	"fmt"
	"image/color"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenScreens pins every screen's View() at 80×24 and 120×40, on dark
// and light backgrounds. Regenerate with: go test ./ui -run TestGolden -update
func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name string
		to   func(h *harness)
	}{
		{"search", func(h *harness) {}},
		{"results", func(h *harness) { h.key("enter") }},
		{"detail", func(h *harness) { h.key("enter", "enter") }},
		{"confirm", func(h *harness) { h.key("enter", "enter", "enter") }},
		{"confirm_json", func(h *harness) { h.key("enter", "enter", "enter", "ctrl+o") }},
		{"status_requested", func(h *harness) { h.key("enter", "enter", "enter", "enter") }},
		{"status_confirmed", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
		}},
		{"status_cancel_dialog", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
			h.key("c")
		}},
		{"status_completed", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(3 * time.Minute)
		}},
		{"help", func(h *harness) { h.key("enter", "?") }},
		{"map", func(h *harness) { h.key("enter", "m", "down", "down") }},
		{"driver_message", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
			h.key("m")
		}},
		{"bookings", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
			h.key("esc", "down", "enter", "enter", "B")
		}},
		{"request_log", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			for _, ev := range h.events {
				ev.Duration = 3 * time.Millisecond // durations vary run to run
				h.send(logEventMsg{ev})
			}
			h.key("L", "down") // (y would print the test server's random port)
		}},
		{"bookings_cancel", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
			h.key("B", "c")
		}},
	}
	for _, sc := range screens {
		sizes := [][2]int{small, large}
		if sc.name == "map" {
			sizes = append(sizes, [2]int{100, 30}, [2]int{200, 60})
		}
		for _, size := range sizes {
			for _, dark := range []bool{true, false} {
				theme := "dark"
				if !dark {
					theme = "light"
				}
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					h := newHarness(t, size, withDemo())
					var bg color.Color = color.Black
					if !dark {
						bg = color.White
					}
					h.send(tea.BackgroundColorMsg{Color: bg})
					sc.to(h)
					golden.RequireEqual(t, h.app.Render())
				})
			}
		}
	}
}

// TestGoldenHeader pins the header in each mode: demo, live on another host,
// live on production (warning colour), with a profile, read-only, low budget.
func TestGoldenHeader(t *testing.T) {
	modes := []struct {
		name string
		mode Mode
		key  string
	}{
		{"demo", Mode{Demo: true, Speed: 60, Host: "embedded simulator"}, ""},
		{"live_local", Mode{Host: "127.0.0.1:8787", Profile: "local"}, ""},
		{"live_production", Mode{Host: "api.petitmonde.energy", Production: true, Profile: "prod"}, ""},
		{"read_only", Mode{Host: "api.petitmonde.energy", Production: true, Profile: "training", ReadOnly: true}, ""},
		{"low_budget", Mode{Host: "127.0.0.1:8787"}, "low"},
	}
	for _, m := range modes {
		for _, dark := range []bool{true, false} {
			theme := map[bool]string{true: "dark", false: "light"}[dark]
			t.Run(m.name+"_"+theme, func(t *testing.T) {
				opts := []harnessOpt{}
				if m.key == "low" {
					opts = append(opts, withRateLimit(10))
				}
				h := newHarness(t, large, opts...)
				var bg color.Color = color.Black
				if !dark {
					bg = color.White
				}
				h.send(tea.BackgroundColorMsg{Color: bg})
				h.app.c.Mode = m.mode
				h.key("down", "enter") // a search, so the rate headers are known
				for m.key == "low" && h.app.c.Client.RateLimit().Remaining > 1 {
					h.key("esc", "enter")
				}
				golden.RequireEqual(t, h.app.header())
			})
		}
	}
}
