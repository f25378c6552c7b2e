package ui

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// desk is one chargedesk of a team that shares one account key: the real
// root model and watchlist, its client talking to the simulator over HTTP.
type desk struct {
	app       *App
	client    *api.Client
	events    []api.Event
	plan      []time.Time // when this agent takes a call that ends in a booking
	lastUsage time.Time
}

// teamMonth is what a simulated month of a team cost.
type teamMonth struct {
	requests, bookings, limited, confirmations int
	usage                                      int // of the requests, /usage
	worstConfirm                               time.Duration
	exhaustedAt                                time.Time // zero: never
	agentHours                                 float64
}

// workHours are the team's hours, Berlin time, Monday to Friday.
const workStart, workEnd = 8, 18

// TestEconomyTeamMonth: 20 agents on one key (100 requests a minute and
// 10,000 a month for all of them) for the calendar month of December 2026,
// on a compressed clock. Each agent books at the pace the quota allows and
// its desk watches every booking to its final status; each desk opens in
// the morning and asks /usage by the program's rule. No answer may be a
// 429, the quota must last the month, and every confirmation must be seen
// within 10 s. Under -short (the race detector's pass) the same team works
// one week of the month at the month's pace, and the month's quota is
// judged by the week's requests scaled to the month's working days.
func TestEconomyTeamMonth(t *testing.T) {
	t.Parallel()
	const agents, bookingsPerAgent = 20, 60 // 1,200 bookings in the month
	month := time.Date(2026, 12, 1, 0, 0, 0, 0, model.Berlin)
	monthEnd := month.AddDate(0, 1, 0)
	start, end, perAgent := month, monthEnd, bookingsPerAgent
	if testing.Short() {
		start = time.Date(2026, 12, 7, 0, 0, 0, 0, model.Berlin) // Monday to Friday
		end = start.AddDate(0, 0, 5)
		perAgent = int(math.Round(bookingsPerAgent * workdays(start, end) / workdays(month, monthEnd)))
	}
	m := runTeamMonth(t, agents, perAgent, start, end)
	monthly := int(float64(m.requests) * workdays(month, monthEnd) / workdays(start, end))
	t.Logf("%d agents, %s – %s: %d bookings, %d requests (%d of them /usage; %.1f per booking, %.2f per agent-hour; %d in the month at this pace), %d × 429, %d confirmations seen, the latest %v after it happened, quota exhausted: %v",
		agents, start.Format("02 Jan"), end.AddDate(0, 0, -1).Format("02 Jan 2006"), m.bookings, m.requests, m.usage,
		float64(m.requests)/float64(m.bookings), float64(m.requests)/m.agentHours, monthly,
		m.limited, m.confirmations, m.worstConfirm, !m.exhaustedAt.IsZero())
	if m.limited > 0 || !m.exhaustedAt.IsZero() || monthly > 10000 || m.worstConfirm > 10*time.Second || m.confirmations < m.bookings*9/10 {
		t.Fatalf("%d × 429, exhausted at %v, %d requests in the month, latest confirmation %v, %d confirmations of %d bookings",
			m.limited, m.exhaustedAt, monthly, m.worstConfirm, m.confirmations, m.bookings)
	}
}

func runTeamMonth(t *testing.T, agents, perAgent int, start, end time.Time) teamMonth {
	clock := sim.NewManualClock(start)
	srv := simtest.Start(t, sim.Options{Seed: 7, Clock: clock})
	rng := rand.New(rand.NewPCG(7, 11))
	team := make([]*desk, agents)
	for i := range team {
		team[i] = newDesk(srv.Base, clock, workTimes(rng, start, end, perAgent))
	}
	var m teamMonth
	for now := start; now.Before(end); now = clock.Now() {
		m.bookings += teamStep(t, team, now)
		clock.Set(nextEvent(team, now, end))
	}
	for _, d := range team {
		m.requests += len(d.events)
		for _, ev := range d.events {
			if ev.Path == "/usage" {
				m.usage++
			}
			if ev.Status == 429 {
				m.limited++
				if strings.Contains(strings.ToLower(ev.Err), "monthly") && m.exhaustedAt.IsZero() {
					m.exhaustedAt = ev.Time
				}
			}
		}
	}
	m.countConfirmations(team)
	m.agentHours = float64(agents) * workdays(start, end) * (workEnd - workStart)
	return m
}

// teamStep is one moment of the team: every desk takes its due call,
// asks /usage when its rule says so, and issues its due polls. It returns
// how many bookings were made.
func teamStep(t *testing.T, team []*desk, now time.Time) int {
	n := 0
	for _, d := range team {
		if d.dueBooking(now) {
			n++
			d.book(t, now)
		}
		if d.dueUsage(now) {
			d.lastUsage = now
			d.run(usageCmd(d.client))
		}
		d.run(d.app.s.watch.tick())
	}
	return n
}

