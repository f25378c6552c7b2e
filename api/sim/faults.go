package sim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// Faults makes the simulator misbehave on purpose, for chaos tests and for
// `chargedesk serve`. The zero value injects nothing. See the package doc
// ("Fault injection") for what each fault looks like on the wire.
//
// Request faults (the shares) are exclusive: each request that matches Only
// draws one number u in [0, 1) and takes at most one of them, in the order
// RateLimited, ServerError, DropBefore, DropAfter, ServerErrorAfter,
// Malformed, Truncated; their sum must not exceed 1. Latency and Burst come
// on top of them. CPO faults act on bookings, not on requests.
type Faults struct {
	// Seed of every fault draw; 0 → Options.Seed.
	Seed int64
	// Only restricts request faults (latency and bursts included) to the
	// requests matching one of these patterns; none → every request. A
	// pattern is "[METHOD ]PATH", PATH relative to BasePath: "POST /bookings",
	// "GET /bookings/*" ("*" is one segment), "/bookings/**" (any rest, also
	// none), "* /search" or "/search" (any method). A pattern that does not
	// parse matches nothing (Validate reports it).
	Only []string

	// Latency delays matching requests before they are processed.
	Latency Latency

	RateLimited      float64 // share answered 429 + Retry-After, not processed
	ServerError      float64 // share answered 500/502/503 (JSON error body), not processed
	DropBefore       float64 // share whose connection is closed before processing, no answer
	DropAfter        float64 // share processed (a POST /bookings IS created), then the connection closed, no answer
	ServerErrorAfter float64 // share processed, then answered 500/502/503 instead of the real answer
	Malformed        float64 // share processed; a 2xx answer gets a body that is not valid JSON
	Truncated        float64 // share processed; a 2xx answer's JSON is cut short

	// RetryAfter is the Retry-After of injected 429s (RateLimited); 0 →
	// DefaultFaultRetryAfter. Bursts say how long their window still lasts.
	RetryAfter time.Duration
	// Burst answers every matching request with 429 in recurring windows of
	// the simulator's clock.
	Burst Burst

	// CPO makes the charge point operators misbehave.
	CPO CPOFaults
}

// Latency is the added delay of a request: Fixed + U(0, Jitter), plus a
// log-normal part when Median > 0 (median Median, 99th percentile P99; P99
// ≤ Median makes it constant), all capped at Max when Max > 0. It is real
// time (a timer), not the simulator's clock; a client that gives up during
// it leaves its request unprocessed — unless After is set: then a processed
// request is delayed after processing, before its answer (a slow answer: the
// client may give up on a request that took effect).
type Latency struct {
	Fixed  time.Duration
	Jitter time.Duration
	Median time.Duration
	P99    time.Duration
	Max    time.Duration
	After  bool
}

// Burst is a recurring 429 window: from every multiple of Every (counted
// from the Unix epoch, on the simulator's clock) for Length.
type Burst struct {
	Length time.Duration
	Every  time.Duration
}

// CPOFaults are operator behaviours, decided per booking (by a seeded hash
// of its id) at create. They apply to bookings that would be CONFIRMED (the
// normal path, cust_slow, cust_noshow); Only does not restrict them. Their
// times are real clock time, never divided by Options.Speed.
type CPOFaults struct {
	// LateConfirm is the share of bookings the CPO confirms late:
	// LateConfirmAfter after create (0 → DefaultLateConfirmAfter), PENDING
	// until then. When LateConfirmAfter ≥ ConfirmTimeout the API gives up
	// first: EXPIRED at ConfirmTimeout, and the CPO's late answer is dropped.
	LateConfirm      float64
	LateConfirmAfter time.Duration
	// Cancel is the share of bookings the CPO cancels after confirming:
	// CONFIRMED → CANCELLED ("Cancelled by CPO: …", client_price 0.00) at a
	// seeded U(CancelAfterMin, CancelAfterMax) after CONFIRMED (0 →
	// DefaultCPOCancelAfterMin/Max), and no later than the step that would
	// have followed CONFIRMED (ATTENDING or NO_SHOW).
	Cancel         float64
	CancelAfterMin time.Duration
	CancelAfterMax time.Duration
}

