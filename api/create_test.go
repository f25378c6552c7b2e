package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// firstPost runs fault for the first POST /bookings and passes everything
// else to the simulator.
func firstPost(fault func(next http.Handler, w http.ResponseWriter, req *http.Request)) func(*rig, http.Handler) http.Handler {
	return func(_ *rig, next http.Handler) http.Handler {
		var o once
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost && req.URL.Path == sim.BasePath+"/bookings" && o.first() {
				fault(next, w, req)
				return
			}
			next.ServeHTTP(w, req)
		})
	}
}

// firstPostRT is firstPost at the client's side of the contract check.
func firstPostRT(fault func(next http.RoundTripper, req *http.Request) (*http.Response, error)) func(*rig, http.RoundTripper) http.RoundTripper {
	return func(_ *rig, next http.RoundTripper) http.RoundTripper {
		var o once
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/bookings") && o.first() {
				return fault(next, req)
			}
			return next.RoundTrip(req)
		})
	}
}

// forwardThen lets the request through (the simulator books) and replaces
// the answer with the result of lose.
func forwardThen(lose func(resp *http.Response) (*http.Response, error)) func(http.RoundTripper, *http.Request) (*http.Response, error) {
	return func(next http.RoundTripper, req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusAccepted {
			return nil, fmt.Errorf("the simulator answered %d", resp.StatusCode)
		}
		return lose(resp)
	}
}

func replaced(resp *http.Response, status int, body string) *http.Response {
	_ = resp.Body.Close()
	out := *resp
	out.StatusCode = status
	out.Status = fmt.Sprintf("%d %s", status, http.StatusText(status))
	out.Header = resp.Header.Clone()
	out.Body = io.NopCloser(strings.NewReader(body))
	out.ContentLength = int64(len(body))
	return &out
}

// The create reached the simulator and booked; its answer was lost. The
// client must find and adopt that booking, never send a second POST.
func TestCreateAnswerLostAfterProcessingIsAdopted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		s    setup
	}{
		{"connection closed by the server", setup{wrap: firstPost(func(next http.Handler, w http.ResponseWriter, req *http.Request) {
			serveAndDrop(next, w, req)
		})}},
		{"500 from the server", setup{wrap: firstPost(func(next http.Handler, w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(httptest.NewRecorder(), req)
			writeServerError(w, "Internal error: upstream CPO timeout")
		})}},
		{"connection reset", setup{rt: firstPostRT(forwardThen(func(resp *http.Response) (*http.Response, error) {
			_ = resp.Body.Close()
			return nil, errConnReset
		}))}},
		{"502 from a gateway", setup{rt: firstPostRT(forwardThen(func(resp *http.Response) (*http.Response, error) {
			return replaced(resp, http.StatusBadGateway, `{"error":"Bad gateway"}`), nil
		}))}},
		{"truncated 202", setup{rt: firstPostRT(forwardThen(func(resp *http.Response) (*http.Response, error) {
			body, _ := io.ReadAll(resp.Body)
			return replaced(resp, http.StatusAccepted, string(body[:len(body)/2])), nil
		}))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := simRig(t, tc.s)
			req := r.request(time.Hour, time.Hour)
			r.clock.Advance(3 * time.Second) // the booking's created_at is not the clock's start
			res, err := r.c.CreateBooking(context.Background(), req)
			if err != nil {
				t.Fatalf("CreateBooking: %v", err)
			}
			if !res.Adopted || res.Attempts != 1 || res.Booking == nil {
				t.Fatalf("result %+v, want the booking adopted after one POST", res)
			}
			if res.Booking.ExternalID != req.ExternalID || res.Booking.ID == "" {
				t.Errorf("adopted %+v", res.Booking)
			}
			if n := r.withExternalID(req.ExternalID); n != 1 {
				t.Errorf("the simulator holds %d bookings with %s, want exactly 1", n, req.ExternalID)
			}
			if n := len(r.sim.Bookings()); n != 1 {
				t.Errorf("%d bookings in all", n)
			}
			if r.posts() != 1 || r.count("GET", "/bookings") != 1 {
				t.Errorf("%d POSTs, %d look-ups; want 1 and 1", r.posts(), r.count("GET", "/bookings"))
			}
			checkLookupQuery(t, r, 0)
		})
	}
}

