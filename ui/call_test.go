package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// sentWindow is the window of the last booking sent.
func (h *harness) sentWindow() (start, end time.Time) {
	h.t.Helper()
	sent := h.sent("POST", "/bookings")
	if len(sent) == 0 {
		h.t.Fatal("no booking was sent")
	}
	last := sent[len(sent)-1]
	start, _ = time.Parse(time.RFC3339, last["reservation_start"].(string))
	end, _ = time.Parse(time.RFC3339, last["reservation_end"].(string))
	return start, end
}

// "jetzt" and 40 minutes, typed in the search: the booking sent starts at
// the earliest start the API accepts as of the moment it is sent (not the
// search's), and lasts exactly 40 minutes.
func TestNowAndFortyMinutesAreSentExactly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	h.typeText("München")
	h.key("tab")
	h.typeText("ccs")
	h.key("tab", "tab")
	h.typeText("jetzt")
	h.wantScreen("→ Mon 30 Nov 10:18 – 11:18") // 10:02 now: 15 min and the margin, to the minute
	h.key("tab")
	h.typeText("40")
	h.wantScreen("→ 40 min", "→ Mon 30 Nov 10:18 – 10:58")
	h.key("enter")
	h.wantOn("Results")
	if q := h.query("GET", "/search"); q.Get("start_time") != "2026-11-30T09:18:00Z" || q.Get("end_time") != "2026-11-30T09:58:00Z" {
		t.Fatalf("searched %v", q)
	}
	h.key("enter", "enter")
	h.wantOn("Book")
	if got := h.value("Start (Berlin)"); got != "jetzt" {
		t.Fatalf("the booking form's start is %q, want jetzt as said", got)
	}
	if got := h.value("Duration"); got != "40 min" {
		t.Fatalf("the booking form's duration is %q", got)
	}
	h.wantScreen("counted again when sent")
	// The agent takes the driver's customer id; four minutes pass.
	h.typeText("cust_2201")
	h.advance(4*time.Minute + 20*time.Second)
	h.wantScreen("→ Mon 30 Nov 10:22") // 10:06:20 + 15:30 → 10:21:50 → 10:22
	h.key("enter")
	h.wantOn("Booking status")
	start, end := h.sentWindow()
	if want := model.EarliestStart(h.clock.Now()); !start.Equal(want) || !start.Equal(time.Date(2026, 11, 30, 10, 22, 0, 0, model.Berlin)) {
		t.Fatalf("sent start %v, want the earliest as of the send, %v", start.In(model.Berlin), want.In(model.Berlin))
	}
	if end.Sub(start) != 40*time.Minute {
		t.Fatalf("sent %v, want 40 minutes", end.Sub(start))
	}
}

// A start counted from now ("in 30 min") stays 30 minutes from now however
// long the form stays open.
func TestRelativeStartIsCountedAgainWhenSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Window from")
	h.clearAndType("in 30 min")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	if got := h.value("Start (Berlin)"); got != "in 30 min" {
		t.Fatalf("start %q", got)
	}
	h.advance(20 * time.Minute) // would be 10 minutes ahead if it were fixed at the search
	h.wantScreen("Ready")
	h.key("enter")
	h.wantOn("Booking status")
	start, end := h.sentWindow()
	if want := h.clock.Now().Add(30 * time.Minute).Truncate(time.Minute); !start.Equal(want) || end.Sub(start) != time.Hour {
		t.Fatalf("sent %v – %v, want %v for 1 h", start, end, want)
	}
}

