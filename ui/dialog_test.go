package ui

import (
	"context"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

func withWarnings(w ...string) harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) { o.Warnings = w }
}

// Two dialogs at once are both seen: the start's /usage answers 401 while
// the configuration warning is open, and the agent reads the 401 first
// (the newest), then the warning, then the search form.
func TestRejectedKeyAndConfigurationWarningBothSeen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withKey("wrong-key-123456"),
		withWarnings("the key file /home/agent/.config/chargedesk/key is readable by others (mode 644)"))
	h.wantScreen("API key rejected (401)", "Invalid API key")
	h.noScreen("Configuration warning")
	h.key("esc")
	h.wantScreen("Configuration warning", "is readable by others")
	h.noScreen("API key rejected")
	h.key("enter")
	h.noScreen("Configuration warning", "API key rejected")
	h.wantOn("Search")
}

// The same 401 met twice (the start's /usage, then a search) is one
// dialog: one esc closes it.
func TestOneRejectedKeyDialogForTwoAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo(), withKey("wrong-key-123456"))
	h.wantScreen("API key rejected (401)")
	h.send(usageMsg{err: &api.Error{Kind: api.KindUnauthorized, Status: 401, Message: "Invalid API key"}})
	h.key("esc")
	h.noScreen("API key rejected")
	h.wantOn("Search")
}

// A box takes every key: under the help, q does not quit and B opens no
// list; esc closes it and the screen's keys work again.
func TestBoxTakesEveryKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	h.key("enter", "?")
	h.wantScreen("Keys", "closes this help")
	h.key("B", "s")
	h.wantScreen("Keys", "closes this help")
	if h.quit {
		t.Fatal("a key under the help quit the program")
	}
	h.key("esc")
	h.noScreen("closes this help")
	h.wantOn("Results")
}

// The cancel dialog belongs to its booking's screen: the global keys work
// under it, another screen on top does not show it, and going back shows it
// again as it was left.
func TestCancelDialogStaysWithItsScreen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("c", "down")
	h.wantScreen("Cancel booking cd-test-001?", "▸ Plans changed")
	h.key("B") // a global key, not the dialog's
	h.wantOn("Bookings")
	h.noScreen("Cancel booking cd-test-001?")
	h.key("esc")
	h.wantScreen("Cancel booking cd-test-001?", "▸ Plans changed")
	h.key("esc") // closes the dialog, not the screen
	h.noScreen("Cancel booking")
	h.wantOn("Booking status")
	if n := h.count("POST", "/bookings/"); n != 0 {
		t.Fatalf("%d cancels sent", n)
	}
}

// A 401 that comes while the cancel dialog waits is a box above it: the
// agent reads it, closes it, and the cancel dialog is there again.
func TestBoxAboveDockedDialog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small, withDemo())
	bookUntilStatus(t, h, "cust_slow")
	h.key("c")
	h.wantScreen("Cancel booking cd-test-001?")
	h.send(bookingPolledMsg{id: "elsewhere", err: &api.Error{Kind: api.KindUnauthorized, Status: 401}})
	h.send(usageMsg{err: &api.Error{Kind: api.KindForbidden, Status: 403, Message: "Account suspended"}})
	h.wantScreen("Access refused (403)")
	h.noScreen("Cancel booking cd-test-001?")
	h.key("c") // the box's, not the screen's: nothing else opens
	h.wantScreen("Access refused (403)")
	h.key("esc")
	h.wantScreen("Cancel booking cd-test-001?")
	h.wantOn("Booking status")
}

// The header shows the rate as the program was told it (the answers and
// the request log's events), not as the client holds it: a call the
// program has not heard of changes nothing on screen until its event
// comes.
func TestHeaderRateComesInMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, large, withDemo())
	h.key("enter")
	h.wantOn("Results")
	before := h.lines()[0]
	if !strings.Contains(before, "rate 98/100") {
		t.Fatalf("header %q, want rate 98/100 after /usage and the search", before)
	}
	if _, err := h.client.Search(context.Background(), model.SearchQuery{Lat: 48.1351, Lng: 11.582}); err != nil {
		t.Fatal(err)
	}
	if got := h.lines()[0]; got != before {
		t.Fatalf("the header changed without a message:\n%q\n%q", before, got)
	}
	ev := h.events[len(h.events)-1]
	ev.Duration = time.Millisecond
	h.send(logEventMsg{ev})
	h.wantScreen("rate 97/100")
}

// A new background restyles every screen of the stack and every dialog,
// not only the one on top: the search form under the results, once back
// on top, is drawn as a search form that was on top when it came.
func TestThemeReachesEveryScreen(t *testing.T) {
	t.Parallel()
	white := tea.BackgroundColorMsg{Color: color.White}
	under := newHarness(t, small, withDemo())
	under.key("enter")
	under.wantOn("Results")
	under.send(white)
	under.key("esc")
	under.wantOn("Search")
	onTop := newHarness(t, small, withDemo())
	onTop.send(white)
	body := func(h *harness) string { return strings.SplitN(h.app.Render(), "\n", 2)[1] } // the header's rate differs
	if got, want := body(under), body(onTop); got != want {
		t.Fatalf("the search form restyled under the results differs from one restyled on top:\n%q\n%q", got, want)
	}
}
