package ui

import (
	"context"
	"fmt"
	"sort"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
)

// attempts are the session's booking attempts, kept apart from the booking
// form: leaving the form (esc, a global key) never stops an attempt. It goes
// on until its outcome is known, a made booking goes on the watchlist and is
// announced, and the form, opened again for that EVSE, shows the attempt
// instead of starting another.
type attempts struct {
	c       Common
	nextReq func() int       // the session's request ids
	watch   *watchlist       // where a made booking goes
	list    map[int]*attempt // unfinished attempts by id
	next    int
}

func newAttempts(c Common, nextReq func() int, watch *watchlist) *attempts {
	return &attempts{c: c, nextReq: nextReq, watch: watch, list: map[int]*attempt{}}
}

// open is the unfinished attempt for an EVSE, if any.
func (as *attempts) open(evseUID string) *attempt {
	for _, a := range as.sorted() {
		if a.evse.EVSEUID == evseUID {
			return a
		}
	}
	return nil
}

func (as *attempts) sorted() []*attempt {
	out := make([]*attempt, 0, len(as.list))
	for _, a := range as.list {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// start begins an attempt for r at loc's EVSE, or continues a (the form's,
// when it already has one).
func (as *attempts) start(a *attempt, loc model.Location, evse model.EVSE) *attempt {
	if a == nil {
		as.next++
		a = &attempt{id: as.next}
		as.list[a.id] = a
	}
	a.loc, a.evse = loc, evse
	return a
}

// submit sends r for a as typed now.
func (as *attempts) submit(a *attempt, r model.BookingRequest) tea.Cmd {
	return as.send(a, a.submit(r, as.c.Now()))
}

// send issues one step. The context is never cancelled by a screen: only
// the client's own timeouts end a create, and its look-up runs to its end.
func (as *attempts) send(a *attempt, st step) tea.Cmd {
	as.list[a.id] = a
	a.reqID = as.nextReq()
	if st.resume {
		return resumeCmd(context.Background(), as.c.Client, a.reqID, st.req, st.since)
	}
	return createCmd(context.Background(), as.c.Client, a.reqID, st.req)
}

// tick sends the retries that fell due.
func (as *attempts) tick() tea.Cmd {
	var cmds []tea.Cmd
	for _, a := range as.sorted() {
		if st, ok := a.due(as.c.Now()); ok {
			cmds = append(cmds, as.send(a, st))
		}
	}
	return tea.Batch(cmds...)
}

// recheck looks a's request up again (after an unknown outcome).
func (as *attempts) recheck(a *attempt) tea.Cmd {
	if st, ok := a.recheck(); ok {
		return as.send(a, st)
	}
	return nil
}

// answered takes the client's answer to an attempt's request. A made
// booking goes on the watchlist; a finished attempt leaves the list.
func (as *attempts) answered(msg bookingCreatedMsg) (*attempt, verdict, bool) {
	for _, a := range as.list {
		if a.reqID != msg.req || !a.sending {
			continue
		}
		v := a.answered(msg.result, msg.err, as.c.Now())
		if v == booked {
			as.watch.track(*msg.result.Booking, a.loc, msg.result.Adopted)
		}
		if v == booked || v == refused {
			delete(as.list, a.id)
		}
		return a, v, true
	}
	return nil, 0, false
}

// inFlight describes the attempts whose outcome is not known yet, or "".
func (as *attempts) inFlight() string {
	switch n := len(as.list); n {
	case 0:
		return ""
	case 1:
		for _, a := range as.list {
			return fmt.Sprintf("The booking %s is still being sent; its outcome is not known yet.", a.req.ExternalID)
		}
	default:
		return fmt.Sprintf("%d bookings are still being sent; their outcomes are not known yet.", n)
	}
	return ""
}

// attemptAnsweredMsg tells the booking form showing attempt a what its
// answer meant.
type attemptAnsweredMsg struct {
	a   *attempt
	v   verdict
	msg bookingCreatedMsg
}
