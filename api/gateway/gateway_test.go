package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// counting counts the requests that reach the API, by "METHOD path".
type counting struct {
	mu   sync.Mutex
	n    map[string]int
	next http.RoundTripper
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	p := r.URL.Path
	if strings.HasPrefix(p, sim.BasePath+"/bookings/") && !strings.HasSuffix(p, "/cancel") {
		p = sim.BasePath + "/bookings/{id}"
	}
	c.n[r.Method+" "+strings.TrimPrefix(p, sim.BasePath)]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

func (c *counting) count(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *counting) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

// rig is the simulator (the API), a gateway in front of it, both on one
// manual clock, over real loopback HTTP.
type rig struct {
	t       *testing.T
	clock   *sim.ManualClock
	api     *sim.Server
	up      *counting
	store   *gateway.Store
	storeAt string
	gw      *gateway.Gateway
	srv     *httptest.Server
	logs    *logWatch // what the gateway logs
	limit   int       // the gateway's per-minute limit (0: its default)
	quota   int       // the gateway's monthly quota (0: its default)
}

func newRig(t *testing.T, o sim.Options) *rig {
	t.Helper()
	r := &rig{t: t, clock: sim.NewManualClock(t0), logs: newLogWatch()}
	o.Clock = r.clock
	if o.Seed == 0 {
		o.Seed = 1
	}
	apiSrv := simtest.Start(t, o)
	r.api = apiSrv.Sim
	r.up = &counting{n: map[string]int{}, next: http.DefaultTransport}
	r.storeAt = filepath.Join(t.TempDir(), "gateway.db")
	r.open(apiSrv.URL)
	return r
}

// open (re)starts the gateway on the rig's store, as a restart would.
func (r *rig) open(apiURL string) {
	r.t.Helper()
	st, err := gateway.OpenStore(context.Background(), r.storeAt)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = st.Close() })
	r.store = st
	r.gw = gateway.New(gateway.Config{UpstreamURL: apiURL + sim.BasePath, Key: sim.DefaultKey, Store: st, Clock: r.clock,
		Transport: r.up, Limit: r.limit, Quota: r.quota, Logger: slog.New(r.logs)})
	r.srv = httptest.NewServer(r.gw)
	r.t.Cleanup(r.srv.Close)
}

// logWatch is a slog.Handler that keeps every record in its logBook, for
// a test to read or wait for.
type logWatch struct {
	*logBook
	attrs []slog.Attr // With's
}

type logBook struct {
	mu      sync.Mutex
	records []string      // "LEVEL message key=value …"
	changed chan struct{} // closed, and replaced, at every record
}

func newLogWatch() *logWatch { return &logWatch{logBook: &logBook{changed: make(chan struct{})}} }

func (l *logWatch) Enabled(context.Context, slog.Level) bool { return true }

func (l *logWatch) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Level.String() + " " + rec.Message
	for _, a := range l.attrs {
		line += " " + a.String()
	}
	rec.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, line)
	close(l.changed)
	l.changed = make(chan struct{})
	return nil
}

func (l *logWatch) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logWatch{l.logBook, append(append([]slog.Attr{}, l.attrs...), attrs...)}
}

func (l *logWatch) WithGroup(string) slog.Handler { return l }

