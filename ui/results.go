package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui/list"
)

type sortOrder int

const (
	byDistance sortOrder = iota
	byPrice
	byPower
)

func (o sortOrder) String() string {
	return [...]string{"distance", "price", "power"}[o]
}

// marker is an EVSE that failed (expired, no-show, cancelled, 409) and is
// marked when the agent comes back to look for another charger.
type marker struct {
	locationID, evseUID string
	status              string
}

// resultsDesk is what the results list uses of the session.
type resultsDesk interface {
	callDesk
	bookedAt(locationID string) []model.Booking
	held() []model.Booking
}

// resultsScreen lists the locations of a search. Its list draws only the
// rows in view, so 10,000 results cost what 10 do.
type resultsScreen struct {
	c      Common
	d      resultsDesk
	query  model.SearchQuery
	resp   *model.SearchResponse
	hay    []string // lower-case text per location for the filter
	view   []int    // indices into resp.Results after filter and sort
	list   list.Model
	w, h   int
	order  sortOrder
	bookOn bool
	marks  []marker
	notice string
	mapOn  bool   // the map replaces the list; the selection is shared
	place  string // what the search was near, as the agent knows it ("" coordinates)
}

func newResultsScreen(c Common, d resultsDesk, q model.SearchQuery, resp *model.SearchResponse, place string) *resultsScreen {
	s := &resultsScreen{c: c, d: d, query: q, resp: resp, place: place, list: list.New(c.Keys.List, 2)}
	s.hay = make([]string, len(resp.Results))
	for i, l := range resp.Results {
		s.hay[i] = strings.ToLower(l.Name + " " + l.Address + " " + l.City + " " + l.PostalCode + " " + l.CPOName + " " + l.LocationID)
	}
	filter := newInput(c.Styles.IsDark)
	filter.Prompt = "/ "
	filter.Placeholder = "name, street, city, CPO or id"
	s.list.WithFilter(filter)
	s.rebuild()
	// Preselect the first bookable result.
	for i, idx := range s.view {
		if resp.Results[idx].BookableCount() > 0 {
			s.list.Select(i)
			break
		}
	}
	return s
}

func (s *resultsScreen) Init() tea.Cmd     { return nil }
func (s *resultsScreen) Title() string     { return "Results" }
func (s *resultsScreen) Typing() bool      { return s.list.Filtering() }
func (s *resultsScreen) CapturesEsc() bool { return s.list.CapturesEsc() }

func (s *resultsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.SetWidth(w - 20)
	s.list.SetHeight(h - 5) // and the call line
}

func (s *resultsScreen) ShortHelp() []key.Binding {
	k := s.c.Keys
	if s.list.Filtering() {
		return []key.Binding{k.List.Apply, k.Results.ClearFilter}
	}
	return []key.Binding{k.Results.Open, k.Results.Map, k.Results.Sort, k.Results.Filter, k.Results.Bookable}
}

func (s *resultsScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys
	return [][]key.Binding{
		{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Home, k.List.End},
		{k.Results.Open, k.Results.Map, k.Results.Sort, k.Results.Filter, k.Results.Bookable, k.Results.ClearFilter},
	}
}

// rebuild recomputes the filtered, sorted view, keeping the selection.
func (s *resultsScreen) rebuild() {
	sel := -1
	if c := s.list.Cursor(); c >= 0 && c < len(s.view) {
		sel = s.view[c]
	}
	needle := s.list.Filter()
	s.view = s.view[:0]
	for i := range s.resp.Results {
		if s.bookOn && s.resp.Results[i].BookableCount() == 0 {
			continue
		}
		if needle != "" && !strings.Contains(s.hay[i], needle) {
			continue
		}
		s.view = append(s.view, i)
	}
	s.sortView()
	s.list.SetLen(len(s.view))
	s.list.Select(0)
	for i, idx := range s.view {
		if idx == sel {
			s.list.Select(i)
		}
	}
}

