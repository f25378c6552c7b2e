package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// t0 is where every fake clock starts: a Tuesday morning, mid-month.
var t0 = simtest.T0

// rig is one client talking over real HTTP to one simulator. Both share a
// manual clock; the client's Sleep advances that clock and records the wait,
// so nothing in these tests sleeps for real.
type rig struct {
	t     *testing.T
	srv   *simtest.Server
	clock *sim.ManualClock
	sim   *sim.Server
	base  string // the server's URL + sim.BasePath
	key   string
	c     *api.Client
	cfg   api.Config // as given to api.New

	mu     sync.Mutex
	events []api.Event
	sleeps []time.Duration
}

// setup varies a rig.
type setup struct {
	sim sim.Options
	// cfg edits the client's config before api.New.
	cfg func(*api.Config)
	// wrap sits between the server and the simulator (fault injection at the server).
	wrap func(r *rig, next http.Handler) http.Handler
	// rt sits between the client and the contract-checking transport (fault
	// injection at the client, after the contract saw the real traffic).
	rt func(r *rig, next http.RoundTripper) http.RoundTripper
	// noContract leaves the contract check out: for servers that answer
	// outside the contract on purpose (hand-written JSON, 502s, garbage).
	noContract bool
}

func newRig(t *testing.T, s setup, opts ...simtest.Option) *rig {
	t.Helper()
	r := &rig{t: t}
	if s.wrap != nil {
		opts = append(opts, simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler { return s.wrap(r, next) }))
	}
	r.srv = simtest.Start(t, s.sim, opts...)
	r.clock, r.sim, r.base, r.key = r.srv.Clock, r.srv.Sim, r.srv.Base, r.srv.Key

	var rt http.RoundTripper = simtest.OneConnectionPerRequest(t)
	if !s.noContract {
		rt = r.srv.Transport(t, rt)
	}
	if s.rt != nil {
		rt = s.rt(r, rt)
	}
	r.cfg = api.Config{
		BaseURL:   r.base,
		APIKey:    r.key,
		Transport: rt,
		Now:       r.clock.Now,
		Sleep:     r.sleep,
		OnEvent:   r.onEvent,
	}
	if s.cfg != nil {
		s.cfg(&r.cfg)
	}
	r.c = api.New(r.cfg)
	return r
}

// simRig is a rig whose simulator never rate-limits.
func simRig(t *testing.T, s setup) *rig {
	t.Helper()
	return newRig(t, s, simtest.Unlimited())
}

func (r *rig) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.sleeps = append(r.sleeps, d)
	r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	r.clock.Advance(d)
	return nil
}

func (r *rig) onEvent(ev api.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

func (r *rig) Events() []api.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]api.Event(nil), r.events...)
}

func (r *rig) Sleeps() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.sleeps...)
}

// Hits is every request that reached the server (before any wrapping handler).
func (r *rig) Hits() []simtest.Request { return r.srv.Requests() }

// count is how many requests with that method and path (without the base
// path) reached the server.
func (r *rig) count(method, path string) int { return r.srv.Count(method, path) }

func (r *rig) posts() int { return r.count(http.MethodPost, "/bookings") }

// withExternalID is how many bookings the simulator holds with that external_id.
func (r *rig) withExternalID(ext string) int { return r.srv.WithExternalID(ext) }

// request is a valid booking request on the flagship's EVSE 1, starting
// lead after the clock's now and lasting dur.
func (r *rig) request(lead, dur time.Duration) model.BookingRequest {
	return simtest.BookingRequest(r.clock.Now(), lead, dur)
}

// mustCreate books through the client and fails the test on any error.
func (r *rig) mustCreate(req model.BookingRequest) *model.Booking {
	r.t.Helper()
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		r.t.Fatalf("CreateBooking: %v", err)
	}
	return res.Booking
}

// apiErr fails unless err is an *api.Error of kind k, and returns it.
func apiErr(t *testing.T, err error, k api.Kind) *api.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", k)
	}
	e, ok := api.AsError(err)
	if !ok {
		t.Fatalf("error %T %v is not an *api.Error", err, err)
	}
	if e.Kind != k || api.KindOf(err) != k {
		t.Fatalf("kind %v (%v), want %v; error: %v", e.Kind, api.KindOf(err), k, err)
	}
	return e
}

// serveAndDrop lets next process the request into a recorder (the server did
// the work) and then closes the connection without an answer.
func serveAndDrop(next http.Handler, w http.ResponseWriter, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	hijackClose(w)
	return rec
}

// hijackClose closes the connection without writing anything.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// writeJSONBody writes a hand-written JSON answer.
func writeJSONBody(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeServerError(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(model.ErrorBody{Error: msg})
	writeJSONBody(w, http.StatusInternalServerError, string(b))
}

// once is true for the first call only (concurrency-safe).
type once struct{ n atomic.Int32 }

func (o *once) first() bool { return o.n.Add(1) == 1 }

// roundTripFunc is a RoundTripper from a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// errConnReset stands for a connection reset after the request went out.
var errConnReset = errors.New("read tcp 127.0.0.1:1234->127.0.0.1:80: read: connection reset by peer")

// handlerFunc-only server without the simulator: the client under
// test talks to hand-written answers.
func rawRig(t *testing.T, h http.HandlerFunc, edit func(*api.Config)) *rig {
	t.Helper()
	return newRig(t, setup{
		noContract: true,
		cfg:        edit,
		wrap:       func(*rig, http.Handler) http.Handler { return h },
	})
}
