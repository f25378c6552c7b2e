package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// benchServer is the simulator over loopback, on the wall clock, with limits
// out of the way, and one booking to read.
func benchServer(b *testing.B) (*simtest.Server, string) {
	srv := simtest.Start(b, sim.Options{Seed: 1, Clock: model.SystemClock{}, RateLimit: 1 << 30, MonthlyQuota: 1 << 30})
	c := api.New(api.Config{BaseURL: srv.Base, APIKey: sim.DefaultKey})
	start := time.Now().Add(time.Hour)
	res, err := c.CreateBooking(context.Background(), model.BookingRequest{LocationID: sim.FlagshipLocationID,
		EVSEUID: "DE*ENB*E123456*1", ReservationStart: start, ReservationEnd: start.Add(time.Hour),
		TokenStrategy: model.DriverToken, CustomerID: "cust_bench"})
	if err != nil {
		b.Fatal(err)
	}
	return srv, res.Booking.ID
}

// The client's round trip (resty, rate-limit headers, event hook, decoding)
// against the same GET made with plain net/http and encoding/json (budget:
// ≤ 1.3, measured interleaved by BenchmarkClientRatio).
func BenchmarkClientGetBooking(b *testing.B) {
	srv, id := benchServer(b)
	c := api.New(api.Config{BaseURL: srv.Base, APIKey: sim.DefaultKey, OnEvent: func(api.Event) {}})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetBooking(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNetHTTPGetBooking(b *testing.B) {
	srv, id := benchServer(b)
	hc := &http.Client{}
	url := srv.Base + "/bookings/" + id
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plainGet(b, hc, url)
	}
}

// plainGet is the GET with plain net/http and encoding/json.
func plainGet(b *testing.B, hc *http.Client, url string) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-API-Key", sim.DefaultKey)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var bk model.Booking
	if err := json.NewDecoder(resp.Body).Decode(&bk); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkClientRatio makes the two round trips above in turn, against one
// server, so that a busy machine slows both alike, and reports their ratio
// (the budget: at most 1.3).
func BenchmarkClientRatio(b *testing.B) {
	srv, id := benchServer(b)
	c := api.New(api.Config{BaseURL: srv.Base, APIKey: sim.DefaultKey, OnEvent: func(api.Event) {}})
	hc := &http.Client{}
	url := srv.Base + "/bookings/" + id
	ctx := context.Background()
	var tClient, tPlain time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := c.GetBooking(ctx, id); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		plainGet(b, hc, url)
		tClient += mid.Sub(start)
		tPlain += time.Since(mid)
	}
	b.ReportMetric(float64(tClient.Nanoseconds())/float64(b.N), "ns/client")
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "ns/net-http")
	b.ReportMetric(float64(tClient)/float64(tPlain), "ratio")
}

// BenchmarkClientAnswer is the client's own work on one answer, without a
// network: the fuzzer's transport serves a booking from memory, so what is
// measured is the request building, the redaction, the rate-limit headers,
// the decoding and the sanitising (FuzzClientDecode pays it 16 times per
// input).
func BenchmarkClientAnswer(b *testing.B) {
	body := []byte(`{"id":"7f1c","status":"CONFIRMED","status_updated_at":"2026-02-10T09:00:05Z","cpo_reservation_id":"ENB-R-00AB12",` +
		`"client_price":18.75,"client_price_currency":"EUR","external_id":"fuzz-1","created_at":"2026-02-10T09:00:00Z"}`)
	c := fuzzClient(fuzzTransport{status: http.StatusOK, header: fuzzHeader("|100|99|2026-02-10T09:01:00Z"), body: body})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetBooking(ctx, "b1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedactor is the redaction of one search answer of 100 results
// (the simulator's, as a client reads it) without the key in it: the cost
// the client pays on every answer, and the gateway once per upstream
// answer. It allocates nothing.
func BenchmarkRedactor(b *testing.B) {
	srv, _ := benchServer(b)
	req, _ := http.NewRequest(http.MethodGet, srv.Base+"/search?lat=48.1374&lng=11.5755&radius=50&limit=100", nil)
	req.Header.Set("X-API-Key", sim.DefaultKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := api.NewRedactor("sk_live_CANARY_123456", "[key]")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r.Bytes(body)
	}
}
