package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func TestFenwickAgainstACount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var f fenwick
	var marked []bool
	for i := range 20000 {
		switch p := rng.IntN(len(marked) + 20); {
		case i%5000 == 4999: // rebuild in one go
			f.reset(len(marked), func(p int) bool { return marked[p] })
		case p >= len(marked): // a new position, past the end
			for len(marked) <= p {
				marked = append(marked, false)
			}
			marked[p] = true
			f.add(p, 1)
		case marked[p]:
			marked[p] = false
			f.add(p, -1)
		default:
			marked[p] = true
			f.add(p, 1)
		}
		n := rng.IntN(len(marked) + 3)
		want := 0
		for p := 0; p < n && p < len(marked); p++ {
			if marked[p] {
				want++
			}
		}
		if got := f.prefix(n); got != want {
			t.Fatalf("step %d: prefix(%d) = %d, want %d", i, n, got, want)
		}
		if want > 0 {
			k := 1 + rng.IntN(want)
			p := f.find(k)
			if !marked[p] || f.prefix(p+1) != k {
				t.Fatalf("step %d: find(%d) = %d, not the %d-th marked", i, k, p, k)
			}
		}
	}
}

// checkStore fails unless every index agrees with the records: each one's
// status as of asOf, its place in its owner's order, the heap and the
// status counts, the EVSE and external_id indexes.
func checkStore(t *testing.T, st *bookingStore) {
	t.Helper()
	for i, r := range st.due {
		if r.ix.heap != i || (i > 0 && st.due.Less(i, (i-1)/2)) {
			t.Fatalf("heap broken at %d", i)
		}
	}
	for _, r := range st.all {
		status, next := r.statusAt(st.asOf)
		if r.ix.status != status || r.ix.next != next || (next < len(r.events)) != (r.ix.heap >= 0) {
			t.Fatalf("%s: slot %+v, want status %s next %d", r.base.ID, r.ix, status, next)
		}
		o := st.owners[r.owner]
		if o.recs[r.ix.pos] != r || (r.ix.pos > 0 && !createdBefore(o.recs[r.ix.pos-1], r)) {
			t.Fatalf("%s: out of its owner's order at %d", r.base.ID, r.ix.pos)
		}
		if c := o.byStatus[status]; c.prefix(r.ix.pos+1)-c.prefix(r.ix.pos) != 1 {
			t.Fatalf("%s: not counted as %s", r.base.ID, status)
		}
		if !containsRecord(st.onEVSE(r.base.EVSEUID), r) ||
			(r.base.ExternalID != "" && !containsRecord(st.withExternalID(r.owner, r.base.ExternalID), r)) {
			t.Fatalf("%s: missing from the EVSE or external_id index", r.base.ID)
		}
	}
	for key, o := range st.owners {
		for status, c := range o.byStatus {
			n := 0
			for _, r := range o.recs {
				if r.ix.status == status {
					n++
				}
			}
			if c.prefix(len(o.recs)) != n {
				t.Fatalf("%s: %d counted as %s, want %d", key, c.prefix(len(o.recs)), status, n)
			}
		}
	}
}

func containsRecord(rs []*record, r *record) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// The indexes stay true to the records through creates (also with the clock
// gone back), client cancels, CPO faults, and time moving both ways.
func TestStoreIndexesStayConsistent(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC))
	s := New(Options{Seed: 5, Clock: clock, RateLimit: 1 << 30, MonthlyQuota: 1 << 30, Speed: 30,
		Faults: Faults{CPO: CPOFaults{LateConfirm: 0.3, Cancel: 0.3}}})
	serve := func(method, path string, body any) (int, []byte) {
		data, _ := json.Marshal(body)
		req := httptest.NewRequest(method, BasePath+path, bytes.NewReader(data))
		req.Header.Set("X-API-Key", DefaultKey)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	rng := rand.New(rand.NewPCG(5, 6))
	type target struct{ loc, evse string }
	var targets []target
	for _, l := range s.dataset().locs {
		for _, e := range l.EVSEs {
			if l.SupportsReservation && e.Status == model.EVSEAvailable && len(targets) < 10 {
				targets = append(targets, target{l.LocationID, e.EVSEUID})
			}
		}
	}
	var ids []string
	for i := range 1500 {
		switch p := rng.IntN(10); {
		case p < 4:
			start := clock.Now().Add(16*time.Minute + time.Duration(rng.IntN(600))*time.Minute)
			to := targets[rng.IntN(len(targets))]
			code, body := serve(http.MethodPost, "/bookings", model.BookingRequest{
				LocationID: to.loc, EVSEUID: to.evse,
				ReservationStart: start, ReservationEnd: start.Add(30 * time.Minute),
				ExternalID: fmt.Sprintf("ref-%d", rng.IntN(20)), TokenStrategy: model.DriverToken,
				CustomerID: []string{"c", TriggerExpire, TriggerNoShow, TriggerReject, TriggerSlow}[rng.IntN(5)],
			})
			var b model.Booking
			if code == http.StatusAccepted && json.Unmarshal(body, &b) == nil {
				ids = append(ids, b.ID)
			}
		case p < 5 && len(ids) > 0:
			serve(http.MethodPost, "/bookings/"+ids[rng.IntN(len(ids))]+"/cancel", nil)
		case p < 6:
			clock.Advance(-time.Duration(rng.IntN(120)) * time.Minute)
		default:
			clock.Advance(time.Duration(rng.IntN(90_000)) * time.Millisecond)
		}
		if i%3 == 0 {
			serve(http.MethodGet, "/usage", nil) // any request syncs the statuses
		}
		s.mu.Lock()
		checkStore(t, &s.bookings)
		s.mu.Unlock()
	}
	if len(ids) < 300 {
		t.Fatalf("only %d bookings", len(ids))
	}
}
