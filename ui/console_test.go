package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// bookingRow matches a row of the bookings list: the cursor, the watch mark
// (⚑ changed, ◉ watched), the status.
var bookingRow = regexp.MustCompile(`^(▸| ) (⚑|◉| ) ● `)

// bookingRows are the rows the bookings list shows, top to bottom.
func bookingRows(h *harness) []string {
	var out []string
	for _, l := range h.body() {
		if bookingRow.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

func TestBookingsScreenFindAndCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(12 * time.Second)
	// A second booking on the other EVSE, for another customer.
	h.key("esc", "down", "enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.clearAndType("cust_other_42")
	h.key("enter")
	h.wantOn("Booking status")
	h.key("B")
	h.wantOn("Bookings")
	h.wantScreen("Bookings · any status · created 7 days", "2 of 2 loaded", "cd-test-001", "cd-test-002", "watching 2")
	// Newest first.
	rows := bookingRows(h)
	if len(rows) != 2 || !strings.Contains(rows[0], "cd-test-002") || !strings.Contains(rows[0], "cust_other_42") ||
		!strings.Contains(rows[1], "cd-test-001") {
		t.Fatalf("rows, want the newest first:\n%s", strings.Join(rows, "\n"))
	}
	h.key("/")
	h.typeText("cd-test-001")
	h.key("enter")
	h.wantScreen(`1 match "cd-test-001"`)
	if rows := bookingRows(h); len(rows) != 1 || !strings.Contains(rows[0], "cd-test-001") {
		t.Fatalf("find kept\n%s", strings.Join(rows, "\n"))
	}
	h.key("c")
	h.wantScreen("Cancel booking cd-test-001?", "may charge a cancellation fee")
	h.key("enter")
	h.wantScreen("Cancelled")
	if rows := bookingRows(h); len(rows) != 1 || !strings.Contains(rows[0], "● CANCELLED cd-test-001") {
		t.Fatalf("after the cancel\n%s", strings.Join(rows, "\n"))
	}
	first := h.sim.Bookings()[0]
	if first.ExternalID != "cd-test-001" || first.Status != model.Cancelled {
		t.Fatalf("the server holds %s %s", first.ExternalID, first.Status)
	}
	// The watchlist learnt of the cancel: it watches the other booking only,
	// and polls the cancelled one no more.
	h.wantScreen("watching 1")
	polls := h.count("GET", "/bookings/"+first.ID)
	h.advance(time.Minute)
	if n := h.count("GET", "/bookings/"+first.ID) - polls; n != 0 {
		t.Fatalf("the cancelled booking was polled %d more times", n)
	}
	// A cancelled booking refuses clearly, without a request.
	posts := h.count("POST", "/bookings/")
	h.key("c")
	h.wantScreen("cannot be cancelled")
	if h.count("POST", "/bookings/") != posts {
		t.Fatal("sent a cancel for a CANCELLED booking")
	}
	// Opening a booking shows its status screen.
	h.key("esc", "enter")
	h.wantOn("Booking status")
	// f2 reaches the bookings even from a text field, where B is typed.
	h.key("n")
	h.wantOn("Search")
	h.key("B")
	h.wantOn("Search")
	if v := h.value("Place"); v != "B" { // the place kept from the search, replaced
		t.Fatalf("place %q: B was not typed into the field", v)
	}
	h.key("f2")
	h.wantOn("Bookings")
}

func TestBookingsFiltersAndPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	// 120 bookings straight through the client, on different EVSEs and days.
	ctx := context.Background()
	var evses []struct{ loc, evse string }
	for _, l := range h.sim.Locations() {
		if !l.SupportsReservation {
			continue
		}
		for _, e := range l.EVSEs {
			if e.Status == model.EVSEAvailable {
				evses = append(evses, struct{ loc, evse string }{l.LocationID, e.EVSEUID})
			}
		}
	}
	for i := 0; i < 120; i++ {
		start := h.clock.Now().Add(time.Hour)
		_, err := h.client.CreateBooking(ctx, model.BookingRequest{LocationID: evses[i].loc, EVSEUID: evses[i].evse,
			ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: fmt.Sprintf("bulk-%03d", i),
			TokenStrategy: model.DriverToken, CustomerID: "cust_bulk"})
		if err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Second)
	}
	h.key("f2") // the search form has focus: B would be typed
	h.wantOn("Bookings")
	h.wantScreen("100 of 120 loaded") // a page is the API's maximum
	lists := h.count("GET", "/bookings?")
	h.key("]")
	h.wantScreen("120 of 120 loaded")
	if n := h.count("GET", "/bookings?") - lists; n != 1 {
		t.Fatalf("the last 20 took %d requests", n)
	}
	if q := h.query("GET", "/bookings"); q.Get("limit") != "100" || q.Get("offset") != "100" {
		t.Fatalf("the next page asked %v", q)
	}
	for i := 0; i < 200; i++ {
		h.key("down")
	}
	h.wantScreen("120 of 120 loaded")
	// Newest first: the last row is the oldest booking, the first the newest.
	if rows := bookingRows(h); len(rows) == 0 || !strings.Contains(rows[len(rows)-1], "bulk-000") {
		t.Fatalf("at the end of the list:\n%s", h.screen())
	}
	h.key("home")
	if rows := bookingRows(h); len(rows) == 0 || !strings.Contains(rows[0], "bulk-119") {
		t.Fatalf("at the top of the list:\n%s", h.screen())
	}
	// Status filter: nothing is CANCELLED.
	pressUntil(h, "s", "Bookings · CANCELLED")
	h.wantScreen("No bookings here")
	// Custom range before the bookings: none.
	pressUntil(h, "s", "Bookings · any status") // back round
	h.key("D")
	h.typeText("2026-11-01 .. 2026-11-29")
	h.key("enter")
	h.wantScreen("01.11.2026–29.11.2026", "No bookings here")
	// Bad dates name the rule and keep the text.
	h.key("D")
	h.typeText("yesterday")
	h.key("enter")
	h.wantScreen("dates: give two dates")
}

