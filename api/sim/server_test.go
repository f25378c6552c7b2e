package sim_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, sim.Options{Key: "k-good", SuspendedKey: "k-suspended"})
	cases := []struct {
		name   string
		c      call
		status int
		err    string
	}{
		{"missing key", call{path: "/usage", noAuth: true, skip: true}, 401, sim.ErrMissingKey},
		{"wrong key", call{path: "/usage", header: map[string]string{"X-API-Key": "nope"}}, 401, sim.ErrInvalidKey},
		{"wrong bearer", call{path: "/usage", header: map[string]string{"Authorization": "Bearer nope"}}, 401, sim.ErrInvalidKey},
		{"basic is no key", call{path: "/usage", header: map[string]string{"Authorization": "Basic azpw"}, skip: true}, 401, sim.ErrMissingKey},
		{"suspended", call{path: "/search?lat=48&lng=11", header: map[string]string{"X-API-Key": "k-suspended"}}, 403, sim.ErrSuspended},
		{"X-API-Key works", call{path: "/usage"}, 200, ""},
		{"Bearer works", call{path: "/usage", header: map[string]string{"Authorization": "Bearer k-good"}}, 200, ""},
		{"bearer is case-insensitive", call{path: "/usage", header: map[string]string{"Authorization": "bearer k-good"}}, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			r := e.do(tc.c)
			r.want(t, tc.status)
			if got := r.errText(); got != tc.err {
				t.Errorf("error %q, want %q", got, tc.err)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
				if r.header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	e := newEnv(t, sim.Options{})
	r := e.do(call{path: "/nowhere", skip: true}).want(t, 404)
	if !strings.Contains(r.errText(), "/api/v1/client/nowhere") {
		t.Errorf("404 text %q", r.errText())
	}
	e.do(call{path: "/bookings/x/y/z", skip: true}).want(t, 404)
	r = e.do(call{method: http.MethodDelete, path: "/bookings", skip: true}).want(t, 405)
	if r.header.Get("Allow") != "GET, POST" || !strings.Contains(r.errText(), "DELETE") {
		t.Errorf("405: Allow %q, text %q", r.header.Get("Allow"), r.errText())
	}
	e.do(call{method: http.MethodPost, path: "/search", skip: true}).want(t, 405)
	e.do(call{method: http.MethodGet, path: "/bookings/abc/cancel", skip: true}).want(t, 405)
}

func TestRateLimitSlidingWindow(t *testing.T) {
	e := newEnv(t, sim.Options{RateLimit: 5})
	remaining := func(r result) int {
		n, err := strconv.Atoi(r.header.Get("X-RateLimit-Remaining"))
		if err != nil {
			t.Fatalf("X-RateLimit-Remaining %q", r.header.Get("X-RateLimit-Remaining"))
		}
		return n
	}
	// Three at t0, two at t0+20s: the budget is gone.
	for i, want := range []int{4, 3, 2} {
		r := e.get("/usage").want(t, 200)
		if got := remaining(r); got != want {
			t.Errorf("request %d: remaining %d, want %d", i, got, want)
		}
		if r.header.Get("X-RateLimit-Limit") != "5" {
			t.Errorf("limit header %q", r.header.Get("X-RateLimit-Limit"))
		}
		if got := r.header.Get("X-RateLimit-Reset"); got != "2026-02-10T09:01:00Z" {
			t.Errorf("reset %q, want the oldest request + 60 s", got)
		}
		if r.header.Get("Retry-After") != "" {
			t.Error("Retry-After on a 200")
		}
	}
	e.clock.Advance(20 * time.Second)
	e.get("/search?lat=48.1&lng=11.5").want(t, 200)
	e.get("/bookings").want(t, 200)

	e.clock.Advance(time.Second) // t0+21s
	r := e.get("/usage").want(t, 429)
	if r.header.Get("Retry-After") != "39" || r.errText() != "Rate limit exceeded. Retry after 39 seconds." {
		t.Errorf("429: Retry-After %q, text %q", r.header.Get("Retry-After"), r.errText())
	}
	if remaining(r) != 0 || r.header.Get("X-RateLimit-Reset") != "2026-02-10T09:01:00Z" {
		t.Errorf("429 headers %v", r.header)
	}
	// 429s do not count: still 39 s half a second later (rounded up).
	e.clock.Advance(500 * time.Millisecond)
	if r := e.get("/usage").want(t, 429); r.header.Get("Retry-After") != "39" {
		t.Errorf("Retry-After %q, want 39 (ceil of 38.5)", r.header.Get("Retry-After"))
	}
	// At t0+60s the three oldest leave the window; the two of t0+20s stay.
	e.clock.Set(t0.Add(60 * time.Second))
	r = e.get("/usage").want(t, 200)
	if got := remaining(r); got != 2 {
		t.Errorf("after the window slid: remaining %d, want 2", got)
	}
	if got := r.header.Get("X-RateLimit-Reset"); got != "2026-02-10T09:01:20Z" {
		t.Errorf("reset %q, want t0+80s", got)
	}
	var u model.Usage
	r.decode(t, &u)
	if u.RateLimit.Limit != 5 || u.RateLimit.Remaining != 2 || u.RateLimit.Period != "minute" ||
		!u.RateLimit.ResetAt.Equal(t0.Add(80*time.Second)) {
		t.Errorf("usage rate_limit %+v", u.RateLimit)
	}
	if u.Quota == nil || u.Quota.Used != 6 || u.Quota.Remaining != sim.DefaultMonthlyQuota-6 || u.Quota.Period != "month" ||
		!u.Quota.ResetAt.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("usage quota %+v", u.Quota)
	}
}

func TestRateLimitIsPerKeyAndCountsErrors(t *testing.T) {
	e := newEnv(t, sim.Options{RateLimit: 3})
	e.do(call{path: "/search?lat=200&lng=11", skip: true}).want(t, 400) // counted
	e.do(call{path: "/nowhere", skip: true}).want(t, 404)
	e.get("/bookings/unknown").want(t, 404)
	e.get("/usage").want(t, 429)
	// Wrong keys are not this key's budget.
	e.do(call{path: "/usage", header: map[string]string{"X-API-Key": "other"}}).want(t, 401)
}

func TestMonthlyQuota(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 2, 27, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, sim.Options{MonthlyQuota: 3, Clock: clock})
	for range 3 {
		e.get("/usage").want(t, 200)
	}
	r := e.get("/usage").want(t, 429)
	if got := r.header.Get("Retry-After"); got != strconv.Itoa(36*3600) {
		t.Errorf("Retry-After %q, want seconds until 1 March 00:00 UTC", got)
	}
	if !strings.Contains(r.errText(), "Monthly quota") || !strings.Contains(r.errText(), "used up") {
		t.Errorf("quota text %q", r.errText())
	}
	clock.Set(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	var u model.Usage
	e.get("/usage").want(t, 200).decode(t, &u)
	if u.Quota.Used != 1 || u.Quota.Remaining != 2 || !u.Quota.ResetAt.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("new month quota %+v", u.Quota)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 3})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				switch j % 3 {
				case 0:
					e.do(call{path: munichQuery})
				case 1:
					req := e.request(time.Duration(20+i*300+j*25)*time.Minute, 20*time.Minute)
					e.do(call{method: http.MethodPost, path: "/bookings", body: req})
				default:
					e.do(call{path: "/bookings?limit=5"})
					e.clock.Advance(time.Second)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(e.srv.Bookings()); n == 0 {
		t.Error("no bookings created")
	}
}
