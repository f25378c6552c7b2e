package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

var confirmKeys = struct {
	Submit, Next, Prev, Earlier, Later, JSON, OtherEVSE, LaterSlot, NextBest, Research, Recheck key.Binding
}{
	Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "book")),
	Next:      key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
	Prev:      key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
	Earlier:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "start ∓15 min")),
	Later:     key.NewBinding(key.WithKeys("pgdown")),
	JSON:      key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "show JSON")),
	OtherEVSE: key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "next free EVSE")),
	LaterSlot: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "30 min later")),
	NextBest:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "next best charger")),
	Research:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "search again")),
	Recheck:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "check again")),
}

// durations offered for the reservation: 15 min to 4 h.
var durations = func() []time.Duration {
	var out []time.Duration
	for d := 15 * time.Minute; d <= model.MaxDuration; d += 15 * time.Minute {
		out = append(out, d)
	}
	return out
}()

// confirmScreen is the booking form and its outcome handling.
type confirmScreen struct {
	c    *Common
	loc  model.Location
	evse model.EVSE
	form form
	json bool
	w, h int

	req      int
	cancel   context.CancelFunc
	sending  bool
	sentAt   time.Time
	inFlight *model.BookingRequest
	retry    retrier
	resume   bool                 // the next retry must look the booking up first
	sent     map[string]bool      // external ids this form has sent
	apiErrs  map[string]string    // the server's 400 text per field, until that field is edited
	built    model.BookingRequest // the request as the form stands (validate keeps it)
	ready    bool                 // built passes every rule

	proposal string // why this form was proposed (next best charger)

	outcome  api.Kind // the last failure's class (0: none)
	topErr   string
	conflict []model.EVSE // other bookable EVSEs after a 409
}

func newConfirmScreen(c *Common, loc model.Location, e model.EVSE) *confirmScreen {
	s := &confirmScreen{c: c, loc: loc, evse: e}
	strategies := make([]string, len(model.TokenStrategies))
	for i, t := range model.TokenStrategies {
		strategies[i] = string(t) + " — " + t.Label()
	}
	durs := make([]string, len(durations))
	for i, d := range durations {
		durs[i] = fmtDuration(d)
	}
	start := model.DefaultStart(c.Now()).In(c.Zone).Format("2006-01-02 15:04")
	s.form.fields = []*field{
		newChoiceField("token_strategy", "Token", strategies, 0),
		newTextField("customer_id", "Customer id", c.Mode.DemoCustomer, "cust_… (or a token id below)"),
		newTextField("token_id", "or token id", "", "the driver's RFID/app token id"),
		newTextField("fleet_group_id", "Fleet group", "", "group_…"),
		newTextField("token_uid", "RFID UID", "", "8, 14 or 20 hex characters"),
		newTextField("reservation_start", "Start (Berlin)", start, "YYYY-MM-DD HH:MM"),
		newChoiceField("duration", "Duration", durs, 3),
		newChoiceField("connector_id", "Connector", s.connectorChoices(), 0),
		newTextField("external_id", "External id", c.NewExternalID(c.Now()), "your unique reference"),
	}
	s.form.byName("reservation_start").hint = "pgup/pgdn: ∓15 min · at least 15 min ahead"
	s.form.byName("external_id").hint = "unique per booking attempt: how a lost answer is found again"
	if len(c.history.Customers) > 0 {
		s.form.byName("customer_id").hint = "↑/↓ recent customers: " + strings.Join(c.history.Customers[:min(3, len(c.history.Customers))], ", ")
	}
	s.pickConnector()
	s.applyStrategy()
	s.form.focusOn(s.form.index("customer_id"))
	s.validate()
	return s
}

func (s *confirmScreen) connectorChoices() []string {
	var out []string
	for _, c := range s.evse.Connectors {
		ac := "AC"
		if c.PowerType.IsDC() {
			ac = "DC"
		}
		out = append(out, fmt.Sprintf("%s · %s %g kW %s", c.ConnectorID, c.ConnectorType.Label(), c.PowerKW, ac))
	}
	if len(out) == 0 {
		out = []string{"(not given: any)"}
	}
	return out
}

