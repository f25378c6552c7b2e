package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// maxWatchFailures is how many failed looks in a row --wait takes before it
// gives up (each already retried by the client).
const maxWatchFailures = 5

// nextPoll is the TUI's poll policy for the booking as last checked at
// checked (model.NextPollWall: in the demo the reservation runs faster).
func (inv *invocation) nextPoll(b model.Booking, checked time.Time) time.Duration {
	start, end := b.Window()
	var created time.Time
	if b.CreatedAt != nil {
		created = *b.CreatedAt
	}
	return model.NextPollWall(model.PollInput{Status: b.Status, Start: start, End: end, Created: created,
		LastChecked: checked, Now: inv.now(), Headroom: inv.client().RateLimit().Headroom()}, inv.warp(b))
}

// watch polls the booking until a final status, calling changed for each
// new status. It returns the newest booking seen; errInterrupted on Ctrl-C.
func (inv *invocation) watch(b model.Booking, changed func(model.Booking)) (model.Booking, error) {
	failures := 0
	checked := inv.now()
	var wait time.Duration
	for {
		if failures == 0 {
			if wait = inv.nextPoll(b, checked); wait == 0 {
				return b, nil
			}
		}
		if err := inv.env.Sleep(inv.ctx, wait); err != nil || inv.ctx.Err() != nil {
			return b, errInterrupted
		}
		nb, err := inv.client().GetBooking(inv.ctx, b.ID)
		if err != nil {
			if inv.ctx.Err() != nil {
				return b, errInterrupted
			}
			failures++
			policy := api.DefaultRetry
			policy.Max = maxWatchFailures
			w, again := policy.Wait(failures, err)
			if !again {
				return b, err
			}
			wait = w
			inv.note(fmt.Sprintf("%s; checking again in %s", model.SanitizeLine(err.Error()), model.HumanDuration(wait)))
			continue
		}
		failures = 0
		checked = inv.now()
		fresh := inv.cleanBooking(*nb)
		moved := fresh.Status != b.Status
		b = fresh
		if moved {
			changed(b)
		}
	}
}

// watchAndReport runs --wait after the booking was printed once.
func (inv *invocation) watchAndReport(b model.Booking) int {
	if !b.Status.Terminal() {
		inv.note("watching booking " + b.ID + " until it reaches a final status (Ctrl-C stops watching; the booking stays as it is)")
	}
	moved := false
	last, err := inv.watch(b, func(nb model.Booking) {
		moved = true
		if inv.json {
			inv.emitJSON(nb, true)
		} else {
			inv.out(inv.changeLine(nb))
		}
	})
	if errors.Is(err, errInterrupted) {
		return inv.report(failure{Error: fmt.Sprintf("interrupted: stopped watching booking %s, which is %s (nothing was cancelled)",
			last.ID, last.Status), Kind: "interrupted"}, exitInterrupted, "")
	}
	if err != nil {
		return inv.fail(err)
	}
	if moved && !inv.json {
		inv.out("\n" + inv.bookingBlock(last))
	}
	return exitOK
}
