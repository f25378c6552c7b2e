package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// Esc while "Booking…" is showing closes the form but not the attempt: its
// answer still arrives, the booking made is watched and announced, and the
// form opened again for that EVSE shows it instead of sending another.
func TestEscDuringCreateNeverBooksTwice(t *testing.T) {
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter")
	h.wantScreen("Ready — enter books it")
	_, create := h.app.Update(keyMsg("enter")) // the create is under way, its answer not in yet
	h.wantScreen("Booking… sent once", "esc leaves this form")
	h.key("esc")
	h.wantScreen("EVSEs (") // back on the location screen
	h.run(create)           // the answer arrives after the agent left the form
	if n := h.count("POST", "/bookings"); n != 1 {
		t.Fatalf("%d creates sent, want 1", n)
	}
	h.wantScreen("cd-test-001 booked: REQUESTED, on the watchlist")
	if bs := h.sim.Bookings(); len(bs) != 1 || bs[0].ExternalID != "cd-test-001" {
		t.Fatalf("server bookings %+v", bs)
	}
	// It is watched: it confirms without anyone on its status screen.
	h.advance(15 * time.Second)
	h.key("B")
	h.wantScreen("cd-test-001", "CONFIRMED")
	if n := h.count("POST", "/bookings"); n != 1 {
		t.Fatalf("%d creates after watching, want 1", n)
	}
}

// The form reopened while the first attempt is still waiting for its answer
// shows that attempt and sends nothing new, even on enter.
func TestFormReopenedShowsTheAttemptUnderWay(t *testing.T) {
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter")
	_, create := h.app.Update(keyMsg("enter"))
	h.key("esc", "enter") // back, and into the same EVSE's form again
	h.wantScreen("already being sent (cd-test-001)", "Booking… sent once")
	h.key("enter") // refused while the answer is awaited
	if n := h.count("POST", "/bookings"); n != 0 {
		t.Fatalf("%d creates before the first answer", n)
	}
	h.run(create)
	if !strings.Contains(h.screen(), "REQUESTED") || h.count("POST", "/bookings") != 1 {
		t.Fatalf("after the answer, with the form showing the attempt:\n%s", h.screen())
	}
	if len(h.sim.Bookings()) != 1 {
		t.Fatalf("%d bookings", len(h.sim.Bookings()))
	}
}

func withPending(p []localstate.Attempt, forget func(string) error) harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) { o.Pending, o.Forget = p, forget }
}

// A create an earlier run left unknown is looked up at start: made, it is
// watched and announced; either way it is forgotten once known.
func TestEarlierAttemptResolvedAtStart(t *testing.T) {
	start := t0.Add(time.Hour)
	made := model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1", ReservationStart: start,
		ReservationEnd: start.Add(time.Hour), ExternalID: "cd-earlier-1", TokenStrategy: model.DriverToken, CustomerID: "cust_abc"}
	var forgot []string
	forget := func(ext string) error { forgot = append(forgot, ext); return nil }
	h := newHarness(t, large, withPending([]localstate.Attempt{{ExternalID: made.ExternalID, Request: made, Since: t0}}, forget))
	// Nothing of that name at the server: nothing made, nothing sent.
	h.wantScreen("(cd-earlier-1) made no booking")
	if h.count("POST", "/bookings") != 0 || len(forgot) != 1 {
		t.Fatalf("creates %d, forgotten %v", h.count("POST", "/bookings"), forgot)
	}

	// The same, when the earlier run's create did reach the API.
	h2 := newHarness(t, large, withPending(nil, nil))
	if _, err := h2.client.CreateBooking(context.Background(), made); err != nil {
		t.Fatal(err)
	}
	h2.app.pending, h2.app.forget = []localstate.Attempt{{ExternalID: made.ExternalID, Request: made, Since: t0}}, forget
	h2.run(h2.app.Init())
	h2.wantScreen("⚑ 1 new notice (N)") // too long for the header beside the counters: counted, not cut
	h2.key("f4")                        // the notices in full (N when no field has focus)
	h2.wantScreen("Notices", "(cd-earlier-1) was made: REQUESTED, now on your")
	h2.key("esc", "f2")
	h2.wantScreen("watching 1", "cd-earlier-1")
}
