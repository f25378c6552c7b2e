package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

// authFailure is the one handling of a 401 or 403, whichever screen met
// it: a box naming the setting to fix, raised on to. It is false, and
// raises nothing, for any other error.
func authFailure(c Common, to alerts, err error) bool {
	if !isAuthFailure(err) {
		return false
	}
	title, body := authHelp(c, err)
	to.open(newTextBox(c, title, body))
	return true
}

// isAuthFailure tells a 401 or 403: the key is wrong, or the account is
// not active.
func isAuthFailure(err error) bool {
	switch api.KindOf(err) {
	case api.KindUnauthorized, api.KindForbidden:
		return true
	}
	return false
}

// authHelp names what to fix after a 401 or 403.
func authHelp(c Common, err error) (title, body string) {
	e, _ := api.AsError(err)
	msg := ""
	if e != nil {
		msg = e.Message
	}
	where := "the environment variable " + api.EnvAPIKey
	if c.Mode.Profile != "" {
		where = fmt.Sprintf("%s, or the key of profile %q in the config file", api.EnvAPIKey, c.Mode.Profile)
	}
	if api.IsForbidden(err) {
		return "Access refused (403)",
			fmt.Sprintf("The API says: %s\n\nThe key is valid but the account is suspended or inactive.\n"+
				"Ask your Petit Monde Energy account manager, or use another account's key (%s).", msg, where)
	}
	return "API key rejected (401)",
		fmt.Sprintf("The API says: %s\n\nSet a valid key in %s, then start chargedesk again.\n"+
			"Talking to: %s", msg, where, c.Client.BaseURL())
}

// retrier schedules the automatic retries of a read or of a refused (429)
// create by the one retry policy (api.DefaultRetry): Retry-After on a 429,
// growing waits on network errors and 5xx, and a bounded number of them.
// After the last it gives up and the screen offers a key to try again:
// nothing retries on every heartbeat.
type retrier struct {
	at      time.Time
	attempt int
	kind    api.Kind
	msg     string
	gave    bool // the retries are used up
}

// schedule sets the next retry for err and tells whether there is one. It
// is false for an error not worth retrying (cleared) and once the retries
// are used up (then gaveUp is true).
func (r *retrier) schedule(now time.Time, err error) bool {
	e, ok := api.AsError(err)
	if !ok {
		r.clear()
		return false
	}
	wait, again := api.DefaultRetry.Wait(r.attempt+1, err)
	if !again {
		if r.attempt == 0 || !(e.Retryable() || e.Kind == api.KindDecode) {
			r.clear()
			return false
		}
		r.at, r.gave = time.Time{}, true
		return false
	}
	r.attempt++
	r.at = now.Add(wait)
	r.kind = e.Kind
	r.msg = e.Message
	if r.msg == "" {
		r.msg = e.Error()
	}
	return true
}

// gaveUp tells whether the retries are used up.
func (r *retrier) gaveUp() bool { return r.gave }

// gaveUpText says so, and which key tries again.
func (r *retrier) gaveUpText(again string) string {
	return fmt.Sprintf("Still failing after %d tries, so no more by itself (%s); %s tries again.", r.attempt+1, r.msg, again)
}

func (r *retrier) clear()                 { *r = retrier{} }
func (r *retrier) pending() bool          { return !r.at.IsZero() }
func (r *retrier) due(now time.Time) bool { return r.pending() && !now.Before(r.at) }

// fire tells whether the retry is due and, if so, takes it: it is not due
// again until the next failure schedules one, however long the request
// takes (a heartbeat must not send it twice).
func (r *retrier) fire(now time.Time) bool {
	if !r.due(now) {
		return false
	}
	r.at = time.Time{}
	return true
}
func (r *retrier) remaining(now time.Time) int {
	d := r.at.Sub(now)
	if d < 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// banner is the notice of a pending retry, wrapped to width w.
func (r *retrier) banner(st styles.Styles, now time.Time, zone *time.Location, w int) string {
	return lipgloss.NewStyle().Width(max(20, w)).Render(r.bannerText(st, now, zone))
}

func (r *retrier) bannerText(st styles.Styles, now time.Time, zone *time.Location) string {
	if !r.pending() {
		return ""
	}
	// "in 42 s", or for a spent monthly quota "in 412 h 10 min" with the date.
	secs := model.HumanDuration(time.Duration(r.remaining(now)) * time.Second)
	at := r.at.In(zone).Format("15:04:05")
	if r.at.Sub(now) > 12*time.Hour {
		at = r.at.In(zone).Format("Mon 02 Jan 15:04")
	}
	switch r.kind {
	case api.KindRateLimited:
		if r.at.Sub(now) > 12*time.Hour {
			return st.ErrBanner.Render(fmt.Sprintf("⏳ The month's quota is used up: nothing goes through before %s (in %s), when it is tried again by itself. The API said: %s", at, secs, r.msg))
		}
		return st.Banner.Render(fmt.Sprintf("⏳ Rate limited — retrying automatically in %s (at %s). The API said: %s", secs, at, r.msg))
	case api.KindServer:
		return st.ErrBanner.Render(fmt.Sprintf("⚠ Server error — retry %d in %s (at %s); nothing you entered is lost. The API said: %s", r.attempt, secs, at, r.msg))
	default:
		return st.ErrBanner.Render(fmt.Sprintf("⚠ Network problem — retry %d in %s (at %s); nothing you entered is lost. (%s)", r.attempt, secs, at, r.msg))
	}
}

// errText is the server's (or the client's) words for err.
func errText(err error) string {
	if e, ok := api.AsError(err); ok && e.Message != "" {
		return e.Message
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// refusalHint is what to do about a refused booking, by what the refusal
// says: each kind of refusal its own advice.
func refusalHint(text string, readOnly bool) string {
	lower := strings.ToLower(text)
	switch {
	case readOnly || strings.Contains(lower, "read-only"):
		return "Booking is off in read-only mode: start chargedesk without --read-only to book."
	case strings.Contains(lower, "spending limit"):
		return "The fleet group has reached its spending limit: book with another token (the driver's own, or ad_hoc), or ask the fleet's manager to raise it."
	case strings.Contains(lower, "token_uid"):
		return "The RFID UID is printed on the card: 8, 14 or 20 hex characters (spaces and colons are fine)."
	case strings.Contains(lower, "customer_id") || strings.Contains(lower, "token_id"):
		return "Give the driver's customer id, or the id of their card or app token."
	case strings.Contains(lower, "fleet_group"):
		return "Give the fleet group's id."
	case strings.Contains(lower, "reservation_") || strings.Contains(lower, "date") || strings.Contains(lower, "future") || strings.Contains(lower, "window"):
		return "Check the dates: the start at least 15 minutes ahead, 15 minutes to 4 hours long."
	case strings.Contains(lower, "does not support reservations"):
		return "This location takes no reservations: pick another (b in the results shows only bookable ones)."
	}
	return "Check the request."
}
