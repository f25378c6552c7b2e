package sim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
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

// serveHTTP is ServeHTTP with faults. A request that matches Only meets its
// latency, then at most one fault: a burst 429, a fault answered instead of
// processing it, or a fault on the answer after processing it.
func (fs *faultState) serveHTTP(s *Server, w http.ResponseWriter, r *http.Request) {
	if !fs.f.requestFaults() || !fs.matches(r) {
		writeBuffered(w, s.handle(r))
		return
	}
	q := fs.newFaultedRequest(r)
	if !fs.f.Latency.After && !q.wait() {
		return // the client left during the latency: not processed
	}
	if fs.f.Burst.Length > 0 {
		if now := s.now(); fs.f.Burst.left(now) > 0 {
			q.answerBurst(s, w, now)
			return
		}
	}
	if unprocessed(q.kind) {
		q.answerUnprocessed(s, w)
		return
	}
	q.answerProcessed(s, w)
}

// faultedRequest is one request that matched Only, with what it drew.
type faultedRequest struct {
	fs      *faultState
	r       *http.Request // with its body buffered
	kind    string        // the request fault drawn, "" for none
	delay   time.Duration // the latency drawn
	variant uint64        // picks among a fault's forms: status, mangling, cut, RST or FIN
}

// newFaultedRequest buffers r's body (part of what decides the request's
// fate), makes the request's draws and counts it.
func (fs *faultState) newFaultedRequest(r *http.Request) *faultedRequest {
	r, body := bufferBody(r)
	rng := fs.requestRNG(r, body)
	u := rng.Float64()
	q := &faultedRequest{fs: fs, r: r, kind: fs.f.requestFault(u)}
	q.delay = fs.f.Latency.draw(rng)
	q.variant = rng.Uint64()

	fs.mu.Lock()
	fs.stats.Requests++
	if q.delay > 0 {
		fs.stats.Delayed++
		fs.stats.Latency += q.delay
	}
	fs.mu.Unlock()
	return q
}

// wait spends the request's latency; false when the client left meanwhile
// (counted as abandoned).
func (q *faultedRequest) wait() bool {
	if q.delay <= 0 {
		return true
	}
	t := time.NewTimer(q.delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-q.r.Context().Done():
		q.fs.mu.Lock()
		q.fs.stats.Abandoned++
		q.fs.mu.Unlock()
		return false
	}
}

// waitToAnswer spends the latency when Latency.After puts it just before the
// answer; false when the client left meanwhile.
func (q *faultedRequest) waitToAnswer() bool {
	return !q.fs.f.Latency.After || q.wait()
}

// left is what is left of the burst window at now; 0 outside the windows.
func (b Burst) left(now time.Time) time.Duration {
	off := time.Duration(now.UnixNano() % int64(b.Every))
	if off < 0 {
		off += b.Every
	}
	return max(b.Length-off, 0)
}

// answerBurst answers 429 until the end of the burst window, unprocessed.
func (q *faultedRequest) answerBurst(s *Server, w http.ResponseWriter, now time.Time) {
	if !q.waitToAnswer() {
		return
	}
	q.fs.count(FaultBurst)
	s.writeInjected429(w, now, q.fs.f.Burst.left(now), FaultBurst)
}

// unprocessed tells whether a request fault answers instead of processing.
func unprocessed(kind string) bool {
	return kind == FaultRateLimited || kind == FaultServerError || kind == FaultDropBefore
}

// answerUnprocessed answers an injected 429, 5xx or drop: the request has no effect.
func (q *faultedRequest) answerUnprocessed(s *Server, w http.ResponseWriter) {
	if !q.waitToAnswer() {
		return
	}
	q.fs.count(q.kind)
	switch q.kind {
	case FaultRateLimited:
		s.writeInjected429(w, s.now(), q.fs.f.RetryAfter, q.kind)
	case FaultServerError:
		writeInjected5xx(w, q.variant, q.kind)
	case FaultDropBefore:
		dropConn(w, q.variant&1 == 1)
	}
}

// answerProcessed processes the request, then sends its answer as the fault
// drawn says: dropped, replaced by a 5xx, malformed, truncated, or as it is.
func (q *faultedRequest) answerProcessed(s *Server, w http.ResponseWriter) {
	buf := s.handle(q.r)
	if !q.waitToAnswer() {
		return // processed; the client left before its answer
	}
	switch q.kind {
	case FaultDropAfter:
		q.fs.count(q.kind)
		dropConn(w, q.variant&1 == 1)
	case FaultServerErrorAfter:
		q.fs.count(q.kind)
		writeInjected5xx(w, q.variant, q.kind)
	case FaultMalformed:
		q.writeMalformed(w, buf)
	case FaultTruncated:
		q.writeTruncated(w, buf)
	default:
		writeBuffered(w, buf)
	}
}

// writeMalformed sends a 2xx answer with a body that is not valid JSON.
// Other answers pass unchanged and uncounted.
func (q *faultedRequest) writeMalformed(w http.ResponseWriter, buf *bufferedResponse) {
	if buf.status/100 == 2 {
		q.fs.count(q.kind)
		buf.header.Set(FaultHeader, q.kind)
		mangled := malformJSON(buf.body.Bytes(), q.variant)
		buf.body.Reset()
		buf.body.Write(mangled)
	}
	writeBuffered(w, buf)
}

// writeTruncated cuts a 2xx answer's JSON at a drawn byte, never after the
// whole document: either a complete answer whose JSON simply ends early (a
// decode error) or the whole body announced and broken off (a read error).
// Other answers pass unchanged and uncounted.
func (q *faultedRequest) writeTruncated(w http.ResponseWriter, buf *bufferedResponse) {
	if buf.status/100 != 2 {
		writeBuffered(w, buf)
		return
	}
	q.fs.count(q.kind)
	buf.header.Set(FaultHeader, q.kind)
	full := bytes.TrimRight(buf.body.Bytes(), " \r\n\t")
	cut := 1
	if len(full) > 2 {
		cut = 1 + int((q.variant>>8)%uint64(len(full)-1)) // 1 … len-1
	}
	if q.variant&1 == 1 {
		writeBrokenOff(w, buf, full, cut)
		return
	}
	short := bytes.Clone(full[:cut])
	buf.body.Reset()
	buf.body.Write(short)
	writeBuffered(w, buf)
}

// writeBrokenOff announces the whole body (Content-Length), sends its first
// cut bytes and hangs up.
func writeBrokenOff(w http.ResponseWriter, buf *bufferedResponse, full []byte, cut int) {
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
