package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

var (
	small = [2]int{80, 24}
	large = [2]int{120, 40}
)

func countEvents(h *harness, method, prefix string) int {
	n := 0
	for _, e := range h.events {
		if e.Method == method && strings.HasPrefix(e.Path, prefix) {
			n++
		}
	}
	return n
}

// The demo's promise: Enter at each step books a charger, then the status
// plays out to COMPLETED with a final price in about two minutes.
func TestDemoEnterOnlyToCompleted(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.wantScreen("DEMO", "München", "Find a charger")
	keys := 0
	press := func() { h.key("enter"); keys++ }
	press()
	if _, ok := h.top().(*resultsScreen); !ok {
		t.Fatalf("after enter on the search form: %T\n%s", h.top(), h.screen())
	}
	press()
	if _, ok := h.top().(*detailScreen); !ok {
		t.Fatalf("after enter on the results: %T", h.top())
	}
	press()
	if _, ok := h.top().(*confirmScreen); !ok {
		t.Fatalf("after enter on the detail: %T", h.top())
	}
	h.wantScreen("cust_demo_001", "Ready — enter books it")
	press()
	st, ok := h.top().(*statusScreen)
	if !ok {
		t.Fatalf("after enter on the confirm form: %T\n%s", h.top(), h.screen())
	}
	if keys > 6 {
		t.Fatalf("%d keystrokes from launch to a submitted booking, want ≤ 6", keys)
	}
	h.wantScreen("REQUESTED", "cd-test-001", "Simulated clock")
	if n := countEvents(h, "POST", "/bookings"); n != 1 {
		t.Fatalf("%d creates sent, want 1", n)
	}
	// Confirmation within 1–10 s is seen within 5 s of happening.
	h.advance(15 * time.Second)
	if st.current().Status != model.Confirmed {
		t.Fatalf("after 15 s: %s\n%s", st.current().Status, h.screen())
	}
	h.wantScreen("CONFIRMED", "Show the driver the reservation details", "CPO ref   ENB-R-")
	h.advance(150 * time.Second)
	if st.current().Status != model.Completed {
		t.Fatalf("after about 2.5 min the demo booking is %s, want COMPLETED\n%s", st.current().Status, h.screen())
	}
	h.wantScreen("COMPLETED", "(final)", "final status, no more checks", "ATTENDING")
	if w := st.entry(); !w.nextPoll.IsZero() {
		t.Fatalf("a poll is still scheduled after a terminal status (%v)", w.nextPoll)
	}
	gets := countEvents(h, "GET", "/bookings/")
	h.advance(10 * time.Minute)
	if n := countEvents(h, "GET", "/bookings/"); n != gets {
		t.Fatalf("polled %d more times after COMPLETED", n-gets)
	}
	// q asks nothing once the booking is over.
	_, cmd := h.app.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q on the status screen did not quit")
	}
}

func TestSearchValidationSendsNothingAndKeepsInput(t *testing.T) {
	h := newHarness(t, small)
	h.typeText("48.1351, 11.5820")
	h.key("tab")
	h.typeText("300")
	h.key("enter")
	h.wantScreen("radius: must be more than 0 and at most 200 km", "300", "48.1351, 11.5820")
	if n := countEvents(h, "GET", "/search"); n != 0 {
		t.Fatalf("%d searches sent for an invalid form", n)
	}
	if _, ok := h.top().(*searchScreen); !ok {
		t.Fatal("left the form")
	}
	// Bad coordinates name the field and the rule.
	for i := 0; i < 20; i++ {
		h.key("shift+tab")
		if h.top().(*searchScreen).form.focus == 0 {
			break
		}
	}
	h.key("end")
	h.typeText("x")
	h.wantScreen("place: not a known city or coordinates")
}

func TestSearchFormPresetsAndCoordinates(t *testing.T) {
	h := newHarness(t, small)
	h.key("down")
	h.wantScreen("München", "48.1351, 11.5820")
	h.key("down")
	h.wantScreen("Berlin")
	h.key("enter")
	r, ok := h.top().(*resultsScreen)
	if !ok {
		t.Fatalf("no results: %s", h.screen())
	}
	if r.query.Lat != 52.52 {
		t.Fatalf("searched at %v", r.query.Lat)
	}
	h.wantScreen("Berlin", "locations within 50 km")
}

