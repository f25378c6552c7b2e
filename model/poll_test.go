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
		{"none left", model.Headroom{Known: true, Limit: 100, Remaining: 0}, true},
		{"limit 0", model.Headroom{Known: true, Limit: 0, Remaining: 0}, false},
	} {
		if got := tt.h.Low(); got != tt.want {
			t.Errorf("%s: Low() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNextPollFinalStatusesStop(t *testing.T) {
	for _, st := range []model.Status{model.Completed, model.Cancelled, model.Expired, model.NoShow} {
		in := model.PollInput{Status: st, Start: pollNow.Add(time.Hour), End: pollNow.Add(2 * time.Hour), Now: pollNow, Headroom: plenty(pollNow)}
		if d := model.NextPoll(in); d != 0 {
			t.Errorf("%s: %v, want 0", st, d)
		}
	}
}

// The policy's decision points, as waits from now.
func TestNextPollDecisionPoints(t *testing.T) {
	start, end := pollNow.Add(30*time.Minute), pollNow.Add(90*time.Minute)
	at := func(d time.Duration) time.Time { return pollNow.Add(d) }
	for _, tt := range []struct {
		name string
		in   model.PollInput
		want time.Duration
	}{
		{"requested right after the create", model.PollInput{Status: model.Requested, Created: at(-2 * time.Second)}, 5 * time.Second},
		{"pending for a minute", model.PollInput{Status: model.Pending, Created: at(-time.Minute)}, 5 * time.Second},
		{"pending for 3 min: backing off", model.PollInput{Status: model.Pending, Created: at(-3 * time.Minute)}, time.Minute},
		{"pending for an hour", model.PollInput{Status: model.Pending, Created: at(-time.Hour)}, 15 * time.Minute},
		{"confirmed: nothing until shortly before the start",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(-time.Second)}, 25 * time.Minute},
		{"confirmed, checked before the start: next after start + grace",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(25 * time.Minute), Now: at(25 * time.Minute)}, 21 * time.Minute},
		{"confirmed past the grace, checked then: back off 2 min",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(46 * time.Minute), Now: at(46 * time.Minute)}, 2 * time.Minute},
		{"confirmed, still so much later: every 15 min",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(5 * time.Hour), Now: at(5 * time.Hour)}, 15 * time.Minute},
		{"confirmed, a point missed: at once",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(-time.Hour), Now: at(40 * time.Minute)}, time.Second},
		{"attending: once after the end",
			model.PollInput{Status: model.Attending, Start: start, End: end, LastChecked: at(46 * time.Minute), Now: at(46 * time.Minute)}, 45 * time.Minute},
		{"attending after the end, unchanged: 2 min",
			model.PollInput{Status: model.Attending, Start: start, End: end, LastChecked: at(91 * time.Minute), Now: at(91 * time.Minute)}, 2 * time.Minute},
		{"on screen near the start: the point, as off screen",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(22 * time.Minute), Now: at(22 * time.Minute), OnScreen: true}, 3 * time.Minute},
		{"on screen, checked before the start: next after start + grace, as off screen",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(25 * time.Minute), Now: at(25 * time.Minute), OnScreen: true}, 21 * time.Minute},
		{"on screen past the grace, still confirmed: asked again in 30 s",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(46 * time.Minute), Now: at(46 * time.Minute), OnScreen: true}, 30 * time.Second},
		{"on screen past the grace, still confirmed 2 min on: the usual backoff",
			model.PollInput{Status: model.Confirmed, Start: start, End: end, LastChecked: at(48 * time.Minute), Now: at(48 * time.Minute), OnScreen: true}, 5 * time.Minute},
		{"on screen, attending after the end, unchanged: 30 s",
			model.PollInput{Status: model.Attending, Start: start, End: end, LastChecked: at(91 * time.Minute), Now: at(91 * time.Minute), OnScreen: true}, 30 * time.Second},
		{"on screen, start tomorrow: nothing sooner",
			model.PollInput{Status: model.Confirmed, Start: at(24 * time.Hour), End: at(25 * time.Hour), LastChecked: pollNow, OnScreen: true}, 24*time.Hour - 5*time.Minute},
		{"an unknown status: 30 s, then doubling", model.PollInput{Status: "ON_HOLD", LastChecked: at(-time.Minute)}, time.Minute},
		{"confirmed without a window: backing off like an unknown", model.PollInput{Status: model.Confirmed, LastChecked: at(-10 * time.Second)}, 30 * time.Second},
	} {
		if tt.in.Now.IsZero() {
			tt.in.Now = pollNow
		}
		tt.in.Headroom = plenty(tt.in.Now)
		if got := model.NextPoll(tt.in); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNextPollHeadroom(t *testing.T) {
	in := model.PollInput{Status: model.Pending, Created: pollNow, Now: pollNow}
	in.Headroom = model.Headroom{Known: true, Limit: 100, Remaining: 10}
	if d := model.NextPoll(in); d != 10*time.Second {
		t.Errorf("low budget: %v, want doubled to 10 s", d)
	}
	in.Headroom = model.Headroom{Known: true, Limit: 100, Remaining: 0, Reset: pollNow.Add(40 * time.Second)}
	if d := model.NextPoll(in); d != 40*time.Second {
		t.Errorf("spent budget: %v, want the reset in 40 s", d)
	}
}

// simBooking is a booking's true life, to replay the policy against.
type simBooking struct {
	created, confirm, start, attend, complete, end time.Time
}

func (b simBooking) statusAt(t time.Time) model.Status {
	switch {
	case !t.Before(b.complete):
		return model.Completed
	case !t.Before(b.attend):
		return model.Attending
	case !t.Before(b.confirm):
		return model.Confirmed
	case !t.Before(b.created.Add(time.Second)):
		return model.Pending
	}
	return model.Requested
}

// replay runs the policy from the create until a final status, counting the
// polls and when each status was first seen.
func replay(b simBooking, onScreen bool) (polls int, seen map[model.Status]time.Time) {
	seen = map[model.Status]time.Time{model.Requested: b.created}
	st, last := model.Requested, b.created
	now := b.created
	for i := 0; i < 10000; i++ {
		d := model.NextPoll(model.PollInput{Status: st, Start: b.start, End: b.end, Created: b.created, LastChecked: last, Now: now, OnScreen: onScreen})
		if d == 0 {
			return polls, seen
		}
		now = now.Add(d)
		polls++
		st, last = b.statusAt(now), now
		if _, ok := seen[st]; !ok {
			seen[st] = now
		}
	}
	return polls, seen
}

// The default flow of the TUI: a start 20–35 min ahead, an hour long, the
// booking on the agent's screen or not: the same handful of polls, and
// ATTENDING and COMPLETED seen within a minute of the points that decide
// them.
func TestNextPollBookingCostsAHandful(t *testing.T) {
	for _, onScreen := range []bool{false, true} {
		for lead := 20 * time.Minute; lead <= 35*time.Minute; lead += 5 * time.Minute {
			created := pollNow
			start := created.Add(lead)
			b := simBooking{created: created, confirm: created.Add(7 * time.Second), start: start,
				attend: start.Add(2 * time.Minute), complete: start.Add(50 * time.Minute), end: start.Add(time.Hour)}
			polls, seen := replay(b, onScreen)
			if polls > 6 {
				t.Errorf("on screen %v, lead %v: %d polls, want at most 6", onScreen, lead, polls)
			}
			if d := seen[model.Confirmed].Sub(b.confirm); d > 5*time.Second {
				t.Errorf("on screen %v, lead %v: CONFIRMED seen %v after it happened", onScreen, lead, d)
			}
			for _, st := range []model.Status{model.Attending, model.Completed} {
				p, _ := model.DecisionPoint(st, b.start, b.end)
				if d := seen[st].Sub(p); seen[st].IsZero() || d > time.Minute {
					t.Errorf("on screen %v, lead %v: %s seen %v after its decision point", onScreen, lead, st, d)
				}
			}
		}
	}
}

// A CPO that reports late: on screen the change due at the end is asked
// for again every 30 s, and seen within 30 s of coming; off screen it
// waits for the backoff (2 min after the point).
func TestNextPollOnScreenAsksSoonerForALateChange(t *testing.T) {
	created := pollNow
	start := created.Add(30 * time.Minute)
	end := start.Add(time.Hour)
	b := simBooking{created: created, confirm: created.Add(7 * time.Second), start: start,
		attend: start.Add(2 * time.Minute), complete: end.Add(90 * time.Second), end: end}
	offPolls, off := replay(b, false)
	onPolls, on := replay(b, true)
	if d := on[model.Completed].Sub(b.complete); d > model.PollOnScreen {
		t.Errorf("on screen: COMPLETED seen %v after it came", d)
	}
	if !off[model.Completed].After(on[model.Completed]) || onPolls > offPolls+2 {
		t.Errorf("on screen: seen at %v with %d polls; off screen at %v with %d", on[model.Completed], onPolls, off[model.Completed], offPolls)
	}
}

func TestDecisionPoint(t *testing.T) {
	start, end := pollNow, pollNow.Add(time.Hour)
	for _, tt := range []struct {
		st   model.Status
		want time.Time
		ok   bool
	}{
		{model.Attending, start.Add(model.NoShowGrace), true},
		{model.NoShow, start.Add(model.NoShowGrace), true},
		{model.Completed, end, true},
		{model.Confirmed, time.Time{}, false},
	} {
		got, ok := model.DecisionPoint(tt.st, start, end)
		if !got.Equal(tt.want) || ok != tt.ok {
			t.Errorf("%s: %v %v, want %v %v", tt.st, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := model.DecisionPoint(model.Completed, time.Time{}, time.Time{}); ok {
		t.Error("a point without a window")
	}
}

func BenchmarkNextPoll(b *testing.B) {
	in := model.PollInput{Status: model.Confirmed, Start: pollNow.Add(time.Hour), End: pollNow.Add(2 * time.Hour),
		LastChecked: pollNow, Now: pollNow, Headroom: plenty(pollNow)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = model.NextPoll(in)
	}
}
