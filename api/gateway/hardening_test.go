package gateway_test

// Tests of the ways a gateway could book twice, leak the key or let an
// agent do what it must not, each the case an adversarial review found.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// switchable lets a test answer some upstream requests itself, or block them.
type switchable struct {
	mu   sync.Mutex
	fn   func(*http.Request) *http.Response
	next http.RoundTripper
}

func (s *switchable) set(fn func(*http.Request) *http.Response) {
	s.mu.Lock()
	s.fn = fn
	s.mu.Unlock()
}

func (s *switchable) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	fn := s.fn
	s.mu.Unlock()
	if fn != nil {
		if resp := fn(r); resp != nil {
			return resp, nil
		}
	}
	return s.next.RoundTrip(r)
}

func synth(r *http.Request, status int, hdr map[string]string, body string) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range hdr {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r, ProtoMajor: 1, ProtoMinor: 1}
}

// newSwitchRig is newRig with a switchable transport in front of the simulator.
func newSwitchRig(t *testing.T, o sim.Options, limit int) (*rig, *switchable) {
	t.Helper()
	r := &rig{t: t, clock: sim.NewManualClock(t0), logs: newLogWatch()}
	o.Clock = r.clock
	if o.Seed == 0 {
		o.Seed = 1
	}
	apiSrv := simtest.Start(t, o)
	r.api = apiSrv.Sim
	sw := &switchable{next: http.DefaultTransport}
	r.up = &counting{n: map[string]int{}, next: sw}
	r.storeAt = filepath.Join(t.TempDir(), "gateway.db")
	r.limit = limit
	r.open(apiSrv.URL)
	return r, sw
}

// raw sends one request to the gateway as curl would.
func raw(t *testing.T, method, url, token string, body []byte) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("X-API-Key", token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func isList(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/bookings")
}

// A create left "sending" (a crash, an unknown outcome) retried while the
// API's list answers 5xx or 429: the look-up fails, so the outcome stays
// unknown, the journal keeps the attempt and nothing is sent.
func TestAFailedLookUpKeepsTheAttemptAndSendsNothing(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK, http.StatusForbidden} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			r, sw := newSwitchRig(t, sim.Options{}, 0)
			tok, _ := r.store.AddAgent(context.Background(), "anna", t0)
			req := r.request("gw-dbl-1")
			// What a gateway killed after sending did: the journal row, then the POST.
			if err := gateway.JournalForTest(r.store, "anna", req, r.clock.Now()); err != nil {
				t.Fatal(err)
			}
			direct := api.New(api.Config{BaseURL: r.gwUpstream(), APIKey: sim.DefaultKey, Now: r.clock.Now})
			if _, err := direct.CreateBooking(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(req)
			sw.set(func(q *http.Request) *http.Response {
				if isList(q) {
					b := `{"error":"maintenance"}`
					if status == http.StatusOK {
						b = `{"bookings":[{"id":` // cut short
					}
					return synth(q, status, map[string]string{"Retry-After": "60"}, b)
				}
				return nil
			})
			st, _, b := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, body)
			t.Logf("retry during the list outage: %d %s", st, b)
			sw.set(nil)
			st, _, b = raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, body)
			t.Logf("retry after it: %d %s", st, b)
			if n := r.up.count("POST /bookings"); n != 0 {
				t.Errorf("the gateway sent %d POSTs for external id gw-dbl-1, whose booking exists (%d upstream); want 0", n, len(r.api.Bookings()))
			}
		})
	}
}

// A retry of a request that left token_strategy out (the API's default,
// ad_hoc) is the same request: answered from the journal, not a 409.
func TestARetryWithoutTokenStrategyIsTheSameRequest(t *testing.T) {
	r, _ := newSwitchRig(t, sim.Options{}, 0)
	tok, _ := r.store.AddAgent(context.Background(), "anna", t0)
	req := r.request("gw-ts-1")
	body := fmt.Sprintf(`{"location_id":%q,"evse_uid":%q,"connector_id":"1","reservation_start":%q,"reservation_end":%q,"external_id":"gw-ts-1"}`,
		req.LocationID, req.EVSEUID, req.ReservationStart.Format(time.RFC3339), req.ReservationEnd.Format(time.RFC3339))
	st1, _, b1 := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, []byte(body))
	st2, _, b2 := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, []byte(body))
	t.Logf("first %d %s\nretry %d %s", st1, b1, st2, b2)
	if st1 != http.StatusAccepted || st2 != http.StatusAccepted {
		t.Errorf("identical retry got %d (first %d); bookings upstream: %d", st2, st1, len(r.api.Bookings()))
	}
}

