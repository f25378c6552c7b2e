package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// NewExternalID makes a unique reference for one booking attempt, readable
// in a list: cd-YYYYMMDD-HHMM-<8 random hex>, the date and time the
// driver's (Berlin), so the reference read out on the 8th says the 8th.
func NewExternalID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "cd-" + now.In(model.Berlin).Format(externalIDLayout) + "-" + hex.EncodeToString(b[:])
}

const externalIDLayout = "20060102-1504"

// ExternalIDTime is when an external id made by NewExternalID was made
// (to the minute), so a look-up can search around it; ok is false for any
// other reference. (A reference made before the ids carried Berlin time
// reads an hour or two early, which widens a look-up, never narrows it.)
func ExternalIDTime(id string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(id, "cd-")
	if !ok || len(rest) < len(externalIDLayout) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(externalIDLayout, rest[:len(externalIDLayout)], model.Berlin)
	return t, err == nil
}

// CreateResult tells how a create ended.
type CreateResult struct {
	Booking *model.Booking
	// Adopted is true when the create's answer was lost and the booking was
	// found afterwards by its external_id (it was not sent twice).
	Adopted bool
	// Attempts is how many POSTs were sent (1, or 2 after a confirmed absence).
	Attempts int
}

// Journal keeps a record of each create on this machine from just before it
// is sent until its outcome is known, so that a crash or a kill mid-create
// leaves a trace the next start resolves by look-up, and a second process
// with the same external id is refused while the first is in flight.
type Journal interface {
	// Begin records req (sent from since on) before anything is sent. It
	// fails when the external id is in flight in another process, or the
	// record cannot be written.
	Begin(req model.BookingRequest, since time.Time) (JournalEntry, error)
}

// JournalEntry is one recorded attempt.
type JournalEntry interface {
	// Done forgets the attempt: its outcome is known.
	Done()
	// Keep leaves the record for the next start to resolve: the outcome is
	// unknown.
	Keep()
}

// ErrInFlight is Journal.Begin's error for an external id another process
// is sending right now.
var ErrInFlight = errors.New("in flight in another process")

// Timings of the never-book-twice look-up.
const (
	// reconcileSlack widens the created_at window of the look-up, to absorb
	// clock skew between this machine and the API.
	reconcileSlack = 10 * time.Minute
	// lookupPages bounds the pages one look-up reads; more means the answer
	// is not known (never "absent").
	lookupPages = 50
	// lookupTimeout bounds a look-up that must finish even after the person
	// gave up waiting (Esc, Ctrl-C): its answer decides whether to send again.
	lookupTimeout = 90 * time.Second
)

// CreateBooking runs POST /bookings so that one call never makes two bookings.
//
// The API has no idempotency key. A create is sent once. When its outcome is
// unknown (no answer, a connection reset after sending, a 5xx), the client does
// not send it again: it lists the bookings created around the attempt and looks
// for the request's external_id (unique per attempt; one is made when empty).
// Found for the same request: that booking is adopted. Confirmed absent: one
// more create with the same external_id is allowed. The look-up failing, or
// not reaching the end of the list, leaves the outcome unknown
// (KindUnknownOutcome), and nothing more is sent. The look-up runs to its end
// even when ctx is cancelled meanwhile: its answer is what prevents a second
// booking.
func (c *Client) CreateBooking(ctx context.Context, req model.BookingRequest) (*CreateResult, error) {
	return c.create(ctx, req, c.cfg.Now(), false)
}

// ResumeCreate is the safe retry of a create whose earlier attempt (sent at or
// after since) ended without a booking: it first looks the external_id up and
// adopts what it finds, and only on confirmed absence creates again.
func (c *Client) ResumeCreate(ctx context.Context, req model.BookingRequest, since time.Time) (*CreateResult, error) {
	return c.create(ctx, req, since, req.ExternalID != "")
}

func (c *Client) create(ctx context.Context, req model.BookingRequest, since time.Time, lookFirst bool) (*CreateResult, error) {
	if c.cfg.ReadOnly {
		return nil, readOnlyError(http.MethodPost, "/bookings", "booking")
	}
	req, body, err := c.prepare(req)
	if err != nil {
		return nil, err
	}
	entry, err := c.begin(req, since)
	if err != nil {
		return nil, err
	}
	res, err := c.sendOnce(ctx, req, body, since, lookFirst)
	if KindOf(err) == KindUnknownOutcome {
		entry.Keep()
	} else {
		entry.Done()
	}
	return res, err
}

