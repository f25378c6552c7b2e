package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

var searchKeys = struct {
	Submit, Next, Prev, Preset key.Binding
}{
	Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
	Next:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
	Prev:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
	Preset: key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "city preset / choice")),
}

// windowLengths are the offered lengths of the optional reservation window.
var windowLengths = []time.Duration{30 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour}

// searchScreen is the search form.
type searchScreen struct {
	c      *Common
	form   form
	preset int // index into model.Cities shown by ↑/↓, -1 = typed

	req     int
	cancel  context.CancelFunc
	pending *model.SearchQuery
	retry   retrier
	topErr  string // the server's text of a 400, or what the client refused
}

func newSearchScreen(c *Common, q *model.SearchQuery, place string) *searchScreen {
	s := &searchScreen{c: c, preset: -1}
	radius := ""
	power := ""
	conn := 0
	if q != nil {
		if place == "" {
			place = fmt.Sprintf("%.4f, %.4f", q.Lat, q.Lng)
		}
		if q.RadiusKM != 0 {
			radius = strconv.FormatFloat(q.RadiusKM, 'f', -1, 64)
		}
		if q.PowerMinKW != 0 {
			power = strconv.FormatFloat(q.PowerMinKW, 'f', -1, 64)
		}
		for i, ct := range connectorChoices() {
			if ct == q.ConnectorType {
				conn = i
			}
		}
	}
	labels := make([]string, 0, len(connectorChoices()))
	for _, ct := range connectorChoices() {
		if ct == "" {
			labels = append(labels, "any connector")
		} else {
			labels = append(labels, ct.Label()+"  "+string(ct))
		}
	}
	lengths := make([]string, len(windowLengths))
	for i, d := range windowLengths {
		lengths[i] = fmtDuration(d)
	}
	s.form.fields = []*field{
		newTextField("place", "Place", place, "city (↑/↓ presets) or 48.1351, 11.5820"),
		newTextField("radius", "Radius (km)", radius, "50"),
		newChoiceField("connector_type", "Connector", labels, conn),
		newTextField("power_min", "Min. power (kW)", power, "any"),
		newTextField("start_time", "Window from", "", "optional: 14:30 or 2026-12-01 08:00"),
		newChoiceField("window_length", "Window length", lengths, 1),
	}
	s.form.fields[0].hint = "↑/↓ city presets · paste coordinates in any common form"
	if len(c.history.Places) > 0 {
		s.form.fields[0].hint = "↑/↓ recent places, then city presets · or paste coordinates"
	}
	s.form.fields[1].hint = "more than 0, at most 200 (default 50)"
	s.form.fields[4].hint = "only chargers that can take a reservation then (Berlin time)"
	s.form.focusOn(0)
	s.validate(false)
	return s
}

// connectorChoices: any, the common ones, then the rest of OCPI.
func connectorChoices() []model.ConnectorType {
	out := []model.ConnectorType{""}
	out = append(out, model.CommonConnectorTypes...)
	for _, ct := range model.AllConnectorTypes {
		common := false
		for _, c := range model.CommonConnectorTypes {
			common = common || c == ct
		}
		if !common {
			out = append(out, ct)
		}
	}
	return out
}

func (s *searchScreen) Init() tea.Cmd { return s.form.focusOn(s.form.focus) }

func (s *searchScreen) Title() string { return "Search" }

func (s *searchScreen) Typing() bool { return s.form.typing() }

func (s *searchScreen) SetSize(w, h int) { s.form.setWidth(w) }

func (s *searchScreen) ShortHelp() []key.Binding {
	return []key.Binding{searchKeys.Submit, searchKeys.Next, searchKeys.Preset}
}

func (s *searchScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{searchKeys.Submit, searchKeys.Next, searchKeys.Prev, searchKeys.Preset}}
}

