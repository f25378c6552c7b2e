package model_test

import (
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

var pollNow = time.Date(2026, 2, 10, 13, 0, 0, 0, time.UTC)

// plenty is a headroom with most of the budget left.
func plenty(now time.Time) model.Headroom {
	return model.Headroom{Known: true, Limit: 100, Remaining: 90, Reset: now.Add(30 * time.Second)}
}

func TestHeadroomLow(t *testing.T) {
	for _, tt := range []struct {
		name string
		h    model.Headroom
		want bool
	}{
		{"unknown", model.Headroom{}, false},
		{"unknown with numbers", model.Headroom{Limit: 100, Remaining: 1}, false},
		{"plenty", model.Headroom{Known: true, Limit: 100, Remaining: 90}, false},
		{"exactly a fifth", model.Headroom{Known: true, Limit: 100, Remaining: 20}, false},
		{"just under a fifth", model.Headroom{Known: true, Limit: 100, Remaining: 19}, true},
		{"one left", model.Headroom{Known: true, Limit: 100, Remaining: 1}, true},
		{"none left", model.Headroom{Known: true, Limit: 100, Remaining: 0}, true},
		{"limit 0", model.Headroom{Known: true, Limit: 0, Remaining: 0}, false},
	} {
		if got := tt.h.Low(); got != tt.want {
			t.Errorf("%s: Low() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNextPollTerminalStops(t *testing.T) {
	start := pollNow.Add(time.Hour)
	heads := []model.Headroom{{}, plenty(pollNow),
		{Known: true, Limit: 100, Remaining: 5},
		{Known: true, Limit: 100, Remaining: 0, Reset: pollNow.Add(time.Minute)}}
	for _, st := range []model.Status{model.Completed, model.Cancelled, model.Expired, model.NoShow} {
		for _, h := range heads {
			if d := model.NextPoll(st, start, start.Add(time.Hour), pollNow, h); d != 0 {
				t.Errorf("NextPoll(%s, headroom %+v) = %v, want 0", st, h, d)
			}
		}
	}
}

func TestNextPoll(t *testing.T) {
	now := pollNow
	in := func(d time.Duration) time.Time { return now.Add(d) }
	tests := []struct {
		name       string
		st         model.Status
		start, end time.Time
		h          model.Headroom
		min, max   time.Duration // inclusive bounds
	}{
		{"requested", model.Requested, in(time.Hour), in(2 * time.Hour), plenty(now), 1, 5 * time.Second},
		{"pending", model.Pending, in(time.Hour), in(2 * time.Hour), plenty(now), 1, 5 * time.Second},
		{"requested, headroom unknown", model.Requested, in(time.Hour), in(2 * time.Hour), model.Headroom{}, 1, 5 * time.Second},
		{"requested, window unknown", model.Requested, time.Time{}, time.Time{}, model.Headroom{}, 1, 5 * time.Second},

		{"confirmed 3 h ahead", model.Confirmed, in(3 * time.Hour), in(4 * time.Hour), plenty(now), 5 * time.Minute, 5 * time.Minute},
		{"confirmed 45 min ahead", model.Confirmed, in(45 * time.Minute), in(2 * time.Hour), plenty(now), 30 * time.Second, 5 * time.Minute},
		{"confirmed 10 min ahead", model.Confirmed, in(10 * time.Minute), in(2 * time.Hour), plenty(now), time.Minute, time.Minute},
		{"confirmed 5 min ahead: a tenth is under 30 s", model.Confirmed, in(5 * time.Minute), in(2 * time.Hour), plenty(now), 30 * time.Second, 30 * time.Second},
		{"confirmed 2m20s ahead: wake at start-2min", model.Confirmed, in(2*time.Minute + 20*time.Second), in(time.Hour), plenty(now), 20 * time.Second, 20 * time.Second},
		{"confirmed 2 min ahead", model.Confirmed, in(2 * time.Minute), in(time.Hour), plenty(now), 15 * time.Second, 15 * time.Second},
		{"confirmed 1 min ahead", model.Confirmed, in(time.Minute), in(time.Hour), plenty(now), 15 * time.Second, 15 * time.Second},
		{"confirmed at start", model.Confirmed, now, in(time.Hour), plenty(now), 15 * time.Second, 15 * time.Second},
		{"confirmed past start", model.Confirmed, in(-10 * time.Minute), in(time.Hour), plenty(now), 15 * time.Second, 15 * time.Second},
		{"confirmed long past end", model.Confirmed, in(-3 * time.Hour), in(-time.Hour), plenty(now), 15 * time.Second, 15 * time.Second},
		{"confirmed, start unknown", model.Confirmed, time.Time{}, time.Time{}, plenty(now), 30 * time.Second, 5 * time.Minute},

		{"attending", model.Attending, in(-time.Minute), in(2 * time.Hour), plenty(now), 1, 60 * time.Second},
		{"attending, end unknown", model.Attending, in(-time.Minute), time.Time{}, plenty(now), 1, 60 * time.Second},
		{"attending, end in 10 s: just after the end", model.Attending, in(-time.Hour), in(10 * time.Second), plenty(now), 10*time.Second + 1, 15 * time.Second},
		{"attending, past end", model.Attending, in(-2 * time.Hour), in(-time.Minute), plenty(now), 1, 60 * time.Second},

		{"unknown status", "ON_HOLD", in(time.Hour), in(2 * time.Hour), plenty(now), 1, 5 * time.Minute},
		{"empty status", "", time.Time{}, time.Time{}, model.Headroom{}, 1, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := model.NextPoll(tt.st, tt.start, tt.end, now, tt.h)
			if d < tt.min || d > tt.max {
				t.Errorf("NextPoll = %v, want in [%v, %v]", d, tt.min, tt.max)
			}
		})
	}
}

// CONFIRMED before the start, at every lead from 1 s to 6 h: never past
// start−2min (unless already inside the near-start phase), never more than
// 5 min, at least 30 s when start−2min is that far away, and never 0.
func TestNextPollConfirmedNeverOversleeps(t *testing.T) {
	now := pollNow
	for lead := time.Second; lead <= 6*time.Hour; lead += 997 * time.Millisecond {
		start := now.Add(lead)
		d := model.NextPoll(model.Confirmed, start, start.Add(time.Hour), now, plenty(now))
		if d <= 0 {
			t.Fatalf("lead %v: NextPoll = %v, want > 0", lead, d)
		}
		if d > model.PollIdleMax {
			t.Fatalf("lead %v: NextPoll = %v, more than 5 min", lead, d)
		}
		wake := lead - 2*time.Minute
		if wake <= 0 {
			if d != model.PollNearStart {
				t.Fatalf("lead %v (inside the last 2 min): NextPoll = %v, want %v", lead, d, model.PollNearStart)
			}
			continue
		}
		if d > wake {
			t.Fatalf("lead %v: NextPoll = %v sleeps past start−2min (%v away)", lead, d, wake)
		}
		if wake >= model.PollIdleMin && d < model.PollIdleMin {
			t.Fatalf("lead %v: NextPoll = %v, under 30 s while start−2min is %v away", lead, d, wake)
		}
	}
}

// No non-terminal status may ever get 0 (that would stop the watcher).
func TestNextPollNeverZeroWhileLive(t *testing.T) {
	now := pollNow
	heads := []model.Headroom{{}, plenty(now),
		{Known: true, Limit: 100, Remaining: 3, Reset: now.Add(20 * time.Second)},
		{Known: true, Limit: 100, Remaining: 0, Reset: now.Add(-time.Second)},
		{Known: true, Limit: 100, Remaining: 0, Reset: now}}
	offsets := []time.Duration{-5 * time.Hour, -time.Minute, -1, 0, 1, time.Second,
		2 * time.Minute, 2*time.Minute + 1, 2*time.Minute + time.Second, 5 * time.Minute, 10 * time.Hour}
	for _, st := range []model.Status{model.Requested, model.Pending, model.Confirmed, model.Attending, "FOO"} {
		for _, h := range heads {
			for _, so := range offsets {
				for _, eo := range offsets {
					start, end := now.Add(so), now.Add(eo)
					if d := model.NextPoll(st, start, end, now, h); d <= 0 {
						t.Errorf("NextPoll(%s, start %+v, end %+v, %+v) = %v, want > 0", st, so, eo, h, d)
					}
				}
			}
		}
	}
}

func TestNextPollHeadroom(t *testing.T) {
	now := pollNow
	start := now.Add(time.Hour)
	end := start.Add(time.Hour)
	low := model.Headroom{Known: true, Limit: 100, Remaining: 10, Reset: now.Add(40 * time.Second)}
	for _, st := range []model.Status{model.Requested, model.Pending, model.Confirmed, model.Attending, "FOO"} {
		t.Run(string(st)+" low headroom stretches", func(t *testing.T) {
			normal := model.NextPoll(st, start, end, now, plenty(now))
			stretched := model.NextPoll(st, start, end, now, low)
			if stretched <= normal {
				t.Errorf("low headroom: %v, normal: %v; want longer", stretched, normal)
			}
			if stretched > 2*normal {
				t.Errorf("low headroom: %v, more than double the normal %v", stretched, normal)
			}
		})
	}

	for _, tt := range []struct {
		name  string
		st    model.Status
		h     model.Headroom
		start time.Time
		want  time.Duration
	}{
		{"exhausted: wait until reset", model.Requested,
			model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: now.Add(42 * time.Second)}, start, 42 * time.Second},
		{"exhausted, negative remaining", model.Pending,
			model.Headroom{Known: true, Limit: 100, Remaining: -3, Reset: now.Add(42 * time.Second)}, start, 42 * time.Second},
		{"exhausted but reset already passed", model.Requested,
			model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: now.Add(-time.Second)}, start, model.PollConfirming},
		{"exhausted, reset sooner than the normal interval", model.Confirmed,
			model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: now.Add(10 * time.Second)}, now.Add(3 * time.Hour), model.PollIdleMax},
		{"exhausted near start: the reset wins", model.Confirmed,
			model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: now.Add(50 * time.Second)}, now.Add(time.Minute), 50 * time.Second},
		{"limit unknown (0): no effect", model.Requested,
			model.Headroom{Known: true, Limit: 0, Remaining: 0, Reset: now.Add(time.Hour)}, start, model.PollConfirming},
		{"not known: no effect", model.Requested,
			model.Headroom{Known: false, Limit: 100, Remaining: 0, Reset: now.Add(time.Hour)}, start, model.PollConfirming},
		{"low near start doubles 15 s", model.Confirmed,
			model.Headroom{Known: true, Limit: 100, Remaining: 1, Reset: now.Add(time.Hour)}, now.Add(time.Minute), 2 * model.PollNearStart},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := model.NextPoll(tt.st, tt.start, tt.start.Add(time.Hour), now, tt.h); got != tt.want {
				t.Errorf("NextPoll = %v, want %v", got, tt.want)
			}
		})
	}
}

