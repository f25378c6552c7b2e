package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
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
	// InTmux says chargedesk runs inside tmux ($TMUX is set), TmuxPane in
	// which pane ($TMUX_PANE): a copy then goes through tmux's
	// passthrough, and tmux is asked whether it lets copies through.
	InTmux   bool
	TmuxPane string
}

// App is the root model: the read-only Common, the session (what this run
// knows), the stack of screens and the stack of dialogs above them.
type App struct {
	c         Common
	s         *session
	dialogs   *dialogStack
	stack     []Screen
	help      help.Model
	events    <-chan api.Event
	problemCh <-chan string
	pending   []localstate.Attempt
	forget    func(string) error
	push      pusher // the gateway's pushed status changes, when behind one
	inTmux    bool   // it runs inside tmux
	tmuxPane  string // in this pane ("" tmux's current one)
	said      string // the status line: why the last key did nothing ("" none)
	w, h      int
	quitting  bool
	// query and place are the profile's search, which every new call's
	// form starts from (demo: the guide's example; live: an empty form).
	query *model.SearchQuery
	place string
}

// New builds the root model.
func New(o Options) *App {
	if o.Clock == nil {
		o.Clock = model.SystemClock{}
	}
	if o.NewExternalID == nil {
		o.NewExternalID = api.NewExternalID
	}
	c := Common{Styles: styles.New(true), Keys: DefaultKeyMap(), Client: o.Client, Clock: o.Clock, Mode: o.Mode, Zone: model.Berlin, NewExternalID: o.NewExternalID, After: o.After}
	a := &App{c: c, s: newSession(c, o), dialogs: &dialogStack{}, help: help.New(), events: o.Events, problemCh: o.Problems, pending: o.Pending, forget: o.Forget,
		inTmux: o.InTmux, tmuxPane: o.TmuxPane, query: o.Query, place: o.PlaceText}
	a.help.Styles = c.Styles.Help
	a.stack = []Screen{newSearchScreen(c, a.s, a.dialogs, o.Query, o.PlaceText)}
	if len(o.Warnings) > 0 {
		a.dialogs.open(newTextBox(c, "Configuration warning", strings.Join(o.Warnings, "\n\n")))
	}
	return a
}

// Init asks the terminal for its background colour and starts the heartbeat.
func (a *App) Init() tea.Cmd {
	a.s.askedUsage(a.c.Now())
	cmds := []tea.Cmd{tea.RequestBackgroundColor, tea.RequestTerminalVersion, a.heartbeat(), a.top().Init(), listenEvents(a.events), listenProblems(a.problemCh), usageCmd(a.c.Client), preloadPlacesCmd}
	for _, p := range a.pending {
		cmds = append(cmds, resolveAttemptCmd(a.c.Client, p, a.forget))
	}
	if a.inTmux {
		cmds = append(cmds, askTmux(a.tmuxPane))
	}
	return tea.Batch(cmds...)
}

func (a *App) heartbeat() tea.Cmd { return a.c.after(time.Second, heartbeatMsg{}) }

func (a *App) top() Screen { return a.stack[len(a.stack)-1] }

// contentSize is the area between header and footer.
func (a *App) contentSize() (int, int) {
	return a.w, max(0, a.h-3) // header and footer, and a spare last row the frame never touches
}

// Update routes each family of messages to its owner: input through the
// dialogs and the global keys to the screen on top; the terminal's size
// and theme to every screen and dialog; navigation to the root's stack
// (navigate); what the session owns to the session (sessionUpdate); the
// rest to the dialogs and the screen on top (deliver). Every API answer
// also carries the rate-limit headers the header shows.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r, ok := msg.(rated); ok {
		a.s.sawRate(r.rateSeen())
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	case tea.PasteMsg:
		if e, ok := a.dialogs.front(a.top()); ok {
			if cmd, taken := a.give(e, msg); taken {
				return a, cmd
			}
		}
		return a, a.forward(msg)
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
		return a, nil
	case tea.BackgroundColorMsg:
		return a, a.restyle(msg.IsDark())
	case tea.TerminalVersionMsg:
		a.s.sawTerminal(msg.Name)
		return a, nil
	case tmuxClipboardMsg:
		a.s.sawTmux(msg)
		return a, nil
	case heartbeatMsg:
		return a, a.beat()
	case refusedMsg:
		a.said = msg.why
		return a, nil
	}
	if cmd, ok := a.navigate(msg); ok {
		return a, cmd
	}
	if cmd, ok := a.sessionUpdate(msg); ok {
		return a, cmd
	}
	return a, a.deliver(msg)
}

