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
// so a screen drops answers it no longer waits for.
type (
	searchDoneMsg struct {
		req   int
		query model.SearchQuery
		resp  *model.SearchResponse
		err   error
	}
	bookingCreatedMsg struct {
		req    int
		result *api.CreateResult
		err    error
	}
	bookingPolledMsg struct {
		id      string
		gen     int
		booking *model.Booking
		err     error
		at      time.Time
	}
	bookingCancelledMsg struct {
		req     int
		booking *model.Booking
		err     error
	}
)

// searchCmd runs a search; the answer's text is sanitised here, off the UI path.
func searchCmd(ctx context.Context, c *api.Client, req int, q model.SearchQuery) tea.Cmd {
	return func() tea.Msg {
		resp, err := c.Search(ctx, q)
		if resp != nil {
			for i := range resp.Results {
				resp.Results[i] = model.SanitizeLocation(resp.Results[i])
			}
		}
		return searchDoneMsg{req: req, query: q, resp: resp, err: err}
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
		return bookingCreatedMsg{req: req, result: res, err: err}
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
		return bookingCreatedMsg{req: req, result: res, err: err}
	}
}

func pollCmd(ctx context.Context, c *api.Client, clock model.Clock, id string, gen int) tea.Cmd {
	return func() tea.Msg {
		b, err := c.GetBooking(ctx, id)
		return bookingPolledMsg{id: id, gen: gen, booking: sanitized(b), err: err, at: clock.Now()}
	}
}

func cancelCmd(ctx context.Context, c *api.Client, req int, id, reason string) tea.Cmd {
	return func() tea.Msg {
		b, err := c.CancelBooking(ctx, id, reason)
		return bookingCancelledMsg{req: req, booking: sanitized(b), err: err}
	}
}

// usageMsg answers GET /usage (the header's quota meter). Asked at start,
// it is also how a wrong key shows before the first search.
type usageMsg struct {
	usage *model.Usage
	err   error
}

func usageCmd(c *api.Client) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() tea.Msg {
		u, err := c.Usage(context.Background())
		return usageMsg{u, err}
	}
}

type bookingsListedMsg struct {
	req  int
	list *model.BookingList
	err  error
}

func listCmd(ctx context.Context, c *api.Client, req int, f model.BookingFilter) tea.Cmd {
	return func() tea.Msg {
		l, err := c.ListBookings(ctx, f)
		if l != nil {
			for i := range l.Bookings {
				l.Bookings[i] = model.SanitizeBooking(l.Bookings[i])
			}
		}
		return bookingsListedMsg{req: req, list: l, err: err}
	}
}

// attemptResolvedMsg is what a look-up found of a create that an earlier
// run left unresolved in the journal.
type attemptResolvedMsg struct {
	a       localstate.Attempt
	booking *model.Booking
	err     error
}

// resolveAttemptCmd looks an earlier run's attempt up (sending nothing) and,
// its outcome known, forgets it.
func resolveAttemptCmd(c *api.Client, a localstate.Attempt, forget func(externalID string) error) tea.Cmd {
	return func() tea.Msg {
		b, err := c.LookUpAttempt(context.Background(), a.Request, a.Since)
		if (err == nil || api.KindOf(err) == api.KindConflict) && forget != nil {
			_ = forget(a.ExternalID)
		}
		return attemptResolvedMsg{a: a, booking: b, err: err}
	}
}
