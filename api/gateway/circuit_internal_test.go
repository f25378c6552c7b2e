package gateway

import (
	"net/http"
	"testing"
	"time"
)

// The circuit's holds grow with each failure in a row, jittered within
// ±20 % and bounded; a 429's Retry-After holds at least that long (up to
// its cap); while the hold lasts nothing goes, then one request tries (the
// others wait for it, or go when it was not sent after all), and an answer
// that is not a failure closes it.
func TestTheCircuitsHolds(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, jitter := range []float64{0, 0.5, 0.999} {
		c := newCircuit()
		c.jitter = func() float64 { return jitter }
		at := now
		var holds []time.Duration
		for i := range 8 {
			probe, err := c.allow(at)
			if err != nil || (probe != 0) != (i > 0) {
				t.Fatalf("jitter %v: after hold %d: probe %v, %v", jitter, i, probe, err)
			}
			if _, err := c.allow(at); probe != 0 && err == nil {
				t.Fatalf("jitter %v: a second request went while the first tried the API (probe %v)", jitter, probe)
			}
			c.record(at, http.StatusServiceUnavailable, "", false)
			hold := c.open(at)
			holds = append(holds, hold)
			if _, err := c.allow(at.Add(hold - time.Millisecond)); err == nil {
				t.Fatalf("jitter %v: a request went during the hold", jitter)
			}
			at = at.Add(hold)
		}
		for i, h := range holds {
			base := min(circuitBase<<i, circuitCap)
			if lo, hi := time.Duration(float64(base)*0.8), time.Duration(float64(base)*1.2); h < lo || h > hi {
				t.Errorf("jitter %v: hold %d is %v, want within %v–%v", jitter, i+1, h, lo, hi)
			}
		}
		c.record(at, http.StatusOK, "", false)
		if c.open(at) != 0 {
			t.Errorf("jitter %v: an answer did not close the circuit", jitter)
		}
		if probe, err := c.allow(at); err != nil || probe != 0 {
			t.Errorf("jitter %v: a closed circuit: probe %v, %v", jitter, probe, err)
		}
	}
	c := newCircuit()
	c.record(now, http.StatusTooManyRequests, "30", false)
	if hold := c.open(now); hold != 30*time.Second {
		t.Errorf("a 429 with Retry-After 30 holds %v", hold)
	}
	c.record(now, http.StatusTooManyRequests, "86400", false)
	if hold := c.open(now); hold != retryAfterCap {
		t.Errorf("a 429 asking for a day holds %v, want the cap %v", hold, retryAfterCap)
	}
	// A probe not sent after all lets the next request try.
	c = newCircuit()
	c.record(now, 0, "", true)
	later := now.Add(circuitCap)
	probe, err := c.allow(later)
	if err != nil || probe == 0 {
		t.Fatalf("after the hold: probe %v, %v", probe, err)
	}
	c.abandon(probe)
	second, err := c.allow(later)
	if err != nil || second == 0 {
		t.Errorf("after an abandoned probe: probe %v, %v", second, err)
	}
	c.abandon(probe) // late: the second probe is still under way
	if _, err := c.allow(later); err == nil {
		t.Error("an old probe given back let a request go beside the one trying")
	}
	// A probe that never comes back is given up after probeTimeout.
	if third, err := c.allow(later.Add(probeTimeout)); err != nil || third == 0 {
		t.Errorf("a probe lost for %v still holds every request: %v", probeTimeout, err)
	}
	// A caller that went away says nothing of the API.
	c.record(later, 0, "", false)
	if c.failures != 1 {
		t.Errorf("a request whose caller went away counted as a failure: %d", c.failures)
	}
}