// The start's Resolve and an agent's retry of the same attempt take turns
// (one external id's lock): one POST in all, and the outcome recorded.
func TestRestartAndAgentRetrySendOnce(t *testing.T) {
	r, sw := newSwitchRig(t, sim.Options{}, 0)
	tok, _ := r.store.AddAgent(context.Background(), "anna", t0)
	req := r.request("gw-race-1")
	if err := gateway.JournalForTest(r.store, "anna", req, r.clock.Now()); err != nil { // crashed before the POST
		t.Fatal(err)
	}
	blocked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	sw.set(func(q *http.Request) *http.Response {
		if isList(q) {
			first := false
			once.Do(func() { first = true })
			if first {
				close(blocked)
				<-release
			}
		}
		return nil
	})
	body, _ := json.Marshal(req)
	done := make(chan string)
	go func() {
		st, _, b := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, body)
		done <- fmt.Sprint(st, " ", b)
	}()
	<-blocked // the agent's retry is looking its attempt up
	resolved := make(chan struct{})
	go func() { r.gw.Resolve(context.Background()); close(resolved) }() // the start's resolve waits for the retry
	r.logs.waitFor(t, "waiting for the attempt in flight", "gw-race-1")
	close(release)
	t.Logf("agent's retry: %s", <-done)
	<-resolved
	st, _, b := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", tok, body)
	t.Logf("agent's next retry: %d %s", st, b)
	if n := r.up.count("POST /bookings"); n != 1 {
		t.Errorf("%d upstream POSTs for one external id, want 1 (%d bookings)", n, len(r.api.Bookings()))
	}
}

// echoGateway is a gateway in front of a hostile upstream h.
func echoGateway(t *testing.T, key string, h http.HandlerFunc) (string, string) {
	t.Helper()
	up := httptest.NewServer(h)
	t.Cleanup(up.Close)
	st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	g := gateway.New(gateway.Config{UpstreamURL: up.URL + sim.BasePath, Key: key, Store: st, Clock: sim.NewManualClock(t0)})
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	tok, _ := st.AddAgent(context.Background(), "anna", t0)
	return srv.URL, tok
}

const liveKey = "live-key-0123456789"

func leaks(s string) bool { return strings.Contains(s, "0123456789") || strings.Contains(s, "0123456") }

// A key the API echoes in a create's error, redirect or answer, in any
// spelling, never reaches the agent.
func TestKeyNeverLeaksThroughCreates(t *testing.T) {
	for _, mode := range []string{"400-body", "302-location", "201-field", "400-plain"} {
		t.Run(mode, func(t *testing.T) {
			url, tok := echoGateway(t, liveKey, func(w http.ResponseWriter, r *http.Request) {
				k := strings.ReplaceAll(r.Header.Get("X-API-Key"), "-", "%2D")
				w.Header().Set("Content-Type", "application/json")
				switch mode {
				case "400-plain":
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"error":"bad key `+r.Header.Get("X-API-Key")+`"}`)
				case "400-body":
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"error":"bad key `+k+`"}`)
				case "302-location":
					w.Header().Set("Location", "https://elsewhere.example/?k="+k)
					w.WriteHeader(http.StatusFound)
				case "201-field":
					w.WriteHeader(http.StatusCreated)
					_, _ = io.WriteString(w, `{"id":"b1","status":"REQUESTED","external_id":"x","location_name":"key `+k+`"}`)
				}
			})
			start := t0.Add(2 * time.Hour)
			// A real clock is used by the inner api client's validation? it uses the gateway clock (t0).
			body := fmt.Sprintf(`{"location_id":"L","evse_uid":"E","connector_id":"1","reservation_start":%q,"reservation_end":%q,"external_id":"x","token_strategy":"ad_hoc"}`,
				start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
			st, hdr, b := raw(t, http.MethodPost, url+gateway.ClientPath+"/bookings", tok, []byte(body))
			var hs strings.Builder
			_ = hdr.Write(&hs)
			if leaks(b+hs.String()) || strings.Contains(b, "89") {
				t.Errorf("the key (or part of it) reached the agent: %d %s", st, b)
			} else {
				t.Logf("%d %s", st, b)
			}
		})
	}
}

