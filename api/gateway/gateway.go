package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/model"
)

// Paths the gateway serves: the Agent API's, and its own events stream.
const (
	ClientPath = "/api/v1/client"
	EventsPath = api.GatewayEventsPath
	// Header is set on every answer, so a client can tell it talks to a
	// gateway (and may subscribe to EventsPath instead of polling).
	Header = api.GatewayHeader
)

// Defaults of Config.
const (
	DefaultLimit     = 100
	DefaultQuota     = 10000
	DefaultSearchTTL = 60 * time.Second
)

// How fresh a watched booking must be to answer an agent's read from the
// watch: while the CPO decides the watch itself polls every
// model.PollConfirming, so agents never cause more; afterwards a read older
// than freshAfter goes upstream once (coalesced) for everyone.
const freshAfter = 30 * time.Second

// Config is what a gateway needs.
type Config struct {
	// UpstreamURL and Key are the API's base URL (…/api/v1/client) and the
	// account's key. The key is read once, kept in memory, never written.
	UpstreamURL string
	Key         string
	Store       *Store
	// Limit and Quota are the account's per-minute limit and monthly quota
	// (0: DefaultLimit, DefaultQuota).
	Limit, Quota int
	// AgentDailyReads is each agent's share of a day's reads (0: what the
	// month has left for reads over its days left, split evenly among the
	// day's agents; see budget).
	AgentDailyReads int
	// SearchTTL is how long an identical search is answered from the first
	// one's answer (0: DefaultSearchTTL).
	SearchTTL time.Duration
	Clock     model.Clock       // nil: the system clock
	Transport http.RoundTripper // nil: a pool of maxUpstreamConns connections
	// Logger gets the access log (one line per request, with the agent),
	// every store write that failed with what it lost, and the watch's
	// events; never the key or a token. nil: nothing.
	Logger *slog.Logger
}

// Gateway is the team's single client of the API: an http.Handler serving
// the Agent API contract to agents (who authenticate with agent tokens),
// and a watch (Run) that polls every active booking once for everyone.
type Gateway struct {
	cfg   Config
	store *Store
	// up and client send everything upstream through one transport: up
	// the reads, the watch and the cancels, client the creates and their
	// look-ups (with the never-book-twice rules).
	up      *upstream
	client  *api.Client
	budget  *budget
	circuit *circuit
	tokens  *tokenIndex
	bookers bookers
	flight  singleflight.Group
	hub     *hub
	log     *slog.Logger
	// handler is what ServeHTTP serves: the routes inside authentication,
	// panic recovery and the access log.
	handler  http.Handler
	searches *answerCache

	mu       sync.Mutex
	usageAns answer // the last /usage answer (status 0: none yet)
	watched  map[string]*watched
	creating map[string]*extLock  // one create at a time per external id
	sending  map[string]createFor // the create under way for an external id, for the journal
}

// watched is one booking the watch keeps.
type watched struct {
	booking model.Booking
	raw     []byte
	checked time.Time
	next    time.Time // when the watch asks again (zero: never, final)
}

