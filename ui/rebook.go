package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
)

// nextBest is the closest bookable EVSE among the results that still meets
// the driver's need, other than the failed one and those already marked,
// and that nothing the desk (or its team) holds takes for the window it
// would be booked for; after a CPO failure another CPO's first
// (model.NextBest).
func (s *resultsScreen) nextBest(failed model.Booking, held []model.Booking) model.Proposal {
	start, end := failed.Window()
	if start.IsZero() {
		start, end = s.query.Need().Window(s.c.Now())
	}
	start, end = model.NextWindow(start, end, s.c.Now())
	return model.NextBest(s.resp.Results, s.query.Need(), model.Avoid{Failed: failed, Tried: s.marked, Held: held, Start: start, End: end})
}

// proposalText says why a proposal is what it is: another CPO after a CPO
// failure, or the same one for want of another, and what the desk's holds
// left out.
func proposalText(p model.Proposal, failed model.Booking) string {
	var parts []string
	switch {
	case p.SameCPO:
		parts = append(parts, "the same CPO, "+p.Location.CPOName+": no other CPO's fits")
	case failed.CPOFailed():
		parts = append(parts, "another CPO, "+p.Location.CPOName)
	}
	if p.Held > 0 {
		parts = append(parts, heldText(p.Held))
	}
	return strings.Join(parts, "; ")
}

// heldText says how many EVSEs were left out because the desk holds them.
func heldText(n int) string {
	if n == 1 {
		return "1 EVSE held for the window left out"
	}
	return fmt.Sprintf("%d EVSEs held for the window left out", n)
}

func (s *resultsScreen) marked(uid string) bool {
	for _, m := range s.marks {
		if m.evseUID == uid {
			return true
		}
	}
	return false
}

// rebook proposes the next best charger for a failed booking: the booking
// form for it, with the same window (or the next possible one), token and
// customer. Enter books it.
func (a *App) rebook(failed model.Booking) tea.Cmd {
	var rs *resultsScreen
	for _, sc := range a.stack {
		if r, ok := sc.(*resultsScreen); ok {
			rs = r
		}
	}
	if rs == nil {
		a.dialogs.open(newTextBox(a.c, "Next best charger", "It is chosen from the results of a search, and none is open.\n"+keyName(a.c.Keys.Status.NewSearch)+" starts a new search around the driver."))
		return nil
	}
	status := string(failed.Status)
	if status == "" {
		status = "CONFLICT"
	}
	rs.Update(markMsg{m: marker{locationID: failed.LocationID, evseUID: failed.EVSEUID, status: status}, failed: failed})
	p := rs.nextBest(failed, a.s.held())
	if !p.Found {
		held := ""
		if p.Held > 0 {
			held = " (" + heldText(p.Held) + ")"
		}
		a.dialogs.open(newTextBox(a.c, "Next best charger", fmt.Sprintf("None of the %d results has another free EVSE that fits the search%s.\n%s starts a new search (a wider radius may help).", len(rs.resp.Results), held, keyName(a.c.Keys.Status.NewSearch))))
		return nil
	}
	loc, evse := p.Location, p.EVSE
	for len(a.stack) > 1 && a.top() != Screen(rs) {
		a.pop()
	}
	d := newDetailScreen(a.c, a.s, loc, rs.marks, rs.query.Need())
	d.selectEVSE(evse.EVSEUID)
	d.SetSize(a.contentSize())
	a.stack = append(a.stack, d)
	cs := newConfirmScreen(a.c, a.s, a.dialogs, loc, evse, rs.query.Need())
	cs.prefill(failed)
	why := proposalText(p, failed)
	if why != "" {
		why = " (" + why + ")"
	}
	cs.proposal = fmt.Sprintf("Next best charger after %s: %s away%s. Check the details; %s books it.", status, strings.TrimSpace(model.FormatDistance(loc.DistanceKM)), why, keyName(a.c.Keys.Book.Submit))
	cs.SetSize(a.contentSize())
	a.stack = append(a.stack, cs)
	return cs.Init()
}

// prefill copies token, customer and window from an earlier booking; a
// window that is no longer 15 minutes ahead moves to the next possible start.
func (s *confirmScreen) prefill(b model.Booking) {
	for i, t := range model.TokenStrategies {
		if t == b.TokenStrategy {
			s.form.byName("token_strategy").idx = i
		}
	}
	s.applyStrategy()
	s.form.byName("customer_id").input.SetValue(b.CustomerID)
	s.form.byName("token_id").input.SetValue(b.TokenID)
	s.form.byName("fleet_group_id").input.SetValue(b.FleetGroupID)
	s.form.byName("token_uid").input.SetValue(b.TokenUID)
	start, end := b.Window()
	if start.IsZero() {
		return
	}
	start, end = model.NextWindow(start, end, s.c.Now())
	dur := end.Sub(start)
	s.form.byName("reservation_start").input.SetValue(start.In(s.c.Zone).Format(startLayout))
	if dur > 0 {
		s.setDuration(dur)
	}
	s.validate()
}
