package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// t0 is the fake clock's start: a Tuesday morning, mid-month.
var t0 = simtest.T0

const munichQuery = "/search?lat=48.1351&lng=11.5820&radius=25&connector_type=IEC_62196_T2_COMBO&power_min=50"

type env struct {
	t      *testing.T
	clock  *sim.ManualClock
	srv    *sim.Server
	base   string
	client *http.Client
	key    string
}

// newEnv starts a simulator behind a real HTTP server, with a fake clock at
// t0 (unless o.Clock is set) and the contract-checking client.
func newEnv(t *testing.T, o sim.Options, opts ...simtest.Option) *env {
	t.Helper()
	s := simtest.Start(t, o, opts...)
	return &env{t: t, clock: s.Clock, srv: s.Sim, base: s.Base, key: s.Key,
		client: &http.Client{Transport: s.Transport(t, nil)}}
}

// lifecycleEnv is an env whose rate limit never gets in the way.
func lifecycleEnv(t *testing.T, o sim.Options) *env {
	o.RateLimit, o.MonthlyQuota = 0, 0
	return newEnv(t, o, simtest.Unlimited())
}

type call struct {
	method string
	path   string
	body   any               // marshalled to JSON unless a string ([]byte sent raw)
	header map[string]string // replaces the default X-API-Key when it sets an auth header
	noAuth bool
	skip   bool // the request breaks the contract on purpose
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) errText() string {
	var eb model.ErrorBody
	_ = json.Unmarshal(r.body, &eb)
	return eb.Error
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (e *env) do(c call) result {
	e.t.Helper()
	var rd io.Reader
	switch b := c.body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	if c.method == "" {
		c.method = http.MethodGet
	}
	req, err := http.NewRequest(c.method, e.base+c.path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !c.noAuth {
		req.Header.Set("X-API-Key", e.key)
	}
	for k, v := range c.header {
		if strings.EqualFold(k, "Authorization") {
			req.Header.Del("X-API-Key")
		}
		req.Header.Set(k, v)
	}
	if c.skip {
		req.Header.Set(contract.SkipRequestHeader, "1")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.invariants(c, resp, data)
	return result{resp.StatusCode, resp.Header, data}
}

var timestampRe = regexp.MustCompile(`"(\d{4}-\d\d-\d\dT[0-9:.]+)([^"]*)"`)

// invariants hold for every response: JSON, rate-limit headers, and UTC
// timestamps written with Z.
func (e *env) invariants(c call, resp *http.Response, data []byte) {
	e.t.Helper()
	where := c.method + " " + c.path
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		e.t.Errorf("%s: Content-Type %q", where, ct)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if resp.Header.Get(h) == "" {
			e.t.Errorf("%s → %d: no %s header", where, resp.StatusCode, h)
		}
	}
	if reset := resp.Header.Get("X-RateLimit-Reset"); !strings.HasSuffix(reset, "Z") {
		e.t.Errorf("%s: X-RateLimit-Reset %q is not UTC with Z", where, reset)
	}
	if (resp.StatusCode == http.StatusTooManyRequests) != (resp.Header.Get("Retry-After") != "") {
		e.t.Errorf("%s → %d: Retry-After %q", where, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, m := range timestampRe.FindAllSubmatch(data, -1) {
		if string(m[2]) != "Z" {
			e.t.Errorf("%s: timestamp %s is not UTC with Z", where, m[0])
		}
	}
}

func (e *env) get(path string) result { e.t.Helper(); return e.do(call{path: path}) }

// want fails unless the status is as expected, showing the body.
func (r result) want(t *testing.T, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

func (e *env) search(q string) model.SearchResponse {
	e.t.Helper()
	var sr model.SearchResponse
	e.get(q).want(e.t, 200).decode(e.t, &sr)
	return sr
}

// request is a valid booking request on the flagship's EVSE 1, starting
// `lead` after the clock's now and lasting `dur`.
func (e *env) request(lead, dur time.Duration) model.BookingRequest {
	return simtest.BookingRequest(e.clock.Now(), lead, dur)
}

func (e *env) create(req model.BookingRequest) model.Booking {
	e.t.Helper()
	var b model.Booking
	e.do(call{method: http.MethodPost, path: "/bookings", body: req}).want(e.t, http.StatusAccepted).decode(e.t, &b)
	return b
}

func (e *env) booking(id string) model.Booking {
	e.t.Helper()
	var b model.Booking
	e.get("/bookings/"+id).want(e.t, 200).decode(e.t, &b)
	return b
}

// transition is one observed status change.
type transition struct {
	status   model.Status
	updated  time.Time // status_updated_at
	seenAt   time.Time // clock time of the read that first showed it
	previous time.Time // clock time of the read before
}

// watch advances the clock by step until `until` after the booking's
// creation, reading the booking after each step, and returns every change.
func (e *env) watch(b model.Booking, step, until time.Duration, seen []transition) []transition {
	e.t.Helper()
	last := model.Requested
	if len(seen) > 0 {
		last = seen[len(seen)-1].status
	}
	end := b.CreatedAt.Add(until)
	for e.clock.Now().Before(end) {
		before := e.clock.Now()
		e.clock.Advance(step)
		got := e.booking(b.ID)
		if got.Status != last {
			if !model.CanTransition(last, got.Status) {
				e.t.Fatalf("transition %s → %s is not allowed", last, got.Status)
			}
			seen = append(seen, transition{got.Status, *got.StatusUpdatedAt, e.clock.Now(), before})
			last = got.Status
		}
	}
	return seen
}

func statuses(ts []transition) []model.Status {
	out := make([]model.Status, len(ts))
	for i, x := range ts {
		out[i] = x.status
	}
	return out
}

// sinceCreate is when a transition happened, counted from the booking's creation.
func sinceCreate(b model.Booking, x transition) time.Duration { return x.updated.Sub(*b.CreatedAt) }