// Defaults of Faults.
const (
	DefaultFaultRetryAfter   = 2 * time.Second
	DefaultLateConfirmAfter  = 28 * time.Second // past an agent's patience, before ConfirmTimeout
	DefaultCPOCancelAfterMin = 5 * time.Second
	DefaultCPOCancelAfterMax = 30 * time.Second
)

// FaultHeader names the fault on every injected answer that has one.
const FaultHeader = "X-Sim-Fault"

// Fault kinds, as FaultHeader and FaultStats name them.
const (
	FaultRateLimited      = "rate-limited"
	FaultBurst            = "burst"
	FaultServerError      = "server-error"
	FaultDropBefore       = "drop-before"
	FaultDropAfter        = "drop-after"
	FaultServerErrorAfter = "server-error-after"
	FaultMalformed        = "malformed"
	FaultTruncated        = "truncated"
)

// CPO cancellation reasons (Faults.CPO.Cancel).
var cpoCancelReasons = []string{
	"Cancelled by CPO: the EVSE went out of order",
	"Cancelled by CPO: the site is closed for urgent maintenance",
	"Cancelled by CPO: the reservation could not be honoured",
}

// Enabled tells whether f injects anything.
func (f Faults) Enabled() bool {
	return f.requestFaults() || f.CPO.LateConfirm > 0 || f.CPO.Cancel > 0
}

func (f Faults) requestFaults() bool {
	return f.shareSum() > 0 || f.Latency != (Latency{}) || (f.Burst.Length > 0 && f.Burst.Every > 0)
}

func (f Faults) shares() []float64 {
	return []float64{f.RateLimited, f.ServerError, f.DropBefore, f.DropAfter, f.ServerErrorAfter, f.Malformed, f.Truncated}
}

func (f Faults) shareSum() float64 {
	s := 0.0
	for _, v := range f.shares() {
		s += v
	}
	return s
}

// Validate reports the first value out of range. New does not fail on them:
// it clamps (shares to 0..1, scaled down to a sum of 1; negative durations
// to 0; a Burst without a longer Every is ignored).
func (f Faults) Validate() error {
	names := []string{"429", "5xx", "drop-before", "drop-after", "5xx-after", "malformed", "truncated"}
	for i, v := range f.shares() {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("faults: %s share %v is not between 0 and 1", names[i], v)
		}
	}
	if s := f.shareSum(); s > 1+1e-9 {
		return fmt.Errorf("faults: the request fault shares add up to %v, more than 1", round2(s))
	}
	for _, v := range []float64{f.CPO.LateConfirm, f.CPO.Cancel} {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("faults: CPO share %v is not between 0 and 1", v)
		}
	}
	for _, d := range []time.Duration{f.Latency.Fixed, f.Latency.Jitter, f.Latency.Median, f.Latency.P99,
		f.Latency.Max, f.RetryAfter, f.Burst.Length, f.Burst.Every, f.CPO.LateConfirmAfter,
		f.CPO.CancelAfterMin, f.CPO.CancelAfterMax} {
		if d < 0 {
			return fmt.Errorf("faults: negative duration %v", d)
		}
	}
	if f.Latency.Median > 0 && f.Latency.P99 > 0 && f.Latency.P99 < f.Latency.Median {
		return fmt.Errorf("faults: latency p99 %v is below the median %v", f.Latency.P99, f.Latency.Median)
	}
	if f.Burst.Length > 0 && f.Burst.Every <= f.Burst.Length {
		return fmt.Errorf("faults: burst length %v must be shorter than its period %v", f.Burst.Length, f.Burst.Every)
	}
	if f.CPO.CancelAfterMax > 0 && f.CPO.CancelAfterMax < f.CPO.CancelAfterMin {
		return fmt.Errorf("faults: cpo-cancel-after range %v..%v is reversed", f.CPO.CancelAfterMin, f.CPO.CancelAfterMax)
	}
	for _, p := range f.Only {
		if _, err := parseRoutePattern(p); err != nil {
			return err
		}
	}
	return nil
}