// simBooking is the status the server would report at a moment.
type simBooking struct {
	t0, confirmedAt, start, attendingAt, end time.Time
}

func (b simBooking) statusAt(t time.Time) model.Status {
	switch {
	case t.Before(b.confirmedAt):
		return model.Requested
	case t.Before(b.attendingAt):
		return model.Confirmed
	case t.Before(b.end):
		return model.Attending
	}
	return model.Completed
}

// simulate polls b from t0 for an hour, following the policy, and returns
// the polls made and when each status was first seen.
func simulate(t testing.TB, b simBooking, head func(now time.Time) model.Headroom) (polls int, seen map[model.Status]time.Time) {
	t.Helper()
	seen = map[model.Status]time.Time{}
	until := b.t0.Add(time.Hour)
	for now := b.t0; now.Before(until); {
		polls++
		st := b.statusAt(now)
		if _, ok := seen[st]; !ok {
			seen[st] = now
		}
		d := model.NextPoll(st, b.start, b.end, now, head(now))
		if d <= 0 {
			if !st.Terminal() {
				t.Fatalf("at %v: NextPoll(%s) = %v for a live booking", now.Sub(b.t0), st, d)
			}
			break
		}
		now = now.Add(d)
	}
	return polls, seen
}

func newSimBooking() simBooking {
	t0 := pollNow
	start := t0.Add(45 * time.Minute)
	return simBooking{
		t0:          t0,
		confirmedAt: t0.Add(4 * time.Second),
		start:       start,
		attendingAt: start.Add(time.Minute),
		end:         start.Add(2 * time.Hour),
	}
}