// matching are the records holding every one of parts.
func (l *logBook) matching(parts ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
next:
	for _, r := range l.records {
		for _, p := range parts {
			if !strings.Contains(r, p) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

// waitFor waits until a record holds every one of parts.
func (l *logBook) waitFor(t *testing.T, parts ...string) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		changed := l.changed
		l.mu.Unlock()
		if m := l.matching(parts...); len(m) > 0 {
			return m[0]
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no log record with %q in 10 s; the records:\n%s", parts, strings.Join(l.matching(), "\n"))
		}
	}
}

// agent is a real API client of the gateway with a new agent's token,
// every exchange checked against the contract.
func (r *rig) agent(name string) *api.Client {
	r.t.Helper()
	token, err := r.store.AddAgent(context.Background(), name, r.clock.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	return r.client(token)
}

func (r *rig) client(token string) *api.Client {
	return api.New(api.Config{BaseURL: r.srv.URL + gateway.ClientPath, APIKey: token, Now: r.clock.Now,
		Transport: contract.Transport(r.t, nil), Retries: -1})
}

func (r *rig) request(ext string) model.BookingRequest {
	start := r.clock.Now().Add(2 * time.Hour).Truncate(time.Minute)
	return model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1", ConnectorID: "1",
		ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: ext,
		TokenStrategy: model.DriverToken, CustomerID: "cust_abc123"}
}

func TestAgentTokens(t *testing.T) {
	r := newRig(t, sim.Options{})
	token, err := r.store.AddAgent(context.Background(), "anna", t0)
	if err != nil || !strings.HasPrefix(token, gateway.TokenPrefix) || len(token) < 40 {
		t.Fatalf("token %q, %v", token, err)
	}
	if _, err := r.store.AddAgent(context.Background(), "anna", t0); err == nil {
		t.Error("a second token for an active agent")
	}
	anna := r.client(token)
	if _, err := anna.Usage(context.Background()); err != nil {
		t.Fatalf("anna's token: %v", err)
	}
	for _, bad := range []string{"cdg_0000", sim.DefaultKey} {
		_, err := r.client(bad).Usage(context.Background())
		if api.KindOf(err) != api.KindUnauthorized {
			t.Errorf("token %q: %v, want 401", bad, err)
		}
	}
	resp, err := http.Get(r.srv.URL + gateway.ClientPath + "/usage") // no token at all
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %v %v, want 401", err, resp)
	}
	if err := r.store.RevokeAgent(context.Background(), "anna", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := anna.Usage(context.Background()); api.KindOf(err) != api.KindUnauthorized {
		t.Errorf("a revoked token: %v, want 401", err)
	}
	agents, _ := r.store.Agents(context.Background())
	if len(agents) != 1 || agents[0].Name != "anna" || agents[0].Revoked.IsZero() {
		t.Errorf("agents %+v", agents)
	}
	// The store has no token, only its hash.
	raw, _ := json.Marshal(agents)
	if strings.Contains(string(raw), token[len(gateway.TokenPrefix):]) {
		t.Error("the token is in the store's listing")
	}
}

// Every endpoint through the gateway, as the contract says, with the
// agent's client unchanged (only the base URL and the token differ).
func TestEndpointsPassThrough(t *testing.T) {
	r := newRig(t, sim.Options{})
	a := r.agent("anna")
	ctx := context.Background()
	sr, err := a.Search(ctx, model.SearchQuery{Lat: 48.1351, Lng: 11.5820, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50})
	if err != nil || len(sr.Results) == 0 || sr.Results[0].LocationID != sim.FlagshipLocationID {
		t.Fatalf("search: %v %+v", err, sr)
	}
	res, err := a.CreateBooking(ctx, r.request("gw-pass-1"))
	if err != nil || res.Booking.Status != model.Requested {
		t.Fatalf("create: %v %+v", err, res)
	}
	r.clock.Advance(15 * time.Second)
	b, err := a.GetBooking(ctx, res.Booking.ID)
	if err != nil || b.Status != model.Confirmed {
		t.Fatalf("get: %v %+v", err, b)
	}
	l, err := a.ListBookings(ctx, model.BookingFilter{})
	if err != nil || len(l.Bookings) != 1 || l.Bookings[0].BookedBy != "anna" || b.BookedBy != "anna" {
		t.Fatalf("list: %v %+v (booked by %q)", err, l, b.BookedBy)
	}
	c, err := a.CancelBooking(ctx, b.ID, "Driver cancelled by phone")
	if err != nil || c.Status != model.Cancelled {
		t.Fatalf("cancel: %v %+v", err, c)
	}
	if _, err := a.Usage(ctx); err != nil {
		t.Fatalf("usage: %v", err)
	}
	if _, err := a.GetBooking(ctx, "no-such-booking"); api.KindOf(err) != api.KindNotFound {
		t.Errorf("an unknown booking: %v, want 404", err)
	}
	audit, err := r.store.Audit(ctx, gateway.AuditFilter{})
	if err != nil || len(audit) != 2 || audit[0].Agent != "anna" || audit[0].Action != "create" || audit[1].Action != "cancel" ||
		!strings.HasPrefix(audit[0].Outcome, "made") || !strings.HasPrefix(audit[1].Outcome, "cancelled") {
		t.Errorf("audit %v %+v", err, audit)
	}
}

// Ten agents watching one booking cost the API what one agent costs: the
// gateway answers their reads from its one watch.
func TestTenAgentsWatchingCostOne(t *testing.T) {
	cost := func(agents int) int {
		r := newRig(t, sim.Options{})
		ctx := context.Background()
		var cs []*api.Client
		for i := range agents {
			cs = append(cs, r.agent("agent"+string(rune('a'+i))))
		}
		res, err := cs[0].CreateBooking(ctx, r.request("gw-watch"))
		if err != nil {
			t.Fatal(err)
		}
		before := r.up.total()
		for s := 0; s < 30*60; s++ { // half an hour, every agent reading every 5 s
			r.clock.Advance(time.Second)
			r.gw.PollDue(ctx)
			if s%5 == 0 {
				for _, c := range cs {
					if _, err := c.GetBooking(ctx, res.Booking.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		return r.up.total() - before
	}
	one, ten := cost(1), cost(10)
	t.Logf("upstream requests over 30 min of reads every 5 s: 1 agent %d, 10 agents %d", one, ten)
	if ten != one {
		t.Errorf("10 agents cost %d upstream requests, 1 agent %d", ten, one)
	}
}

// Two agents' same search (the point a few metres apart) within the cache
// time is one upstream search; after it, a new one.
func TestSameSearchIsAnsweredOnce(t *testing.T) {
	r := newRig(t, sim.Options{})
	a, b := r.agent("anna"), r.agent("ben")
	ctx := context.Background()
	q := model.SearchQuery{Lat: 48.13512, Lng: 11.58203, RadiusKM: 10}
	if _, err := a.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(30 * time.Second)
	q.Lat, q.Lng = 48.13508, 11.58198
	second, err := b.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.up.count("GET /search"); n != 1 {
		t.Errorf("%d upstream searches for two same searches 30 s apart, want 1", n)
	}
	if second.CachedAt == nil || !second.CachedAt.Equal(t0) {
		t.Errorf("the cached answer says it is from %v, want %v", second.CachedAt, t0)
	}
	r.clock.Advance(gateway.DefaultSearchTTL)
	if _, err := b.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	if n := r.up.count("GET /search"); n != 2 {
		t.Errorf("%d upstream searches after the cache time, want 2", n)
	}
}

// An agent's retry of a create (same external id) is answered from the
// journal: one upstream POST, one booking. A create whose answer the API
// lost is found by look-up, and the retry still sends nothing.
func TestRetriedCreateIsSentOnce(t *testing.T) {
	r := newRig(t, sim.Options{Faults: sim.Faults{Only: []string{"POST /bookings"}, DropAfter: 1}})
	a := r.agent("anna")
	ctx := context.Background()
	first, err := a.CreateBooking(ctx, r.request("gw-retry-1"))
	if err != nil {
		t.Fatalf("first: %v", err)
	}
	again, err := a.CreateBooking(ctx, r.request("gw-retry-1"))
	if err != nil || again.Booking.ID != first.Booking.ID {
		t.Fatalf("the retry: %v %+v, want booking %s", err, again, first.Booking.ID)
	}
	if n := r.up.count("POST /bookings"); n != 1 {
		t.Errorf("%d upstream POSTs, want 1", n)
	}
	if n := len(r.api.Bookings()); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}
	other := r.request("gw-retry-1")
	other.EVSEUID = "DE*ENB*E123456*2"
	if _, err := a.CreateBooking(ctx, other); api.KindOf(err) != api.KindConflict {
		t.Errorf("the same external id for another request: %v, want 409", err)
	}
}

// A gateway stopped after the POST went out and before its outcome was
// recorded: started again, it looks the attempt up and adopts it; the
// agent's retry gets that booking, and nothing is sent twice.
func TestRestartResolvesACreateInFlight(t *testing.T) {
	r := newRig(t, sim.Options{})
	a := r.agent("anna")
	req := r.request("gw-crash-1")
	// What the stopped gateway did: the journal entry, then the POST upstream.
	if err := gateway.JournalForTest(r.store, "anna", req, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	direct := api.New(api.Config{BaseURL: strings.TrimSuffix(r.gwUpstream(), "/"), APIKey: sim.DefaultKey, Now: r.clock.Now})
	made, err := direct.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	r.gw.Resolve(context.Background())
	got, err := a.CreateBooking(context.Background(), req)
	if err != nil || got.Booking.ID != made.Booking.ID {
		t.Fatalf("the retry after the restart: %v %+v, want %s", err, got, made.Booking.ID)
	}
	if n := len(r.api.Bookings()); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}
	if n := r.up.count("POST /bookings"); n != 0 {
		t.Errorf("the gateway sent %d POSTs, want 0", n)
	}
}

func (r *rig) gwUpstream() string { return gateway.UpstreamForTest(r.gw) }

// Status changes reach every subscribed agent as server-sent events.
func TestEventsPushConfirmation(t *testing.T) {
	r := newRig(t, sim.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var tokens []string
	for _, n := range []string{"anna", "ben", "cem"} {
		tok, _ := r.store.AddAgent(context.Background(), n, t0)
		tokens = append(tokens, tok)
	}
	got := make(chan string, 16)
	for _, tok := range tokens {
		sc, body := subscribe(t, ctx, r.srv.URL, tok) // the stream is open: its first line came
		go func() {
			defer body.Close()
			for sc.Scan() {
				if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					var b model.Booking
					if json.Unmarshal([]byte(d), &b) == nil {
						got <- string(b.Status)
					}
				}
			}
		}()
	}
	a := r.client(tokens[0])
	if _, err := a.CreateBooking(ctx, r.request("gw-sse")); err != nil {
		t.Fatal(err)
	}
	for range 15 {
		r.clock.Advance(time.Second)
		r.gw.PollDue(ctx)
	}
	seen := time.Now()
	confirmed := 0
	deadline := time.After(2 * time.Second)
	for confirmed < 3 {
		select {
		case s := <-got:
			if s == string(model.Confirmed) {
				confirmed++
			}
		case <-deadline:
			t.Fatalf("%d of 3 agents got CONFIRMED within 2 s", confirmed)
		}
	}
	t.Logf("CONFIRMED reached 3 agents %v after the gateway saw it", time.Since(seen).Round(time.Millisecond))
}

// subscribe opens an agent's events stream and reads its first line, the
// comment the gateway sends once the stream is subscribed: what comes
// after it reaches this subscriber.
func subscribe(t *testing.T, ctx context.Context, base, token string) (*bufio.Scanner, io.Closer) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+gateway.EventsPath, nil)
	req.Header.Set("X-API-Key", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("events: %v %v", err, resp)
	}
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), ":") {
		t.Fatalf("the events stream began with %q (%v)", sc.Text(), sc.Err())
	}
	return sc, resp.Body
}

