package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// bookAt books the EVSE under the location screen's cursor for the
// form's default window, for customer, and stops on the status screen.
func bookAt(h *harness, customer string) string {
	h.t.Helper()
	h.wantOn("Location")
	h.key("enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.clearAndType(customer)
	h.key("enter")
	h.wantOn("Booking status")
	return evseShown(h)
}

// proposed is the EVSE and location name the booking form proposes.
func proposed(h *harness) (evse, location string) {
	h.t.Helper()
	h.wantOn("Book")
	for _, l := range h.body() {
		if rest, ok := strings.CutPrefix(l, "Book "); ok {
			evse, location, _ = strings.Cut(strings.TrimSpace(rest), " at ")
			return evse, location
		}
	}
	h.t.Fatalf("no proposal:\n%s", h.screen())
	return "", ""
}

// The day: the desk books an EVSE for a driver, then another EVSE
// of the same location for another driver, for the same hour; the second
// fails. Next best (x) never proposes the EVSE the desk holds for that
// hour — nor one its team holds, seen in the bookings list — and after the
// CPO's failure it proposes another CPO's charger.
func TestNextBestNeverProposesAHeldEVSE(t *testing.T) {
	t.Parallel()
	start := func(t *testing.T, h *harness) (held string) {
		h.typeText("München")
		h.key("enter")
		h.wantOn("Results")
		h.key("enter")
		held = bookAt(h, "cust_first")
		h.advance(15 * time.Second)
		h.wantStatus("CONFIRMED")
		h.key("esc", "down") // back to the location: the next driver wants the same place
		h.wantOn("Location")
		return held
	}
	t.Run("after a no-show: the same place, not the held EVSE", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, large)
		held := start(t, h)
		failed := bookAt(h, sim.TriggerNoShow+"_second")
		h.advance(50 * time.Minute)
		h.wantStatus("NO_SHOW")
		h.key("x")
		evse, loc := proposed(h)
		if evse == held || evse == failed {
			t.Fatalf("next best proposes %s (held %s, failed %s)", evse, held, failed)
		}
		if !strings.HasPrefix(evse, "DE*ENB*E123456*") || !strings.Contains(loc, "Marienplatz") {
			t.Fatalf("a no-show is not the CPO's failure: the closest free EVSE is at the same place, got %s at %s", evse, loc)
		}
		h.wantScreen("Next best charger after NO_SHOW", "1 EVSE held for the window left out")
	})
	t.Run("after the CPO expired: another CPO", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, large)
		held := start(t, h)
		failed := bookAt(h, sim.TriggerExpire+"_second")
		h.advance(45 * time.Second)
		h.wantStatus("EXPIRED")
		h.key("x")
		evse, loc := proposed(h)
		if evse == held || evse == failed || strings.Contains(loc, "EnBW") {
			t.Fatalf("next best after the CPO expired proposes %s at %s", evse, loc)
		}
		h.wantScreen("(another CPO, ")
	})
	t.Run("the team's booking, seen in the list", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, large)
		h.typeText("München")
		h.key("enter")
		h.wantOn("Results")
		h.key("enter")
		h.wantOn("Location")
		// Another agent on the same key books the first free EVSE for the hour.
		from := model.DefaultStart(h.clock.Now())
		uid := "DE*ENB*E123456*1"
		if _, err := h.client.CreateBooking(context.Background(), model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: uid,
			ReservationStart: from, ReservationEnd: from.Add(time.Hour), TokenStrategy: model.DriverToken, CustomerID: "cust_team", ExternalID: "cd-team-1"}); err != nil {
			t.Fatal(err)
		}
		h.key("f2") // the desk sees it in its bookings list
		h.wantOn("Bookings")
		h.wantScreen("cd-team-1")
		h.key("esc", "down") // the location was open before the team's booking: its cursor is still on it
		h.wantOn("Location")
		failed := bookAt(h, sim.TriggerNoShow+"_x")
		h.advance(50 * time.Minute)
		h.wantStatus("NO_SHOW")
		h.key("x")
		if evse, _ := proposed(h); evse == uid || evse == failed {
			t.Fatalf("next best proposes %s, which the team holds (or which failed)", evse)
		}
	})
}

// try another charger (t) puts the results' cursor on the next best
// location and the location's cursor on an EVSE the desk does not hold.
func TestTryAnotherLeavesHeldEVSEsOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	h.typeText("München")
	h.key("enter")
	h.key("enter")
	held := bookAt(h, "cust_first")
	h.advance(15 * time.Second)
	h.key("esc", "down")
	failed := bookAt(h, sim.TriggerNoShow+"_t")
	h.advance(50 * time.Minute)
	h.wantStatus("NO_SHOW")
	h.key("t")
	h.wantOn("Results")
	h.wantScreen("ended NO_SHOW · ▸ next best: 1 EVSE held for the window left out")
	h.key("enter")
	h.wantOn("Location")
	for _, uid := range []string{held, failed} {
		if h.bodyMatches(`^▸ ` + regexpQuote(uid)) {
			t.Fatalf("the location preselects %s (held %s, failed %s):\n%s", uid, held, failed, h.screen())
		}
	}
	if !h.bodyMatches(`^▸ DE\*ENB\*E123456\*`) {
		t.Fatalf("no EVSE of the place is preselected:\n%s", h.screen())
	}
}

// A 409's next free EVSE (ctrl+n) is never one the desk holds for the
// window, and the later slot (ctrl+l) starts after the desk's own booking
// of the EVSE.
func TestConflictProposalsLeaveHeldOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	h.typeText("München")
	h.key("enter")
	h.key("enter")
	first := bookAt(h, "cust_one")
	h.advance(15 * time.Second)
	h.key("esc")
	h.key("down")
	second := bookAt(h, "cust_two")
	h.advance(15 * time.Second)
	h.key("esc")
	h.key("home") // the first again: the desk holds it
	for !h.bodyMatches(`^▸ ` + regexpQuote(first)) {
		h.key("up")
	}
	h.key("enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.clearAndType("cust_three")
	h.key("enter")
	h.wantScreen("You already booked this EVSE")
	h.noScreen("Check the dates") // the warning is the warning, not a date problem
	h.key("enter")                // on purpose: the API refuses the slot
	h.wantScreen("409")
	h.noScreen("Other free EVSEs here: " + second)
	if row := h.row("409"); strings.Contains(row, second) {
		t.Fatalf("the 409 offers %s, which the desk holds: %q", second, row)
	}
	h.key("ctrl+l")
	b, _ := h.app.s.watch.current(h.sim.Bookings()[0].ID)
	_, heldEnd := b.Window()
	if got := h.value("Start (Berlin)"); got != heldEnd.In(model.Berlin).Format("2006-01-02 15:04") {
		t.Fatalf("the later slot starts %s, want after the desk's booking (%s)", got, heldEnd.In(model.Berlin).Format("15:04"))
	}
}

func regexpQuote(s string) string {
	return strings.NewReplacer("*", `\*`, ".", `\.`).Replace(s)
}
