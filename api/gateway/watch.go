package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// see takes any copy of a booking the gateway received (a create's answer,
// a read, a list row, a cancel): the newest copy is kept, and a change of
// status is pushed to every subscribed agent.
func (g *Gateway) see(b model.Booking, raw []byte, at time.Time) {
	if b.ID == "" {
		return
	}
	g.mu.Lock()
	w, ok := g.watched[b.ID]
	if ok && b.OlderThan(w.booking) {
		g.mu.Unlock()
		return
	}
	changed := !ok || w.booking.Status != b.Status
	if !ok {
		w = &watched{}
		g.watched[b.ID] = w
	}
	w.booking, w.raw, w.checked = b, append([]byte(nil), raw...), at
	w.next = g.nextPoll(w)
	g.mu.Unlock()
	if changed {
		if by := g.store.booker(b.ID); by != "" {
			b.BookedBy = by
		}
		if raw, err := json.Marshal(b); err == nil {
			g.hub.publish(g.clean(raw)) // out to agents: the key taken out
		}
	}
}

// nextPoll is when the watch asks for w again: the request-economy policy
// of the client (model.NextPoll), for the whole team at once.
func (g *Gateway) nextPoll(w *watched) time.Time {
	b := w.booking
	in := model.PollInput{Status: b.Status, LastChecked: w.checked, Now: g.now()}
	if b.ReservationStart != nil && b.ReservationEnd != nil {
		in.Start, in.End = *b.ReservationStart, *b.ReservationEnd
	}
	if b.CreatedAt != nil {
		in.Created = *b.CreatedAt
	}
	d := model.NextPoll(in)
	if d == 0 {
		return time.Time{}
	}
	return g.now().Add(d)
}

// Run watches the active bookings until ctx ends: first it settles the
// creates a stopped gateway left unresolved, then once a second it polls
// the bookings that are due. It returns when ctx ends.
func (g *Gateway) Run(ctx context.Context) {
	g.Resolve(ctx)
	g.seedUsage(ctx)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.PollDue(ctx)
		}
	}
}

// seedUsage asks the API once how much of the month is spent.
func (g *Gateway) seedUsage(ctx context.Context) {
	a, err := g.up.do(ctx, Background, http.MethodGet, "/usage", "", nil)
	if err != nil || a.status != http.StatusOK {
		return
	}
	var u model.Usage
	if json.Unmarshal(a.body, &u) == nil && u.Quota != nil {
		g.budget.seedMonth(u.Quota.Used, u.Quota.Limit, g.now())
	}
}

// keepFinal is how long the watch keeps a booking in a final status, to
// answer agents' reads of it.
const keepFinal = 24 * time.Hour

// PollDue polls every watched booking whose time has come, most overdue
// first, as far as the background share of the budget allows, and forgets
// bookings final for longer than keepFinal.
func (g *Gateway) PollDue(ctx context.Context) int {
	now := g.now()
	type due struct {
		id   string
		next time.Time
	}
	var dues []due
	g.mu.Lock()
	for id, w := range g.watched {
		switch {
		case !w.next.IsZero() && !w.next.After(now):
			dues = append(dues, due{id, w.next})
		case w.next.IsZero() && now.Sub(w.checked) > keepFinal:
			delete(g.watched, id) // final long ago: an agent's read goes upstream once more
		}
	}
	g.mu.Unlock()
	sort.Slice(dues, func(i, j int) bool { return dues[i].next.Before(dues[j].next) })
	n := 0
	for _, d := range dues {
		a := g.fetch(ctx, d.id, Background)
		if a.status == http.StatusTooManyRequests && a.retryAfter != "" {
			break // the budget is kept for the agents
		}
		n++
		if a.status != http.StatusOK {
			g.mu.Lock()
			if w := g.watched[d.id]; w != nil {
				w.next = now.Add(model.PollUnknownMin) // it answers again later
			}
			g.mu.Unlock()
		}
	}
	return n
}