// Nor through reads: not in Retry-After, not \u-escaped in a body the
// gateway re-encodes, not percent-encoded in lower case.
func TestKeyNeverLeaksThroughReads(t *testing.T) {
	cases := map[string]struct {
		path string
		h    func(w http.ResponseWriter, k string)
	}{
		"retry-after": {"/search?lat=48.1&lng=11.5", func(w http.ResponseWriter, k string) {
			w.Header().Set("Retry-After", k)
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error":"slow down"}`)
		}},
		"json-u-escape": {"/bookings/b1", func(w http.ResponseWriter, k string) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"id":"b1","status":"CONFIRMED","status_reason":"\u006c`+k[1:]+`"}`)
		}},
		"lowercase-mixed-escape": {"/bookings/b1", func(w http.ResponseWriter, k string) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"`+strings.ReplaceAll(k, "-", "%2d")+`"}`)
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			url, tok := echoGateway(t, liveKey, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				c.h(w, r.Header.Get("X-API-Key"))
			})
			st, hdr, b := raw(t, http.MethodGet, url+gateway.ClientPath+c.path, tok, nil)
			var hs strings.Builder
			_ = hdr.Write(&hs)
			if leaks(b + hs.String()) {
				t.Errorf("the key reached the agent: %d\n%s%s", st, hs.String(), b)
			}
		})
	}
}

// A booking id cannot rewrite the request the gateway sends (%3F, %23,
// %2E%2E): it is refused unless it is an id.
func TestABookingIDCannotRewriteTheAPIPath(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	url, tok := echoGateway(t, liveKey, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.RequestURI)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":"no"}`)
	})
	raw(t, http.MethodGet, url+gateway.ClientPath+"/bookings/abc%3Fstatus=CONFIRMED%26limit=1", tok, nil)
	raw(t, http.MethodPost, url+gateway.ClientPath+"/bookings/%23/cancel", tok, []byte(`{"location_id":"L"}`))
	raw(t, http.MethodPost, url+gateway.ClientPath+"/bookings/abc%3F/cancel", tok, nil)
	raw(t, http.MethodPost, url+gateway.ClientPath+"/bookings/%2E%2E/cancel", tok, nil)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("upstream saw:\n  %s", strings.Join(seen, "\n  "))
	for _, s := range seen {
		if strings.Contains(s, "?") || strings.HasSuffix(s, "/bookings/") || strings.Contains(s, "/..") {
			t.Errorf("an agent's booking id rewrote the upstream request: %s", s)
		}
	}
}

