package model

import "time"

// Warp is a booking's lifecycle clock when the simulator compresses time:
// from Anchor (the booking's creation) on, lifecycle time runs Speed times
// faster than the wall clock. Speed ≤ 1 means no compression.
type Warp struct {
	Anchor time.Time
	Speed  float64
}

// Active tells whether time is compressed.
func (w Warp) Active() bool { return w.Speed > 1 && !w.Anchor.IsZero() }

// Now maps a wall-clock instant to lifecycle time.
func (w Warp) Now(real time.Time) time.Time {
	if !w.Active() || real.Before(w.Anchor) {
		return real
	}
	return w.Anchor.Add(time.Duration(float64(real.Sub(w.Anchor)) * w.Speed))
}

// Real converts a lifecycle duration into wall-clock time.
func (w Warp) Real(d time.Duration) time.Duration {
	if !w.Active() {
		return d
	}
	return time.Duration(float64(d) / w.Speed)
}
