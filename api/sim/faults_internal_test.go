package sim

import (
	"math/rand/v2"
	"net/http"
	"sort"
	"testing"
	"time"
)

func TestLatencyDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(l Latency, n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = l.draw(rng)
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return out
	}
	within := func(got, want time.Duration, tol float64) bool {
		return float64(got) >= float64(want)*(1-tol) && float64(got) <= float64(want)*(1+tol)
	}

	ds := draw(Latency{Median: 80 * time.Millisecond, P99: time.Second}, 40000)
	if med, p99 := ds[len(ds)/2], ds[len(ds)*99/100]; !within(med, 80*time.Millisecond, 0.05) || !within(p99, time.Second, 0.12) {
		t.Errorf("log-normal: median %v (want 80ms), p99 %v (want 1s)", med, p99)
	}

	ds = draw(Latency{Fixed: 20 * time.Millisecond, Jitter: 10 * time.Millisecond}, 5000)
	if ds[0] < 20*time.Millisecond || ds[len(ds)-1] > 30*time.Millisecond || ds[len(ds)-1] < 29*time.Millisecond {
		t.Errorf("fixed+jitter: range %v..%v, want 20ms..30ms", ds[0], ds[len(ds)-1])
	}

	ds = draw(Latency{Median: 100 * time.Millisecond, P99: 10 * time.Second, Max: 500 * time.Millisecond}, 5000)
	if ds[len(ds)-1] != 500*time.Millisecond {
		t.Errorf("capped at 500ms: max %v", ds[len(ds)-1])
	}

	ds = draw(Latency{Median: 50 * time.Millisecond}, 100)
	if ds[0] != 50*time.Millisecond || ds[len(ds)-1] != 50*time.Millisecond {
		t.Errorf("median without p99 is constant: %v..%v", ds[0], ds[len(ds)-1])
	}
}

func TestNormalizedClamps(t *testing.T) {
	f := Faults{ServerError: 0.8, DropAfter: 0.8, Malformed: -1, Burst: Burst{Length: time.Minute, Every: time.Second}}.normalized(9)
	if f.Seed != 9 || f.Malformed != 0 || f.shareSum() > 1+1e-12 || f.Burst != (Burst{}) || f.RetryAfter != DefaultFaultRetryAfter {
		t.Errorf("normalized: %+v", f)
	}
}

func TestRoutePatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, method, path string
		want                  bool
	}{
		{"POST /bookings", "POST", "/bookings", true},
		{"POST /bookings", "GET", "/bookings", false},
		{"/bookings", "GET", "/bookings", true},
		{"* /bookings", "PUT", "/bookings", true},
		{"GET /bookings/*", "GET", "/bookings/abc", true},
		{"GET /bookings/*", "GET", "/bookings", false},
		{"GET /bookings/*", "GET", "/bookings/abc/cancel", false},
		{"/bookings/**", "POST", "/bookings/abc/cancel", true},
		{"/bookings/**", "GET", "/bookings", true},
		{"/search", "GET", "/searchx", false},
		{"post /bookings/*/cancel", "POST", "/bookings/x/cancel", true},
	} {
		rp, err := parseRoutePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		fs := &faultState{only: []routePattern{rp}, restricted: true}
		r := httptestRequest(tc.method, BasePath+tc.path)
		if got := fs.matches(r); got != tc.want {
			t.Errorf("%q on %s %s: %v", tc.pattern, tc.method, tc.path, got)
		}
	}
}

func httptestRequest(method, path string) *http.Request {
	r, _ := http.NewRequest(method, "http://sim"+path, nil)
	return r
}

func TestInvalidOnlyMatchesNothing(t *testing.T) {
	fs := newFaultState(Faults{DropAfter: 1, Only: []string{"bookings"}}, 1)
	if fs.matches(httptestRequest("POST", BasePath+"/bookings")) {
		t.Error("an invalid Only pattern let faults through")
	}
	if fs := newFaultState(Faults{DropAfter: 1}, 1); !fs.matches(httptestRequest("GET", BasePath+"/usage")) {
		t.Error("no Only: every request matches")
	}
}