func TestNextPollSimulation(t *testing.T) {
	b := newSimBooking()
	polls, seen := simulate(t, b, plenty)
	t.Logf("%d polls in an hour; CONFIRMED seen at +%v, ATTENDING at +%v",
		polls, seen[model.Confirmed].Sub(b.t0), seen[model.Attending].Sub(b.t0))

	c, ok := seen[model.Confirmed]
	if !ok {
		t.Fatal("CONFIRMED never seen")
	}
	if lag := c.Sub(b.confirmedAt); lag < 0 || lag > 5*time.Second {
		t.Errorf("CONFIRMED seen %v after it happened, want ≤ 5 s", lag)
	}
	a, ok := seen[model.Attending]
	if !ok {
		t.Fatal("ATTENDING never seen")
	}
	if lag := a.Sub(b.attendingAt); lag < 0 || lag > model.PollNearStart {
		t.Errorf("ATTENDING seen %v after it happened, want ≤ %v", lag, model.PollNearStart)
	}
	// Polling every 5 s for an hour is 720 requests; the policy must do a tenth.
	if polls > 72 {
		t.Errorf("%d polls in an hour, want ≤ 72", polls)
	}
}

// With the budget low all along the policy still sees confirmation promptly
// (within two confirming intervals) and makes fewer requests.
func TestNextPollSimulationLowHeadroom(t *testing.T) {
	b := newSimBooking()
	normal, _ := simulate(t, b, plenty)
	low := func(now time.Time) model.Headroom {
		return model.Headroom{Known: true, Limit: 100, Remaining: 5, Reset: now.Add(30 * time.Second)}
	}
	polls, seen := simulate(t, b, low)
	if lag := seen[model.Confirmed].Sub(b.confirmedAt); lag < 0 || lag > 2*model.PollConfirming {
		t.Errorf("low headroom: CONFIRMED seen %v after it happened, want ≤ %v", lag, 2*model.PollConfirming)
	}
	if polls >= normal {
		t.Errorf("low headroom: %d polls, normal %d; want fewer", polls, normal)
	}
}

