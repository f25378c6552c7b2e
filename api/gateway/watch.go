package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// see takes any copy of a booking the gateway received (a create's answer,
// a read, a list row, a cancel): the newest copy is kept, and a change of
// status is pushed to every subscribed agent.
func (g *Gateway) see(ctx context.Context, b model.Booking, raw []byte, at time.Time) {
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
		if by := g.booker(context.WithoutCancel(ctx), b.ID); by != "" { // the push is everyone's, whoever's request saw it
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
// the bookings that are due. When ctx ends the watch stops, and so does
// every events stream (nothing more would come: the agents' clients
// reconnect to whichever gateway they reach); then Run returns.
func (g *Gateway) Run(ctx context.Context) {
	defer g.hub.close()
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

// Resolve settles every create a stopped gateway left without an outcome:
// each is looked up by its external id, and adopted when it was made.
func (g *Gateway) Resolve(ctx context.Context) {
	pending, err := g.store.pending(ctx)
	if err != nil {
		g.log.Error("the journal cannot be read in full: the attempts named are not settled until the next start or their agent's retry",
			"err", g.redactLog(err.Error()))
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
	a, ok, err := g.store.attempt(ctx, ext)
	switch {
	case err != nil:
		g.log.Error("the journal cannot be read: the attempt is settled at the next start or its agent's retry", "external_id", ext, "err", g.redactLog(err.Error()))
		return
	case !ok || a.State != "sending":
		return // settled meanwhile
	}
	log := g.log.With("external_id", a.ExternalID, "agent", a.Agent)
	b, err := g.client.LookUpAttempt(ctx, a.Request, a.Since)
	rec := context.WithoutCancel(ctx) // an outcome found is recorded even when the gateway is stopping
	switch {
	case api.KindOf(err) == api.KindConflict:
		g.forget(rec, a.ExternalID)
		log.Info("an attempt left unsettled made no booking", "why", g.up.redact(err.Error()))
	case err != nil:
		log.Warn("an attempt left unsettled is not settled yet: it is looked up again at the next start or retry", "err", g.up.redact(err.Error()))
	case b != nil:
		raw, _ := json.Marshal(b)
		g.journalOutcome(rec, a.ExternalID, "made", http.StatusAccepted, raw)
		g.creditBooking(rec, b.ID, a.Agent)
		g.see(rec, *b, raw, g.now())
		log.Info("an attempt left unsettled was made", "booking_id", b.ID, "booking_status", string(b.Status))
	default:
		g.forget(rec, a.ExternalID)
		log.Info("an attempt left unsettled made no booking")
	}
}