// normalized is f with defaults filled in and values clamped (see Validate).
func (f Faults) normalized(seed int64) Faults {
	if f.Seed == 0 {
		f.Seed = seed
	}
	clamp := func(v *float64) {
		if !(*v >= 0) {
			*v = 0
		}
		if *v > 1 {
			*v = 1
		}
	}
	for _, v := range []*float64{&f.RateLimited, &f.ServerError, &f.DropBefore, &f.DropAfter,
		&f.ServerErrorAfter, &f.Malformed, &f.Truncated, &f.CPO.LateConfirm, &f.CPO.Cancel} {
		clamp(v)
	}
	if s := f.shareSum(); s > 1 {
		for _, v := range []*float64{&f.RateLimited, &f.ServerError, &f.DropBefore, &f.DropAfter,
			&f.ServerErrorAfter, &f.Malformed, &f.Truncated} {
			*v /= s
		}
	}
	for _, d := range []*time.Duration{&f.Latency.Fixed, &f.Latency.Jitter, &f.Latency.Median, &f.Latency.P99,
		&f.Latency.Max, &f.RetryAfter, &f.Burst.Length, &f.Burst.Every, &f.CPO.LateConfirmAfter,
		&f.CPO.CancelAfterMin, &f.CPO.CancelAfterMax} {
		*d = max(*d, 0)
	}
	if f.RetryAfter == 0 {
		f.RetryAfter = DefaultFaultRetryAfter
	}
	if f.Burst.Every <= f.Burst.Length {
		f.Burst = Burst{}
	}
	if f.CPO.LateConfirmAfter == 0 {
		f.CPO.LateConfirmAfter = DefaultLateConfirmAfter
	}
	if f.CPO.CancelAfterMin == 0 && f.CPO.CancelAfterMax == 0 {
		f.CPO.CancelAfterMin, f.CPO.CancelAfterMax = DefaultCPOCancelAfterMin, DefaultCPOCancelAfterMax
	}
	f.CPO.CancelAfterMax = max(f.CPO.CancelAfterMax, f.CPO.CancelAfterMin)
	return f
}

// FaultStats counts what the simulator injected.
type FaultStats struct {
	Requests  int           // requests that matched Only
	Delayed   int           // requests given latency
	Latency   time.Duration // total latency injected
	Abandoned int           // the client left during the latency: not processed
	// Injected request faults, by kind (FaultRateLimited …).
	Injected map[string]int
	// Bookings the CPO confirmed late, of which expired, and cancelled after confirming.
	LateConfirmed, LateExpired, CPOCancelled int
}

// FaultStats returns a copy of the counts of injected faults.
func (s *Server) FaultStats() FaultStats {
	if s.faults == nil {
		return FaultStats{Injected: map[string]int{}}
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := s.faults.stats
	out.Injected = make(map[string]int, len(s.faults.stats.Injected))
	for k, v := range s.faults.stats.Injected {
		out.Injected[k] = v
	}
	return out
}

// faultState is the running fault injector of one Server.
type faultState struct {
	f          Faults
	only       []routePattern
	restricted bool // Only was given: no valid pattern → no request matches

	mu    sync.Mutex
	seen  map[uint64]uint32 // times each distinct request was seen
	stats FaultStats
}

// maxSeen bounds the memory of distinct requests; past it the counts restart.
const maxSeen = 1 << 16

func newFaultState(f Faults, seed int64) *faultState {
	f = f.normalized(seed)
	fs := &faultState{f: f, restricted: len(f.Only) > 0, seen: map[uint64]uint32{}, stats: FaultStats{Injected: map[string]int{}}}
	for _, p := range f.Only {
		if rp, err := parseRoutePattern(p); err == nil {
			fs.only = append(fs.only, rp)
		}
	}
	return fs
}

// routePattern is one parsed Only pattern.
type routePattern struct {
	method string // "" → any
	segs   []string
}

func parseRoutePattern(p string) (routePattern, error) {
	p = strings.TrimSpace(p)
	var rp routePattern
	if m, rest, ok := strings.Cut(p, " "); ok {
		rp.method = strings.ToUpper(strings.TrimSpace(m))
		if rp.method == "*" {
			rp.method = ""
		}
		p = strings.TrimSpace(rest)
	}
	if !strings.HasPrefix(p, "/") {
		return rp, fmt.Errorf("faults: pattern %q: the path must start with /", p)
	}
	rp.segs = strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range rp.segs {
		if s == "**" && i != len(rp.segs)-1 {
			return rp, fmt.Errorf("faults: pattern %q: ** only at the end", p)
		}
	}
	return rp, nil
}

func (rp routePattern) match(method string, segs []string) bool {
	if rp.method != "" && rp.method != method {
		return false
	}
	for i, p := range rp.segs {
		if p == "**" {
			return true
		}
		if i >= len(segs) || (p != "*" && p != segs[i]) {
			return false
		}
	}
	return len(segs) == len(rp.segs)
}

func (fs *faultState) matches(r *http.Request) bool {
	if !fs.restricted {
		return true
	}
	segs := strings.Split(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, BasePath), "/"), "/")
	for _, p := range fs.only {
		if p.match(r.Method, segs) {
			return true
		}
	}
	return false
}