// pressUntil presses key until the screen shows want.
func pressUntil(h *harness, key, want string) {
	h.t.Helper()
	for range 20 {
		if strings.Contains(h.screen(), want) {
			return
		}
		h.key(key)
	}
	h.t.Fatalf("%s never shows %q:\n%s", key, want, h.screen())
}

// Many watched bookings share one budget: never more than half the
// per-minute limit in any 60 s, and never two polls of one booking at once.
func TestWatchlistRateBudget(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small) // real-time lifecycle: CONFIRMED lasts until the start
	ctx := context.Background()
	n := 0
	for _, l := range h.sim.Locations() {
		if !l.SupportsReservation || n >= 40 {
			continue
		}
		for _, e := range l.EVSEs {
			if e.Status != model.EVSEAvailable || n >= 40 {
				continue
			}
			start := h.clock.Now().Add(30 * time.Minute)
			res, err := h.client.CreateBooking(ctx, model.BookingRequest{LocationID: l.LocationID, EVSEUID: e.EVSEUID,
				ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: fmt.Sprintf("w-%02d", n),
				TokenStrategy: model.DriverToken, CustomerID: "cust_slow"})
			if err != nil {
				t.Fatal(err)
			}
			h.app.s.watch.track(*res.Booking, model.Location{}, false)
			n++
		}
	}
	wl := h.app.s.watch
	// Two ticks with no answers in between: nothing is polled twice.
	now := h.clock.Now()
	h.clock.Advance(10 * time.Second)
	first := wl.tick()
	inFlight := 0
	for _, w := range wl.items {
		if w.inFlight {
			inFlight++
		}
	}
	if second := wl.tick(); second != nil {
		t.Fatal("a second tick issued polls while every due booking was in flight")
	}
	h.run(first)
	_ = now
	if inFlight == 0 || inFlight > wl.budget() {
		t.Fatalf("%d polls in the first tick, budget %d", inFlight, wl.budget())
	}
	// Ten minutes of heartbeats: count GETs in every 60 s window.
	h.events = nil
	h.advance(10 * time.Minute)
	var times []time.Time
	for _, e := range h.events {
		if e.Method == "GET" && strings.HasPrefix(e.Path, "/bookings/") {
			times = append(times, e.Time)
		}
	}
	budget := wl.budget()
	for i := range times {
		j := i
		for j < len(times) && times[j].Sub(times[i]) < time.Minute {
			j++
		}
		if j-i > budget {
			t.Fatalf("%d polls within 60 s from %v, budget %d", j-i, times[i], budget)
		}
	}
	for _, e := range h.events {
		if e.Status == 429 {
			t.Fatal("the watchlist ran into a 429")
		}
	}
	// Every booking's confirmation was seen (cust_slow: confirmed at 25 s).
	for _, w := range wl.items {
		saw := false
		for _, s := range w.timeline {
			saw = saw || s.status == model.Confirmed
		}
		if !saw || confirming(w.booking.Status) {
			t.Fatalf("%s: %s, timeline %v", w.booking.ExternalID, w.booking.Status, w.timeline)
		}
	}
	t.Logf("%d bookings, %d polls in 10 min, budget %d/min", len(wl.items), len(times), budget)
}

