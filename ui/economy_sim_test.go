package ui

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The honest measures of request economy (BENCHMARKS.md): the real program
// driven key by key against the simulator over HTTP, on a manual clock, the
// reservation's lifecycle in real time (speed 1). Run them with
//
//	go test -run 'TestEconomy' -v ./ui

func withSim(edit func(*sim.Options)) harnessOpt {
	return func(so *sim.Options, _ *Options, _ *api.Config) { edit(so) }
}

// lifecycle is what one booking of the default flow cost and how fast its
// changes were seen.
type lifecycle struct {
	requests             int           // from the search to the final status seen (/usage aside: the desk's)
	confirmSeen          time.Duration // CONFIRMED seen this long after it happened
	final                model.Status
	cancelBefore         bool // a CPO cancel before the start was seen before the start
	cancelled            bool
	cancelledBeforeStart bool
	finalSeenLate        time.Duration
	// pointLate is, for ATTENDING, NO_SHOW and COMPLETED, how long after
	// the decision point that shows it the desk saw it (model.DecisionPoint).
	pointLate map[model.Status]time.Duration
}

// agentKind is how the agent treats the booking once the CPO confirmed it.
type agentKind int

const (
	movesOn agentKind = iota // n: the next call; the booking is watched in the background
	keeps                    // the status screen stays open to the final status
	reopens                  // n, then opens it again from the bookings list 10 min before the start, and keeps it open
)

func (k agentKind) String() string {
	return [...]string{"moves on", "keeps it on screen", "opens it again later"}[k]
}

// bookOneLifecycle runs the TUI's default flow for one booking (search the
// guide's example, enter through to the form's default start 20–35 min
// ahead for an hour, book, watch it confirm, go back to a new search) and
// lets it play out to its final status.
func bookOneLifecycle(t *testing.T, seed int64, opts ...harnessOpt) lifecycle {
	return agentLifecycle(t, seed, movesOn, "", opts...)
}

// agentLifecycle is bookOneLifecycle for an agent of kind, the booking for
// customer (default cust_seed_N; a simulator trigger such as cust_noshow
// takes its path).
func agentLifecycle(t *testing.T, seed int64, kind agentKind, customer string, opts ...harnessOpt) lifecycle {
	h := newHarness(t, large, append([]harnessOpt{withSim(func(o *sim.Options) { o.Seed = seed })}, opts...)...)
	h.advance(time.Duration(seed*7) * time.Minute) // each seed at another time of day
	from := len(h.events)
	h.typeText("München")
	h.key("enter")
	h.wantOn("Results")
	h.key("enter", "enter")
	h.wantOn("Book")
	h.focus("Customer id")
	if customer == "" {
		customer = fmt.Sprintf("cust_seed_%d", seed)
	}
	h.typeText(customer)
	h.key("enter")
	h.wantOn("Booking status")
	var lc lifecycle
	b := h.sim.Bookings()[0]
	start, _ := b.Window()
	for i := 0; i < 60 && h.status() != "CONFIRMED" && h.status() != "CANCELLED"; i++ {
		h.advance(time.Second)
	}
	if cur := h.sim.Bookings()[0]; cur.Status == model.Confirmed && cur.StatusUpdatedAt != nil {
		lc.confirmSeen = h.clock.Now().Sub(*cur.StatusUpdatedAt)
	}
	if kind != keeps {
		h.key("n") // the agent goes on to the next call: the booking is watched in the background
	}
	for i := 0; i < 6*60; i++ {
		if kind == reopens && !h.clock.Now().Before(start.Add(-10*time.Minute)) && h.status() == "" {
			h.key("f2") // the driver calls back: the agent opens the booking again
			h.wantOn("Bookings")
			h.key("enter")
			h.wantOn("Booking status")
		}
		h.advance(time.Minute)
		w, _ := h.app.s.watch.view(b.ID)
		if w.booking.Status.Terminal() {
			lc.final = w.booking.Status
			lc.pointLate = pointLateness(w)
			cur := h.sim.Bookings()[0]
			if cur.StatusUpdatedAt != nil {
				lc.finalSeenLate = w.lastChecked.Sub(*cur.StatusUpdatedAt)
			}
			if lc.final == model.Cancelled {
				lc.cancelled = true
				lc.cancelledBeforeStart = cur.StatusUpdatedAt.Before(start)
				lc.cancelBefore = lc.cancelledBeforeStart && w.lastChecked.Before(start)
			}
			break
		}
	}
	for _, ev := range h.events[from:] {
		if ev.Path != "/usage" { // the desk's, not the booking's (see the idle desk)
			lc.requests++
		}
	}
	return lc
}

// pointLateness is how long after its decision point each status the
// desk saw was seen.
func pointLateness(w watched) map[model.Status]time.Duration {
	start, end := w.booking.Window()
	out := map[model.Status]time.Duration{}
	for _, s := range w.timeline {
		if p, ok := model.DecisionPoint(s.status, start, end); ok {
			out[s.status] = s.seenAt.Sub(p)
		}
	}
	return out
}

func median(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[len(s)/2]
}

func percentile(xs []int, p float64) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[min(len(s)-1, int(float64(len(s))*p+0.5)-1)]
}

// economySeeds is how many seeds the lifecycle measures run: 20, or 5
// under -short (the race detector's pass), each a whole lifecycle.
func economySeeds() int64 {
	if testing.Short() {
		return 5
	}
	return 20
}

