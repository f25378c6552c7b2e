package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui/list"
)

// detailDesk is what the location screen uses of the session.
type detailDesk interface {
	callDesk
	bookedFor(evseUID string, start, end time.Time) (model.Booking, bool)
	held() []model.Booking
}

// detailScreen shows one location and every EVSE; bookable ones are selectable.
type detailScreen struct {
	c     Common
	d     detailDesk
	loc   model.Location
	need  model.Need // what the driver asked for: EVSEs that miss it are dimmed, not preselected
	list  list.Model // over loc.EVSEs; only bookable ones can be selected
	marks []marker
	none  string // why no EVSE here meets the need, and what is offered instead
	w, h  int
}

func newDetailScreen(c Common, d detailDesk, loc model.Location, marks []marker, need model.Need) *detailScreen {
	s := &detailScreen{c: c, d: d, loc: loc, marks: marks, need: need}
	keys := c.Keys.List
	keys.Up, keys.Down = c.Keys.Detail.Up, c.Keys.Detail.Down
	s.list = list.New(keys, 1)
	s.list.SetLen(len(loc.EVSEs))
	s.list.SetSelectable(s.bookable)
	s.preselect()
	return s
}

// preselect puts the cursor on the first bookable EVSE that meets the
// need, is not marked as failed and is not held by the desk (or its team)
// for the window it would be booked for (model.OtherFree); with none, on
// the closest match, saying so.
func (s *detailScreen) preselect() {
	start, end := s.need.Window(s.c.Now())
	free, held := model.OtherFree(s.loc, s.need, model.Avoid{Tried: s.marked, Held: s.d.held(), Start: start, End: end})
	if len(free) > 0 {
		if ok, _ := s.need.Meets(free[0]); ok {
			s.selectEVSE(free[0].EVSEUID)
			return
		}
	}
	if held > 0 { // what fits here is the desk's already
		if len(free) > 0 {
			s.selectEVSE(free[0].EVSEUID)
		}
		s.none = fmt.Sprintf("Every free EVSE here that fits is held by you or your team for this window (%d). %s goes back for another charger.",
			held, keyName(s.c.Keys.Back))
		return
	}
	if e, ok := s.need.ClosestMatch(s.loc); ok {
		s.selectEVSE(e.EVSEUID)
		_, why := s.need.Meets(e)
		s.none = fmt.Sprintf("No free EVSE here has %s. The closest match is %s (%s): %s books it anyway.",
			s.need.Describe(), e.EVSEUID, why, keyName(s.c.Keys.Detail.Book))
	}
}

// marked tells whether the EVSE is marked as one that failed.
func (s *detailScreen) marked(uid string) bool {
	for _, m := range s.marks {
		if m.evseUID == uid {
			return true
		}
	}
	return false
}

func (s *detailScreen) Init() tea.Cmd { return nil }
func (s *detailScreen) Title() string { return "Location" }
func (s *detailScreen) Typing() bool  { return false }

// SetSize leaves the EVSE rows what the location's details do not take.
func (s *detailScreen) SetSize(w, h int) { s.w, s.h = w, h; s.list.SetHeight(h - 9) } // and the call line

func (s *detailScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.Detail
	b := k.Book
	b.SetEnabled(s.list.Cursor() >= 0 && !s.c.Mode.ReadOnly)
	return []key.Binding{b, k.Up, k.Down}
}

func (s *detailScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys.Detail
	return [][]key.Binding{{k.Up, k.Down, k.Book}}
}

func (s *detailScreen) bookable(i int) bool {
	ok, _ := model.Bookable(s.loc, s.loc.EVSEs[i])
	return ok
}

// selectEVSE moves the cursor to an EVSE by uid (after a 409 elsewhere).
func (s *detailScreen) selectEVSE(uid string) {
	for i, e := range s.loc.EVSEs {
		if e.EVSEUID == uid && s.bookable(i) {
			s.list.Select(i)
		}
	}
}

func (s *detailScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
	case markMsg:
		s.marks = append(s.marks, msg.m)
	case tea.KeyPressMsg:
		if ev, _ := s.list.Update(msg); ev != list.None {
			return s, nil
		}
		if key.Matches(msg, s.c.Keys.Detail.Book) {
			return s, s.book()
		}
	}
	return s, nil
}

// book opens the booking form for the EVSE under the cursor, or says why not.
func (s *detailScreen) book() tea.Cmd {
	name := keyName(s.c.Keys.Detail.Book)
	i := s.list.Cursor()
	switch {
	case s.c.Mode.ReadOnly:
		return refuse(name + ": booking is off: chargedesk runs read-only (--read-only).")
	case i < 0:
		return refuse(name + ": no EVSE here can be booked now (" + keyName(s.c.Keys.Back) + " goes back to the results).")
	}
	return msgCmd(showFormMsg{loc: s.loc, evse: s.loc.EVSEs[i], need: s.need})
}