// pickConnector prefers the fastest connector.
func (s *confirmScreen) pickConnector() {
	f := s.form.byName("connector_id")
	f.choices = s.connectorChoices()
	best := 0
	for i, c := range s.evse.Connectors {
		if c.PowerKW > s.evse.Connectors[best].PowerKW {
			best = i
		}
	}
	f.idx = best
}

func (s *confirmScreen) strategy() model.TokenStrategy {
	return model.TokenStrategies[s.form.byName("token_strategy").idx]
}

// applyStrategy shows the fields the chosen strategy needs.
func (s *confirmScreen) applyStrategy() {
	st := s.strategy()
	s.form.byName("customer_id").hidden = st != model.DriverToken
	s.form.byName("token_id").hidden = st != model.DriverToken
	s.form.byName("fleet_group_id").hidden = st != model.GroupToken
	s.form.byName("token_uid").hidden = st != model.Pipelet
}

func (s *confirmScreen) Init() tea.Cmd { return s.form.focusOn(s.form.focus) }
func (s *confirmScreen) Title() string { return "Book" }
func (s *confirmScreen) Typing() bool  { return s.form.typing() }
func (s *confirmScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.form.setWidth(min(w, 70))
}

func (s *confirmScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *confirmScreen) ShortHelp() []key.Binding {
	switch s.outcome {
	case api.KindConflict:
		return []key.Binding{confirmKeys.OtherEVSE, confirmKeys.LaterSlot, confirmKeys.NextBest, confirmKeys.Submit}
	case api.KindNotFound:
		return []key.Binding{confirmKeys.Research}
	case api.KindUnknownOutcome:
		return []key.Binding{confirmKeys.Recheck}
	}
	return []key.Binding{confirmKeys.Submit, confirmKeys.Next, confirmKeys.Earlier, confirmKeys.JSON}
}

func (s *confirmScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{confirmKeys.Submit, confirmKeys.Next, confirmKeys.Prev, confirmKeys.Earlier, confirmKeys.JSON},
		{confirmKeys.OtherEVSE, confirmKeys.LaterSlot, confirmKeys.Research},
	}
}

// request builds the request from the form and judges every field.
func (s *confirmScreen) request() (model.BookingRequest, bool) {
	s.form.clearErrors()
	defer func() {
		for name, msg := range s.apiErrs {
			if f := s.form.byName(name); f != nil && f.err == "" {
				f.err = msg
			}
		}
	}()
	ok := true
	r := model.BookingRequest{
		LocationID:    s.loc.LocationID,
		EVSEUID:       s.evse.EVSEUID,
		ExternalID:    s.form.byName("external_id").value(),
		TokenStrategy: s.strategy(),
	}
	if i := s.form.byName("connector_id").idx; i < len(s.evse.Connectors) {
		r.ConnectorID = s.evse.Connectors[i].ConnectorID
	}
	switch r.TokenStrategy {
	case model.DriverToken:
		r.CustomerID = s.form.byName("customer_id").value()
		r.TokenID = s.form.byName("token_id").value()
	case model.GroupToken:
		r.FleetGroupID = s.form.byName("fleet_group_id").value()
	case model.Pipelet:
		r.TokenUID = s.form.byName("token_uid").value()
	}
	startF := s.form.byName("reservation_start")
	start, err := model.ParseWhen(startF.value(), s.c.Now(), s.c.Zone)
	if err != nil {
		startF.err = "reservation_start: " + err.Error()
		ok = false
	} else {
		r.ReservationStart = start.UTC()
		r.ReservationEnd = start.Add(durations[s.form.byName("duration").idx]).UTC()
	}
	if r.ExternalID == "" {
		s.form.byName("external_id").err = "external_id: needed to find the booking again if an answer is lost"
		ok = false
	}
	for _, fe := range r.Validate(s.c.Now()) {
		if fe.Field == "reservation_start" && err != nil {
			continue
		}
		ok = false
		name := fe.Field
		if name == "reservation_end" {
			name = "duration"
		}
		if f := s.form.byName(name); f != nil && f.err == "" {
			f.err = fe.Msg
		} else if f == nil {
			s.topErr = fe.Msg
		}
	}
	return r, ok
}

