package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

var (
	small = [2]int{80, 24}
	large = [2]int{120, 40}
)

// The flow tests drive chargedesk as a person does, with keys and typed
// text, and check what the screen shows, what was sent and what the server
// holds. Each has its own harness (program, simulator, clock), so they run in
// parallel.

// The demo's promise: Enter at each step books a charger, then the status
// plays out to COMPLETED with a final price in about two minutes.
func TestDemoEnterOnlyToCompleted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.wantScreen("DEMO", "München", "Find a charger")
	keys := 0
	press := func() { h.key("enter"); keys++ }
	press()
	h.wantOn("Results")
	press()
	h.wantOn("Location")
	press()
	h.wantOn("Book")
	h.wantScreen("cust_demo_001", "Ready — enter books it")
	press()
	h.wantOn("Booking status")
	if keys > 6 {
		t.Fatalf("%d keystrokes from launch to a submitted booking, want ≤ 6", keys)
	}
	h.wantStatus("REQUESTED")
	h.wantScreen("cd-test-001", "Simulated clock")
	if n := len(h.sent("POST", "/bookings")); n != 1 {
		t.Fatalf("%d creates sent, want 1", n)
	}
	// Confirmation within 1–10 s is seen within 5 s of happening.
	h.advance(15 * time.Second)
	h.wantStatus("CONFIRMED")
	h.wantScreen("Show the driver the reservation details", "CPO ref   ENB-R-")
	h.advance(150 * time.Second)
	h.wantStatus("COMPLETED")
	h.wantScreen("(final)", "final status, no more checks", "ATTENDING")
	if bs := h.sim.Bookings(); len(bs) != 1 || bs[0].Status != model.Completed {
		t.Fatalf("the server holds %+v, want one COMPLETED booking", bs)
	}
	// No poll is left after a terminal status.
	gets := h.count("GET", "/bookings/")
	h.advance(10 * time.Minute)
	if n := h.count("GET", "/bookings/"); n != gets {
		t.Fatalf("polled %d more times after COMPLETED", n-gets)
	}
	// q asks nothing once the booking is over.
	h.key("q")
	h.wantQuit()
}

func TestSearchValidationSendsNothingAndKeepsInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("48.1351, 11.5820")
	h.focus("Radius (km)")
	h.typeText("300")
	h.key("enter")
	h.wantScreen("radius: must be more than 0 and at most 200 km")
	if p, r := h.value("Place"), h.value("Radius (km)"); p != "48.1351, 11.5820" || r != "300" {
		t.Fatalf("the input was not kept: place %q, radius %q", p, r)
	}
	if n := h.count("GET", "/search"); n != 0 {
		t.Fatalf("%d searches sent for an invalid form", n)
	}
	h.wantOn("Search")
	// Bad coordinates name the field and the rule.
	h.focus("Place")
	h.key("end")
	h.typeText("x")
	h.wantScreen("place: not coordinates we can read")
}

func TestSearchFormPresetsAndCoordinates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.key("down")
	h.wantScreen("München", "→ München (town, Bayern) 48.1374, 11.5755")
	h.key("down")
	h.wantScreen("Berlin")
	h.key("enter")
	h.wantOn("Results")
	q := h.query("GET", "/search")
	berlin, _ := model.ResolvePlace("Berlin")
	if lat, _ := strconv.ParseFloat(q.Get("lat"), 64); lat != berlin.Lat {
		t.Fatalf("searched at lat %q", q.Get("lat"))
	}
	h.wantScreen("Berlin", "locations within 50 km")
}

// resultRow is one location as the results list draws it.
type resultRow struct {
	text     string // both lines
	km       float64
	price    float64 // when hasPrice; else the row says "price n/a"
	hasPrice bool
	powerKW  float64
	tag      string // bookable, search-only or none free, after any ⚑ mark
}

var (
	resultLine  = regexp.MustCompile(`^(?:▸ |  )\s*(\d+\.\d) km  .*?\s(?:~(\d+\.\d\d) €|price n/a)\s+(\S.*?)\s*$`)
	resultPower = regexp.MustCompile(`max ([\d.]+) kW`)
	listPos     = regexp.MustCompile(` · (\d+)/(\d+)\s*$`)
	shownCount  = regexp.MustCompile(` · (\d+) shown`)
)