// A booking that expires while the client is out of budget: the watcher
// waits for the reset, then stops at the terminal status.
func TestNextPollSimulationExhausted(t *testing.T) {
	now := pollNow
	reset := now.Add(50 * time.Second)
	h := model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: reset}
	d := model.NextPoll(model.Requested, now.Add(time.Hour), now.Add(2*time.Hour), now, h)
	if got := now.Add(d); got.Before(reset) {
		t.Fatalf("next poll at %v, before the reset %v", got, reset)
	}
	if d := model.NextPoll(model.Expired, now.Add(time.Hour), now.Add(2*time.Hour), now.Add(d), h); d != 0 {
		t.Fatalf("after EXPIRED: NextPoll = %v, want 0", d)
	}
}

func BenchmarkNextPoll(b *testing.B) {
	now := pollNow
	start := now.Add(45 * time.Minute)
	end := start.Add(2 * time.Hour)
	h := plenty(now)
	sts := []model.Status{model.Requested, model.Confirmed, model.Attending, model.Completed, "FOO"}
	var sink time.Duration
	i := 0
	for b.Loop() {
		sink += model.NextPoll(sts[i%len(sts)], start, end, now, h)
		i++
	}
	_ = sink
}

// BenchmarkPollOneBookingHour reports the requests the policy spends watching
// one booking for an hour (CONFIRMED after 4 s, start 45 min later) against
// polling every 5 s (issue: ≤ 0.1), and how late the confirmation is seen.
func BenchmarkPollOneBookingHour(b *testing.B) {
	bk := newSimBooking()
	var polls int
	var seen map[model.Status]time.Time
	for i := 0; i < b.N; i++ {
		polls, seen = simulate(b, bk, plenty)
	}
	b.ReportMetric(float64(polls), "requests/hour")
	b.ReportMetric(float64(polls)/720, "ratio-vs-5s")
	b.ReportMetric(seen[model.Confirmed].Sub(bk.confirmedAt).Seconds(), "s-to-see-CONFIRMED")
}
