package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

// Minimum terminal size; below it the program shows one notice.
const (
	MinWidth  = 64
	MinHeight = 18
)

// Options configure the program.
type Options struct {
	Client *api.Client
	Clock  model.Clock
	Mode   Mode
	// Query prefills the search form (demo mode: the guide's example).
	Query *model.SearchQuery
	// PlaceText is what the place field shows for Query (e.g. "München").
	PlaceText string
	// NewExternalID makes booking references (default api.NewExternalID).
	NewExternalID func(time.Time) string
	// After replaces tea.Tick (tests: a fake timer on the test clock).
	After func(d time.Duration, msg tea.Msg) tea.Cmd
	// Warnings about the configuration (a key file others can read, say) are
	// shown when the program starts.
	Warnings []string
	// Events delivers the client's request-log events to the log pane.
	Events <-chan api.Event
	// History is what was remembered; SaveHistory persists it (nil: remembering is off).
	History     model.History
	SaveHistory func(model.History) error
}

// App is the root model.
type App struct {
	c        *Common
	events   <-chan api.Event
	beats    int // heartbeats so far (the usage meter refreshes every 10 min)
	stack    []Screen
	overlay  *overlay
	help     help.Model
	w, h     int
	quitting bool
}

type overlay struct {
	title, body string
	confirmQuit bool
	help        bool
}

// New builds the root model.
func New(o Options) *App {
	if o.Clock == nil {
		o.Clock = model.SystemClock{}
	}
	zone := model.Berlin
	if o.NewExternalID == nil {
		o.NewExternalID = api.NewExternalID
	}
	c := &Common{Styles: styles.New(true), Keys: DefaultKeyMap(), Client: o.Client, Clock: o.Clock, Mode: o.Mode, Zone: zone, NewExternalID: o.NewExternalID, After: o.After}
	c.watch = newWatchlist(c)
	c.attempts = newAttempts(c)
	if o.SaveHistory != nil {
		c.history, c.save = o.History, o.SaveHistory
	}
	a := &App{c: c, help: help.New(), events: o.Events}
	a.stack = []Screen{newSearchScreen(c, o.Query, o.PlaceText)}
	if len(o.Warnings) > 0 {
		a.overlay = &overlay{title: "Configuration warning", body: strings.Join(o.Warnings, "\n\n")}
	}
	a.applyTheme()
	return a
}

// Init asks the terminal for its background colour and starts the heartbeat.
func (a *App) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, a.heartbeat(), a.top().Init(), listenEvents(a.events), usageCmd(a.c.Client))
}

func (a *App) heartbeat() tea.Cmd { return a.c.after(time.Second, heartbeatMsg{}) }

func (a *App) top() Screen { return a.stack[len(a.stack)-1] }

func (a *App) applyTheme() {
	a.help.Styles = help.DefaultStyles(a.c.Styles.IsDark)
}

// contentSize is the area between header and footer.
func (a *App) contentSize() (int, int) {
	return a.w, max(0, a.h-3) // header and footer, and a spare last row the frame never touches
}