func parseResultRow(t *testing.T, line1, line2 string) resultRow {
	t.Helper()
	m := resultLine.FindStringSubmatch(line1)
	if m == nil {
		t.Fatalf("not a result row: %q", line1)
	}
	r := resultRow{text: line1 + "\n" + line2, tag: m[3]}
	r.km, _ = strconv.ParseFloat(m[1], 64)
	if m[2] != "" {
		r.price, _ = strconv.ParseFloat(m[2], 64)
		r.hasPrice = true
	}
	if p := resultPower.FindStringSubmatch(line2); p != nil {
		r.powerKW, _ = strconv.ParseFloat(p[1], 64)
	}
	return r
}

// shownResults are the result rows in view, top to bottom.
func shownResults(h *harness) []resultRow {
	h.t.Helper()
	body := h.body()
	var out []resultRow
	for i := 0; i+1 < len(body); i++ {
		if resultLine.MatchString(body[i]) {
			out = append(out, parseResultRow(h.t, body[i], body[i+1]))
			i++
		}
	}
	return out
}

// resultRows walks the results list from the top with ↓, as a person reading
// every row does, and returns the rows in the order the list shows them.
func resultRows(h *harness) []resultRow {
	h.t.Helper()
	h.key("home")
	var out []resultRow
	for {
		body := h.body()
		var pos []string
		for _, l := range body {
			if m := listPos.FindStringSubmatch(l); m != nil && strings.HasPrefix(l, "sorted by ") {
				pos = m
			}
		}
		if pos == nil {
			return out // nothing shown
		}
		sel := -1
		for i, l := range body {
			if strings.HasPrefix(l, "▸ ") && i+1 < len(body) {
				sel = i
				break
			}
		}
		if sel < 0 {
			h.t.Fatalf("no row selected:\n%s", h.screen())
		}
		out = append(out, parseResultRow(h.t, body[sel], body[sel+1]))
		if cur, _ := strconv.Atoi(pos[1]); cur != len(out) {
			h.t.Fatalf("row %d selected after %d rows read:\n%s", cur, len(out), h.screen())
		}
		if pos[1] == pos[2] {
			return out
		}
		h.key("down")
	}
}

func shown(h *harness) int {
	h.t.Helper()
	m := shownCount.FindStringSubmatch(h.screen())
	if m == nil {
		h.t.Fatalf("no count of shown results:\n%s", h.screen())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestResultsSortFilterBookable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.key("enter")
	n := shown(h)
	if n < 10 {
		t.Fatalf("only %d results", n)
	}
	if rows := resultRows(h); len(rows) != n {
		t.Fatalf("%d rows to read, the list says %d shown", len(rows), n)
	}
	h.key("s") // price
	h.wantScreen("sorted by price")
	rows := resultRows(h)
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if (!a.hasPrice && b.hasPrice) || (a.hasPrice && b.hasPrice && a.price > b.price) {
			t.Fatalf("not sorted by price at %d:\n%s\n%s", i, a.text, b.text)
		}
	}
	h.key("s") // power
	h.wantScreen("sorted by power")
	rows = resultRows(h)
	for i := 1; i < len(rows); i++ {
		if rows[i-1].powerKW < rows[i].powerKW {
			t.Fatalf("not sorted by power at %d:\n%s\n%s", i, rows[i-1].text, rows[i].text)
		}
	}
	h.key("s")
	h.wantScreen("sorted by distance")
	rows = resultRows(h)
	for i := 1; i < len(rows); i++ {
		if rows[i-1].km > rows[i].km {
			t.Fatalf("not sorted by distance at %d:\n%s\n%s", i, rows[i-1].text, rows[i].text)
		}
	}
	h.key("b")
	h.wantScreen("bookable only")
	rows = resultRows(h)
	if len(rows) == 0 {
		t.Fatal("bookable-only shows nothing")
	}
	for _, r := range rows {
		if r.tag != "bookable" {
			t.Fatalf("bookable-only shows an unbookable location:\n%s", r.text)
		}
	}
	h.key("b", "/")
	h.typeText("aral")
	h.wantScreen("/ aral") // the filter field took the keys
	// The list follows the filter as it is typed.
	live := shownResults(h)
	if len(live) == 0 {
		t.Fatalf("the filter shows nothing:\n%s", h.screen())
	}
	for _, r := range live {
		if !strings.Contains(strings.ToLower(r.text), "aral") {
			t.Fatalf("filter kept\n%s", r.text)
		}
	}
	h.key("enter")
	h.wantScreen(`filter "aral"`)
	for _, r := range resultRows(h) {
		if !strings.Contains(strings.ToLower(r.text), "aral") {
			t.Fatalf("filter kept\n%s", r.text)
		}
	}
	h.key("esc") // clears the filter, stays
	h.wantOn("Results")
	h.noScreen(`filter "aral"`)
	if got := shown(h); got != n {
		t.Fatalf("esc did not clear the filter: %d shown, want %d", got, n)
	}
	h.key("esc") // back to the form
	h.wantOn("Search")
}