// resize gives every screen and dialog the content area.
func (a *App) resize(w, h int) {
	a.w, a.h = w, h
	a.help.SetWidth(w)
	cw, ch := a.contentSize()
	for _, s := range a.stack {
		s.SetSize(cw, ch)
	}
	a.dialogs.resize(cw, ch)
}

// restyle builds the styles for the terminal's background and hands every
// screen and dialog the new Common.
func (a *App) restyle(dark bool) tea.Cmd {
	a.c.Styles = styles.New(dark)
	a.help.Styles = a.c.Styles.Help
	msg := themeChangedMsg{c: a.c}
	cmds := make([]tea.Cmd, 0, len(a.stack)+1)
	for i, s := range a.stack {
		ns, cmd := s.Update(msg)
		a.stack[i] = ns
		cmds = append(cmds, cmd)
	}
	return tea.Batch(append(cmds, a.toDialogs(msg))...)
}

// beat is the heartbeat: the booking on screen gets the watchlist's focus,
// the gateway's pushes are subscribed to when due, the session sends what
// fell due, /usage is asked when due, and the screen counts down.
func (a *App) beat() tea.Cmd {
	focus := ""
	if st, ok := a.top().(*statusScreen); ok {
		focus = st.id
	}
	a.s.setFocus(focus)
	var sub tea.Cmd
	if a.push.due(a.c.Client, a.c.Now()) {
		sub = a.push.start(a.c.Client)
	}
	return tea.Batch(a.heartbeat(), sub, a.s.tick(), a.refreshUsage(), a.deliver(heartbeatMsg{}))
}

// refreshUsage asks /usage when the session says it is due.
func (a *App) refreshUsage() tea.Cmd {
	if !a.s.usageDue(a.c.Now()) {
		return nil
	}
	return usageCmd(a.c.Client)
}

// sessionUpdate takes the messages whose owner is the session: the request
// log, /usage, problems, the watchlist's polls, the attempts' answers, an
// earlier run's attempts and the gateway's pushes. ok is false for any
// other message.
func (a *App) sessionUpdate(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case logEventMsg:
		a.s.logged(msg.ev)
		if _, open := a.top().(*logScreen); open {
			return tea.Batch(listenEvents(a.events), a.forward(msg)), true
		}
		return listenEvents(a.events), true
	case usageMsg:
		a.s.usageAnswered(a.c.Now(), msg.usage, msg.err)
		authFailure(a.c, a.dialogs, msg.err) // a wrong key, said at once
		if _, open := a.top().(*usageScreen); open {
			return a.forward(msg), true
		}
		return nil, true
	case problemMsg:
		a.s.problem(msg.text)
		return listenProblems(a.problemCh), true
	case bookingPolledMsg:
		if refused := a.s.polled(msg); refused != nil {
			authFailure(a.c, a.dialogs, refused)
		}
		return nil, true
	case bookingCreatedMsg:
		return a.attemptAnswered(msg), true
	case attemptResolvedMsg:
		a.earlierAttempt(msg)
		return nil, true
	case pushOpenMsg, pushedMsg, pushDownMsg:
		return a.pushUpdate(msg), true
	}
	return nil, false
}

// deliver gives a message that is not input to every dialog (an answer one
// waits for), then to the screen on top.
func (a *App) deliver(msg tea.Msg) tea.Cmd {
	cmd := a.toDialogs(msg)
	return tea.Batch(cmd, a.forward(msg))
}

func (a *App) toDialogs(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, e := range a.dialogs.all() {
		cmd, act := e.d.Update(msg)
		cmds = append(cmds, a.dialogDid(e, cmd, act))
	}
	return tea.Batch(cmds...)
}

// give gives input (a key, a paste) to the dialog in front; taken is
// false when it leaves the input to the screen.
func (a *App) give(e stacked, msg tea.Msg) (cmd tea.Cmd, taken bool) {
	cmd, act := e.d.Update(msg)
	return a.dialogDid(e, cmd, act), !act.pass
}

// dialogDid does what a dialog asked for.
func (a *App) dialogDid(e stacked, cmd tea.Cmd, act dialogAction) tea.Cmd {
	if act.close {
		a.dialogs.remove(e.d)
	}
	if act.quit {
		return a.quit()
	}
	if act.tell != nil && e.on != nil {
		return tea.Batch(cmd, a.tell(e.on, act.tell))
	}
	return cmd
}

