package ui

import (
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// attempt is the booking form's create, resume and retry rules, apart from
// any screen: which request goes out next, whether it must be looked up
// before it is sent again, and what an answer means. It never sends a
// create blindly twice: an external id that went out once is looked up
// first (ResumeCreate) every time it goes out again.
type attempt struct {
	id      int            // in the session's attempts
	reqID   int            // the request id of the answer awaited
	loc     model.Location // where it books
	evse    model.EVSE
	req     model.BookingRequest // the request under way or to retry
	active  bool                 // req is under way or waiting for its retry
	sending bool                 // an answer is awaited
	resume  bool                 // the next send must look req up first
	sentAt  time.Time            // when req's external id first went out
	sent    map[string]bool      // external ids sent by this form
	retry   retrier
}

// step is one request for the client: a create, or a look-up then maybe a
// create (resume) of what went out since.
type step struct {
	req    model.BookingRequest
	resume bool
	since  time.Time
}

// submit starts sending r as typed now.
func (a *attempt) submit(r model.BookingRequest, now time.Time) step {
	a.retry.clear()
	again := a.sent[r.ExternalID]
	if !again {
		a.sentAt = now
	}
	if a.sent == nil {
		a.sent = map[string]bool{}
	}
	a.sent[r.ExternalID] = true
	return a.send(r, again)
}

func (a *attempt) send(r model.BookingRequest, resume bool) step {
	a.req, a.active, a.sending, a.resume = r, true, true, resume
	return step{req: r, resume: resume, since: a.sentAt}
}

// due is the retry to send now, if one has fallen due.
func (a *attempt) due(now time.Time) (step, bool) {
	if !a.active || a.sending || !a.retry.due(now) {
		return step{}, false
	}
	return a.send(a.req, a.resume), true
}

// recheck looks the request up again after an unknown outcome.
func (a *attempt) recheck() (step, bool) {
	if !a.active || a.sending {
		return step{}, false
	}
	return a.send(a.req, true), true
}

// verdict is what an answer means for the form.
type verdict int

const (
	booked  verdict = iota // a booking, made or found by its external id
	waiting                // a retry is scheduled (429, 5xx, no answer)
	unknown                // the outcome could not be established: recheck by hand
	refused                // the API or the client said no: show why, keep the input
)

// answered takes the client's answer to the last step.
func (a *attempt) answered(res *api.CreateResult, err error, now time.Time) verdict {
	a.sending = false
	if err == nil && res != nil && res.Booking != nil {
		a.active, a.resume = false, false
		a.retry.clear()
		return booked
	}
	switch api.KindOf(err) {
	case api.KindRateLimited:
		// A 429 was not processed: the same request goes again when the wait is over.
		a.resume = false
		a.retry.schedule(now, err)
		return waiting
	case api.KindNetwork, api.KindServer, api.KindDecode:
		// No booking was found under this external id: retry, looking it up
		// first; once the retries are used up, enter does (looking it up, too).
		a.resume = true
		a.retry.schedule(now, err)
		return waiting
	case api.KindUnknownOutcome:
		a.retry.clear()
		return unknown
	}
	a.active = false
	a.retry.clear()
	return refused
}
