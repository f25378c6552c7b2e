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

// The poll policy's times. A request is spent only when its answer is
// needed: while the CPO decides and the agent waits on the phone, and then
// once at each point where the booking can change.
const (
	PollConfirming  = 5 * time.Second  // REQUESTED/PENDING: a confirmation is seen within 5 s
	ConfirmingFor   = 2 * time.Minute  // …for this long after the create; then the policy backs off
	CheckBeforeEnd  = time.Minute      // ATTENDING: the check for COMPLETED, this long after the end
	CheckBeforeFrom = 5 * time.Minute  // CONFIRMED: the check for a CPO cancel, this long before the start
	NoShowGrace     = 15 * time.Minute // the grace after the start before a no-show is declared
	CheckAfterGrace = time.Minute      // CONFIRMED: the check for ATTENDING or NO_SHOW, after start + grace + this
	PollOnScreen    = 30 * time.Second // on the agent's screen: a change due at a point and not yet come, asked again this soon
	PollUnknownMin  = 30 * time.Second // a status chargedesk does not know: from this…
	PollMaxBackoff  = 15 * time.Minute // …and never slower than this while something is due
)

// Backoffs after a decision point that found the booking unchanged: the
// next checks come this long after the point, then every PollMaxBackoff.
// On the agent's screen the change due at the point (ATTENDING or NO_SHOW
// after the grace, COMPLETED after the end) is asked for again sooner,
// every PollOnScreen for the first two minutes, when it has not come: the
// agent is looking for it. A CPO that reports on time costs nothing more.
var (
	pointBackoffs         = []time.Duration{0, 2 * time.Minute, 7 * time.Minute, 22 * time.Minute}
	pointBackoffsOnScreen = []time.Duration{0, PollOnScreen, 2 * PollOnScreen, 3 * PollOnScreen, 4 * PollOnScreen, 7 * time.Minute, 22 * time.Minute}
)

// PollInput is what the poll policy decides on. Times are lifecycle times
// (see Warp): in the demo the reservation runs faster than the wall clock.
type PollInput struct {
	Status      Status
	Start, End  time.Time // the reservation window (zero when the server left it out)
	Created     time.Time // when the booking was made (zero: unknown)
	LastChecked time.Time // the last answer about it (zero: none)
	Now         time.Time
	OnScreen    bool // the agent has it open: an overdue change is asked for again sooner
	Headroom    Headroom
}

// NextPoll is the poll policy: how long from in.Now to ask for the booking
// again, 0 when nothing will change any more (a final status).
//
// While the CPO decides it asks every 5 s (for two minutes, then backing
// off). A confirmed booking is asked about once shortly before its start
// (a CPO cancel) and once after the start plus the no-show grace
// (ATTENDING or NO_SHOW); a charging one once after its end (COMPLETED and
// the price). A check that finds nothing moved backs off: 2, 7, 22 minutes
// after the point, then every 15. Between those points nothing is asked,
// whether the booking is on the agent's screen or not: on screen costs what
// off screen costs, and each status shows within CheckAfterGrace or
// CheckBeforeEnd of the point that decides it (DecisionPoint). Only when
// that check finds the change not yet come does the screen ask again sooner
// (every 30 s for two minutes). A low per-minute budget doubles every wait;
// a spent one waits for the reset.
func NextPoll(in PollInput) time.Duration {
	var d time.Duration
	switch in.Status {
	case Completed, Cancelled, Expired, NoShow:
		return 0
	case Requested, Pending:
		d = confirmingWait(in)
	case Confirmed:
		d = pointWait(in, confirmedPoints(in))
	case Attending:
		d = pointWait(in, []time.Time{in.End.Add(CheckBeforeEnd)})
	default:
		d = unknownWait(in)
	}
	return stretchForBudget(d, in.Now, in.Headroom)
}

// NextPollWall is NextPoll for times read off the wall clock, when the
// booking's lifecycle runs on w (the demo runs the reservation faster; the
// CPO's answer is not sped up). The wait is wall-clock time, at least 1 s.
func NextPollWall(in PollInput, w Warp) time.Duration {
	confirming := in.Status == Requested || in.Status == Pending
	if !w.Active() || confirming {
		return NextPoll(in)
	}
	in.Now, in.LastChecked = w.Now(in.Now), w.Now(in.LastChecked)
	d := NextPoll(in)
	if d == 0 {
		return 0
	}
	return max(w.Real(d), time.Second)
}

// confirmingWait polls every 5 s while a CPO answer is due, then backs off.
func confirmingWait(in PollInput) time.Duration {
	if in.Created.IsZero() || in.Now.Sub(in.Created) < ConfirmingFor {
		return PollConfirming
	}
	return backoff(in.Now.Sub(in.Created.Add(ConfirmingFor)), PollConfirming*3)
}

// confirmedPoints are when a confirmed booking can change: a CPO cancel is
// caught shortly before the start, the arrival (or its absence) after the
// grace.
func confirmedPoints(in PollInput) []time.Time {
	if in.Start.IsZero() {
		return nil
	}
	return []time.Time{in.Start.Add(-CheckBeforeFrom), in.Start.Add(NoShowGrace + CheckAfterGrace)}
}

// pointWait is the wait until the next check of points: each point once,
// then the backoffs after the last one (sooner on screen).
func pointWait(in PollInput, points []time.Time) time.Duration {
	if len(points) == 0 || points[len(points)-1].IsZero() {
		return unknownWait(in)
	}
	last := points[len(points)-1]
	backoffs := pointBackoffs
	if in.OnScreen {
		backoffs = pointBackoffsOnScreen
	}
	for _, b := range backoffs[1:] {
		points = append(points, last.Add(b))
	}
	next := time.Time{}
	for _, p := range points {
		if p.After(in.LastChecked) {
			next = p
			break
		}
	}
	if next.IsZero() { // past the backoffs: every PollMaxBackoff after the last check
		next = in.LastChecked.Add(PollMaxBackoff)
	}
	return max(next.Sub(in.Now), time.Second)
}

// unknownWait backs off from 30 s to 15 min since the last check.
func unknownWait(in PollInput) time.Duration {
	if in.LastChecked.IsZero() {
		return PollUnknownMin
	}
	return backoff(in.Now.Sub(in.LastChecked), PollUnknownMin)
}

// backoff doubles from first, as elapsed grows, up to PollMaxBackoff.
func backoff(elapsed, first time.Duration) time.Duration {
	d := first
	for d < PollMaxBackoff && d < elapsed {
		d *= 2
	}
	return min(d, PollMaxBackoff)
}

// stretchForBudget doubles d when the per-minute budget is low and waits
// for the reset when it is spent.
func stretchForBudget(d time.Duration, now time.Time, h Headroom) time.Duration {
	if !h.Known || h.Limit <= 0 {
		return d
	}
	if h.Remaining <= 0 {
		return max(d, h.Reset.Sub(now))
	}
	if h.Low() {
		d *= 2
	}
	return d
}

// DecisionPoint is the moment from which status s of a booking for
// [start, end) can be known: ATTENDING and NO_SHOW once the no-show grace
// after the start has passed (a driver who has not arrived by then is a
// no-show), COMPLETED at the end. ok is false for any other status, or
// when the window is not known.
func DecisionPoint(s Status, start, end time.Time) (time.Time, bool) {
	switch {
	case start.IsZero() || end.IsZero():
		return time.Time{}, false
	case s == Attending || s == NoShow:
		return start.Add(NoShowGrace), true
	case s == Completed:
		return end, true
	}
	return time.Time{}, false
}
