package ui

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
)

// An idle desk asks nothing: no /usage on a timer, no poll of a search.
func TestIdleDeskOnTheSearchScreenCostsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	before := len(h.events)
	h.advance(time.Hour)
	if n := len(h.events) - before; n != 0 {
		t.Fatalf("%d requests in an idle hour, the first %s %s", n, h.events[before].Method, h.events[before].Path)
	}
	t.Logf("idle hour on the search screen: %d requests", len(h.events)-before)
	// At the desk, /usage is asked at most hourly.
	for i := 0; i < 120; i++ {
		h.advance(time.Minute)
		h.key("right") // someone is typing
	}
	if n := h.count("GET", "/usage"); n > 3 {
		t.Fatalf("%d /usage in two active hours", n)
	}
}

// A CONFIRMED booking starting tomorrow, open on screen: at most one request an hour.
func TestIdleDeskOnAConfirmedBookingForTomorrow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	bookConfirmed(h, "morgen 14:30")
	before := len(h.events)
	h.advance(time.Hour)
	if n := len(h.events) - before; n > 1 {
		t.Fatalf("%d requests in an hour with tomorrow's booking on screen", n)
	}
	t.Logf("an hour with tomorrow's CONFIRMED booking on screen: %d requests", len(h.events)-before)
}

// A search failing through a five-minute 5xx outage is tried a bounded
// number of times, then waits for the agent (it used to retry twice a
// second for as long as the screen was open).
func TestFailingSearchRetriesAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo(), withoutContract())
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"upstream CPO down"}`))
			return
		}
		h.sim.ServeHTTP(w, r)
	}))
	h.key("enter")
	h.advance(5 * time.Minute)
	if n := h.count("GET", "/search"); n > 8 {
		t.Fatalf("%d searches in a five-minute outage, want at most 8", n)
	}
	t.Logf("a five-minute 5xx outage on the search screen: %d searches sent", h.count("GET", "/search"))
	h.wantScreen("Still failing after", "enter tries again")
	n := h.count("GET", "/search")
	h.advance(30 * time.Minute)
	if m := h.count("GET", "/search"); m != n {
		t.Fatalf("%d more searches after giving up", m-n)
	}
	h.serve(h.sim)
	h.key("enter")
	h.wantOn("Results")
}

// While the car charges the booking is asked about once, after the end:
// not once a minute.
func TestAttendingIsNotPolledEveryMinute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	bookFirstResult(h, "")
	h.key("B") // not on screen: the background schedule
	id := h.sim.Bookings()[0].ID
	attendingFrom := -1
	for i := 0; i < 150; i++ {
		h.advance(time.Minute)
		if s := h.sim.Bookings()[0].Status; s == "ATTENDING" && attendingFrom < 0 {
			attendingFrom = h.count("GET", "/bookings/"+id)
		}
	}
	if attendingFrom < 0 || h.sim.Bookings()[0].Status != "COMPLETED" {
		t.Fatalf("the booking never charged and completed: %s", h.sim.Bookings()[0].Status)
	}
	if n := h.count("GET", "/bookings/"+id) - attendingFrom; n > 3 {
		t.Fatalf("%d polls while charging and after, want a check or two after the end", n)
	}
	if total := h.count("GET", "/bookings/"+id); total > 8 {
		t.Fatalf("%d polls for the whole booking", total)
	}
}

// The usage view: the month, the pace, the forecast, what each booking cost.
func TestUsageView(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(15 * time.Second)
	for _, ev := range h.events {
		h.send(logEventMsg{ev}) // the request log, as the client's hook delivers it
	}
	usage := h.count("GET", "/usage")
	h.key("U")
	h.wantOn("Usage")
	if h.count("GET", "/usage") != usage+1 {
		t.Fatal("opening the usage view did not ask /usage")
	}
	h.wantScreen("Month", "left", "Pace", "requests an hour keep the month alive", "Forecast", "What each booking cost", "cd-test-001")
	if row := h.row("cd-test-001"); !strings.Contains(row, "requests") {
		t.Fatalf("no cost for the booking: %q", row)
	}
}

// A retry that has been sent is not sent again by the next heartbeats while
// its answer is on the way (a slow failing search took one request per
// second before).
func TestARetryInFlightIsNotSentAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo(), withoutContract())
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search") || strings.HasSuffix(r.URL.Path, "/usage") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"down"}`))
			return
		}
		h.sim.ServeHTTP(w, r)
	}))
	h.key("enter")
	h.wantScreen("retry 1")
	h.clock.Advance(time.Minute) // past the retry's time, without firing timers
	n := h.count("GET", "/search")
	_, inFlight := h.app.Update(heartbeatMsg{}) // the retry: its answer is on the way
	for i := 0; i < 5; i++ {
		h.clock.Advance(time.Second)
		_, cmd := h.app.Update(heartbeatMsg{})
		h.results(cmd) // what the program would run (its answers are dropped here)
		if m := h.count("GET", "/search"); m != n {
			t.Fatalf("the search was sent again on heartbeat %d while the retry was in flight", i+1)
		}
	}
	h.results(inFlight)
	if m := h.count("GET", "/search"); m != n+1 {
		t.Fatalf("the retry sent %d searches, want 1", m-n)
	}
}

