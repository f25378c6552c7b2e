package ui

import "github.com/petitmonde/chargedesk/model"

// callDesk is what a screen showing the call under way uses of the session.
type callDesk interface {
	currentCall() (model.Call, bool)
}

// callLine is the call under way as the agent entered it, in one line
// under a screen's title (the results, the location, the booking form and
// the status of a booking made in the call), so what is about to be booked
// can be checked against what the driver asked for; "" between calls, and
// when booking is given and was not made in the call.
func callLine(c Common, d callDesk, w int, booking string) string {
	call, ok := d.currentCall()
	if !ok || (booking != "" && !call.Made(booking)) {
		return ""
	}
	st := c.Styles
	return st.Label.Render("Call  ") + st.Info.Render(trunc(call.Summary(), max(10, w-6))) + "\n"
}