// A start said outright that has come closer than 15 minutes while the
// form was open is moved to the earliest valid start, and said, before
// anything is sent; the next enter books it.
func TestStaleStartIsMovedAndSaidBeforeSending(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Window from")
	h.clearAndType("10:30")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	if got := h.value("Start (Berlin)"); got != "2026-11-30 10:30" {
		t.Fatalf("start %q", got)
	}
	h.clock.Set(h.clock.Now().Add(16 * time.Minute)) // 10:18: the agent was slow; no heartbeat yet
	h.key("enter")
	if n := h.count("POST", "/bookings"); n != 0 {
		t.Fatalf("%d bookings sent with a moved start unseen", n)
	}
	h.wantScreen("The start moved from 10:30 to 10:34: 10:30 is less than 15 minutes ahead now, and 10:34 is the earliest")
	if got := h.value("Start (Berlin)"); got != "2026-11-30 10:34" {
		t.Fatalf("start %q", got)
	}
	h.key("enter")
	h.wantOn("Booking status")
	start, _ := h.sentWindow()
	if !start.Equal(time.Date(2026, 11, 30, 10, 34, 0, 0, model.Berlin)) {
		t.Fatalf("sent %v", start.In(model.Berlin))
	}

	// The heartbeat moves it too, and says so, while the agent looks.
	h.key("esc")
	h.wantOn("Location")
	h.key("down", "enter")
	h.wantOn("Book")
	h.focus("Start (Berlin)")
	h.typeText("2026-11-30 11:00")
	h.key("tab")
	h.advance(25 * time.Minute) // 10:43: 17 minutes ahead, still valid
	h.noScreen("The start moved")
	h.advance(3 * time.Minute) // the heartbeat at 10:45:01 finds it 14:59 ahead
	h.wantScreen("The start moved from 11:00 to 11:01")
	// A start the agent types now that is too early is an error, not moved.
	h.focus("Start (Berlin)")
	h.clearAndType("2026-11-30 10:50")
	h.wantScreen("reservation_start must be at least 15 minutes in")
	h.noScreen("The start moved")
}

// The duration typed in the search window is taken in any common form.
func TestSearchWindowTakesAnyLength(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Window from")
	h.clearAndType("morgen 9:00")
	h.focus("Window length")
	for _, c := range []struct {
		typed string
		want  time.Duration
	}{{"40", 40 * time.Minute}, {"1h10", 70 * time.Minute}, {"1:10", 70 * time.Minute}, {"1,5 h", 90 * time.Minute}, {"50 Minuten", 50 * time.Minute}} {
		typed, want := c.typed, c.want
		h.clearAndType(typed)
		h.key("enter")
		h.wantOn("Results")
		q := h.query("GET", "/search")
		s, _ := time.Parse(time.RFC3339, q.Get("start_time"))
		e, _ := time.Parse(time.RFC3339, q.Get("end_time"))
		if e.Sub(s) != want {
			t.Fatalf("%q searched a window of %v", typed, e.Sub(s))
		}
		h.key("esc")
		h.wantOn("Search")
	}
	h.key("right") // 50 min → 1 h: the steps stay as shortcuts
	if got := h.value("Window length"); got != "1 h" {
		t.Fatalf("→ after 50 min: %q", got)
	}
}

// Typing a choice's name picks it, in the search's connector and the
// booking form's token strategy and connector.
func TestTypeToSelectChoices(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Connector")
	for typed, want := range map[string]string{"cha": "CHAdeMO", "t2": "Type 2", "ccs": "CCS (Type 2 Combo)", "typ 2": "Type 2", "any": "any connector"} {
		h.key("tab", "shift+tab") // a new name
		h.typeText(typed)
		if got := h.value("Connector"); !strings.HasPrefix(got, want) {
			t.Errorf("%q: %q, want %s", typed, got, want)
		}
	}
	before := h.value("Connector")
	h.typeText("q") // a letter no name has: nothing changes, and nothing quits
	if got := h.value("Connector"); got != before || h.quit {
		t.Fatalf("q on a choice: %q (quit %v)", got, h.quit)
	}
	h.key("tab", "shift+tab")
	h.typeText("cha")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.focus("Connector")
	h.typeText("cha")
	if got := h.value("Connector"); !strings.Contains(got, "CHAdeMO") {
		t.Fatalf("the booking form's connector after cha: %q", got)
	}
}

// Between midnight and 04:00 "morgen 7:15" asks which day is meant, and
// ↑/↓ picks one of the two readings.
func TestMorgenAfterMidnightAsks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.advance(17 * time.Hour) // Tue 01 Dec 03:02 Berlin
	h.focus("Window from")
	h.clearAndType("morgen 7:15")
	h.wantScreen(`"morgen" said before 04:00 may mean Tue 01 Dec 07:15 (today's date) or Wed 02 Dec`, "↑/↓ picks one")
	h.key("enter")
	if h.count("GET", "/search") != 0 {
		t.Fatal("searched a day the driver may not have meant")
	}
	h.key("down")
	if got := h.value("Window from"); got != "heute 07:15" {
		t.Fatalf("↓ picked %q", got)
	}
	h.wantScreen("→ Tue 01 Dec 07:15 – 08:15")
	h.key("down")
	if got := h.value("Window from"); got != "Mi 07:15" {
		t.Fatalf("↓ ↓ picked %q", got)
	}
	h.wantScreen("→ Wed 02 Dec 07:15 – 08:15")
	h.key("enter")
	h.wantOn("Results")
	if q := h.query("GET", "/search"); q.Get("start_time") != "2026-12-02T06:15:00Z" {
		t.Fatalf("searched %v", q)
	}
}

