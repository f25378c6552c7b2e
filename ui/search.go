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

// searchAliases map what the API and the model name to the form's fields.
var searchAliases = map[string]string{"lat": "place", "lng": "place", "end_time": "window_length"}

// searchServerWords are words of a server's 400 text that point at a field.
var searchServerWords = map[string]string{"latitude": "place", "longitude": "place"}

// searchDesk is what the search form uses of the session.
type searchDesk interface {
	nextReq() int
	recentPlaces() []string
	remember(place, customer string) tea.Cmd
	placesReady() bool
	geocoder() *api.Geocoder
	searched(in model.SearchInput, need model.Need, token model.Booking)
	pastCall(i int) (model.Call, int)
}

// searchScreen is the search form.
type searchScreen struct {
	c      Common
	d      searchDesk
	alerts alerts
	form   form

	req     int
	cancel  context.CancelFunc
	pending *model.SearchQuery
	retry   retrier
	topErr  string // the server's text of a 400, or what the client refused

	placeHint    string       // the place field's hint before anything is typed
	place        model.Place  // what the place field resolved to last
	outsideOK    string       // coordinates outside Germany the agent confirmed (the text)
	found        *model.Place // the geocoder's answer, for the text it answered
	geocoding    string       // the text being looked up online ("" none)
	geoFailedFor string       // the text the geocoder failed for: offline it is
	geoNote      string       // what the geocoder did, said under the form
	geoCancel    context.CancelFunc

	sentIn   model.SearchInput // the search as typed when it was sent
	recalled int               // the past call brought back (0 the last), -1 none
	token    model.Booking     // the driver's token of the call brought back
	callNote string            // which call was brought back, said under the form
}

