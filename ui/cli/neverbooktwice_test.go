package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// A rerun with the external id of a booking already made for the same
// request adopts it (exit 0, nothing sent); for another request it refuses.
func TestBookWithAnExternalIDLooksItUpFirst(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	args := append(bookArgs(1, "cust_abc"), "--external-id", "rerun-1")
	code, out, errs := e.run(args...)
	wantCode(t, code, exitOK, out, errs)
	code, out, errs = e.run(args...)
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "already made for this request", "rerun-1")
	if n := len(e.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings after the rerun, want 1", n)
	}
	code, out, errs = e.run(append(bookArgs(2, "cust_abc"), "--external-id", "rerun-1")...)
	wantCode(t, code, exitConflict, out, errs)
	wantContains(t, errs, "external id in use", "already used by booking", "EVSE DE*ENB*E123456*1")
	if n := len(e.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings after a rerun for another EVSE, want 1", n)
	}
}

// What a killed run left in the journal is settled by the next run, by
// look-up, before it sends anything, and said on stderr.
func TestTheNextRunResolvesAnAttemptLeftInTheJournal(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	dir := localstate.JournalDir(func(k string) string { return e.vars[k] })
	j := localstate.OpenJournal(dir, e.base, cmdKey).WithClock(func() time.Time { return cmdT0 })
	start := cmdT0.Add(time.Hour)
	made := model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1",
		ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: "killed-made",
		TokenStrategy: model.DriverToken, CustomerID: "cust_abc"}
	lost := made
	lost.ExternalID, lost.EVSEUID = "killed-lost", "DE*ENB*E123456*2"
	for _, r := range []model.BookingRequest{made, lost} {
		entry, err := j.Begin(r, cmdT0)
		if err != nil {
			t.Fatal(err)
		}
		entry.Keep() // the process died with the outcome unknown
	}
	// The first did reach the API before the kill.
	body, _ := json.Marshal(made)
	req := httptest.NewRequest(http.MethodPost, sim.BasePath+"/bookings", strings.NewReader(string(body)))
	req.Header.Set("X-API-Key", cmdKey)
	e.sim.ServeHTTP(httptest.NewRecorder(), req)

	code, out, errs := e.run("bookings")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "an attempt from 2026-12-01 09:00 (external id killed-made) was made: booking",
		"(external id killed-lost) made no booking")
	if p, _ := j.Pending(); len(p) != 0 {
		t.Fatalf("still pending: %+v", p)
	}
	if len(e.sim.Bookings()) != 1 {
		t.Fatalf("%d bookings: the resolution sent something", len(e.sim.Bookings()))
	}
}

// Ctrl-C while a create is on its way: the look-up still runs to its end,
// then exit 130 saying what became of the booking.
func TestInterruptedCreateSaysWhatWasBooked(t *testing.T) {
	t.Parallel()
	var e *cmdEnv
	e = newCmdEnv(t, sim.Options{}, simtest.Wrap(func(s *simtest.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				next.ServeHTTP(httptest.NewRecorder(), r) // booked…
				e.interrupt()                             // …and the agent presses Ctrl-C before the answer
				select {
				case <-r.Context().Done():
				case <-s.Done():
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	code, out, errs := e.run(bookArgs(1, "cust_abc")...)
	wantCode(t, code, exitInterrupted, out, errs)
	wantContains(t, errs, "interrupted: the booking was made")
	if n := len(e.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings", n)
	}
}

// A server reporting an endless list does not keep --all going for ever.
func TestBookingsAllStopsOnAnEndlessServer(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	e.setenv("PETITMONDE_API_KEY", cmdKey)
	var pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		w.Header().Set("Content-Type", "application/json")
		// Always the same page, and a total of 10^15.
		fmt.Fprint(w, `{"total":1000000000000000,"bookings":[{"id":"same-1","status":"CONFIRMED"},{"id":"same-2","status":"CONFIRMED"}]}`)
	}))
	t.Cleanup(srv.Close)
	code, out, errs := e.runRaw("bookings", "--all", "--api-url", srv.URL+sim.BasePath)
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "brought no booking not seen yet")
	if n := pages.Load(); n != 2 {
		t.Fatalf("%d pages asked for", n)
	}
}

// A request log on a full disk is said once on stderr; the command still works.
func TestLogOnAFullDiskIsSaidOnce(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run("search", "--place", "München", "--log", "/dev/full")
	wantCode(t, code, exitOK, out, errs)
	if n := strings.Count(errs, "could not be written"); n != 1 {
		t.Fatalf("said %d times:\n%s", n, errs)
	}
}

// The reference the driver reads out finds the booking.
func TestStatusByTheDriversReference(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, "cust_abc")
	code, out, errs := e.run("status", b.ExternalID)
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, b.ID, b.ExternalID)
	code, out, errs = e.run("status", "drivers-own-ref-1")
	wantCode(t, code, exitNotFound, out, errs)
	wantContains(t, errs, "no booking has the id or the external id drivers-own-ref-1")
}
