package ui

import (
	"context"
	"fmt"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// WatchShare is the part of the per-minute rate limit the watchlist may
// spend on polling; the rest stays free for what the agent does by hand.
const WatchShare = 0.5

// watched is one booking on the watchlist. Screens get a copy (view), never
// the entry itself: only the watchlist changes it.
type watched struct {
	booking     model.Booking
	loc         model.Location // known when booked in this session
	adopted     bool
	timeline    []seen
	lastChecked time.Time
	nextPoll    time.Time // zero: not polling (terminal, gone, or not active)
	inFlight    bool
	gen         int
	retry       retrier
	err         string
	gone        bool
	changed     bool // a status change the agent has not looked at yet
}

func (w *watched) active() bool {
	return !w.booking.Status.Terminal() && !w.gone
}

// watchlist polls every watched booking from one place, under one shared
// rate budget, following the model's poll policy for each. A booking is never
// polled twice at once: a poll is issued only when none is in flight, and an
// answer from an older generation (superseded by "refresh now") is dropped.
type watchlist struct {
	c       Common
	notices *notices                 // where status changes are announced
	month   func() model.MonthBudget // the month's quota as the session knows it
	items   map[string]*watched
	order   []string    // newest first
	sent    []time.Time // polls issued in the last minute (the budget window)
	paused  time.Time   // after a 429: nobody polls before this
	cancels map[string]context.CancelFunc
	known   map[string]knownCopy // the newest copy of bookings seen but not watched (a list's rows)
	gen     int                  // poll generations: an answer to an older one is dropped
	focus   string               // the booking on the agent's screen ("" none)
	pushed  bool                 // a gateway pushes status changes: only the focus is polled
}

func newWatchlist(c Common, n *notices, month func() model.MonthBudget) *watchlist {
	return &watchlist{c: c, notices: n, month: month, items: map[string]*watched{}, cancels: map[string]context.CancelFunc{}, known: map[string]knownCopy{}}
}

// track puts a booking on the list (or refreshes what is known of it).
// Terminal bookings are kept for display, not polled.
func (wl *watchlist) track(b model.Booking, loc model.Location, adopted bool) {
	if w, ok := wl.items[b.ID]; ok {
		if loc.LocationID != "" {
			w.loc = loc
		}
		if !b.OlderThan(w.booking) {
			wl.supersedePoll(w)
			wl.applyBooking(w, b, false)
		}
		return
	}
	checked := wl.c.Now()
	if k, ok := wl.known[b.ID]; ok && !k.b.OlderThan(b) {
		b, checked = k.b, k.at // the copy came from a list: as old as that answer
	}
	delete(wl.known, b.ID)
	at := wl.c.Now()
	if b.StatusUpdatedAt != nil {
		at = *b.StatusUpdatedAt
	}
	w := &watched{booking: b, loc: loc, adopted: adopted, timeline: []seen{{b.Status, at, wl.c.Now()}}, lastChecked: checked}
	wl.items[b.ID] = w
	wl.order = append([]string{b.ID}, wl.order...)
	wl.schedule(w)
}

// view is a copy of what is known of booking id; ok is false when it is
// not watched.
func (wl *watchlist) view(id string) (watched, bool) {
	w, ok := wl.items[id]
	if !ok {
		return watched{}, false
	}
	c := *w
	c.timeline = append([]seen(nil), w.timeline...)
	return c, true
}

// seen records that the agent has looked at booking id's latest change.
func (wl *watchlist) seen(id string) {
	if w, ok := wl.items[id]; ok {
		w.changed = false
	}
}

// activeSummary describes the active bookings, or "" when there are none.
func (wl *watchlist) activeSummary() string {
	switch n := wl.activeCount(); n {
	case 0:
		return ""
	case 1:
		for _, id := range wl.order {
			if w := wl.items[id]; w.active() {
				return fmt.Sprintf("Booking %s is %s.", w.booking.ExternalID, w.booking.Status)
			}
		}
	default:
		return fmt.Sprintf("%d bookings are still active.", n)
	}
	return ""
}

// activeCount is how many watched bookings are still going.
func (wl *watchlist) activeCount() int {
	n := 0
	for _, w := range wl.items {
		if w.active() {
			n++
		}
	}
	return n
}

// budget is how many polls a minute the watchlist may send.
func (wl *watchlist) budget() int {
	limit := 100
	if rl := wl.c.Client.RateLimit(); rl.Known && rl.Limit > 0 {
		limit = rl.Limit
	}
	return max(1, int(float64(limit)*WatchShare))
}

func (wl *watchlist) trim(now time.Time) {
	i := 0
	for i < len(wl.sent) && now.Sub(wl.sent[i]) >= time.Minute {
		i++
	}
	wl.sent = wl.sent[i:]
}

// delay is the poll policy's next wait for w, in wall-clock time (0: none).
// In the demo everything tied to the reservation runs faster, the CPO's
// answer does not. Background polls (not while the CPO decides, not the
// booking on screen) stretch when the month's quota is tight, and stop
// near its end so what the agent does by hand still goes through.
func (wl *watchlist) delay(w *watched) time.Duration {
	b := w.booking
	if wl.pushed && wl.focus != b.ID {
		return 0 // the gateway says when it changes
	}
	start, end := b.Window()
	created := createdAt(b)
	confirming := b.Status == model.Requested || b.Status == model.Pending
	now := wl.c.Now()
	in := model.PollInput{Status: b.Status, Start: start, End: end, Created: created, LastChecked: w.lastChecked,
		Now: now, OnScreen: wl.focus == b.ID, Headroom: wl.c.Client.RateLimit().Headroom()}
	d := model.NextPollWall(in, wl.c.Warp(created))
	if d == 0 || confirming || in.OnScreen {
		return d
	}
	budget := wl.month()
	if budget.Paused(now) {
		return 0
	}
	return time.Duration(float64(d) * budget.Stretch(now))
}

func createdAt(b model.Booking) time.Time {
	if b.CreatedAt != nil {
		return *b.CreatedAt
	}
	return time.Time{}
}

func (wl *watchlist) schedule(w *watched) {
	if !w.active() {
		w.nextPoll = time.Time{}
		return
	}
	if d := wl.delay(w); d > 0 {
		w.nextPoll = wl.c.Now().Add(d)
	} else {
		w.nextPoll = time.Time{}
	}
}

// setFocus notes the booking on the agent's screen ("" none); behind a
// gateway, that is the only one polled.
func (wl *watchlist) setFocus(id string) {
	if id == wl.focus {
		return
	}
	old := wl.focus
	wl.focus = id
	if wl.pushed {
		for _, k := range []string{old, id} {
			if w := wl.items[k]; w != nil && !w.inFlight {
				wl.schedule(w)
			}
		}
	}
}

// setPushed says whether a gateway pushes status changes; every watched
// booking is scheduled anew (polled again when the pushes stop).
func (wl *watchlist) setPushed(on bool) {
	if wl.pushed == on {
		return
	}
	wl.pushed = on
	for _, w := range wl.items {
		if !w.inFlight {
			wl.schedule(w)
		}
	}
}

// tick issues the polls that are due, most urgent first, within the budget.
func (wl *watchlist) tick() tea.Cmd {
	now := wl.c.Now()
	if now.Before(wl.paused) {
		return nil
	}
	var due []*watched
	for _, w := range wl.items {
		if w.active() && !w.inFlight && !w.nextPoll.IsZero() && !now.Before(w.nextPoll) {
			due = append(due, w)
		}
	}
	if len(due) == 0 {
		return nil
	}
	sort.Slice(due, func(i, j int) bool {
		ci, cj := confirming(due[i].booking.Status), confirming(due[j].booking.Status)
		if ci != cj {
			return ci
		}
		if !due[i].nextPoll.Equal(due[j].nextPoll) {
			return due[i].nextPoll.Before(due[j].nextPoll)
		}
		return due[i].booking.ID < due[j].booking.ID
	})
	wl.trim(now)
	left := wl.budget() - len(wl.sent)
	var cmds []tea.Cmd
	for _, w := range due {
		if left <= 0 {
			break // the rest stays due: next second, or when the window frees up
		}
		cmds = append(cmds, wl.poll(w))
		left--
	}
	return tea.Batch(cmds...)
}

func confirming(s model.Status) bool { return s == model.Requested || s == model.Pending }

// poll sends one GET for w now (also used by "refresh now").
func (wl *watchlist) poll(w *watched) tea.Cmd {
	id := w.booking.ID
	if c := wl.cancels[id]; c != nil {
		c()
	}
	ctx, cancel := context.WithCancel(context.Background())
	wl.cancels[id] = cancel
	wl.gen++
	w.gen = wl.gen
	w.inFlight = true
	wl.sent = append(wl.sent, wl.c.Now())
	return pollCmd(ctx, wl.c.Client, wl.c.Clock, id, w.gen)
}

// refresh polls w at once unless a poll is already under way.
func (wl *watchlist) refresh(id string) tea.Cmd {
	w := wl.items[id]
	if w == nil || w.inFlight || w.gone {
		return nil
	}
	w.retry.clear()
	return wl.poll(w)
}

// polled takes an answer. A 401 or 403 stops the polling of the booking
// and is returned, for the root to say what to fix.
func (wl *watchlist) polled(msg bookingPolledMsg) (refused error) {
	w := wl.items[msg.id]
	if w == nil || msg.gen != w.gen {
		return nil // an answer nobody waits for any more
	}
	w.inFlight = false
	w.lastChecked = msg.at
	if msg.err != nil {
		if isAuthFailure(msg.err) {
			w.nextPoll = time.Time{}
			w.err = "not authorised: polling stopped"
			return msg.err
		}
		switch api.KindOf(msg.err) {
		case api.KindNotFound:
			w.gone = true
			w.nextPoll = time.Time{}
			e, _ := api.AsError(msg.err)
			w.err = e.Message
			return nil
		case api.KindRateLimited:
			wait := api.RetryAfterOf(msg.err)
			if wait <= 0 {
				wait = 5 * time.Second
			}
			wl.paused = wl.c.Now().Add(wait)
		}
		if w.retry.schedule(wl.c.Now(), msg.err) {
			w.err = ""
			w.nextPoll = w.retry.at
			return nil
		}
		if w.retry.gaveUp() { // checks stop until the agent asks (r)
			w.err = w.retry.gaveUpText(keyName(wl.c.Keys.Status.Refresh))
			w.nextPoll = time.Time{}
			return nil
		}
		w.err = msg.err.Error()
		wl.schedule(w)
		return nil
	}
	w.retry.clear()
	w.err = ""
	if msg.booking.OlderThan(w.booking) {
		wl.schedule(w) // a stale copy (a lagging replica, say): keep what is newer
		return nil
	}
	wl.applyBooking(w, *msg.booking, true)
	return nil
}

// observe takes any copy of a booking the program received (a list's row,
// an answer to a cancel, a create, a gateway's push): the newest copy wins,
// wherever it came from, so no screen shows a status older than one the
// client has seen. It is an answer about the booking just now, as a poll's
// is: the booking counts as checked, and its next check is scheduled from
// here. A watched booking's change is announced as a poll's would be.
func (wl *watchlist) observe(b model.Booking) {
	if w, ok := wl.items[b.ID]; ok {
		if !b.OlderThan(w.booking) {
			wl.supersedePoll(w)
			w.lastChecked = wl.c.Now()
			wl.applyBooking(w, b, b.Status != w.booking.Status)
		}
		return
	}
	if k, ok := wl.known[b.ID]; !ok || !b.OlderThan(k.b) {
		wl.known[b.ID] = knownCopy{b: b, at: wl.c.Now()}
	}
}

// knownCopy is a booking as received, and when.
type knownCopy struct {
	b  model.Booking
	at time.Time
}

// current is the newest copy known of booking id.
func (wl *watchlist) current(id string) (model.Booking, bool) {
	if w, ok := wl.items[id]; ok {
		return w.booking, true
	}
	k, ok := wl.known[id]
	return k.b, ok
}

// staleAfter is how old a copy may be when a booking is opened before it
// is asked for again, once.
const staleAfter = 30 * time.Second

// stale tells whether the copy of booking id is too old to open without
// asking again: an active booking last checked more than staleAfter ago.
// Behind a gateway that pushes every change, no copy is: its watch checks
// the booking at each decision point and pushes what changed.
func (wl *watchlist) stale(id string) bool {
	w := wl.items[id]
	return w != nil && w.active() && !wl.pushed && wl.c.Now().Sub(w.lastChecked) > staleAfter
}

// supersedePoll drops the poll under way for w: the copy just taken is
// newer than its answer can be, which must not undo it.
func (wl *watchlist) supersedePoll(w *watched) {
	if !w.inFlight {
		return
	}
	if c := wl.cancels[w.booking.ID]; c != nil {
		c()
	}
	wl.gen++
	w.gen = wl.gen
	w.inFlight = false
}

// applyBooking records a fresh copy; a status change is announced.
func (wl *watchlist) applyBooking(w *watched, b model.Booking, announce bool) {
	if b.Status != w.booking.Status {
		at := wl.c.Now()
		if b.StatusUpdatedAt != nil {
			at = *b.StatusUpdatedAt
		}
		w.timeline = append(w.timeline, seen{b.Status, at, wl.c.Now()})
		if announce {
			w.changed = true
			ref := b.ExternalID
			if ref == "" {
				ref = b.ID
			}
			wl.notices.add(wl.c.Now(), fmt.Sprintf("%s: %s → %s", ref, w.booking.Status, b.Status), wl.focus == b.ID, b.ID)
		}
	}
	w.booking = b
	wl.schedule(w)
}

// stop cancels every poll under way (quitting).
func (wl *watchlist) stop() {
	for _, c := range wl.cancels {
		c()
	}
}

// bookedFor is an active booking of this session on the EVSE whose window
// overlaps [start, end) (any window, when start is zero).
func (wl *watchlist) bookedFor(evseUID string, start, end time.Time) (model.Booking, bool) {
	for _, id := range wl.order {
		w := wl.items[id]
		if !w.active() || w.booking.EVSEUID != evseUID {
			continue
		}
		bs, be := w.booking.Window()
		if start.IsZero() || (bs.Before(end) && start.Before(be)) {
			return w.booking, true
		}
	}
	return model.Booking{}, false
}

// held is every booking the program knows that still holds its EVSE: the
// ones it watches, and the copies it has seen of others (the bookings
// list's rows and, behind a gateway, the team's pushed bookings). Which
// window each holds is the model's rule (model.Booking.Holds).
func (wl *watchlist) held() []model.Booking {
	var out []model.Booking
	for _, id := range wl.order {
		if w := wl.items[id]; w.active() {
			out = append(out, w.booking)
		}
	}
	for _, k := range wl.known {
		if !k.b.Status.Terminal() {
			out = append(out, k.b)
		}
	}
	return out
}

// bookedAt is the session's active bookings at a location.
func (wl *watchlist) bookedAt(locationID string) []model.Booking {
	var out []model.Booking
	for _, id := range wl.order {
		if w := wl.items[id]; w.active() && w.booking.LocationID == locationID {
			out = append(out, w.booking)
		}
	}
	return out
}

// withExternalID is a booking known to this session with that reference.
func (wl *watchlist) withExternalID(ref string) (model.Booking, bool) {
	if ref == "" {
		return model.Booking{}, false
	}
	for _, w := range wl.items {
		if w.booking.ExternalID == ref {
			return w.booking, true
		}
	}
	for _, k := range wl.known {
		if k.b.ExternalID == ref {
			return k.b, true
		}
	}
	return model.Booking{}, false
}
