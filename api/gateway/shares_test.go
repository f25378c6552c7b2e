package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// newBudgetRig is newRig with the gateway's limit and quota set, and the
// simulator's own limits out of the way.
func newBudgetRig(t *testing.T, limit, quota int) *rig {
	t.Helper()
	r := &rig{t: t, clock: sim.NewManualClock(t0), logs: newLogWatch(), limit: limit, quota: quota}
	apiSrv := simtest.Start(t, sim.Options{Seed: 1, Clock: r.clock}, simtest.Unlimited())
	r.api = apiSrv.Sim
	r.up = &counting{n: map[string]int{}, next: http.DefaultTransport}
	r.storeAt = filepath.Join(t.TempDir(), "gateway.db")
	r.open(apiSrv.URL)
	return r
}

// flood sends distinct searches as token until one is refused, at most
// max; it returns how many passed and the refusal.
func flood(t *testing.T, r *rig, token string, max int) (int, int, string) {
	t.Helper()
	for n := 0; n < max; n++ {
		q := fmt.Sprintf("/search?lat=%.4f&lng=11.5820&radius=10", 48.0+float64(n)*0.01)
		st, _, body := raw(t, http.MethodGet, r.srv.URL+gateway.ClientPath+q, token, nil)
		if st != http.StatusOK {
			return n, st, body
		}
	}
	return max, 0, ""
}

// One agent's flood of distinct searches is held to its share of the
// minute: it gets 429s, and another agent's search and bookings list still
// pass (they used to get 429 with Retry-After 55 until the minute slid by).
func TestOneAgentsFloodIsItsOwn(t *testing.T) {
	r := newBudgetRig(t, 0, 0)
	anna, _ := r.store.AddAgent(context.Background(), "anna", t0)
	ben, _ := r.store.AddAgent(context.Background(), "ben", t0)
	n, st, body := flood(t, r, anna, 200)
	t.Logf("anna's flood: %d searches passed, then %d %s", n, st, body)
	if st != http.StatusTooManyRequests || !strings.Contains(body, "your share") {
		t.Fatalf("anna's flood ended with %d %s, want 429 for her share", st, body)
	}
	if n >= gateway.DefaultLimit*9/10 {
		t.Errorf("anna alone took %d of the minute's %d reads", n, gateway.DefaultLimit*9/10)
	}
	for _, path := range []string{"/search?lat=52.52&lng=13.405&radius=10", "/bookings"} {
		if st, hdr, body := raw(t, http.MethodGet, r.srv.URL+gateway.ClientPath+path, ben, nil); st != http.StatusOK {
			t.Errorf("ben's %s during anna's flood: %d (Retry-After %s) %.120s", path, st, hdr.Get("Retry-After"), body)
		}
	}
	// Creates and cancels keep their reserve: anna's create still goes.
	b, _ := json.Marshal(r.request("gw-share-1"))
	if st, _, body := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", anna, b); st != http.StatusAccepted {
		t.Errorf("anna's create after her flood: %d %.120s", st, body)
	}
}

// The month likewise: with a small quota, one agent's flood spends its
// share of the day, not the month (it used to take 294 of 300 requests in
// 15 s), and another agent still reads.
func TestOneAgentCannotSpendTheMonth(t *testing.T) {
	r := newBudgetRig(t, 1000, 300)
	anna, _ := r.store.AddAgent(context.Background(), "anna", t0)
	ben, _ := r.store.AddAgent(context.Background(), "ben", t0)
	n, st, body := flood(t, r, anna, 300)
	t.Logf("anna's flood: %d searches passed, then %d %s", n, st, body)
	if st != http.StatusTooManyRequests || n > 30 {
		t.Fatalf("anna's flood took %d of a month of 300, then %d %s", n, st, body)
	}
	if !strings.Contains(body, "today") {
		t.Errorf("anna's refusal does not say it is her day's share: %s", body)
	}
	if st, _, body := raw(t, http.MethodGet, r.srv.URL+gateway.ClientPath+"/bookings", ben, nil); st != http.StatusOK {
		t.Errorf("ben's list after anna's flood: %d %.120s", st, body)
	}
	l, err := r.client(ben).ListBookings(context.Background(), model.BookingFilter{})
	if err != nil || l == nil {
		t.Errorf("ben's client: %v", err)
	}
}
