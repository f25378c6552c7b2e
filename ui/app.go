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
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
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
	// Problems delivers what went wrong on this machine while the program
	// runs (a log file that cannot be written), for the notices.
	Problems <-chan string
	// Pending are creates an earlier run left with an unknown outcome; they
	// are looked up at start, and Forget drops each from the journal once
	// its outcome is known.
	Pending []localstate.Attempt
	Forget  func(externalID string) error
	// Geocoder looks street addresses up online (the profile's
	// geocoder_url); nil keeps every place lookup offline.
	Geocoder *api.Geocoder
}

// App is the root model.
type App struct {
	c          *Common
	events     <-chan api.Event
	lastKey    time.Time // the agent's last key: an idle desk asks nothing
	usageAsked time.Time // when /usage was last asked
	usageRetry retrier   // while the month was never reported: the start's ask failed
	stack      []Screen
	overlay    *overlay
	help       help.Model
	pending    []localstate.Attempt
	problemCh  <-chan string
	forget     func(string) error
	push       pusher // the gateway's pushed status changes, when behind one
	w, h       int
	quitting   bool
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
	c.lang = model.ParseLang(string(o.Mode.DriverLanguage))
	c.geocoder = o.Geocoder
	c.placesReady = places.Loaded
	c.watch = newWatchlist(c)
	c.attempts = newAttempts(c)
	if o.SaveHistory != nil {
		c.history, c.save = o.History, o.SaveHistory
	}
	a := &App{c: c, help: help.New(), events: o.Events, problemCh: o.Problems, pending: o.Pending, forget: o.Forget}
	a.stack = []Screen{newSearchScreen(c, o.Query, o.PlaceText)}
	if len(o.Warnings) > 0 {
		a.overlay = &overlay{title: "Configuration warning", body: strings.Join(o.Warnings, "\n\n")}
	}
	a.applyTheme()
	return a
}

// Init asks the terminal for its background colour and starts the heartbeat.
func (a *App) Init() tea.Cmd {
	a.usageAsked = a.c.Now()
	cmds := []tea.Cmd{tea.RequestBackgroundColor, tea.RequestTerminalVersion, a.heartbeat(), a.top().Init(), listenEvents(a.events), listenProblems(a.problemCh), usageCmd(a.c.Client), preloadPlacesCmd}
	for _, p := range a.pending {
		cmds = append(cmds, resolveAttemptCmd(a.c.Client, p, a.forget))
	}
	return tea.Batch(cmds...)
}

func (a *App) heartbeat() tea.Cmd { return a.c.after(time.Second, heartbeatMsg{}) }

// When /usage is asked: at start, on the usage view, and while the agent
// is at the desk (a key in the last ten minutes) every four hours, hourly
// when the month is tight; never on a timer for an idle desk. Twenty desks
// asking hourly would spend a sixth of the month on it. Between the answers
// the header counts what this client spent.
const (
	usageEvery      = 4 * time.Hour
	usageEveryTight = time.Hour
	activeWithin    = 10 * time.Minute
)

// refreshUsage asks /usage when it is due by that rule.
func (a *App) refreshUsage() tea.Cmd {
	now := a.c.Now()
	every := usageEvery
	if b := a.c.monthBudget(); b.Stretch(now) > 1 || b.Paused(now) {
		every = usageEveryTight
	}
	if a.usageRetry.fire(now) {
		a.usageAsked = now
		return usageCmd(a.c.Client)
	}
	if a.lastKey.IsZero() || now.Sub(a.lastKey) > activeWithin || now.Sub(a.usageAsked) < every {
		return nil
	}
	a.usageAsked = now
	return usageCmd(a.c.Client)
}

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
	case tea.TerminalVersionMsg:
		a.c.clipboardOK = takesOSC52(msg.Name)
		return a, nil
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.help.SetWidth(msg.Width)
		w, h := a.contentSize()
		for _, s := range a.stack {
			s.SetSize(w, h)
		}
		return a, nil
	case heartbeatMsg:
		focus := ""
		if st, ok := a.top().(*statusScreen); ok {
			focus = st.id
		}
		a.c.watch.setFocus(focus)
		var sub tea.Cmd
		if a.push.due(a.c.Client, a.c.Now()) {
			sub = a.push.start(a.c.Client)
		}
		return a, tea.Batch(a.heartbeat(), sub, a.c.watch.tick(), a.c.attempts.tick(), a.refreshUsage(), a.forward(msg))
	case pushOpenMsg, pushedMsg, pushDownMsg:
		return a, a.pushUpdate(msg)
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
			a.usageRetry.clear()
		} else if a.c.usage == nil {
			a.usageRetry.schedule(a.c.Now(), msg.err) // no month figure at all: ask again, backing off
		}
		cmd, _ := a.c.authFailure(msg.err) // a wrong key, said at once
		if _, open := a.top().(*usageScreen); open {
			return a, tea.Batch(cmd, a.forward(msg))
		}
		return a, cmd
	case bookingPolledMsg:
		return a, a.c.watch.polled(msg)
	case bookingCreatedMsg:
		return a, a.attemptAnswered(msg)
	case problemMsg:
		if !a.c.problems[msg.text] {
			if a.c.problems == nil {
				a.c.problems = map[string]bool{}
			}
			a.c.problems[msg.text] = true
			a.c.notices.add(a.c.Now(), "⚠ "+msg.text, false, "")
		}
		return a, listenProblems(a.problemCh)
	case attemptResolvedMsg:
		a.earlierAttempt(msg)
		return a, nil
	case rebookMsg:
		return a, a.rebook(msg.booking)
	case tea.KeyPressMsg:
		a.lastKey = a.c.Now()
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
	if !typing && key.Matches(msg, k.Usage) {
		if _, open := a.top().(*usageScreen); open {
			a.pop()
			return a, nil
		}
		return a, push(newUsageScreen(a.c))
	}
	if key.Matches(msg, k.FieldHelp) {
		a.overlay = &overlay{help: true, title: "Keys"}
		return a, nil
	}
	if key.Matches(msg, k.NoticesAlways) || (!typing && key.Matches(msg, k.Notices)) {
		a.overlay = &overlay{title: "Notices", body: a.c.notices.view(a.c.Zone)}
		a.c.notices.seen()
		return a, nil
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
	a.push.stop()
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
	if m.Insecure {
		left += " " + st.ProdBadge.Render("PLAIN HTTP")
	}
	rate, month := a.budgetTexts()
	title := st.Subtle.Render(a.top().Title())
	note := ""
	if n := a.c.notices.headline(a.c.Now(), keyName(a.c.Keys.Notices)); n != "" {
		note = "⚑ " + n
	}
	// When the width runs out, drop what matters least first: the demo's
	// subtitle, the screen's name, the month's figure; a notice is cut
	// short, never dropped; the badge and the per-minute rate stay.
	fits := func(l, r string) bool { return a.w-ansi.StringWidth(l)-ansi.StringWidth(r) >= 1 }
	join := func(parts ...string) string { return model.JoinNonEmpty(" ", parts...) }
	noteR := func() string { return st.Marked.Render(note) }
	for _, try := range []struct{ l, r string }{
		{left + sub, join(noteR(), title) + rate + month},
		{left, join(noteR(), title) + rate + month},
		{left, join(noteR()) + rate + month},
		{left, join(noteR()) + rate},
	} {
		if fits(try.l, try.r) {
			return try.l + strings.Repeat(" ", a.w-ansi.StringWidth(try.l)-ansi.StringWidth(try.r)) + try.r
		}
	}
	if room := a.w - ansi.StringWidth(left) - ansi.StringWidth(rate) - 2; note != "" && room >= 10 {
		r := st.Marked.Render(trunc(note, room)) + rate
		return left + strings.Repeat(" ", max(1, a.w-ansi.StringWidth(left)-ansi.StringWidth(r))) + r
	}
	if fits(left, rate) {
		return left + strings.Repeat(" ", a.w-ansi.StringWidth(left)-ansi.StringWidth(rate)) + rate
	}
	return trunc(left, a.w)
}

