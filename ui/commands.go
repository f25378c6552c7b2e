package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
)

// API answers. Each carries the request id (or poll generation) it answers,
// so a screen drops answers it no longer waits for, and the rate-limit
// headers the client saw last (rateAfter), which the header shows.
type (
	searchDoneMsg struct {
		req   int
		query model.SearchQuery
		resp  *model.SearchResponse
		err   error
		rateAfter
	}
	bookingCreatedMsg struct {
		req    int
		result *api.CreateResult
		err    error
		rateAfter
	}
	bookingPolledMsg struct {
		id      string
		gen     int
		booking *model.Booking
		err     error
		at      time.Time
		rateAfter
	}
	bookingCancelledMsg struct {
		req     int
		booking *model.Booking
		err     error
		rateAfter
	}
)

// rated is an API answer: it carries the rate-limit headers the client had
// seen when it came, so the header follows the answers without asking the
// client (the request log's events carry them too).
type rated interface{ rateSeen() api.RateLimit }

// rateAfter is the client's rate-limit state as a command left it.
type rateAfter struct{ rate api.RateLimit }

func (r rateAfter) rateSeen() api.RateLimit { return r.rate }

// searchCmd runs a search; the answer's text is sanitised here, off the UI path.
func searchCmd(ctx context.Context, c *api.Client, req int, q model.SearchQuery) tea.Cmd {
	return func() tea.Msg {
		resp, err := c.Search(ctx, q)
		if resp != nil {
			for i := range resp.Results {
				resp.Results[i] = model.SanitizeLocation(resp.Results[i])
			}
		}
		return searchDoneMsg{req: req, query: q, resp: resp, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

// sanitized returns a copy of b with its server text made safe (nil stays nil).
func sanitized(b *model.Booking) *model.Booking {
	if b == nil {
		return nil
	}
	s := model.SanitizeBooking(*b)
	return &s
}

func createCmd(ctx context.Context, c *api.Client, req int, br model.BookingRequest) tea.Cmd {
	return func() tea.Msg {
		res, err := c.CreateBooking(ctx, br)
		if res != nil {
			res.Booking = sanitized(res.Booking)
		}
		return bookingCreatedMsg{req: req, result: res, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

// resumeCmd retries a create safely: look the external id up, create only on
// confirmed absence.
func resumeCmd(ctx context.Context, c *api.Client, req int, br model.BookingRequest, since time.Time) tea.Cmd {
	return func() tea.Msg {
		res, err := c.ResumeCreate(ctx, br, since)
		if res != nil {
			res.Booking = sanitized(res.Booking)
		}
		return bookingCreatedMsg{req: req, result: res, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

func pollCmd(ctx context.Context, c *api.Client, clock model.Clock, id string, gen int) tea.Cmd {
	return func() tea.Msg {
		b, err := c.GetBooking(ctx, id)
		return bookingPolledMsg{id: id, gen: gen, booking: sanitized(b), err: err, at: clock.Now(), rateAfter: rateAfter{c.RateLimit()}}
	}
}

func cancelCmd(ctx context.Context, c *api.Client, req int, id, reason string) tea.Cmd {
	return func() tea.Msg {
		b, err := c.CancelBooking(ctx, id, reason)
		return bookingCancelledMsg{req: req, booking: sanitized(b), err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

// usageMsg answers GET /usage (the header's quota meter). Asked at start,
// it is also how a wrong key shows before the first search.
type usageMsg struct {
	usage *model.Usage
	err   error
	rateAfter
}

func usageCmd(c *api.Client) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() tea.Msg {
		u, err := c.Usage(context.Background())
		return usageMsg{usage: u, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

type bookingsListedMsg struct {
	req  int
	list *model.BookingList
	err  error
	rateAfter
}

func listCmd(ctx context.Context, c *api.Client, req int, f model.BookingFilter) tea.Cmd {
	return func() tea.Msg {
		l, err := c.ListBookings(ctx, f)
		if l != nil {
			for i := range l.Bookings {
				l.Bookings[i] = model.SanitizeBooking(l.Bookings[i])
			}
		}
		return bookingsListedMsg{req: req, list: l, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}

// attemptResolvedMsg is what a look-up found of a create that an earlier
// run left unresolved in the journal.
type attemptResolvedMsg struct {
	a       localstate.Attempt
	booking *model.Booking
	err     error
	rateAfter
}

// resolveAttemptCmd looks an earlier run's attempt up (sending nothing) and,
// its outcome known, forgets it.
func resolveAttemptCmd(c *api.Client, a localstate.Attempt, forget func(externalID string) error) tea.Cmd {
	return func() tea.Msg {
		b, err := c.LookUpAttempt(context.Background(), a.Request, a.Since)
		if (err == nil || api.KindOf(err) == api.KindConflict) && forget != nil {
			_ = forget(a.ExternalID)
		}
		return attemptResolvedMsg{a: a, booking: b, err: err, rateAfter: rateAfter{c.RateLimit()}}
	}
}
