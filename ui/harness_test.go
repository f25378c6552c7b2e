package ui

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// t0 is the tests' fixed "now": a Monday morning in Berlin.
var t0 = time.Date(2026, 11, 30, 9, 2, 0, 0, time.UTC)

// harness runs the root model against the simulator over real HTTP (with
// contract checks on every request and response), on a manual clock shared by
// the UI, the client and the simulator. Timers are fake: advance fires them.
type harness struct {
	t     *testing.T
	clock *sim.ManualClock
	sim   *sim.Server
	srv   *simtest.Server
	// handler, when set, answers in place of the simulator (serve).
	handler atomic.Pointer[http.Handler]
	client  *api.Client
	app     *App
	timers  []timer
	ids     int
	events  []api.Event
	// quit is set once the program asks the runtime to quit (tea.Quit).
	quit bool
	// clipboard is the last text the program copied to the terminal's
	// clipboard (OSC 52); raw what it wrote to the terminal as it is (a
	// copy wrapped in tmux's passthrough).
	clipboard string
	raw       []string
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
		munich, _ := model.ResolvePlace("München")
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

// withReadOnly starts chargedesk read-only, as --read-only does. It goes after
// withDemo, which sets the whole mode.
func withReadOnly() harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) { o.Mode.ReadOnly = true }
}

func withSuspended(k string) harnessOpt {
	return func(so *sim.Options, _ *Options, c *api.Config) { so.SuspendedKey = k; c.APIKey = k }
}

func newHarness(t *testing.T, size [2]int, opts ...harnessOpt) *harness {
	t.Helper()
	// The gazetteer decodes in the background as the program starts, done
	// long before a person's first key; a test's keys come at once, so it
	// waits here, and screens are the same whichever test runs first.
	places.Preload()
	h := &harness{t: t, clock: sim.NewManualClock(t0)}
	so := sim.Options{Seed: 1, Clock: h.clock, IDs: rand.New(rand.NewSource(1))} // the same ids in every run, for the goldens
	o := Options{Clock: h.clock, Mode: Mode{Host: "127.0.0.1"}}
	cfg := api.Config{APIKey: sim.DefaultKey}
	for _, f := range opts {
		f(&so, &o, &cfg)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = contract.Transport(t, nil, contract.WithBasePath(sim.BasePath))
	}
	h.srv = simtest.Start(t, so, simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s := h.handler.Load(); s != nil {
				(*s).ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.sim = h.srv.Sim
	h.start(h.srv.Base, cfg.APIKey, transport, o, size)
	return h
}

// start runs the program as a person would start it, its client talking to
// base with key over transport, and gives it the terminal's size.
func (h *harness) start(base, key string, transport http.RoundTripper, o Options, size [2]int) {
	h.t.Helper()
	h.client = api.New(api.Config{
		BaseURL: base, APIKey: key, Now: h.clock.Now, Retries: -1,
		Transport: transport,
		OnEvent:   func(ev api.Event) { h.events = append(h.events, ev) },
	})
	o.Client = h.client
	if o.NewExternalID == nil {
		o.NewExternalID = func(now time.Time) string {
			h.ids++
			return fmt.Sprintf("cd-test-%03d", h.ids)
		}
	}
	o.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
		h.timers = append(h.timers, timer{due: h.clock.Now().Add(d), msg: msg})
		return nil
	}
	h.app = New(o)
	h.run(h.app.Init())
	h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
}

// send delivers msg and runs every command it causes, to quiescence.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	for _, m := range h.results(cmd) {
		h.send(m)
	}
}

// results runs cmd (and every command of a batch) and returns the messages
// meant for the model. What is meant for the terminal is taken here as a
// terminal would: a quit, a clipboard write, the request for its colour.
func (h *harness) results(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, h.results(c)...)
		}
		return out
	case tea.QuitMsg:
		h.quit = true
	default:
		switch name := fmt.Sprintf("%T", m); {
		case strings.Contains(name, "BackgroundColor"):
			// the request for the terminal's colour: no terminal here
		case name == "tea.setClipboardMsg":
			h.clipboard = reflect.ValueOf(m).String()
		case name == "tea.RawMsg":
			h.raw = append(h.raw, fmt.Sprint(m.(tea.RawMsg).Msg))
		default:
			return []tea.Msg{m}
		}
	}
	return nil
}