// requestRNG is the random source of one request: a hash of the seed and the
// request's content (method, path, query, body), and how often exactly this
// request was seen before. The same requests in the same order meet the same
// faults; concurrent identical requests may swap theirs.
func (fs *faultState) requestRNG(r *http.Request, body []byte) *rand.Rand {
	h := fnv.New64a()
	var sb [8]byte
	binary.LittleEndian.PutUint64(sb[:], uint64(fs.f.Seed))
	h.Write(sb[:])
	for _, s := range []string{r.Method, r.URL.Path, r.URL.RawQuery} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(body)
	sum := h.Sum64()
	fs.mu.Lock()
	if len(fs.seen) >= maxSeen {
		clear(fs.seen)
	}
	n := fs.seen[sum]
	fs.seen[sum] = n + 1
	fs.mu.Unlock()
	return rand.New(rand.NewPCG(sum, uint64(n)*0x9e3779b97f4a7c15+1))
}

func (fs *faultState) count(kind string) {
	fs.mu.Lock()
	fs.stats.Injected[kind]++
	fs.mu.Unlock()
}

// latency draws one request's delay.
func (l Latency) draw(rng *rand.Rand) time.Duration {
	d := l.Fixed
	if l.Jitter > 0 {
		d += time.Duration(rng.Int64N(int64(l.Jitter) + 1))
	}
	z := rng.NormFloat64() // drawn always, so the other draws do not depend on Median
	if l.Median > 0 {
		sigma := 0.0
		if l.P99 > l.Median {
			sigma = math.Log(float64(l.P99)/float64(l.Median)) / 2.3263478740408408 // z of p99
		}
		v := float64(l.Median) * math.Exp(sigma*z)
		if v > float64(math.MaxInt64/4) {
			v = float64(math.MaxInt64 / 4)
		}
		d += time.Duration(v)
	}
	if l.Max > 0 && d > l.Max {
		d = l.Max
	}
	return d
}