// Update routes messages: keys through overlays and globals to the active
// screen, sizes to every screen, everything else to the active screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		a.c.Styles = styles.New(msg.IsDark())
		a.applyTheme()
		return a, a.forward(themeChangedMsg{})
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.help.SetWidth(msg.Width)
		w, h := a.contentSize()
		for _, s := range a.stack {
			s.SetSize(w, h)
		}
		return a, nil
	case heartbeatMsg:
		a.beats++
		a.c.watch.focus = ""
		if st, ok := a.top().(*statusScreen); ok {
			a.c.watch.focus = st.id
		}
		var usage tea.Cmd
		if a.beats%600 == 0 {
			usage = usageCmd(a.c.Client) // the monthly quota moves slowly: every 10 min
		}
		return a, tea.Batch(a.heartbeat(), a.c.watch.tick(), a.c.attempts.tick(), usage, a.forward(msg))
	case logEventMsg:
		a.c.log = append(a.c.log, msg.ev)
		if !msg.ev.Time.Before(a.c.usageAt) && msg.ev.Path != "/usage" {
			a.c.spentSince++
		}
		if len(a.c.log) > maxLog {
			a.c.log = a.c.log[len(a.c.log)-maxLog:]
		}
		cmd := listenEvents(a.events)
		if _, ok := a.top().(*logScreen); ok {
			return a, tea.Batch(cmd, a.forward(msg))
		}
		return a, cmd
	case usageMsg:
		if msg.usage != nil {
			a.c.usage, a.c.usageAt, a.c.spentSince = msg.usage, a.c.Now(), 0
		}
		return a, nil
	case bookingPolledMsg:
		return a, a.c.watch.polled(msg)
	case bookingCreatedMsg:
		return a, a.attemptAnswered(msg)
	case rebookMsg:
		return a, a.rebook(msg.booking)
	case tea.KeyPressMsg:
		return a.handleKey(msg)
	case pushMsg:
		msg.s.SetSize(a.contentSize())
		a.stack = append(a.stack, msg.s)
		return a, msg.s.Init()
	case replaceMsg:
		a.closeTop()
		a.stack[len(a.stack)-1] = msg.s
		msg.s.SetSize(a.contentSize())
		return a, msg.s.Init()
	case backToMsg:
		found := false
		for _, sc := range a.stack {
			found = found || msg.match(sc)
		}
		if !found && msg.missing != "" {
			a.overlay = &overlay{title: "Not available", body: msg.missing}
			return a, nil
		}
		for len(a.stack) > 1 && !msg.match(a.top()) {
			a.pop()
		}
		if msg.then != nil {
			return a, a.forward(msg.then)
		}
		return a, nil
	case overlayMsg:
		a.overlay = &overlay{title: msg.title, body: msg.body}
		return a, nil
	}
	return a, a.forward(msg)
}

func (a *App) forward(msg tea.Msg) tea.Cmd {
	s, cmd := a.top().Update(msg)
	a.stack[len(a.stack)-1] = s
	return cmd
}

func (a *App) closeTop() {
	if c, ok := a.top().(closer); ok {
		c.Close()
	}
}

func (a *App) pop() {
	if len(a.stack) <= 1 {
		return
	}
	a.closeTop()
	a.stack = a.stack[:len(a.stack)-1]
}

func (a *App) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := a.c.Keys
	if key.Matches(msg, k.ForceQuit) {
		return a.quit()
	}
	if o := a.overlay; o != nil {
		switch {
		case o.confirmQuit && key.Matches(msg, k.Yes):
			return a.quit()
		case o.confirmQuit && key.Matches(msg, k.No):
			a.overlay = nil
		case !o.confirmQuit && key.Matches(msg, k.Dismiss):
			a.overlay = nil
		}
		return a, nil
	}
	typing := a.top().Typing()
	if key.Matches(msg, k.LogAlways) || (!typing && key.Matches(msg, k.Log)) {
		if _, open := a.top().(*logScreen); open {
			a.pop()
			return a, nil
		}
		return a, push(newLogScreen(a.c))
	}
	if key.Matches(msg, k.BookingsAlways) || (!typing && key.Matches(msg, k.Bookings)) {
		if _, already := a.top().(*bookingsScreen); !already {
			return a, push(newBookingsScreen(a.c))
		}
		return a, nil
	}
	if !typing {
		switch {
		case key.Matches(msg, k.Quit):
			if w := model.JoinNonEmpty("\n", a.c.attempts.inFlight(), a.c.watch.activeSummary()); w != "" {
				a.overlay = &overlay{confirmQuit: true, title: "Quit chargedesk?",
					body: w + "\n\nThe reservation goes on at the CPO; chargedesk only stops watching it.\n\n" +
						keyName(k.Yes) + ": quit      " + keyName(k.No) + ": stay"}
				return a, nil
			}
			return a.quit()
		case key.Matches(msg, k.Help):
			a.overlay = &overlay{help: true, title: "Keys"}
			return a, nil
		}
	}
	if key.Matches(msg, k.Back) {
		if ec, ok := a.top().(escCapturer); !ok || !ec.CapturesEsc() {
			a.pop()
			return a, nil
		}
	}
	return a, a.forward(msg)
}