func TestStatusChangeAnnouncedAndMarked(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("B") // away from the status screen
	h.advance(35 * time.Second)
	h.wantScreen("⚑ cd-test-001:", "→")
	if rows := bookingRows(h); len(rows) != 1 || !strings.Contains(rows[0], "⚑ ● ") {
		t.Fatalf("the change is not marked:\n%s", h.screen())
	}
	h.key("enter") // looking at it clears the mark
	h.wantOn("Booking status")
	h.key("esc")
	h.wantOn("Bookings")
	if rows := bookingRows(h); len(rows) != 1 || !strings.Contains(rows[0], "◉ ● ") {
		t.Fatalf("the mark stayed after the agent looked:\n%s", h.screen())
	}
}

func TestDriverMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.key("m") // not before the CPO confirmed
	h.wantScreen("comes once the CPO has confirmed")
	h.noScreen("Message for the driver")
	h.advance(12 * time.Second)
	h.send(tea.TerminalVersionMsg{Name: "kitty(0.35.2)"}) // a terminal that takes OSC 52
	h.key("m")
	h.wantScreen("Message for the driver (Deutsch)", "Buchungsnummer: cd-test-001", "EnBW Schnellladepark Marienplatz",
		"Marienplatz 8, 80331 München", "Mo 30.11.2026, 10:30–11:30 Uhr", "gewohnten Ladekarte oder App", "Copied to the clipboard",
		"Voraussichtlicher Preis: 24,03 €", "bis 10:45 Uhr für Sie reserviert (15 Minuten nach Beginn)", "No-Show")
	if !strings.Contains(h.clipboard, "Buchungsnummer: cd-test-001") || !strings.Contains(h.clipboard, "es kann eine Gebühr anfallen") {
		t.Fatalf("copied %q", h.clipboard)
	}
	h.key("d") // English
	h.wantScreen("Message for the driver (English)", "EnBW Schnellladepark Marienplatz", "Marienplatz 8, 80331 München",
		"https://www.google.com/maps/search/?api=1&query=48.137200,11.576100", "DE*ENB*E123456*1, connector 1",
		"Mon 30 Nov 2026, 10:30–11:30 (German time)", "usual charging card or app", "Booking reference: cd-test-001",
		"Copied to the clipboard", "Estimated price: 24.03 €", "reserved for you until 10:45 (German time), 15 minutes after the start",
		"a fee may be charged")
	if !strings.Contains(h.clipboard, "Booking reference: cd-test-001") || !strings.Contains(h.clipboard, "Marienplatz 8, 80331 München") {
		t.Fatalf("copied %q", h.clipboard)
	}
	h.key("esc")
	h.noScreen("Message for the driver")
}