// TestEconomyRequestsPerBooking: 20 seeds of the default flow (5 under
// -short). Median ≤ 7, p95 ≤ 10 requests from the search to the final
// status; every confirmation seen within 5 s; and the month's 10,000
// requests book at least 1,400.
func TestEconomyRequestsPerBooking(t *testing.T) {
	t.Parallel()
	var reqs []int
	worstConfirm := time.Duration(0)
	for seed := int64(1); seed <= economySeeds(); seed++ {
		lc := bookOneLifecycle(t, seed)
		if lc.final != model.Completed {
			t.Fatalf("seed %d: ended %s", seed, lc.final)
		}
		reqs = append(reqs, lc.requests)
		worstConfirm = max(worstConfirm, lc.confirmSeen)
	}
	med, p95 := median(reqs), percentile(reqs, 0.95)
	total := 0
	for _, r := range reqs {
		total += r
	}
	perMonth := 10000 * len(reqs) / total
	t.Logf("requests per booking, search to final status, %d seeds: %v; median %d, p95 %d; latest confirmation seen %v after it happened; %d bookings a month on 10,000 requests",
		len(reqs), reqs, med, p95, worstConfirm, perMonth)
	if med > 7 || p95 > 10 || worstConfirm > 5*time.Second || perMonth < 1400 {
		t.Fatalf("median %d (≤ 7), p95 %d (≤ 10), confirmation %v (≤ 5 s), %d a month (≥ 1,400)", med, p95, worstConfirm, perMonth)
	}
}

// TestEconomyCPOCancelSeenBeforeTheStart: the CPO cancels every booking
// after confirming it. With the simulator's CPO (5–30 s after confirming)
// every cancel is seen before the start; with cancels spread over the whole
// time until the start, those after the check shortly before it
// (model.CheckBeforeFrom) are seen only after the start — said, not hidden.
// 20 seeds each (5 under -short).
func TestEconomyCPOCancelSeenBeforeTheStart(t *testing.T) {
	t.Parallel()
	for _, spread := range []bool{false, true} {
		seen, n := 0, 0
		for seed := int64(1); seed <= economySeeds(); seed++ {
			cancel := withSim(func(o *sim.Options) {
				o.Faults.CPO.Cancel = 1
				if spread {
					o.Faults.CPO.CancelAfterMin, o.Faults.CPO.CancelAfterMax = 10*time.Second, 35*time.Minute
				}
			})
			lc := bookOneLifecycle(t, seed, cancel)
			if !lc.cancelled || !lc.cancelledBeforeStart {
				continue // the CPO cancelled after the start: not this measure's
			}
			n++
			if lc.cancelBefore {
				seen++
			}
		}
		t.Logf("CPO cancels (spread over the time to the start: %v): %d of %d seen before the start", spread, seen, n)
		if !spread && n == 0 {
			t.Fatal("no CPO cancel came before the start: nothing was measured")
		}
		if !spread && seen != n {
			t.Fatalf("%d of %d cancels seen before the start", seen, n)
		}
	}
}

// TestEconomyOnScreen: the agent who keeps the booking on screen from the
// confirmation to its final status, and the one who moves on and opens it
// again from the bookings list ten minutes before the start, keeping it
// open: 20 seeds each (5 under -short), and as many of a driver who does
// not come (NO_SHOW). A booking costs what it costs off screen (median ≤ 8
// requests from the search to the final status), and ATTENDING, NO_SHOW
// and COMPLETED appear within a minute of the decision point that shows
// them (model.DecisionPoint).
func TestEconomyOnScreen(t *testing.T) {
	t.Parallel()
	for _, kind := range []agentKind{movesOn, keeps, reopens} {
		var reqs, noShowReqs []int
		late := map[model.Status]time.Duration{}
		for seed := int64(1); seed <= economySeeds(); seed++ {
			for _, customer := range []string{"", sim.TriggerNoShow + "_1"} {
				lc := agentLifecycle(t, seed, kind, customer)
				want := model.Completed
				if customer != "" {
					want = model.NoShow
				}
				if lc.final != want {
					t.Fatalf("%s, seed %d: ended %s, want %s", kind, seed, lc.final, want)
				}
				if customer == "" {
					reqs = append(reqs, lc.requests)
				} else {
					noShowReqs = append(noShowReqs, lc.requests)
				}
				for s, d := range lc.pointLate {
					late[s] = max(late[s], d)
				}
			}
		}
		t.Logf("%s: requests per booking, search to COMPLETED, %d seeds: %v, median %d, p95 %d; to NO_SHOW: %v, median %d; seen after the decision point at the latest: ATTENDING %v, NO_SHOW %v, COMPLETED %v",
			kind, len(reqs), reqs, median(reqs), percentile(reqs, 0.95), noShowReqs, median(noShowReqs),
			late[model.Attending], late[model.NoShow], late[model.Completed])
		if m := median(reqs); m > 8 {
			t.Errorf("%s: median %d requests a booking, want ≤ 8", kind, m)
		}
		for _, s := range []model.Status{model.Attending, model.NoShow, model.Completed} {
			if d, seen := late[s]; !seen || d > time.Minute {
				t.Errorf("%s: %s seen %v after its decision point (seen: %v), want within a minute", kind, s, d, seen)
			}
		}
	}
}
