package sim

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// Every planned schedule follows model.CanTransition, in time order, ends in
// a terminal status, and keeps the CPO's answer times unscaled.
func TestScheduleIsAValidLifecycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	created := time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)
	for i := range 5000 {
		d := drawFor(rng)
		lead := 15*time.Minute + time.Duration(rng.Int64N(int64(48*time.Hour)))
		window := 15*time.Minute + time.Duration(rng.Int64N(int64(225*time.Minute)))
		speed := []float64{1, 0.5, 2, 60, 600, 100000}[i%6]
		trigger := []string{"", TriggerExpire, TriggerNoShow, TriggerReject, TriggerSlow}[i%5]
		start := created.Add(lead)
		evs := schedule(created, start, start.Add(window), speed, ConfirmTimeout, trigger, "ENB", 20, d)
		prev, at := model.Requested, created
		for _, e := range evs {
			if !model.CanTransition(prev, e.status) {
				t.Fatalf("case %d (%q, speed %v): %s → %s", i, trigger, speed, prev, e.status)
			}
			if !e.at.After(at) {
				t.Fatalf("case %d (%q, speed %v): %s at %v, not after %v", i, trigger, speed, e.status, e.at, at)
			}
			if e.status == model.Confirmed && e.at.Sub(created) > ConfirmTimeout {
				t.Fatalf("case %d: confirmed after the timeout", i)
			}
			prev, at = e.status, e.at
		}
		if !prev.Terminal() {
			t.Fatalf("case %d (%q): ends in %s", i, trigger, prev)
		}
		if d.confirm < ConfirmDelayMin || d.confirm > ConfirmDelayMax || d.pending < PendingDelayMin || d.pending > PendingDelayMax {
			t.Fatalf("case %d: delays %v %v", i, d.pending, d.confirm)
		}
	}
}