func (a *App) quit() (tea.Model, tea.Cmd) {
	a.c.watch.stop()
	for len(a.stack) > 0 {
		a.closeTop()
		a.stack = a.stack[:len(a.stack)-1]
	}
	a.stack = []Screen{&emptyScreen{}}
	a.quitting = true
	return a, tea.Quit
}

// View draws header, the active screen (or an overlay above it) and the footer.
func (a *App) View() tea.View {
	v := tea.NewView(a.Render())
	v.AltScreen = true
	v.WindowTitle = "chargedesk — " + a.top().Title()
	return v
}

// Render is the frame as text (golden tests read it).
func (a *App) Render() string {
	if a.quitting {
		return ""
	}
	if a.w == 0 || a.h == 0 {
		return "chargedesk starting…"
	}
	if a.w < MinWidth || a.h < MinHeight {
		msg := fmt.Sprintf("Terminal too small: %d×%d.\nchargedesk needs at least %d×%d.\nEnlarge the window (ctrl+c quits).",
			a.w, a.h, MinWidth, MinHeight)
		return fit(msg, a.w, a.h)
	}
	w, h := a.contentSize()
	body := a.top().View()
	if a.overlay != nil {
		body = a.renderOverlay(w, h)
	}
	body = fit(body, w, h)
	if n := h - lipgloss.Height(body); n > 0 {
		body += strings.Repeat("\n", n)
	}
	return a.header() + "\n" + body + "\n" + a.footer()
}

func (a *App) header() string {
	st := a.c.Styles
	left := st.AppName.Render("chargedesk") + " "
	m := a.c.Mode
	sub := ""
	switch {
	case m.Demo:
		left += st.DemoBadge.Render("DEMO")
		sub = st.Subtle.Render(" embedded simulator, no real bookings")
	case m.Production:
		left += st.ProdBadge.Render("LIVE") + " " + st.Warning.Render(m.Host)
	default:
		left += st.LiveBadge.Render("LIVE") + " " + st.Value.Render(m.Host)
	}
	if m.Profile != "" {
		left += st.Subtle.Render(" · profile " + m.Profile)
	}
	if m.ReadOnly {
		left += " " + st.ReadOnlyTag.Render("READ-ONLY")
	}
	rate := ""
	if rl := a.c.Client.RateLimit(); rl.Known {
		txt := fmt.Sprintf("  rate %d/%d", rl.Remaining, rl.Limit)
		if rl.Headroom().Low() {
			rate = st.Warning.Render(txt + " low")
		} else {
			rate = st.Subtle.Render(txt)
		}
	}
	if u := a.c.usage; u != nil && u.Quota != nil && u.Quota.Limit > 0 {
		q := u.Quota
		txt := fmt.Sprintf(" · month %d/%d", q.Remaining, q.Limit)
		if q.Remaining*10 < q.Limit {
			rate += st.Warning.Render(txt + " low")
		} else {
			rate += st.Subtle.Render(txt)
		}
	}
	right := st.Subtle.Render(a.top().Title()) + rate
	ann := a.c.watch.announcement()
	if ann != "" {
		right = st.Marked.Render("⚑ "+ann) + " " + right
	}
	// Drop what matters least when the width runs out: the demo's subtitle,
	// then the screen's name, then the announcement; the badge and the rate
	// limit stay.
	full := left + sub
	if a.w-ansi.StringWidth(full)-ansi.StringWidth(right) < 1 {
		full = left
	}
	if a.w-ansi.StringWidth(full)-ansi.StringWidth(right) < 1 && ann != "" {
		right = st.Marked.Render("⚑ "+ann) + rate
	}
	if a.w-ansi.StringWidth(full)-ansi.StringWidth(right) < 1 {
		right = rate
	}
	gap := a.w - ansi.StringWidth(full) - ansi.StringWidth(right)
	if gap < 1 {
		return trunc(full, a.w)
	}
	return full + strings.Repeat(" ", gap) + right
}

