package sim

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// CPO cancellation reasons (Faults.CPO.Cancel).
var cpoCancelReasons = []string{
	"Cancelled by CPO: the EVSE went out of order",
	"Cancelled by CPO: the site is closed for urgent maintenance",
	"Cancelled by CPO: the reservation could not be honoured",
}

// afterCreate applies CPO faults and hostile texts to bookings just created
// (called under s.mu).
func (s *Server) afterCreate(recs []*record) {
	for _, rec := range recs {
		if s.faults != nil {
			s.faults.cpo(s, rec)
		}
		if s.opts.Hostile {
			hostileReasons(rec)
		}
		s.bookings.settle(rec) // the faults may have moved its steps
	}
}

// hashUnit is a seeded uniform number in [0, 1) for (salt, id).
func hashUnit(seed int64, salt, id string) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s|%s", seed, salt, id)
	x := h.Sum64()
	// splitmix64 finaliser: fnv's low bits are not well mixed.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// cpo applies the CPO faults to one new booking, when it would be CONFIRMED.
func (fs *faultState) cpo(s *Server, rec *record) {
	ci := confirmIndex(rec.events)
	if ci < 0 {
		return
	}
	id := rec.fate
	if fs.drawn(fs.f.CPO.LateConfirm, "late-confirm", id) && !fs.confirmLate(rec, ci, s.opts.ConfirmTimeout) {
		return // expired: there is no confirmation left to cancel
	}
	if fs.drawn(fs.f.CPO.Cancel, "cpo-cancel", id) {
		fs.cancelAfterConfirm(rec, ci, s.opts.Hostile)
	}
}

// confirmIndex is the index of the CONFIRMED event, -1 when there is none.
func confirmIndex(evs []event) int {
	for i, e := range evs {
		if e.status == model.Confirmed {
			return i
		}
	}
	return -1
}

// drawn tells whether the booking's fate key falls in share, by a hash seeded per salt.
func (fs *faultState) drawn(share float64, salt, id string) bool {
	return share > 0 && hashUnit(fs.f.Seed, salt, id) < share
}

// confirmLate moves CONFIRMED (event ci) to LateConfirmAfter after create,
// and the later steps so they still follow it. When that is not before
// timeout (Options.ConfirmTimeout) the API gives up first: the booking
// EXPIRES at timeout instead, and confirmLate returns false.
func (fs *faultState) confirmLate(rec *record, ci int, timeout time.Duration) bool {
	after := fs.f.CPO.LateConfirmAfter
	if after >= timeout {
		rec.events = append(rec.events[:ci:ci], event{at: rec.created.Add(timeout), status: model.Expired})
		fs.mu.Lock()
		fs.stats.LateExpired++
		fs.mu.Unlock()
		return false
	}
	at := rec.created.Add(after)
	if !at.After(rec.events[ci].at) {
		return true // the CPO answers by then anyway
	}
	rec.events[ci].at = at
	for j := ci + 1; j < len(rec.events); j++ {
		if floor := rec.events[j-1].at.Add(FollowUpDelay); rec.events[j].at.Before(floor) {
			rec.events[j].at = floor
		}
	}
	fs.mu.Lock()
	fs.stats.LateConfirmed++
	fs.mu.Unlock()
	return true
}

// cancelAfterConfirm ends the schedule with the CPO cancelling a seeded
// U(CancelAfterMin, CancelAfterMax) after CONFIRMED (event ci), no later
// than the step that would have followed it.
func (fs *faultState) cancelAfterConfirm(rec *record, ci int, hostile bool) {
	c, id := fs.f.CPO, rec.fate
	span := c.CancelAfterMax - c.CancelAfterMin
	delay := c.CancelAfterMin + time.Duration(hashUnit(fs.f.Seed, "cpo-cancel-after", id)*float64(span))
	at := rec.events[ci].at.Add(delay).Round(time.Millisecond)
	if ci+1 < len(rec.events) && rec.events[ci+1].at.Before(at) {
		at = rec.events[ci+1].at
	}
	reasons := cpoCancelReasons
	if hostile {
		reasons = hostileCancelReasons
	}
	reason := reasons[int(hashUnit(fs.f.Seed, "cpo-cancel-reason", id)*float64(len(reasons)))]
	rec.events = append(rec.events[:ci+1:ci+1], event{at: at, status: model.Cancelled, reason: reason, price: price(0)})
	fs.mu.Lock()
	fs.stats.CPOCancelled++
	fs.mu.Unlock()
}
