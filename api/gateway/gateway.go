package gateway

import (
	"bytes"
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
	// SearchTTL is how long an identical search is answered from the first
	// one's answer (0: DefaultSearchTTL).
	SearchTTL time.Duration
	Clock     model.Clock       // nil: the system clock
	Transport http.RoundTripper // nil: http.DefaultTransport
	// Logger gets the access log (one line per request, with the agent),
	// every store write that failed with what it lost, and the watch's
	// events; never the key or a token. nil: nothing.
	Logger *slog.Logger
}

// Gateway is the team's single client of the API: an http.Handler serving
// the Agent API contract to agents (who authenticate with agent tokens),
// and a watch (Run) that polls every active booking once for everyone.
type Gateway struct {
	cfg    Config
	store  *Store
	up     *upstream
	client *api.Client // creates and look-ups, with the never-book-twice rules
	budget *budget
	flight singleflight.Group
	hub    *hub
	log    *slog.Logger
	// handler is what ServeHTTP serves: the routes inside authentication,
	// panic recovery and the access log.
	handler http.Handler

	mu       sync.Mutex
	searches map[string]answer
	usageAns answer // the last /usage answer (status 0: none yet)
	watched  map[string]*watched
	creating map[string]*extLock // one create at a time per external id
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
	g := &Gateway{cfg: cfg, store: cfg.Store, budget: newBudget(cfg.Limit, cfg.Quota), hub: newHub(), log: cfg.Logger,
		searches: map[string]answer{}, watched: map[string]*watched{}, creating: map[string]*extLock{}}
	g.up = newUpstream(cfg.UpstreamURL, cfg.Key, cfg.Transport, cfg.Clock.Now, g.budget)
	c := g.clientConfig()
	c.OnEvent = func(api.Event) { g.budget.spent(g.now()) }
	g.client = api.New(c)
	g.handler = marked(server.AccessLog(g.log, g.redactLog, server.Recover(g.log, g.redactLog, g.authenticated(g.routes()))))
	return g
}

// clientConfig is how the gateway's API clients talk to the API: the
// start's look-ups (g.client) and each create's (createClient).
func (g *Gateway) clientConfig() api.Config {
	return api.Config{BaseURL: g.cfg.UpstreamURL, APIKey: g.cfg.Key, Transport: g.cfg.Transport,
		Now: g.now, UserAgent: "chargedesk-gateway", Retries: 1, MaxRetryWait: 3 * time.Second}
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

// reply writes an answer with the team's rate-limit headers. It is the
// one way out to an agent, so the key is taken out here, of whatever the
// answer holds: a body with \u escapes is decoded and encoded again first,
// so that no spelling of the key survives; Retry-After is passed on only
// as a number of seconds.
func (g *Gateway) reply(w http.ResponseWriter, a answer) {
	g.writeTeamHeaders(w)
	if secs, err := strconv.Atoi(strings.TrimSpace(a.retryAfter)); err == nil && secs >= 0 {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	a.body = g.clean(a.body)
	if !a.at.IsZero() {
		if age := g.now().Sub(a.at); age >= time.Second {
			w.Header().Set("Age", strconv.Itoa(int(age/time.Second)))
		}
	}
	writeBody(w, a.status, a.body)
}

// clean is body without the key in any spelling.
func (g *Gateway) clean(body []byte) []byte {
	if bytes.Contains(body, []byte(`\u`)) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			if plain, err := json.Marshal(v); err == nil {
				body = plain
			}
		}
	}
	return []byte(g.up.redact(string(body)))
}

