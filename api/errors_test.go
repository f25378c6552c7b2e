package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// predicates maps each kind to its helper predicate.
var predicates = map[api.Kind]func(error) bool{
	api.KindBadRequest:   api.IsBadRequest,
	api.KindUnauthorized: api.IsUnauthorized,
	api.KindForbidden:    api.IsForbidden,
	api.KindNotFound:     api.IsNotFound,
	api.KindConflict:     api.IsConflict,
	api.KindRateLimited:  api.IsRateLimited,
	api.KindServer:       api.IsServer,
	api.KindNetwork:      api.IsNetwork,
}

// checkPredicates: exactly the predicate of k (if any) holds.
func checkPredicates(t *testing.T, err error, k api.Kind) {
	t.Helper()
	for kind, is := range predicates {
		if is(err) != (kind == k) {
			t.Errorf("Is%s(%v) = %v", strings.ReplaceAll(kind.String(), " ", ""), err, is(err))
		}
	}
	if api.IsNotFound(nil) || api.KindOf(nil) != api.KindUnknown {
		t.Errorf("nil error classified")
	}
}

func TestValidationIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx := context.Background()

	_, err := r.c.Search(ctx, model.SearchQuery{Lat: 200, Lng: 11, RadiusKM: 500})
	e := apiErr(t, err, api.KindValidation)
	checkPredicates(t, err, api.KindValidation)
	if e.Fields.For("lat") != "Invalid latitude: must be between -90 and 90" || e.Fields.For("radius") == "" {
		t.Errorf("fields %+v", e.Fields)
	}
	if e.Status != 0 || e.Retryable() || !strings.Contains(err.Error(), "Invalid latitude") {
		t.Errorf("validation error %+v / %q", e, err)
	}
	var fe model.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 2 {
		t.Errorf("FieldErrors not unwrappable: %v", fe)
	}

	req := r.request(5*time.Minute, time.Hour) // starts too soon
	req.TokenStrategy, req.CustomerID = model.Pipelet, ""
	req.TokenUID = "XYZ"
	_, err = r.c.CreateBooking(ctx, req)
	e = apiErr(t, err, api.KindValidation)
	if e.Fields.For("reservation_start") == "" || e.Fields.For("token_uid") == "" {
		t.Errorf("fields %+v", e.Fields)
	}

	_, err = r.c.GetBooking(ctx, "  ")
	apiErr(t, err, api.KindValidation)

	if n := len(r.Hits()); n != 0 {
		t.Errorf("%d requests sent for refused input", n)
	}
	if n := len(r.Events()); n != 0 {
		t.Errorf("%d events for refused input, want none (nothing went over HTTP)", n)
	}
}

func TestBadRequestKeepsTheServersText(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	req := r.request(time.Hour, time.Hour)
	req.TokenStrategy, req.CustomerID, req.FleetGroupID = model.GroupToken, "", sim.OverLimitFleetGroup
	res, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindBadRequest)
	checkPredicates(t, err, api.KindBadRequest)
	if e.Message != "Fleet group spending limit exceeded" || e.Status != 400 || e.Method != "POST" || e.Path != "/bookings" {
		t.Errorf("error %+v", e)
	}
	if got := err.Error(); got != "POST /bookings: 400 Bad Request: Fleet group spending limit exceeded" {
		t.Errorf("Error() = %q", got)
	}
	if res == nil || res.Attempts != 1 || res.Booking != nil || res.Adopted {
		t.Errorf("result %+v: a 400 is a definite refusal, sent once", res)
	}
	if r.posts() != 1 || r.count("GET", "/bookings") != 0 {
		t.Errorf("%d POSTs, %d look-ups after a definite 400", r.posts(), r.count("GET", "/bookings"))
	}
}

func TestBadRequestFromTheServerOnAList(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx := contract.WithoutRequestCheck(context.Background())
	_, err := r.c.ListBookings(ctx, model.BookingFilter{Limit: 500})
	e := apiErr(t, err, api.KindBadRequest)
	if e.Message != "Invalid limit: must be between 1 and 100" || e.Path != "/bookings?limit=500" {
		t.Errorf("error %+v", e)
	}
	if len(r.Sleeps()) != 0 || len(r.Hits()) != 1 {
		t.Errorf("a 400 was retried")
	}
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{cfg: func(c *api.Config) { c.APIKey = "not-the-right-key" }})
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindUnauthorized)
	checkPredicates(t, err, api.KindUnauthorized)
	if e.Status != 401 || e.Message != sim.ErrInvalidKey || e.Retryable() {
		t.Errorf("error %+v", e)
	}
	if len(r.Hits()) != 1 || len(r.Sleeps()) != 0 {
		t.Errorf("a 401 was retried")
	}

	// No key at all: the header is left out and the server says so.
	r2 := simRig(t, setup{cfg: func(c *api.Config) { c.APIKey = "" }})
	_, err = r2.c.Usage(contract.WithoutRequestCheck(context.Background()))
	e = apiErr(t, err, api.KindUnauthorized)
	if e.Message != sim.ErrMissingKey {
		t.Errorf("error %+v", e)
	}
	if k := r2.Hits()[0].Key; k != "" {
		t.Errorf("X-API-Key %q sent without a key", k)
	}
}

