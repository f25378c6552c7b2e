package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// Behind a chargedesk gateway, status changes are pushed (api.Client.Pushed):
// while the stream is open the watchlist polls only the booking on the
// agent's screen, and every pushed copy goes where any copy goes
// (watchlist.observe). When the stream breaks the watchlist polls again
// and the subscription is retried, backing off.

type (
	pushOpenMsg struct{}
	pushedMsg   struct{ booking model.Booking }
	pushDownMsg struct{ err error }
)

// pusher is the App's subscription to the gateway's events.
type pusher struct {
	ch     chan tea.Msg
	cancel context.CancelFunc
	on     bool      // subscribed, or subscribing
	open   bool      // the stream is open
	fails  int       // drops in a row, for the backoff
	again  time.Time // no new subscription before this
}

// pushRetry is how the subscription is tried again after a drop: the
// screens' policy (2 s, 4 s, 8 s … up to 2 min), for as long as the
// program runs; meanwhile the watchlist polls.
var pushRetry = api.RetryPolicy{Base: api.DefaultRetry.Base, Cap: api.DefaultRetry.Cap}

// due tells whether to subscribe now: the client talks to a gateway, no
// subscription runs, and the backoff has passed.
func (p *pusher) due(c *api.Client, now time.Time) bool {
	return !p.on && c.ViaGateway() && !now.Before(p.again)
}

// start subscribes: one Cmd reads the stream until it breaks (then closes
// the channel and reports why), another hands its messages to Update one
// at a time.
func (p *pusher) start(c *api.Client) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan tea.Msg, 64)
	p.ch, p.cancel, p.on = ch, cancel, true
	send := func(m tea.Msg) {
		select {
		case ch <- m:
		case <-ctx.Done():
		}
	}
	run := func() tea.Msg {
		err := c.Pushed(ctx, func() { send(pushOpenMsg{}) }, func(b model.Booking) { send(pushedMsg{b}) })
		close(ch)
		return pushDownMsg{err}
	}
	return tea.Batch(run, listenPush(ch))
}

// listenPush waits for the stream's next message (nil once it is closed).
func listenPush(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return m
	}
}

// down records a broken stream and when to try again (pushRetry).
func (p *pusher) down(now time.Time) {
	p.stop() // the stream's context ends with it
	p.on, p.open = false, false
	p.fails++
	p.again = now.Add(pushRetry.Backoff(p.fails))
}

// stop ends the subscription (quitting).
func (p *pusher) stop() {
	if p.cancel != nil {
		p.cancel()
	}
}

// pushUpdate handles the pusher's messages.
func (a *App) pushUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pushOpenMsg:
		a.push.open, a.push.fails = true, 0
		a.s.setPushed(true)
		a.s.notify("changes pushed by the gateway: no background polling") // short: whole in the header at 120 columns
		return listenPush(a.push.ch)
	case pushedMsg:
		a.s.observe(msg.booking)
		return tea.Batch(listenPush(a.push.ch), a.forward(msg))
	case pushDownMsg:
		was := a.push.open
		a.push.down(a.c.Now())
		a.s.setPushed(false)
		if was {
			a.s.notify("⚠ the gateway's pushed updates stopped (" + model.SanitizeLine(msg.err.Error()) + "): polling again")
		}
	}
	return nil
}