func (s *searchScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *searchScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.form.setStyles(s.c.Styles)
	case heartbeatMsg:
		if s.retry.due(s.c.Now()) && s.pending != nil {
			return s, s.send(*s.pending)
		}
	case resubmitMsg:
		return s, s.submit()
	case searchDoneMsg:
		if msg.req != s.req {
			return s, nil // stale
		}
		return s, s.done(msg)
	case tea.PasteMsg:
		return s, s.form.update(msg)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, searchKeys.Submit):
			return s, s.submit()
		case key.Matches(msg, searchKeys.Next):
			return s, s.form.move(1)
		case key.Matches(msg, searchKeys.Prev):
			return s, s.form.move(-1)
		case s.form.focus == 0 && (msg.String() == "up" || msg.String() == "down"):
			s.cyclePreset(msg.String())
			s.validate(false)
			return s, nil
		case !s.form.focused().choice && (msg.String() == "up" || msg.String() == "down"):
			if msg.String() == "up" {
				return s, s.form.move(-1)
			}
			return s, s.form.move(1)
		}
		cmd := s.form.update(msg)
		s.validate(false)
		return s, cmd
	default:
		return s, s.form.update(msg)
	}
	return s, nil
}

// places are what ↑/↓ offers in the place field: recent places first, then
// the city presets.
func (s *searchScreen) places() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.c.history.Places {
		out = append(out, p)
		seen[strings.ToLower(p)] = true
	}
	for _, c := range model.Cities {
		if !seen[strings.ToLower(c.Name)] {
			out = append(out, c.Name)
		}
	}
	return out
}

func (s *searchScreen) cyclePreset(dir string) {
	places := s.places()
	n := len(places)
	if s.preset < 0 {
		// Start from the place currently typed, if it is one of them.
		for i, p := range places {
			if strings.EqualFold(p, s.form.fields[0].value()) {
				s.preset = i
			}
		}
	}
	switch {
	case s.preset < 0 && dir == "down":
		s.preset = 0
	case s.preset < 0:
		s.preset = n - 1
	case dir == "down":
		s.preset = (s.preset + 1) % n
	default:
		s.preset = (s.preset - 1 + n) % n
	}
	f := s.form.fields[0]
	f.input.SetValue(places[s.preset])
	f.input.CursorEnd()
}

// query builds the query from the form, setting each field's error. With
// final false only fields with text are judged (no nagging while typing).
func (s *searchScreen) query() (model.SearchQuery, bool) {
	var q model.SearchQuery
	ok := true
	fail := func(f *field, msg string) { f.err = msg; ok = false }
	s.form.clearErrors()

	place := s.form.byName("place")
	if c, found := model.FindCity(place.value()); found {
		q.Lat, q.Lng = c.Lat, c.Lng
		place.hint = fmt.Sprintf("→ %s centre %.4f, %.4f", c.Name, c.Lat, c.Lng)
	} else if lat, lng, err := model.ParseCoordinates(place.value()); err == nil {
		q.Lat, q.Lng = lat, lng
		place.hint = fmt.Sprintf("→ %.5f, %.5f", lat, lng)
	} else if place.value() == "" {
		fail(place, "place: choose a city (↑/↓) or enter coordinates")
	} else {
		fail(place, "place: not a known city or coordinates ("+strings.TrimPrefix(err.Error(), "coordinates: ")+")")
	}

	if r := s.form.byName("radius"); r.value() != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(r.value(), ",", "."), 64)
		switch {
		case err != nil:
			fail(r, "radius: a number of km, such as 25")
		case model.ValidateRadius(v) != "":
			fail(r, "radius: must be more than 0 and at most 200 km")
		default:
			q.RadiusKM = v
		}
	}
	q.ConnectorType = connectorChoices()[s.form.byName("connector_type").idx]
	q.Limit = model.MaxSearchLimit // an agent wants every charger in reach, not the API's default 20
	if p := s.form.byName("power_min"); p.value() != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSuffix(strings.ToLower(p.value()), "kw"), ",", "."), 64)
		if err != nil || v < 0 {
			fail(p, "min. power: a number of kW, 0 or more (such as 50)")
		} else {
			q.PowerMinKW = v
		}
	}
	if st := s.form.byName("start_time"); st.value() != "" {
		t, err := model.ParseWhen(st.value(), s.c.Now(), s.c.Zone)
		switch {
		case err != nil:
			fail(st, "window from: "+err.Error())
		case !t.After(s.c.Now()):
			fail(st, "window from: must be in the future")
		default:
			q.Start = t
			q.End = t.Add(windowLengths[s.form.byName("window_length").idx])
			st.hint = fmt.Sprintf("→ %s – %s", fmtLocal(q.Start, s.c.Zone), q.End.In(s.c.Zone).Format("15:04"))
		}
	}
	s.form.byName("window_length").hidden = s.form.byName("start_time").value() == ""
	if ok {
		for _, fe := range q.Validate(s.c.Now()) {
			ok = false
			if f := s.form.byName(fe.Field); f != nil {
				f.err = fe.Msg
			} else {
				s.form.fields[0].err = fe.Msg
			}
		}
	}
	return q, ok
}

