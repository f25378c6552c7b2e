package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
)

var resultKeys = struct {
	Up, Down, PageUp, PageDown, Home, End, Open, Sort, Filter, Bookable, ClearFilter, Map key.Binding
}{
	Map:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "map / list")),
	Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
	PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
	Home:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
	End:         key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
	Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
	Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
	Bookable:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "bookable only")),
	ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
}

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

// resultsScreen lists the locations of a search. It renders only the rows
// that are visible, so 10,000 results cost what 10 do.
type resultsScreen struct {
	c       *Common
	query   model.SearchQuery
	resp    *model.SearchResponse
	hay     []string // lower-case text per location for the filter
	view    []int    // indices into resp.Results after filter and sort
	cursor  int      // position in view
	offset  int      // first visible position
	w, h    int
	order   sortOrder
	bookOn  bool
	filter  textinput.Model
	filting bool // the filter field has focus
	marks   []marker
	notice  string
	mapOn   bool // the map replaces the list; the selection is shared
}

func newResultsScreen(c *Common, q model.SearchQuery, resp *model.SearchResponse) *resultsScreen {
	s := &resultsScreen{c: c, query: q, resp: resp}
	s.hay = make([]string, len(resp.Results))
	for i, l := range resp.Results {
		s.hay[i] = strings.ToLower(l.Name + " " + l.Address + " " + l.City + " " + l.PostalCode + " " + l.CPOName + " " + l.LocationID)
	}
	s.filter = newInput(c.Styles.IsDark)
	s.filter.Prompt = "/ "
	s.filter.Placeholder = "name, street, city, CPO or id"
	s.rebuild()
	// Preselect the first bookable result.
	for i, idx := range s.view {
		if resp.Results[idx].BookableCount() > 0 {
			s.cursor = i
			break
		}
	}
	return s
}

func (s *resultsScreen) Init() tea.Cmd { return nil }
func (s *resultsScreen) Title() string { return "Results" }
func (s *resultsScreen) Typing() bool  { return s.filting }
func (s *resultsScreen) CapturesEsc() bool {
	return s.filting || s.filter.Value() != ""
}

func (s *resultsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.filter.SetWidth(max(10, w-20))
	s.clamp()
}

func (s *resultsScreen) ShortHelp() []key.Binding {
	if s.filting {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")), resultKeys.ClearFilter}
	}
	return []key.Binding{resultKeys.Open, resultKeys.Map, resultKeys.Sort, resultKeys.Filter, resultKeys.Bookable}
}

func (s *resultsScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{resultKeys.Up, resultKeys.Down, resultKeys.PageUp, resultKeys.PageDown, resultKeys.Home, resultKeys.End},
		{resultKeys.Open, resultKeys.Map, resultKeys.Sort, resultKeys.Filter, resultKeys.Bookable, resultKeys.ClearFilter},
	}
}

// rowsVisible is how many two-line rows fit under the heading.
func (s *resultsScreen) rowsVisible() int {
	return max(1, (s.h-4)/2)
}

// rebuild recomputes the filtered, sorted view.
func (s *resultsScreen) rebuild() {
	var sel = -1
	if s.cursor < len(s.view) {
		sel = s.view[s.cursor]
	}
	needle := strings.ToLower(strings.TrimSpace(s.filter.Value()))
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
	s.cursor = 0
	for i, idx := range s.view {
		if idx == sel {
			s.cursor = i
		}
	}
	s.clamp()
}

func (s *resultsScreen) clamp() {
	if s.cursor >= len(s.view) {
		s.cursor = len(s.view) - 1
	}
	if s.cursor < 0 {
		s.cursor = 0
	}
	n := s.rowsVisible()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+n {
		s.offset = s.cursor - n + 1
	}
	if s.offset < 0 {
		s.offset = 0
	}
}

// selected returns the location under the cursor.
func (s *resultsScreen) selected() (model.Location, bool) {
	if s.cursor < 0 || s.cursor >= len(s.view) {
		return model.Location{}, false
	}
	return s.resp.Results[s.view[s.cursor]], true
}

// markMsg marks an EVSE as tried (from the status screen's "try another charger").
type markMsg struct{ m marker }