// checkLookupQuery: the nth look-up asks for every booking created around the attempt.
func checkLookupQuery(t *testing.T, r *rig, nth int) url.Values {
	t.Helper()
	var lookups []simtest.Request
	for _, h := range r.Hits() {
		if h.Method == http.MethodGet && h.Path == "/bookings" {
			lookups = append(lookups, h)
		}
	}
	if nth >= len(lookups) {
		t.Fatalf("no look-up %d", nth)
	}
	q, _ := url.ParseQuery(lookups[nth].RawQuery)
	from, err1 := time.Parse(time.RFC3339, q.Get("from_date"))
	to, err2 := time.Parse(time.RFC3339, q.Get("to_date"))
	if err1 != nil || err2 != nil || q.Get("limit") != "100" {
		t.Fatalf("look-up query %v", q)
	}
	for _, b := range r.sim.Bookings() {
		if b.CreatedAt.Before(from) || b.CreatedAt.After(to) {
			t.Errorf("booking created %v outside the look-up window %v – %v", b.CreatedAt, from, to)
		}
	}
	if to.Sub(from) > time.Hour {
		t.Errorf("look-up window %v – %v is wider than needed", from, to)
	}
	return q
}

func TestCreateAnswerLostByTimeoutIsAdopted(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{
		cfg: func(c *api.Config) { c.Timeout = 100 * time.Millisecond },
		wrap: firstPost(func(next http.Handler, w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(httptest.NewRecorder(), req)
			<-req.Context().Done() // never answers; the client gives up
		}),
	})
	req := r.request(time.Hour, time.Hour)
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Attempts != 1 || r.posts() != 1 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("result %+v, %d POSTs, %d bookings", res, r.posts(), r.withExternalID(req.ExternalID))
	}
}

// The create never reached the simulator: the look-up confirms the absence
// and exactly one more POST, with the same body, books.
func TestCreateLostBeforeProcessingIsSentOnceMore(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		s    setup
	}{
		{"connection closed unread", setup{wrap: firstPost(func(_ http.Handler, w http.ResponseWriter, _ *http.Request) {
			hijackClose(w)
		})}},
		{"500 without forwarding", setup{wrap: firstPost(func(_ http.Handler, w http.ResponseWriter, _ *http.Request) {
			writeServerError(w, "Internal error: overloaded")
		})}},
		{"connection refused", setup{rt: firstPostRT(func(http.RoundTripper, *http.Request) (*http.Response, error) {
			return nil, errConnReset
		})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := simRig(t, tc.s)
			req := r.request(time.Hour, time.Hour)
			req.ExternalID = ""
			res, err := r.c.CreateBooking(context.Background(), req)
			if err != nil {
				t.Fatalf("CreateBooking: %v", err)
			}
			if res.Adopted || res.Attempts != 2 || res.Booking == nil || res.Booking.Status != model.Requested {
				t.Fatalf("result %+v, want a fresh booking on the second attempt", res)
			}
			if n := len(r.sim.Bookings()); n != 1 {
				t.Errorf("%d bookings, want exactly 1", n)
			}
			if r.count("GET", "/bookings") != 1 {
				t.Errorf("%d look-ups", r.count("GET", "/bookings"))
			}
			var bodies [][]byte
			for _, h := range r.Hits() {
				if h.Method == http.MethodPost {
					bodies = append(bodies, h.Body)
				}
			}
			wantPosts := 2
			if tc.name == "connection refused" {
				wantPosts = 1 // the first never left the client
			}
			if len(bodies) != wantPosts {
				t.Fatalf("%d POSTs reached the server, want %d", len(bodies), wantPosts)
			}
			if len(bodies) == 2 && !bytes.Equal(bodies[0], bodies[1]) {
				t.Errorf("the second POST differs:\n%s\n%s", bodies[0], bodies[1])
			}
			var sent model.BookingRequest
			_ = json.Unmarshal(bodies[len(bodies)-1], &sent)
			if sent.ExternalID == "" || res.Booking.ExternalID != sent.ExternalID {
				t.Errorf("external_id %q sent, booking has %q", sent.ExternalID, res.Booking.ExternalID)
			}
		})
	}
}

