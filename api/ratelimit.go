package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// RateLimit is what the X-RateLimit-* headers of one response said.
type RateLimit struct {
	Known     bool
	Limit     int
	Remaining int
	Reset     time.Time // when the window frees up (ISO 8601 in the header)
	Seen      time.Time // when the response arrived
}

// Headroom converts to the model's input of the poll policy.
func (r RateLimit) Headroom() model.Headroom {
	return model.Headroom{Known: r.Known, Limit: r.Limit, Remaining: r.Remaining, Reset: r.Reset}
}

// parseRateLimit reads the headers; a response without them returns Known=false.
func parseRateLimit(h http.Header, now time.Time) RateLimit {
	lim, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	rem, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err1 != nil || err2 != nil {
		return RateLimit{}
	}
	return RateLimit{Known: true, Limit: lim, Remaining: rem, Reset: parseReset(h.Get("X-RateLimit-Reset"), now), Seen: now}
}

// parseReset reads an ISO 8601 timestamp (the documented form), tolerating an
// epoch-seconds value some gateways send.
func parseReset(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > 1e9 {
			return time.Unix(n, 0).UTC()
		}
		return now.Add(time.Duration(n) * time.Second) // seconds from now
	}
	return time.Time{}
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(min(n, 1e9) * float64(time.Second)) // capped: no overflow into a negative wait
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