func TestForbidden(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{
		sim: sim.Options{SuspendedKey: "suspended-key-123"},
		cfg: func(c *api.Config) { c.APIKey = "suspended-key-123" },
	})
	_, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 48, Lng: 11})
	e := apiErr(t, err, api.KindForbidden)
	checkPredicates(t, err, api.KindForbidden)
	if e.Status != 403 || e.Message != sim.ErrSuspended || e.Retryable() {
		t.Errorf("error %+v", e)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx := context.Background()
	_, err := r.c.GetBooking(ctx, "00000000-0000-4000-8000-000000000000")
	e := apiErr(t, err, api.KindNotFound)
	checkPredicates(t, err, api.KindNotFound)
	if e.Message != "Booking 00000000-0000-4000-8000-000000000000 not found" || e.Status != 404 {
		t.Errorf("error %+v", e)
	}
	_, err = r.c.CancelBooking(ctx, "nope", "")
	apiErr(t, err, api.KindNotFound)

	req := r.request(time.Hour, time.Hour)
	req.LocationID = "DE-XXX-E000000"
	_, err = r.c.CreateBooking(ctx, req)
	e = apiErr(t, err, api.KindNotFound)
	if e.Message != "Location DE-XXX-E000000 not found" {
		t.Errorf("error %+v", e)
	}
	if len(r.Sleeps()) != 0 || r.posts() != 1 {
		t.Errorf("a 404 was retried")
	}
}

func TestConflict(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	req := r.request(time.Hour, time.Hour)
	r.mustCreate(req)
	req.ExternalID += "-2"
	req.ReservationStart = req.ReservationStart.Add(30 * time.Minute)
	req.ReservationEnd = req.ReservationEnd.Add(30 * time.Minute)
	res, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindConflict)
	checkPredicates(t, err, api.KindConflict)
	if e.Status != 409 || !strings.Contains(e.Message, "another reservation overlaps") {
		t.Errorf("error %+v", e)
	}
	if res.Attempts != 1 || r.posts() != 2 || r.count("GET", "/bookings") != 0 {
		t.Errorf("a 409 was retried or reconciled: %+v", res)
	}
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{sim: sim.Options{RateLimit: 1}})
	ctx := context.Background()
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(15 * time.Second)
	_, err := r.c.Usage(ctx)
	e := apiErr(t, err, api.KindRateLimited)
	checkPredicates(t, err, api.KindRateLimited)
	if e.Status != 429 || e.RetryAfter != 45*time.Second || api.RetryAfterOf(err) != 45*time.Second {
		t.Errorf("error %+v, want Retry-After 45 s", e)
	}
	if e.Message != "Rate limit exceeded. Retry after 45 seconds." || !e.Retryable() {
		t.Errorf("error %+v", e)
	}
	if len(r.Sleeps()) != 0 {
		t.Errorf("waited %v although 45 s is beyond MaxRetryWait", r.Sleeps())
	}
	if api.RetryAfterOf(errors.New("x")) != 0 || api.RetryAfterOf(nil) != 0 {
		t.Errorf("RetryAfterOf of foreign errors")
	}

	// A create refused with 429 was not processed: sent once, no look-up.
	res, err := r.c.CreateBooking(ctx, r.request(time.Hour, time.Hour))
	apiErr(t, err, api.KindRateLimited)
	if res.Attempts != 1 || r.posts() != 1 || r.count("GET", "/bookings") != 0 {
		t.Errorf("a 429 create was retried or reconciled: %+v", res)
	}
}