// n ends the call: the search form is the profile's again (the guide's
// example in the demo, empty on a live desk), with no hint of the last
// call, and the next booking form asks the next driver's token.
func TestNewCallLeavesNothingOfTheLastOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	h.typeText("Würzburg Hbf")
	h.key("tab")
	h.typeText("t2")
	h.key("tab")
	h.typeText("11")
	h.key("tab")
	h.typeText("morgen 7:15")
	h.key("tab")
	h.typeText("50")
	h.key("enter")
	h.wantOn("Results")
	h.wantScreen("Call  Würzburg Hbf · Type 2 ≥ 11 kW · morgen 7:15 for 50 min")
	h.key("enter", "enter")
	h.wantOn("Book")
	h.focus("or token id")
	h.typeText("tok_9c")
	h.wantScreen("Call  Würzburg Hbf · Type 2 ≥ 11 kW · morgen 7:15 for 50 min · token tok_9c")
	h.key("enter")
	h.wantOn("Booking status")
	h.wantScreen("Call  Würzburg Hbf · Type 2 ≥ 11 kW · morgen 7:15 for 50 min · token tok_9c")

	h.key("n")
	h.wantOn("Search")
	for _, label := range []string{"Place", "Min. power (kW)", "Window from", "Radius (km)"} {
		if v := h.value(label); v != "" && !strings.HasPrefix(v, "town, postal") && v != "any" && !strings.HasPrefix(v, "optional:") && v != "50" {
			t.Errorf("%s keeps %q", label, v)
		}
	}
	if v := h.value("Connector"); v != "any connector" {
		t.Errorf("Connector keeps %q", v)
	}
	if !h.focused("Place") {
		t.Error("the focus is not on the place")
	}
	h.noScreen("Würzburg", "Type 2", "→ Tue", "morgen 7:15", "50 min", "tok_9c", "Call ")
	// The next driver's booking form asks for their token.
	h.typeText("28195")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.noScreen("tok_9c", "Würzburg")
	if v := h.value("or token id"); v != "" && !strings.HasPrefix(v, "the driver's") {
		t.Fatalf("the token field keeps %q", v)
	}
	h.wantScreen("Call  28195 · any plug")
	// The booking of the last call is still watched, and shows no call line.
	h.key("f2")
	h.wantOn("Bookings")
	h.key("enter")
	h.wantOn("Booking status")
	h.noScreen("Call ")
}

// In the demo, n brings back the guide's example, not the last search.
func TestNewCallInTheDemoIsTheGuidesExample(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Place")
	h.clearAndType("Aschheim")
	h.focus("Connector")
	h.typeText("cha")
	h.focus("Window from")
	h.typeText("in 1 h")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.focus("Customer id")
	h.clearAndType("cust_x1")
	h.key("enter")
	h.wantOn("Booking status")
	h.key("n")
	h.wantOn("Search")
	if v := h.value("Place"); v != "München" {
		t.Errorf("place %q", v)
	}
	if v := h.value("Connector"); !strings.HasPrefix(v, "CCS") {
		t.Errorf("connector %q", v)
	}
	h.noScreen("Aschheim", "CHAdeMO", "in 1 h", "cust_x1")
}

// The same driver calls again: ctrl+r brings back their search and token
// (the last call first, one further back on each press); the window is
// what they say anew.
func TestPastCallComesBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	h.noScreen("ctrl+r") // no call has ended: nothing to bring back, so not offered
	call := func(place, plug, token string) {
		h.focus("Place")
		h.typeText(place)
		h.key("tab")
		h.typeText(plug)
		h.key("tab", "tab")
		h.typeText("jetzt")
		h.key("tab")
		h.typeText("45")
		h.key("enter", "enter", "enter")
		h.wantOn("Book")
		h.typeText(token)
		h.key("enter")
		h.wantOn("Booking status")
		h.key("n")
		h.wantOn("Search")
	}
	call("Würzburg Hbf", "t2", "cust_2201")
	call("28195", "ccs", "cust_3302")
	h.wantScreen("ctrl+r a past call again")
	h.key("ctrl+r")
	if v := h.value("Place"); v != "28195" {
		t.Fatalf("the last call's place: %q", v)
	}
	h.key("ctrl+r")
	if v := h.value("Place"); v != "Würzburg Hbf" {
		t.Fatalf("the call before: %q", v)
	}
	h.wantScreen("Call 2 of 2 back: Würzburg Hbf · Type 2 · jetzt for 45 min · cust_2201")
	if v := h.value("Connector"); !strings.HasPrefix(v, "Type 2") {
		t.Fatalf("connector %q", v)
	}
	if !h.focused("Window from") {
		t.Fatal("the focus is not on the window")
	}
	h.typeText("morgen 9:00") // replaces jetzt
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	if v := h.value("Customer id"); v != "cust_2201" {
		t.Fatalf("the driver's token: %q", v)
	}
	h.wantScreen("Call  Würzburg Hbf · Type 2 · morgen 9:00 for 45 min · cust_2201")
	h.key("enter")
	h.wantOn("Booking status")
	start, end := h.sentWindow()
	if !start.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, model.Berlin)) || end.Sub(start) != 45*time.Minute {
		t.Fatalf("sent %v for %v", start.In(model.Berlin), end.Sub(start))
	}
	sent := h.sent("POST", "/bookings")
	if c := sent[len(sent)-1]["customer_id"]; c != "cust_2201" {
		t.Fatalf("sent customer %v", c)
	}
}