// validate rebuilds the request from the form and judges it; View shows
// the result without judging anything itself.
func (s *confirmScreen) validate() bool {
	s.built, s.ready = s.request()
	return s.ready
}

func (s *confirmScreen) shiftStart(d time.Duration) {
	f := s.form.byName("reservation_start")
	t, err := model.ParseWhen(f.value(), s.c.Now(), s.c.Zone)
	if err != nil {
		t = model.DefaultStart(s.c.Now())
	}
	f.input.SetValue(t.Add(d).In(s.c.Zone).Format("2006-01-02 15:04"))
	f.input.CursorEnd()
}

func (s *confirmScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.form.setStyles(s.c.Styles)
	case heartbeatMsg:
		if s.retry.due(s.c.Now()) && s.inFlight != nil && !s.sending {
			return s, s.send(*s.inFlight, s.resume)
		}
		s.validate() // "15 minutes ahead" moves with the clock
	case bookingCreatedMsg:
		if msg.req != s.req {
			return s, nil
		}
		s.sending = false
		return s, s.created(msg)
	case tea.PasteMsg:
		cmd := s.form.update(msg)
		s.validate()
		return s, cmd
	case tea.KeyPressMsg:
		if s.sending {
			return s, nil // one create at a time; it is never re-sent blindly
		}
		if f := s.form.focused(); f.name == "customer_id" && len(s.c.history.Customers) > 0 && (msg.String() == "up" || msg.String() == "down") {
			s.cycleCustomer(msg.String())
			s.validate()
			return s, nil
		}
		switch {
		case key.Matches(msg, confirmKeys.Submit):
			return s, s.submit()
		case key.Matches(msg, confirmKeys.Next) && !(s.form.focused().choice && msg.String() == "down"):
			return s, s.form.move(1)
		case key.Matches(msg, confirmKeys.Prev) && !(s.form.focused().choice && msg.String() == "up"):
			return s, s.form.move(-1)
		case key.Matches(msg, confirmKeys.Earlier):
			s.shiftStart(-15 * time.Minute)
		case key.Matches(msg, confirmKeys.Later):
			s.shiftStart(15 * time.Minute)
		case key.Matches(msg, confirmKeys.JSON):
			s.json = !s.json
		case key.Matches(msg, confirmKeys.OtherEVSE) && len(s.conflict) > 0:
			s.switchEVSE(s.conflict[0])
		case key.Matches(msg, confirmKeys.NextBest) && s.outcome == api.KindConflict:
			r, _ := s.request()
			failed := model.Booking{LocationID: r.LocationID, EVSEUID: r.EVSEUID, ReservationStart: &r.ReservationStart,
				ReservationEnd: &r.ReservationEnd, TokenStrategy: r.TokenStrategy, CustomerID: r.CustomerID,
				TokenID: r.TokenID, FleetGroupID: r.FleetGroupID, TokenUID: r.TokenUID}
			return s, msgCmd(rebookMsg{booking: failed})
		case key.Matches(msg, confirmKeys.LaterSlot) && s.outcome == api.KindConflict:
			s.shiftStart(30 * time.Minute)
			s.outcome, s.topErr, s.conflict = 0, "", nil
		case key.Matches(msg, confirmKeys.Research) && s.outcome == api.KindNotFound:
			return s, msgCmd(backToMsg{match: isSearch, then: resubmitMsg{}})
		case key.Matches(msg, confirmKeys.Recheck) && s.outcome == api.KindUnknownOutcome && s.inFlight != nil:
			return s, s.send(*s.inFlight, true)
		default:
			delete(s.apiErrs, s.form.focused().name)
			if s.form.focused().name == "reservation_start" {
				delete(s.apiErrs, "duration")
			}
			cmd := s.form.update(msg)
			if s.form.focused().name == "token_strategy" {
				s.applyStrategy()
			}
			s.validate()
			return s, cmd
		}
		s.validate()
	}
	return s, nil
}

// cycleCustomer offers the remembered customer ids in the customer field.
func (s *confirmScreen) cycleCustomer(dir string) {
	list := s.c.history.Customers
	f := s.form.byName("customer_id")
	i := -1
	for j, c := range list {
		if c == f.value() {
			i = j
		}
	}
	if dir == "down" {
		i = (i + 1) % len(list)
	} else {
		i = (i - 1 + len(list)) % len(list)
	}
	f.input.SetValue(list[i])
	f.input.CursorEnd()
}

