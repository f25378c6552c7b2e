package ui

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// agent is one chargedesk of a team that shares one account key.
type agent struct {
	app    *App
	client *api.Client
	timers []timer
	events []api.Event
	next   time.Time // the next booking this agent makes
	made   int
}

// TestManyAgentsOneAccount: 20 agents on one key (100 requests a minute for
// all of them), each watching its 5 newest bookings and booking a new charger
// every 3 minutes, for an hour of simulated time. No response may be a 429,
// and every confirmation must be seen within 10 s.
func TestManyAgentsOneAccount(t *testing.T) {
	const (
		agents   = 20
		watchMax = 5
		every    = 3 * time.Minute
		duration = time.Hour
	)
	clock := sim.NewManualClock(t0)
	server := sim.New(sim.Options{Seed: 7, Clock: clock})
	srv := httptest.NewServer(server)
	defer srv.Close()

	var evses []struct{ loc, evse string }
	for _, l := range server.Locations() {
		for _, e := range l.EVSEs {
			if l.SupportsReservation && e.Status == model.EVSEAvailable {
				evses = append(evses, struct{ loc, evse string }{l.LocationID, e.EVSEUID})
			}
		}
	}
	team := make([]*agent, agents)
	for i := range team {
		ag := &agent{next: t0.Add(time.Duration(i) * every / agents)}
		ag.client = api.New(api.Config{BaseURL: srv.URL + sim.BasePath, APIKey: sim.DefaultKey, Now: clock.Now, Retries: -1,
			OnEvent: func(ev api.Event) { ag.events = append(ag.events, ev) }})
		ag.app = New(Options{Client: ag.client, Clock: clock, Mode: Mode{Host: "shared"},
			After: func(d time.Duration, msg tea.Msg) tea.Cmd {
				ag.timers = append(ag.timers, timer{due: clock.Now().Add(d), msg: msg})
				return nil
			}})
		team[i] = ag
	}
	var run func(ag *agent, cmd tea.Cmd)
	deliver := func(ag *agent, msg tea.Msg) {
		_, cmd := ag.app.Update(msg)
		run(ag, cmd)
	}
	run = func(ag *agent, cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		switch m := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range m {
				run(ag, c)
			}
		default:
			if strings.Contains(fmt.Sprintf("%T", m), "BackgroundColor") {
				return
			}
			deliver(ag, m)
		}
	}
	for _, ag := range team {
		run(ag, ag.app.Init())
		deliver(ag, tea.WindowSizeMsg{Width: 100, Height: 30})
	}

	ctx := context.Background()
	slot := 0
	creates := 0
	for clock.Now().Before(t0.Add(duration)) {
		now := clock.Now()
		for _, ag := range team {
			// Book the next charger when it is time.
			if !now.Before(ag.next) {
				ag.next = ag.next.Add(every)
				e := evses[slot%len(evses)]
				slot++
				start := model.DefaultStart(now)
				res, err := ag.client.CreateBooking(ctx, model.BookingRequest{LocationID: e.loc, EVSEUID: e.evse,
					ReservationStart: start, ReservationEnd: start.Add(30 * time.Minute), TokenStrategy: model.DriverToken,
					CustomerID: fmt.Sprintf("cust_team_%d", ag.made), ExternalID: fmt.Sprintf("team-%d", slot)})
				if err != nil {
					t.Fatalf("create: %v", err)
				}
				creates++
				ag.made++
				wl := ag.app.c.watch
				wl.track(*res.Booking, model.Location{}, false)
				if len(wl.order) > watchMax { // each agent watches its 5 newest
					old := wl.order[len(wl.order)-1]
					wl.order = wl.order[:len(wl.order)-1]
					delete(wl.items, old)
				}
			}
			// Fire this agent's due timers (its heartbeat).
			sort.SliceStable(ag.timers, func(i, j int) bool { return ag.timers[i].due.Before(ag.timers[j].due) })
			for len(ag.timers) > 0 && !ag.timers[0].due.After(now) {
				tm := ag.timers[0]
				ag.timers = ag.timers[1:]
				deliver(ag, tm.msg)
			}
		}
		clock.Advance(time.Second)
	}

	// Figures.
	var total, limited int
	var worst time.Duration
	confirmations := 0
	perMinute := map[int]int{}
	for _, ag := range team {
		for _, ev := range ag.events {
			total++
			if ev.Status == 429 {
				limited++
			}
			perMinute[int(ev.Time.Sub(t0)/time.Minute)]++
		}
		for _, w := range ag.app.c.watch.items {
			for _, s := range w.timeline {
				if s.status == model.Confirmed && !s.at.IsZero() {
					confirmations++
					if d := s.seenAt.Sub(s.at); d > worst {
						worst = d
					}
				}
			}
		}
	}
	steady := 0
	for m := 30; m < 60; m++ {
		steady += perMinute[m]
	}
	t.Logf("%d agents, %d bookings made, %d requests in %v (%d/min over the last 30 min), %d × 429, %d confirmations seen, the latest %v after it happened",
		agents, creates, total, duration, steady/30, limited, confirmations, worst)
	if limited > 0 {
		t.Errorf("%d responses were 429", limited)
	}
	if worst > 10*time.Second {
		t.Errorf("a confirmation was seen %v after it happened, want ≤ 10 s", worst)
	}
}
