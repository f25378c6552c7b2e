package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// faultRig is a simulator with faults behind a real HTTP server, and a plain
// client without keep-alive (every request its own connection). arrived
// and served receive each request's path when the server starts and ends
// handling it (the first 64 of each are kept), for a test to wait on.
type faultRig struct {
	t               *testing.T
	clock           *sim.ManualClock
	srv             *sim.Server
	base            string
	hc              *http.Client
	arrived, served chan string
}

func newFaultRig(t *testing.T, f sim.Faults) *faultRig {
	t.Helper()
	r := &faultRig{t: t, arrived: make(chan string, 64), served: make(chan string, 64)}
	note := func(ch chan string, path string) {
		select {
		case ch <- path:
		default:
		}
	}
	s := simtest.Start(t, sim.Options{Seed: 1, Faults: f}, simtest.Unlimited(),
		simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
				note(r.arrived, q.URL.Path)
				defer note(r.served, q.URL.Path)
				next.ServeHTTP(w, q)
			})
		}))
	r.clock, r.srv, r.base = s.Clock, s.Sim, s.Base
	r.hc = &http.Client{Transport: simtest.OneConnectionPerRequest(t), Timeout: 5 * time.Second}
	return r
}

// await receives n paths from ch (arrived or served), or fails.
func (r *faultRig) await(ch chan string, n int, what string) {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for i := range n {
		select {
		case <-ch:
		case <-deadline:
			r.t.Fatalf("%d of %d requests %s in 10 s", i, n, what)
		}
	}
}

// faultAnswer is what came back: a status and body, or a transport error.
type faultAnswer struct {
	status int
	header http.Header
	body   []byte
	err    error // no (complete) answer
}

func (r *faultRig) send(method, path string, body []byte) faultAnswer {
	r.t.Helper()
	return r.sendCtx(context.Background(), method, path, body)
}

func (r *faultRig) sendCtx(ctx context.Context, method, path string, body []byte) faultAnswer {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("X-API-Key", sim.DefaultKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return faultAnswer{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return faultAnswer{status: resp.StatusCode, header: resp.Header, body: data, err: err}
}

// bookingBody is a valid POST /bookings body on the flagship's EVSE n, a
// distinct window per k.
func (r *faultRig) bookingBody(k int) []byte {
	start := t0.Add(time.Hour + time.Duration(k)*5*time.Hour)
	b, _ := json.Marshal(model.BookingRequest{
		LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1", ConnectorID: "1",
		ReservationStart: start, ReservationEnd: start.Add(time.Hour),
		ExternalID: fmt.Sprintf("fault-%d", k), TokenStrategy: model.DriverToken, CustomerID: "cust_abc123",
	})
	return b
}

func TestFaultsZeroValueChangesNothing(t *testing.T) {
	if (sim.Faults{}).Enabled() {
		t.Fatal("zero Faults reports Enabled")
	}
	r := newFaultRig(t, sim.Faults{})
	for i := 0; i < 20; i++ {
		if a := r.send(http.MethodGet, munichQuery, nil); a.err != nil || a.status != 200 || a.header.Get(sim.FaultHeader) != "" {
			t.Fatalf("plain search: %v %d %q", a.err, a.status, a.header.Get(sim.FaultHeader))
		}
	}
	if st := r.srv.FaultStats(); st.Requests != 0 || len(st.Injected) != 0 {
		t.Fatalf("stats without faults: %+v", st)
	}
}

func TestFaultRateLimitedIsNotProcessed(t *testing.T) {
	r := newFaultRig(t, sim.Faults{RateLimited: 1, RetryAfter: 3 * time.Second, Only: []string{"POST /bookings"}})
	a := r.send(http.MethodPost, "/bookings", r.bookingBody(0))
	if a.err != nil || a.status != http.StatusTooManyRequests {
		t.Fatalf("got %v %d %s", a.err, a.status, a.body)
	}
	if a.header.Get("Retry-After") != "3" || a.header.Get("X-RateLimit-Remaining") != "0" || a.header.Get(sim.FaultHeader) != sim.FaultRateLimited {
		t.Errorf("headers %v", a.header)
	}
	var eb model.ErrorBody
	if err := json.Unmarshal(a.body, &eb); err != nil || !strings.Contains(eb.Error, "Retry after 3 seconds") {
		t.Errorf("body %s", a.body)
	}
	if n := len(r.srv.Bookings()); n != 0 {
		t.Errorf("%d bookings after an injected 429", n)
	}
	// Only POST /bookings is faulted, and the 429 was not counted.
	var u model.Usage
	a = r.send(http.MethodGet, "/usage", nil)
	if err := json.Unmarshal(a.body, &u); err != nil || a.status != 200 || u.Quota.Used != 1 {
		t.Errorf("usage %d %s", a.status, a.body)
	}
}

func TestFaultServerErrorBeforeAndAfter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         sim.Faults
		processed bool
	}{
		{"before", sim.Faults{ServerError: 1}, false},
		{"after", sim.Faults{ServerErrorAfter: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFaultRig(t, tc.f)
			codes := map[int]bool{}
			for k := 0; k < 12; k++ {
				a := r.send(http.MethodPost, "/bookings", r.bookingBody(k))
				if a.err != nil {
					t.Fatal(a.err)
				}
				codes[a.status] = true
				var eb model.ErrorBody
				if err := json.Unmarshal(a.body, &eb); err != nil || eb.Error == "" {
					t.Errorf("%d: body %q is not a JSON error", a.status, a.body)
				}
			}
			for c := range codes {
				if c != 500 && c != 502 && c != 503 {
					t.Errorf("status %d", c)
				}
			}
			if len(codes) < 2 {
				t.Errorf("only %v over 12 requests", codes)
			}
			want := 0
			if tc.processed {
				want = 12
			}
			if n := len(r.srv.Bookings()); n != want {
				t.Errorf("%d bookings, want %d", n, want)
			}
		})
	}
}

