package cli

import (
	"fmt"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// describe is the human title and advice of a failure, following the
// provider's error table (what the TUI says, in a sentence).
func (inv *invocation) describe(e *api.Error, code int) (title, hint string) {
	switch e.Kind {
	case api.KindValidation:
		return "invalid request (nothing was sent)", inv.checkHint()
	case api.KindBadRequest:
		if inv.name == "cancel" {
			return "the API refused the cancel (400)", "Only REQUESTED, PENDING and CONFIRMED bookings can be cancelled."
		}
		return "the API refused the request (400)", inv.checkHint()
	case api.KindUnauthorized, api.KindForbidden:
		return inv.authAdvice(e)
	case api.KindNotFound:
		return "not found (404)", inv.notFoundHint()
	case api.KindConflict:
		if e.Status == 0 { // found by the look-up, not said by the API
			return "external id in use", "Give another --external-id (or none: a fresh one is made)."
		}
		if inv.name == "book" {
			return "slot taken (409)", "Try another EVSE of the location (chargedesk search --place … --evses) or another --start."
		}
		return "conflict (409)", ""
	case api.KindRateLimited:
		if e.RetryAfter > 0 {
			return "rate limited (429)", fmt.Sprintf("Wait %s, then try again.", model.HumanDuration(e.RetryAfter))
		}
		return "rate limited (429)", "Wait a minute, then try again."
	case api.KindServer:
		return fmt.Sprintf("server error (%d)", e.Status), inv.transportHint()
	case api.KindNetwork:
		if code == exitInterrupted {
			return "interrupted", inv.interruptedHint()
		}
		return "network problem", inv.transportHint()
	case api.KindDecode:
		return "unreadable answer", inv.transportHint()
	case api.KindUnknownOutcome:
		return "outcome unknown", "Look for the booking with chargedesk bookings before booking again: it was not sent twice."
	case api.KindReadOnly:
		return "refused", "Drop --read-only to book or cancel."
	case api.KindRedirect:
		return fmt.Sprintf("redirected (%d)", e.Status), "Check --api-url (or the profile's base_url): chargedesk follows no redirects, so neither the key nor a booking goes anywhere else."
	case api.KindInsecure:
		return "refused", "Use an https URL, or --insecure-http on a network you trust."
	case api.KindInFlight:
		return "in flight", "Another chargedesk on this machine is sending this booking; when it has finished, look the booking up: chargedesk status with the external id above."
	}
	return "error", ""
}

// authAdvice says which setting to fix after a 401 or 403.
func (inv *invocation) authAdvice(e *api.Error) (title, hint string) {
	res := inv.conn.res
	switch {
	case e.Kind == api.KindForbidden:
		return "access refused (403)", "The key is valid but the account is suspended or inactive: ask your Petit Monde Energy account manager, or use another account's key (" + inv.keyPlace() + ")."
	case res.APIKey == "" && !inv.conn.demo:
		return "no API key (401)", "No API key is configured: set " + api.EnvAPIKey + " (a key is never given as a flag), or a profile's key. Talking to: " + inv.baseURL()
	}
	return "API key rejected (401)", "Set a valid key in " + inv.keyPlace() + ". Talking to: " + inv.baseURL()
}

func (inv *invocation) notFoundHint() string {
	switch inv.name {
	case "book":
		return "The location, EVSE or connector may have been removed: search again (chargedesk search)."
	case "status", "cancel":
		return "Check the booking id: a booking is visible only to the API key that made it."
	}
	return "Check --api-url. Talking to: " + inv.baseURL()
}

func (inv *invocation) interruptedHint() string {
	if inv.name == "cancel" {
		return "The cancel may or may not have reached the API: check with chargedesk status ID."
	}
	return ""
}

func (inv *invocation) checkHint() string {
	switch inv.name {
	case "book":
		return "Check the request (dates must be in the future). Run 'chargedesk book -h' for the flags."
	case "search":
		return "Check the search flags. Run 'chargedesk search -h' for them."
	}
	return "Check the request. Run 'chargedesk " + inv.name + " -h' for the flags."
}

func (inv *invocation) transportHint() string {
	switch inv.name {
	case "book":
		return "chargedesk looked the booking up by its external_id: nothing was booked, so running the same command again is safe."
	case "cancel":
		return "The booking was looked up afterwards and is not cancelled; try again later. Talking to: " + inv.baseURL()
	}
	return "Nothing was changed. Check the connection and --api-url; talking to: " + inv.baseURL()
}

func (inv *invocation) baseURL() string {
	if inv.conn == nil {
		return ""
	}
	if inv.conn.client != nil {
		return inv.conn.client.BaseURL()
	}
	return inv.conn.res.BaseURL
}

func (inv *invocation) keyPlace() string {
	if inv.conn != nil && inv.conn.res.Profile != "" {
		return fmt.Sprintf("%s, or the key of profile %q in the config file", api.EnvAPIKey, inv.conn.res.Profile)
	}
	return "the environment variable " + api.EnvAPIKey
}