func (s *detailScreen) View() string {
	st := s.c.Styles
	l := s.loc
	var b strings.Builder
	b.WriteString(st.Title.Render(trunc(l.Name, s.w)) + "\n")
	b.WriteString(callLine(s.c, s.d, s.w, ""))
	addr := model.JoinNonEmpty(", ", l.Address, strings.TrimSpace(l.PostalCode+" "+l.City), l.Country)
	if addr == "" {
		addr = "address not given"
	}
	b.WriteString(st.Value.Render(addr) + "\n")
	coords := ""
	if l.Coordinates != nil {
		coords = fmt.Sprintf(" · %.5f, %.5f", l.Coordinates.Latitude, l.Coordinates.Longitude)
	}
	b.WriteString(st.Subtle.Render(fmt.Sprintf("%s away%s · %s (%s) · %s", strings.TrimSpace(model.FormatDistance(l.DistanceKM)), coords, l.CPOName, l.CPOPartyID, l.LocationID)) + "\n")
	price := "no price estimate"
	if p, ok := l.EstimatedPrice(); ok {
		price = "estimated price " + model.FormatPrice(p, l.Pricing.Currency) + " per session"
	}
	res := st.Success.Render("takes reservations")
	if !l.SupportsReservation {
		res = st.Warning.Render("search-only: this location takes no reservations")
	}
	b.WriteString(res + st.Subtle.Render(" · "+price) + "\n\n")

	b.WriteString(st.TableHeading.Render(fmt.Sprintf("EVSEs (%d, %d bookable)", len(l.EVSEs), l.BookableCount())) + "\n")
	if l.BookableCount() < len(l.EVSEs) {
		why := "✗ not bookable: only AVAILABLE EVSEs can be reserved"
		if !l.SupportsReservation {
			why = "✗ not bookable: this location takes no reservations"
		}
		b.WriteString(st.Dim.Render(why) + "\n")
	}
	held := s.d.held()
	b.WriteString(s.list.View(func(i int, sel bool) string { return s.evseLine(i, sel, held) + "\n" }))
	if s.none != "" && !s.c.Mode.ReadOnly {
		b.WriteString(wrapped(st.Warning, s.none, s.w) + "\n")
	}
	if s.c.Mode.ReadOnly {
		b.WriteString(st.ReadOnlyTag.Render(trunc("Read-only: booking is off (started with --read-only); this shows what could be booked.", s.w)) + "\n")
	}
	if s.list.Cursor() < 0 {
		b.WriteString("\n" + st.Warning.Render("Nothing here can be booked now. "+keyName(s.c.Keys.Back)+" goes back to the results.") + "\n")
	}
	return b.String()
}

func (s *detailScreen) evseLine(i int, selected bool, held []model.Booking) string {
	st := s.c.Styles
	e := s.loc.EVSEs[i]
	ok, _ := model.Bookable(s.loc, e) // the legend line above says why not
	var conns []string
	for _, c := range e.Connectors {
		conns = append(conns, fmt.Sprintf("%s %s %g kW %s", c.ConnectorID, c.ConnectorType.Label(), c.PowerKW, c.PowerType.Label()))
	}
	flag := ""
	for _, m := range s.marks {
		if m.evseUID == e.EVSEUID {
			flag = st.Marked.Render(" ⚑ " + m.status)
		}
	}
	if b, mine := s.d.bookedFor(e.EVSEUID, s.need.Start, s.need.End); mine {
		flag += st.Info.Render(" ◉ yours " + shortWindow(b, s.c.Zone))
	} else if b, team := model.HeldBy(held, e.EVSEUID, s.need.Start, s.need.End); team {
		by := ""
		if b.BookedBy != "" {
			by = "by " + b.BookedBy + " "
		}
		flag += st.Info.Render(" ◉ held " + by + shortWindow(b, s.c.Zone))
	}
	uid := pad(e.EVSEUID, 20)
	status := pad(string(e.Status), 11)
	text := strings.Join(conns, " · ")
	// Why an EVSE does not meet the need comes before its connectors, so a
	// long list of plugs cannot push it off a narrow screen.
	meets, why := s.need.Meets(e)
	switch {
	case selected && !meets:
		return st.Focused.Render("▸ ") + st.Selected.Render(uid+" "+status) + " " + st.Warning.Render(why+" —") + " " + text + flag
	case selected:
		return st.Focused.Render("▸ ") + st.Selected.Render(uid+" "+status) + " " + text + flag
	case ok && !meets:
		return st.Dim.Render("  "+uid+" "+status+" "+why+" — "+text) + flag
	case ok:
		return "  " + uid + " " + st.Colored(string(e.Status), evseTone(e.Status)) + strings.Repeat(" ", max(0, 11-len(e.Status))) + " " + text + flag
	default:
		return st.Dim.Render("✗ "+uid+" "+status+" "+text) + flag
	}
}
