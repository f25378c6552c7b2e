package api_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

func TestRateLimitFollowsEveryResponse(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{sim: sim.Options{RateLimit: 10}})
	ctx := context.Background()
	if rl := r.c.RateLimit(); rl.Known || rl.Headroom().Known {
		t.Fatalf("known before any answer: %+v", rl)
	}
	for i := 1; i <= 10; i++ {
		r.clock.Advance(time.Second)
		if _, err := r.c.Usage(ctx); err != nil {
			t.Fatal(err)
		}
		rl := r.c.RateLimit()
		if !rl.Known || rl.Limit != 10 || rl.Remaining != 10-i {
			t.Fatalf("after %d requests: %+v", i, rl)
		}
		// The oldest request (at t0+1s) leaves the window at t0+61s.
		if want := t0.Add(61 * time.Second); !rl.Reset.Equal(want) {
			t.Errorf("Reset %v, want %v (ISO 8601 header)", rl.Reset, want)
		}
		if !rl.Seen.Equal(r.clock.Now()) {
			t.Errorf("Seen %v, want %v", rl.Seen, r.clock.Now())
		}
		h := rl.Headroom()
		if h.Known != rl.Known || h.Limit != rl.Limit || h.Remaining != rl.Remaining || !h.Reset.Equal(rl.Reset) {
			t.Errorf("Headroom %+v from %+v", h, rl)
		}
		// Low: less than a fifth left (remaining 1 or 0 of 10).
		if want := 10-i < 2; h.Low() != want {
			t.Errorf("after %d requests (remaining %d): Low() = %v", i, rl.Remaining, h.Low())
		}
	}
	// A 429 updates it too.
	_, err := r.c.Usage(ctx)
	apiErr(t, err, api.KindRateLimited)
	if rl := r.c.RateLimit(); rl.Remaining != 0 || !rl.Headroom().Low() {
		t.Errorf("after a 429: %+v", rl)
	}
}

func TestRateLimitFromErrorAnswers(t *testing.T) {
	t.Parallel()
	// A 401 carries a fresh, full window: the headers are taken from it too.
	r := newRig(t, setup{sim: sim.Options{RateLimit: 50}, cfg: func(c *api.Config) { c.APIKey = "wrong-key" }})
	_, err := r.c.GetBooking(context.Background(), "x")
	apiErr(t, err, api.KindUnauthorized)
	if rl := r.c.RateLimit(); !rl.Known || rl.Limit != 50 || rl.Remaining != 50 {
		t.Errorf("after a 401: %+v", rl)
	}
	if ev := r.Events()[0]; ev.RateRemaining != 50 || ev.RateLimit != 50 {
		t.Errorf("event %+v", ev)
	}
}

// headerRig answers every request with the given rate-limit headers.
func headerRig(t *testing.T, status int, headers map[string]string) *rig {
	return rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		body := `{"rate_limit":{"limit":1,"remaining":1}}`
		if status != 200 {
			body = `{"error":"slow down"}`
		}
		writeJSONBody(w, status, body)
	}, func(c *api.Config) { c.Retries = -1 })
}

func TestRateLimitResetForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reset string
		want        time.Time
	}{
		{"ISO 8601 UTC", "2026-02-10T09:01:00Z", t0.Add(time.Minute)},
		{"ISO 8601 fractional", "2026-02-10T09:01:00.5Z", t0.Add(time.Minute + 500*time.Millisecond)},
		{"ISO 8601 offset", "2026-02-10T10:01:00+01:00", t0.Add(time.Minute)},
		{"ISO 8601 compact offset", "2026-02-10T10:01:00+0100", t0.Add(time.Minute)},
		{"no zone", "2026-02-10T09:01:00", t0.Add(time.Minute)},
		{"epoch seconds", "1770714060", t0.Add(time.Minute)},
		{"seconds from now", "30", t0.Add(30 * time.Second)},
		{"spaces", "  2026-02-10T09:01:00Z ", t0.Add(time.Minute)},
		{"garbage", "soon", time.Time{}},
		{"absent", "", time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "7"}
			if tc.reset != "" {
				h["X-RateLimit-Reset"] = tc.reset
			}
			r := headerRig(t, 200, h)
			if _, err := r.c.Usage(context.Background()); err != nil {
				t.Fatal(err)
			}
			rl := r.c.RateLimit()
			if !rl.Known || rl.Limit != 100 || rl.Remaining != 7 {
				t.Errorf("rate limit %+v", rl)
			}
			if !rl.Reset.Equal(tc.want) {
				t.Errorf("Reset %v, want %v", rl.Reset, tc.want)
			}
		})
	}
}

