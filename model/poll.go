package model

import "time"

// Headroom is what the last rate-limit headers said. Known is false before
// the first response.
type Headroom struct {
	Known     bool
	Limit     int
	Remaining int
	Reset     time.Time
}

// Low tells whether less than a fifth of the per-minute budget is left.
func (h Headroom) Low() bool {
	return h.Known && h.Limit > 0 && h.Remaining*5 < h.Limit
}

// Poll intervals of the policy.
const (
	PollConfirming = 5 * time.Second  // REQUESTED/PENDING: the docs say every 5–10 s
	PollNearStart  = 15 * time.Second // CONFIRMED, within two minutes of the start or past it
	PollAttending  = 60 * time.Second // ATTENDING: waiting for the end of the session
	PollIdleMin    = 30 * time.Second // CONFIRMED, long before the start
	PollIdleMax    = 5 * time.Minute
	PollUnknown    = 30 * time.Second // a status chargedesk does not know
)

// NextPoll is the poll policy: how long to wait before asking for the booking
// again, as a pure function of its status, its reservation window, now, and the
// rate-limit headroom. It returns 0 when polling should stop (terminal status).
//
// While the CPO is deciding (REQUESTED/PENDING) it polls every 5 s, so a
// confirmation is seen within 5 s. Once CONFIRMED nothing is due until the start,
// so it polls rarely (a tenth of the time left, between 30 s and 5 min) and
// every 15 s from two minutes before the start until the vehicle arrives.
// ATTENDING polls once a minute. Low headroom doubles every interval, and an
// exhausted budget waits for the reset.
func NextPoll(st Status, start, end, now time.Time, h Headroom) time.Duration {
	var d time.Duration
	switch st {
	case Completed, Cancelled, Expired, NoShow:
		return 0
	case Requested, Pending:
		d = PollConfirming
	case Confirmed:
		untilStart := start.Sub(now)
		switch {
		case start.IsZero():
			d = PollIdleMin
		case untilStart <= 2*time.Minute:
			d = PollNearStart
		default:
			d = untilStart / 10
			if d < PollIdleMin {
				d = PollIdleMin
			}
			if d > PollIdleMax {
				d = PollIdleMax
			}
		}
		if h.Low() && h.Remaining > 0 {
			d *= 2
		}
		// Wake up in time for the near-start phase.
		if wake := untilStart - 2*time.Minute; untilStart > 2*time.Minute && wake < d {
			d = wake
		}
		return stretchForBudget(d, now, h, false)
	case Attending:
		d = PollAttending
		if !end.IsZero() {
			if untilEnd := end.Sub(now); untilEnd > 0 && untilEnd < d {
				d = untilEnd + time.Second
			}
		}
	default:
		d = PollUnknown
	}
	return stretchForBudget(d, now, h, true)
}

// stretchForBudget doubles d when the per-minute budget is low (unless the
// caller already did) and waits for the reset when it is spent.
func stretchForBudget(d time.Duration, now time.Time, h Headroom, double bool) time.Duration {
	if !h.Known || h.Limit <= 0 {
		return d
	}
	if h.Remaining <= 0 {
		if wait := h.Reset.Sub(now); wait > d {
			return wait
		}
		return d
	}
	if double && h.Low() && h.Remaining > 0 {
		d *= 2
	}
	return d
}