func TestResultsSortFilterBookable(t *testing.T) {
	h := newHarness(t, large, withDemo())
	h.key("enter")
	r := h.top().(*resultsScreen)
	n := len(r.view)
	if n < 10 {
		t.Fatalf("only %d results", n)
	}
	h.key("s") // price
	h.wantScreen("sorted by price")
	for i := 1; i < len(r.view); i++ {
		a, _ := r.resp.Results[r.view[i-1]].EstimatedPrice()
		b, _ := r.resp.Results[r.view[i]].EstimatedPrice()
		if a > b {
			t.Fatalf("not sorted by price at %d: %v > %v", i, a, b)
		}
	}
	h.key("s") // power
	for i := 1; i < len(r.view); i++ {
		if r.resp.Results[r.view[i-1]].MaxPowerKW() < r.resp.Results[r.view[i]].MaxPowerKW() {
			t.Fatalf("not sorted by power at %d", i)
		}
	}
	h.key("s")
	h.wantScreen("sorted by distance")
	h.key("b")
	for _, i := range r.view {
		if r.resp.Results[i].BookableCount() == 0 {
			t.Fatal("bookable-only shows an unbookable location")
		}
	}
	h.key("b", "/")
	if !h.top().Typing() {
		t.Fatal("filter field not focused")
	}
	h.typeText("aral")
	for _, i := range r.view {
		if !strings.Contains(strings.ToLower(r.resp.Results[i].Name+r.resp.Results[i].CPOName), "aral") {
			t.Fatalf("filter kept %q", r.resp.Results[i].Name)
		}
	}
	h.key("enter")
	h.wantScreen(`filter "aral"`)
	h.key("esc") // clears the filter, stays
	if _, ok := h.top().(*resultsScreen); !ok || r.list.RawFilter() != "" {
		t.Fatal("esc did not clear the filter")
	}
	h.key("esc") // back to the form
	if _, ok := h.top().(*searchScreen); !ok {
		t.Fatal("esc did not go back")
	}
}

// bookUntilStatus runs the demo flow to the status screen, with a customer id.
func bookUntilStatus(t *testing.T, h *harness, customer string) *statusScreen {
	t.Helper()
	h.key("enter", "enter", "enter")
	c := h.top().(*confirmScreen)
	f := c.form.byName("customer_id")
	f.input.SetValue(customer)
	h.key("enter")
	st, ok := h.top().(*statusScreen)
	if !ok {
		t.Fatalf("not on the status screen: %s", h.screen())
	}
	return st
}

func TestExpiredSuggestsAnotherChargerAndMarksIt(t *testing.T) {
	h := newHarness(t, small, withDemo())
	st := bookUntilStatus(t, h, "cust_expire")
	h.advance(45 * time.Second)
	if st.current().Status != model.Expired {
		t.Fatalf("status %s, want EXPIRED", st.current().Status)
	}
	h.wantScreen("EXPIRED", "suggest trying another charger", "t try another charger")
	evse := st.current().EVSEUID
	h.key("t")
	r, ok := h.top().(*resultsScreen)
	if !ok {
		t.Fatalf("t went to %T", h.top())
	}
	h.wantScreen("⚑ EXPIRED", "pick another charger")
	h.key("enter")
	h.wantScreen(evse, "⚑ EXPIRED")
	_ = r
}

func TestNoShowAndRejectOutcomes(t *testing.T) {
	h := newHarness(t, small, withDemo())
	st := bookUntilStatus(t, h, "cust_noshow")
	h.advance(3 * time.Minute)
	if st.current().Status != model.NoShow {
		t.Fatalf("status %s, want NO_SHOW", st.current().Status)
	}
	h.wantScreen("NO_SHOW", "fee may apply")

	h2 := newHarness(t, small, withDemo())
	st2 := bookUntilStatus(t, h2, "cust_reject")
	h2.advance(30 * time.Second)
	if st2.current().Status != model.Cancelled {
		t.Fatalf("status %s, want CANCELLED", st2.current().Status)
	}
	h2.wantScreen("CANCELLED", "Reason", "Rejected by CPO")
}