// tell delivers msg to screen s, wherever it is in the stack.
func (a *App) tell(s Screen, msg tea.Msg) tea.Cmd {
	for i, sc := range a.stack {
		if sc == s {
			ns, cmd := sc.Update(msg)
			a.stack[i] = ns
			return cmd
		}
	}
	return nil
}

func (a *App) forward(msg tea.Msg) tea.Cmd {
	s, cmd := a.top().Update(msg)
	a.stack[len(a.stack)-1] = s
	return cmd
}

// pushScreen puts s on top of the stack.
func (a *App) pushScreen(s Screen) tea.Cmd {
	s.SetSize(a.contentSize())
	a.stack = append(a.stack, s)
	return s.Init()
}

// replaceTop puts s in place of the screen on top.
func (a *App) replaceTop(s Screen) tea.Cmd {
	a.closeTop()
	a.stack[len(a.stack)-1] = s
	s.SetSize(a.contentSize())
	return s.Init()
}

// closeTop stops the work of the screen on top, which leaves the stack,
// and closes the dialogs docked on it.
func (a *App) closeTop() {
	if c, ok := a.top().(closer); ok {
		c.Close()
	}
	a.dialogs.leave(a.top())
}

func (a *App) pop() {
	if len(a.stack) <= 1 {
		return
	}
	a.closeTop()
	a.stack = a.stack[:len(a.stack)-1]
}

func (a *App) quit() tea.Cmd {
	a.s.stopWatching()
	a.push.stop()
	for len(a.stack) > 0 {
		a.closeTop()
		a.stack = a.stack[:len(a.stack)-1]
	}
	a.stack = []Screen{&emptyScreen{}}
	a.quitting = true
	return tea.Quit
}

// View draws header, the active screen (or a dialog above it) and the footer.
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
	foot := a.footer()
	if a.said != "" { // the status line, wrapped: the body gives way
		lines := wrap("✗ "+a.said, w, 3)
		for i, l := range lines {
			lines[i] = a.c.Styles.Warning.Render(l)
		}
		foot = strings.Join(lines, "\n")
		h -= len(lines) - 1
	}
	body := fit(a.content(), w, h)
	if n := h - lipgloss.Height(body); n > 0 {
		body += strings.Repeat("\n", n)
	}
	return a.header() + "\n" + body + "\n" + foot
}

// content is what shows between header and footer: the screen on top, a
// box in front of it, or a dialog docked on it under its heading.
func (a *App) content() string {
	e, ok := a.dialogs.front(a.top())
	switch {
	case !ok:
		return a.top().View()
	case e.on == nil:
		return e.d.View()
	}
	return e.on.Heading() + e.d.View()
}

// attemptAnswered takes the answer to a booking attempt: the form showing
// the attempt hears what it meant; with the form gone, the outcome is
// announced (a made booking is on the watchlist already).
func (a *App) attemptAnswered(msg bookingCreatedMsg) tea.Cmd {
	at, v, ok := a.s.attemptAnswered(msg)
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
		a.s.notify(fmt.Sprintf("%s booked: %s, on the watchlist (%s)", ref, b.Status, keyName(a.c.Keys.Bookings)))
		return a.s.remember("", b.CustomerID)
	case refused:
		a.s.notify(ref + " was not booked: " + errText(msg.err))
	case unknown:
		a.s.notify(ref + ": outcome unknown; open its charger's form again to check")
	}
	return nil
}

// earlierAttempt says what became of a create an earlier run left unknown;
// a booking it made goes on the watchlist.
func (a *App) earlierAttempt(msg attemptResolvedMsg) {
	what := fmt.Sprintf("an attempt from %s (%s)", msg.a.When().In(a.c.Zone).Format("Mon 15:04"), msg.a.ExternalID)
	switch {
	case msg.booking != nil:
		a.s.track(*msg.booking, model.Location{}, true)
		a.s.notify(fmt.Sprintf("%s was made: %s, now on your watchlist", what, msg.booking.Status))
	case msg.err != nil && api.KindOf(msg.err) != api.KindConflict:
		a.s.notify(what + " could not be checked: " + errText(msg.err))
	default:
		a.s.notify(what + " made no booking")
	}
}

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
