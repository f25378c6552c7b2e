package sim

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

const benchLat, benchLng = 48.1351, 11.5820 // the guide's point, Marienplatz

// serverWith is a Server whose network is locs (instead of the seed's).
func serverWith(locs []model.Location) *Server {
	s := New(Options{Seed: 1, RateLimit: 1 << 30, MonthlyQuota: 1 << 30})
	s.dataOnce.Do(func() { s.data = indexed(locs) })
	return s
}

// nearest is the n locations closest to the point, or all within km when
// n is 0.
func nearest(locs []model.Location, n int, km float64) []model.Location {
	out := append([]model.Location(nil), locs...)
	dist := func(l model.Location) float64 {
		return model.DistanceKM(benchLat, benchLng, l.Coordinates.Latitude, l.Coordinates.Longitude)
	}
	sort.SliceStable(out, func(i, j int) bool { return dist(out[i]) < dist(out[j]) })
	if n > 0 {
		return out[:n]
	}
	k := sort.Search(len(out), func(i int) bool { return dist(out[i]) > km })
	return out[:k]
}

// BenchmarkSearchRatio is a 50 km search around Marienplatz (the whole
// handler: parse, index, filter, sort, encode) on the country's network,
// on the region around the point (every location within 100 km, so the
// same hits), and on a network as small as the simulator's before it
// covered the country (the 351 locations nearest the point), in turn, so a
// busy machine slows all alike. The budget is country/region ≤ 1.5.
func BenchmarkSearchRatio(b *testing.B) {
	country := datasetFor(1).locs
	servers := []*Server{serverWith(country), serverWith(nearest(country, 0, 100)), serverWith(nearest(country, 351, 0))}
	req := httptest.NewRequest(http.MethodGet, BasePath+"/search?lat=48.1351&lng=11.5820&radius=50", nil)
	req.Header.Set("X-API-Key", DefaultKey)
	times := make([]time.Duration, len(servers))
	b.ReportAllocs()
	for b.Loop() {
		for i, s := range servers {
			start := time.Now()
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			times[i] += time.Since(start)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(times[0]), "ns/search-country")
	b.ReportMetric(per(times[1]), "ns/search-region")
	b.ReportMetric(per(times[2]), "ns/search-351")
	b.ReportMetric(float64(times[0])/float64(times[1]), "ratio-country/region")
	b.ReportMetric(float64(times[0])/float64(times[2]), "ratio-country/351")
	b.ReportMetric(float64(len(country)), "locations")
}

// BenchmarkGenerateCountry is the first search's cost: generating and
// indexing one seed's network (the gazetteer already decoded). It reports
// the network's size and what it holds on the heap.
func BenchmarkGenerateCountry(b *testing.B) {
	_ = datasetFor(1) // decodes the gazetteer
	for b.Loop() {
		_ = indexed(generateLocations(2))
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := indexed(generateLocations(2))
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := after.HeapAlloc - before.HeapAlloc
	evses := 0
	for _, l := range d.locs {
		evses += len(l.EVSEs)
	}
	b.ReportMetric(float64(len(d.locs)), "locations")
	b.ReportMetric(float64(evses), "evses")
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	runtime.KeepAlive(d)
}
