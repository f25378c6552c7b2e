package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// hundred is a search of 100 results (50 km around Marienplatz, the most
// the API gives at once).
const hundred = "/search?lat=48.1374&lng=11.5755&radius=50&limit=100"

// benchRig is the simulator on the wall clock, a gateway in front of it
// (a cache time longer than any run), both over loopback, and an agent.
func benchRig(b *testing.B) (up *simtest.Server, gw, token string) {
	up = simtest.Start(b, sim.Options{Seed: 1, Clock: model.SystemClock{}}, simtest.Unlimited())
	_, _, gw, token = plainGateway(b, up, gateway.Config{Clock: model.SystemClock{}, Limit: 1 << 30, Quota: 1 << 30, SearchTTL: time.Hour})
	return up, gw, token
}

// get reads url whole, as key, and returns how many bytes came.
func get(b *testing.B, hc *http.Client, url, key string) int64 {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-API-Key", key)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: %d", url, resp.StatusCode)
	}
	return n
}

// A search answered from the gateway's cache, against the simulator
// computing the same 100-result search, in turn over one client, so that
// a busy machine slows both alike (the budget: a hit costs no more, a
// ratio of at most 1).
func BenchmarkCacheHitRatio(b *testing.B) {
	up, gw, token := benchRig(b)
	hc := &http.Client{}
	warm := get(b, hc, gw+gateway.ClientPath+hundred, token) // the miss: into the cache
	var sr model.SearchResponse
	req, _ := http.NewRequest(http.MethodGet, up.Base+hundred, nil)
	req.Header.Set("X-API-Key", up.Key)
	if resp, err := hc.Do(req); err != nil || json.NewDecoder(resp.Body).Decode(&sr) != nil || len(sr.Results) != 100 {
		b.Fatalf("the search is not of 100 results: %v %d", err, len(sr.Results))
	}
	var tHit, tSim time.Duration
	b.ReportAllocs()
	b.SetBytes(warm)
	for b.Loop() {
		start := time.Now()
		get(b, hc, gw+gateway.ClientPath+hundred, token)
		mid := time.Now()
		get(b, hc, up.Base+hundred, up.Key)
		tHit += mid.Sub(start)
		tSim += time.Since(mid)
	}
	b.ReportMetric(float64(tHit.Nanoseconds())/float64(b.N), "ns/hit")
	b.ReportMetric(float64(tSim.Nanoseconds())/float64(b.N), "ns/sim")
	b.ReportMetric(float64(tHit)/float64(tSim), "ratio")
}

// The two alone, for their allocations.
func BenchmarkCacheHit(b *testing.B) {
	_, gw, token := benchRig(b)
	hc := &http.Client{}
	b.SetBytes(get(b, hc, gw+gateway.ClientPath+hundred, token))
	b.ReportAllocs()
	for b.Loop() {
		get(b, hc, gw+gateway.ClientPath+hundred, token)
	}
}

func BenchmarkSimSearch(b *testing.B) {
	up, _, _ := benchRig(b)
	hc := &http.Client{}
	b.SetBytes(get(b, hc, up.Base+hundred, up.Key))
	b.ReportAllocs()
	for b.Loop() {
		get(b, hc, up.Base+hundred, up.Key)
	}
}