// bookUntilStatus runs the demo flow to the status screen, with a customer id.
func bookUntilStatus(t *testing.T, h *harness, customer string) {
	t.Helper()
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.clearAndType(customer)
	h.key("enter")
	h.wantOn("Booking status")
	creates := h.sent("POST", "/bookings")
	if len(creates) == 0 || creates[len(creates)-1]["customer_id"] != customer {
		t.Fatalf("creates sent: %v, want the last for %s", creates, customer)
	}
}

// evseShown is the EVSE the status screen shows, without its connector.
func evseShown(h *harness) string {
	h.t.Helper()
	uid, _, _ := strings.Cut(h.value("EVSE"), " · ")
	return uid
}

func TestExpiredSuggestsAnotherChargerAndMarksIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_expire")
	h.advance(45 * time.Second)
	h.wantStatus("EXPIRED")
	h.wantScreen("suggest trying another charger", "t try another charger")
	evse := evseShown(h)
	h.key("t")
	h.wantOn("Results")
	h.wantScreen("⚑ EXPIRED", "ended EXPIRED · ▸ next best: another CPO")
	if !h.bodyMatches(`^▸ .*IONITY`) { // the cursor is on the proposal: the CPO expired
		t.Fatalf("the cursor is not on another CPO's charger:\n%s", h.screen())
	}
	h.key("g", "enter") // the first, where it expired
	h.wantOn("Location")
	if row := h.row(evse); !strings.Contains(row, "⚑ EXPIRED") {
		t.Fatalf("the EVSE that expired is not marked: %q", row)
	}
}

func TestNoShowAndRejectOutcomes(t *testing.T) {
	t.Parallel()
	t.Run("no-show", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, small, withDemo())
		bookUntilStatus(t, h, "cust_noshow")
		h.advance(3 * time.Minute)
		h.wantStatus("NO_SHOW")
		h.wantScreen("fee may apply")
	})
	t.Run("rejected", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, small, withDemo())
		bookUntilStatus(t, h, "cust_reject")
		h.advance(30 * time.Second)
		h.wantStatus("CANCELLED")
		if r := h.value("Reason"); !strings.HasPrefix(r, "Rejected by CPO") {
			t.Fatalf("reason %q", r)
		}
	})
}

func TestCancelConfirmedWarnsAboutFee(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(12 * time.Second)
	h.wantStatus("CONFIRMED")
	h.key("c")
	h.wantScreen("Cancel booking cd-test-001?", "the CPO may charge a cancellation fee", "Driver cancelled by phone")
	h.key("esc")
	h.noScreen("Cancel booking cd-test-001?")
	h.wantOn("Booking status") // esc in the dialog did not leave the screen
	if n := h.count("POST", "/bookings/"); n != 0 {
		t.Fatalf("%d cancels sent after esc", n)
	}
	h.key("c", "down", "enter")
	h.wantStatus("CANCELLED")
	h.wantScreen("Plans changed")
	b := h.sim.Bookings()[0]
	if sent := h.sent("POST", "/bookings/"+b.ID+"/cancel"); len(sent) != 1 || sent[0]["reason"] != "Plans changed" {
		t.Fatalf("cancels sent: %v", sent)
	}
	if b.Status != model.Cancelled {
		t.Fatalf("the server holds %s", b.Status)
	}
	// Cannot cancel twice: a clear refusal, no request.
	posts := h.count("POST", "/bookings/")
	h.key("c")
	h.wantScreen("cannot be cancelled")
	if h.count("POST", "/bookings/") != posts {
		t.Fatal("a cancel was sent for a CANCELLED booking")
	}
}