func TestCreateSecondAttemptLostIsAdopted(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost && req.URL.Path == sim.BasePath+"/bookings" {
				switch posts.Add(1) {
				case 1:
					hijackClose(w) // lost before
					return
				case 2:
					serveAndDrop(next, w, req) // lost after
					return
				}
			}
			next.ServeHTTP(w, req)
		})
	}})
	req := r.request(time.Hour, time.Hour)
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Attempts != 2 || r.posts() != 2 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("result %+v, %d POSTs, %d bookings", res, r.posts(), r.withExternalID(req.ExternalID))
	}
}

func TestCreateNeverSendsAThirdTime(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost {
				hijackClose(w)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	res, err := r.c.CreateBooking(context.Background(), r.request(time.Hour, time.Hour))
	apiErr(t, err, api.KindNetwork)
	if res == nil || res.Attempts != 2 || res.Booking != nil || r.posts() != 2 || len(r.sim.Bookings()) != 0 {
		t.Errorf("result %+v, %d POSTs", res, r.posts())
	}
}

func TestCreateLookupFailureLeavesTheOutcomeUnknown(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		var o once
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case req.Method == http.MethodPost && o.first():
				serveAndDrop(next, w, req)
			case req.Method == http.MethodGet && req.URL.Path == sim.BasePath+"/bookings":
				writeServerError(w, "Internal error: list unavailable")
			default:
				next.ServeHTTP(w, req)
			}
		})
	}})
	req := r.request(time.Hour, time.Hour)
	req.ExternalID = "fleet-route-7-morning"
	res, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindUnknownOutcome)
	if !strings.Contains(e.Message, "fleet-route-7-morning") || !strings.Contains(err.Error(), "fleet-route-7-morning") {
		t.Errorf("message %q does not name the external_id", e.Message)
	}
	if !strings.Contains(e.Message, "NOT sent again") || !strings.Contains(e.Message, "list unavailable") {
		t.Errorf("message %q", e.Message)
	}
	if e.Retryable() || e.Err == nil || api.KindOf(e.Err) != api.KindNetwork {
		t.Errorf("error %+v: should wrap the create's own failure", e)
	}
	if res == nil || res.Attempts != 1 || res.Booking != nil {
		t.Errorf("result %+v", res)
	}
	if r.posts() != 1 {
		t.Errorf("%d POSTs after an unknown outcome, want 1", r.posts())
	}
	if n := r.count("GET", "/bookings"); n != 4 {
		t.Errorf("%d look-up attempts, want 1 + 3 retries", n)
	}
	if r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("the simulator should hold the one booking")
	}
}

func TestCreateLookupRateLimitedLeavesTheOutcomeUnknown(t *testing.T) {
	t.Parallel()
	// Three requests a minute: the lost create and one look-up pass, the next is 429 for ~60 s.
	r := newRig(t, setup{
		sim: sim.Options{RateLimit: 2},
		wrap: firstPost(func(next http.Handler, w http.ResponseWriter, req *http.Request) {
			serveAndDrop(next, w, req)
		}),
	})
	if _, err := r.c.Usage(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := r.request(time.Hour, time.Hour)
	_, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindUnknownOutcome)
	if !strings.Contains(e.Message, req.ExternalID) {
		t.Errorf("message %q", e.Message)
	}
	if r.posts() != 1 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("%d POSTs", r.posts())
	}
}

// postDirect books straight on the simulator (no client, no counting).
func postDirect(t *testing.T, r *rig, next http.Handler, req model.BookingRequest) {
	body, _ := json.Marshal(req)
	hr := httptest.NewRequest(http.MethodPost, sim.BasePath+"/bookings", bytes.NewReader(body))
	hr.Header.Set("X-API-Key", r.key)
	hr.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, hr)
	if rec.Code != http.StatusAccepted {
		t.Errorf("direct create: %d %s", rec.Code, rec.Body)
	}
}

// others are n valid requests on the flagship's EVSE 2, one after another.
func others(r *rig, n int) []model.BookingRequest {
	out := make([]model.BookingRequest, n)
	for i := range out {
		req := r.request(time.Hour+time.Duration(i)*30*time.Minute, 15*time.Minute)
		req.EVSEUID = "DE*ENB*E123456*2"
		req.ExternalID = fmt.Sprintf("other-%03d", i)
		out[i] = req
	}
	return out
}