func (s *resultsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case markMsg:
		s.marks = append(s.marks, msg.m)
		s.notice = fmt.Sprintf("%s ended %s — pick another charger (⚑ marks the one that failed).", msg.m.evseUID, msg.m.status)
		return s, nil
	case themeChangedMsg:
		s.filter.SetStyles(inputStyles(s.c.Styles.IsDark))
		return s, nil
	case tea.PasteMsg:
		if s.filting {
			var cmd tea.Cmd
			s.filter, cmd = s.filter.Update(msg)
			s.rebuild()
			return s, cmd
		}
	case tea.KeyPressMsg:
		if s.filting {
			switch msg.String() {
			case "enter":
				s.filting = false
				s.filter.Blur()
				return s, nil
			case "esc":
				s.filting = false
				s.filter.Blur()
				s.filter.SetValue("")
				s.rebuild()
				return s, nil
			case "up", "down":
				// fall through to movement below
			default:
				var cmd tea.Cmd
				s.filter, cmd = s.filter.Update(msg)
				s.rebuild()
				return s, cmd
			}
		}
		switch {
		case key.Matches(msg, resultKeys.Up):
			s.cursor--
		case key.Matches(msg, resultKeys.Down):
			s.cursor++
		case key.Matches(msg, resultKeys.PageUp):
			s.cursor -= s.rowsVisible()
		case key.Matches(msg, resultKeys.PageDown):
			s.cursor += s.rowsVisible()
		case key.Matches(msg, resultKeys.Home):
			s.cursor = 0
		case key.Matches(msg, resultKeys.End):
			s.cursor = len(s.view) - 1
		case key.Matches(msg, resultKeys.Map):
			s.mapOn = !s.mapOn
		case key.Matches(msg, resultKeys.Sort):
			s.order = (s.order + 1) % 3
			s.rebuild()
		case key.Matches(msg, resultKeys.Bookable):
			s.bookOn = !s.bookOn
			s.rebuild()
		case key.Matches(msg, resultKeys.Filter):
			s.filting = true
			return s, s.filter.Focus()
		case msg.String() == "esc" && s.filter.Value() != "":
			s.filter.SetValue("")
			s.rebuild()
		case key.Matches(msg, resultKeys.Open):
			if loc, ok := s.selected(); ok {
				return s, push(newDetailScreen(s.c, loc, s.marks))
			}
		}
		s.clamp()
	}
	return s, nil
}

func (s *resultsScreen) heading() string {
	q := s.query
	place := fmt.Sprintf("%.4f, %.4f", q.Lat, q.Lng)
	for _, c := range model.Cities {
		if model.DistanceKM(c.Lat, c.Lng, q.Lat, q.Lng) < 0.05 {
			place = c.Name
		}
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
	state := fmt.Sprintf("sorted by %s", s.order)
	if s.bookOn {
		state += " · bookable only"
	}
	if v := s.filter.Value(); v != "" && !s.filting {
		state += fmt.Sprintf(" · filter %q", v)
	}
	state += fmt.Sprintf(" · %d shown", len(s.view))
	if len(s.view) > 0 {
		state += fmt.Sprintf(" · %d/%d", s.cursor+1, len(s.view))
	}
	b.WriteString(st.Subtle.Render(state) + "\n")
	switch {
	case s.filting:
		b.WriteString(s.filter.View() + "\n")
	case s.notice != "":
		b.WriteString(st.Marked.Render(trunc(s.notice, s.w)) + "\n")
	default:
		b.WriteString("\n")
	}
	if len(s.view) == 0 {
		if len(s.resp.Results) == 0 {
			b.WriteString(st.Warning.Render("No chargers match. Widen the radius, lower the minimum power, or choose any connector (esc).") + "\n")
		} else {
			b.WriteString(st.Warning.Render("Nothing matches the filter.") + "\n")
		}
		return b.String()
	}
	if s.mapOn {
		b.WriteString(s.mapView(s.w, max(4, s.h-5)))
		return b.String()
	}
	end := min(len(s.view), s.offset+s.rowsVisible())
	for i := s.offset; i < end; i++ {
		b.WriteString(s.row(s.resp.Results[s.view[i]], i == s.cursor))
	}
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
	price := "price n/a"
	if p, ok := l.EstimatedPrice(); ok {
		price = fmt.Sprintf("~%s", model.FormatPrice(p, l.Pricing.Currency))
	}
	dist := fmt.Sprintf("%5.1f km", l.DistanceKM)
	right := padLeft(price, 10) + "  " + pad(tag, max(11, ansi.StringWidth(tag)))
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
	detail := fmt.Sprintf("%s · %s · %d/%d EVSEs free · %s max %g kW",
		model.JoinNonEmpty(", ", l.Address, l.City), l.CPOName, l.AvailableCount(), len(l.EVSEs), strings.Join(conns, "/"), l.MaxPowerKW())
	line2 := "            " + st.Subtle.Render(trunc(detail, w-12))
	return trunc(line1, w) + "\n" + line2 + "\n"
}