func TestServerError(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{
		cfg: func(c *api.Config) { c.Retries = -1 },
		wrap: func(_ *rig, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				writeServerError(w, "Internal error: database unavailable")
			})
		},
	})
	_, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 48, Lng: 11})
	e := apiErr(t, err, api.KindServer)
	checkPredicates(t, err, api.KindServer)
	if e.Status != 500 || e.Message != "Internal error: database unavailable" || !e.Retryable() {
		t.Errorf("error %+v", e)
	}
	if got := err.Error(); !strings.HasPrefix(got, "GET /search?lat=48&lng=11: 500 Internal Server Error: Internal error") {
		t.Errorf("Error() = %q", got)
	}
	if e.RetryAfter != 0 {
		t.Errorf("RetryAfter %v on a 500", e.RetryAfter)
	}
}

func TestServerErrorWithoutJSONBody(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
	}, func(c *api.Config) { c.Retries = -1 })
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindServer)
	if e.Status != 502 || e.Message != "<html>502 Bad Gateway</html>" {
		t.Errorf("error %+v: the body's text should be shown when there is no error field", e)
	}

	r = rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}, func(c *api.Config) { c.Retries = -1 })
	_, err = r.c.Usage(context.Background())
	e = apiErr(t, err, api.KindServer)
	if e.Error() != "GET /usage: 503 Service Unavailable" {
		t.Errorf("Error() = %q", e.Error())
	}
	if ev := r.Events()[0]; ev.Err != "Service Unavailable" {
		t.Errorf("event error %q, want the status text when the body is empty", ev.Err)
	}
}

func TestLongNonJSONErrorIsShortened(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, strings.Repeat("x", 1000))
	}, func(c *api.Config) { c.Retries = -1 })
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindServer)
	if len(e.Message) > 210 || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("message of %d bytes: %q", len(e.Message), e.Message)
	}
}

func TestUnknownStatusIsKindUnknown(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		writeJSONBody(w, http.StatusTeapot, `{"error":"I'm a teapot"}`)
	}, nil)
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindUnknown)
	checkPredicates(t, err, api.KindUnknown)
	if e.Status != 418 || e.Message != "I'm a teapot" || e.Retryable() || len(r.Hits()) != 1 {
		t.Errorf("error %+v", e)
	}
}

func TestNetworkErrorFromAClosedServer(t *testing.T) {
	t.Parallel()
	hs := httptest.NewServer(http.NotFoundHandler())
	base := hs.URL + sim.BasePath
	hs.Close()
	clock := sim.NewManualClock(t0)
	var sleeps []time.Duration
	var events []api.Event
	c := api.New(api.Config{
		BaseURL: base, APIKey: sim.DefaultKey,
		Transport: contract.Transport(t, nil, contract.WithBasePath(sim.BasePath)),
		Now:       clock.Now,
		Sleep: func(_ context.Context, d time.Duration) error {
			sleeps = append(sleeps, d)
			clock.Advance(d)
			return nil
		},
		OnEvent: func(ev api.Event) { events = append(events, ev) },
	})
	_, err := c.GetBooking(context.Background(), "b1")
	e := apiErr(t, err, api.KindNetwork)
	checkPredicates(t, err, api.KindNetwork)
	if e.Status != 0 || e.Message == "" || !e.Retryable() || e.Path != "/bookings/b1" {
		t.Errorf("error %+v", e)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("Error() = %q, want the cause (connection refused)", err)
	}
	if len(events) != 4 || len(sleeps) != 3 {
		t.Errorf("%d attempts, %d waits; want the default 3 retries", len(events), len(sleeps))
	}
	for _, ev := range events {
		if ev.Status != 0 || ev.Err == "" || ev.RateRemaining != -1 {
			t.Errorf("event %+v", ev)
		}
	}
}

func TestTimeoutIsANetworkError(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-req.Context().Done():
		case <-release:
		}
	}, func(c *api.Config) { c.Retries, c.Timeout = -1, 30*time.Millisecond })
	defer close(release)
	_, err := r.c.Usage(context.Background())
	e := apiErr(t, err, api.KindNetwork)
	if e.Message != "no answer in time (timeout)" {
		t.Errorf("message %q", e.Message)
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		writeJSONBody(w, 200, `{"id":"b1","status":`)
	}, nil)
	_, err := r.c.GetBooking(context.Background(), "b1")
	e := apiErr(t, err, api.KindDecode)
	checkPredicates(t, err, api.KindDecode)
	if e.Status != 200 || e.Err == nil || !strings.HasPrefix(e.Message, "the answer could not be read") || e.Retryable() {
		t.Errorf("error %+v", e)
	}
	// A read whose answer could not be read is read again (bounded).
	if n := len(r.Hits()); n < 2 || n > 4 {
		t.Errorf("%d reads after unreadable answers, want 2–4", n)
	}
	if ev := r.Events()[0]; ev.Err != e.Message || ev.Status != 200 {
		t.Errorf("event %+v", ev)
	}

	r = rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		writeJSONBody(w, 200, `<html>maintenance</html>`)
	}, nil)
	_, err = r.c.Search(context.Background(), model.SearchQuery{Lat: 1, Lng: 2})
	apiErr(t, err, api.KindDecode)
}