func TestFaultDropBeforeAndAfter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		f         sim.Faults
		processed bool
	}{
		{"before", sim.Faults{DropBefore: 1}, false},
		{"after", sim.Faults{DropAfter: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFaultRig(t, tc.f)
			for k := 0; k < 6; k++ {
				if a := r.send(http.MethodPost, "/bookings", r.bookingBody(k)); a.err == nil {
					t.Fatalf("answer %d %s despite a dropped connection", a.status, a.body)
				}
			}
			want := 0
			if tc.processed {
				want = 6
			}
			bs := r.srv.Bookings()
			if len(bs) != want {
				t.Fatalf("%d bookings, want %d", len(bs), want)
			}
			for k, b := range bs {
				if b.ExternalID != fmt.Sprintf("fault-%d", k) {
					t.Errorf("booking %d has external_id %q", k, b.ExternalID)
				}
			}
		})
	}
}

func TestFaultMalformedOnlyOn2xx(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Malformed: 1})
	seen := map[string]bool{}
	for k := 0; k < 16; k++ {
		a := r.send(http.MethodPost, "/bookings", r.bookingBody(k))
		if a.err != nil || a.status != http.StatusAccepted {
			t.Fatalf("got %v %d", a.err, a.status)
		}
		if json.Valid(a.body) {
			t.Fatalf("a malformed answer is valid JSON: %s", a.body)
		}
		var b model.Booking
		if json.Unmarshal(a.body, &b) == nil {
			t.Fatalf("decodes: %s", a.body)
		}
		seen[string(a.body[:1])] = true
	}
	if len(seen) < 3 {
		t.Errorf("few malformed variants: %v", seen)
	}
	if n := len(r.srv.Bookings()); n != 16 {
		t.Errorf("%d bookings, want 16 (processed)", n)
	}
	// A 400 keeps its JSON error body.
	a := r.send(http.MethodPost, "/bookings", []byte(`{}`))
	if a.status != 400 || !json.Valid(a.body) || a.header.Get(sim.FaultHeader) != "" {
		t.Errorf("400: %d %s %v", a.status, a.body, a.header)
	}
}

func TestFaultTruncated(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Truncated: 1})
	var readErrs, short int
	for k := 0; k < 24; k++ {
		a := r.send(http.MethodGet, fmt.Sprintf("%s&limit=%d", munichQuery, 1+k%5), nil)
		switch {
		case a.err != nil && a.status == 200:
			readErrs++ // headers came, the body broke off
			if !errors.Is(a.err, io.ErrUnexpectedEOF) {
				t.Errorf("read error %v", a.err)
			}
		case a.err != nil:
			t.Fatalf("no answer: %v", a.err)
		default:
			short++
			if a.status != 200 || json.Valid(a.body) || len(a.body) == 0 {
				t.Errorf("short answer %d %q", a.status, a.body)
			}
		}
	}
	if readErrs == 0 || short == 0 {
		t.Errorf("read errors %d, short bodies %d: want both kinds", readErrs, short)
	}
}