// NextDue is when the watch next polls a booking (zero: nothing is due
// ever again), for a caller that drives the clock.
func (g *Gateway) NextDue() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	var next time.Time
	for _, w := range g.watched {
		if !w.next.IsZero() && (next.IsZero() || w.next.Before(next)) {
			next = w.next
		}
	}
	return next
}

// Subscribe returns the status changes the gateway sees from now on, as
// the events stream sends them (each a booking as JSON), and the function
// that ends the subscription.
func (g *Gateway) Subscribe() (<-chan []byte, func()) {
	ch := g.hub.subscribe()
	return ch, func() { g.hub.unsubscribe(ch) }
}

// Resolve settles every create a stopped gateway left without an outcome:
// each is looked up by its external id, and adopted when it was made.
func (g *Gateway) Resolve(ctx context.Context) {
	pending, err := g.store.pending()
	if err != nil {
		g.cfg.Logf("gateway: the journal cannot be read: %v", err)
		return
	}
	for _, p := range pending {
		g.resolveOne(ctx, p.ExternalID)
	}
}

// resolveOne settles one attempt under its external id's lock, so that an
// agent's retry of it, arriving meanwhile, waits and then reads the outcome.
func (g *Gateway) resolveOne(ctx context.Context, ext string) {
	unlock := g.lockExternalID(ext)
	defer unlock()
	a, ok, err := g.store.attempt(ext)
	if err != nil || !ok || a.State != "sending" {
		return // settled meanwhile
	}
	b, err := g.client.LookUpAttempt(ctx, a.Request, a.Since)
	switch {
	case api.KindOf(err) == api.KindConflict:
		_ = g.store.finish(a.ExternalID, "", 0, nil)
		g.cfg.Logf("gateway: the attempt %s of %s made no booking: %s", a.ExternalID, a.Agent, g.up.redact(err.Error()))
	case err != nil:
		g.cfg.Logf("gateway: the attempt %s of %s is not settled yet (%s); it is looked up again at the next start or retry", a.ExternalID, a.Agent, g.up.redact(err.Error()))
	case b != nil:
		raw, _ := json.Marshal(b)
		_ = g.store.finish(a.ExternalID, "made", http.StatusAccepted, raw)
		_ = g.store.bookedBy(b.ID, a.Agent)
		g.see(*b, raw, g.now())
		g.cfg.Logf("gateway: the attempt %s of %s was made: booking %s, %s", a.ExternalID, a.Agent, b.ID, b.Status)
	default:
		_ = g.store.finish(a.ExternalID, "", 0, nil)
		g.cfg.Logf("gateway: the attempt %s of %s made no booking", a.ExternalID, a.Agent)
	}
}

// hub fans status changes out to the agents subscribed to the events.
type hub struct {
	mu   sync.Mutex
	subs map[chan []byte]struct{}
}

func newHub() *hub { return &hub{subs: map[chan []byte]struct{}{}} }

func (h *hub) subscribe() chan []byte {
	ch := make(chan []byte, 64)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *hub) unsubscribe(ch chan []byte) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

// publish sends one booking (as JSON) to every subscriber; one too slow to
// keep 64 events misses this one (it reads the booking when it catches up).
func (h *hub) publish(raw []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- raw:
		default:
		}
	}
}

// keepAlive is how often an idle events stream gets a comment line, so
// proxies keep it open.
const keepAlive = 15 * time.Second

// events streams status changes as server-sent events: "event: booking"
// with the booking as JSON, one per change the gateway sees.
func (g *Gateway) events(w http.ResponseWriter, r *http.Request, token string) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeBody(w, http.StatusInternalServerError, errorBody("streaming is not supported here"))
		return
	}
	ch := g.hub.subscribe()
	defer g.hub.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, ": chargedesk gateway events\n\n")
	fl.Flush()
	t := time.NewTicker(keepAlive)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case raw := <-ch:
			if _, ok := g.store.Authenticate(token); !ok {
				return // revoked while listening
			}
			if _, err := fmt.Fprintf(w, "event: booking\ndata: %s\n\n", raw); err != nil {
				return
			}
			fl.Flush()
		case <-t.C:
			if _, ok := g.store.Authenticate(token); !ok {
				return // revoked while listening
			}
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