func TestCreateLookupPagesThroughManyBookings(t *testing.T) {
	t.Parallel()
	// Right after the lost create, 150 other bookings appear in the same
	// second: the lost one is the oldest of the window, on the second page.
	var o once
	r2 := simRig(t, setup{wrap: func(rg *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost && o.first() {
				next.ServeHTTP(httptest.NewRecorder(), req)
				for _, other := range others(rg, 150) {
					postDirect(t, rg, next, other)
				}
				hijackClose(w)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	req := r2.request(time.Hour, time.Hour)
	res, err := r2.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Attempts != 1 || res.Booking.ExternalID != req.ExternalID {
		t.Fatalf("result %+v", res)
	}
	if n := len(r2.sim.Bookings()); n != 151 {
		t.Errorf("%d bookings, want 151", n)
	}
	if r2.posts() != 1 || r2.withExternalID(req.ExternalID) != 1 {
		t.Errorf("%d POSTs", r2.posts())
	}
	if n := r2.count("GET", "/bookings"); n != 2 {
		t.Fatalf("%d look-up pages, want 2", n)
	}
	if q := checkLookupQuery(t, r2, 1); q.Get("offset") != "100" {
		t.Errorf("second page query %v, want offset=100", q)
	}
}

func TestCreateLookupPagesToTheEndBeforeConcludingAbsence(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: firstPost(func(_ http.Handler, w http.ResponseWriter, _ *http.Request) {
		hijackClose(w)
	})})
	for _, other := range others(r, 230) {
		postDirect(t, r, r.sim, other) // not through the faulty server
	}
	before := len(r.Hits())
	req := r.request(time.Hour, time.Hour)
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.Attempts != 2 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("result %+v", res)
	}
	var offsets []string
	for _, h := range r.Hits()[before:] {
		if h.Method == http.MethodGet {
			q, _ := url.ParseQuery(h.RawQuery)
			offsets = append(offsets, q.Get("offset"))
		}
	}
	if strings.Join(offsets, ",") != ",100,200" {
		t.Errorf("look-up offsets %q, want every page: ,100,200", offsets)
	}
}

func TestResumeCreate(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx := context.Background()
	since := r.clock.Now()
	req := r.request(time.Hour, time.Hour)
	first := r.mustCreate(req)
	r.clock.Advance(time.Minute)

	// The earlier attempt did book: adopted, nothing sent.
	res, err := r.c.ResumeCreate(ctx, req, since)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Attempts != 0 || res.Booking.ID != first.ID {
		t.Errorf("result %+v, want %s adopted without a POST", res, first.ID)
	}
	if r.posts() != 1 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("%d POSTs", r.posts())
	}

	// It did not: created, once.
	req2 := r.request(3*time.Hour, time.Hour)
	res, err = r.c.ResumeCreate(ctx, req2, since)
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.Attempts != 1 || res.Booking.ExternalID != req2.ExternalID {
		t.Errorf("result %+v", res)
	}
	if r.posts() != 2 || r.withExternalID(req2.ExternalID) != 1 {
		t.Errorf("%d POSTs", r.posts())
	}

	// Without an external_id there is nothing to look for: a plain create.
	req3 := r.request(6*time.Hour, time.Hour)
	req3.ExternalID = ""
	res, err = r.c.ResumeCreate(ctx, req3, since)
	if err != nil || res.Adopted || res.Attempts != 1 || !strings.HasPrefix(res.Booking.ExternalID, "cd-") {
		t.Errorf("result %+v, %v", res, err)
	}
}

func TestResumeCreateLookupFailureSendsNothing(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{
		cfg: func(c *api.Config) { c.Retries = -1 },
		wrap: func(_ *rig, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.Method == http.MethodGet {
					writeServerError(w, "Internal error")
					return
				}
				next.ServeHTTP(w, req)
			})
		},
	})
	_, err := r.c.ResumeCreate(context.Background(), r.request(time.Hour, time.Hour), t0)
	if err == nil || api.KindOf(err) == api.KindUnknown {
		t.Fatalf("error %v", err)
	}
	if r.posts() != 0 {
		t.Errorf("%d POSTs although the look-up failed", r.posts())
	}
}

