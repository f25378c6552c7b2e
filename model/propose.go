package model

import (
	"strings"
	"time"
)

// Proposing another charger: after a booking failed (EXPIRED, NO_SHOW, a
// CPO's cancel, a 409), chargedesk proposes the next best EVSE, the next
// free EVSE of the same location or a later slot. Every proposal follows
// the rules here: never the EVSE that failed or one already tried, never
// one this desk (or, behind a gateway, its team) holds for an overlapping
// window, and after a CPO failure another CPO's charger first.

// DefaultDuration is how long a reservation lasts when nothing else was
// asked for: the booking form's first offer.
const DefaultDuration = time.Hour

// Holds tells whether booking b holds EVSE evseUID for a window that
// overlaps [start, end): b is on that EVSE and not over (a final booking
// holds nothing). A zero start asks about any window.
func (b Booking) Holds(evseUID string, start, end time.Time) bool {
	if b.EVSEUID != evseUID || b.Status.Terminal() {
		return false
	}
	if start.IsZero() {
		return true
	}
	bs, be := b.Window()
	return !bs.IsZero() && bs.Before(end) && start.Before(be)
}

// HeldBy is the first of bookings that holds EVSE evseUID for a window
// overlapping [start, end).
func HeldBy(bookings []Booking, evseUID string, start, end time.Time) (Booking, bool) {
	for _, b := range bookings {
		if b.Holds(evseUID, start, end) {
			return b, true
		}
	}
	return Booking{}, false
}

// CPOFailed tells whether the booking failed by its CPO's doing: EXPIRED
// (the CPO never answered), or CANCELLED with a reason that names the CPO
// ("Rejected by CPO: …", "Cancelled by CPO: …"). A cancel the desk made,
// a no-show and a 409 are not the CPO's failures.
func (b Booking) CPOFailed() bool {
	switch b.Status {
	case Expired:
		return true
	case Cancelled:
		return strings.Contains(strings.ToLower(b.CancellationReason), "cpo")
	}
	return false
}

// NextWindow is the window to propose again for a reservation of
// [start, end): the same, unless it no longer starts far enough ahead
// (MinLeadTime and a minute to send it), then the next possible start
// (DefaultStart) for as long.
func NextWindow(start, end, now time.Time) (time.Time, time.Time) {
	if start.IsZero() {
		s := DefaultStart(now)
		return s, s.Add(DefaultDuration)
	}
	if start.Before(now.Add(MinLeadTime + time.Minute)) {
		d := end.Sub(start)
		start = DefaultStart(now)
		end = start.Add(d)
	}
	return start, end
}

// Window is the reservation window the need asks for, or the booking
// form's default (the next possible start, for DefaultDuration).
func (n Need) Window(now time.Time) (time.Time, time.Time) {
	if !n.Start.IsZero() {
		return n.Start, n.End
	}
	return NextWindow(time.Time{}, time.Time{}, now)
}

// Avoid is what a proposal leaves out.
type Avoid struct {
	// Failed is the booking that failed: its EVSE is never proposed, and
	// after a CPO failure (CPOFailed) its CPO's chargers come last.
	Failed Booking
	// Tried tells the EVSEs already tried (nil: none).
	Tried func(evseUID string) bool
	// Held are the bookings this desk, or its team, holds: their EVSEs
	// are not proposed for a window overlapping [Start, End).
	Held       []Booking
	Start, End time.Time
}

// skips tells whether e is left out, and whether because it is held.
func (a Avoid) skips(e EVSE) (skip, held bool) {
	switch {
	case e.EVSEUID == a.Failed.EVSEUID && e.EVSEUID != "":
		return true, false
	case a.Tried != nil && a.Tried(e.EVSEUID):
		return true, false
	}
	_, held = HeldBy(a.Held, e.EVSEUID, a.Start, a.End)
	return held, held
}

// Proposal is the next best charger, and what was left out for it.
type Proposal struct {
	Location Location
	EVSE     EVSE
	Found    bool
	// SameCPO: after a CPO failure, no other CPO's charger fits, so this
	// one is the failed CPO's.
	SameCPO bool
	// Held counts the EVSEs that would fit but are held for the window.
	Held int
}

// NextBest is the closest bookable EVSE among the results that meets the
// need and that a leaves in; after a CPO failure, the closest of another
// CPO when there is one. Found is false when nothing fits.
func NextBest(results []Location, n Need, a Avoid) Proposal {
	cpo := ""
	if a.Failed.CPOFailed() {
		cpo = cpoOf(results, a.Failed)
	}
	var other, same Proposal
	held := 0
	for _, l := range results {
		for _, e := range l.EVSEs {
			if ok, _ := Bookable(l, e); !ok {
				continue
			}
			if fits, _ := n.Meets(e); !fits {
				continue
			}
			skip, isHeld := a.skips(e)
			if isHeld {
				held++
			}
			if skip {
				continue
			}
			best := &other
			if cpo != "" && sameCPO(l, cpo) {
				best = &same
			}
			if !best.Found || l.DistanceKM < best.Location.DistanceKM {
				*best = Proposal{Location: l, EVSE: e, Found: true}
			}
		}
	}
	p := other
	if !p.Found && same.Found {
		p, p.SameCPO = same, true
	}
	p.Held = held
	return p
}

// cpoOf is the CPO of the failed booking's location: its party id from
// the results, else the name the booking carries.
func cpoOf(results []Location, b Booking) string {
	for _, l := range results {
		if l.LocationID == b.LocationID && b.LocationID != "" {
			return strings.ToLower(firstNonEmpty(l.CPOPartyID, l.CPOName))
		}
	}
	return strings.ToLower(b.CPOName)
}

func sameCPO(l Location, cpo string) bool {
	return strings.EqualFold(l.CPOPartyID, cpo) || strings.EqualFold(l.CPOName, cpo)
}

// OtherFree are the location's other bookable EVSEs that a leaves in,
// those that meet the need first (the others stay, for the agent to
// choose), and how many were left out as held for the window: the 409's
// "next free EVSE".
func OtherFree(loc Location, n Need, a Avoid) (free []EVSE, held int) {
	var rest []EVSE
	for _, e := range loc.EVSEs {
		if ok, _ := Bookable(loc, e); !ok {
			continue
		}
		skip, isHeld := a.skips(e)
		if isHeld {
			held++
		}
		if skip {
			continue
		}
		if fits, _ := n.Meets(e); fits {
			free = append(free, e)
		} else {
			rest = append(rest, e)
		}
	}
	return append(free, rest...), held
}

// LaterSlot is the first window as long as [start, end) that begins at or
// after end (the refused window's end) and that none of held holds on EVSE
// evseUID: the 409's "later slot", never one the desk already holds.
func LaterSlot(evseUID string, start, end time.Time, held []Booking) (time.Time, time.Time) {
	d := end.Sub(start)
	s := end
	for range len(held) + 1 {
		b, busy := HeldBy(held, evseUID, s, s.Add(d))
		if !busy {
			break
		}
		_, be := b.Window()
		s = be
	}
	return s, s.Add(d)
}