func (s *resultsScreen) sortView() {
	res := s.resp.Results
	switch s.order {
	case byPrice:
		sort.SliceStable(s.view, func(a, b int) bool {
			pa, oka := res[s.view[a]].EstimatedPrice()
			pb, okb := res[s.view[b]].EstimatedPrice()
			if oka != okb {
				return oka
			}
			return pa < pb
		})
	case byPower:
		sort.SliceStable(s.view, func(a, b int) bool {
			return res[s.view[a]].MaxPowerKW() > res[s.view[b]].MaxPowerKW()
		})
	default:
		sort.SliceStable(s.view, func(a, b int) bool {
			return res[s.view[a]].DistanceKM < res[s.view[b]].DistanceKM
		})
	}
}

// selected returns the location under the cursor.
func (s *resultsScreen) selected() (model.Location, bool) {
	c := s.list.Cursor()
	if c < 0 || c >= len(s.view) {
		return model.Location{}, false
	}
	return s.resp.Results[s.view[c]], true
}

// markMsg marks an EVSE as tried (from the status screen's "try another
// charger", and before the next best charger is proposed); failed is the
// booking that failed there.
type markMsg struct {
	m      marker
	failed model.Booking
}

func (s *resultsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case markMsg:
		s.marks = append(s.marks, msg.m)
		s.propose(msg)
		return s, nil
	case themeChangedMsg:
		s.c = msg.c
		s.list.SetInputStyles(inputStyles(s.c.Styles.IsDark))
		return s, nil
	case tea.PasteMsg, tea.KeyPressMsg:
		ev, cmd := s.list.Update(msg)
		switch ev {
		case list.FilterChanged:
			s.rebuild()
			return s, cmd
		case list.None:
		default:
			return s, cmd
		}
		if k, ok := msg.(tea.KeyPressMsg); ok {
			return s, s.key(k)
		}
	}
	return s, nil
}

// propose puts the cursor on the location of the next best charger after
// a failure (model.NextBest: never one the desk holds for the window; after
// a CPO failure another CPO's first) and says why, or that nothing else in
// these results fits.
func (s *resultsScreen) propose(msg markMsg) {
	ended := fmt.Sprintf("⚑ %s ended %s", msg.m.evseUID, msg.m.status)
	p := s.nextBest(msg.failed, s.d.held())
	if !p.Found {
		held := ""
		if p.Held > 0 {
			held = " (" + heldText(p.Held) + ")"
		}
		s.notice = fmt.Sprintf("%s · nothing else here fits%s: %s, then search wider", ended, held, keyName(s.c.Keys.Back))
		return
	}
	why := proposalText(p, msg.failed)
	if why != "" {
		why = ": " + why
	}
	if !s.selectLocation(p.Location.LocationID) {
		s.notice = fmt.Sprintf("%s · next best %s%s (hidden by the filter)", ended, p.Location.Name, why)
		return
	}
	s.notice = fmt.Sprintf("%s · ▸ next best%s", ended, why)
}

// selectLocation puts the cursor on a location, if the list shows it.
func (s *resultsScreen) selectLocation(id string) bool {
	for i, idx := range s.view {
		if s.resp.Results[idx].LocationID == id {
			s.list.Select(i)
			return true
		}
	}
	return false
}

func (s *resultsScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys.Results
	switch {
	case key.Matches(msg, k.Map):
		s.mapOn = !s.mapOn
	case key.Matches(msg, k.Sort):
		s.order = (s.order + 1) % 3
		s.rebuild()
	case key.Matches(msg, k.Bookable):
		s.bookOn = !s.bookOn
		s.rebuild()
	case key.Matches(msg, k.Open):
		if loc, ok := s.selected(); ok {
			return msgCmd(showLocationMsg{loc: loc, marks: s.marks, need: s.query.Need()})
		}
		return refuse(keyName(k.Open) + ": no location is shown to open.")
	}
	return nil
}

func (s *resultsScreen) heading() string {
	q := s.query
	place := s.place
	if place == "" {
		place = fmt.Sprintf("%.4f, %.4f", q.Lat, q.Lng)
	}
	count := fmt.Sprintf("%d locations", len(s.resp.Results))
	if s.resp.Total > len(s.resp.Results) {
		count = fmt.Sprintf("%d of %d locations", len(s.resp.Results), s.resp.Total)
	}
	return count + " " + q.Describe(place, s.c.Zone)
}

