package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// What the agent types: any length in the duration (its quarter-hour
// steps on ←/→), the name of a choice to pick it, the first key replaces a
// prefilled value, ctrl+u clears, a paste replaces too, and f1 opens the
// help while typing.
func TestTypingIntoTheBookingForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.key("enter", "enter", "enter")
	h.wantScreen("typing replaces it, ctrl+u clears") // the prefilled customer id has focus

	h.focus("Duration")
	h.typeText("hjkl")
	h.wantScreen("✗ duration: a length such as 40, 45 min", "Fix the marked fields")
	h.key("ctrl+u")
	h.typeText("1h10")
	h.wantScreen("→ 1 h 10 min")
	h.key("right") // a quarter hour on from 70 minutes
	if got := h.value("Duration"); got != "1 h 15 min" {
		t.Fatalf("→ from 1h10: %q", got)
	}
	h.key("left", "left")
	if got := h.value("Duration"); got != "45 min" {
		t.Fatalf("← ← from 1 h 15: %q", got)
	}
	h.typeText("1,5 h") // the value offered by a step: typing replaces it
	if got := h.value("Duration"); got != "1,5 h" {
		t.Fatalf("typing after a step: %q", got)
	}
	h.focus("Token")
	tok := h.value("Token")
	h.typeText("j")
	if got := h.value("Token"); got != tok {
		t.Fatalf("a letter no strategy's name has changed the token strategy: %q → %q", tok, got)
	}
	for _, c := range [][2]string{{"gr", "group_token"}, {"ad", "ad_hoc"}, {"fl", "group_token"}, {"pi", "pipelet"}, {"dr", "driver_token"}} {
		typed, want := c[0], c[1]
		h.focus("Connector") // leaving the field forgets what was typed
		h.focus("Token")
		h.typeText(typed)
		if got := h.value("Token"); !strings.HasPrefix(got, want) {
			t.Fatalf("typing %q: %q, want %s", typed, got, want)
		}
	}
	h.wantScreen(`typed “dr”`)

	h.focus("Customer id")
	h.typeText("cust_new")
	if got := h.value("Customer id"); got != "cust_new" {
		t.Fatalf("the first key did not replace the prefilled value: %q", got)
	}
	h.typeText("9") // no longer fresh: it appends
	if got := h.value("Customer id"); got != "cust_new9" {
		t.Fatalf("after editing: %q", got)
	}
	h.key("ctrl+u")
	if got := h.value("Customer id"); got != "" && got != "cust_… (or a token id below)" {
		t.Fatalf("ctrl+u left %q", got)
	}
	h.focus("External id")
	h.send(tea.PasteMsg{Content: "ref-pasted-1"})
	if got := h.value("External id"); got != "ref-pasted-1" {
		t.Fatalf("a paste into a prefilled field: %q", got)
	}
	h.key("f1")
	h.wantScreen("Keys", "f1", "help")
	h.key("esc")

	h.focus("Customer id")
	h.typeText("cust_x")
	h.key("enter")
	sent := h.sent("POST", "/bookings")
	if len(sent) != 1 || sent[0]["external_id"] != "ref-pasted-1" || sent[0]["customer_id"] != "cust_x" {
		t.Fatalf("sent %v", sent)
	}
	if start, end := h.sentWindow(); end.Sub(start) != 90*time.Minute {
		t.Fatalf("sent a window of %v, want the 1,5 h typed", end.Sub(start))
	}
}

// The start shows the day it resolved to; an external id already used by a
// booking of this session is warned about.
func TestStartHintAndExternalIDReuse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	bookUntilStatus(t, h, "cust_demo_001")
	h.key("esc", "down", "enter")
	h.wantOn("Book")
	h.focus("Start (Berlin)")
	h.typeText("morgen 14:30")
	h.wantScreen("→ Tue 01 Dec 14:30")
	h.focus("External id")
	h.typeText("cd-test-001")
	h.wantScreen("already the reference of booking")
}

// A prefilled value stays "typing replaces it" until the agent presses a
// key: messages passing through the form (a cursor blink, an API answer)
// do not make it typed.
func TestFreshValueSurvivesOtherMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.send(struct{}{}) // any message the search screen does not know
	h.wantScreen("typing replaces")
	h.typeText("Aschh")
	if v := h.value("Place"); v != "Aschh" {
		t.Fatalf("typing after a passing message gave %q", v)
	}
}

// The booking form does not mark the empty token field as wrong before the
// agent has pressed enter: it says what is missing, then marks it on enter.
func TestBookingFormDoesNotNagBeforeEnter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("München")
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	h.wantScreen("Fill in the driver's token to book.")
	h.noScreen("customer_id or token_id is required", "Fix the marked fields")
	h.key("enter")
	h.wantScreen("customer_id or token_id is required", "Fix the marked fields")
	if h.count("POST", "/bookings") != 0 {
		t.Fatal("a booking without a token was sent")
	}
	h.typeText("cust_4711")
	h.wantScreen("Ready")
}
