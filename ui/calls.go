package ui

import "github.com/petitmonde/chargedesk/model"

// maxPastCalls is how many ended calls the desk keeps to bring back.
const maxPastCalls = 20

// calls is the call under way and the calls before it: the search form
// records a call's search when it is sent, the booking form its token as
// it is typed and the bookings made; the status screen's new-call key ends
// it. The screens show the call under way; a driver who calls again gets an
// ended one back on the search form.
type calls struct {
	cur  *model.Call  // nil between calls
	past []model.Call // ended, newest first
}

// now is the call under way; ok is false between calls.
func (c *calls) now() (model.Call, bool) {
	if c.cur == nil {
		return model.Call{}, false
	}
	return *c.cur, true
}

// searched records a search sent: the call under way takes it (a call
// starts with its first search), and token when one is given (a past call
// brought back carries its driver's token).
func (c *calls) searched(in model.SearchInput, need model.Need, token model.Booking) {
	if c.cur == nil {
		c.cur = &model.Call{}
	}
	c.cur.Search, c.cur.Need = in, need
	if token.TokenStrategy != "" {
		c.cur.Token = token
	}
}

// typedToken records the token as the booking form holds it, during a call.
func (c *calls) typedToken(t model.Booking) {
	if c.cur != nil {
		c.cur.Token = t
	}
}

// booked records a booking made during the call.
func (c *calls) booked(id string) {
	if c.cur != nil && !c.cur.Made(id) {
		c.cur.Booked = append(c.cur.Booked, id)
	}
}

// end ends the call under way: it goes first among the past calls.
func (c *calls) end() {
	if c.cur == nil {
		return
	}
	c.past = append([]model.Call{*c.cur}, c.past...)
	c.past = c.past[:min(len(c.past), maxPastCalls)]
	c.cur = nil
}

// back is the i-th past call, newest first, and how many there are.
func (c *calls) back(i int) (model.Call, int) {
	if i < 0 || i >= len(c.past) {
		return model.Call{}, len(c.past)
	}
	return c.past[i], len(c.past)
}