func TestCancelConfirmedWarnsAboutFee(t *testing.T) {
	h := newHarness(t, small, withDemo())
	st := bookUntilStatus(t, h, "cust_demo_001")
	h.advance(12 * time.Second)
	if st.current().Status != model.Confirmed {
		t.Fatalf("status %s", st.current().Status)
	}
	h.key("c")
	h.wantScreen("Cancel booking cd-test-001?", "the CPO may charge a cancellation fee", "Driver cancelled by phone")
	h.key("esc")
	if st.dialog.open {
		t.Fatal("esc did not close the dialog")
	}
	if _, ok := h.top().(*statusScreen); !ok {
		t.Fatal("esc in the dialog left the screen")
	}
	h.key("c", "down", "enter")
	if st.current().Status != model.Cancelled {
		t.Fatalf("status %s after cancel\n%s", st.current().Status, h.screen())
	}
	h.wantScreen("CANCELLED", "Plans changed")
	// Cannot cancel twice: a clear refusal, no request.
	posts := countEvents(h, "POST", "/bookings/")
	h.key("c")
	h.wantScreen("cannot be cancelled")
	if countEvents(h, "POST", "/bookings/") != posts {
		t.Fatal("a cancel was sent for a CANCELLED booking")
	}
}

func TestCancelWithTypedReasonFreeBeforeConfirm(t *testing.T) {
	h := newHarness(t, small, withDemo())
	st := bookUntilStatus(t, h, "cust_slow")
	h.key("c")
	h.wantScreen("Cancelling now is free")
	for i := 0; i < len(cancelReasons)-1; i++ {
		h.key("down")
	}
	if !h.top().Typing() {
		t.Fatal("the typed reason does not take keys")
	}
	h.key("enter")
	h.wantScreen("reason: type a reason")
	h.typeText("Driver found a free charger nearby, q")
	h.key("enter")
	if st.current().Status != model.Cancelled || !strings.Contains(st.current().CancellationReason, "free charger nearby, q") {
		t.Fatalf("status %s reason %q", st.current().Status, st.current().CancellationReason)
	}
}

// One poll loop, whatever the agent presses.
func TestPollLoopNeverDoubles(t *testing.T) {
	h := newHarness(t, small, withDemo())
	st := bookUntilStatus(t, h, "cust_slow")
	for i := 0; i < 5; i++ {
		h.key("r")
	}
	if w := st.entry(); w.inFlight || w.nextPoll.IsZero() {
		t.Fatalf("after refreshes: in flight %v, next poll %v", w.inFlight, w.nextPoll)
	}
	before := countEvents(h, "GET", "/bookings/")
	h.advance(20 * time.Second)
	got := countEvents(h, "GET", "/bookings/") - before
	// cust_slow stays PENDING: every 5 s, so 4 in 20 s, never twice as many.
	if got < 3 || got > 5 {
		t.Fatalf("%d polls in 20 s while PENDING, want about 4", got)
	}
	_ = st
	// Leaving the screen does not stop watching (the watchlist polls), and
	// the loop still does not double.
	h.key("esc")
	before = countEvents(h, "GET", "/bookings/")
	h.advance(20 * time.Second)
	if n := countEvents(h, "GET", "/bookings/") - before; n < 1 || n > 5 {
		t.Fatalf("%d polls in 20 s after leaving the status screen, want the same pace", n)
	}
}

func TestStaleSearchAnswerDropped(t *testing.T) {
	h := newHarness(t, small, withDemo())
	s := h.top().(*searchScreen)
	h.send(searchDoneMsg{req: s.req + 99, resp: &model.SearchResponse{}})
	if _, ok := h.top().(*searchScreen); !ok {
		t.Fatal("a stale answer moved the screen")
	}
}

func TestConflictOffersOtherEVSEs(t *testing.T) {
	h := newHarness(t, small, withDemo())
	first := bookUntilStatus(t, h, "cust_demo_001")
	// Same EVSE, same window, once more.
	h.key("esc") // status → detail (the form was replaced by the status)
	if _, ok := h.top().(*detailScreen); !ok {
		t.Fatalf("esc from status went to %T", h.top())
	}
	h.key("enter")
	c := h.top().(*confirmScreen)
	if c.evse.EVSEUID != first.current().EVSEUID {
		t.Fatalf("preselected %s, first booking %s", c.evse.EVSEUID, first.current().EVSEUID)
	}
	h.key("enter")
	h.wantScreen("409", "Other free EVSEs here", "ctrl+n")
	if _, ok := h.top().(*confirmScreen); !ok {
		t.Fatal("left the form on 409")
	}
	h.key("ctrl+n")
	if c.evse.EVSEUID == first.current().EVSEUID {
		t.Fatal("ctrl+n kept the taken EVSE")
	}
	h.wantScreen("cust_demo_001") // input kept
	h.key("enter")
	if _, ok := h.top().(*statusScreen); !ok {
		t.Fatalf("the other EVSE was not booked: %s", h.screen())
	}
}