func TestFaultBurstWindows(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Burst: sim.Burst{Length: 5 * time.Second, Every: time.Minute}})
	// t0 is 09:00:00: inside the first 5 s of a minute.
	a := r.send(http.MethodGet, "/usage", nil)
	if a.status != 429 || a.header.Get("Retry-After") != "5" || a.header.Get(sim.FaultHeader) != sim.FaultBurst {
		t.Fatalf("at t0: %d %v", a.status, a.header)
	}
	r.clock.Advance(3500 * time.Millisecond)
	if a = r.send(http.MethodGet, "/usage", nil); a.status != 429 || a.header.Get("Retry-After") != "2" {
		t.Fatalf("at +3.5 s: %d Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	r.clock.Advance(1500 * time.Millisecond)
	if a = r.send(http.MethodGet, "/usage", nil); a.status != 200 {
		t.Fatalf("at +5 s: %d", a.status)
	}
	r.clock.Advance(55 * time.Second)
	if a = r.send(http.MethodGet, "/usage", nil); a.status != 429 {
		t.Fatalf("next minute: %d", a.status)
	}
	if got := r.srv.FaultStats().Injected[sim.FaultBurst]; got != 3 {
		t.Errorf("burst count %d", got)
	}
}

// Only restricts the latency to the requests it matches: with those two
// held in an hour's latency, the two others are answered; then the two
// held are still unanswered, until their clients leave. No wall-clock
// measure: the order of events says it.
func TestFaultLatencyAndOnly(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Latency: sim.Latency{Fixed: time.Hour}, Only: []string{"GET /bookings/**"}})
	ctx, leave := context.WithCancel(context.Background())
	defer leave()
	held := make(chan faultAnswer, 2)
	for _, p := range []string{"/bookings", "/bookings/nope"} {
		go func() { held <- r.sendCtx(ctx, http.MethodGet, p, nil) }()
	}
	r.await(r.arrived, 2, "matching Only arrived")
	if a := r.send(http.MethodGet, "/usage", nil); a.err != nil || a.status != http.StatusOK {
		t.Errorf("GET /usage, outside Only, beside two held requests: %d %v", a.status, a.err)
	}
	if a := r.send(http.MethodPost, "/bookings", []byte(`{}`)); a.err != nil || a.status != http.StatusBadRequest {
		t.Errorf("POST /bookings, outside Only, beside two held requests: %d %v", a.status, a.err)
	}
	select {
	case a := <-held:
		t.Fatalf("a request in an hour's latency was answered: %d %v", a.status, a.err)
	default:
	}
	leave()
	for range 2 {
		if a := <-held; a.err == nil {
			t.Errorf("a held request whose client left was answered %d", a.status)
		}
	}
	r.await(r.served, 4, "served")
	if st := r.srv.FaultStats(); st.Requests != 2 || st.Delayed != 2 || st.Latency != 2*time.Hour || st.Abandoned != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultLatencyClientGivesUp(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Latency: sim.Latency{Fixed: 3 * time.Second}})
	r.hc.Timeout = 50 * time.Millisecond
	if a := r.send(http.MethodPost, "/bookings", r.bookingBody(0)); a.err == nil {
		t.Fatalf("answer %d before the client's timeout", a.status)
	}
	r.await(r.served, 1, "served") // the server saw the client leave, and gave up on it
	if st := r.srv.FaultStats(); st.Abandoned != 1 {
		t.Fatalf("abandoned %d", st.Abandoned)
	}
	if n := len(r.srv.Bookings()); n != 0 {
		t.Errorf("%d bookings from a request whose client left during the latency", n)
	}
}

func TestFaultSlowAnswerIsProcessedEvenWhenTheClientLeaves(t *testing.T) {
	r := newFaultRig(t, sim.Faults{Latency: sim.Latency{Fixed: 3 * time.Second, After: true}})
	r.hc.Timeout = 50 * time.Millisecond
	if a := r.send(http.MethodPost, "/bookings", r.bookingBody(0)); a.err == nil {
		t.Fatalf("answer %d before the client's timeout", a.status)
	}
	if n := len(r.srv.Bookings()); n != 1 {
		t.Errorf("%d bookings: a slow answer's request is processed first", n)
	}
}

// faultTrace is the fate of each request of a fixed sequence.
func faultTrace(t *testing.T, f sim.Faults) []string {
	r := newFaultRig(t, f)
	var out []string
	for k := 0; k < 40; k++ {
		var a faultAnswer
		if k%2 == 0 {
			a = r.send(http.MethodPost, "/bookings", r.bookingBody(k))
		} else {
			a = r.send(http.MethodGet, "/bookings", nil)
		}
		switch {
		case a.err != nil && a.status == 0:
			out = append(out, "drop")
		default:
			out = append(out, fmt.Sprintf("%d:%s", a.status, a.header.Get(sim.FaultHeader)))
		}
	}
	return out
}