// serveHTTP is ServeHTTP with faults.
func (fs *faultState) serveHTTP(s *Server, w http.ResponseWriter, r *http.Request) {
	if !fs.f.requestFaults() || !fs.matches(r) {
		writeBuffered(w, s.handle(r))
		return
	}
	// Read the body first: it is part of what decides the request's fate.
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		_ = r.Body.Close()
		body = data
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
	}
	rng := fs.requestRNG(r, body)
	u := rng.Float64()
	delay := fs.f.Latency.draw(rng)
	variant := rng.Uint64()

	fs.mu.Lock()
	fs.stats.Requests++
	if delay > 0 {
		fs.stats.Delayed++
		fs.stats.Latency += delay
	}
	fs.mu.Unlock()
	// wait spends the delay; false when the client left meanwhile.
	wait := func() bool {
		if delay <= 0 {
			return true
		}
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-r.Context().Done():
			fs.mu.Lock()
			fs.stats.Abandoned++
			fs.mu.Unlock()
			return false
		}
	}
	if !fs.f.Latency.After && !wait() {
		return
	}

	if b := fs.f.Burst; b.Length > 0 {
		now := s.now()
		off := time.Duration(now.UnixNano() % int64(b.Every))
		if off < 0 {
			off += b.Every
		}
		if off < b.Length {
			if fs.f.Latency.After && !wait() {
				return
			}
			fs.count(FaultBurst)
			s.writeInjected429(w, now, b.Length-off, FaultBurst)
			return
		}
	}

	kind := ""
	acc := 0.0
	for i, share := range fs.f.shares() {
		acc += share
		if u < acc {
			kind = []string{FaultRateLimited, FaultServerError, FaultDropBefore, FaultDropAfter,
				FaultServerErrorAfter, FaultMalformed, FaultTruncated}[i]
			break
		}
	}
	if fs.f.Latency.After && (kind == FaultRateLimited || kind == FaultServerError || kind == FaultDropBefore) && !wait() {
		return
	}
	switch kind {
	case FaultRateLimited:
		fs.count(kind)
		s.writeInjected429(w, s.now(), fs.f.RetryAfter, kind)
		return
	case FaultServerError:
		fs.count(kind)
		writeInjected5xx(w, variant, kind)
		return
	case FaultDropBefore:
		fs.count(kind)
		dropConn(w, variant&1 == 1)
		return
	}

	buf := s.handle(r)
	if fs.f.Latency.After && !wait() {
		return
	}
	switch kind {
	case FaultDropAfter:
		fs.count(kind)
		dropConn(w, variant&1 == 1)
		return
	case FaultServerErrorAfter:
		fs.count(kind)
		writeInjected5xx(w, variant, kind)
		return
	case FaultMalformed:
		if buf.status/100 == 2 {
			fs.count(kind)
			buf.header.Set(FaultHeader, kind)
			mangled := malformJSON(buf.body.Bytes(), variant)
			buf.body.Reset()
			buf.body.Write(mangled)
		}
	case FaultTruncated:
		if buf.status/100 == 2 {
			fs.count(kind)
			buf.header.Set(FaultHeader, kind)
			full := bytes.TrimRight(buf.body.Bytes(), " \r\n\t")
			cut := 1
			if len(full) > 2 {
				cut = 1 + int((variant>>8)%uint64(len(full)-1)) // 1 … len-1: never the whole document
			}
			if variant&1 == 1 {
				// Announce the whole body, send part of it, hang up: a read error.
				for k, v := range buf.header {
					w.Header()[k] = v
				}
				w.Header().Set("Content-Length", strconv.Itoa(len(full)))
				w.WriteHeader(buf.status)
				_, _ = w.Write(full[:cut])
				if fl, ok := w.(http.Flusher); ok {
					fl.Flush()
				}
				dropConn(w, false)
				return
			}
			// A complete answer whose JSON simply ends early: a decode error.
			short := bytes.Clone(full[:cut])
			buf.body.Reset()
			buf.body.Write(short)
		}
	}
	writeBuffered(w, buf)
}

// writeInjected429 answers 429 as the rate limiter would, without counting.
func (s *Server) writeInjected429(w http.ResponseWriter, now time.Time, wait time.Duration, kind string) {
	n := ceilSeconds(wait)
	setRateHeaders(w, s.opts.RateLimit, 0, ceilSecond(now.Add(time.Duration(n)*time.Second)))
	w.Header().Set("Retry-After", strconv.Itoa(n))
	w.Header().Set(FaultHeader, kind)
	writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Rate limit exceeded. Retry after %d seconds.", n))
}

// writeInjected5xx answers 500, 502 or 503 with a JSON error body and no
// rate-limit headers (as a failing gateway in front of the API would).
func writeInjected5xx(w http.ResponseWriter, variant uint64, kind string) {
	w.Header().Set(FaultHeader, kind)
	switch (variant >> 1) % 3 {
	case 0:
		writeError(w, http.StatusInternalServerError, "Internal server error: the request could not be completed")
	case 1:
		writeError(w, http.StatusBadGateway, "Bad gateway: no valid answer from the upstream service")
	default:
		writeError(w, http.StatusServiceUnavailable, "Service unavailable: the API is overloaded, try again shortly")
	}
}