func TestReadOnlyRefusesWritesWithoutSending(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{cfg: func(c *api.Config) { c.ReadOnly = true }})
	ctx := context.Background()
	if !r.c.ReadOnly() {
		t.Fatal("ReadOnly() false")
	}
	_, err := r.c.CreateBooking(ctx, r.request(time.Hour, time.Hour))
	e := apiErr(t, err, api.KindReadOnly)
	checkPredicates(t, err, api.KindReadOnly)
	if !strings.Contains(e.Message, "read-only") || e.Retryable() {
		t.Errorf("error %+v", e)
	}
	_, err = r.c.CancelBooking(ctx, "some-id", "x")
	apiErr(t, err, api.KindReadOnly)
	_, err = r.c.ResumeCreate(ctx, r.request(time.Hour, time.Hour), t0)
	apiErr(t, err, api.KindReadOnly)
	if n := len(r.Hits()); n != 0 {
		t.Errorf("%d requests sent in read-only mode", n)
	}
	if n := len(r.Events()); n != 0 {
		t.Errorf("%d events in read-only mode", n)
	}
	// Reads still work.
	if _, err := r.c.Usage(ctx); err != nil {
		t.Errorf("read in read-only mode: %v", err)
	}
}

func TestKindStrings(t *testing.T) {
	t.Parallel()
	seen := map[string]api.Kind{}
	for k := api.KindUnknown; k <= api.KindReadOnly; k++ {
		s := k.String()
		if s == "" {
			t.Errorf("kind %d has no name", k)
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("kinds %d and %d are both %q", prev, k, s)
		}
		seen[s] = k
	}
}

func TestErrorFormatting(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	cases := []struct {
		e    *api.Error
		want string
	}{
		{&api.Error{Kind: api.KindNotFound, Status: 404, Method: "GET", Path: "/bookings/x", Message: "Booking x not found"}, "GET /bookings/x: 404 Not Found: Booking x not found"},
		{&api.Error{Kind: api.KindServer, Status: 503, Method: "GET", Path: "/usage"}, "GET /usage: 503 Service Unavailable"},
		{&api.Error{Kind: api.KindNetwork, Method: "GET", Path: "/usage", Message: "connection refused"}, "GET /usage: connection refused"},
		{&api.Error{Kind: api.KindNetwork, Err: cause}, "boom"},
		{&api.Error{Kind: api.KindConflict}, "conflict"},
	}
	for _, tc := range cases {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	wrapped := fmt.Errorf("booking: %w", &api.Error{Kind: api.KindConflict, Err: cause})
	if api.KindOf(wrapped) != api.KindConflict || !api.IsConflict(wrapped) || !errors.Is(wrapped, cause) {
		t.Errorf("wrapped error not classified or unwrapped")
	}
	if api.KindOf(cause) != api.KindUnknown {
		t.Errorf("foreign error classified")
	}
	if _, ok := api.AsError(cause); ok {
		t.Errorf("AsError of a foreign error")
	}
}

// GetBooking refuses an empty id before sending; CancelBooking should too
// (it would POST /bookings//cancel, a path the contract does not have).
func TestCancelWithoutIDIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	_, err := r.c.CancelBooking(contract.WithoutRequestCheck(context.Background()), " ", "x")
	if api.KindOf(err) != api.KindValidation {
		t.Errorf("CancelBooking(\" \"): %v (kind %v), want a validation error", err, api.KindOf(err))
	}
	if n := len(r.Hits()); n != 0 {
		t.Errorf("%d requests sent for an empty booking id: %+v", n, r.Hits())
	}
}
func TestKindNames(t *testing.T) {
	want := map[api.Kind]string{
		api.KindUnknown: "error", api.KindValidation: "validation", api.KindBadRequest: "bad_request",
		api.KindUnauthorized: "unauthorized", api.KindForbidden: "forbidden", api.KindNotFound: "not_found",
		api.KindConflict: "conflict", api.KindRateLimited: "rate_limited", api.KindServer: "server",
		api.KindNetwork: "network", api.KindDecode: "decode", api.KindUnknownOutcome: "unknown_outcome",
		api.KindReadOnly: "read_only",
	}
	for k, name := range want {
		if got := k.Name(); got != name {
			t.Errorf("%v.Name() = %q, want %q", k, got, name)
		}
	}
}
