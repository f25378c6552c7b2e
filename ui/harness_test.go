package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// t0 is the tests' fixed "now": a Monday morning in Berlin.
var t0 = time.Date(2026, 11, 30, 9, 2, 0, 0, time.UTC)

// harness runs the root model against the simulator over real HTTP (with
// contract checks on every request and response), on a manual clock shared by
// the UI, the client and the simulator. Timers are fake: advance fires them.
type harness struct {
	t      *testing.T
	clock  *sim.ManualClock
	sim    *sim.Server
	srv    *httptest.Server
	client *api.Client
	app    *App
	timers []timer
	ids    int
	events []api.Event
}

type timer struct {
	due time.Time
	msg tea.Msg
}

type harnessOpt func(*sim.Options, *Options, *api.Config)

// withoutContract turns the contract check off, for tests whose server breaks
// the contract on purpose.
func withoutContract() harnessOpt {
	return func(_ *sim.Options, _ *Options, c *api.Config) { c.Transport = http.DefaultTransport }
}

func withDemo() harnessOpt {
	return func(so *sim.Options, o *Options, _ *api.Config) {
		so.Speed = 60
		o.Mode = Mode{Demo: true, Speed: 60, Host: "embedded simulator", DemoCustomer: "cust_demo_001"}
		munich, _ := model.FindCity("München")
		o.Query = &model.SearchQuery{Lat: munich.Lat, Lng: munich.Lng, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50}
		o.PlaceText = munich.Name
	}
}

func withRateLimit(n int) harnessOpt {
	return func(so *sim.Options, _ *Options, _ *api.Config) { so.RateLimit = n }
}

func withKey(k string) harnessOpt {
	return func(_ *sim.Options, _ *Options, c *api.Config) { c.APIKey = k }
}

func withSuspended(k string) harnessOpt {
	return func(so *sim.Options, _ *Options, c *api.Config) { so.SuspendedKey = k; c.APIKey = k }
}

func newHarness(t *testing.T, size [2]int, opts ...harnessOpt) *harness {
	t.Helper()
	h := &harness{t: t, clock: sim.NewManualClock(t0)}
	so := sim.Options{Seed: 1, Clock: h.clock}
	o := Options{Clock: h.clock, Mode: Mode{Host: "127.0.0.1"}}
	cfg := api.Config{APIKey: sim.DefaultKey}
	for _, f := range opts {
		f(&so, &o, &cfg)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = contract.Transport(t, nil, contract.WithBasePath(sim.BasePath))
	}
	h.sim = sim.New(so)
	h.srv = httptest.NewServer(h.sim)
	t.Cleanup(h.srv.Close)
	h.client = api.New(api.Config{
		BaseURL: h.srv.URL + sim.BasePath, APIKey: cfg.APIKey, Now: h.clock.Now, Retries: -1,
		Transport: transport,
		OnEvent:   func(ev api.Event) { h.events = append(h.events, ev) },
	})
	o.Client = h.client
	o.NewExternalID = func(now time.Time) string {
		h.ids++
		return fmt.Sprintf("cd-test-%03d", h.ids)
	}
	o.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
		h.timers = append(h.timers, timer{due: h.clock.Now().Add(d), msg: msg})
		return nil
	}
	h.app = New(o)
	h.run(h.app.Init())
	h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
	return h
}

// send delivers msg and runs every command it causes, to quiescence.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			h.run(c)
		}
	case tea.QuitMsg:
	default:
		if fmt.Sprintf("%T", m) == "tea.backgroundColorMsg" || strings.Contains(fmt.Sprintf("%T", m), "BackgroundColor") {
			return // the request for the terminal's colour: no terminal here
		}
		h.send(m)
	}
}

// advance moves every clock by d and fires the timers that fall due, in order.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	end := h.clock.Now().Add(d)
	for {
		sort.SliceStable(h.timers, func(i, j int) bool { return h.timers[i].due.Before(h.timers[j].due) })
		if len(h.timers) == 0 || h.timers[0].due.After(end) {
			break
		}
		tm := h.timers[0]
		h.timers = h.timers[1:]
		if tm.due.After(h.clock.Now()) {
			h.clock.Set(tm.due)
		}
		h.send(tm.msg)
	}
	h.clock.Set(end)
}

// key presses one key, written as Bubble Tea names it ("enter", "tab", "a", "ctrl+c").
func (h *harness) key(names ...string) {
	h.t.Helper()
	for _, n := range names {
		h.send(keyMsg(n))
	}
}

// typeText types printable text.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(n string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"esc":       {Code: tea.KeyEscape},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"backspace": {Code: tea.KeyBackspace},
		"space":     {Code: tea.KeySpace, Text: " "},
	}
	if k, ok := special[n]; ok {
		return k
	}
	if rest, ok := strings.CutPrefix(n, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(n)[0]
	return tea.KeyPressMsg{Code: r, Text: n}
}

// screen is the frame as a person reads it (no escape sequences).
func (h *harness) screen() string { return ansi.Strip(h.app.Render()) }

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func (h *harness) noScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			h.t.Fatalf("screen shows %q but should not:\n%s", p, s)
		}
	}
}

func (h *harness) top() Screen { return h.app.top() }