// malformJSON turns a JSON answer into one that does not parse.
func malformJSON(body []byte, variant uint64) []byte {
	body = bytes.TrimRight(body, " \r\n\t")
	switch (variant >> 1) % 4 {
	case 0: // an HTML page where JSON was promised
		return []byte("<!DOCTYPE html>\n<html><head><title>200 OK</title></head><body><h1>OK</h1></body></html>\n")
	case 1: // trailing garbage after the document
		return append(bytes.Clone(body), []byte("}{\"")...)
	case 2: // a byte-order mark before it
		return append([]byte("\ufeff"), body...)
	default: // a broken token inside
		if i := bytes.Index(body, []byte(`":`)); i >= 0 {
			out := bytes.Clone(body)
			out[i+1] = '='
			return out
		}
		return append([]byte("{'"), body...)
	}
}

// dropConn closes the connection without an answer: an RST when reset
// (SO_LINGER 0), else a FIN. Without a Hijacker (HTTP/2, a recorder) it
// panics with http.ErrAbortHandler, which servers treat as an abort.
func dropConn(w http.ResponseWriter, reset bool) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// afterCreate applies CPO faults and hostile texts to bookings just created
// (called under s.mu).
func (s *Server) afterCreate(recs []*record) {
	for _, rec := range recs {
		if s.faults != nil {
			s.faults.cpo(s, rec)
		}
		if s.opts.Hostile {
			hostileReasons(rec)
		}
	}
}

// hashUnit is a seeded uniform number in [0, 1) for (salt, id).
func hashUnit(seed int64, salt, id string) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s|%s", seed, salt, id)
	x := h.Sum64()
	// splitmix64 finaliser: fnv's low bits are not well mixed.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// cpo applies the CPO faults to one new booking.
func (fs *faultState) cpo(s *Server, rec *record) {
	c := fs.f.CPO
	ci := -1
	for i, e := range rec.events {
		if e.status == model.Confirmed {
			ci = i
			break
		}
	}
	if ci < 0 {
		return
	}
	id := rec.base.ID
	if c.LateConfirm > 0 && hashUnit(fs.f.Seed, "late-confirm", id) < c.LateConfirm {
		at := rec.created.Add(c.LateConfirmAfter)
		if c.LateConfirmAfter >= ConfirmTimeout {
			// The API stops waiting first: the CPO's answer comes too late.
			rec.events = append(rec.events[:ci:ci], event{at: rec.created.Add(ConfirmTimeout), status: model.Expired})
			fs.mu.Lock()
			fs.stats.LateExpired++
			fs.mu.Unlock()
			return
		}
		if at.After(rec.events[ci].at) {
			rec.events[ci].at = at
			for j := ci + 1; j < len(rec.events); j++ {
				if floor := rec.events[j-1].at.Add(FollowUpDelay); rec.events[j].at.Before(floor) {
					rec.events[j].at = floor
				}
			}
			fs.mu.Lock()
			fs.stats.LateConfirmed++
			fs.mu.Unlock()
		}
	}
	if c.Cancel > 0 && hashUnit(fs.f.Seed, "cpo-cancel", id) < c.Cancel {
		span := c.CancelAfterMax - c.CancelAfterMin
		delay := c.CancelAfterMin + time.Duration(hashUnit(fs.f.Seed, "cpo-cancel-after", id)*float64(span))
		at := rec.events[ci].at.Add(delay).Round(time.Millisecond)
		if ci+1 < len(rec.events) && rec.events[ci+1].at.Before(at) {
			at = rec.events[ci+1].at
		}
		reasons := cpoCancelReasons
		if s.opts.Hostile {
			reasons = hostileCancelReasons
		}
		reason := reasons[int(hashUnit(fs.f.Seed, "cpo-cancel-reason", id)*float64(len(reasons)))]
		rec.events = append(rec.events[:ci+1:ci+1], event{at: at, status: model.Cancelled, reason: reason, price: price(0)})
		fs.mu.Lock()
		fs.stats.CPOCancelled++
		fs.mu.Unlock()
	}
}