func TestConflictLaterSlot(t *testing.T) {
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.key("esc", "enter")
	c := h.top().(*confirmScreen)
	// Take every other EVSE away so only "later" helps.
	c.loc.EVSEs = []model.EVSE{c.evse}
	h.key("enter")
	h.wantScreen("No other EVSE here is free", "ctrl+l")
	before := c.form.byName("reservation_start").value()
	h.key("ctrl+l")
	if after := c.form.byName("reservation_start").value(); after == before {
		t.Fatal("ctrl+l did not move the start")
	}
	h.key("enter") // 30 min later still overlaps a 1 h booking
	h.key("ctrl+l", "enter")
	if _, ok := h.top().(*statusScreen); !ok {
		t.Fatalf("later slot not booked: %s", h.screen())
	}
}

func TestBadRequestShowsServerTextKeepsInput(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.key("enter", "enter", "enter")
	c := h.top().(*confirmScreen)
	c.form.byName("token_strategy").idx = 1 // group_token
	c.applyStrategy()
	c.form.byName("fleet_group_id").input.SetValue("group_overlimit")
	h.key("enter")
	h.wantScreen("Fleet group spending limit exceeded", "group_overlimit", "your input is kept")
	if _, ok := h.top().(*confirmScreen); !ok {
		t.Fatal("left the form on 400")
	}
}

func TestNotFoundOffersSearchAgain(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.key("enter", "enter", "enter")
	c := h.top().(*confirmScreen)
	c.loc.LocationID = "DE-XXX-E000000"
	h.key("enter")
	h.wantScreen("404", "ctrl+r runs the search again")
	h.key("ctrl+r")
	if _, ok := h.top().(*resultsScreen); !ok {
		t.Fatalf("ctrl+r after 404 went to %T", h.top())
	}
}

func TestRateLimitCountdownThenAutomaticRetry(t *testing.T) {
	h := newHarness(t, small, withDemo(), withRateLimit(2))
	h.key("enter") // the usage meter and the search: the minute's two requests
	h.key("enter", "enter", "enter")
	h.wantScreen("Rate limited", "retrying automatically in")
	if _, ok := h.top().(*confirmScreen); !ok {
		t.Fatal("left the form on 429")
	}
	first := h.screen()
	h.advance(5 * time.Second)
	if h.screen() == first {
		t.Fatal("the countdown does not move")
	}
	h.advance(70 * time.Second)
	if _, ok := h.top().(*statusScreen); !ok {
		t.Fatalf("no automatic retry after the wait: %s", h.screen())
	}
	if n := len(h.sim.Bookings()); n != 1 {
		t.Fatalf("%d bookings, want 1", n)
	}
}

func TestUnauthorizedAndForbiddenNameTheFix(t *testing.T) {
	h := newHarness(t, small, withDemo(), withKey("wrong-key-123456"))
	h.key("enter")
	h.wantScreen("API key rejected (401)", "PETITMONDE_API_KEY", "Invalid API key")
	if strings.Contains(h.screen(), "wrong-key-123456") {
		t.Fatal("the key is on screen")
	}
	h.key("esc")
	h.noScreen("API key rejected")

	h2 := newHarness(t, small, withDemo(), withSuspended("suspended-key-9"))
	h2.key("enter")
	h2.wantScreen("Access refused (403)", "suspended")
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
	h := newHarness(t, small, withDemo())
	h.srv.Config.Handler = faulty(2, h.sim)
	h.key("enter")
	h.wantScreen("Server error", "upstream CPO gateway failed", "nothing you entered is lost", "München")
	h.advance(30 * time.Second)
	if _, ok := h.top().(*resultsScreen); !ok {
		t.Fatalf("no recovery after 5xx: %s", h.screen())
	}
}