func TestCancelAnswerLostIsCheckedByReading(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if strings.HasSuffix(req.URL.Path, "/cancel") {
				serveAndDrop(next, w, req)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	b := r.mustCreate(r.request(time.Hour, time.Hour))
	got, err := r.c.CancelBooking(context.Background(), b.ID, "Plans changed")
	if err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if got.Status != model.Cancelled || got.CancellationReason != "Plans changed" {
		t.Errorf("booking %+v", got)
	}
	if n := r.count("POST", "/bookings/"+b.ID+"/cancel"); n != 1 {
		t.Errorf("cancel sent %d times", n)
	}
}

func TestCancelLostBeforeProcessingIsReported(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if strings.HasSuffix(req.URL.Path, "/cancel") {
				hijackClose(w)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	b := r.mustCreate(r.request(time.Hour, time.Hour))
	_, err := r.c.CancelBooking(context.Background(), b.ID, "")
	apiErr(t, err, api.KindNetwork)
	if n := r.count("POST", "/bookings/"+b.ID+"/cancel"); n != 1 {
		t.Errorf("cancel sent %d times", n)
	}
	got, _ := r.c.GetBooking(context.Background(), b.ID)
	if got.Status == model.Cancelled {
		t.Errorf("booking cancelled although no cancel reached the simulator")
	}
}

// The person gives up while the create is on its way (Esc, Ctrl-C): the
// booking may exist, so the look-up still runs to its end, finds it and
// adopts it. Nothing is sent again.
func TestCreateCancelledInFlightIsLookedUpAnyway(t *testing.T) {
	t.Parallel()
	processed := make(chan struct{})
	r := simRig(t, setup{wrap: firstPost(func(next http.Handler, w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(httptest.NewRecorder(), req)
		close(processed)
		<-req.Context().Done()
	})})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-processed; cancel() }()
	req := r.request(time.Hour, time.Hour)
	res, err := r.c.CreateBooking(ctx, req)
	if err != nil {
		t.Fatalf("the look-up after the cancel: %v", err)
	}
	if !res.Adopted || res.Booking.ExternalID != req.ExternalID || res.Attempts != 1 || r.posts() != 1 || r.withExternalID(req.ExternalID) != 1 {
		t.Errorf("result %+v, %d POSTs", res, r.posts())
	}
}

// Every create is recorded before it is sent and forgotten once its outcome
// is known; an unknown outcome stays for the next start; the same external
// id in flight elsewhere is refused before anything is sent.
func TestCreateIsJournalled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var journal *localstate.Journal
	r := simRig(t, setup{wrap: firstPost(func(_ http.Handler, w http.ResponseWriter, _ *http.Request) {
		if files, _ := os.ReadDir(dir); len(files) != 1 {
			t.Errorf("%d journal files while the POST is on its way, want 1", len(files))
		}
		hijackClose(w)
	}), cfg: func(c *api.Config) {
		journal = localstate.OpenJournal(dir, c.BaseURL, c.APIKey)
		c.Journal = journal
	}})
	if _, err := r.c.CreateBooking(context.Background(), r.request(time.Hour, time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p, _ := journal.Pending(); len(p) != 0 {
		t.Fatalf("a known outcome stayed in the journal: %+v", p)
	}
	// In flight in another process: refused, nothing sent.
	req := r.request(2*time.Hour, time.Hour)
	req.ExternalID = "held-1"
	held, err := localstate.OpenJournal(dir, r.base, r.key).Begin(req, r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	posts := r.posts()
	_, err = r.c.CreateBooking(context.Background(), req)
	if e := apiErr(t, err, api.KindInFlight); !strings.Contains(e.Message, "held-1") || r.posts() != posts {
		t.Fatalf("in flight elsewhere: %v, %d POSTs more", e, r.posts()-posts)
	}
	held.Done()
}

func TestUnknownOutcomeStaysInTheJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			hijackClose(w)
			return
		}
		writeServerError(w, "look-ups are down")
	}, nil)
	j := localstate.OpenJournal(dir, r.base, r.key)
	c := api.New(api.Config{BaseURL: r.base, APIKey: r.key, Now: r.clock.Now, Sleep: r.sleep, Retries: -1, Journal: j})
	req := r.request(time.Hour, time.Hour)
	_, err := c.CreateBooking(context.Background(), req)
	apiErr(t, err, api.KindUnknownOutcome)
	p, _ := j.Pending()
	if len(p) != 1 || p[0].ExternalID != req.ExternalID {
		t.Fatalf("pending %+v", p)
	}
}