// ParseFaults reads a fault spec, as `chargedesk serve --faults` takes it:
// comma-separated items, each a preset name or key=value. Later items win.
//
//	presets:      none, flaky, slow, cpo, chaos (flaky + slow + cpo)
//	seed=N        Faults.Seed
//	only=P;P…     Faults.Only, e.g. only=POST /bookings;GET /bookings/**
//	latency=D     fixed; D+J fixed plus uniform 0..J (20ms+30ms); M/P
//	              log-normal median M, p99 P (80ms/1s); all: D+J+M/P
//	latency-max=D cap
//	latency-after=true  spend the latency after processing (slow answers)
//	429=S 5xx=S drop-before=S drop-after=S 5xx-after=S malformed=S truncated=S
//	              shares: 0.05 or 5%
//	retry-after=D Retry-After of injected 429s
//	burst=L/E     429 for L of every E (5s/1m)
//	late-confirm=S[@D]      CPO confirms D after create (default 28s)
//	cpo-cancel=S[@D[..D2]]  CPO cancels D (or U(D, D2)) after confirming
//
// Durations are Go durations (250ms, 2s, 1m30s). The result is validated.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !hasVal {
			if err := applyPreset(&f, key); err != nil {
				return Faults{}, err
			}
			continue
		}
		if err := setFault(&f, key, val); err != nil {
			return Faults{}, fmt.Errorf("faults: %s: %w", item, err)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

// FaultPresets are the names ParseFaults accepts alone.
var FaultPresets = []string{"none", "flaky", "slow", "cpo", "chaos"}

func applyPreset(f *Faults, name string) error {
	switch name {
	case "none":
		*f = Faults{}
	case "flaky":
		f.Latency.Fixed, f.Latency.Jitter = 20*time.Millisecond, 80*time.Millisecond
		f.RateLimited, f.ServerError, f.DropBefore, f.DropAfter = 0.03, 0.03, 0.02, 0.02
		f.ServerErrorAfter, f.Malformed, f.Truncated = 0.02, 0.02, 0.02
	case "slow":
		f.Latency.Median, f.Latency.P99, f.Latency.Max = 300*time.Millisecond, 3*time.Second, 10*time.Second
	case "cpo":
		f.CPO.LateConfirm, f.CPO.Cancel = 0.2, 0.1
	case "chaos":
		for _, p := range []string{"flaky", "slow", "cpo"} {
			_ = applyPreset(f, p)
		}
		f.Burst = Burst{Length: 5 * time.Second, Every: 2 * time.Minute}
	default:
		return fmt.Errorf("faults: unknown item %q (a preset: %s; or key=value)", name, strings.Join(FaultPresets, ", "))
	}
	return nil
}

func parseShare(v string) (float64, error) {
	pct := strings.HasSuffix(v, "%")
	x, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	if pct {
		x /= 100
	}
	if !(x >= 0 && x <= 1) {
		return 0, errors.New("a share is between 0 and 1 (or 0% and 100%)")
	}
	return x, nil
}

func parseDur(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 250ms or 2s", v)
	}
	if d < 0 {
		return 0, errors.New("negative duration")
	}
	return d, nil
}