func TestFaultsAreDeterministic(t *testing.T) {
	f := sim.Faults{Seed: 7, RateLimited: 0.1, ServerError: 0.1, DropBefore: 0.1, DropAfter: 0.1,
		ServerErrorAfter: 0.1, Malformed: 0.1, Truncated: 0.1}
	a, b := faultTrace(t, f), faultTrace(t, f)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different fates:\n%v\n%v", a, b)
	}
	f.Seed = 8
	if c := faultTrace(t, f); reflect.DeepEqual(a, c) {
		t.Errorf("seeds 7 and 8 gave the same fates: %v", a)
	}
	kinds := map[string]bool{}
	for _, x := range a {
		kinds[x] = true
	}
	if len(kinds) < 5 {
		t.Errorf("a 70%% fault mix gave only %v", kinds)
	}
}

func TestParseFaults(t *testing.T) {
	f, err := sim.ParseFaults("seed=3, latency=20ms+30ms+80ms/1s, latency-max=2s, 429=5%, 5xx=0.05, drop-before=0.02," +
		"drop-after=0.02, 5xx-after=0.01, malformed=0.01, truncated=0.01, retry-after=3s, burst=5s/1m," +
		"late-confirm=0.2@25s, cpo-cancel=0.1@5s..20s, only=POST /bookings;GET /bookings/**, latency-after=true")
	if err != nil {
		t.Fatal(err)
	}
	want := sim.Faults{
		Seed: 3, Only: []string{"POST /bookings", "GET /bookings/**"},
		Latency:     sim.Latency{Fixed: 20 * time.Millisecond, Jitter: 30 * time.Millisecond, Median: 80 * time.Millisecond, P99: time.Second, Max: 2 * time.Second, After: true},
		RateLimited: 0.05, ServerError: 0.05, DropBefore: 0.02, DropAfter: 0.02, ServerErrorAfter: 0.01,
		Malformed: 0.01, Truncated: 0.01, RetryAfter: 3 * time.Second,
		Burst: sim.Burst{Length: 5 * time.Second, Every: time.Minute},
		CPO: sim.CPOFaults{LateConfirm: 0.2, LateConfirmAfter: 25 * time.Second, Cancel: 0.1,
			CancelAfterMin: 5 * time.Second, CancelAfterMax: 20 * time.Second},
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("parsed\n%+v\nwant\n%+v", f, want)
	}
	// String reads back to the same value.
	for _, spec := range []string{f.String(), "none", "flaky", "slow", "cpo", "chaos", "flaky,drop-after=0.2",
		"latency=15ms", "latency=0s+5ms", "latency=100ms/100ms", "late-confirm=1@35s", "cpo-cancel=1@10s"} {
		g, err := sim.ParseFaults(spec)
		if err != nil {
			t.Errorf("%q: %v", spec, err)
			continue
		}
		h, err := sim.ParseFaults(g.String())
		if err != nil || !reflect.DeepEqual(g, h) {
			t.Errorf("%q → %q → %+v (%v), want %+v", spec, g.String(), h, err, g)
		}
	}
	if g, _ := sim.ParseFaults("chaos"); !g.Enabled() || g.DropAfter == 0 || g.Latency.Median == 0 || g.CPO.Cancel == 0 {
		t.Errorf("chaos preset: %+v", g)
	}
	if g, _ := sim.ParseFaults(""); g.Enabled() || g.String() != "none" {
		t.Errorf("empty spec: %+v %q", g, g.String())
	}
	for _, bad := range []string{"bogus", "5xx=2", "5xx=-0.1", "5xx=abc", "latency=fast", "latency=1s+2s+3s",
		"burst=5s", "burst=1m/5s", "5xx=0.6,drop-after=0.6", "only=bookings", "only=/a/**/b", "latency=80ms/10ms",
		"cpo-cancel=0.5@20s..5s", "retry-after=-1s", "nokey=1", "latency-after=maybe"} {
		if _, err := sim.ParseFaults(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestCPOLateConfirm(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 1, Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 1}}})
	b := e.create(e.request(2*time.Hour, time.Hour))
	seen := e.watch(b, 500*time.Millisecond, 40*time.Second, nil)
	if got := statuses(seen); !reflect.DeepEqual(got, []model.Status{model.Pending, model.Confirmed}) {
		t.Fatalf("statuses %v", got)
	}
	if d := sinceCreate(b, seen[1]); d != sim.DefaultLateConfirmAfter {
		t.Errorf("CONFIRMED %v after create, want %v", d, sim.DefaultLateConfirmAfter)
	}
	if st := e.srv.FaultStats(); st.LateConfirmed != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestCPOLateConfirmPastTheTimeoutExpires(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 1, Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 1, LateConfirmAfter: 35 * time.Second}}})
	b := e.create(e.request(2*time.Hour, time.Hour))
	seen := e.watch(b, 500*time.Millisecond, 60*time.Second, nil)
	if got := statuses(seen); !reflect.DeepEqual(got, []model.Status{model.Pending, model.Expired}) {
		t.Fatalf("statuses %v", got)
	}
	if d := sinceCreate(b, seen[1]); d != sim.ConfirmTimeout {
		t.Errorf("EXPIRED %v after create, want %v", d, sim.ConfirmTimeout)
	}
	if got := e.booking(b.ID); got.CPOReservationID != "" || got.ClientPrice != nil {
		t.Errorf("an expired booking carries a confirmation: %+v", got)
	}
}

