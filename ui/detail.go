package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
)

var detailKeys = struct {
	Up, Down, Book key.Binding
}{
	Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous bookable")),
	Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next bookable")),
	Book: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "book this EVSE")),
}

// detailScreen shows one location and every EVSE; bookable ones are selectable.
type detailScreen struct {
	c      *Common
	loc    model.Location
	cursor int // index into loc.EVSEs, always a bookable one (or -1)
	offset int
	marks  []marker
	w, h   int
}

func newDetailScreen(c *Common, loc model.Location, marks []marker) *detailScreen {
	s := &detailScreen{c: c, loc: loc, cursor: -1, marks: marks}
	s.cursor = s.nextBookable(-1, 1)
	return s
}

func (s *detailScreen) Init() tea.Cmd    { return nil }
func (s *detailScreen) Title() string    { return "Location" }
func (s *detailScreen) Typing() bool     { return false }
func (s *detailScreen) SetSize(w, h int) { s.w, s.h = w, h; s.scroll() }

// rows is how many EVSE lines fit under the location's details.
func (s *detailScreen) rows() int { return max(1, s.h-8) }

// scroll keeps the cursor's EVSE in view.
func (s *detailScreen) scroll() {
	if s.cursor < 0 {
		return
	}
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+s.rows() {
		s.offset = s.cursor - s.rows() + 1
	}
}

func (s *detailScreen) ShortHelp() []key.Binding {
	b := detailKeys.Book
	b.SetEnabled(s.cursor >= 0)
	return []key.Binding{detailKeys.Up, detailKeys.Down, b}
}

func (s *detailScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{detailKeys.Up, detailKeys.Down, detailKeys.Book}}
}

func (s *detailScreen) bookable(i int) bool {
	ok, _ := model.Bookable(s.loc, s.loc.EVSEs[i])
	return ok
}

// nextBookable finds the next bookable EVSE from i in direction d, or i
// itself when there is none that way.
func (s *detailScreen) nextBookable(i, d int) int {
	for j := i + d; j >= 0 && j < len(s.loc.EVSEs); j += d {
		if s.bookable(j) {
			return j
		}
	}
	return i
}

// selectEVSE moves the cursor to an EVSE by uid (after a 409 elsewhere).
func (s *detailScreen) selectEVSE(uid string) {
	for i, e := range s.loc.EVSEs {
		if e.EVSEUID == uid && s.bookable(i) {
			s.cursor = i
		}
	}
	s.scroll()
}

func (s *detailScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case markMsg:
		s.marks = append(s.marks, msg.m)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, detailKeys.Up):
			s.cursor = s.nextBookable(s.cursor, -1)
			s.scroll()
		case key.Matches(msg, detailKeys.Down):
			s.cursor = s.nextBookable(s.cursor, 1)
			s.scroll()
		case key.Matches(msg, detailKeys.Book):
			if s.cursor >= 0 {
				return s, push(newConfirmScreen(s.c, s.loc, s.loc.EVSEs[s.cursor]))
			}
		}
	}
	return s, nil
}

func (s *detailScreen) View() string {
	st := s.c.Styles
	l := s.loc
	var b strings.Builder
	b.WriteString(st.Title.Render(trunc(l.Name, s.w)) + "\n")
	addr := model.JoinNonEmpty(", ", l.Address, strings.TrimSpace(l.PostalCode+" "+l.City), l.Country)
	if addr == "" {
		addr = "address not given"
	}
	b.WriteString(st.Value.Render(addr) + "\n")
	coords := ""
	if l.Coordinates != nil {
		coords = fmt.Sprintf(" · %.5f, %.5f", l.Coordinates.Latitude, l.Coordinates.Longitude)
	}
	b.WriteString(st.Subtle.Render(fmt.Sprintf("%.1f km away%s · %s (%s) · %s", l.DistanceKM, coords, l.CPOName, l.CPOPartyID, l.LocationID)) + "\n")
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
	for i := s.offset; i < len(l.EVSEs) && i < s.offset+s.rows(); i++ {
		b.WriteString(s.evseLine(i) + "\n")
	}
	if s.cursor < 0 {
		b.WriteString("\n" + st.Warning.Render("Nothing here can be booked now. esc goes back to the results.") + "\n")
	}
	return b.String()
}

func (s *detailScreen) evseLine(i int) string {
	st := s.c.Styles
	e := s.loc.EVSEs[i]
	ok, _ := model.Bookable(s.loc, e) // the legend line above says why not
	var conns []string
	for _, c := range e.Connectors {
		ac := "AC"
		if c.PowerType.IsDC() {
			ac = "DC"
		}
		conns = append(conns, fmt.Sprintf("%s %s %g kW %s", c.ConnectorID, c.ConnectorType.Label(), c.PowerKW, ac))
	}
	flag := ""
	for _, m := range s.marks {
		if m.evseUID == e.EVSEUID {
			flag = st.Marked.Render(" ⚑ " + m.status)
		}
	}
	uid := pad(e.EVSEUID, 20)
	status := pad(string(e.Status), 11)
	text := strings.Join(conns, " · ")
	switch {
	case i == s.cursor:
		return st.Focused.Render("▸ ") + st.Selected.Render(uid+" "+status) + " " + text + flag
	case ok:
		return "  " + uid + " " + st.EVSEStatusText(e.Status) + strings.Repeat(" ", max(0, 11-len(e.Status))) + " " + text + flag
	default:
		return st.Dim.Render("✗ "+uid+" "+status+" "+text) + flag
	}
}
