package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The listing of GET /bookings is served from indexes; these tests hold it
// to what a full scan of every booking gives, and measure what it costs.

// direct drives a simulator through ServeHTTP, without a network: HTTP
// handling is included, the contract-checking client is not (the other
// tests check the contract).
type direct struct {
	tb    testing.TB
	srv   *sim.Server
	clock *sim.ManualClock
}

func newDirect(tb testing.TB, o sim.Options) *direct {
	clock := sim.NewManualClock(t0)
	o.Clock, o.RateLimit, o.MonthlyQuota = clock, 1<<30, 1<<30
	return &direct{tb: tb, srv: sim.New(o), clock: clock}
}

func (d *direct) serve(method, path string, body any) (int, []byte) {
	d.tb.Helper()
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			d.tb.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, sim.BasePath+path, bytes.NewReader(data))
	req.Header.Set("X-API-Key", sim.DefaultKey)
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// bookable lists every EVSE of the data set that takes reservations.
func bookable(srv *sim.Server) [][2]string {
	var out [][2]string
	for _, l := range srv.Locations() {
		for _, e := range l.EVSEs {
			if l.SupportsReservation && e.Status == model.EVSEAvailable {
				out = append(out, [2]string{l.LocationID, e.EVSEUID})
			}
		}
	}
	return out
}

// referenceList is GET /bookings by a full scan: every booking as it is now
// (Server.Bookings, in creation order), filtered, newest first (ties: later
// create first), paged.
func referenceList(all []model.Booking, q url.Values) model.BookingList {
	out := model.BookingList{Bookings: []model.Booking{}, Limit: 50}
	if q.Has("limit") {
		out.Limit, _ = strconv.Atoi(q.Get("limit"))
	}
	out.Offset, _ = strconv.Atoi(q.Get("offset"))
	var match []model.Booking
	for i := len(all) - 1; i >= 0; i-- { // later creates first, kept by the stable sort
		b := all[i]
		if from, err := time.Parse(time.RFC3339, q.Get("from_date")); err == nil && b.CreatedAt.Before(from) {
			continue
		}
		if to, err := time.Parse(time.RFC3339, q.Get("to_date")); err == nil && b.CreatedAt.After(to) {
			continue
		}
		if st := q.Get("status"); st != "" && string(b.Status) != st {
			continue
		}
		match = append(match, b)
	}
	slices.SortStableFunc(match, func(a, b model.Booking) int { return b.CreatedAt.Compare(*a.CreatedAt) })
	out.Total = len(match)
	for i := out.Offset; i < len(match) && i < out.Offset+out.Limit; i++ {
		out.Bookings = append(out.Bookings, match[i])
	}
	return out
}

// encoded is v as the simulator writes it.
func encoded(tb testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// listingRun is one random walk of creates, cancels, clock moves (forward
// and, now and then, back) and listings.
type listingRun struct {
	*direct
	rng     *rand.Rand
	evses   [][2]string
	ids     []string
	created []time.Time
	lists   int
}

func TestListBookingsMatchesAFullScan(t *testing.T) {
	steps := 3000
	if testing.Short() {
		steps = 600 // the race pass: each of the four runs costs about two minutes in full
	}
	for i, o := range []sim.Options{
		{Seed: 11},
		{Seed: 12, Speed: 120},
		{Seed: 13, Speed: 6, Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 0.3, Cancel: 0.3}}},
		{Seed: 14, Speed: 600, ConfirmTimeout: 5 * time.Second, Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 0.5}}},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			run := &listingRun{direct: newDirect(t, o), rng: rand.New(rand.NewPCG(uint64(i), 42))}
			run.evses = bookable(run.srv)[:40] // few EVSEs: overlaps (409s) happen too
			for range steps {
				run.step(t)
			}
			if run.lists < steps/6 || len(run.ids) < steps/10 {
				t.Fatalf("a weak run: %d listings of %d bookings", run.lists, len(run.ids))
			}
		})
	}
}

func (run *listingRun) step(t *testing.T) {
	switch p := run.rng.IntN(100); {
	case p < 35:
		run.create(t)
	case p < 45 && len(run.ids) > 0:
		id := run.ids[run.rng.IntN(len(run.ids))]
		run.serve(http.MethodPost, "/bookings/"+id+"/cancel", model.CancelRequest{})
	case p < 67:
		steps := []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
			5 * time.Second, 30 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
		run.clock.Advance(steps[run.rng.IntN(len(steps))])
	case p < 70:
		run.clock.Advance(-time.Duration(run.rng.Int64N(int64(2 * time.Hour))))
	default:
		run.list(t)
	}
}

func (run *listingRun) create(t *testing.T) {
	ev := run.evses[run.rng.IntN(len(run.evses))]
	start := run.clock.Now().Add(15*time.Minute + time.Second + time.Duration(run.rng.Int64N(int64(6*time.Hour))))
	req := model.BookingRequest{
		LocationID: ev[0], EVSEUID: ev[1],
		ReservationStart: start, ReservationEnd: start.Add(15*time.Minute + time.Duration(run.rng.Int64N(int64(225*time.Minute)))),
		ExternalID:    fmt.Sprintf("ext-%d", run.rng.IntN(50)),
		TokenStrategy: model.DriverToken,
		CustomerID:    []string{"c", "c", sim.TriggerExpire, sim.TriggerNoShow, sim.TriggerReject, sim.TriggerSlow}[run.rng.IntN(6)],
	}
	status, body := run.serve(http.MethodPost, "/bookings", req)
	switch status {
	case http.StatusAccepted:
		var b model.Booking
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		run.ids = append(run.ids, b.ID)
		run.created = append(run.created, *b.CreatedAt)
	case http.StatusConflict:
	default:
		t.Fatalf("create: %d %s", status, body)
	}
}

// list asks for a random page and compares it with the full scan.
func (run *listingRun) list(t *testing.T) {
	q := url.Values{}
	if run.rng.IntN(2) == 0 {
		q.Set("status", string(model.Statuses[run.rng.IntN(len(model.Statuses))]))
	}
	from, to := run.bound(), run.bound()
	if from.After(to) {
		from, to = to, from
	}
	if run.rng.IntN(3) == 0 {
		q.Set("from_date", from.Format(time.RFC3339Nano))
	}
	if run.rng.IntN(3) == 0 {
		q.Set("to_date", to.Format(time.RFC3339Nano))
	}
	if run.rng.IntN(2) == 0 {
		q.Set("limit", strconv.Itoa(1+run.rng.IntN(model.MaxListLimit)))
	}
	if run.rng.IntN(2) == 0 {
		q.Set("offset", strconv.Itoa(run.rng.IntN(len(run.ids)+5)))
	}
	status, body := run.serve(http.MethodGet, "/bookings?"+q.Encode(), nil)
	want := encoded(t, referenceList(run.srv.Bookings(), q))
	if status != http.StatusOK || !bytes.Equal(body, want) {
		t.Fatalf("at %v, GET /bookings?%s:\n got %d %s\nwant %s", run.clock.Now(), q.Encode(), status, body, want)
	}
	run.lists++
}

// bound is a from_date or to_date: mostly a booking's exact created_at (the
// bounds are inclusive), else a time near the clock.
func (run *listingRun) bound() time.Time {
	if len(run.created) > 0 && run.rng.IntN(3) > 0 {
		return run.created[run.rng.IntN(len(run.created))]
	}
	return run.clock.Now().Add(-time.Duration(run.rng.Int64N(int64(48 * time.Hour))))
}