func TestCancelWithTypedReasonFreeBeforeConfirm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("c")
	h.wantScreen("Cancelling now is free")
	for range 10 {
		if len(h.rows("▸ Other (type below)")) > 0 {
			break
		}
		h.key("down")
	}
	h.wantScreen("▸ Other (type below)")
	h.key("enter")
	h.wantScreen("reason: type a reason")
	if n := h.count("POST", "/bookings/"); n != 0 {
		t.Fatalf("%d cancels sent without a reason", n)
	}
	const reason = "Driver found a free charger nearby, q"
	h.typeText(reason)
	// The typed reason takes every key, q included.
	if h.quit {
		t.Fatal("q quit while typing the reason")
	}
	h.wantScreen(reason)
	h.key("enter")
	h.wantStatus("CANCELLED")
	if got := h.value("Reason"); got != reason {
		t.Fatalf("reason shown %q", got)
	}
	b := h.sim.Bookings()[0]
	if sent := h.sent("POST", "/bookings/"+b.ID+"/cancel"); len(sent) != 1 || sent[0]["reason"] != reason {
		t.Fatalf("cancels sent: %v", sent)
	}
	if b.Status != model.Cancelled || !strings.Contains(b.CancellationReason, "free charger nearby, q") {
		t.Fatalf("the server holds %s, reason %q", b.Status, b.CancellationReason)
	}
}

// One poll loop, whatever the agent presses.
func TestPollLoopNeverDoubles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	gets := h.count("GET", "/bookings/")
	deliver := h.keyLate("r") // a refresh whose answer is slow to come
	h.wantScreen("checking now…")
	h.key("r", "r", "r", "r")
	if n := h.count("GET", "/bookings/") - gets; n != 1 {
		t.Fatalf("%d polls for five refreshes while one was under way", n)
	}
	deliver()
	h.wantScreen("next check in")
	h.noScreen("checking now")
	before := h.count("GET", "/bookings/")
	h.advance(20 * time.Second)
	got := h.count("GET", "/bookings/") - before
	// cust_slow stays PENDING: every 5 s, so 4 in 20 s, never twice as many.
	if got < 3 || got > 5 {
		t.Fatalf("%d polls in 20 s while PENDING, want about 4", got)
	}
	// Leaving the screen does not stop watching (the watchlist polls), and
	// the loop still does not double.
	h.key("esc")
	before = h.count("GET", "/bookings/")
	h.advance(20 * time.Second)
	if n := h.count("GET", "/bookings/") - before; n < 1 || n > 5 {
		t.Fatalf("%d polls in 20 s after leaving the status screen, want the same pace", n)
	}
}

// An answer to a search the agent has since replaced does not move the screen.
func TestStaleSearchAnswerDropped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	munich := h.keyLate("enter") // around München, slow to answer
	h.wantScreen("Searching…")
	h.focus("Place")
	h.clearAndType("Berlin")
	berlin := h.keyLate("enter")
	if n := h.count("GET", "/search"); n != 2 {
		t.Fatalf("%d searches sent, want 2", n)
	}
	munich() // the first answer arrives after the second search went out
	h.wantOn("Search")
	h.wantScreen("Searching…")
	berlin()
	h.wantOn("Results")
	h.wantScreen("locations within 25 km of Berlin")
}

func TestConflictOffersOtherEVSEs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	first := h.sim.Bookings()[0].EVSEUID
	// Same EVSE, same window, once more.
	h.key("esc") // status → detail (the form was replaced by the status)
	h.wantOn("Location")
	h.key("enter")
	h.wantOn("Book")
	h.wantScreen("Book " + first + " at ") // the EVSE booked first is preselected
	h.key("enter")
	h.wantScreen("You already booked this EVSE") // asked first…
	if n := h.count("POST", "/bookings"); n != 1 {
		t.Fatalf("%d creates before the agent confirmed a second booking of the EVSE", n)
	}
	h.key("enter") // …and on purpose: the API refuses
	h.wantScreen("409", "Other free EVSEs here", "ctrl+n")
	h.wantOn("Book") // the form stays on 409
	h.key("ctrl+n")
	h.wantOn("Book")
	h.noScreen("Book " + first + " at ")
	h.wantScreen("cust_demo_001") // input kept
	h.key("enter")
	h.wantOn("Booking status")
	creates := h.sent("POST", "/bookings")
	if len(creates) != 3 || creates[1]["evse_uid"] != first || creates[2]["evse_uid"] == first {
		t.Fatalf("creates sent: %v", creates)
	}
	if bs := h.sim.Bookings(); len(bs) != 2 || bs[1].EVSEUID == first {
		t.Fatalf("the other EVSE was not booked: %+v", bs)
	}
}

