package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/model"
)

// BasePath is where the simulator serves the contract, as the real API does.
const BasePath = "/api/v1/client"

// Defaults of Options.
const (
	DefaultKey          = "demo-key"
	DefaultRateLimit    = 100   // requests per minute (sliding window)
	DefaultMonthlyQuota = 10000 // requests per calendar month (UTC)
)

// Error texts of authentication, as the clients see them.
const (
	ErrMissingKey = "Missing API key: send X-API-Key or Authorization: Bearer"
	ErrInvalidKey = "Invalid API key"
	ErrSuspended  = "Account suspended: contact api-support@petitmonde.energy"
)

// Options configure a simulator. The zero value is a working demo server.
type Options struct {
	Key          string      // the accepted API key; "" → DefaultKey
	SuspendedKey string      // optional: a key that authenticates but gets 403 "Account suspended"
	RateLimit    int         // requests per minute per key, sliding 60 s window; 0 → DefaultRateLimit
	MonthlyQuota int         // requests per calendar month (UTC) per key; 0 → DefaultMonthlyQuota
	Speed        float64     // lifecycle time divisor for reservation times; <= 0 → 1
	Seed         int64       // data + lifecycle randomness; same seed → same data and same delays
	Clock        model.Clock // nil → model.SystemClock{}
	// ConfirmTimeout is how long the API waits for the CPO's answer before a
	// booking EXPIRES: the cust_expire trigger, and late confirmations of
	// Faults.CPO. <= 0 → ConfirmTimeout (30 s). Real clock time, not divided
	// by Speed. A short one lets a test see EXPIRED without waiting 30 s; it
	// does not cut the CPO's own answer times short (ConfirmDelayMax,
	// SlowConfirmDelay still confirm when they are longer).
	ConfirmTimeout time.Duration
	// Faults injects latency, errors, dropped connections, broken bodies, 429
	// bursts and CPO misbehaviour (faults.go); the zero value injects nothing.
	Faults Faults
	// Hostile serves terminal-hostile names in the demo search (hostile.go).
	Hostile bool
	// IDs is where booking ids come from; nil → crypto/rand, so that two
	// runs with the same Seed never hand out the same id. A test that
	// compares screens passes a seeded reader.
	IDs io.Reader
	// Logger gets one access-log line per request (never a key) and any
	// panic of a handler; nil → nothing.
	Logger *slog.Logger
}

// Server is the simulator: an http.Handler serving the contract under BasePath.
// It is safe for concurrent use.
type Server struct {
	opts  Options
	clock model.Clock

	dataOnce sync.Once
	data     *dataset // the seeded network: data() builds it on first use

	mu       sync.Mutex
	rng      *rand.Rand // lifecycle randomness
	bookings bookingStore
	usage    map[string]*keyUsage
	nextSeq  int

	faults *faultState // nil without Options.Faults

	api     http.Handler // authentication, rate limits, routes: under mu, into a buffer
	handler http.Handler // what ServeHTTP serves: the middleware around api
}

// New builds a simulator.
func New(o Options) *Server {
	if o.Key == "" {
		o.Key = DefaultKey
	}
	if o.RateLimit <= 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.MonthlyQuota <= 0 {
		o.MonthlyQuota = DefaultMonthlyQuota
	}
	if !(o.Speed > 0) {
		o.Speed = 1
	}
	if o.Clock == nil {
		o.Clock = model.SystemClock{}
	}
	if o.ConfirmTimeout <= 0 {
		o.ConfirmTimeout = ConfirmTimeout
	}
	s := &Server{
		opts:     o,
		clock:    o.Clock,
		rng:      rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed11fe)),
		bookings: newBookingStore(),
		usage:    map[string]*keyUsage{},
	}
	if o.Faults.Enabled() {
		s.faults = newFaultState(o.Faults, o.Seed)
	}
	s.api = s.routes()
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeBuffered(w, s.handle(r)) })
	if s.faults != nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.faults.serveHTTP(s, w, r) })
	}
	s.handler = server.AccessLog(o.Logger, s.redact, server.Recover(o.Logger, s.redact, h))
	return s
}

// dataset is the seed's network (shared with every Server of the seed),
// built on the first request that needs it, so that starting a Server costs
// nothing. A hostile Server changes a few names: it gets its own copy.
func (s *Server) dataset() *dataset {
	s.dataOnce.Do(func() {
		d := datasetFor(s.opts.Seed)
		if s.opts.Hostile {
			locs := make([]model.Location, len(d.locs))
			for i, l := range d.locs {
				locs[i] = copyLocation(l)
			}
			applyHostile(locs)
			d = indexed(locs)
		}
		s.data = d
	})
	return s.data
}

// Prepare builds the network now rather than on the first request that
// needs it (a program that serves can run it in the background at start).
func (s *Server) Prepare() { s.dataset() }

// Options returns the options in effect (defaults filled in).
func (s *Server) Options() Options { return s.opts }

// Locations returns a copy of the seeded data set, in generation order.
func (s *Server) Locations() []model.Location {
	locs := s.dataset().locs
	out := make([]model.Location, len(locs))
	for i, l := range locs {
		out[i] = copyLocation(l)
	}
	return out
}

// Bookings returns every booking of every key as it is now, oldest first.
func (s *Server) Bookings() []model.Booking {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]model.Booking, len(s.bookings.all))
	for i, r := range s.bookings.all {
		out[i] = r.at(now)
	}
	return out
}

// now is the clock's time in UTC, to the millisecond.
func (s *Server) now() time.Time {
	return s.clock.Now().UTC().Round(0).Truncate(time.Millisecond)
}

// ServeHTTP serves the contract: through the access log and panic
// recovery, the faults when any, then (under the lock, into a buffer)
// authentication and rate limits, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handle serves r into a buffer: the body is read before the lock is
// taken, and a slow client never holds the others up.
func (s *Server) handle(r *http.Request) *bufferedResponse {
	r, _ = bufferBody(r) // before taking the lock; decodeBody reports oversize
	s.dataset()          // the first request builds the network outside the lock: the others need not wait
	buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.bookings.all)
	s.api.ServeHTTP(buf, r)
	if len(s.bookings.all) > n && (s.faults != nil || s.opts.Hostile) {
		s.afterCreate(s.bookings.all[n:])
	}
	return buf
}

// bufferBody reads r's body (up to one byte past maxBody) into memory and
// returns it with r made to replay it, ending with the read error if any.
func bufferBody(r *http.Request) (*http.Request, []byte) {
	if r.Body == nil || r.Body == http.NoBody {
		return r, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	_ = r.Body.Close()
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
	return r, data
}

// writeBuffered sends a buffered answer.
func writeBuffered(w http.ResponseWriter, buf *bufferedResponse) {
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}

// errReader returns err (or EOF when nil): a read error of the body shows in decodeBody.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// bufferedResponse is an http.ResponseWriter into memory.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

// apiKey reads X-API-Key, else Authorization: Bearer.
func apiKey(r *http.Request) (string, bool) {
	if k := strings.TrimSpace(r.Header.Get("X-API-Key")); k != "" {
		return k, true
	}
	a := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		if k := strings.TrimSpace(a[7:]); k != "" {
			return k, true
		}
	}
	return "", false
}

// writeJSON writes v as the JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(model.ErrorBody{Error: "Internal error: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, model.ErrorBody{Error: msg})
}

// messages joins the texts of broken rules (each names its field).
func messages(es model.FieldErrors) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Msg
	}
	return strings.Join(parts, "; ")
}
