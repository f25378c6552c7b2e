package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// slow makes every request take d on the shared clock.
func slow(d time.Duration) func(*rig, http.Handler) http.Handler {
	return func(r *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.clock.Advance(d)
			next.ServeHTTP(w, req)
		})
	}
}

func TestEventPerAttempt(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: slow(250 * time.Millisecond)})
	ctx := context.Background()
	start := r.clock.Now()
	if _, err := r.c.Search(ctx, model.SearchQuery{Lat: 48.1351, Lng: 11.582, Limit: 2}); err != nil {
		t.Fatal(err)
	}
	b := r.mustCreate(r.request(time.Hour, time.Hour))
	_, err := r.c.GetBooking(ctx, "missing")
	apiErr(t, err, api.KindNotFound)
	if _, err := r.c.ListBookings(ctx, model.BookingFilter{Status: model.Requested, Limit: 10}); err != nil {
		t.Fatal(err)
	}

	evs := r.Events()
	if len(evs) != 4 {
		t.Fatalf("%d events, want one per request", len(evs))
	}
	want := []struct {
		method, path string
		status       int
		err          string
	}{
		{"GET", "/search?lat=48.1351&limit=2&lng=11.582", 200, ""},
		{"POST", "/bookings", 202, ""},
		{"GET", "/bookings/missing", 404, "Booking missing not found"},
		{"GET", "/bookings?limit=10&status=REQUESTED", 200, ""},
	}
	for i, w := range want {
		ev := evs[i]
		if ev.Method != w.method || ev.Path != w.path || ev.Status != w.status || ev.Err != w.err {
			t.Errorf("event %d: %s %s → %d %q, want %s %s → %d %q", i, ev.Method, ev.Path, ev.Status, ev.Err, w.method, w.path, w.status, w.err)
		}
		if ev.Duration != 250*time.Millisecond {
			t.Errorf("event %d: duration %v, want 250ms", i, ev.Duration)
		}
		if wantTime := start.Add(time.Duration(i) * 250 * time.Millisecond); !ev.Time.Equal(wantTime) {
			t.Errorf("event %d: time %v, want %v (the start of the attempt)", i, ev.Time, wantTime)
		}
		if ev.RateLimit != 1_000_000 || ev.RateRemaining != 1_000_000-(i+1) {
			t.Errorf("event %d: rate %d/%d", i, ev.RateRemaining, ev.RateLimit)
		}
		if len(ev.ResponseBody) == 0 || !json.Valid(ev.ResponseBody) {
			t.Errorf("event %d: response body %q", i, ev.ResponseBody)
		}
	}
	posts := r.Hits()[1]
	if !bytes.Equal(evs[1].RequestBody, posts.Body) {
		t.Errorf("request body logged\n%s\nsent\n%s", evs[1].RequestBody, posts.Body)
	}
	var logged model.Booking
	if err := json.Unmarshal(evs[1].ResponseBody, &logged); err != nil || logged.ID != b.ID {
		t.Errorf("response body logged %s", evs[1].ResponseBody)
	}
	if evs[0].RequestBody != nil || evs[2].RequestBody != nil {
		t.Errorf("GETs logged a request body")
	}
	if !strings.Contains(string(evs[2].ResponseBody), "Booking missing not found") {
		t.Errorf("error body not logged: %s", evs[2].ResponseBody)
	}
}

func TestEventOfANetworkFailure(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{
		cfg: func(c *api.Config) { c.Retries = -1 },
		rt: func(_ *rig, next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errConnReset })
		},
	})
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindNetwork)
	evs := r.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	if ev.Status != 0 || ev.RateRemaining != -1 || ev.Err != e.Message || !strings.Contains(ev.Err, "connection reset") || ev.ResponseBody != nil {
		t.Errorf("event %+v", ev)
	}
}

func TestEventMarshalJSON(t *testing.T) {
	t.Parallel()
	ev := api.Event{
		Time:          t0,
		Method:        "POST",
		Path:          "/bookings",
		Status:        202,
		Duration:      1500 * time.Microsecond,
		RateRemaining: 87,
		RateLimit:     100,
		RequestBody:   []byte(`{"location_id":"DE-ENB-E123456"}`),
		ResponseBody:  []byte(`{"id":"b1","status":"REQUESTED"}`),
	}
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if req, ok := m["request_body"].(map[string]any); !ok || req["location_id"] != "DE-ENB-E123456" {
		t.Errorf("request_body not embedded as JSON: %s", data)
	}
	if resp, ok := m["response_body"].(map[string]any); !ok || resp["status"] != "REQUESTED" {
		t.Errorf("response_body not embedded as JSON: %s", data)
	}
	if m["duration_ms"] != 1.5 || m["duration_ns"] != float64(1_500_000) {
		t.Errorf("durations %v / %v", m["duration_ms"], m["duration_ns"])
	}
	if m["time"] != "2026-02-10T09:00:00Z" || m["method"] != "POST" || m["path"] != "/bookings" ||
		m["status"] != float64(202) || m["rate_remaining"] != float64(87) || m["rate_limit"] != float64(100) {
		t.Errorf("fields: %s", data)
	}
	if _, ok := m["error"]; ok {
		t.Errorf("empty error written: %s", data)
	}
	for _, k := range []string{"RequestBody", "ResponseBody"} {
		if _, ok := m[k]; ok {
			t.Errorf("raw %s written: %s", k, data)
		}
	}

	// Bodies that are not JSON are written as text; empty ones left out;
	// an absent rate limit is -1 and is still written.
	ev = api.Event{Method: "GET", Path: "/usage", Status: 502, RateRemaining: -1, Err: "Bad Gateway",
		ResponseBody: []byte("<html>bad gateway</html>")}
	data, err = json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	m = nil
	_ = json.Unmarshal(data, &m)
	if m["response_body"] != "<html>bad gateway</html>" || m["error"] != "Bad Gateway" || m["rate_remaining"] != float64(-1) {
		t.Errorf("event %s", data)
	}
	if _, ok := m["request_body"]; ok {
		t.Errorf("empty request body written: %s", data)
	}
	if _, ok := m["rate_limit"]; ok {
		t.Errorf("zero rate_limit written: %s", data)
	}

	// A pointer marshals the same.
	p, _ := json.Marshal(&ev)
	if !bytes.Equal(p, data) {
		t.Errorf("pointer: %s\nvalue: %s", p, data)
	}
}

func TestEventBodiesAreCopies(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	req := r.request(time.Hour, time.Hour)
	r.mustCreate(req)
	ev := r.Events()[0]
	sent := append([]byte(nil), ev.RequestBody...)
	// A second create must not change what the first event holds.
	req2 := r.request(3*time.Hour, time.Hour)
	r.mustCreate(req2)
	if !bytes.Equal(ev.RequestBody, sent) {
		t.Errorf("event body changed")
	}
}

func TestNoEventHookIsFine(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{cfg: func(c *api.Config) { c.OnEvent = nil }})
	if _, err := r.c.Usage(context.Background()); err != nil {
		t.Fatal(err)
	}
}
