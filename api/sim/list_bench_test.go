package sim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// GET /bookings should cost what one page costs, however many bookings the
// key has: compare BenchmarkListBookings20000 with BenchmarkListBookings100.
//
//	go test -run XXX -bench ListBookings -benchmem -count=5 ./api/sim/

func BenchmarkListBookings100(b *testing.B)   { benchmarkListBookings(b, 100) }
func BenchmarkListBookings20000(b *testing.B) { benchmarkListBookings(b, 20000) }

// bookedSpan is the time over which a benchmark key's bookings were created,
// whatever their number, so the mix of statuses is the same at every size.
const bookedSpan = 30 * 24 * time.Hour

// benchmarkListBookings asks for the newest page of 50 of a key with n
// bookings, all of them and only the COMPLETED ones (most of a month's
// history, so that page is full at every size, too). The clock moves 1 ms
// per request, as on a server in use.
func benchmarkListBookings(b *testing.B, n int) {
	d := bookedDirect(b, n)
	for _, bc := range []struct{ name, query string }{
		{"all", "/bookings?limit=50"},
		{"status", "/bookings?limit=50&status=COMPLETED"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, sim.BasePath+bc.query, nil)
			req.Header.Set("X-API-Key", sim.DefaultKey)
			if rec := serveRecorded(d.srv, req); rec.Code != http.StatusOK || len(pageOf(b, rec).Bookings) != 50 {
				b.Fatalf("%s: %d, not a full page: %s", bc.query, rec.Code, rec.Body.Bytes())
			}
			b.ReportAllocs()
			for b.Loop() {
				d.clock.Advance(time.Millisecond)
				serveRecorded(d.srv, req)
			}
		})
	}
}

func serveRecorded(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func pageOf(tb testing.TB, rec *httptest.ResponseRecorder) model.BookingList {
	var l model.BookingList
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil {
		tb.Fatal(err)
	}
	return l
}

// bookedDirects keeps the fixtures between runs of a benchmark (-count):
// building 20,000 bookings through the API takes longer than measuring.
var bookedDirects = map[int]*direct{}

// bookedDirect is a simulator whose key has n bookings created evenly over
// bookedSpan, through POST /bookings: the scenario triggers and client
// cancels spread among them, the clock left at the end of the span, so
// most are COMPLETED, the rest CANCELLED, EXPIRED, NO_SHOW, and the newest
// still on their way.
func bookedDirect(b *testing.B, n int) *direct {
	if d := bookedDirects[n]; d != nil {
		d.tb = b
		return d
	}
	d := newDirect(b, sim.Options{Seed: 1})
	evses := bookable(d.srv)
	customers := []string{"c", "c", "c", sim.TriggerExpire, "c", sim.TriggerReject, "c", sim.TriggerNoShow, "c", "c"}
	step := bookedSpan / time.Duration(n)
	for i := range n {
		created := t0.Add(time.Duration(i) * step)
		d.clock.Set(created)
		ev := evses[i%len(evses)]
		start := created.Add(20*time.Minute + time.Duration(i%7)*10*time.Minute)
		req := model.BookingRequest{
			LocationID: ev[0], EVSEUID: ev[1],
			ReservationStart: start, ReservationEnd: start.Add(30*time.Minute + time.Duration(i%4)*30*time.Minute),
			ExternalID: fmt.Sprintf("bench-%d", i), TokenStrategy: model.DriverToken,
			CustomerID: customers[i%len(customers)],
		}
		status, body := d.serve(http.MethodPost, "/bookings", req)
		if status != http.StatusAccepted {
			b.Fatalf("booking %d: %d %s", i, status, body)
		}
		if i%13 == 0 {
			var bk model.Booking
			if err := json.Unmarshal(body, &bk); err != nil {
				b.Fatal(err)
			}
			d.clock.Advance(time.Second)
			if status, body := d.serve(http.MethodPost, "/bookings/"+bk.ID+"/cancel", nil); status != http.StatusOK {
				b.Fatalf("cancel %d: %d %s", i, status, body)
			}
		}
	}
	d.clock.Set(t0.Add(bookedSpan))
	bookedDirects[n] = d
	return d
}