func isSearch(sc Screen) bool { _, ok := sc.(*searchScreen); return ok }

// resubmitMsg asks the search screen to run its search again.
type resubmitMsg struct{}

func (s *confirmScreen) switchEVSE(e model.EVSE) {
	s.evse = e
	s.pickConnector()
	s.outcome, s.topErr, s.conflict = 0, "", nil
}

func (s *confirmScreen) submit() tea.Cmd {
	if s.c.Mode.ReadOnly {
		s.topErr = "Booking is disabled: chargedesk runs read-only (--read-only)."
		return nil
	}
	s.apiErrs = nil
	r, ok := s.request()
	if !ok {
		return s.form.firstError()
	}
	s.outcome, s.topErr, s.conflict = 0, "", nil
	s.retry.clear()
	// An external id that already went out once may have made a booking
	// whose answer was lost: look it up before sending it again.
	again := s.sent[r.ExternalID]
	if !again {
		s.sentAt = s.c.Now()
	}
	if s.sent == nil {
		s.sent = map[string]bool{}
	}
	s.sent[r.ExternalID] = true
	return s.send(r, again)
}

func (s *confirmScreen) send(r model.BookingRequest, resume bool) tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.req = s.c.NextReq()
	s.sending = true
	s.inFlight = &r
	if resume {
		return resumeCmd(ctx, s.c.Client, s.req, r, s.sentAt)
	}
	return createCmd(ctx, s.c.Client, s.req, r)
}

func (s *confirmScreen) created(msg bookingCreatedMsg) tea.Cmd {
	if msg.err == nil && msg.result != nil && msg.result.Booking != nil {
		s.retry.clear()
		s.inFlight = nil
		b := *msg.result.Booking
		return tea.Batch(s.c.remember("", b.CustomerID), replace(newStatusScreen(s.c, b, s.loc, msg.result.Adopted)))
	}
	err := msg.err
	e, _ := api.AsError(err)
	text := ""
	if e != nil {
		text = e.Message
	}
	s.outcome = api.KindOf(err)
	switch s.outcome {
	case api.KindUnauthorized, api.KindForbidden:
		s.inFlight = nil
		return showOverlay(s.c.authHelp(err))
	case api.KindRateLimited:
		// A 429 was not processed: the same request goes again when the wait is over.
		s.resume = false
		s.retry.schedule(s.c.Now(), err)
		s.topErr = ""
	case api.KindNetwork, api.KindServer, api.KindDecode:
		// The client found no booking under this external_id: retry, looking it up first.
		s.resume = true
		s.retry.schedule(s.c.Now(), err)
		if !s.retry.pending() {
			s.retry.at = s.c.Now().Add(api.Backoff(1))
			s.retry.kind = api.KindNetwork
			s.retry.msg = text
		}
	case api.KindUnknownOutcome:
		s.retry.clear()
		s.topErr = text
	case api.KindBadRequest:
		s.inFlight = nil
		s.topErr = text
		lower := strings.ToLower(text)
		s.apiErrs = map[string]string{}
		for _, f := range s.form.fields {
			if strings.Contains(lower, f.name) && !f.hidden {
				s.apiErrs[f.name] = "API: " + text
			}
		}
		if strings.Contains(lower, "reservation_end") {
			s.apiErrs["duration"] = "API: " + text
		}
		s.validate()
		return s.form.firstError()
	case api.KindValidation:
		s.inFlight = nil
		for _, fe := range e.Fields {
			if f := s.form.byName(fe.Field); f != nil {
				f.err = fe.Msg
			}
		}
		s.topErr = text
		return s.form.firstError()
	case api.KindConflict:
		s.inFlight = nil
		s.topErr = text
		s.conflict = nil
		for _, o := range s.loc.EVSEs {
			if ok, _ := model.Bookable(s.loc, o); ok && o.EVSEUID != s.evse.EVSEUID {
				s.conflict = append(s.conflict, o)
			}
		}
	case api.KindNotFound:
		s.inFlight = nil
		s.topErr = text
	default:
		s.inFlight = nil
		if text == "" && err != nil {
			text = err.Error()
		}
		s.topErr = text
	}
	return nil
}

