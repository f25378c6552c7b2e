package api_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// failFirst answers the first n requests with 500 and passes the rest on.
func failFirst(n int32) func(*rig, http.Handler) http.Handler {
	return func(_ *rig, next http.Handler) http.Handler {
		var seen atomic.Int32
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if seen.Add(1) <= n {
				writeServerError(w, "Internal error: try again")
				return
			}
			next.ServeHTTP(w, req)
		})
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{
		sim: sim.Options{RateLimit: 1},
		cfg: func(c *api.Config) { c.MaxRetryWait = 2 * time.Minute },
	})
	ctx := context.Background()
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(18 * time.Second)
	u, err := r.c.Usage(ctx)
	if err != nil {
		t.Fatalf("after waiting Retry-After: %v", err)
	}
	if s := r.Sleeps(); len(s) != 1 || s[0] != 42*time.Second {
		t.Errorf("waits %v, want exactly the Retry-After of 42 s", s)
	}
	if u.RateLimit.Remaining != 0 {
		t.Errorf("usage %+v", u.RateLimit)
	}
	evs := r.Events()
	if len(evs) != 3 || evs[1].Status != 429 || evs[2].Status != 200 {
		t.Errorf("events %+v", evs)
	}
}

func TestRetryOnServerErrorsWithGrowingBackoff(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: failFirst(1000)})
	_, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 48, Lng: 11})
	apiErr(t, err, api.KindServer)
	if n := len(r.Hits()); n != 4 {
		t.Errorf("%d attempts, want 1 + the default 3 retries", n)
	}
	checkBackoff(t, r.Sleeps(), 3)
}

// checkBackoff: n waits, each within ±20 % of 0.5 s × 2^i, each longer than the one before.
func checkBackoff(t *testing.T, waits []time.Duration, n int) {
	t.Helper()
	if len(waits) != n {
		t.Fatalf("waits %v, want %d", waits, n)
	}
	for i, d := range waits {
		nominal := time.Duration(500<<i) * time.Millisecond
		if d < nominal*8/10 || d > nominal*12/10 {
			t.Errorf("wait %d: %v, want %v ± 20 %%", i, d, nominal)
		}
		if i > 0 && d <= waits[i-1] {
			t.Errorf("wait %d (%v) not longer than wait %d (%v)", i, d, i-1, waits[i-1])
		}
	}
}

func TestRetryRecoversAfterServerErrors(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: failFirst(2)})
	res, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 48.1351, Lng: 11.582, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 1 {
		t.Errorf("search not decoded: %+v", res)
	}
	if len(r.Hits()) != 3 || len(r.Events()) != 3 {
		t.Errorf("%d requests, %d events, want 3", len(r.Hits()), len(r.Events()))
	}
	checkBackoff(t, r.Sleeps(), 2)
}

func TestRetriesIsTheBound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		retries, attempts int
	}{{-1, 1}, {1, 2}, {5, 6}} {
		r := simRig(t, setup{wrap: failFirst(1000), cfg: func(c *api.Config) { c.Retries = tc.retries; c.MaxRetryWait = time.Minute }})
		_, err := r.c.GetBooking(context.Background(), "x")
		apiErr(t, err, api.KindServer)
		if n := len(r.Hits()); n != tc.attempts {
			t.Errorf("Retries %d: %d attempts, want %d", tc.retries, n, tc.attempts)
		}
		if n := len(r.Sleeps()); n != tc.attempts-1 {
			t.Errorf("Retries %d: %d waits", tc.retries, n)
		}
	}
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	p := api.DefaultRetry
	server := &api.Error{Kind: api.KindServer, Status: 503}
	for n := 1; n <= p.Max; n++ {
		nominal := min(p.Base<<(n-1), p.Cap)
		for range 50 {
			d, ok := p.Wait(n, server)
			if !ok || d < nominal*8/10 || d > nominal*12/10 {
				t.Fatalf("retry %d: %v %v, want %v ± 20 %%", n, d, ok, nominal)
			}
		}
	}
	if _, ok := p.Wait(p.Max+1, server); ok {
		t.Fatal("no end to the retries")
	}
	if d, ok := p.Wait(1, &api.Error{Kind: api.KindRateLimited, RetryAfter: 42 * time.Second}); !ok || d != 42*time.Second {
		t.Fatalf("a 429's Retry-After: %v %v", d, ok)
	}
	for _, e := range []*api.Error{{Kind: api.KindBadRequest}, {Kind: api.KindConflict}, {Kind: api.KindDecode, TooLarge: true}} {
		if _, ok := p.Wait(1, e); ok {
			t.Errorf("%v is retried", e.Kind)
		}
	}
	if _, ok := p.Wait(1, &api.Error{Kind: api.KindDecode}); !ok {
		t.Error("an unreadable answer is not read again")
	}
	// A five-minute outage costs the first try and the retries that fit.
	elapsed, tries := time.Duration(0), 1
	for n := 1; ; n++ {
		d, ok := p.Wait(n, server)
		if !ok || elapsed+d > 5*time.Minute {
			break
		}
		elapsed += d
		tries++
	}
	if tries > 8 {
		t.Fatalf("%d requests in a five-minute outage", tries)
	}
}