// The window said in one breath ("jetzt für 40 Minuten") needs no length
// field: it is hidden, and the booking is what was said.
func TestWindowSaidInOneBreath(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Window from")
	h.clearAndType("jetzt für 40 Minuten")
	h.wantScreen("→ Mon 30 Nov 10:18 – 10:58")
	h.noScreen("Window length")
	h.key("enter")
	h.wantOn("Results")
	h.wantScreen("Call  München · CCS (Type 2 Combo) ≥ 50 kW · jetzt für 40 Minuten")
	h.key("enter", "enter")
	h.wantOn("Book")
	if got := h.value("Start (Berlin)"); got != "jetzt" {
		t.Fatalf("start %q", got)
	}
	if got := h.value("Duration"); got != "40 min" {
		t.Fatalf("duration %q", got)
	}
	h.key("enter")
	h.wantOn("Booking status")
	start, end := h.sentWindow()
	if !start.Equal(model.EarliestStart(h.clock.Now())) || end.Sub(start) != 40*time.Minute {
		t.Fatalf("sent %v for %v", start, end.Sub(start))
	}
	// Brought back, the call keeps its length when the new window is said
	// without one.
	h.key("n")
	h.key("ctrl+r")
	h.clearAndType("morgen 9:00")
	h.wantScreen("→ Tue 01 Dec 09:00 – 09:40")
}

// Backspace takes back one letter of a choice's typed name; a letter no
// name goes on with starts a new name.
func TestTypedChoiceNameBackspace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.focus("Connector")
	h.typeText("ccs1")
	if got := h.value("Connector"); !strings.HasPrefix(got, "CCS1") {
		t.Fatalf("ccs1: %q", got)
	}
	h.key("backspace")
	if got := h.value("Connector"); !strings.HasPrefix(got, "CCS (Type 2 Combo)") {
		t.Fatalf("ccs after a backspace: %q", got)
	}
	h.wantScreen(`typed “ccs”`)
	h.key("backspace", "backspace", "backspace")
	h.typeText("chat") // "chat" names nothing: "t" starts again
	h.wantScreen(`typed “t”`)
	if got := h.value("Connector"); !strings.HasPrefix(got, "Type 2") {
		t.Fatalf("t: %q", got)
	}
}

// A time of day typed in the booking form ("10:30") would read as the
// next day's once it is less than 15 minutes ahead: the form moves it to
// the earliest valid start and says so instead of booking a day later.
func TestTypedTimeOfDayDoesNotQuietlyBecomeTomorrow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.focus("Start (Berlin)")
	h.typeText("10:30")
	h.wantScreen("→ Mon 30 Nov 10:30")
	h.key("tab")
	h.clock.Set(h.clock.Now().Add(15 * time.Minute)) // 10:17, no heartbeat yet: "10:30" reads as tomorrow's now
	h.key("tab")
	h.wantScreen("→ Tue 01 Dec 10:30")
	h.key("enter")
	if n := h.count("POST", "/bookings"); n != 0 {
		t.Fatalf("%d bookings sent for the next day", n)
	}
	h.wantScreen("The start moved from 10:30 to 10:33")
	h.key("enter")
	h.wantOn("Booking status")
	if start, _ := h.sentWindow(); !start.Equal(time.Date(2026, 11, 30, 10, 33, 0, 0, model.Berlin)) {
		t.Fatalf("sent %v", start.In(model.Berlin))
	}
}