// New returns a gateway for cfg.
func New(cfg Config) *Gateway {
	if cfg.Limit <= 0 {
		cfg.Limit = DefaultLimit
	}
	if cfg.Quota <= 0 {
		cfg.Quota = DefaultQuota
	}
	if cfg.SearchTTL <= 0 {
		cfg.SearchTTL = DefaultSearchTTL
	}
	if cfg.Clock == nil {
		cfg.Clock = model.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{cfg: cfg, store: cfg.Store, budget: newBudget(cfg.Limit, cfg.Quota, cfg.AgentDailyReads), circuit: newCircuit(),
		hub: newHub(), log: cfg.Logger, searches: newAnswerCache(),
		watched: map[string]*watched{}, creating: map[string]*extLock{}, sending: map[string]createFor{}}
	transport := &metered{next: newTransport(cfg.Transport), budget: g.budget, circuit: g.circuit, now: g.now}
	g.up = newUpstream(cfg.UpstreamURL, cfg.Key, transport, g.now, g.budget, g.circuit)
	g.client = api.New(api.Config{BaseURL: cfg.UpstreamURL, APIKey: cfg.Key, Transport: transport, Now: g.now,
		UserAgent: "chargedesk-gateway", Retries: 1, MaxRetryWait: 3 * time.Second, Journal: createJournal{g}})
	g.tokens = newTokenIndex(cfg.Store, g.now)
	g.handler = marked(server.AccessLog(g.log, g.redactLog, server.Recover(g.log, g.redactLog,
		g.authenticated(server.LimitBody(maxAgentBody, bodyTimeout, g.routes())))))
	return g
}

func (g *Gateway) now() time.Time { return g.cfg.Clock.Now() }

// ServeHTTP serves agents.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.handler.ServeHTTP(w, r) }

// bookingID is a booking id as it may go into the API's path: letters,
// digits and . _ - ~ (a UUID, or the API's own ids), never . or ..
var bookingID = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

func validBookingID(id string) bool { return bookingID.MatchString(id) && id != "." && id != ".." }

// tokenLike is what looks like an agent token in text the gateway logs.
var tokenLike = regexp.MustCompile(TokenPrefix + `[0-9A-Za-z]+`)

// redactLog takes the key and anything like an agent token out of what the
// gateway logs.
func (g *Gateway) redactLog(s string) string {
	return tokenLike.ReplaceAllString(g.up.redact(s), TokenPrefix+"[token]")
}

// reply writes an answer with the agent's rate-limit headers. It is the
// one way out to an agent, so the key is taken out here of whatever the
// answer holds, unless it was as it arrived (an upstream answer is
// redacted once, then served as it is: see upstream.do); Retry-After is
// passed on only as a number of seconds. What the gateway adds to an
// answer (booked_by, cached_at) is spliced in as it is written.
func (g *Gateway) reply(w http.ResponseWriter, r *http.Request, a answer) {
	g.writeRateHeaders(w, callerOf(r).agent)
	if secs, err := strconv.Atoi(strings.TrimSpace(a.retryAfter)); err == nil && secs >= 0 {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	body := a.body
	if !a.clean {
		body = g.up.redactBytes(body)
	}
	if !a.at.IsZero() {
		if age := g.now().Sub(a.at); age >= time.Second {
			w.Header().Set("Age", strconv.Itoa(int(age/time.Second)))
		}
	}
	writeSpliced(w, a.status, body, g.added(r.Context(), a, body))
}

// added is what the gateway adds to an answer: when it was cached, who
// made the bookings it holds.
func (g *Gateway) added(ctx context.Context, a answer, body []byte) []field {
	if a.status != http.StatusOK {
		return nil
	}
	var fields []field
	switch {
	case a.cachedAt:
		if end := objectEnd(body); end >= 0 {
			fields = append(fields, field{end, member("cached_at", a.at.UTC().Format(time.RFC3339))})
		}
	case a.id != "":
		if by := g.booker(ctx, a.id); by != "" {
			if end := objectEnd(body); end >= 0 {
				fields = append(fields, field{end, member("booked_by", by)})
			}
		}
	case a.clean: // a list as it arrived: its offsets hold
		for _, in := range a.inserts {
			if by := g.booker(ctx, in.id); by != "" {
				fields = append(fields, field{in.at, member("booked_by", by)})
			}
		}
	}
	return fields
}

// clean is body without the key in any spelling.
func (g *Gateway) clean(body []byte) []byte { return g.up.redactBytes(body) }

// writeRateHeaders writes the rate-limit headers agent sees (none: the
// team's).
func (g *Gateway) writeRateHeaders(w http.ResponseWriter, agent string) {
	limit, remaining, reset := g.budget.headers(agent, g.now())
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-RateLimit-Reset", reset.UTC().Truncate(time.Second).Add(time.Second).Format(time.RFC3339))
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// failed is the answer for an upstream request that got no answer: the
// budget's 429, the circuit's 503 (both with Retry-After: nothing was
// sent), or 502.
func failed(err error) answer {
	switch e := err.(type) {
	case errBudget:
		return answer{status: http.StatusTooManyRequests, body: errorBody(e.Error()), retryAfter: strconv.Itoa(seconds(e.wait))}
	case errCircuit:
		return answer{status: http.StatusServiceUnavailable, body: errorBody(e.Error()), retryAfter: strconv.Itoa(seconds(e.wait))}
	}
	return answer{status: http.StatusBadGateway, body: errorBody("The gateway got no answer from the API: " + err.Error())}
}

// unanswered tells an answer that is not the API's word on the request:
// refused for now (429), failing (5xx), or not sent (the circuit's 503).
// A copy the gateway holds serves better.
func unanswered(a answer) bool {
	return a.status == http.StatusTooManyRequests || a.status >= 500
}

// read sends one GET upstream, identical concurrent ones coalesced; then,
// when given, reads the answer once for all who asked (an answer is
// shared: then must not change its body).
func (g *Gateway) read(ctx context.Context, key, path, rawQuery string, p Priority, then func(*answer)) answer {
	v, err, _ := g.flight.Do(key, func() (any, error) {
		a, err := g.up.do(context.WithoutCancel(ctx), p, http.MethodGet, path, rawQuery, nil)
		if err == nil && then != nil {
			then(&a)
		}
		return a, err
	})
	if err != nil {
		return failed(err)
	}
	return v.(answer)
}

// search answers identical searches (the point rounded to ~100 m, the same
// radius, filters and window) within SearchTTL from one upstream search,
// and from an older one (up to staleKeep) while the API cannot answer.
func (g *Gateway) search(r *http.Request) answer {
	key := searchKey(r.URL.Query())
	if a, age, ok := g.searches.get(key, g.now()); ok && age < g.cfg.SearchTTL {
		return cached(a)
	}
	a := g.read(r.Context(), "search?"+key, "/search", key, Read, nil)
	switch {
	case a.status == http.StatusOK:
		g.searches.put(key, a, g.now())
	case unanswered(a):
		if old, age, ok := g.searches.get(key, g.now()); ok && age < staleKeep {
			return cached(old)
		}
	}
	return a
}

// cached is a search answered from the cache: marked with when the API
// gave it (cached_at).
func cached(a answer) answer {
	a.cachedAt = true
	return a
}

// usageTTL is how long one answer of /usage serves every agent: each desk
// asks at start and hourly; the team's month changes little in a minute.
const usageTTL = time.Minute

// usage answers GET /usage, once a minute upstream for the whole team (the
// last answer while the API cannot answer).
func (g *Gateway) usage(ctx context.Context) answer {
	g.mu.Lock()
	last := g.usageAns
	g.mu.Unlock()
	if last.status == http.StatusOK && g.now().Sub(last.at) < usageTTL {
		return last
	}
	a := g.read(ctx, "usage", "/usage", "", Read, nil)
	switch {
	case a.status == http.StatusOK:
		g.mu.Lock()
		g.usageAns = a
		g.mu.Unlock()
	case unanswered(a) && last.status == http.StatusOK:
		return last
	}
	return a
}

// searchKey is the query with lat and lng rounded to 3 decimals (~100 m),
// in a fixed order: what makes two searches the same.
func searchKey(q map[string][]string) string {
	v := make(map[string][]string, len(q))
	for k, vs := range q {
		v[k] = vs
		if (k == "lat" || k == "lng") && len(vs) == 1 {
			if f, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64); err == nil {
				v[k] = []string{strconv.FormatFloat(f, 'f', 3, 64)}
			}
		}
	}
	return url.Values(v).Encode() // sorted by key
}

// list passes a bookings list through, and keeps the newest copy of each
// watched booking it holds. It is read once as it arrives (the watch's
// copies, where each booking's booked_by goes), not per agent.
func (g *Gateway) list(r *http.Request) answer {
	ctx := r.Context()
	return g.read(ctx, "list?"+r.URL.RawQuery, "/bookings", r.URL.RawQuery, Read, func(a *answer) {
		if a.status != http.StatusOK {
			return
		}
		ins, bs, raws := indexBookings(a.body)
		a.inserts = ins
		for i, b := range bs {
			g.see(ctx, b, raws[i], a.at)
		}
	})
}

// booking answers GET /bookings/{id}: from the watch when fresh enough,
// else once upstream for all who ask at that moment (and from the watch
// again while the API cannot answer).
func (g *Gateway) booking(ctx context.Context, id string) answer {
	g.mu.Lock()
	w, ok := g.watched[id]
	var held answer
	fresh := false
	if ok {
		held = answer{status: http.StatusOK, body: w.raw, at: w.checked, id: id}
		fresh = g.fresh(w)
	}
	g.mu.Unlock()
	if fresh {
		return held
	}
	a := g.fetch(ctx, id, Read)
	if ok && unanswered(a) {
		return held
	}
	a.id = id
	return a
}

// fresh tells whether the watch's copy may answer a read now.
func (g *Gateway) fresh(w *watched) bool {
	switch {
	case w.booking.Status.Terminal():
		return true
	case w.booking.Status == model.Requested || w.booking.Status == model.Pending:
		return g.now().Sub(w.checked) < model.PollConfirming
	}
	return g.now().Sub(w.checked) < freshAfter
}

// fetch reads one booking upstream (coalesced) into the watch.
func (g *Gateway) fetch(ctx context.Context, id string, p Priority) answer {
	return g.read(ctx, "booking/"+id, "/bookings/"+url.PathEscape(id), "", p, func(a *answer) {
		if a.status != http.StatusOK {
			return
		}
		var b model.Booking
		if json.Unmarshal(a.body, &b) == nil {
			g.see(ctx, b, a.body, a.at)
		}
	})
}

// booker is the agent who made a booking through the gateway ("" when
// none did, or when the store cannot tell: then it is logged), from
// memory.
func (g *Gateway) booker(ctx context.Context, id string) string {
	by, err := g.bookers.of(ctx, g.store, id)
	if err != nil && ctx.Err() == nil {
		g.log.Warn("the store cannot tell who made a booking: it goes without booked_by", "booking_id", id, "err", g.redactLog(err.Error()))
	}
	return by
}