func setFault(f *Faults, key, val string) error {
	var err error
	share := func(p *float64) { *p, err = parseShare(val) }
	switch key {
	case "seed":
		f.Seed, err = strconv.ParseInt(val, 10, 64)
	case "only":
		f.Only = nil
		for _, p := range strings.Split(val, ";") {
			if p = strings.TrimSpace(p); p != "" {
				if _, perr := parseRoutePattern(p); perr != nil {
					return perr
				}
				f.Only = append(f.Only, p)
			}
		}
	case "latency":
		f.Latency.Fixed, f.Latency.Jitter, f.Latency.Median, f.Latency.P99 = 0, 0, 0, 0
		parts := strings.Split(val, "+")
		if last := parts[len(parts)-1]; strings.Contains(last, "/") {
			m, p, _ := strings.Cut(last, "/")
			if f.Latency.Median, err = parseDur(m); err != nil {
				return err
			}
			if f.Latency.P99, err = parseDur(p); err != nil {
				return err
			}
			parts = parts[:len(parts)-1]
		}
		if len(parts) > 2 {
			return errors.New("latency is FIXED[+JITTER][+MEDIAN/P99], e.g. 20ms+30ms or 80ms/1s")
		}
		for i, p := range parts {
			d, perr := parseDur(p)
			if perr != nil {
				return perr
			}
			if i == 0 {
				f.Latency.Fixed = d
			} else {
				f.Latency.Jitter = d
			}
		}
	case "latency-max":
		f.Latency.Max, err = parseDur(val)
	case "latency-after":
		f.Latency.After, err = strconv.ParseBool(val)
	case "429", "rate-limited":
		share(&f.RateLimited)
	case "5xx", "server-error":
		share(&f.ServerError)
	case "drop-before":
		share(&f.DropBefore)
	case "drop-after":
		share(&f.DropAfter)
	case "5xx-after", "server-error-after":
		share(&f.ServerErrorAfter)
	case "malformed":
		share(&f.Malformed)
	case "truncated":
		share(&f.Truncated)
	case "retry-after":
		f.RetryAfter, err = parseDur(val)
	case "burst":
		l, e, ok := strings.Cut(val, "/")
		if !ok {
			return errors.New("burst is LENGTH/EVERY, e.g. 5s/1m")
		}
		if f.Burst.Length, err = parseDur(l); err == nil {
			f.Burst.Every, err = parseDur(e)
		}
	case "late-confirm":
		s, d, hasD := strings.Cut(val, "@")
		if f.CPO.LateConfirm, err = parseShare(s); err == nil && hasD {
			f.CPO.LateConfirmAfter, err = parseDur(d)
		}
	case "cpo-cancel":
		s, d, hasD := strings.Cut(val, "@")
		if f.CPO.Cancel, err = parseShare(s); err == nil && hasD {
			lo, hi, isRange := strings.Cut(d, "..")
			if f.CPO.CancelAfterMin, err = parseDur(lo); err == nil {
				f.CPO.CancelAfterMax = f.CPO.CancelAfterMin
				if isRange {
					f.CPO.CancelAfterMax, err = parseDur(hi)
				}
			}
		}
	default:
		return fmt.Errorf("unknown key %q", key)
	}
	return err
}

// String is f as a spec ParseFaults reads back to the same Faults ("none"
// when it injects nothing).
func (f Faults) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	sh := func(k string, v float64) {
		if v != 0 {
			add(k, strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	if f.Seed != 0 {
		add("seed", strconv.FormatInt(f.Seed, 10))
	}
	if len(f.Only) > 0 {
		add("only", strings.Join(f.Only, ";"))
	}
	l := f.Latency
	var lat []string
	if l.Fixed > 0 || l.Jitter > 0 {
		lat = append(lat, l.Fixed.String())
	}
	if l.Jitter > 0 {
		lat = append(lat, l.Jitter.String())
	}
	if l.Median > 0 || l.P99 > 0 {
		lat = append(lat, l.Median.String()+"/"+l.P99.String())
	}
	if len(lat) > 0 {
		add("latency", strings.Join(lat, "+"))
	}
	if l.Max > 0 {
		add("latency-max", l.Max.String())
	}
	if l.After {
		add("latency-after", "true")
	}
	sh("429", f.RateLimited)
	sh("5xx", f.ServerError)
	sh("drop-before", f.DropBefore)
	sh("drop-after", f.DropAfter)
	sh("5xx-after", f.ServerErrorAfter)
	sh("malformed", f.Malformed)
	sh("truncated", f.Truncated)
	if f.RetryAfter > 0 {
		add("retry-after", f.RetryAfter.String())
	}
	if f.Burst.Length > 0 || f.Burst.Every > 0 {
		add("burst", f.Burst.Length.String()+"/"+f.Burst.Every.String())
	}
	if c := f.CPO; c.LateConfirm > 0 || c.LateConfirmAfter > 0 {
		v := strconv.FormatFloat(c.LateConfirm, 'g', -1, 64)
		if c.LateConfirmAfter > 0 {
			v += "@" + c.LateConfirmAfter.String()
		}
		add("late-confirm", v)
	}
	if c := f.CPO; c.Cancel > 0 || c.CancelAfterMin > 0 || c.CancelAfterMax > 0 {
		v := strconv.FormatFloat(c.Cancel, 'g', -1, 64)
		if c.CancelAfterMin > 0 || c.CancelAfterMax > 0 {
			v += "@" + c.CancelAfterMin.String()
			if c.CancelAfterMax != c.CancelAfterMin {
				v += ".." + c.CancelAfterMax.String()
			}
		}
		add("cpo-cancel", v)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}