// oneFreeEVSE rewrites the search answer so the first location has a single
// free EVSE: the others are shown CHARGING.
func oneFreeEVSE(path string, b []byte) []byte {
	if !strings.HasSuffix(path, "/search") {
		return b
	}
	var resp map[string]any
	if json.Unmarshal(b, &resp) != nil {
		return b
	}
	results, _ := resp["results"].([]any)
	if len(results) == 0 {
		return b
	}
	free := 0
	for _, e := range results[0].(map[string]any)["evses"].([]any) {
		if e := e.(map[string]any); e["status"] == string(model.EVSEAvailable) {
			if free++; free > 1 {
				e["status"] = string(model.EVSECharging)
			}
		}
	}
	out, _ := json.Marshal(resp)
	return out
}

func TestConflictLaterSlot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	// No other EVSE at the location is free, so only "later" helps.
	h.serve(rewriting(h.sim, oneFreeEVSE))
	bookUntilStatus(t, h, "cust_demo_001")
	h.key("esc", "enter")
	h.wantOn("Book")
	h.key("enter", "enter") // the second enter confirms booking the EVSE again
	h.wantScreen("No other EVSE here is free", "ctrl+l")
	before := h.value("Start (Berlin)")
	start, err := time.ParseInLocation("2006-01-02 15:04", before, model.Berlin)
	if err != nil {
		t.Fatalf("start %q: %v", before, err)
	}
	h.key("ctrl+l") // past the reservation that caused the 409 (this session's, 1 h)
	if after, want := h.value("Start (Berlin)"), start.Add(time.Hour).Format("2006-01-02 15:04"); after != want {
		t.Fatalf("ctrl+l moved the start from %s to %s, want %s", before, after, want)
	}
	h.noScreen("409 — slot taken") // the form is ready to try again
	h.key("enter")
	h.wantOn("Booking status")
	bs := h.sim.Bookings()
	if len(bs) != 2 {
		t.Fatalf("%d bookings, want 2", len(bs))
	}
	s0, _ := bs[0].Window()
	s1, _ := bs[1].Window()
	if bs[1].EVSEUID != bs[0].EVSEUID || !s1.Equal(s0.Add(time.Hour)) {
		t.Fatalf("later slot: %s at %v, first %s at %v", bs[1].EVSEUID, s1, bs[0].EVSEUID, s0)
	}
}

func TestBadRequestShowsServerTextKeepsInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.key("enter", "enter", "enter")
	h.choose("Token", "group_token")
	h.focus("Fleet group")
	h.typeText("group_overlimit")
	h.key("enter")
	h.wantScreen("Fleet group spending limit exceeded", "reached its spending limit", "Your input is")
	h.noScreen("dates must be in the future", "Check the dates")
	h.wantOn("Book") // the form stays on 400
	if v := h.value("Fleet group"); v != "group_overlimit" {
		t.Fatalf("fleet group %q after the 400", v)
	}
	creates := h.sent("POST", "/bookings")
	if len(creates) != 1 || creates[0]["token_strategy"] != "group_token" || creates[0]["fleet_group_id"] != "group_overlimit" {
		t.Fatalf("creates sent: %v", creates)
	}
}

func TestNotFoundOffersSearchAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	// The search lists a location the server no longer knows.
	h.serve(rewriting(h.sim, func(path string, b []byte) []byte {
		if !strings.HasSuffix(path, "/search") {
			return b
		}
		return bytes.ReplaceAll(b, []byte(`"DE-ENB-E123456"`), []byte(`"DE-XXX-E000000"`))
	}))
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.key("enter")
	h.wantScreen("404", "ctrl+r runs the search again")
	if creates := h.sent("POST", "/bookings"); len(creates) != 1 || creates[0]["location_id"] != "DE-XXX-E000000" {
		t.Fatalf("creates sent: %v", creates)
	}
	h.key("ctrl+r")
	h.wantOn("Results")
	if n := h.count("GET", "/search"); n != 2 {
		t.Fatalf("%d searches sent, want the search run again", n)
	}
}