// WithDefaults is req as a create sends it: an external id made when it
// has none, the API's default token strategy said out loud, times in UTC.
// Two requests are compared in this form.
func WithDefaults(req model.BookingRequest, now time.Time) model.BookingRequest {
	if req.ExternalID == "" {
		req.ExternalID = NewExternalID(now)
	}
	if req.TokenStrategy == "" {
		req.TokenStrategy = model.AdHoc
	}
	req.ReservationStart = req.ReservationStart.UTC()
	req.ReservationEnd = req.ReservationEnd.UTC()
	return req
}

// prepare fills the defaults, checks the rules and encodes the body.
func (c *Client) prepare(req model.BookingRequest) (model.BookingRequest, []byte, error) {
	req = WithDefaults(req, c.cfg.Now())
	if fe := req.Validate(c.cfg.Now()); len(fe) > 0 {
		return req, nil, validationError(http.MethodPost, "/bookings", fe)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return req, nil, &Error{Kind: KindValidation, Message: err.Error(), Err: err}
	}
	return req, body, nil
}

// begin records the attempt in the journal (when there is one).
func (c *Client) begin(req model.BookingRequest, since time.Time) (JournalEntry, error) {
	if c.cfg.Journal == nil {
		return noEntry{}, nil
	}
	entry, err := c.cfg.Journal.Begin(req, since)
	switch {
	case errors.Is(err, ErrInFlight):
		return nil, &Error{Kind: KindInFlight, Method: http.MethodPost, Path: "/bookings", Err: err,
			Message: "external_id " + req.ExternalID + " is being booked by another chargedesk on this machine right now; nothing was sent (wait for it, then look the booking up)"}
	case err != nil:
		return nil, &Error{Kind: KindUnknown, Method: http.MethodPost, Path: "/bookings", Err: err,
			Message: "the attempt could not be recorded before sending (" + err.Error() + "); nothing was sent"}
	}
	return entry, nil
}

type noEntry struct{}

func (noEntry) Done() {}
func (noEntry) Keep() {}

// sendOnce sends the create at most twice: once, and once more only after a
// look-up confirmed the first did not book. With lookFirst an earlier attempt
// is looked up before anything is sent.
func (c *Client) sendOnce(ctx context.Context, req model.BookingRequest, body []byte, since time.Time, lookFirst bool) (*CreateResult, error) {
	res := &CreateResult{}
	if lookFirst {
		found, err := c.lookUp(ctx, req, since)
		switch {
		case KindOf(err) == KindConflict:
			return res, err // the id is another booking's: nothing to resume
		case err != nil:
			// An earlier attempt may have booked: its fate is unknown, and
			// nothing may be sent until it is known.
			return res, &Error{Kind: KindUnknownOutcome, Method: http.MethodPost, Path: "/bookings", Err: err,
				Message: "an earlier attempt with external_id " + req.ExternalID + " may have booked, and the check for it failed (" +
					shortErr(err) + "); nothing was sent. Look for external_id " + req.ExternalID + " before booking again"}
		case found != nil:
			res.Booking, res.Adopted = found, true
			return res, nil
		}
	}
	const maxCreates = 2
	var lastErr error
	for res.Attempts < maxCreates {
		res.Attempts++
		b, err := c.post(ctx, body)
		if err == nil {
			res.Booking = b
			return res, nil
		}
		if !outcomeUnknown(err) {
			return res, err
		}
		lastErr = err
		found, ferr := c.lookUp(ctx, req, since)
		if KindOf(ferr) == KindConflict {
			return res, ferr // the id is another booking's: this attempt made none
		}
		if ferr != nil {
			return res, c.unknownOutcome(req, err, ferr)
		}
		if found != nil {
			res.Booking, res.Adopted = found, true
			return res, nil
		}
		if ctx.Err() != nil {
			break // absent, and the person gave up: nothing more is sent
		}
	}
	return res, lastErr
}

