package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// NewExternalID makes a unique reference for one booking attempt, readable
// in a list: cd-YYYYMMDD-HHMM-<8 random hex>.
func NewExternalID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "cd-" + now.UTC().Format("20060102-1504") + "-" + hex.EncodeToString(b[:])
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

// reconcileSlack widens the created_at window of the reconciliation look-up,
// to absorb clock skew between this machine and the API.
const reconcileSlack = 10 * time.Minute

// CreateBooking runs POST /bookings so that one call never makes two bookings.
//
// The API has no idempotency key. A create is sent once. When its outcome is
// unknown (no answer, a connection reset after sending, a 5xx), the client does
// not send it again: it lists the bookings created around the attempt and looks
// for the request's external_id (unique per attempt; one is made when empty).
// Found: that booking is adopted. Confirmed absent: one more create with the
// same external_id is allowed. The look-up itself failing leaves the outcome
// unknown (KindUnknownOutcome), and nothing more is sent.
func (c *Client) CreateBooking(ctx context.Context, req model.BookingRequest) (*CreateResult, error) {
	if c.cfg.ReadOnly {
		return nil, readOnlyError(http.MethodPost, "/bookings", "booking")
	}
	if req.ExternalID == "" {
		req.ExternalID = NewExternalID(c.cfg.Now())
	}
	if req.TokenStrategy == "" {
		req.TokenStrategy = model.AdHoc // the API's default, said out loud
	}
	req.ReservationStart = req.ReservationStart.UTC()
	req.ReservationEnd = req.ReservationEnd.UTC()
	if fe := req.Validate(c.cfg.Now()); len(fe) > 0 {
		return nil, validationError(http.MethodPost, "/bookings", fe)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, &Error{Kind: KindValidation, Message: err.Error(), Err: err}
	}
	res := &CreateResult{}
	since := c.cfg.Now()
	const maxCreates = 2
	var lastErr error
	for res.Attempts < maxCreates {
		res.Attempts++
		var b model.Booking
		status, err := c.do(ctx, http.MethodPost, "/bookings", nil, body, &b)
		if err == nil && strings.TrimSpace(b.ID) == "" {
			// Accepted, but the answer names no booking: as good as lost.
			err = &Error{Kind: KindDecode, Status: status, Method: http.MethodPost, Path: "/bookings",
				Message: "the answer to the booking request has no booking id"}
		}
		if err == nil {
			res.Booking = &b
			return res, nil
		}
		if !outcomeUnknown(err) {
			return res, err
		}
		lastErr = err
		found, ferr := c.findByExternalID(ctx, req.ExternalID, since)
		if ferr != nil {
			return res, &Error{Kind: KindUnknownOutcome, Method: http.MethodPost, Path: "/bookings",
				Message: "the booking request got no clear answer (" + shortErr(err) + ") and the check for it failed (" +
					shortErr(ferr) + "); it was NOT sent again. Look for external_id " + req.ExternalID + " before booking again",
				Err: err}
		}
		if found != nil {
			res.Booking = found
			res.Adopted = true
			return res, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return res, lastErr
}

// outcomeUnknown tells a failure after which the create may or may not have
// been processed. A 4xx is definite: the API refused it.
func outcomeUnknown(err error) bool {
	switch KindOf(err) {
	case KindNetwork, KindServer, KindDecode:
		return true
	}
	return false
}

// findByExternalID lists bookings created around since and returns the one
// with the external id, nil when confirmed absent.
func (c *Client) findByExternalID(ctx context.Context, externalID string, since time.Time) (*model.Booking, error) {
	f := model.BookingFilter{
		FromDate: since.Add(-reconcileSlack),
		ToDate:   c.cfg.Now().Add(reconcileSlack),
		Limit:    model.MaxListLimit,
	}
	for page := 0; page < 50; page++ {
		list, err := c.ListBookings(ctx, f)
		if err != nil {
			return nil, err
		}
		for i := range list.Bookings {
			if list.Bookings[i].ExternalID == externalID {
				b := list.Bookings[i]
				return &b, nil
			}
		}
		f.Offset += len(list.Bookings)
		if len(list.Bookings) == 0 || (list.Total > 0 && f.Offset >= list.Total) || (list.Total == 0 && len(list.Bookings) < f.Limit) {
			return nil, nil
		}
	}
	return nil, nil
}

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

// ResumeCreate is the safe retry of a create whose earlier attempt (sent at or
// after since) ended without a booking: it first looks the external_id up and
// adopts what it finds, and only on confirmed absence creates again.
func (c *Client) ResumeCreate(ctx context.Context, req model.BookingRequest, since time.Time) (*CreateResult, error) {
	if c.cfg.ReadOnly {
		return nil, readOnlyError(http.MethodPost, "/bookings", "booking")
	}
	if req.ExternalID == "" {
		return c.CreateBooking(ctx, req)
	}
	found, err := c.findByExternalID(ctx, req.ExternalID, since)
	if err != nil {
		return nil, err
	}
	if found != nil {
		return &CreateResult{Booking: found, Adopted: true}, nil
	}
	return c.CreateBooking(ctx, req)
}