func TestRateLimitCountdownThenAutomaticRetry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withRateLimit(2))
	h.key("enter") // the usage meter and the search: the minute's two requests
	h.key("enter", "enter", "enter")
	h.wantScreen("Rate limited", "retrying automatically in")
	h.wantOn("Book") // the form stays on 429
	first := h.row("retrying automatically in")
	h.advance(5 * time.Second)
	if h.row("retrying automatically in") == first {
		t.Fatalf("the countdown does not move: %q", first)
	}
	h.advance(70 * time.Second)
	h.wantOn("Booking status")
	var statuses []int
	for _, e := range h.calls("POST", "/bookings") {
		statuses = append(statuses, e.Status)
	}
	if len(statuses) != 2 || statuses[0] != http.StatusTooManyRequests || statuses[1] != http.StatusAccepted {
		t.Fatalf("creates answered %v, want a 429 then the automatic retry", statuses)
	}
	if n := len(h.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings, want 1", n)
	}
}

func TestUnauthorizedAndForbiddenNameTheFix(t *testing.T) {
	t.Parallel()
	t.Run("401", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, small, withDemo(), withKey("wrong-key-123456"))
		// Said at start (the first call is /usage), not at the first search.
		h.wantScreen("API key rejected (401)", "PETITMONDE_API_KEY", "Invalid API key")
		if n := h.count("GET", "/search"); n != 0 {
			t.Fatalf("%d searches before the key was found wrong", n)
		}
		h.noScreen("wrong-key-123456")
		h.key("esc")
		h.noScreen("API key rejected")
		h.key("enter")
		h.wantScreen("API key rejected (401)")
	})
	t.Run("403", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, small, withDemo(), withSuspended("suspended-key-9"))
		h.wantScreen("Access refused (403)", "suspended")
	})
}

// faulty wraps a handler: the first n requests get a 500.
func faulty(n int32, next http.Handler) http.Handler {
	var count atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":"upstream CPO gateway failed"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestServerErrorBannerThenRetry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.serve(faulty(2, h.sim))
	h.key("enter")
	h.wantScreen("Server error", "upstream CPO gateway failed", "nothing you entered is lost", "München")
	h.advance(30 * time.Second)
	h.wantOn("Results")
	var statuses []int
	for _, e := range h.calls("GET", "/search") {
		statuses = append(statuses, e.Status)
	}
	if len(statuses) != 3 || statuses[2] != http.StatusOK {
		t.Fatalf("searches answered %v, want two 500s then the retry", statuses)
	}
}

var retryNumber = regexp.MustCompile(`retry (\d+) in`)

func TestNetworkErrorBannerKeepsInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.srv.Close()
	h.key("enter")
	h.wantScreen("Network problem", "retry 1", "München", "25")
	h.advance(10 * time.Second)
	h.wantScreen("Network problem", "München")
	tries := h.count("GET", "/search")
	if tries < 2 || tries > 5 {
		t.Fatalf("%d attempts in 10 s, want a few with backoff", tries)
	}
	if m := retryNumber.FindStringSubmatch(h.screen()); m == nil || m[1] != strconv.Itoa(tries) {
		t.Fatalf("after %d attempts the banner says %v:\n%s", tries, m, h.screen())
	}
}

// rewriting changes every JSON answer with f before it reaches the client.
func rewriting(next http.Handler, f func(path string, body []byte) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := f(r.URL.Path, rec.Body.Bytes())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

func TestUnknownStatusShownNotCrashing(t *testing.T) {
	t.Parallel()
	// The rewritten status breaks the contract on purpose: no contract check here.
	h := newHarness(t, small, withDemo(), withoutContract())
	h.serve(rewriting(h.sim, func(path string, b []byte) []byte {
		if strings.HasPrefix(path, sim.BasePath+"/bookings/") && !strings.HasSuffix(path, "/cancel") {
			return bytes.ReplaceAll(b, []byte(`"status":"CONFIRMED"`), []byte(`"status":"ON_HOLD"`))
		}
		return b
	}))
	bookUntilStatus(t, h, "cust_demo_001")
	h.advance(15 * time.Second)
	h.wantStatus("ON_HOLD")
	h.wantScreen("not known to chargedesk", "next check in")
	// Polling goes on.
	gets := h.count("GET", "/bookings/")
	h.advance(10 * time.Second)
	if h.count("GET", "/bookings/") == gets {
		t.Fatal("polling stopped on an unknown status")
	}
}

func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	evil := "\x1b]52;c;aGFja2Vk\x07\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x07Evil\u202eplug\x1b[H"
	h.serve(rewriting(h.sim, func(path string, b []byte) []byte {
		if !strings.HasSuffix(path, "/search") {
			return b
		}
		var resp map[string]any
		if json.Unmarshal(b, &resp) != nil {
			return b
		}
		for _, r := range resp["results"].([]any) {
			r.(map[string]any)["name"] = evil + r.(map[string]any)["name"].(string)
			r.(map[string]any)["cpo_name"] = "\x9b2J" + evil
		}
		out, _ := json.Marshal(resp)
		return out
	}))
	h.key("enter")
	raw := h.app.Render()
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\u202e", "\x07", "\x9b"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("frame contains %q", bad)
		}
	}
	h.wantScreen("Evilplug")
	h.key("enter")
	raw = h.app.Render()
	if strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\u202e") {
		t.Fatal("detail frame carries server escapes")
	}
}

func TestEscGoesBackAndQuitRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	// q types into the focused place field instead of quitting (and
	// replaces the prefilled place, untouched until then).
	h.key("q")
	if h.quit {
		t.Fatal("q quit while typing")
	}
	if v := h.value("Place"); v != "q" {
		t.Fatalf("place %q: q was not typed", v)
	}
	h.key("ctrl+u")
	h.typeText("München")
	h.key("enter", "enter")
	h.wantOn("Location")
	h.key("esc")
	h.wantOn("Results")
	h.key("?")
	h.wantScreen("Keys", "sort")
	h.key("?")
	h.noScreen("closes this help")
	// ctrl+c always quits.
	h.key("ctrl+c")
	h.wantQuit()
}

func TestQuitWhileWatchingAsks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("q")
	h.wantScreen("Quit chargedesk?", "stops watching")
	h.key("n")
	h.noScreen("Quit chargedesk?")
	if h.quit {
		t.Fatal("n quit")
	}
	h.key("q", "y")
	h.wantQuit()
}

func TestTooSmallNotice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, [2]int{50, 12})
	h.wantScreen("Terminal too small: 50×12", "at least 64×18")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantScreen("Find a charger")
}

func TestReadOnlyRefusesBooking(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withReadOnly())
	h.wantScreen("READ-ONLY")
	h.key("enter", "enter")
	h.wantOn("Location") // said here, before any form opens
	h.wantScreen("Read-only: booking is off")
	h.noScreen("enter book this EVSE")
	h.key("enter", "enter")
	h.wantOn("Location")
	if h.count("POST", "/bookings") != 0 || len(h.sim.Bookings()) != 0 {
		t.Fatal("a create went out in read-only mode")
	}
}

// previewJSON is the request body the booking form's JSON view shows.
func previewJSON(h *harness) []byte {
	h.t.Helper()
	var js []string
	for _, l := range h.body() {
		if l == "{" || len(js) > 0 {
			js = append(js, l)
		}
		if l == "}" {
			break
		}
	}
	var out bytes.Buffer
	if err := json.Compact(&out, []byte(strings.Join(js, "\n"))); err != nil {
		h.t.Fatalf("no JSON on the screen (%v):\n%s", err, h.screen())
	}
	return out.Bytes()
}

func TestJSONPreviewIsTheBodySent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter", "ctrl+o")
	h.wantScreen(`"external_id": "cd-test-001"`, `"token_strategy": "driver_token"`, `"customer_id": "cust_demo_001"`)
	want := previewJSON(h)
	h.key("enter")
	creates := h.calls("POST", "/bookings")
	if len(creates) != 1 || !bytes.Equal(creates[0].RequestBody, want) {
		t.Fatalf("sent %d creates: %v\npreview %s", len(creates), creates, want)
	}
}

func TestConfirmValidationMirrorsAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.key("enter", "enter", "enter")
	h.focus("Customer id")
	h.key("ctrl+u")
	h.focus("Start (Berlin)")
	h.clearAndType(h.clock.Now().Add(5 * time.Minute).In(model.Berlin).Format("2006-01-02 15:04"))
	h.key("enter")
	h.wantScreen("customer_id or token_id is required", "must be at least 15 minutes in")
	h.choose("Token", "pipelet")
	h.focus("RFID UID")
	h.typeText("04A2B3")
	h.key("enter")
	h.wantScreen("token_uid must be 8, 14 or 20 hexadecimal")
	if h.count("POST", "/bookings") != 0 {
		t.Fatal("an invalid booking was sent")
	}
}
