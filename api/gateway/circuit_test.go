package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// While the API refuses (a 429 without rate headers, one with Retry-After)
// or fails (503), the gateway does not ask it again for every agent: 60
// searches of six agents over 6 s cost one upstream request (with
// Retry-After: 30) or a few (jittered, growing holds), each agent gets the
// cached answer of its search or a 503 that says when to try again; once
// the API is back, one request finds it and the rest follow. (Each of the
// 60 searches used to go upstream.)
func TestAFailingAPIIsNotAskedByEveryAgent(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		header map[string]string
		most   int // upstream searches while it fails
	}{
		{"429 without headers", http.StatusTooManyRequests, nil, 4},
		{"429 with Retry-After 30", http.StatusTooManyRequests, map[string]string{"Retry-After": "30"}, 1},
		{"503", http.StatusServiceUnavailable, nil, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, sw := newSwitchRig(t, sim.Options{}, 0)
			var toks []string
			for i := range 6 {
				tok, _ := r.store.AddAgent(context.Background(), fmt.Sprintf("agent%d", i), t0)
				toks = append(toks, tok)
			}
			known := gateway.ClientPath + "/search?lat=48.1351&lng=11.5820&radius=10"
			if st, _, b := raw(t, http.MethodGet, r.srv.URL+known, toks[0], nil); st != http.StatusOK {
				t.Fatalf("the first search: %d %s", st, b)
			}
			sw.set(func(q *http.Request) *http.Response {
				if strings.HasSuffix(q.URL.Path, "/search") {
					return synth(q, c.status, c.header, `{"error":"not now"}`)
				}
				return nil
			})
			r.clock.Advance(gateway.DefaultSearchTTL) // the cached answer is old now
			before := r.up.count("GET /search")
			cachedAnswers, refusals := 0, 0
			for i := range 60 {
				path := fmt.Sprintf("%s/search?lat=%.4f&lng=11.5820&radius=10", gateway.ClientPath, 49.0+float64(i)*0.01)
				if i%10 == 0 {
					path = known
				}
				st, hdr, b := raw(t, http.MethodGet, r.srv.URL+path, toks[i%6], nil)
				switch {
				case st == http.StatusOK && path == known:
					var sr model.SearchResponse
					if json.Unmarshal([]byte(b), &sr) != nil || sr.CachedAt == nil || !sr.CachedAt.Equal(t0) {
						t.Errorf("the known search's answer during the outage is not the cached one: %.120s", b)
					}
					cachedAnswers++
				case st == http.StatusServiceUnavailable:
					if secs, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || secs < 1 || secs > 300 {
						t.Errorf("a 503 with Retry-After %q", hdr.Get("Retry-After"))
					}
					refusals++
				case st == c.status:
					// the request that found the API failing
				default:
					t.Errorf("search %d during the outage: %d %.120s", i, st, b)
				}
				r.clock.Advance(100 * time.Millisecond)
			}
			sent := r.up.count("GET /search") - before
			t.Logf("60 searches over 6 s: %d went upstream; %d answered from the cache, %d refused with 503 and Retry-After", sent, cachedAnswers, refusals)
			if sent < 1 || sent > c.most {
				t.Errorf("%d upstream searches while the API fails, want 1 to %d", sent, c.most)
			}
			if cachedAnswers != 6 {
				t.Errorf("%d of the 6 known searches answered from the cache", cachedAnswers)
			}
			sw.set(nil)
			r.clock.Advance(5 * time.Minute)
			for i := range 3 {
				q := fmt.Sprintf("%s/search?lat=%.4f&lng=11.5820&radius=10", gateway.ClientPath, 47.0+float64(i)*0.01)
				if st, _, b := raw(t, http.MethodGet, r.srv.URL+q, toks[i], nil); st != http.StatusOK {
					t.Errorf("search %d once the API is back: %d %.120s", i, st, b)
				}
			}
		})
	}
}
