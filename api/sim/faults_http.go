package sim

import (
	"bytes"
	"encoding/binary"
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
)

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