func newSearchScreen(c Common, d searchDesk, to alerts, q *model.SearchQuery, place string) *searchScreen {
	s := &searchScreen{c: c, d: d, alerts: to, form: form{keys: c.Keys.Form}, recalled: -1}
	radius, power, conn := "", "", 0
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
	names := make([][]string, 0, len(connectorChoices()))
	for _, ct := range connectorChoices() {
		if ct == "" {
			labels = append(labels, "any connector")
			names = append(names, []string{"any connector"})
		} else {
			labels = append(labels, ct.Label()+"  "+string(ct))
			names = append(names, ct.Names())
		}
	}
	// In the order a driver says it: where, which plug, how fast, when, how
	// long; the radius, rarely changed, last.
	connector := newChoiceField("connector_type", "Connector", labels, conn)
	connector.names = names
	s.form.fields = []*field{
		newTextField("place", "Place", place, "town, postal code, station or 48.1351, 11.5820"),
		connector,
		newTextField("power_min", "Min. power (kW)", power, "any"),
		newTextField("start_time", "Window from", "", "optional: jetzt, morgen 9:00 für 1 h"),
		durationField("window_length", "Window length", model.DefaultWindow),
		newTextField("radius", "Radius (km)", radius, "50"),
	}
	p := s.form.fields[0]
	p.options = s.places()
	p.sugg.make = s.placeSuggestions
	p.longHint = true
	s.placeHint = "type a town, postal code or station (↑/↓ big cities) · or paste coordinates"
	if len(d.recentPlaces()) > 0 {
		s.placeHint = "type a town, postal code or station (↑/↓ recent places) · or paste coordinates"
	}
	p.hint = s.placeHint
	s.form.byName("radius").hint = "more than 0, at most 200 (default 50)"
	s.form.focusOn(0)
	s.query(false)
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

// places are what ↑/↓ offers in the place field: recent places first, then
// the city presets.
func (s *searchScreen) places() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.d.recentPlaces() {
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

func (s *searchScreen) Init() tea.Cmd { return s.form.focusOn(s.form.focus) }

func (s *searchScreen) Title() string { return "Search" }

func (s *searchScreen) Typing() bool { return s.form.typing() }

func (s *searchScreen) SetSize(w, h int) { s.form.setWidth(w) }

func (s *searchScreen) ShortHelp() []key.Binding {
	k := s.c.Keys
	return []key.Binding{k.Search.Submit, k.Form.Next, s.recallKey(), k.Form.Suggest}
}

func (s *searchScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys
	return [][]key.Binding{{k.Search.Submit, k.Form.Next, k.Form.Prev, k.Form.Suggest}, {s.recallKey(), k.Form.ChoicePrev, k.Form.StepLess}}
}

// recallKey is the key that brings a past call back, shown while there is one.
func (s *searchScreen) recallKey() key.Binding {
	b := s.c.Keys.Search.Recall
	_, n := s.d.pastCall(0)
	b.SetEnabled(n > 0)
	return b
}

func (s *searchScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.geoCancel != nil {
		s.geoCancel()
	}
}

func (s *searchScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
		s.form.setStyles(s.c.Styles)
	case heartbeatMsg:
		if s.pending != nil && s.retry.fire(s.c.Now()) {
			return s, s.send(*s.pending)
		}
	case resubmitMsg:
		return s, s.submit()
	case placesLoadedMsg:
		// What was typed while the gazetteer was decoding gets its list now.
		if f := s.form.byName("place"); !f.fresh && f.input.Value() != "" {
			f.sugg.refresh(f.input.Value())
		}
		s.query(false)
	case geocodedMsg:
		return s, s.geocoded(msg)
	case searchDoneMsg:
		if msg.req != s.req {
			return s, nil // stale
		}
		return s, s.done(msg)
	case tea.KeyPressMsg:
		if key.Matches(msg, s.c.Keys.Search.Recall) {
			return s, s.recall()
		}
		if key.Matches(msg, s.c.Keys.Search.Submit) {
			if s.form.pick() { // a suggestion highlighted: enter takes it
				s.query(false)
				return s, nil
			}
			return s, s.submit()
		}
		cmd, _ := s.form.update(msg)
		s.query(false)
		return s, cmd
	case tea.PasteMsg:
		cmd, _ := s.form.update(msg)
		s.query(false)
		return s, cmd
	default:
		cmd, _ := s.form.update(msg)
		return s, cmd
	}
	return s, nil
}

// input is the form as typed.
func (s *searchScreen) input() model.SearchInput {
	in := model.SearchInput{
		Place:     s.form.byName("place").value(),
		Radius:    s.form.byName("radius").value(),
		Connector: string(connectorChoices()[s.form.byName("connector_type").idx]),
		PowerMin:  s.form.byName("power_min").value(),
		From:      s.form.byName("start_time").value(),
		Limit:     model.MaxSearchLimit, // an agent wants every charger in reach, not the API's default 20
	}
	if _, _, said := model.SplitWindow(in.From); in.From != "" && !said {
		in.Length = s.form.byName("window_length").value()
	}
	in.Found = s.found
	in.OutsideOK = in.Place != "" && in.Place == s.outsideOK
	return in
}

// query reads the form, putting each broken rule at its field and what the
// values resolved to in the hints. With final false an empty place is not
// judged yet (no nagging before the agent has typed).
func (s *searchScreen) query(final bool) (model.SearchQuery, bool) {
	in := s.input()
	placeF, start := s.form.byName("place"), s.form.byName("start_time")
	if !final && !s.d.placesReady() {
		// The gazetteer is still being decoded (a few tens of ms after
		// start): a key must not wait for it. Enter would.
		placeF.hint = "loading the place list…"
		return model.SearchQuery{}, false
	}
	q, place, es := model.ParseSearch(in, s.c.Now(), s.c.Zone)
	s.place = place
	s.form.judge(es, searchAliases)
	switch {
	case in.Place == "":
		placeF.hint = s.placeHint
	case es.For("place") == "" && place.Outside:
		placeF.hint = "⚠ " + place.OutsideText() + " — confirmed: " + keyName(s.c.Keys.Search.Submit) + " searches there"
	case es.For("place") == "" && in.Place != "":
		placeF.hint = place.Hint()
	case place.Outside:
		placeF.err += " — " + keyName(s.c.Keys.Search.Submit) + " again searches there anyway"
	}
	if !final && in.Place == "" {
		placeF.err = ""
	}
	start.hint = "only chargers that can take a reservation then (Berlin time)"
	if !q.Start.IsZero() {
		start.hint = fmt.Sprintf("→ %s – %s", fmtLocal(q.Start, s.c.Zone), q.End.In(s.c.Zone).Format("15:04"))
	}
	start.offerReadings(model.DayReadings(in.From, s.c.Now(), s.c.Zone))
	if start.options != nil && start.err != "" {
		start.err += " — " + keyName(s.c.Keys.Form.Suggest) + " picks one"
	}
	length := s.form.byName("window_length")
	_, _, said := model.SplitWindow(in.From)
	length.hidden = in.From == "" || said // said with the start: "jetzt für 45 Minuten"
	length.hint = s.form.lengthHint(length)
	return q, len(es) == 0
}

func (s *searchScreen) submit() tea.Cmd {
	if cmd := s.geocode(); cmd != nil {
		return cmd
	}
	q, ok := s.query(true)
	if !ok {
		if s.place.Outside {
			s.outsideOK = s.form.byName("place").value() // asked once: the next enter confirms
		}
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
	s.req = s.d.nextReq()
	s.pending = &q
	s.sentIn = s.input()
	return searchCmd(ctx, s.c.Client, s.req, q)
}

func (s *searchScreen) done(msg searchDoneMsg) tea.Cmd {
	if msg.err == nil {
		s.pending = nil
		s.retry.clear()
		show := showResultsMsg{query: msg.query, resp: msg.resp}
		if s.place.Named {
			show.place = s.place.Name
		}
		s.d.searched(s.sentIn, msg.query.Need(), s.token)
		return tea.Batch(s.d.remember(s.form.byName("place").value(), ""), msgCmd(show))
	}
	if authFailure(s.c, s.alerts, msg.err) {
		s.pending = nil
		return nil
	}
	if s.retry.schedule(s.c.Now(), msg.err) {
		return nil // 429, 5xx or no answer: the banner counts down to the retry
	}
	s.pending = nil
	e, _ := api.AsError(msg.err)
	switch {
	case s.retry.gaveUp():
		s.topErr = s.retry.gaveUpText(keyName(s.c.Keys.Search.Submit))
	case e != nil && e.Kind == api.KindValidation:
		s.topErr = e.Message
		s.form.judge(e.Fields, searchAliases)
	case e != nil && e.Message != "":
		s.topErr = e.Message
		s.form.serverRefused(e.Message, "", searchServerWords)
		s.query(true)
	default:
		s.topErr = msg.err.Error()
	}
	return s.form.firstError()
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
	case s.geocoding != "":
		b.WriteString(st.Info.Render("Looking the address up with "+s.d.geocoder().Host()+"…") + "\n")
	case s.pending != nil:
		b.WriteString(st.Info.Render("Searching…") + "\n")
	case s.topErr != "":
		b.WriteString(st.Error.Render("The API refused the search: "+s.topErr) + "\n")
		b.WriteString(st.Subtle.Render("Check the fields above; your input is kept.") + "\n")
	default:
		b.WriteString(st.Subtle.Render(keyName(s.c.Keys.Search.Submit)+" searches from any field.") + "\n")
	}
	for _, l := range wrap(s.geoNote, max(20, s.form.width), 2) {
		b.WriteString(st.Subtle.Render(l) + "\n")
	}
	if s.callNote != "" {
		for _, l := range wrap(s.callNote, max(20, s.form.width), 3) {
			b.WriteString(st.Info.Render(l) + "\n")
		}
	}
	return b.String()
}

func fmtLocal(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("Mon 02 Jan 15:04")
}

// recall brings the past calls back, the last first, one further back on
// each press (and round again): the form takes the call's search as it
// was typed, the next booking form its driver's token, and the focus goes
// to the window, which is what a returning driver says anew.
func (s *searchScreen) recall() tea.Cmd {
	c, n := s.d.pastCall(s.recalled + 1)
	if n == 0 {
		s.callNote = "No call has ended yet in this session: there is none to bring back."
		return nil
	}
	s.recalled = (s.recalled + 1) % n
	if s.recalled == 0 {
		c, _ = s.d.pastCall(0)
	}
	in := c.Search
	s.form.byName("place").setValue(in.Place)
	s.found, s.outsideOK = in.Found, ""
	if in.OutsideOK {
		s.outsideOK = in.Place
	}
	for i, ct := range connectorChoices() {
		if ct == model.ParseConnector(in.Connector) {
			s.form.byName("connector_type").idx = i
		}
	}
	s.form.byName("power_min").setValue(in.PowerMin)
	s.form.byName("start_time").setValue(in.From)
	length := model.FormatLength(model.DefaultWindow)
	if _, d, said := model.SplitWindow(in.From); said {
		length = model.FormatLength(d) // kept when the new window is said without one
	} else if d, err := model.ParseDuration(in.Length); err == nil {
		length = model.FormatLength(d)
	}
	s.form.byName("window_length").setValue(length)
	s.form.byName("radius").setValue(in.Radius)
	for _, f := range s.form.fields {
		s.form.changed(f)
		f.sugg.clear()
	}
	s.token = c.Token
	s.callNote = fmt.Sprintf("Call %d of %d back: %s. Say the new window; %s brings an earlier call.",
		s.recalled+1, n, c.Summary(), keyName(s.c.Keys.Search.Recall))
	s.query(false)
	return s.form.focusOn(s.form.index("start_time"))
}
