package sim

import (
	"fmt"
	"time"
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
	// until then. When LateConfirmAfter ≥ Options.ConfirmTimeout the API
	// gives up first: EXPIRED at the timeout, and the CPO's late answer is
	// dropped.
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
	DefaultLateConfirmAfter  = 28 * time.Second // past an agent's patience, before the default ConfirmTimeout
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

// shareKeys are the spec keys of the shares (ParseFaults), in their order.
var shareKeys = []string{"429", "5xx", "drop-before", "drop-after", "5xx-after", "malformed", "truncated"}

// shareKinds names the request faults, in the order of shares.
var shareKinds = []string{FaultRateLimited, FaultServerError, FaultDropBefore, FaultDropAfter,
	FaultServerErrorAfter, FaultMalformed, FaultTruncated}

// requestFault is the request fault a draw u in [0, 1) picks, "" for none:
// the shares laid end to end from 0, in their order.
func (f Faults) requestFault(u float64) string {
	acc := 0.0
	for i, share := range f.shares() {
		acc += share
		if u < acc {
			return shareKinds[i]
		}
	}
	return ""
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
	for i, v := range f.shares() {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("faults: %s share %v is not between 0 and 1", shareKeys[i], v)
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