// keyLate presses one key whose commands run at once (their requests go out
// and are answered) but whose answers reach the program only when deliver is
// called: a slow network, to show that a late answer does not undo a newer one.
func (h *harness) keyLate(name string) (deliver func()) {
	h.t.Helper()
	_, cmd := h.app.Update(keyMsg(name))
	late := h.results(cmd)
	return func() {
		h.t.Helper()
		for _, m := range late {
			h.send(m)
		}
	}
}

// feedLog hands the request log every call made so far, as the client's event
// channel does in the program (the harness has no channel: it runs commands
// one after the other, and a command waiting on an empty channel would block).
func (h *harness) feedLog() {
	h.t.Helper()
	for _, ev := range h.events {
		h.send(logEventMsg{ev})
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

// clearAndType empties the focused text field (ctrl+u) and types s into it.
func (h *harness) clearAndType(s string) {
	h.t.Helper()
	h.key("ctrl+u")
	h.typeText(s)
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

// lines is the frame line by line: the header, the body, the footer.
func (h *harness) lines() []string { return strings.Split(h.screen(), "\n") }

// body is the frame without its header and footer lines.
func (h *harness) body() []string {
	ls := h.lines()
	if len(ls) < 3 {
		return nil
	}
	return ls[1 : len(ls)-1]
}

// screenNames are the names the header gives the screens.
var screenNames = []string{"Search", "Results", "Location", "Book", "Booking status", "Bookings", "Request log", "Usage"}

// title is the screen's name as the header shows it, or "" when the header
// has no room for it (a narrow terminal with a status change announced).
func (h *harness) title() string {
	head := h.lines()[0]
	for _, meter := range []string{"  rate ", " · month "} {
		if i := strings.Index(head, meter); i >= 0 {
			head = head[:i]
		}
	}
	head = strings.TrimRight(head, " ")
	for _, n := range screenNames {
		if strings.HasSuffix(head, " "+n) {
			return n
		}
	}
	return ""
}

// headings tell the screens apart by a line their body draws; the status
// screen is known by its badge (status).
var headings = map[string]string{
	"Search":      `^Find a charger near the driver`,
	"Results":     `^\d+ (of \d+ )?locations `,
	"Location":    `^EVSEs \(\d+, \d+ bookable\)`,
	"Book":        `^Book \S+ at `,
	"Bookings":    `^Bookings · `,
	"Request log": `^Request log · \d+ calls`,
	"Usage":       `^Requests: the account.s one key`,
}

// bodyMatches tells whether a line of the body matches the expression.
func (h *harness) bodyMatches(expr string) bool {
	re := regexp.MustCompile(expr)
	for _, l := range h.body() {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// wantOn fails unless the screen named name is showing: its heading is drawn,
// and the header names it (when the header has room for a name).
func (h *harness) wantOn(name string) {
	h.t.Helper()
	drawn := false
	if expr, ok := headings[name]; ok {
		drawn = h.bodyMatches(expr)
	} else if name == "Booking status" {
		drawn = h.status() != ""
	} else {
		h.t.Fatalf("no screen is called %q", name)
	}
	if got := h.title(); (got != "" && got != name) || !drawn {
		h.t.Fatalf("not on %q (the header says %q):\n%s", name, got, h.screen())
	}
}

// status is the status the status screen's badge shows: the word at column 3
// of the lines above the "Booking" row. It is "" on any other screen.
func (h *harness) status() string {
	body := h.body()
	for i, l := range body {
		if !strings.HasPrefix(l, "Booking ") {
			continue
		}
		for _, b := range body[:i] {
			if f := strings.Fields(b); len(f) > 0 && strings.HasPrefix(b, "   "+f[0]) {
				return f[0]
			}
		}
		return ""
	}
	return ""
}

// wantStatus fails unless the status screen's badge shows status.
func (h *harness) wantStatus(status string) {
	h.t.Helper()
	if got := h.status(); got != status {
		h.t.Fatalf("status badge %q, want %q:\n%s", got, status, h.screen())
	}
}

// value is what the screen shows after label at the start of a line: a form
// field's value (focused or not; a choice without its ◂ ▸) or a row of the
// status screen.
func (h *harness) value(label string) string {
	h.t.Helper()
	for _, l := range h.body() {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "▸ "), "  ")
		if rest, ok := strings.CutPrefix(l, label+" "); ok {
			rest = strings.TrimSpace(rest)
			rest = strings.TrimSuffix(strings.TrimPrefix(rest, "◂ "), " ▸")
			return strings.TrimSpace(rest)
		}
	}
	h.t.Fatalf("no %q on the screen:\n%s", label, h.screen())
	return ""
}

// focused tells whether the form's cursor (▸) is on the field labelled label.
func (h *harness) focused(label string) bool {
	for _, l := range h.body() {
		if strings.HasPrefix(l, "▸ "+label+" ") {
			return true
		}
	}
	return false
}

// focus tabs through the form to the field labelled label.
func (h *harness) focus(label string) {
	h.t.Helper()
	for range 20 {
		if h.focused(label) {
			return
		}
		h.key("tab")
	}
	h.t.Fatalf("tab never reaches %q:\n%s", label, h.screen())
}

// choose focuses the choice field labelled label and changes it with → until
// it shows a value starting with want.
func (h *harness) choose(label, want string) {
	h.t.Helper()
	h.focus(label)
	for range 50 {
		if strings.HasPrefix(h.value(label), want) {
			return
		}
		h.key("right")
	}
	h.t.Fatalf("%s never offers %q:\n%s", label, want, h.screen())
}

// rows are the lines of the body that contain s, top to bottom.
func (h *harness) rows(s string) []string {
	var out []string
	for _, l := range h.body() {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// row is the first line of the body that contains s.
func (h *harness) row(s string) string {
	h.t.Helper()
	rs := h.rows(s)
	if len(rs) == 0 {
		h.t.Fatalf("no row with %q:\n%s", s, h.screen())
	}
	return rs[0]
}

// wantQuit fails unless the program asked to quit and cleared the screen.
func (h *harness) wantQuit() {
	h.t.Helper()
	if !h.quit || h.screen() != "" {
		h.t.Fatalf("did not quit:\n%s", h.screen())
	}
}

// calls are the API calls made with method whose path (with its query)
// starts with prefix.
func (h *harness) calls(method, prefix string) []api.Event {
	var out []api.Event
	for _, e := range h.events {
		if e.Method == method && strings.HasPrefix(e.Path, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// count is how many calls were made with method under prefix.
func (h *harness) count(method, prefix string) int { return len(h.calls(method, prefix)) }

// sent are the request bodies, decoded, of the calls made with method to
// exactly path (the query aside), oldest first.
func (h *harness) sent(method, path string) []map[string]any {
	h.t.Helper()
	var out []map[string]any
	for _, e := range h.events {
		if p, _, _ := strings.Cut(e.Path, "?"); e.Method != method || p != path {
			continue
		}
		var body map[string]any
		if len(e.RequestBody) > 0 {
			if err := json.Unmarshal(e.RequestBody, &body); err != nil {
				h.t.Fatalf("%s %s sent a body that is not JSON: %v\n%s", method, path, err, e.RequestBody)
			}
		}
		out = append(out, body)
	}
	return out
}

// query is the query of the last call made with method to path.
func (h *harness) query(method, path string) url.Values {
	h.t.Helper()
	for i := len(h.events) - 1; i >= 0; i-- {
		e := h.events[i]
		if p, q, _ := strings.Cut(e.Path, "?"); e.Method == method && p == path {
			v, err := url.ParseQuery(q)
			if err != nil {
				h.t.Fatalf("%s %s: %v", method, e.Path, err)
			}
			return v
		}
	}
	h.t.Fatalf("no %s %s was sent", method, path)
	return nil
}

// pushesByHand readies the program for pushedMsgs the test sends, as if
// its subscription to a gateway's events stream were open and handing
// them over (the program's own subscriber stays off).
func (h *harness) pushesByHand() {
	closed := make(chan tea.Msg)
	close(closed)
	h.app.push.on, h.app.push.ch = true, closed
}

// serve puts handler in the simulator's place for the requests that come
// next (a fault, a rewritten answer); serve(h.sim) puts the simulator back.
func (h *harness) serve(handler http.Handler) { h.handler.Store(&handler) }