func (a *App) footer() string {
	k := a.c.Keys
	bindings := append([]key.Binding{}, a.top().ShortHelp()...)
	if ec, ok := a.top().(escCapturer); len(a.stack) > 1 && (!ok || !ec.CapturesEsc()) {
		bindings = append(bindings, k.Back)
	}
	if !a.top().Typing() {
		bindings = append(bindings, k.Bookings, k.Help, k.Quit)
	} else {
		bindings = append(bindings, k.BookingsAlways, k.ForceQuit)
	}
	return trunc(a.help.ShortHelpView(bindings), a.w)
}

func (a *App) renderOverlay(w, h int) string {
	st := a.c.Styles
	o := a.overlay
	var body string
	if o.help {
		groups := append([][]key.Binding{}, a.top().FullHelp()...)
		k := a.c.Keys
		groups = append(groups, []key.Binding{k.Bookings, k.BookingsAlways, k.Log, k.LogAlways},
			[]key.Binding{k.Back, k.Help, k.Quit, k.ForceQuit})
		body = a.help.FullHelpView(groups) + "\n\n" + st.Subtle.Render(keyName(k.Dismiss)+" closes this help.")
	} else {
		body = o.body
		if !o.confirmQuit {
			body += "\n\n" + st.Subtle.Render(keyName(a.c.Keys.Dismiss)+" closes this message.")
		}
	}
	inner := min(w-4, 90)
	box := st.Overlay.Width(inner + 4).Render(st.Title.Render(o.title) + "\n\n" + lipgloss.NewStyle().Width(inner).Render(body))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// attemptAnswered takes the answer to a booking attempt: the form showing
// the attempt hears what it meant; with the form gone, the outcome is
// announced (a made booking is on the watchlist already).
func (a *App) attemptAnswered(msg bookingCreatedMsg) tea.Cmd {
	at, v, ok := a.c.attempts.answered(msg)
	if !ok {
		return nil
	}
	if cs, showing := a.top().(*confirmScreen); showing && cs.attempt == at {
		return a.forward(attemptAnsweredMsg{a: at, v: v, msg: msg})
	}
	ref := at.req.ExternalID
	switch v {
	case booked:
		b := msg.result.Booking
		a.c.watch.notify(fmt.Sprintf("%s booked: %s, on the watchlist (%s)", ref, b.Status, keyName(a.c.Keys.Bookings)))
		return a.c.remember("", b.CustomerID)
	case refused:
		a.c.watch.notify(ref + " was not booked: " + errText(msg.err))
	case unknown:
		a.c.watch.notify(ref + ": outcome unknown; open its charger's form again to check")
	}
	return nil
}

// themeChangedMsg tells screens to restyle their widgets.
type themeChangedMsg struct{}

// emptyScreen stands in after quitting.
type emptyScreen struct{}

func (*emptyScreen) Init() tea.Cmd                    { return nil }
func (*emptyScreen) Update(tea.Msg) (Screen, tea.Cmd) { return &emptyScreen{}, nil }
func (*emptyScreen) View() string                     { return "" }
func (*emptyScreen) SetSize(int, int)                 {}
func (*emptyScreen) ShortHelp() []key.Binding         { return nil }
func (*emptyScreen) FullHelp() [][]key.Binding        { return nil }
func (*emptyScreen) Typing() bool                     { return false }
func (*emptyScreen) Title() string                    { return "" }