func (g *Gateway) writeTeamHeaders(w http.ResponseWriter) {
	limit, remaining, reset := g.budget.headers(g.now())
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-RateLimit-Reset", reset.UTC().Truncate(time.Second).Add(time.Second).Format(time.RFC3339))
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// failed is the answer for an upstream request that got no answer.
func failed(err error) answer {
	if b, ok := err.(errBudget); ok {
		secs := int((b.wait + time.Second - 1) / time.Second)
		return answer{status: http.StatusTooManyRequests, body: errorBody(b.Error()), retryAfter: strconv.Itoa(max(1, secs))}
	}
	return answer{status: http.StatusBadGateway, body: errorBody("The gateway got no answer from the API: " + err.Error())}
}

// read sends one GET upstream, identical concurrent ones coalesced.
func (g *Gateway) read(ctx context.Context, key, path, rawQuery string, p Priority) answer {
	v, err, _ := g.flight.Do(key, func() (any, error) {
		return g.up.do(context.WithoutCancel(ctx), p, http.MethodGet, path, rawQuery, nil)
	})
	if err != nil {
		return failed(err)
	}
	return v.(answer)
}

// search answers identical searches (the point rounded to ~100 m, the same
// radius, filters and window) within SearchTTL from one upstream search.
func (g *Gateway) search(r *http.Request) answer {
	key := searchKey(r.URL.Query())
	g.mu.Lock()
	a, ok := g.searches[key]
	g.mu.Unlock()
	if ok && g.now().Sub(a.at) < g.cfg.SearchTTL {
		return cachedAt(a)
	}
	a = g.read(r.Context(), "search?"+key, "/search", key, Read)
	if a.status == http.StatusOK {
		g.mu.Lock()
		for k, old := range g.searches { // drop what has aged out
			if g.now().Sub(old.at) >= g.cfg.SearchTTL {
				delete(g.searches, k)
			}
		}
		g.searches[key] = a
		g.mu.Unlock()
	}
	return a
}

// usageTTL is how long one answer of /usage serves every agent: each desk
// asks at start and hourly; the team's month changes little in a minute.
const usageTTL = time.Minute

// usage answers GET /usage, once a minute upstream for the whole team.
func (g *Gateway) usage(ctx context.Context) answer {
	g.mu.Lock()
	a := g.usageAns
	g.mu.Unlock()
	if a.status == http.StatusOK && g.now().Sub(a.at) < usageTTL {
		return a
	}
	a = g.read(ctx, "usage", "/usage", "", Read)
	if a.status == http.StatusOK {
		g.mu.Lock()
		g.usageAns = a
		g.mu.Unlock()
	}
	return a
}

// cachedAt marks a search answered from the cache with when the API gave
// it (cached_at), keeping every field the API sent.
func cachedAt(a answer) answer {
	var obj map[string]any
	if json.Unmarshal(a.body, &obj) != nil {
		return a
	}
	obj["cached_at"] = a.at.UTC().Format(time.RFC3339)
	if body, err := json.Marshal(obj); err == nil {
		a.body = body
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
// watched booking it holds.
func (g *Gateway) list(r *http.Request) answer {
	a := g.read(r.Context(), "list?"+r.URL.RawQuery, "/bookings", r.URL.RawQuery, Read)
	if a.status == http.StatusOK {
		var l model.BookingList
		if json.Unmarshal(a.body, &l) == nil {
			for _, b := range l.Bookings {
				raw, _ := json.Marshal(b)
				g.see(r.Context(), b, raw, a.at)
			}
		}
	}
	return g.withBookers(r.Context(), a)
}

// booking answers GET /bookings/{id}: from the watch when fresh enough,
// else once upstream for all who ask at that moment.
func (g *Gateway) booking(ctx context.Context, id string) answer {
	g.mu.Lock()
	w, ok := g.watched[id]
	var fresh answer
	if ok && g.fresh(w) {
		fresh = answer{status: http.StatusOK, body: w.raw, at: w.checked}
	}
	g.mu.Unlock()
	if fresh.status == 0 {
		fresh = g.fetch(ctx, id, Read)
	}
	return g.withBookers(ctx, fresh)
}

// withBookers adds booked_by (the agent who booked through the gateway) to
// the booking or list of bookings an answer holds, keeping every field the
// API sent.
func (g *Gateway) withBookers(ctx context.Context, a answer) answer {
	if a.status != http.StatusOK {
		return a
	}
	mark := func(b map[string]any) {
		if id, _ := b["id"].(string); id != "" {
			if by := g.booker(ctx, id); by != "" {
				b["booked_by"] = by
			}
		}
	}
	var obj map[string]any
	if json.Unmarshal(a.body, &obj) != nil {
		return a
	}
	if list, ok := obj["bookings"].([]any); ok {
		for _, it := range list {
			if b, ok := it.(map[string]any); ok {
				mark(b)
			}
		}
	} else {
		mark(obj)
	}
	if body, err := json.Marshal(obj); err == nil {
		a.body = body
	}
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
	a := g.read(ctx, "booking/"+id, "/bookings/"+url.PathEscape(id), "", p)
	if a.status == http.StatusOK {
		var b model.Booking
		if json.Unmarshal(a.body, &b) == nil {
			g.see(ctx, b, a.body, a.at)
		}
	}
	return a
}

// booker is the agent who made a booking through the gateway ("" when
// none did, or when the store cannot tell: then it is logged).
func (g *Gateway) booker(ctx context.Context, id string) string {
	by, err := g.store.booker(ctx, id)
	if err != nil && ctx.Err() == nil {
		g.log.Warn("the store cannot tell who made a booking: it goes without booked_by", "booking_id", id, "err", g.redactLog(err.Error()))
	}
	return by
}
