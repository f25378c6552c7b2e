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

// cpo applies the CPO faults to one new booking.
func (fs *faultState) cpo(s *Server, rec *record) {
	c := fs.f.CPO
	ci := -1
	for i, e := range rec.events {
		if e.status == model.Confirmed {
			ci = i
			break
		}
	}
	if ci < 0 {
		return
	}
	id := rec.base.ID
	if c.LateConfirm > 0 && hashUnit(fs.f.Seed, "late-confirm", id) < c.LateConfirm {
		at := rec.created.Add(c.LateConfirmAfter)
		if c.LateConfirmAfter >= ConfirmTimeout {
			// The API stops waiting first: the CPO's answer comes too late.
			rec.events = append(rec.events[:ci:ci], event{at: rec.created.Add(ConfirmTimeout), status: model.Expired})
			fs.mu.Lock()
			fs.stats.LateExpired++
			fs.mu.Unlock()
			return
		}
		if at.After(rec.events[ci].at) {
			rec.events[ci].at = at
			for j := ci + 1; j < len(rec.events); j++ {
				if floor := rec.events[j-1].at.Add(FollowUpDelay); rec.events[j].at.Before(floor) {
					rec.events[j].at = floor
				}
			}
			fs.mu.Lock()
			fs.stats.LateConfirmed++
			fs.mu.Unlock()
		}
	}
	if c.Cancel > 0 && hashUnit(fs.f.Seed, "cpo-cancel", id) < c.Cancel {
		span := c.CancelAfterMax - c.CancelAfterMin
		delay := c.CancelAfterMin + time.Duration(hashUnit(fs.f.Seed, "cpo-cancel-after", id)*float64(span))
		at := rec.events[ci].at.Add(delay).Round(time.Millisecond)
		if ci+1 < len(rec.events) && rec.events[ci+1].at.Before(at) {
			at = rec.events[ci+1].at
		}
		reasons := cpoCancelReasons
		if s.opts.Hostile {
			reasons = hostileCancelReasons
		}
		reason := reasons[int(hashUnit(fs.f.Seed, "cpo-cancel-reason", id)*float64(len(reasons)))]
		rec.events = append(rec.events[:ci+1:ci+1], event{at: at, status: model.Cancelled, reason: reason, price: price(0)})
		fs.mu.Lock()
		fs.stats.CPOCancelled++
		fs.mu.Unlock()
	}
}