func TestDriverMessageAdHoc(t *testing.T) {
	t.Parallel()
	zone := model.Berlin
	from := t0.Add(15 * time.Minute)
	until := t0.Add(3 * time.Hour)
	start, end := t0.Add(30*time.Minute), t0.Add(90*time.Minute)
	b := model.Booking{ID: "b1", Status: model.Confirmed, ExternalID: "guest-1", EVSEUID: "DE*ALG*E1*1", LocationName: "Allego Mitte",
		LocationCity: "Berlin", TokenStrategy: model.AdHoc, ReservationStart: &start, ReservationEnd: &end,
		AdHocToken: &model.AdHocToken{TokenUID: "04A2B3C4D5E6F7", ValidFrom: &from, ValidUntil: &until}}
	msg := model.DriverMessage(b, model.Location{}, zone, model.English)
	for _, want := range []string{"temporary token: 04A2B3C4D5E6F7", "valid until 30 Nov 13:02", "Allego Mitte", "Map: https://www.google.com/maps/search/?api=1&query=Allego+Mitte%2C+Berlin"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("message lacks %q:\n%s", want, msg)
		}
	}
}

// mapSelection is the selected location as the map names it: "◉ 1.0 km  Name".
var mapSelection = regexp.MustCompile(`^◉ (\d+\.\d km  .+?) · `)

func TestMapKeepsSelectionInSync(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{small, large, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, size, withDemo())
			h.key("enter", "m")
			h.wantScreen("N↑", "rings every", "◉ 0.1 km  EnBW Schnellladepark Marienplatz")
			h.key("down", "down")
			var sel string
			for _, l := range h.body() {
				if m := mapSelection.FindStringSubmatch(l); m != nil {
					sel = m[1]
				}
			}
			if sel == "" || strings.HasPrefix(sel, "0.5 km") {
				t.Fatalf("the map's selection did not follow ↓ (%q):\n%s", sel, h.screen())
			}
			h.key("m") // back to the list: the same row is selected
			if !strings.Contains(h.row("▸ "), sel) || !h.bodyMatches(` · 3/\d+\s*$`) {
				t.Fatalf("the map selected %q; the list:\n%s", sel, h.screen())
			}
			if lines := h.lines(); len(lines) > size[1] {
				t.Fatalf("%d lines at %v", len(lines), size)
			}
		})
	}
}

func TestNextBestCharger(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_expire")
	failed := evseShown(h)
	h.advance(45 * time.Second)
	h.wantStatus("EXPIRED")
	h.key("x")
	h.wantOn("Book")
	h.noScreen("Book " + failed + " at ") // not the charger that failed
	h.wantScreen("Next best charger after EXPIRED", "cust_expire")
	// Nothing is booked until the agent confirms.
	if n := len(h.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings before confirming", n)
	}
	h.focus("Customer id")
	h.clearAndType("cust_demo_001")
	h.key("enter")
	h.wantOn("Booking status")
	bs := h.sim.Bookings()
	if len(bs) != 2 || bs[1].EVSEUID == failed || bs[1].CustomerID != "cust_demo_001" {
		t.Fatalf("the server holds %+v after confirming", bs)
	}
	// esc goes back through the proposed location to the results.
	h.key("esc")
	h.wantOn("Location")
}

type memSaver struct{ saved []model.History }

func (m *memSaver) save(h model.History) error { m.saved = append(m.saved, h); return nil }