func (s *searchScreen) validate(final bool) bool {
	_, ok := s.query()
	if !final {
		// Leave empty place quiet until submit.
		if p := s.form.byName("place"); p.value() == "" {
			p.err = ""
		}
	}
	return ok
}

func (s *searchScreen) submit() tea.Cmd {
	q, ok := s.query()
	if !ok {
		return s.form.firstError()
	}
	s.retry.clear()
	s.topErr = ""
	return s.send(q)
}

func (s *searchScreen) send(q model.SearchQuery) tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.req = s.c.NextReq()
	s.pending = &q
	return searchCmd(ctx, s.c.Client, s.req, q)
}

func (s *searchScreen) done(msg searchDoneMsg) tea.Cmd {
	if msg.err == nil {
		s.pending = nil
		s.retry.clear()
		return tea.Batch(s.c.remember(s.form.byName("place").value(), ""), push(newResultsScreen(s.c, msg.query, msg.resp)))
	}
	switch api.KindOf(msg.err) {
	case api.KindUnauthorized, api.KindForbidden:
		s.pending = nil
		return showOverlay(s.c.authHelp(msg.err))
	case api.KindRateLimited, api.KindNetwork, api.KindServer:
		s.retry.schedule(s.c.Now(), msg.err)
		return nil
	case api.KindValidation:
		s.pending = nil
		e, _ := api.AsError(msg.err)
		for _, fe := range e.Fields {
			if f := s.form.byName(fe.Field); f != nil {
				f.err = fe.Msg
			}
		}
		s.topErr = e.Message
		return s.form.firstError()
	default:
		s.pending = nil
		e, _ := api.AsError(msg.err)
		text := msg.err.Error()
		if e != nil && e.Message != "" {
			text = e.Message
		}
		s.topErr = text
		// Put the server's text next to the field it names.
		for _, f := range s.form.fields {
			if strings.Contains(strings.ToLower(text), strings.ReplaceAll(f.name, "_", "")) ||
				strings.Contains(text, f.name) {
				f.err = text
			}
		}
		if strings.Contains(strings.ToLower(text), "latitude") || strings.Contains(strings.ToLower(text), "longitude") {
			s.form.fields[0].err = text
		}
		return s.form.firstError()
	}
}

func (s *searchScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Find a charger near the driver") + "\n\n")
	b.WriteString(s.form.view(st, 16))
	b.WriteString("\n")
	switch {
	case s.retry.pending():
		b.WriteString(s.retry.banner(st, s.c.Now(), s.c.Zone, s.form.width) + "\n")
	case s.pending != nil:
		b.WriteString(st.Info.Render("Searching…") + "\n")
	case s.topErr != "":
		b.WriteString(st.Error.Render("The API refused the search: "+s.topErr) + "\n")
		b.WriteString(st.Subtle.Render("Check the fields above; your input is kept.") + "\n")
	default:
		b.WriteString(st.Subtle.Render("Enter searches from any field.") + "\n")
	}
	return b.String()
}

func fmtDuration(d time.Duration) string {
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}

func fmtLocal(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("Mon 02 Jan 15:04")
}