func (s *confirmScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(trunc("Book "+s.evse.EVSEUID+" at "+s.loc.Name, s.w)) + "\n")
	b.WriteString(st.Subtle.Render(trunc(model.JoinNonEmpty(", ", s.loc.Address, s.loc.City)+" · "+s.loc.CPOName, s.w)) + "\n")
	if s.proposal != "" {
		b.WriteString(st.Marked.Render(trunc(s.proposal, s.w)) + "\n")
	} else {
		b.WriteString("\n")
	}
	r, ok := s.built, s.ready
	if s.json {
		js, _ := json.MarshalIndent(r, "", "  ")
		b.WriteString(st.Subtle.Render("POST /bookings — the exact body (ctrl+o goes back to the form):") + "\n" + string(js) + "\n")
		return b.String()
	}
	b.WriteString(s.form.view(st, 15))
	if !r.ReservationStart.IsZero() {
		b.WriteString("\n" + st.Label.Render("Window  ") + fmt.Sprintf("%s – %s Berlin  (%s – %s UTC)",
			fmtLocal(r.ReservationStart, s.c.Zone), r.ReservationEnd.In(s.c.Zone).Format("15:04"),
			r.ReservationStart.UTC().Format("15:04"), r.ReservationEnd.UTC().Format("15:04")) + "\n")
	}
	price := "no estimate"
	if p, has := s.loc.EstimatedPrice(); has {
		price = model.FormatPrice(p, s.loc.Pricing.Currency) + " (estimate; the CPO's final price comes at the end)"
	}
	b.WriteString(st.Label.Render("Price   ") + price + "\n")
	b.WriteString("\n")
	switch {
	case s.sending:
		b.WriteString(st.Info.Render("Booking… sent once; if the answer is lost chargedesk looks it up by external id before anything is sent again.") + "\n")
	case s.retry.pending():
		b.WriteString(s.retry.banner(st, s.c.Now(), s.c.Zone, s.w) + "\n")
		if s.resume {
			b.WriteString(st.Subtle.Render("No booking was made under "+s.inFlight.ExternalID+"; the retry checks again first.") + "\n")
		}
	case s.outcome == api.KindConflict:
		b.WriteString(st.Error.Render("409 — slot taken: "+s.topErr) + "\n")
		if len(s.conflict) > 0 {
			var ids []string
			for _, e := range s.conflict {
				ids = append(ids, e.EVSEUID)
			}
			b.WriteString(st.Warning.Render(fmt.Sprintf("Other free EVSEs here: %s", strings.Join(ids, ", "))) + "\n")
			b.WriteString(st.Subtle.Render("ctrl+n switches to "+s.conflict[0].EVSEUID+" · ctrl+l tries 30 min later · ctrl+x next best charger elsewhere · your input is kept") + "\n")
		} else {
			b.WriteString(st.Subtle.Render("No other EVSE here is free. ctrl+l tries 30 min later, ctrl+x proposes the next best charger elsewhere.") + "\n")
		}
	case s.outcome == api.KindNotFound:
		b.WriteString(st.Error.Render("404 — "+s.topErr) + "\n")
		b.WriteString(st.Subtle.Render("The location may have been removed. ctrl+r runs the search again.") + "\n")
	case s.outcome == api.KindUnknownOutcome:
		b.WriteString(st.ErrBanner.Render("Outcome unknown: "+s.topErr) + "\n")
		b.WriteString(st.Subtle.Render("ctrl+r looks the booking up again (and books only if it is certainly not there).") + "\n")
	case s.topErr != "":
		b.WriteString(st.Error.Render(s.topErr) + "\n")
		b.WriteString(st.Subtle.Render("Check the request (dates must be in the future); your input is kept.") + "\n")
	case ok:
		b.WriteString(st.Success.Render("Ready — enter books it.") + "\n")
	default:
		b.WriteString(st.Warning.Render("Fix the marked fields to book.") + "\n")
	}
	return b.String()
}
