package api

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy is the one way chargedesk retries anything: the client's
// reads, the screens' searches and lists, the watchlist's polls, the CLI's
// --wait. Exponential backoff with jitter, the server's Retry-After
// honoured, bounded in count; after the last, a person retries by hand.
type RetryPolicy struct {
	Base time.Duration // the first wait
	Cap  time.Duration // no wait of the backoff is longer
	Max  int           // retries at most; then it stops
}

// DefaultRetry is the policy of the screens and --wait: 2 s, 4 s, 8 s …
// up to 2 min, six retries (a five-minute outage costs seven requests).
var DefaultRetry = RetryPolicy{Base: 2 * time.Second, Cap: 2 * time.Minute, Max: 6}

// Wait is how long to wait before retry n (1 for the first) after err, and
// false when err is not worth retrying or the retries are used up. A 429's
// Retry-After is the wait, whatever the backoff says.
func (p RetryPolicy) Wait(n int, err error) (time.Duration, bool) {
	e, ok := AsError(err)
	if !ok || n < 1 || n > p.Max {
		return 0, false
	}
	retryable := e.Retryable() || (e.Kind == KindDecode && !e.TooLarge)
	if !retryable {
		return 0, false
	}
	if e.Kind == KindRateLimited && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return p.backoff(n), true
}

// Backoff is the wait before retry n (1 for the first) when there is no
// error to read: Base·2^(n-1), capped, with ±20 % jitter so many clients do
// not retry in step. It knows no Max: a caller that retries for ever in the
// background (a subscription) counts for itself.
func (p RetryPolicy) Backoff(n int) time.Duration { return p.backoff(n) }

func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Cap; i++ {
		d *= 2
	}
	d = min(d, p.Cap)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