func TestRemembersPlacesAndCustomers(t *testing.T) {
	t.Parallel()
	remembered := func(_ *sim.Options, o *Options, _ *api.Config) {
		o.History = model.History{Places: []string{"52.5200, 13.4050"}, Customers: []string{"cust_regular"}}
	}
	saver := &memSaver{}
	h := newHarness(t, small, withDemo(), remembered, func(_ *sim.Options, o *Options, _ *api.Config) {
		o.SaveHistory = saver.save
	})
	h.key("up") // from the prefilled München: the remembered place comes before the presets
	if v := h.value("Place"); v != "52.5200, 13.4050" {
		t.Fatalf("place %q", v)
	}
	h.key("enter")
	if len(saver.saved) == 0 || saver.saved[len(saver.saved)-1].Places[0] != "52.5200, 13.4050" {
		t.Fatalf("saved %v", saver.saved)
	}
	h.key("enter", "enter")
	h.wantScreen("recent customers: cust_regular")
	h.key("down")
	if v := h.value("Customer id"); v != "cust_regular" {
		t.Fatalf("customer %q", v)
	}
	h.key("enter")
	if creates := h.sent("POST", "/bookings"); len(creates) != 1 || creates[0]["customer_id"] != "cust_regular" {
		t.Fatalf("creates sent: %v", creates)
	}
	last := saver.saved[len(saver.saved)-1]
	if last.Customers[0] != "cust_regular" {
		t.Fatalf("customers %v", last.Customers)
	}

	// Off (no saver): what was remembered is not offered.
	h2 := newHarness(t, small, withDemo(), remembered)
	h2.key("up")
	if v := h2.value("Place"); v == "52.5200, 13.4050" {
		t.Fatal("remembering is off, yet the remembered place is offered")
	}
	h2.key("down", "enter", "enter", "enter")
	h2.wantOn("Book")
	h2.noScreen("recent customers")
}

func TestRequestLogAndCurl(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo(), withKey(sim.DefaultKey))
	h.key("enter", "enter", "enter", "enter")
	h.feedLog()
	h.key("L")
	h.wantOn("Request log")
	h.wantScreen("Request log", "POST", "/bookings", "202", "GET", "/search?", "200")
	// The newest call (the create) is first; y copies it as curl.
	h.key("y")
	h.wantScreen(`curl -sS -X POST`, `"X-API-Key: $PETITMONDE_API_KEY"`)
	if !strings.Contains(h.clipboard, `--data-raw '{"location_id":"DE-ENB-E123456"`) || strings.Contains(h.clipboard, sim.DefaultKey) {
		t.Fatalf("copied: %s", h.clipboard)
	}
	h.noScreen(sim.DefaultKey)
	h.key("enter")
	h.wantScreen("── request body ──", `"external_id": "cd-test-001"`, "── response body ──", `"status": "REQUESTED"`)
	h.key("esc") // leaves the bodies, not the log
	h.wantOn("Request log")
	h.noScreen("── request body ──")
	h.key("L") // closes the log
	h.wantOn("Booking status")
}

func TestCurlCommandReproducesTheCall(t *testing.T) {
	t.Parallel()
	ev := api.Event{Method: "POST", Path: "/bookings/b-1/cancel", RequestBody: []byte(`{"reason":"it's late"}`)}
	got := api.CurlCommand("https://api.petitmonde.energy/api/v1/client/", ev)
	want := `curl -sS -X POST 'https://api.petitmonde.energy/api/v1/client/bookings/b-1/cancel' -H "X-API-Key: $PETITMONDE_API_KEY" -H 'Accept: application/json' -H 'Content-Type: application/json' --data-raw '{"reason":"it'\''s late"}'`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestHeaderUsageMeter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.wantScreen("month 9999/10000")
}

// An answer to a poll sent before a cancel must not undo the cancel.
func TestStalePollDoesNotUndoCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(12 * time.Second)
	h.wantStatus("CONFIRMED")
	// A poll goes out and is answered CONFIRMED; before the answer arrives,
	// the booking is cancelled.
	deliver := h.keyLate("r")
	h.key("c", "enter")
	h.wantStatus("CANCELLED")
	deliver()
	h.wantStatus("CANCELLED")
	h.noScreen("CANCELLED → CONFIRMED") // no change announced either
	if tl := timeline(h); len(tl) == 0 || tl[len(tl)-1] != "CANCELLED" {
		t.Fatalf("timeline %v after the stale answer", tl)
	}
}