func TestNetworkErrorBannerKeepsInput(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.srv.Close()
	h.key("enter")
	h.wantScreen("Network problem", "retry 1", "München", "25")
	h.advance(10 * time.Second)
	h.wantScreen("Network problem", "München")
	if a := h.top().(*searchScreen).retry.attempt; a < 2 || a > 5 {
		t.Fatalf("%d attempts in 10 s, want a few with backoff", a)
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
	// The rewritten status breaks the contract on purpose: no contract check here.
	h := newHarness(t, small, withDemo(), withoutContract())
	h.srv.Config.Handler = rewriting(h.sim, func(path string, b []byte) []byte {
		if strings.HasPrefix(path, sim.BasePath+"/bookings/") && !strings.HasSuffix(path, "/cancel") {
			return bytes.ReplaceAll(b, []byte(`"status":"CONFIRMED"`), []byte(`"status":"ON_HOLD"`))
		}
		return b
	})
	st := bookUntilStatus(t, h, "cust_demo_001")
	h.advance(15 * time.Second)
	if st.current().Status != "ON_HOLD" {
		t.Fatalf("status %s, want ON_HOLD", st.current().Status)
	}
	h.wantScreen("ON_HOLD", "not known to chargedesk")
	if st.entry().nextPoll.IsZero() {
		t.Fatal("polling stopped on an unknown status")
	}
}

func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	h := newHarness(t, small, withDemo())
	evil := "\x1b]52;c;aGFja2Vk\x07\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x07Evil\u202eplug\x1b[H"
	h.srv.Config.Handler = rewriting(h.sim, func(path string, b []byte) []byte {
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
	})
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
	h := newHarness(t, small, withDemo())
	// q types into the focused place field instead of quitting.
	_, cmd := h.app.Update(keyMsg("q"))
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q quit while typing")
		}
	}
	h.key("backspace")
	h.key("enter", "enter")
	h.key("esc")
	if _, ok := h.top().(*resultsScreen); !ok {
		t.Fatalf("esc from detail went to %T", h.top())
	}
	h.key("?")
	h.wantScreen("Keys", "sort")
	h.key("?")
	h.noScreen("closes this help")
	// ctrl+c always quits.
	_, cmd = h.app.Update(keyMsg("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c did nothing")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestQuitWhileWatchingAsks(t *testing.T) {
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("q")
	h.wantScreen("Quit chargedesk?", "stops watching")
	h.key("n")
	h.noScreen("Quit chargedesk?")
	h.key("q")
	_, cmd := h.app.Update(keyMsg("y"))
	if cmd == nil {
		t.Fatal("y did not quit")
	}
}

func TestTooSmallNotice(t *testing.T) {
	h := newHarness(t, [2]int{50, 12})
	h.wantScreen("Terminal too small: 50×12", "at least 64×18")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantScreen("Find a charger")
}

func TestReadOnlyRefusesBooking(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.app.c.Mode.ReadOnly = true
	h.key("enter", "enter", "enter", "enter")
	h.wantScreen("Booking is disabled", "read-only")
	if countEvents(h, "POST", "/bookings") != 0 {
		t.Fatal("a create went out in read-only mode")
	}
}

func TestJSONPreviewIsTheBodySent(t *testing.T) {
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter", "ctrl+o")
	h.wantScreen(`"external_id": "cd-test-001"`, `"token_strategy": "driver_token"`, `"customer_id": "cust_demo_001"`)
	c := h.top().(*confirmScreen)
	want, _ := json.Marshal(c.built)
	h.key("enter")
	var sent []byte
	for _, e := range h.events {
		if e.Method == "POST" && e.Path == "/bookings" {
			sent = e.RequestBody
		}
	}
	if !bytes.Equal(sent, want) {
		t.Fatalf("sent %s\npreview %s", sent, want)
	}
}

func TestConfirmValidationMirrorsAPI(t *testing.T) {
	h := newHarness(t, small, withDemo())
	h.key("enter", "enter", "enter")
	c := h.top().(*confirmScreen)
	c.form.byName("customer_id").input.SetValue("")
	c.form.byName("reservation_start").input.SetValue(h.clock.Now().Add(5 * time.Minute).In(h.app.c.Zone).Format("2006-01-02 15:04"))
	h.key("enter")
	h.wantScreen("customer_id or token_id is required", "at least 15 minutes in the future")
	c.form.byName("token_strategy").idx = 3 // pipelet
	c.applyStrategy()
	c.form.byName("token_uid").input.SetValue("04A2B3")
	h.key("enter")
	h.wantScreen("token_uid must be 8, 14 or 20 hexadecimal characters")
	if countEvents(h, "POST", "/bookings") != 0 {
		t.Fatal("an invalid booking was sent")
	}
	_ = io.Discard
	_ = api.KindConflict
}