// A revoked agent's open events stream ends: it receives nothing more.
// Before the revoke, the same stream received the booking made (so a
// stream that never carried anything would fail here).
func TestARevokedAgentLosesItsEvents(t *testing.T) {
	r, _ := newSwitchRig(t, sim.Options{}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eve, _ := r.store.AddAgent(context.Background(), "eve", t0)
	anna := r.agent("anna")
	sc, body := subscribe(t, ctx, r.srv.URL, eve)
	got := make(chan string, 16) // the data lines eve receives; closed when her stream ends
	go func() {
		defer body.Close()
		defer close(got)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				got <- d
			}
		}
	}()
	made, err := anna.CreateBooking(ctx, r.request("gw-rev-1"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if !strings.Contains(d, made.Booking.ID) || !strings.Contains(d, string(model.Requested)) {
			t.Fatalf("eve's first event is %.120s…, want booking %s REQUESTED", d, made.Booking.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("eve, not revoked yet, did not receive the booking anna made")
	}

	if err := r.store.RevokeAgent(context.Background(), "eve", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := anna.CancelBooking(ctx, made.Booking.ID, "plans changed"); err != nil { // a change pushed to every stream
		t.Fatal(err)
	}
	select {
	case d, open := <-got:
		if open {
			t.Errorf("revoked agent eve still receives bookings: %.120s…", d)
		}
	case <-time.After(10 * time.Second):
		t.Error("revoked agent eve's events stream is still open after a change was pushed")
	}
}

// The watch and agents' reads of the same bookings at once (run with
// -race).
func TestPollDueRacesNoAgentRead(t *testing.T) {
	r, _ := newSwitchRig(t, sim.Options{}, 0)
	a := r.agent("anna")
	ctx := context.Background()
	for i := range 3 {
		req := r.request(fmt.Sprintf("gw-race-%d", i))
		req.ReservationStart = req.ReservationStart.Add(time.Duration(i) * 2 * time.Hour)
		req.ReservationEnd = req.ReservationEnd.Add(time.Duration(i) * 2 * time.Hour)
		if _, err := a.CreateBooking(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_, _ = a.ListBookings(ctx, model.BookingFilter{})
			}
		}
	}()
	for range 40 {
		r.clock.Advance(2 * time.Second)
		r.gw.PollDue(ctx)
	}
	close(stop)
	wg.Wait()
}

// Past a spent minute a create is held too (429, nothing sent upstream),
// and a 429 says X-RateLimit-Remaining 0. Every agent's reads are held to
// a share, so it takes several agents reading to spend the minute.
func TestTheBudgetHoldsCreatesToo(t *testing.T) {
	r, _ := newSwitchRig(t, sim.Options{}, 20)
	var toks []string
	for _, name := range []string{"anna", "ben", "cem", "dora"} {
		tok, _ := r.store.AddAgent(context.Background(), name, t0)
		toks = append(toks, tok)
	}
	n := 0
	for _, tok := range toks {
		for {
			st, hdr, _ := raw(t, http.MethodGet, r.srv.URL+gateway.ClientPath+"/bookings/nope", tok, nil)
			if st == http.StatusTooManyRequests {
				if hdr.Get("X-RateLimit-Remaining") != "0" {
					t.Errorf("a 429 with X-RateLimit-Remaining %s", hdr.Get("X-RateLimit-Remaining"))
				}
				break
			}
			n++
		}
	}
	t.Logf("reads refused after %d", n)
	for range 5 { // spend the writes' share
		raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings/nope/cancel", toks[0], nil)
	}
	before := r.up.total()
	body, _ := json.Marshal(r.request("gw-budget-1"))
	st, _, b := raw(t, http.MethodPost, r.srv.URL+gateway.ClientPath+"/bookings", toks[0], body)
	if sent := r.up.total() - before; sent > 0 {
		t.Errorf("with the minute spent (limit 20, %d sent), a create still sent %d upstream: %d %.80s", r.up.total(), sent, st, b)
	}
}

// Every write after a create's outcome that fails (here: the store gone
// while the POST was upstream) is logged with what it lost and what it
// held; the agent still gets the booking, which exists.
func TestAFailedWriteIsLoggedWithWhatItLost(t *testing.T) {
	r, sw := newSwitchRig(t, sim.Options{}, 0)
	a := r.agent("anna")
	sw.set(func(q *http.Request) *http.Response {
		if q.Method != http.MethodPost || !strings.HasSuffix(q.URL.Path, "/bookings") {
			return nil
		}
		resp, err := http.DefaultTransport.RoundTrip(q) // the booking is made…
		if err != nil {
			t.Error(err)
			return nil
		}
		_ = r.store.Close() // …and the store is gone before the gateway records it
		return resp
	})
	res, err := a.CreateBooking(context.Background(), r.request("gw-lost-1"))
	if err != nil {
		t.Fatalf("the create whose records failed: %v", err)
	}
	id := res.Booking.ID
	for _, want := range [][]string{
		{"ERROR", "lost a write", "the journal's answer", "external_id=gw-lost-1", "state=made", "status=202"},
		{"ERROR", "lost a write", "which agent made a booking", "booking_id=" + id, "agent=anna"},
		{"ERROR", "lost a write", "audit row stays", "booking_id=" + id, "status=202", "outcome=made: REQUESTED"},
		{"WARN", "cannot tell who made a booking", "booking_id=" + id},
	} {
		if m := r.logs.matching(want...); len(m) != 1 {
			t.Errorf("%d records with %q; all:\n%s", len(m), want, strings.Join(r.logs.matching(), "\n"))
		}
	}
	if m := r.logs.matching("database is closed"); len(m) < 3 {
		t.Errorf("the store's error is not in the records: %q", m)
	}
}

// A known path with a wrong method is 405 with Allow, in the contract's
// error shape; an unknown path 404 in the same shape; without a token,
// 401 whatever the path.
func TestWrongMethodsAndUnknownPaths(t *testing.T) {
	r, _ := newSwitchRig(t, sim.Options{}, 0)
	tok, _ := r.store.AddAgent(context.Background(), "anna", t0)
	cases := []struct {
		method, path, token string
		status              int
		allow               string
	}{
		{http.MethodDelete, "/bookings", tok, 405, "GET, POST"},
		{http.MethodPost, "/search", tok, 405, "GET"},
		{http.MethodPut, "/usage", tok, 405, "GET"},
		{http.MethodGet, "/bookings/b1/cancel", tok, 405, "POST"},
		{http.MethodDelete, "/bookings/b1", tok, 405, "GET"},
		{http.MethodGet, "/nowhere", tok, 404, ""},
		{http.MethodGet, "/bookings/b1/x", tok, 404, ""},
		{http.MethodDelete, "/bookings", "", 401, ""},
		{http.MethodGet, "/nowhere", "cdg_0000", 401, ""},
	}
	for _, c := range cases {
		st, hdr, body := raw(t, c.method, r.srv.URL+gateway.ClientPath+c.path, c.token, nil)
		var eb model.ErrorBody
		if st != c.status || hdr.Get("Allow") != c.allow || json.Unmarshal([]byte(body), &eb) != nil || eb.Error == "" ||
			hdr.Get("Content-Type") != "application/json" || hdr.Get(gateway.Header) != "1" {
			t.Errorf("%s %s: %d Allow %q %s, want %d Allow %q in the contract's error shape", c.method, c.path, st, hdr.Get("Allow"), body, c.status, c.allow)
		}
	}
	if n := r.up.total(); n != 0 {
		t.Errorf("%d requests went upstream", n)
	}
}
