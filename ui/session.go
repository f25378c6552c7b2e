package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// session is what this run of the program knows: the watchlist, the
// booking attempts under way, the notices, the request log and the
// account's budget (budget.go), the remembered places and customers, the
// request ids, the problems said already, the driver message's language
// and what the terminal and the profile allow (clipboard, geocoder).
//
// Its fields are unexported and its methods are the only way in. The root
// holds the one session of the program; a screen or dialog holds only the
// small interface it uses (searchDesk, statusDesk, cancelDesk, …), which
// *session satisfies, so the compiler keeps it to those methods: the
// watchlist, for one, is reached only through them. Nothing of it is
// process-global: two programs in one process (two SSH sessions of the
// gateway) never share one.
type session struct {
	c        Common
	watch    *watchlist // every booking watched this session
	attempts *attempts  // booking attempts under way, whichever screen is open
	notices  notices    // what happened off screen, none lost
	req      int        // request ids, unique across screens
	callLog  calls      // the call under way and the ones before (calls.go)

	// history is what is remembered between runs; save persists it (nil: off).
	history model.History
	save    func(model.History) error

	problems  map[string]bool // said already
	language  model.Lang      // the driver message's language now
	clip      clipboard       // how a copy reaches the clipboard
	geo       *api.Geocoder   // street addresses online; nil: offline only
	gazetteer func() bool     // whether the place list is decoded (places.Loaded; tests see the screens before it is)

	requests // the request log, the rate and the month (budget.go)
}

func newSession(c Common, o Options) *session {
	s := &session{c: c, language: model.ParseLang(string(o.Mode.DriverLanguage)), geo: o.Geocoder, gazetteer: places.Loaded,
		clip: clipboard{tmux: o.InTmux}}
	if o.SaveHistory != nil {
		s.history, s.save = o.History, o.SaveHistory
	}
	s.watch = newWatchlist(c, &s.notices, s.monthBudget)
	s.attempts = newAttempts(c, s.nextReq, s.watch)
	return s
}

// nextReq returns a fresh request id.
func (s *session) nextReq() int { s.req++; return s.req }

// remember records a place or a customer id and returns the command that
// saves the history (nil when remembering is off).
func (s *session) remember(place, customer string) tea.Cmd {
	if s.save == nil {
		return nil
	}
	s.history.AddPlace(place)
	s.history.AddCustomer(customer)
	h := model.History{Places: s.recentPlaces(), Customers: s.recentCustomers()}
	save := s.save
	return func() tea.Msg {
		if err := save(h); err != nil { // forgetting a place is no reason to stop, but it is said once
			return problemMsg{"recent places and customers could not be saved: " + err.Error()}
		}
		return nil
	}
}

// recentPlaces are the places searched lately, newest first.
func (s *session) recentPlaces() []string { return append([]string(nil), s.history.Places...) }

// recentCustomers are the customer ids booked for lately, newest first.
func (s *session) recentCustomers() []string {
	return append([]string(nil), s.history.Customers...)
}

// problemMsg is something that went wrong on this machine (a full disk):
// said once, in the notices, since stderr is hidden while the TUI runs.
type problemMsg struct{ text string }

// problem says a problem in the notices, once.
func (s *session) problem(text string) {
	if s.problems[text] {
		return
	}
	if s.problems == nil {
		s.problems = map[string]bool{}
	}
	s.problems[text] = true
	s.notices.add(s.c.Now(), "⚠ "+text, false, "")
}

// lang is the driver message's language now; switchLang turns to the other.
func (s *session) lang() model.Lang { return s.language }
func (s *session) switchLang()      { s.language = s.language.Other() }

// sawTerminal records what the terminal's XTVERSION answer tells of
// copies: whether it takes OSC 52, and whether it is tmux.
func (s *session) sawTerminal(version string) {
	s.clip.terminal = takesOSC52(version)
	s.clip.tmux = s.clip.tmux || strings.HasPrefix(strings.ToLower(version), "tmux")
}

// sawTmux records what tmux said of the options that let a copy through.
func (s *session) sawTmux(m tmuxClipboardMsg) { s.clip.pass, s.clip.set = m.pass, m.set }

// copyText copies text to the clipboard (OSC 52, through tmux when inside
// it) and says whether it is known to have got there.
func (s *session) copyText(text string) (tea.Cmd, string) { return s.clip.copy(text), s.clip.note() }

// geocoder looks street addresses up online (nil: offline only).
func (s *session) geocoder() *api.Geocoder { return s.geo }