// post sends one POST /bookings.
func (c *Client) post(ctx context.Context, body []byte) (*model.Booking, error) {
	var b model.Booking
	status, err := c.do(ctx, http.MethodPost, "/bookings", nil, body, &b)
	if err == nil && strings.TrimSpace(b.ID) == "" {
		// Accepted, but the answer names no booking: as good as lost.
		err = &Error{Kind: KindDecode, Status: status, Method: http.MethodPost, Path: "/bookings",
			Message: "the answer to the booking request has no booking id"}
	}
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func (c *Client) unknownOutcome(req model.BookingRequest, sendErr, lookErr error) error {
	return &Error{Kind: KindUnknownOutcome, Method: http.MethodPost, Path: "/bookings",
		Message: "the booking request got no clear answer (" + shortErr(sendErr) + ") and the check for it failed (" +
			shortErr(lookErr) + "); it was NOT sent again. Look for external_id " + req.ExternalID + " before booking again",
		Err: sendErr}
}

// outcomeUnknown tells a failure after which the create may or may not have
// been processed. A 4xx (or a redirect) is definite: that server did not book.
func outcomeUnknown(err error) bool {
	switch KindOf(err) {
	case KindNetwork, KindServer, KindDecode:
		return true
	}
	return false
}

// LookUpAttempt finds the booking an earlier attempt of req (sent from
// since on) made, without sending anything: nil when it certainly made none,
// a KindConflict when the external id belongs to another request.
func (c *Client) LookUpAttempt(ctx context.Context, req model.BookingRequest, since time.Time) (*model.Booking, error) {
	return c.lookUp(ctx, req, since)
}

// lookUp finds the booking an attempt made, if any: one with the request's
// external id, created since the attempt (with slack), that is that request.
// Only bookings with the id for other requests is a conflict: the id is
// taken. It runs to its end even when ctx is cancelled (bounded by
// lookupTimeout).
func (c *Client) lookUp(ctx context.Context, req model.BookingRequest, since time.Time) (*model.Booking, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupTimeout)
	defer cancel()
	var other *model.Booking
	found, err := c.findBooking(lctx, since.Add(-reconcileSlack), c.cfg.Now().Add(reconcileSlack), func(b model.Booking) bool {
		if b.ExternalID != req.ExternalID {
			return false
		}
		if model.SameRequest(b, req) == "" {
			return true
		}
		if other == nil {
			other = &b
		}
		return false
	})
	switch {
	case err != nil || found != nil:
		return found, err
	case other != nil:
		return nil, &Error{Kind: KindConflict, Method: http.MethodPost, Path: "/bookings",
			Message: fmt.Sprintf("external_id %s is already used by booking %s, which is for another request (%s): nothing was booked; choose another external id",
				req.ExternalID, other.ID, model.SameRequest(*other, req))}
	}
	return nil, nil
}

// FindByExternalID returns the newest booking with the external id among
// those created between from and to, nil when it is certainly not there.
func (c *Client) FindByExternalID(ctx context.Context, externalID string, from, to time.Time) (*model.Booking, error) {
	return c.findBooking(ctx, from, to, func(b model.Booking) bool { return b.ExternalID == externalID })
}

// errLookupIncomplete is a look-up that read its page bound without
// reaching the end: the booking may still be there.
var errLookupIncomplete = errors.New("the list of bookings was longer than a look-up reads")

// findBooking pages through the bookings created between from and to for the
// first that match accepts. A list that does not end within the page bound,
// or a server that keeps sending pages without new bookings, is an error,
// never "not there".
func (c *Client) findBooking(ctx context.Context, from, to time.Time, match func(model.Booking) bool) (*model.Booking, error) {
	f := model.BookingFilter{FromDate: from, ToDate: to, Limit: model.MaxListLimit}
	seen := map[string]bool{}
	for page := 0; page < lookupPages; page++ {
		list, err := c.ListBookings(ctx, f)
		if err != nil {
			return nil, err
		}
		fresh := 0
		for i := range list.Bookings {
			b := list.Bookings[i]
			if match(b) {
				return &b, nil
			}
			if !seen[b.ID] {
				seen[b.ID] = true
				fresh++
			}
		}
		f.Offset += len(list.Bookings)
		switch {
		case len(list.Bookings) == 0 || (list.Total > 0 && f.Offset >= list.Total) || (list.Total == 0 && len(list.Bookings) < f.Limit):
			return nil, nil
		case fresh == 0:
			return nil, errors.New("the server sent a page of bookings already seen")
		}
	}
	return nil, errLookupIncomplete
}

// ShortError is err in a few words: the status and the server's text, or
// the client's message.
func ShortError(err error) string { return shortErr(err) }

func shortErr(err error) string {
	if e, ok := AsError(err); ok {
		if e.Kind == KindDecode && e.Message != "" {
			return e.Message
		}
		if e.Status != 0 {
			s := http.StatusText(e.Status)
			if e.Message != "" {
				s += ": " + e.Message
			}
			return strings.TrimSpace(s)
		}
		if e.Message != "" {
			return e.Message
		}
	}
	return err.Error()
}
