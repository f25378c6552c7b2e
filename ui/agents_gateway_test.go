package ui

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// upstreamCount counts what reaches the API, and its 429s.
type upstreamCount struct {
	mu              sync.Mutex
	requests, limit int
}

func (u *upstreamCount) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	u.mu.Lock()
	u.requests++
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		u.limit++
	}
	u.mu.Unlock()
	return resp, err
}

// TestEconomyTeamBehindGateway: 50 agents for a working week (Mon 7 to
// Fri 11 December 2026), each booking 10 times, all full lifecycles on a
// compressed clock, once with every desk on the key itself and once
// through one gateway (each desk with its agent token, taking pushed
// changes). Behind the gateway: no 429 upstream, every confirmation on
// the agents' screens within 5 s of happening, and fewer upstream requests
// per booking than the same team without it. Under -short (the race
// detector's pass) the same 50 agents work one day, booking 3 times each.
func TestEconomyTeamBehindGateway(t *testing.T) {
	t.Parallel()
	agents, perAgent, days := 50, 10, 5
	if testing.Short() {
		perAgent, days = 3, 1
	}
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, model.Berlin)
	end := start.AddDate(0, 0, days)
	direct := runTeam(t, agents, perAgent, start, end, false)
	gw := runTeam(t, agents, perAgent, start, end, true)
	for _, r := range []struct {
		name string
		m    teamMonth
	}{{"without a gateway", direct}, {"through the gateway", gw}} {
		t.Logf("%d agents, %s: %d bookings, %d upstream requests (%.1f per booking, %.2f per agent-hour), %d × 429, %d confirmations seen, the latest %v after it happened",
			agents, r.name, r.m.bookings, r.m.requests, float64(r.m.requests)/float64(r.m.bookings), float64(r.m.requests)/r.m.agentHours,
			r.m.limited, r.m.confirmations, r.m.worstConfirm)
	}
	if gw.limited > 0 || gw.worstConfirm > 5*time.Second || gw.confirmations < gw.bookings*9/10 {
		t.Errorf("through the gateway: %d × 429, latest confirmation %v, %d confirmations of %d bookings", gw.limited, gw.worstConfirm, gw.confirmations, gw.bookings)
	}
	if gw.requests >= direct.requests {
		t.Errorf("the gateway cost %d upstream requests, the team alone %d", gw.requests, direct.requests)
	}
}

// runTeam is a team's period: every desk on the key (viaGateway false,
// as runTeamMonth), or every desk behind one gateway.
func runTeam(t *testing.T, agents, perAgent int, start, end time.Time, viaGateway bool) teamMonth {
	if !viaGateway {
		return runTeamMonth(t, agents, perAgent, start, end)
	}
	clock := sim.NewManualClock(start)
	apiSrv := simtest.Start(t, sim.Options{Seed: 7, Clock: clock})
	st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "gateway.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	up := &upstreamCount{}
	gw := gateway.New(gateway.Config{UpstreamURL: apiSrv.Base, Key: sim.DefaultKey, Store: st, Clock: clock, Transport: up})
	gwSrv := httptest.NewServer(gw)
	t.Cleanup(gwSrv.Close)
	pushed, unsubscribe := gw.Subscribe()
	defer unsubscribe()

	rng := rand.New(rand.NewPCG(7, 11))
	team := make([]*desk, agents)
	for i := range team {
		token, err := st.AddAgent(context.Background(), "agent"+string(rune('A'+i%26))+string(rune('a'+i/26)), start)
		if err != nil {
			t.Fatal(err)
		}
		team[i] = newDeskWithKey(gwSrv.URL+gateway.ClientPath, token, clock, workTimes(rng, start, end, perAgent))
		team[i].app.s.watch.setPushed(true) // as once its events stream is open
	}
	ctx := context.Background()
	deliver := func() {
		for {
			select {
			case raw := <-pushed:
				var b model.Booking
				if json.Unmarshal(raw, &b) == nil {
					for _, d := range team {
						d.app.s.watch.observe(b)
					}
				}
			default:
				return
			}
		}
	}
	var m teamMonth
	for now := start; now.Before(end); now = clock.Now() {
		m.bookings += teamStep(t, team, now)
		gw.PollDue(ctx)
		deliver()
		next := nextEvent(team, now, end)
		if due := gw.NextDue(); !due.IsZero() && due.After(now) && due.Before(next) {
			next = due
		}
		clock.Set(next)
	}
	m.requests, m.limited = up.requests, up.limit
	m.countConfirmations(team)
	m.agentHours = float64(agents) * workdays(start, end) * (workEnd - workStart)
	return m
}
