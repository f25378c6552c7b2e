package ui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// searchFor fills the search form as typed and runs it.
func searchFor(h *harness, place, connector, power, from string) {
	h.t.Helper()
	h.focus("Place")
	h.clearAndType(place)
	h.focus("Connector")
	for range len(connectorChoices()) {
		if strings.HasPrefix(h.value("Connector"), connector) {
			break
		}
		h.key("right")
	}
	h.focus("Min. power (kW)")
	h.clearAndType(power)
	if from != "" {
		h.focus("Window from")
		h.clearAndType(from)
	}
	h.key("enter")
	h.wantOn("Results")
}

// The driver asked for CHAdeMO: the connector sent is the CHAdeMO one, not
// connector 1 (the CCS plug of a combined EVSE).
func TestCHAdeMOSearchBooksTheCHAdeMOPlug(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	searchFor(h, "München", "CHAdeMO", "", "")
	h.key("enter") // the nearest location (the flagship: EVSEs 5 and 6 have CHAdeMO as connector 2)
	h.wantOn("Location")
	h.key("enter")
	h.wantOn("Book")
	h.key("enter")
	sent := h.sent("POST", "/bookings")
	if len(sent) != 1 || sent[0]["connector_id"] != "2" {
		t.Fatalf("sent %v, want the CHAdeMO connector 2", sent)
	}
	evse := sent[0]["evse_uid"].(string)
	for _, l := range h.sim.Locations() {
		for _, e := range l.EVSEs {
			if e.EVSEUID == evse {
				for _, c := range e.Connectors {
					if c.ConnectorID == "2" && c.ConnectorType != model.CHAdeMO {
						t.Fatalf("connector 2 of %s is %s", evse, c.ConnectorType)
					}
				}
			}
		}
	}
}

// At least 150 kW: no EVSE below it is preselected; those are dimmed with why.
func TestPowerSearchPreselectsOnlyWhatIsFastEnough(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	searchFor(h, "München", "CCS", "150", "")
	slowSeen := 0
	for i := 0; i < 8; i++ { // the first results, one after the other
		h.key("enter")
		h.wantOn("Location")
		none := strings.Contains(h.screen(), "No free EVSE here has")
		for _, l := range h.body() {
			if !strings.Contains(l, " AVAILABLE ") || strings.HasPrefix(l, "✗ ") {
				continue
			}
			fast := ccsPower(l) >= 150
			if strings.HasPrefix(l, "▸ ") && !fast && !none {
				t.Fatalf("result %d: a slow EVSE preselected: %q\n%s", i, l, h.screen())
			}
			if !fast && !strings.Contains(l, "below 150 kW") {
				t.Fatalf("result %d: a slow EVSE without its reason: %q", i, l)
			}
			if !fast {
				slowSeen++
			}
		}
		h.key("esc", "down")
	}
	if slowSeen == 0 {
		t.Fatal("no slow EVSE among the results: the test shows nothing")
	}
}

var ccsKW = regexp.MustCompile(`CCS \(Type 2 Combo\) (\d+) kW`)

// ccsPower is the most CCS power an EVSE line shows.
func ccsPower(line string) float64 {
	best := 0.0
	for _, m := range ccsKW.FindAllStringSubmatch(line, -1) {
		if v, _ := strconv.ParseFloat(m[1], 64); v > best {
			best = v
		}
	}
	return best
}

// The window of the search is the window proposed for the booking.
func TestSearchWindowIsTheBookingWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Window from")
	h.clearAndType("morgen 14:30")
	h.focus("Window length")
	h.typeText("2 h") // replaces the 1 h proposed
	h.key("enter")
	h.wantOn("Results")
	h.key("enter", "enter")
	h.wantOn("Book")
	h.key("enter")
	if n := h.count("POST", "/bookings"); n != 1 {
		t.Fatalf("%d bookings sent", n)
	}
	start, end := h.sentWindow()
	want := time.Date(2026, 12, 1, 14, 30, 0, 0, model.Berlin)
	if !start.Equal(want) || end.Sub(start) != 90*time.Minute+30*time.Minute {
		t.Fatalf("booked %v – %v, want %v for 2 h", start.In(model.Berlin), end.In(model.Berlin), want)
	}
}

// The CPO cancels while the watchlist's copy still says CONFIRMED (its next
// check is far off): the bookings list brings the newer copy, and every
// screen shows CANCELLED from then on, the cancel dialog included.
func TestNewerCopyWinsEverywhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(15 * time.Second)
	h.wantStatus("CONFIRMED")
	id := h.sim.Bookings()[0].ID
	if _, err := h.client.CancelBooking(context.Background(), id, "Rejected by CPO: maintenance"); err != nil {
		t.Fatal(err)
	}
	h.key("B")
	h.wantOn("Bookings")
	if row := h.row("cd-test-001"); !strings.Contains(row, "CANCELLED") {
		t.Fatalf("the list shows the watchlist's older copy: %q", row)
	}
	h.key("c") // cancelling it again is refused for what it is now
	h.wantScreen("A CANCELLED booking cannot be cancelled")
	h.key("enter")
	h.wantOn("Booking status")
	h.wantStatus("CANCELLED")
	h.wantScreen("Rejected by CPO: maintenance")
	h.noScreen("starts in", "next check")
}