func TestRateLimitWithoutHeadersKeepsTheLastKnown(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		n := calls.Add(1)
		if n == 1 {
			w.Header().Set("X-RateLimit-Limit", "100")
			w.Header().Set("X-RateLimit-Remaining", "42")
		}
		if n == 3 {
			w.Header().Set("X-RateLimit-Limit", "100")
			w.Header().Set("X-RateLimit-Remaining", "lots")
		}
		writeJSONBody(w, 200, `{"rate_limit":{"limit":100,"remaining":42}}`)
	}, nil)
	ctx := context.Background()
	for range 3 {
		if _, err := r.c.Usage(ctx); err != nil {
			t.Fatal(err)
		}
		if rl := r.c.RateLimit(); !rl.Known || rl.Remaining != 42 {
			t.Errorf("after request %d: %+v", calls.Load(), rl)
		}
	}
	evs := r.Events()
	if evs[0].RateRemaining != 42 || evs[1].RateRemaining != -1 || evs[2].RateRemaining != -1 {
		t.Errorf("event rate_remaining %d %d %d, want 42 -1 -1", evs[0].RateRemaining, evs[1].RateRemaining, evs[2].RateRemaining)
	}
}

func TestRetryAfterForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "45"}, 45 * time.Second},
		{"HTTP date", map[string]string{"Retry-After": t0.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"HTTP date in the past", map[string]string{"Retry-After": t0.Add(-time.Hour).Format(http.TimeFormat)}, 0},
		{"garbage", map[string]string{"Retry-After": "later"}, 0},
		{"absent, Reset instead", map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-02-10T09:00:20Z"}, 20 * time.Second},
		{"absent, Reset passed", map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-02-10T08:59:00Z"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := headerRig(t, http.StatusTooManyRequests, tc.headers)
			_, err := r.c.Usage(context.Background())
			e := apiErr(t, err, api.KindRateLimited)
			if e.RetryAfter != tc.want || api.RetryAfterOf(err) != tc.want {
				t.Errorf("RetryAfter %v, want %v", e.RetryAfter, tc.want)
			}
			if e.Message != "slow down" {
				t.Errorf("message %q", e.Message)
			}
		})
	}
}

func TestRetryAfterOnlyOn429(t *testing.T) {
	t.Parallel()
	r := headerRig(t, http.StatusServiceUnavailable, map[string]string{"Retry-After": "5"})
	_, err := r.c.Usage(context.Background())
	if e := apiErr(t, err, api.KindServer); e.RetryAfter != 0 {
		t.Errorf("RetryAfter %v on a 503", e.RetryAfter)
	}
}

func TestMonthlyQuotaIsRateLimited(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{sim: sim.Options{MonthlyQuota: 2}, cfg: func(c *api.Config) { c.MaxRetryWait = time.Hour }})
	ctx := context.Background()
	for range 2 {
		if _, err := r.c.Search(ctx, model.SearchQuery{Lat: 48, Lng: 11, Limit: 1}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := r.c.Search(ctx, model.SearchQuery{Lat: 48, Lng: 11, Limit: 1})
	e := apiErr(t, err, api.KindRateLimited)
	// Until 1 March 00:00 UTC: far beyond any wait the client takes itself.
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Sub(t0); e.RetryAfter != want {
		t.Errorf("RetryAfter %v, want %v", e.RetryAfter, want)
	}
	if len(r.Sleeps()) != 0 {
		t.Errorf("waited %v", r.Sleeps())
	}
}
