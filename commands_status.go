package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

func statusCommand() *command {
	return &command{
		name:     "status",
		synopsis: "status ID [--wait]",
		summary:  "show a booking; --wait watches it to its final status",
		about: `Shows one booking: its status and what to tell the driver, the CPO's reference, the
window in Berlin time, the token and the price.
--wait polls until the booking reaches a final status (COMPLETED, CANCELLED, EXPIRED or
NO_SHOW) with the TUI's poll policy: every 5 s while the CPO decides, rarely while a
confirmed reservation is far off, every 15 s near its start, once a minute while
attending, slower when the rate-limit budget runs low. Each status change is printed as
it happens (a line; with --json one booking object per line), then the final booking.
It exits 0 at any final status — read which from the output. A failed look (429,
network, 5xx) is retried (honouring Retry-After); after 5 in a row it exits with that
failure's code. Ctrl-C stops watching (exit 130) and leaves the booking as it is.`,
		setup: setupStatus,
	}
}

func setupStatus(fs *flag.FlagSet) func(c *cli, args []string) int {
	wait := fs.Bool("wait", false, "poll until the booking reaches a final status, printing each change")
	return func(c *cli, args []string) int {
		id, code, ok := c.bookingID(args)
		if !ok {
			return code
		}
		if code := c.connect(); code >= 0 {
			return code
		}
		nb, err := c.client.GetBooking(c.ctx, id)
		if err != nil {
			return c.fail(err)
		}
		b := c.cleanBooking(*nb)
		if c.json {
			c.emitJSON(b, *wait)
		} else {
			c.out(c.bookingBlock(b))
		}
		if !*wait {
			return exitOK
		}
		return c.watchAndReport(b)
	}
}

func cancelCommand() *command {
	return &command{
		name:     "cancel",
		synopsis: `cancel ID [--reason "..."]`,
		summary:  "cancel a booking",
		about: `Cancels a booking. Free while it is REQUESTED or PENDING; once CONFIRMED the CPO may
charge a fee (shown as its price). ATTENDING, COMPLETED, EXPIRED, NO_SHOW and CANCELLED
bookings cannot be cancelled (the API answers 400: exit 3). A cancel whose answer is
lost is checked by reading the booking, never sent blindly again.`,
		setup: setupCancel,
	}
}

func setupCancel(fs *flag.FlagSet) func(c *cli, args []string) int {
	reason := fs.String("reason", "", "the `TEXT` passed to the CPO (default: the API's \"Cancelled by client\")")
	return func(c *cli, args []string) int {
		id, code, ok := c.bookingID(args)
		if !ok {
			return code
		}
		if code := c.connect(); code >= 0 {
			return code
		}
		nb, err := c.client.CancelBooking(c.ctx, id, strings.TrimSpace(*reason))
		if err != nil {
			return c.fail(err)
		}
		b := c.cleanBooking(*nb)
		if c.json {
			c.emitJSON(b, false)
			return exitOK
		}
		c.out(c.bookingBlock(b))
		switch {
		case b.Status != model.Cancelled:
		case b.ClientPrice != nil && *b.ClientPrice > 0:
			c.out(fmt.Sprintf("\nCancelled. The CPO charges a cancellation fee of %s.\n", model.FormatPrice(*b.ClientPrice, b.ClientPriceCurrency)))
		default:
			c.out("\nCancelled, free of charge.\n")
		}
		return exitOK
	}
}

// bookingID takes the one positional argument of status and cancel.
func (c *cli) bookingID(args []string) (string, int, bool) {
	switch {
	case len(args) == 0:
		return "", c.usageError("the booking ID is missing: chargedesk " + c.name + " ID"), false
	case len(args) > 1:
		return "", c.usageError(fmt.Sprintf("one booking ID, please; unexpected %q", model.SanitizeLine(args[1]))), false
	case strings.TrimSpace(args[0]) == "":
		return "", c.usageError("the booking ID is empty"), false
	}
	return strings.TrimSpace(args[0]), 0, true
}

// maxWatchFailures is how many failed looks in a row --wait takes before it
// gives up (each already retried by the client).
const maxWatchFailures = 5

// nextPoll is the TUI's poll delay: model.NextPoll of the booking's status and
// window at now with the client's rate-limit headroom; in the demo the
// reservation's lifecycle runs faster, so those waits shrink too.
func (c *cli) nextPoll(b model.Booking) time.Duration {
	start, end := b.Window()
	w := c.warp(b)
	d := model.NextPoll(b.Status, start, end, w.Now(c.now()), c.client.RateLimit().Headroom())
	if d == 0 {
		return 0
	}
	if w.Active() && b.Status != model.Requested && b.Status != model.Pending {
		d = max(w.Real(d), 3*time.Second)
	}
	return d
}

// watch polls the booking until a final status, calling changed for each
// new status. It returns the newest booking seen; errInterrupted on Ctrl-C.
func (c *cli) watch(b model.Booking, changed func(model.Booking)) (model.Booking, error) {
	failures := 0
	var wait time.Duration
	for {
		if failures == 0 {
			wait = c.nextPoll(b)
			if wait == 0 {
				return b, nil
			}
		}
		if err := commandSleep(c.ctx, wait); err != nil || c.ctx.Err() != nil {
			return b, errInterrupted
		}
		nb, err := c.client.GetBooking(c.ctx, b.ID)
		if err != nil {
			if c.ctx.Err() != nil {
				return b, errInterrupted
			}
			e, ok := api.AsError(err)
			if !ok || !e.Retryable() {
				return b, err
			}
			failures++
			if failures > maxWatchFailures {
				return b, err
			}
			wait = api.Backoff(failures)
			if e.Kind == api.KindRateLimited && e.RetryAfter > 0 {
				wait = e.RetryAfter
			}
			c.note(fmt.Sprintf("%s; checking again in %s", model.SanitizeLine(e.Error()), model.HumanDuration(wait)))
			continue
		}
		failures = 0
		fresh := c.cleanBooking(*nb)
		moved := fresh.Status != b.Status
		b = fresh
		if moved {
			changed(b)
		}
	}
}

// watchAndReport runs --wait after the booking was printed once.
func (c *cli) watchAndReport(b model.Booking) int {
	if !b.Status.Terminal() {
		c.note("watching booking " + b.ID + " until it reaches a final status (Ctrl-C stops watching; the booking stays as it is)")
	}
	moved := false
	last, err := c.watch(b, func(nb model.Booking) {
		moved = true
		if c.json {
			c.emitJSON(nb, true)
		} else {
			c.out(c.changeLine(nb))
		}
	})
	if errors.Is(err, errInterrupted) {
		return c.report(failure{Error: fmt.Sprintf("interrupted: stopped watching booking %s, which is %s (nothing was cancelled)",
			last.ID, last.Status), Kind: "interrupted"}, exitInterrupted, "")
	}
	if err != nil {
		return c.fail(err)
	}
	if moved && !c.json {
		c.out("\n" + c.bookingBlock(last))
	}
	return exitOK
}