// countConfirmations adds every confirmation the desks saw, and how late.
func (m *teamMonth) countConfirmations(team []*desk) {
	for _, d := range team {
		for _, w := range d.app.s.watch.items {
			for _, s := range w.timeline {
				if s.status == model.Confirmed && !s.at.IsZero() {
					m.confirmations++
					m.worstConfirm = max(m.worstConfirm, s.seenAt.Sub(s.at))
				}
			}
		}
	}
}

func newDesk(base string, clock *sim.ManualClock, plan []time.Time) *desk {
	return newDeskWithKey(base, sim.DefaultKey, clock, plan)
}

func newDeskWithKey(base, key string, clock *sim.ManualClock, plan []time.Time) *desk {
	d := &desk{plan: plan}
	d.client = api.New(api.Config{BaseURL: base, APIKey: key, Now: clock.Now, Retries: -1,
		OnEvent: func(ev api.Event) { d.events = append(d.events, ev) }})
	d.app = New(Options{Client: d.client, Clock: clock, Mode: Mode{Host: "shared"},
		After: func(time.Duration, tea.Msg) tea.Cmd { return nil }}) // the loop drives the clock and the ticks
	return d
}

// workTimes are n moments in working hours of the month, in order.
func workTimes(rng *rand.Rand, start, end time.Time, n int) []time.Time {
	var out []time.Time
	days := int(end.Sub(start).Hours() / 24)
	for len(out) < n {
		day := start.AddDate(0, 0, rng.IntN(days))
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		out = append(out, day.Add(time.Duration(workStart)*time.Hour+time.Duration(rng.Int64N(int64((workEnd-workStart)*time.Hour)))))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func workdays(start, end time.Time) float64 {
	n := 0.0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func (d *desk) dueBooking(now time.Time) bool { return len(d.plan) > 0 && !now.Before(d.plan[0]) }

// dueUsage follows the program's rule for a desk in use: when it opens in
// the morning, then as refreshUsage allows.
func (d *desk) dueUsage(now time.Time) bool {
	l := now.In(model.Berlin)
	working := l.Weekday() != time.Saturday && l.Weekday() != time.Sunday && l.Hour() >= workStart && l.Hour() < workEnd
	if !working {
		return false
	}
	every := usageEvery
	if b := d.app.s.monthBudget(); b.Stretch(now) > 1 || b.Paused(now) {
		every = usageEveryTight
	}
	return d.lastUsage.In(model.Berlin).YearDay() != l.YearDay() || now.Sub(d.lastUsage) >= every
}

// book is one call: a search around a city, a booking of a free EVSE of
// the results for a start 20–35 min ahead, watched by the desk.
func (d *desk) book(t *testing.T, now time.Time) {
	d.plan = d.plan[1:]
	ctx := context.Background()
	city := model.Cities[len(d.events)%len(model.Cities)]
	resp, err := d.client.Search(ctx, model.SearchQuery{Lat: city.Lat, Lng: city.Lng, RadiusKM: 25, Limit: model.MaxSearchLimit})
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	startAt := model.DefaultStart(now)
	for _, l := range resp.Results {
		for _, e := range l.EVSEs {
			if ok, _ := model.Bookable(l, e); !ok {
				continue
			}
			if _, busy := d.app.s.watch.bookedFor(e.EVSEUID, startAt, startAt.Add(time.Hour)); busy {
				continue
			}
			res, err := d.client.CreateBooking(ctx, model.BookingRequest{LocationID: l.LocationID, EVSEUID: e.EVSEUID,
				ReservationStart: startAt, ReservationEnd: startAt.Add(time.Hour), TokenStrategy: model.DriverToken,
				CustomerID: fmt.Sprintf("cust_team_%d", len(d.events)), ExternalID: api.NewExternalID(now)})
			if api.IsConflict(err) {
				continue // another agent took it: the next one
			}
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			d.app.s.watch.track(*res.Booking, l, false)
			return
		}
	}
	t.Fatalf("no free EVSE near %s at %v", city.Name, now)
}

// run runs a command to quiescence, delivering its messages to the desk.
func (d *desk) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			d.run(c)
		}
	default:
		_, next := d.app.Update(m)
		d.run(next)
	}
}

// nextEvent is when anything of the team happens next: a call, a poll that
// falls due (a second on when one is held back by the budget), a desk's
// /usage; the clock jumps there.
func nextEvent(team []*desk, now, end time.Time) time.Time {
	next := end
	for _, d := range team {
		if len(d.plan) > 0 {
			next = earlier(next, d.plan[0])
		}
		for _, w := range d.app.s.watch.items {
			if w.active() && !w.inFlight && !w.nextPoll.IsZero() {
				next = earlier(next, w.nextPoll)
			}
		}
		if !d.app.s.watch.paused.IsZero() && d.app.s.watch.paused.After(now) {
			next = earlier(next, d.app.s.watch.paused)
		}
		l := now.In(model.Berlin)
		next = earlier(next, time.Date(l.Year(), l.Month(), l.Day(), l.Hour()+1, 0, 0, 0, model.Berlin)) // a desk's hourly look
	}
	if !next.After(now) {
		return now.Add(time.Second)
	}
	return next
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
