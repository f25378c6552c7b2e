package ui

import (
	"strings"
	"testing"
	"time"
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
	if n := countEvents(h, "POST", "/bookings"); n != 1 {
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
	if n := countEvents(h, "POST", "/bookings"); n != 1 {
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
	if n := countEvents(h, "POST", "/bookings"); n != 0 {
		t.Fatalf("%d creates before the first answer", n)
	}
	h.run(create)
	if !strings.Contains(h.screen(), "REQUESTED") || countEvents(h, "POST", "/bookings") != 1 {
		t.Fatalf("after the answer, with the form showing the attempt:\n%s", h.screen())
	}
	if len(h.sim.Bookings()) != 1 {
		t.Fatalf("%d bookings", len(h.sim.Bookings()))
	}
}
