package ui

import (
	"strings"
	"testing"
	"time"
)

// statusLine is the frame's last line(s) after the body: the status line
// (from its ✗ to the end, wrapped) while a refusal is shown, else the key
// help.
func (h *harness) statusLine() string {
	ls := h.lines()
	for i := len(ls) - 1; i > 0; i-- {
		if strings.HasPrefix(ls[i], "✗ ") {
			var out []string
			for _, l := range ls[i:] {
				out = append(out, strings.TrimSpace(l))
			}
			return strings.Join(out, " ")
		}
	}
	return strings.TrimSpace(ls[len(ls)-1])
}

// wantRefused presses keys and fails unless the status line says why the
// last did nothing, in words containing why.
func (h *harness) wantRefused(why string, keys ...string) {
	h.t.Helper()
	h.key(keys...)
	if got := h.statusLine(); !strings.HasPrefix(got, "✗ ") || !strings.Contains(got, why) {
		h.t.Fatalf("after %v the status line says %q, want why: %q\n%s", keys, got, why, h.screen())
	}
}

// Every key that means something but does nothing in the state it is
// pressed in says why in the status line (at 80×24, wrapped when long),
// and the next key takes the status line away again.
func TestEveryRefusalSaysWhy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.wantRefused("Nothing to go back to: this is the first screen", "esc")
	h.key("tab") // any key: the key help is back
	if got := h.statusLine(); strings.HasPrefix(got, "✗") || !strings.Contains(got, "quit") {
		t.Fatalf("the refusal outlived the next key: %q", got)
	}
	h.key("f2")
	h.wantOn("Bookings")
	h.wantRefused("no booking is selected", "enter")
	h.wantRefused("no booking is selected", "c")
	h.wantRefused("all 0 bookings of this list are loaded", "a")
	h.wantRefused("The bookings list is open already", "B")
	h.key("esc")

	h.key("enter", "enter", "enter") // results, location, the form
	h.wantOn("Book")
	h.wantRefused("the next free EVSE is offered when the API refuses the slot (409)", "ctrl+n")
	h.wantRefused("a later slot and the next best charger are offered when the API refuses the slot", "ctrl+l")
	h.wantRefused("searching again is offered when the location is gone (404)", "ctrl+r")
	h.key("enter")
	h.wantOn("Booking status")
	h.wantStatus("REQUESTED")
	h.wantRefused("the message for the driver comes once the CPO has confirmed", "m")
	h.advance(12 * time.Second)
	h.wantStatus("CONFIRMED")
	h.wantRefused("the booking is CONFIRMED, not failed", "x")
	h.wantRefused("the booking is CONFIRMED, not failed", "t")
	h.advance(3 * time.Minute)
	h.wantStatus("COMPLETED")
	h.wantRefused("c: A COMPLETED booking cannot be cancelled: it is already over", "c")
	h.wantRefused("the booking is COMPLETED: there is no reservation to tell the driver about", "m")
	for _, l := range h.lines() {
		if w := len([]rune(l)); w > small[0] {
			t.Fatalf("a line of %d cells at %d columns: %q", w, small[0], l)
		}
	}
	if n := len(h.lines()); n > small[1] {
		t.Fatalf("%d lines at %d rows", n, small[1])
	}
}

// Read-only: the location's book key says booking is off.
func TestReadOnlyBookKeySaysWhy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withReadOnly())
	h.key("enter", "enter")
	h.wantOn("Location")
	h.wantRefused("booking is off: chargedesk runs read-only", "enter")
}

// Right after a cancel's answer the status screen says the booking was
// just checked (it said "last checked 15 s ago": the cancel's answer is an
// answer about the booking).
func TestCancelAnswerCountsAsChecked(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large)
	bookConfirmed(h, "")
	h.advance(20 * time.Second)
	h.key("c")
	h.key("enter") // the first reason: cancel
	h.wantStatus("CANCELLED")
	if got := h.value("Checked"); !strings.HasPrefix(got, "last checked 0 s ago") {
		t.Fatalf("after the cancel's answer: %q", got)
	}
}

// A box in front takes every key: those that do not close it say so, and
// a cancel being sent says it is.
func TestBoxesSayWhichKeyCloses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.key("f1") // the search form's field has focus: ? would be typed
	h.wantScreen("Keys")
	h.wantRefused("A box is open: enter / esc closes it first.", "x")
	h.key("esc")
	h.noScreen("A box is open")
}