// When the month could not be read at start, it is asked again with the
// retry policy's backoff, not left blank for four hours nor asked each second.
func TestUsageAskedAgainAfterAFailedStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo(), withoutContract())
	down := true
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down && strings.HasSuffix(r.URL.Path, "/usage") {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		h.sim.ServeHTTP(w, r)
	}))
	h.app.s.usage = nil // as if the start's ask had failed:
	before := h.count("GET", "/usage")
	h.send(usageMsg{err: &api.Error{Kind: api.KindServer, Status: 502}})
	h.advance(10 * time.Second)
	asked := h.count("GET", "/usage") - before
	if asked < 1 || asked > 3 {
		t.Fatalf("/usage asked %d times in the 10 s after a failed start; want a few, backing off", asked)
	}
	down = false
	h.advance(5 * time.Minute)
	h.wantScreen("month")
	n := h.count("GET", "/usage")
	h.advance(time.Hour)
	if m := h.count("GET", "/usage"); m != n {
		t.Fatalf("/usage asked %d more times within the hour after it answered", m-n)
	}
}

// Behind a gateway that pushes status changes, a booking the agent is not
// looking at is not polled at all; when the pushes stop, it is polled
// again by the usual policy.
func TestPushedBookingsAreNotPolledInTheBackground(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	bookConfirmed(h, "")
	h.key("f2") // the bookings list: the booking is no longer on screen
	h.wantOn("Bookings")
	h.app.Update(pushOpenMsg{}) // the gateway's stream is open
	before := len(h.events)
	h.advance(3 * time.Hour) // past the start, the no-show grace and the end
	pushed := len(h.events) - before
	h.app.Update(pushDownMsg{err: errors.New("stream closed")})
	before = len(h.events)
	h.advance(3 * time.Hour)
	polled := len(h.events) - before
	t.Logf("three hours of a booking off screen: %d requests with pushes, %d after they stopped", pushed, polled)
	if pushed != 0 || polled == 0 {
		t.Fatalf("%d requests while pushed (want 0), %d once the pushes stopped (want some)", pushed, polled)
	}
}

// bookConfirmed books the first result of a search around München (with
// the window typed, when one is given) and waits on the status screen for
// CONFIRMED.
func bookConfirmed(h *harness, window string) {
	h.t.Helper()
	bookFirstResult(h, window)
	h.advance(15 * time.Second)
	h.wantStatus("CONFIRMED")
}

// bookFirstResult books the first result of a search around München and
// stops on the status screen.
func bookFirstResult(h *harness, window string) {
	h.t.Helper()
	h.typeText("München")
	if window != "" {
		h.focus("Window from")
		h.typeText(window)
	}
	h.key("enter")
	h.wantOn("Results")
	h.key("enter", "enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.typeText("cust_abc")
	h.key("enter")
	h.wantOn("Booking status")
}