var timelineRow = regexp.MustCompile(`^  \d\d:\d\d:\d\d  (\S+)`)

// timeline is the statuses of the status screen's timeline, oldest first.
func timeline(h *harness) []string {
	var out []string
	for _, l := range h.body() {
		if m := timelineRow.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// A spent monthly quota asks for a wait of days: the banner says it in hours
// and names the day, not a count of seconds.
func TestRetryBannerLongWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	wait := 15 * 24 * time.Hour
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != sim.BasePath+"/search" {
			h.sim.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.sim.ServeHTTP(rec, r) // for the rate headers
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"Monthly quota used up"}`))
	}))
	h.key("enter")
	// The wait in the model's words for a person (hours, or days), the day
	// and time it ends, the server's reason; never the seconds of Retry-After.
	h.wantScreen("quota is used up: nothing goes through before Tue 15 Dec 10:02 (in "+model.HumanDuration(wait)+")", "Monthly quota used up")
	h.noScreen(strconv.Itoa(int(wait.Seconds())))
}

func TestConfigWarningShownInTheTUI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, func(_ *sim.Options, o *Options, _ *api.Config) {
		o.Warnings = []string{"config /x/config.toml holds the API key of profile \"prod\" but is readable by group or others (mode 0644): run chmod 600 /x/config.toml"}
	})
	h.wantScreen("Configuration warning", "chmod 600")
	h.key("enter")
	h.noScreen("Configuration warning")
}

// After an unknown outcome, enter does not send the same booking blindly: it
// looks the external id up first and adopts the booking it finds.
func TestEnterAfterUnknownOutcomeLooksUpFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withoutContract()) // 502/503 are not in the contract
	h.key("enter", "enter", "enter")
	// The create is processed, its answer lost, and the look-up fails too.
	var posts, lists int
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "POST" && r.URL.Path == sim.BasePath+"/bookings":
			posts++
			h.sim.ServeHTTP(httptest.NewRecorder(), r) // made, answer lost
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"error":"gateway lost the answer"}`))
			return
		case r.Method == "GET" && r.URL.Path == sim.BasePath+"/bookings":
			lists++
			if lists == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":"busy"}`))
				return
			}
		}
		h.sim.ServeHTTP(w, r)
	}))
	h.key("enter")
	h.wantScreen("Outcome unknown", "cd-test-001")
	h.key("enter") // the agent tries again
	h.wantOn("Booking status")
	if posts != 1 || len(h.sim.Bookings()) != 1 {
		t.Fatalf("%d creates sent, %d bookings: booked twice", posts, len(h.sim.Bookings()))
	}
	h.wantScreen("The create's answer was lost")
}

// The server's 400 stays next to the field it names until that field is
// edited; the clock's revalidation every second does not wipe it.
func TestServerFieldErrorStaysUntilEdited(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withoutContract())
	h.key("enter", "enter", "enter")
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && r.URL.Path == sim.BasePath+"/bookings" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"customer_id cust_demo_001 has no token synced to this CPO"}`))
			return
		}
		h.sim.ServeHTTP(w, r)
	}))
	h.key("enter")
	h.wantScreen("✗ API: customer_id cust_demo_001 has no token synced")
	h.advance(3 * time.Second)
	h.wantScreen("✗ API: customer_id cust_demo_001 has no token synced")
	if !h.focused("Customer id") {
		t.Fatalf("the customer field lost the focus:\n%s", h.screen())
	}
	h.key("backspace") // the customer field has focus: editing it clears the server's word
	h.noScreen("✗ API: customer_id")
}