func (s *resultsScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(trunc(s.heading(), s.w)) + "\n")
	b.WriteString(callLine(s.c, s.d, s.w, ""))
	state := fmt.Sprintf("sorted by %s", s.order)
	if s.bookOn {
		state += " · bookable only"
	}
	if v := s.list.RawFilter(); v != "" && !s.list.Filtering() {
		state += fmt.Sprintf(" · filter %q", v)
	}
	state += fmt.Sprintf(" · %d shown", len(s.view))
	if len(s.view) > 0 {
		state += fmt.Sprintf(" · %d/%d", s.list.Cursor()+1, len(s.view))
	}
	if at := s.resp.CachedAt; at != nil {
		state += " · availability as of " + model.HumanDuration(s.c.Now().Sub(*at)) + " ago (the gateway's shared search)"
	}
	b.WriteString(st.Subtle.Render(state) + "\n")
	switch {
	case s.list.Filtering():
		b.WriteString(s.list.FilterView() + "\n")
	case s.notice != "":
		b.WriteString(wrapped(st.Marked, s.notice, s.w) + "\n")
	default:
		b.WriteString("\n")
	}
	if len(s.view) == 0 {
		if len(s.resp.Results) == 0 {
			b.WriteString(st.Warning.Render("No chargers match. Widen the radius, lower the minimum power, or choose any connector ("+keyName(s.c.Keys.Back)+").") + "\n")
		} else {
			b.WriteString(st.Warning.Render("Nothing matches the filter.") + "\n")
		}
		return b.String()
	}
	if s.mapOn {
		b.WriteString(s.mapView(s.w, max(4, s.h-6)))
		return b.String()
	}
	b.WriteString(s.list.View(func(i int, sel bool) string { return s.row(s.resp.Results[s.view[i]], sel) }))
	return b.String()
}

// row renders one location as two lines.
func (s *resultsScreen) row(l model.Location, sel bool) string {
	st := s.c.Styles
	w := s.w
	tag := st.SearchOnly.Render("search-only")
	if l.SupportsReservation {
		if l.BookableCount() > 0 {
			tag = st.BookableTag.Render("bookable")
		} else {
			tag = st.Warning.Render("none free")
		}
	}
	for _, m := range s.marks {
		if m.locationID == l.LocationID {
			tag = st.Marked.Render("⚑ "+m.status) + " " + tag
		}
	}
	for _, b := range s.d.bookedAt(l.LocationID) {
		if bs, be := b.Window(); s.query.Start.IsZero() || (bs.Before(s.query.End) && s.query.Start.Before(be)) {
			tag = st.Info.Render("◉ yours "+shortWindow(b, s.c.Zone)) + " " + tag
			break
		}
	}
	price := "price n/a"
	if p, ok := l.EstimatedPrice(); ok {
		price = fmt.Sprintf("~%s", model.FormatPrice(p, l.Pricing.Currency))
	}
	dist := model.FormatDistance(l.DistanceKM)
	power := fmt.Sprintf("%g kW", l.MaxPowerKW()) // on the first line: never cut off
	right := padLeft(power, 6) + " " + padLeft(price, 10) + "  " + pad(tag, max(11, ansi.StringWidth(tag)))
	nameW := w - 2 - len(dist) - 2 - ansi.StringWidth(right) - 1
	cur := "  "
	if sel {
		cur = st.Focused.Render("▸ ")
	}
	name := pad(l.Name, max(8, nameW))
	if sel {
		name = st.Selected.Render(name)
	} else {
		name = st.Bold.Render(name)
	}
	line1 := cur + dist + "  " + name + " " + right
	conns := []string{}
	for _, ct := range l.ConnectorTypes() {
		conns = append(conns, ct.Short())
	}
	need := s.query.Need()
	free, fitting := need.Free(l)
	freeText := fmt.Sprintf("%d/%d EVSEs free", free, fitting)
	if !need.Any() {
		freeText += " that fit" // the count is of what meets the need, not of every EVSE
	}
	detail := fmt.Sprintf("%s · %s · %s · %s",
		strings.Join(conns, "/"), freeText, model.JoinNonEmpty(", ", l.Address, l.City), l.CPOName)
	line2 := "            " + st.Subtle.Render(trunc(detail, w-12))
	return trunc(line1, w) + "\n" + line2 + "\n"
}
