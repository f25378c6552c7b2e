package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
)

// nextBest is the closest bookable EVSE among the results, other than the
// failed one and those already marked, that still meets the driver's need.
func (s *resultsScreen) nextBest(failed model.Booking) (model.Location, model.EVSE, bool) {
	return model.NextBest(s.resp.Results, s.query.Need(), func(uid string) bool {
		return uid == failed.EVSEUID || s.marked(uid)
	})
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
	rs.Update(markMsg{marker{locationID: failed.LocationID, evseUID: failed.EVSEUID, status: status}})
	loc, evse, ok := rs.nextBest(failed)
	if !ok {
		a.dialogs.open(newTextBox(a.c, "Next best charger", fmt.Sprintf("None of the %d results has another free EVSE that fits the search.\n%s starts a new search (a wider radius may help).", len(rs.resp.Results), keyName(a.c.Keys.Status.NewSearch))))
		return nil
	}
	for len(a.stack) > 1 && a.top() != Screen(rs) {
		a.pop()
	}
	d := newDetailScreen(a.c, a.s, loc, rs.marks, rs.query.Need())
	d.selectEVSE(evse.EVSEUID)
	d.SetSize(a.contentSize())
	a.stack = append(a.stack, d)
	cs := newConfirmScreen(a.c, a.s, a.dialogs, loc, evse, rs.query.Need())
	cs.prefill(failed)
	cs.proposal = fmt.Sprintf("Next best charger after %s: %s away. Check the details; %s books it.", status, strings.TrimSpace(model.FormatDistance(loc.DistanceKM)), keyName(a.c.Keys.Book.Submit))
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
	dur := end.Sub(start)
	if start.Before(s.c.Now().Add(model.MinLeadTime + time.Minute)) {
		start = model.DefaultStart(s.c.Now())
	}
	s.form.byName("reservation_start").input.SetValue(start.In(s.c.Zone).Format(startLayout))
	if dur > 0 {
		s.setDuration(dur)
	}
	s.validate()
}
