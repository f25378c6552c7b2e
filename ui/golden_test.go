package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
)

// The golden files hold what a person reads: the rendered frame with its
// colour and style codes stripped. Colours are checked by explicit tests
// (styles, and TestHeaderColours here), not by bytes of escape codes.

// TestGoldenScreens pins every screen's frame at 80×24 and 120×40.
// Regenerate with: go test ./ui -run TestGolden -update
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
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				h := newHarness(t, size, withDemo())
				sc.to(h)
				golden.RequireEqual(t, h.screen())
			})
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
		t.Run(m.name, func(t *testing.T) {
			h := headerHarness(t, m.mode, m.key == "low")
			golden.RequireEqual(t, ansi.Strip(h.app.header()))
		})
	}
}

func headerHarness(t *testing.T, mode Mode, low bool) *harness {
	opts := []harnessOpt{}
	if low {
		opts = append(opts, withRateLimit(10))
	}
	h := newHarness(t, large, opts...)
	h.app.c.Mode = mode
	h.key("down", "enter") // a search, so the rate headers are known
	for low && h.app.c.Client.RateLimit().Remaining > 1 {
		h.key("esc", "enter")
	}
	return h
}

// TestHeaderColours checks what the text goldens cannot: the production host
// and a low budget are drawn in the warning colour, on dark and light
// backgrounds alike, and the DEMO badge keeps reverse video.
func TestHeaderColours(t *testing.T) {
	for _, bg := range []color.Color{color.Black, color.White} {
		h := headerHarness(t, Mode{Host: "api.petitmonde.energy", Production: true}, false)
		h.send(tea.BackgroundColorMsg{Color: bg})
		st := h.app.c.Styles
		if hdr := h.app.header(); !strings.Contains(hdr, st.Warning.Render("api.petitmonde.energy")) ||
			!strings.Contains(hdr, st.ProdBadge.Render("LIVE")) {
			t.Errorf("bg %v: the production host is not in the warning colour: %q", bg, hdr)
		}
		low := headerHarness(t, Mode{Host: "127.0.0.1:8787"}, true)
		low.send(tea.BackgroundColorMsg{Color: bg})
		if hdr := low.app.header(); !strings.Contains(hdr, low.app.c.Styles.Warning.Render("  rate 1/10 low")) {
			t.Errorf("bg %v: a low budget is not in the warning colour: %q", bg, hdr)
		}
		demo := newHarness(t, large, withDemo())
		demo.send(tea.BackgroundColorMsg{Color: bg})
		if hdr := demo.app.header(); !strings.Contains(hdr, demo.app.c.Styles.DemoBadge.Render("DEMO")) || !strings.Contains(hdr, "\x1b[") {
			t.Errorf("bg %v: the DEMO badge lost its style: %q", bg, hdr)
		}
	}
}

// withRealExternalIDs makes external ids as the program does
// (api.NewExternalID: cd-YYYYMMDD-HHMM-xxxxxxxx), the same in every run.
func withRealExternalIDs() harnessOpt {
	n := uint32(0)
	return func(_ *sim.Options, o *Options, _ *api.Config) {
		o.NewExternalID = func(now time.Time) string {
			n++
			return fmt.Sprintf("cd-%s-%08x", now.UTC().Format("20060102-1504"), n*0x9e3779b1)
		}
	}
}

// TestGoldenFullExternalID pins the bookings list and the status screen at
// 80×24 with external ids as long as the program makes them: the id the
// driver reads out is whole, the other columns give way.
func TestGoldenFullExternalID(t *testing.T) {
	for _, sc := range []struct {
		name string
		to   func(h *harness)
	}{
		{"bookings", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
			h.key("esc", "down", "enter", "enter", "B")
		}},
		{"status_confirmed", func(h *harness) {
			h.key("enter", "enter", "enter", "enter")
			h.advance(12 * time.Second)
		}},
	} {
		t.Run(sc.name+"_80x24", func(t *testing.T) {
			h := newHarness(t, small, withDemo(), withRealExternalIDs())
			sc.to(h)
			golden.RequireEqual(t, h.screen())
		})
	}
}
