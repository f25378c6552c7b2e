package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var now0 = time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"45", 45 * time.Second},
		{" 45 ", 45 * time.Second},
		{"0", 0},
		{"1.5", 1500 * time.Millisecond},
		{"2678400", 31 * 24 * time.Hour}, // a monthly quota: up to a month
		{now0.Add(2 * time.Minute).Format(http.TimeFormat), 2 * time.Minute},
		{"Tue, 10 Feb 2026 09:00:30 GMT", 30 * time.Second},
		{"Tuesday, 10-Feb-26 09:00:30 GMT", 30 * time.Second}, // RFC 850, accepted by http.ParseTime
		{"Tue Feb 10 09:00:30 2026", 30 * time.Second},        // ANSI C
		{now0.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"", 0},
		{"-5", 0},
		{"soon", 0},
		{"NaN", 0},
	}
	for _, tc := range cases {
		if got := parseRetryAfter(tc.in, now0); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// A Retry-After too large for a time.Duration must not come out negative
// (a negative wait would be read as "no wait asked for" and the countdown
// shown to the person would be nonsense).
func TestParseRetryAfterNeverNegative(t *testing.T) {
	for _, in := range []string{"Inf", "+Inf", "1e300", "99999999999"} {
		if got := parseRetryAfter(in, now0); got < 0 {
			t.Errorf("parseRetryAfter(%q) = %v, negative", in, got)
		}
	}
}

func TestParseReset(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2026-02-10T09:01:00Z", now0.Add(time.Minute)},
		{"2026-02-10T09:01:00.250Z", now0.Add(time.Minute + 250*time.Millisecond)},
		{"2026-02-10T10:01:00+01:00", now0.Add(time.Minute)},
		{"2026-02-10T10:01:00+0100", now0.Add(time.Minute)},
		{"2026-02-10T09:01:00", now0.Add(time.Minute)},
		{"1770714060", now0.Add(time.Minute)}, // epoch seconds
		{"60", now0.Add(time.Minute)},         // seconds from now
		{"", time.Time{}},
		{"tomorrow", time.Time{}},
	}
	for _, tc := range cases {
		if got := parseReset(tc.in, now0); !got.Equal(tc.want) {
			t.Errorf("parseReset(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	h := http.Header{}
	if rl := parseRateLimit(h, now0); rl.Known {
		t.Errorf("no headers: %+v", rl)
	}
	h.Set("X-RateLimit-Limit", "100")
	if rl := parseRateLimit(h, now0); rl.Known {
		t.Errorf("only the limit: %+v", rl)
	}
	h.Set("X-RateLimit-Remaining", " 3 ")
	rl := parseRateLimit(h, now0)
	if !rl.Known || rl.Limit != 100 || rl.Remaining != 3 || !rl.Reset.IsZero() || !rl.Seen.Equal(now0) {
		t.Errorf("limit and remaining: %+v", rl)
	}
}

func TestErrorText(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"error":"Invalid API key"}`, "Invalid API key"},
		{`{"error":"x","detail":"ignored"}`, "x"},
		{`{"message":"not our shape"}`, `{"message":"not our shape"}`},
		{"  plain text\n", "plain text"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := errorText([]byte(tc.in)); got != tc.want {
			t.Errorf("errorText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := errorText([]byte(strings.Repeat("a", 500)))
	if long != strings.Repeat("a", 200)+"…" {
		t.Errorf("long body shortened to %q", long)
	}
}

// Shortening a long non-JSON body must not cut a character in half.
func TestErrorTextKeepsUTF8Valid(t *testing.T) {
	body := strings.Repeat("a", 199) + strings.Repeat("ü", 50)
	if got := errorText([]byte(body)); !utf8.ValidString(got) {
		t.Errorf("errorText cut a rune: %q", got[190:])
	}
}

func TestClip(t *testing.T) {
	small := []byte("abc")
	c := clip(small)
	small[0] = 'x'
	if string(c) != "abc" {
		t.Errorf("clip shares memory with its input")
	}
	big := make([]byte, maxLoggedBody+10)
	if n := len(clip(big)); n != maxLoggedBody {
		t.Errorf("clip kept %d bytes, want %d", n, maxLoggedBody)
	}
	if clip(nil) != nil {
		t.Errorf("clip(nil) not nil")
	}
}