func TestRetryOnNetworkFailures(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int32
	r := simRig(t, setup{rt: func(_ *rig, next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if attempts.Add(1) <= 2 {
				return nil, errConnReset
			}
			return next.RoundTrip(req)
		})
	}})
	if _, err := r.c.Usage(context.Background()); err != nil {
		t.Fatal(err)
	}
	if attempts.Load() != 3 || len(r.Hits()) != 1 {
		t.Errorf("%d attempts, %d reached the server", attempts.Load(), len(r.Hits()))
	}
	checkBackoff(t, r.Sleeps(), 2)
	evs := r.Events()
	if len(evs) != 3 || evs[0].Status != 0 || evs[0].Err == "" || evs[2].Status != 200 {
		t.Errorf("events %+v", evs)
	}
}

func TestRetryAfterBeyondMaxRetryWaitIsReturned(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{sim: sim.Options{RateLimit: 1}}) // MaxRetryWait defaults to 10 s
	ctx := context.Background()
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := r.c.Usage(ctx)
	e := apiErr(t, err, api.KindRateLimited)
	if e.RetryAfter != time.Minute {
		t.Errorf("RetryAfter %v, want 60 s", e.RetryAfter)
	}
	if len(r.Sleeps()) != 0 || len(r.Hits()) != 2 {
		t.Errorf("waits %v, %d requests: a long Retry-After goes to the caller", r.Sleeps(), len(r.Hits()))
	}
	if !r.clock.Now().Equal(t0) {
		t.Errorf("clock moved to %v", r.clock.Now())
	}
}

func TestRetryAfterWithinMaxRetryWaitIsWaited(t *testing.T) {
	t.Parallel()
	// Exactly at MaxRetryWait is still waited.
	r := newRig(t, setup{sim: sim.Options{RateLimit: 1}})
	ctx := context.Background()
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(50 * time.Second)
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	if s := r.Sleeps(); len(s) != 1 || s[0] != 10*time.Second {
		t.Errorf("waits %v, want [10s]", s)
	}
}

func TestBackoffBeyondMaxRetryWaitIsReturned(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: failFirst(1000), cfg: func(c *api.Config) { c.MaxRetryWait = 100 * time.Millisecond }})
	_, err := r.c.GetBooking(context.Background(), "x")
	apiErr(t, err, api.KindServer)
	if len(r.Hits()) != 1 || len(r.Sleeps()) != 0 {
		t.Errorf("%d attempts, waits %v", len(r.Hits()), r.Sleeps())
	}
}

func TestCancellationStopsRetries(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := simRig(t, setup{
		wrap: failFirst(1000),
		cfg: func(c *api.Config) {
			c.Sleep = func(ctx context.Context, d time.Duration) error {
				cancel() // the user gives up while the client waits
				<-ctx.Done()
				return ctx.Err()
			}
		},
	})
	_, err := r.c.GetBooking(ctx, "x")
	apiErr(t, err, api.KindServer)
	if len(r.Hits()) != 1 {
		t.Errorf("%d attempts after cancellation", len(r.Hits()))
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.c.Usage(ctx)
	e := apiErr(t, err, api.KindNetwork)
	if e.Message != "cancelled: context canceled" || !errors.Is(err, context.Canceled) {
		t.Errorf("error %+v", e)
	}
	if len(r.Hits()) != 0 {
		t.Errorf("%d requests with a cancelled context", len(r.Hits()))
	}
	if len(r.Sleeps()) != 1 || len(r.Events()) != 1 {
		t.Errorf("waits %v, %d events: one attempt, then the wait notices the cancellation", r.Sleeps(), len(r.Events()))
	}
}

func TestCancellationDuringARequest(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			close(arrived)
			<-req.Context().Done()
		})
	}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := r.c.Usage(ctx)
	apiErr(t, err, api.KindNetwork)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	if len(r.Hits()) != 1 {
		t.Errorf("%d attempts", len(r.Hits()))
	}
}

func TestPostsAreNeverRetriedBlindly(t *testing.T) {
	t.Parallel()
	// Every request fails with 500 before reaching the simulator: creates are
	// looked up (and may be sent once more after a confirmed absence); cancels
	// are checked with a read; neither is ever re-sent blindly.
	r := simRig(t, setup{
		cfg: func(c *api.Config) { c.Retries = 2 },
		wrap: func(_ *rig, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.Method == http.MethodPost {
					writeServerError(w, "Internal error")
					return
				}
				next.ServeHTTP(w, req)
			})
		},
	})
	ctx := context.Background()
	req := r.request(time.Hour, time.Hour)
	res, err := r.c.CreateBooking(ctx, req)
	apiErr(t, err, api.KindServer)
	if r.posts() != 2 || res.Attempts != 2 || res.Booking != nil {
		t.Errorf("%d POSTs, result %+v: want the first and exactly one more after a confirmed absence", r.posts(), res)
	}
	if n := r.count("GET", "/bookings"); n != 2 {
		t.Errorf("%d look-ups, want one after each POST", n)
	}
	if r.withExternalID(req.ExternalID) != 0 {
		t.Errorf("a booking exists although every POST failed")
	}

	_, err = r.c.CancelBooking(ctx, "b-1", "x")
	apiErr(t, err, api.KindServer)
	if n := r.count("POST", "/bookings/b-1/cancel"); n != 1 {
		t.Errorf("cancel POSTed %d times", n)
	}
	if n := r.count("GET", "/bookings/b-1"); n != 1 {
		t.Errorf("cancel checked %d times, want one read", n)
	}
}