func TestCPOCancelsAfterConfirming(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 1, Faults: sim.Faults{CPO: sim.CPOFaults{Cancel: 1, CancelAfterMin: 5 * time.Second, CancelAfterMax: 20 * time.Second}}})
	for k := 0; k < 3; k++ {
		b := e.create(e.request(2*time.Hour+time.Duration(k)*3*time.Hour, time.Hour))
		seen := e.watch(b, 250*time.Millisecond, 45*time.Second, nil)
		if got := statuses(seen); !reflect.DeepEqual(got, []model.Status{model.Pending, model.Confirmed, model.Cancelled}) {
			t.Fatalf("statuses %v", got)
		}
		gap := seen[2].updated.Sub(seen[1].updated)
		if gap < 5*time.Second || gap > 20*time.Second {
			t.Errorf("cancelled %v after confirming, want 5–20 s", gap)
		}
		got := e.booking(b.ID)
		if !strings.HasPrefix(got.CancellationReason, "Cancelled by CPO: ") || got.ClientPrice == nil || *got.ClientPrice != 0 {
			t.Errorf("reason %q price %v", got.CancellationReason, got.ClientPrice)
		}
		if got.CPOReservationID == "" {
			t.Error("the confirmation's cpo_reservation_id is gone")
		}
	}
}

// CPO faults draw from their own hash, not from the seeded stream: a
// booking's other draws (here its ad hoc token) stay what they were.
func TestCPOFaultsKeepTheOtherDraws(t *testing.T) {
	tokens := func(f sim.Faults) []string {
		e := lifecycleEnv(t, sim.Options{Seed: 5, Faults: f})
		var out []string
		for k := 0; k < 5; k++ {
			r := e.request(time.Hour+time.Duration(k)*5*time.Hour, time.Hour)
			r.TokenStrategy, r.CustomerID = model.AdHoc, ""
			out = append(out, e.create(r).AdHocToken.TokenUID)
		}
		return out
	}
	if a, b := tokens(sim.Faults{}), tokens(sim.Faults{CPO: sim.CPOFaults{LateConfirm: 0.5, Cancel: 0.5}}); !reflect.DeepEqual(a, b) {
		t.Errorf("CPO faults changed the seeded draws:\n%v\n%v", a, b)
	}
}

func TestCPOFaultsShare(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 2, Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 0.3, Cancel: 0.2}}})
	for k := 0; k < 200; k++ {
		e.create(e.request(time.Hour+time.Duration(k)*5*time.Hour, time.Hour))
	}
	st := e.srv.FaultStats()
	if st.LateConfirmed < 35 || st.LateConfirmed > 85 || st.CPOCancelled < 20 || st.CPOCancelled > 60 {
		t.Errorf("of 200 bookings: %d confirmed late (want ~60), %d cancelled (want ~40)", st.LateConfirmed, st.CPOCancelled)
	}
}

func TestFaultDropWithoutHijackerPanicsWithAbort(t *testing.T) {
	srv := sim.New(sim.Options{Seed: 1, Clock: sim.NewManualClock(t0), Faults: sim.Faults{DropBefore: 1}})
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, sim.BasePath+"/usage", nil)
	req.Header.Set("X-API-Key", sim.DefaultKey)
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	srv.ServeHTTP(httptest.NewRecorder(), req)
}
