// Package simtest is test support: the simulator (api/sim) served over real
// loopback HTTP on a manual clock, closed when the test ends. It records
// every request that reaches the server, takes fault handlers between the
// server and the simulator, gives the contract-checking transport
// (api/contract) for a test's client, and builds the one valid booking
// request the tests start from. Only tests import it.
//
//	s := simtest.Start(t, sim.Options{Seed: 1})
//	c := api.New(api.Config{BaseURL: s.Base, APIKey: s.Key, Now: s.Clock.Now,
//		Transport: s.Transport(t, nil)})
package simtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// T0 is where a manual clock starts unless the test gives a clock of its
// own: a Tuesday morning, mid-month.
var T0 = time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)

// Server is one simulator behind a loopback HTTP server.
type Server struct {
	Sim *sim.Server
	// Clock is the simulator's clock when it is a manual one (the default);
	// nil when the test gave a clock of another kind.
	Clock *sim.ManualClock
	URL   string // the server's root, http://127.0.0.1:port
	Base  string // URL + sim.BasePath: what a client is given
	Key   string // the key the simulator accepts

	hs    *httptest.Server
	done  chan struct{}
	close sync.Once

	mu       sync.Mutex
	requests []Request
}

// Request is one request as it reached the server, before any fault handler.
type Request struct {
	Method   string
	Path     string // without sim.BasePath
	RawQuery string
	Body     []byte
	Key      string // the X-API-Key header
}

// Option varies a Server.
type Option func(*config)

type config struct {
	unlimited bool
	wrap      []func(*Server, http.Handler) http.Handler
}

// Unlimited takes the per-minute limit and the monthly quota out of the way
// (unless the options set them): for tests about anything but the limits.
func Unlimited() Option { return func(c *config) { c.unlimited = true } }

// Wrap puts a handler between the server and the simulator (fault injection
// at the server). Several wrap in order: the first given is the outermost.
func Wrap(f func(s *Server, next http.Handler) http.Handler) Option {
	return func(c *config) { c.wrap = append(c.wrap, f) }
}

// Start serves a simulator built from o on a loopback port until the test
// ends. Without o.Clock the simulator runs on a manual clock at T0.
func Start(tb testing.TB, o sim.Options, opts ...Option) *Server {
	tb.Helper()
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.unlimited {
		if o.RateLimit == 0 {
			o.RateLimit = 1_000_000
		}
		if o.MonthlyQuota == 0 {
			o.MonthlyQuota = 1_000_000_000
		}
	}
	s := &Server{done: make(chan struct{})}
	if o.Clock == nil {
		o.Clock = sim.NewManualClock(T0)
	}
	s.Clock, _ = o.Clock.(*sim.ManualClock)
	s.Sim = sim.New(o)
	s.Sim.Prepare() // tests with short timeouts must not meet the network's first build
	s.Key = s.Sim.Options().Key

	var h http.Handler = s.Sim
	for i := len(cfg.wrap) - 1; i >= 0; i-- {
		h = cfg.wrap[i](s, h)
	}
	s.hs = httptest.NewServer(s.record(h))
	s.URL = s.hs.URL
	s.Base = s.hs.URL + sim.BasePath
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server now (a test of a server gone away); it is also
// done when the test ends.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.done) // held answers end first, so Close does not wait on them
		s.hs.Close()
	})
}

// Done is closed when the test ends, before the server closes: a fault
// handler that holds an answer lets go of it then.
func (s *Server) Done() <-chan struct{} { return s.done }

// HTTPClient is a plain client of the server (keep-alive on, no contract check).
func (s *Server) HTTPClient() *http.Client { return s.hs.Client() }

// Transport is the contract-checking transport (api/contract) over base,
// for a test's client: every request and answer is checked against
// api/openapi.yaml and each violation fails tb. A nil base is the server's
// own client transport (keep-alive on).
func (s *Server) Transport(tb testing.TB, base http.RoundTripper, opts ...contract.Option) http.RoundTripper {
	tb.Helper()
	if base == nil {
		base = s.hs.Client().Transport
	}
	return contract.Transport(tb, base, append([]contract.Option{contract.WithBasePath(sim.BasePath)}, opts...)...)
}

// OneConnectionPerRequest is a transport without keep-alive: every attempt
// is its own connection, so net/http never replays a request by itself after
// a dropped connection and the counts at the server are exact.
func OneConnectionPerRequest(tb testing.TB) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	tb.Cleanup(tr.CloseIdleConnections)
	return tr
}

func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Method:   req.Method,
			Path:     strings.TrimPrefix(req.URL.Path, sim.BasePath),
			RawQuery: req.URL.RawQuery,
			Body:     body,
			Key:      req.Header.Get("X-API-Key"),
		})
		s.mu.Unlock()
		next.ServeHTTP(w, req)
	})
}

// Requests is every request that reached the server so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count is how many requests with that method and path (without the base
// path) reached the server.
func (s *Server) Count(method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// WithExternalID is how many bookings the simulator holds under ext.
func (s *Server) WithExternalID(ext string) int {
	n := 0
	for _, b := range s.Sim.Bookings() {
		if b.ExternalID == ext {
			n++
		}
	}
	return n
}

// BookingRequest is a valid booking request on the flagship's EVSE 1,
// starting lead after now and lasting dur, under an external id made from
// its start.
func BookingRequest(now time.Time, lead, dur time.Duration) model.BookingRequest {
	start := now.Add(lead).UTC()
	return model.BookingRequest{
		LocationID:       sim.FlagshipLocationID,
		EVSEUID:          "DE*ENB*E123456*1",
		ConnectorID:      "1",
		ReservationStart: start,
		ReservationEnd:   start.Add(dur),
		ExternalID:       fmt.Sprintf("ext-%d", start.UnixNano()),
		TokenStrategy:    model.DriverToken,
		CustomerID:       "cust_abc123",
	}
}
