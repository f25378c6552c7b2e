package ui

import (
	"strings"
	"testing"
	"time"
)

// wantWhole fails unless the screen shows ext whole, and nowhere a cut
// piece of it (its first 11 characters without the rest).
func (h *harness) wantWhole(ext, where string) {
	h.t.Helper()
	for _, l := range h.lines() {
		if strings.Contains(l, ext[:11]) && !strings.Contains(l, ext) {
			h.t.Fatalf("%s: the external id %s is cut: %q\n%s", where, ext, l, h.screen())
		}
	}
	if !strings.Contains(h.screen(), ext) {
		h.t.Fatalf("%s: the external id %s is not shown:\n%s", where, ext, h.screen())
	}
}

// At 80×24 the external id the driver reads out is never cut, on any
// screen that shows it: the form, the status screen, the driver message,
// the cancel dialog, the usage view, the bookings list, the header's
// notice and the notices.
func TestExternalIDWholeAt80x24(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withRealExternalIDs())
	h.key("enter", "enter", "enter")
	h.wantOn("Book")
	ext := h.value("External id")
	if len(ext) < 25 {
		t.Fatalf("external id %q: not as long as the program makes them", ext)
	}
	h.wantWhole(ext, "the booking form")
	h.key("enter")
	h.wantOn("Booking status")
	h.wantWhole(ext, "the status screen")
	h.advance(12 * time.Second)
	h.key("m")
	h.wantWhole(ext, "the driver message")
	h.key("m", "c")
	h.wantWhole(ext, "the cancel dialog")
	h.key("esc")
	h.feedLog() // the request log's events, as the client's hook delivers them
	h.key("U")
	h.wantOn("Usage")
	h.wantWhole(ext, "the usage view")
	h.key("U", "f2")
	h.wantOn("Bookings")
	h.wantWhole(ext, "the bookings list")
	h.key("esc", "n") // the next call: the booking goes on in the background
	for i := 0; i < 60 && !strings.Contains(h.lines()[0], "⚑"); i++ {
		h.advance(5 * time.Second)
	}
	head := h.lines()[0]
	if !strings.Contains(head, "⚑") {
		t.Fatalf("no notice in the header:\n%s", h.screen())
	}
	if strings.Contains(head, "cd-") && !strings.Contains(head, ext) {
		t.Fatalf("the header cuts the notice's external id: %q", head)
	}
	h.key("f4")
	h.wantWhole(ext, "the notices")
}

// From 80 columns on, the header's notices never hide the rate or the
// month: a notice too long for the room (the gateway's) gives way to its
// count, whole, never cut.
func TestHeaderNoticesNeverHideTheCounters(t *testing.T) {
	t.Parallel()
	for _, w := range []int{80, 100, 120, 160} {
		h := newHarness(t, [2]int{w, 24}, withDemo())
		h.key("enter") // a search: the rate is known
		h.app.s.notify("status changes are pushed by the gateway: nothing is polled in the background")
		head := h.lines()[0]
		if !strings.Contains(head, " rate ") || !strings.Contains(head, " · month ") {
			t.Fatalf("%d columns: the header lost a counter: %q", w, head)
		}
		if len([]rune(head)) > w {
			t.Fatalf("%d columns: the header is %d wide: %q", w, len([]rune(head)), head)
		}
		full := strings.Contains(head, "status changes are pushed by the gateway: nothing is polled in the background")
		if !full && !strings.Contains(head, "⚑ 1 new notice (N)") && !strings.Contains(head, "⚑ 1 (N)") {
			t.Fatalf("%d columns: the notice is cut or gone: %q", w, head)
		}
		if w >= 160 && !full {
			t.Fatalf("%d columns: room for the notice, yet it is counted: %q", w, head)
		}
	}
	// A long host gives way too.
	h := newHarness(t, [2]int{80, 24})
	h.app.c.Mode = Mode{Host: "gateway.support-team.petitmonde-energy.example:8443", Profile: "team"}
	h.key("down", "enter")
	h.app.s.notify("status changes are pushed by the gateway: nothing is polled in the background")
	if head := h.lines()[0]; !strings.Contains(head, " rate ") || !strings.Contains(head, " · month ") || !strings.Contains(head, "LIVE") {
		t.Fatalf("a long host hid the counters: %q", head)
	}
}

// Long error texts wrap: the 409's text is read whole at 80 and 120 columns.
func TestLongErrorsWrap(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{small, large} {
		h := newHarness(t, size)
		h.typeText("München")
		h.key("enter", "enter")
		bookAt(h, "cust_a")
		h.advance(15 * time.Second)
		h.key("esc")
		h.key("enter")
		h.focus("Customer id")
		h.clearAndType("cust_b")
		h.key("enter", "enter") // the warning, then on purpose: 409
		h.wantScreen("409 — slot taken")
		var lines []string // the body read as one text: a word wrapped after a hyphen joins again
		for _, l := range h.body() {
			lines = append(lines, strings.TrimSpace(l))
		}
		text := strings.ReplaceAll(strings.Join(lines, "\n"), "-\n", "-")
		text = strings.Join(strings.Fields(text), " ")
		b := h.sim.Bookings()[0]
		start, end := b.Window()
		want := "is not available from " + start.UTC().Format(time.RFC3339) + " to " + end.UTC().Format(time.RFC3339)
		if !strings.Contains(text, want) {
			t.Fatalf("%v: the 409's text is cut (want %q):\n%s", size, want, h.screen())
		}
	}
}
