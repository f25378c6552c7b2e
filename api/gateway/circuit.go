package gateway

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The circuit's timings: a failure holds every request for circuitBase,
// each failure in a row doubles it up to circuitCap, with ±20 % jitter so
// that gateways of several accounts behind one proxy do not come back in
// step. A 429 that says how long (Retry-After) holds at least that long, up
// to retryAfterCap: past it one request asks again.
const (
	circuitBase   = time.Second
	circuitCap    = 30 * time.Second
	retryAfterCap = 5 * time.Minute
	// probeWait is what a request is told while the one request that
	// tries the API again is under way; past probeTimeout (an upstream
	// request's own timeout) without its answer, another may try.
	probeWait    = time.Second
	probeTimeout = 30 * time.Second
)

// circuit holds requests to the API while it is failing: after a 429 (with
// or without rate headers) or a 5xx, or no answer at all, nothing is sent
// until the hold ends; then one request tries (the others wait for it),
// and its answer closes the circuit or holds again, longer. Agents get an
// answer from the cache meanwhile, or a 503 with Retry-After.
type circuit struct {
	mu        sync.Mutex
	openUntil time.Time
	failures  int // in a row
	// probe numbers the one request trying the API again (0: none under
	// way), given at probeAt.
	probe, probes uint64
	probeAt       time.Time
	jitter        func() float64
}

func newCircuit() *circuit { return &circuit{jitter: rand.Float64} }

// allow tells whether a request may go upstream now: errCircuit when not.
// A probe (not 0) is the request that tries the API again: its answer, or
// abandon when it is not sent after all, lets the others go.
func (c *circuit) allow(now time.Time) (probe uint64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case now.Before(c.openUntil):
		return 0, errCircuit{c.openUntil.Sub(now)}
	case c.failures == 0:
		return 0, nil
	case c.probe != 0 && now.Sub(c.probeAt) < probeTimeout:
		return 0, errCircuit{probeWait}
	}
	c.probes++
	c.probe, c.probeAt = c.probes, now
	return c.probe, nil
}

// abandon gives a probe back when its request was not sent (or may not
// have been): the next request tries.
func (c *circuit) abandon(probe uint64) {
	if probe == 0 {
		return
	}
	c.mu.Lock()
	if c.probe == probe {
		c.probe = 0
	}
	c.mu.Unlock()
}

// record takes in an answer of the API (status, Retry-After), or a request
// that got none (failed; neither: the caller went away, which says nothing
// of the API).
func (c *circuit) record(now time.Time, status int, retryAfter string, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.probe = 0
	if status == 0 && !failed {
		return
	}
	if !failed && status != http.StatusTooManyRequests && status < 500 {
		c.failures, c.openUntil = 0, time.Time{}
		return
	}
	c.failures++
	hold := circuitBase << min(c.failures-1, 10)
	hold = min(hold, circuitCap)
	hold = time.Duration(float64(hold) * (0.8 + 0.4*c.jitter()))
	if d := parseRetryAfter(retryAfter, now); d > 0 {
		hold = max(hold, min(d, retryAfterCap))
	}
	c.openUntil = now.Add(hold)
}

// open is how long the circuit still holds requests (0: not).
func (c *circuit) open(now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Before(c.openUntil) {
		return c.openUntil.Sub(now)
	}
	return 0
}

// parseRetryAfter reads Retry-After: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(0, secs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
