package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// RateWindow is the length of the sliding rate-limit window.
const RateWindow = time.Minute

// keyUsage is one key's request history: the admitted requests of the last
// RateWindow, and the count of the current calendar month.
type keyUsage struct {
	window []time.Time // admitted requests, oldest first
	month  time.Time   // first instant of the counted month (UTC)
	used   int
}

func (s *Server) usageOf(key string) *keyUsage {
	u := s.usage[key]
	if u == nil {
		u = &keyUsage{}
		s.usage[key] = u
	}
	return u
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// ceilSecond rounds t up to a whole second, so a client that waits until a
// Reset it was told is never early.
func ceilSecond(t time.Time) time.Time {
	if tr := t.Truncate(time.Second); !tr.Equal(t) {
		return tr.Add(time.Second)
	}
	return t
}

// ceilSeconds is d in whole seconds, rounded up, at least 1.
func ceilSeconds(d time.Duration) int {
	n := int((d + time.Second - 1) / time.Second)
	return max(n, 1)
}

// prune drops what left the window and starts a new month when due.
func (u *keyUsage) prune(now time.Time) {
	cut := now.Add(-RateWindow)
	i := 0
	for i < len(u.window) && !u.window[i].After(cut) {
		i++
	}
	u.window = u.window[i:]
	if m := monthStart(now); !m.Equal(u.month) {
		u.month, u.used = m, 0
	}
}

// reset is when the oldest counted request leaves the window (now + window when none).
func (u *keyUsage) reset(now time.Time) time.Time {
	if len(u.window) == 0 {
		return ceilSecond(now.Add(RateWindow))
	}
	return ceilSecond(u.window[0].Add(RateWindow))
}

func (u *keyUsage) remaining(limit int) int { return max(limit-len(u.window), 0) }

func (u *keyUsage) headers(w http.ResponseWriter, now time.Time, limit int) {
	u.prune(now)
	setRateHeaders(w, limit, u.remaining(limit), u.reset(now))
}

func setRateHeaders(w http.ResponseWriter, limit, remaining int, reset time.Time) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", reset.UTC().Format(time.RFC3339))
}

// freshHeaders are the headers of an unauthenticated answer: a full, unused window.
func (s *Server) freshHeaders(w http.ResponseWriter, now time.Time) {
	setRateHeaders(w, s.opts.RateLimit, s.opts.RateLimit, ceilSecond(now.Add(RateWindow)))
}

// admit counts the request, or answers 429 (which is not counted).
func (s *Server) admit(w http.ResponseWriter, u *keyUsage, now time.Time) bool {
	u.prune(now)
	limit := s.opts.RateLimit
	if u.used >= s.opts.MonthlyQuota {
		next := monthStart(now).AddDate(0, 1, 0)
		n := ceilSeconds(next.Sub(now))
		setRateHeaders(w, limit, u.remaining(limit), u.reset(now))
		w.Header().Set("Retry-After", strconv.Itoa(n))
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf(
			"Monthly quota exceeded: all %d requests of this month are used up; it resets at %s. Retry after %d seconds.",
			s.opts.MonthlyQuota, next.Format(time.RFC3339), n))
		return false
	}
	if len(u.window) >= limit {
		n := ceilSeconds(u.window[0].Add(RateWindow).Sub(now))
		setRateHeaders(w, limit, 0, u.reset(now))
		w.Header().Set("Retry-After", strconv.Itoa(n))
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Rate limit exceeded. Retry after %d seconds.", n))
		return false
	}
	u.window = append(u.window, now)
	u.used++
	return true
}

// usageBody answers GET /usage (this request already counted).
func (s *Server) usageBody(w http.ResponseWriter, u *keyUsage, now time.Time) {
	reset := u.reset(now)
	next := monthStart(now).AddDate(0, 1, 0)
	writeJSON(w, http.StatusOK, model.Usage{
		RateLimit: model.RateLimit{
			Limit: s.opts.RateLimit, Remaining: u.remaining(s.opts.RateLimit),
			Period: "minute", ResetAt: &reset,
		},
		Quota: &model.Quota{
			Limit: s.opts.MonthlyQuota, Used: u.used, Remaining: max(s.opts.MonthlyQuota-u.used, 0),
			Period: "month", ResetAt: &next,
		},
	})
}