// The key never reaches an agent, whatever the API echoes.
func TestKeyNeverReachesAnAgent(t *testing.T) {
	const key = "live-key-0123456789"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("X-API-Key")
		w.Header().Set("X-Echo", got)
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", "99")
		w.Header().Set("X-RateLimit-Reset", t0.Add(time.Minute).Format(time.RFC3339))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"bad key `+got+` / `+strings.ReplaceAll(got, "-", "%2D")+`"}`)
	}))
	defer echo.Close()
	st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := gateway.New(gateway.Config{UpstreamURL: echo.URL + sim.BasePath, Key: key, Store: st, Clock: sim.NewManualClock(t0)})
	srv := httptest.NewServer(g)
	defer srv.Close()
	tok, _ := st.AddAgent(context.Background(), "anna", t0)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+gateway.ClientPath+"/search?lat=48.1&lng=11.5", nil)
	req.Header.Set("X-API-Key", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var hdr strings.Builder
	_ = resp.Header.Write(&hdr)
	if strings.Contains(string(body)+hdr.String(), "0123456789") {
		t.Errorf("the key reached the agent:\n%s\n%s", hdr.String(), body)
	}
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "[key]") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

// The audit is on disk once an action is answered: a store opened again
// (as after kill -9) holds it.
func TestAuditSurvivesReopening(t *testing.T) {
	r := newRig(t, sim.Options{})
	a := r.agent("anna")
	res, err := a.CreateBooking(context.Background(), r.request("gw-audit-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := gateway.OpenStore(context.Background(), r.storeAt)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	es, err := again.Audit(context.Background(), gateway.AuditFilter{Agent: "anna"})
	if err != nil || len(es) != 1 || es[0].BookingID != res.Booking.ID || es[0].ExternalID != "gw-audit-1" {
		t.Fatalf("audit after reopening: %v %+v", err, es)
	}
	if es, _ := again.Audit(context.Background(), gateway.AuditFilter{Agent: "ben"}); len(es) != 0 {
		t.Errorf("ben's audit: %+v", es)
	}
}

// A booking in a final status is kept a day for agents' reads, then the
// watch forgets it: a long-running gateway does not grow.
func TestTheWatchForgetsFinalBookings(t *testing.T) {
	r := newRig(t, sim.Options{})
	a := r.agent("anna")
	ctx := context.Background()
	res, err := a.CreateBooking(ctx, r.request("gw-final-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CancelBooking(ctx, res.Booking.ID, "plans changed"); err != nil {
		t.Fatal(err)
	}
	r.gw.PollDue(ctx)
	if n := gateway.WatchedForTest(r.gw); n != 1 {
		t.Fatalf("the watch keeps %d bookings, want the cancelled one", n)
	}
	r.clock.Advance(25 * time.Hour)
	r.gw.PollDue(ctx)
	if n := gateway.WatchedForTest(r.gw); n != 0 {
		t.Errorf("a day after it was cancelled the watch still keeps %d", n)
	}
	if b, err := a.GetBooking(ctx, res.Booking.ID); err != nil || b.Status != model.Cancelled {
		t.Errorf("read after it was forgotten: %v %+v", err, b)
	}
}