// placesReady tells whether the place list is decoded.
func (s *session) placesReady() bool { return s.gazetteer() }

// notify announces something that happened off screen.
func (s *session) notify(text string) { s.notices.add(s.c.Now(), text, false, "") }

// noticeHeadline is what the header says of the notices (key names the
// list's key), or "".
func (s *session) noticeHeadline(now time.Time, key string) (full, count, tiny string) {
	return s.notices.headline(now, key)
}

// readNotices is the list of notices, newest first; reading it marks them seen.
func (s *session) readNotices(zone *time.Location) string {
	v := s.notices.view(zone)
	s.notices.seen()
	return v
}

// The watchlist, through its methods only (watch.go says what each does).

func (s *session) track(b model.Booking, loc model.Location, adopted bool) {
	s.watch.track(b, loc, adopted)
}
func (s *session) watching(id string) (watched, bool)         { return s.watch.view(id) }
func (s *session) current(id string) (model.Booking, bool)    { return s.watch.current(id) }
func (s *session) seen(id string)                             { s.watch.seen(id) }
func (s *session) stale(id string) bool                       { return s.watch.stale(id) }
func (s *session) refresh(id string) tea.Cmd                  { return s.watch.refresh(id) }
func (s *session) observe(b model.Booking)                    { s.watch.observe(b) }
func (s *session) bookedAt(locationID string) []model.Booking { return s.watch.bookedAt(locationID) }
func (s *session) held() []model.Booking                      { return s.watch.held() }
func (s *session) activeCount() int                           { return s.watch.activeCount() }
func (s *session) bookedFor(evseUID string, start, end time.Time) (model.Booking, bool) {
	return s.watch.bookedFor(evseUID, start, end)
}
func (s *session) withExternalID(ref string) (model.Booking, bool) {
	return s.watch.withExternalID(ref)
}

// cancelled takes a booking the agent has just cancelled: its copy wins,
// and nothing unseen of it is announced any more (it stays listed).
func (s *session) cancelled(b model.Booking) {
	s.watch.observe(b)
	s.notices.settle(b.ID)
}

// setFocus notes the booking on the agent's screen ("" none).
func (s *session) setFocus(id string) { s.watch.setFocus(id) }

// setPushed says whether a gateway pushes status changes.
func (s *session) setPushed(on bool) { s.watch.setPushed(on) }

// polled takes a poll's answer; a 401 or 403 that stopped the polling is
// returned, for the root to say what to fix.
func (s *session) polled(msg bookingPolledMsg) (refused error) { return s.watch.polled(msg) }

// stopWatching cancels every poll under way (quitting).
func (s *session) stopWatching() { s.watch.stop() }

// The calls, through their methods only (calls.go).

func (s *session) currentCall() (model.Call, bool) { return s.callLog.now() }
func (s *session) searched(in model.SearchInput, need model.Need, token model.Booking) {
	s.callLog.searched(in, need, token)
}
func (s *session) typedToken(t model.Booking)       { s.callLog.typedToken(t) }
func (s *session) callBooked(id string)             { s.callLog.booked(id) }
func (s *session) endCall()                         { s.callLog.end() }
func (s *session) pastCall(i int) (model.Call, int) { return s.callLog.back(i) }

// The booking attempts, through their methods only (attempts.go).

func (s *session) attemptFor(evseUID string) *attempt { return s.attempts.open(evseUID) }
func (s *session) startAttempt(a *attempt, loc model.Location, evse model.EVSE) *attempt {
	return s.attempts.start(a, loc, evse)
}
func (s *session) submitAttempt(a *attempt, r model.BookingRequest) tea.Cmd {
	return s.attempts.submit(a, r)
}
func (s *session) recheckAttempt(a *attempt) tea.Cmd { return s.attempts.recheck(a) }

// attemptAnswered takes the answer to an attempt's request (a made booking
// goes on the watchlist): which attempt, and what the answer meant.
func (s *session) attemptAnswered(msg bookingCreatedMsg) (*attempt, verdict, bool) {
	return s.attempts.answered(msg)
}

// tick sends what fell due: the watchlist's polls, then the attempts' retries.
func (s *session) tick() tea.Cmd { return tea.Batch(s.watch.tick(), s.attempts.tick()) }

// stillGoing says what quitting would leave behind (attempts whose outcome
// is not known, active bookings), or "".
func (s *session) stillGoing() string {
	return model.JoinNonEmpty("\n", s.attempts.inFlight(), s.watch.activeSummary())
}
