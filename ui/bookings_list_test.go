package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// createDirect books EVSE n of the flagship location for customer through
// the desk's own client, as another agent on the same key would.
func createDirect(h *harness, n int, ext string) model.Booking {
	h.t.Helper()
	from := model.DefaultStart(h.clock.Now()).Add(time.Duration(n) * 2 * time.Hour)
	res, err := h.client.CreateBooking(context.Background(), model.BookingRequest{LocationID: sim.FlagshipLocationID,
		EVSEUID: fmt.Sprintf("DE*ENB*E123456*%d", 1+n%2*5), ReservationStart: from, ReservationEnd: from.Add(time.Hour),
		TokenStrategy: model.DriverToken, CustomerID: fmt.Sprintf("cust_%d", n), ExternalID: ext})
	if err != nil {
		h.t.Fatal(err)
	}
	return *res.Booking
}

// selectedRow is the external id of the row under the list's cursor.
func selectedRow(h *harness) string {
	h.t.Helper()
	for _, l := range h.body() {
		if strings.HasPrefix(l, "▸ ") {
			for _, f := range strings.Fields(l) {
				if strings.HasPrefix(f, "cd-") {
					return f
				}
			}
		}
	}
	h.t.Fatalf("no row selected:\n%s", h.screen())
	return ""
}

// A booking pushed while the list is open comes in at the top; the cursor
// stays on the booking it was on, so enter opens that one, not another
// driver's.
func TestPushedBookingKeepsTheCursorOnItsBooking(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	for i := range 4 {
		createDirect(h, i, fmt.Sprintf("cd-row-%d", i))
		h.advance(time.Second)
	}
	h.pushesByHand()
	h.key("f2")
	h.wantOn("Bookings")
	h.key("down", "down")
	was := selectedRow(h)
	for i := 4; i < 6; i++ { // two arrive from the team
		h.advance(time.Second)
		b := createDirect(h, i, fmt.Sprintf("cd-pushed-%d", i))
		h.send(pushedMsg{b})
		h.wantScreen(b.ExternalID)
		if got := selectedRow(h); got != was {
			t.Fatalf("after %s was pushed the cursor is on %s, was on %s", b.ExternalID, got, was)
		}
	}
	// With the find field narrowing the list, then cleared: still the same booking.
	h.key("/")
	h.typeText("cd-row")
	h.key("enter")
	if got := selectedRow(h); got != was {
		t.Fatalf("after finding, the cursor is on %s, was on %s", got, was)
	}
	h.key("esc")
	if got := selectedRow(h); got != was {
		t.Fatalf("after clearing the find field, the cursor is on %s, was on %s", got, was)
	}
	h.key("enter")
	h.wantOn("Booking status")
	if got := h.value("External"); got != was {
		t.Fatalf("enter opened %s, the cursor was on %s", got, was)
	}
}