// budgetTexts are the header's per-minute rate and the month's figure, in
// the warning colour when low. The month's figure is what /usage reported
// less what this client spent since: /usage is not asked on a timer.
func (a *App) budgetTexts() (rate, month string) {
	st := a.c.Styles
	if rl := a.c.Client.RateLimit(); rl.Known {
		txt := fmt.Sprintf("  rate %d/%d", rl.Remaining, rl.Limit)
		if rl.Headroom().Low() {
			rate = st.Warning.Render(txt + " low")
		} else {
			rate = st.Subtle.Render(txt)
		}
	}
	if b := a.c.monthBudget(); b.Known {
		txt := fmt.Sprintf(" · month %d/%d", b.Left(), b.Limit)
		if b.Left()*10 < b.Limit {
			month = st.Warning.Render(txt + " low")
		} else {
			month = st.Subtle.Render(txt)
		}
	}
	return rate, month
}

// footer is the active screen's keys, then back, bookings, help and quit.
// When the width runs out the screen's last keys go first: help (? or, while
// typing, f1) and quitting always stay.
func (a *App) footer() string {
	k := a.c.Keys
	screen := a.top().ShortHelp()
	var tail []key.Binding
	if ec, ok := a.top().(escCapturer); len(a.stack) > 1 && (!ok || !ec.CapturesEsc()) {
		tail = append(tail, k.Back)
	}
	if !a.top().Typing() {
		tail = append(tail, k.Bookings, k.Help, k.Quit)
	} else {
		tail = append(tail, k.BookingsAlways, k.FieldHelp, k.ForceQuit)
	}
	full := a.help
	full.SetWidth(0) // measure it whole; the help model would cut it itself
	for n := len(screen); n >= 0; n-- {
		view := full.ShortHelpView(append(append([]key.Binding{}, screen[:n]...), tail...))
		if ansi.StringWidth(view) <= a.w || n == 0 {
			return trunc(view, a.w)
		}
	}
	return ""
}

func (a *App) renderOverlay(w, h int) string {
	st := a.c.Styles
	o := a.overlay
	var body string
	if o.help {
		groups := append([][]key.Binding{}, a.top().FullHelp()...)
		k := a.c.Keys
		groups = append(groups, []key.Binding{k.Bookings, k.BookingsAlways, k.Log, k.LogAlways, k.Notices, k.NoticesAlways, k.Usage},
			[]key.Binding{k.Back, k.Help, k.FieldHelp, k.Quit, k.ForceQuit})
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

// earlierAttempt says what became of a create an earlier run left unknown;
// a booking it made goes on the watchlist.
func (a *App) earlierAttempt(msg attemptResolvedMsg) {
	what := fmt.Sprintf("an attempt from %s (%s)", msg.a.When().In(a.c.Zone).Format("Mon 15:04"), msg.a.ExternalID)
	switch {
	case msg.booking != nil:
		a.c.watch.track(*msg.booking, model.Location{}, true)
		a.c.watch.notify(fmt.Sprintf("%s was made: %s, now on your watchlist", what, msg.booking.Status))
	case msg.err != nil && api.KindOf(msg.err) != api.KindConflict:
		a.c.watch.notify(what + " could not be checked: " + errText(msg.err))
	default:
		a.c.watch.notify(what + " made no booking")
	}
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
