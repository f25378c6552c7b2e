package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// bookAliases map what the model names to the form's fields.
var bookAliases = map[string]string{"reservation_end": "duration"}

// bookServerWords are words of a server's 400 text that point at a field.
var bookServerWords = map[string]string{"reservation_end": "duration"}

// confirmDesk is what the booking form uses of the session.
type confirmDesk interface {
	callDesk
	typedToken(t model.Booking)
	callBooked(id string)
	recentCustomers() []string
	remember(place, customer string) tea.Cmd
	bookedFor(evseUID string, start, end time.Time) (model.Booking, bool)
	held() []model.Booking
	withExternalID(ref string) (model.Booking, bool)
	attemptFor(evseUID string) *attempt
	startAttempt(a *attempt, loc model.Location, evse model.EVSE) *attempt
	submitAttempt(a *attempt, r model.BookingRequest) tea.Cmd
	recheckAttempt(a *attempt) tea.Cmd
}

// confirmScreen is the booking form and its outcome handling.
type confirmScreen struct {
	c      Common
	d      confirmDesk
	alerts alerts
	// tried: enter was pressed once. Until then an empty token field is
	// not marked as an error: the agent has not had the chance to fill it.
	tried     bool
	untouched bool // an empty token field's error is held back
	loc       model.Location
	evse      model.EVSE
	need      model.Need // the driver's: its plug is preselected, its window proposed
	form      form
	json      bool
	w, h      int

	attempt *attempt             // this form's booking attempt (nil before the first enter)
	built   model.BookingRequest // the request as the form stands (validate keeps it)
	ready   bool                 // built passes every rule

	proposal string // why this form was proposed (next best charger)

	outcome  api.Kind // the last failure's class (0: none)
	topErr   string
	conflict []model.EVSE // other bookable EVSEs after a 409, those that meet the need first
	heldOut  int          // after a 409: the EVSEs here left out as held for the window
	// twiceOK is the request the agent confirmed booking although this
	// session already holds the EVSE for an overlapping window; twice says
	// so, until the form changes.
	twiceOK *model.BookingRequest
	// settled is the last start text that was valid (or that the form
	// proposed), settledAt the instant it read as then: when that comes
	// closer than 15 minutes, the form moves the start, saying so in moved
	// (the text alone might quietly read as another day by then: "10:30").
	settled   string
	settledAt time.Time
	moved     string
	twice     string
}

func newConfirmScreen(c Common, d confirmDesk, to alerts, loc model.Location, e model.EVSE, need model.Need) *confirmScreen {
	s := &confirmScreen{c: c, d: d, alerts: to, loc: loc, evse: e, need: need, form: form{keys: c.Keys.Form}}
	strategies := make([]string, len(model.TokenStrategies))
	names := make([][]string, len(model.TokenStrategies))
	for i, t := range model.TokenStrategies {
		strategies[i] = string(t) + " — " + t.Label()
		names[i] = t.Names()
	}
	call, inCall := d.currentCall()
	said, _, _ := model.SplitWindow(call.Search.From)
	start := model.DefaultStart(c.Now()).In(c.Zone).Format(startLayout)
	switch {
	case !need.Start.IsZero() && inCall && call.Need.Start.Equal(need.Start) && model.MovesWithClock(said):
		start = said // "jetzt", "in 30 min": counted again when it is sent
	case !need.Start.IsZero():
		start = need.Start.In(c.Zone).Format(startLayout) // the window the driver asked for
	}
	tokens := newChoiceField("token_strategy", "Token", strategies, 0)
	tokens.names = names
	s.form.fields = []*field{
		tokens,
		newTextField("customer_id", "Customer id", c.Mode.DemoCustomer, "cust_… (or a token id below)"),
		newTextField("token_id", "or token id", "", "the driver's RFID/app token id"),
		newTextField("fleet_group_id", "Fleet group", "", "group_…"),
		newTextField("token_uid", "RFID UID", "", "8, 14 or 20 hex characters"),
		newTextField("reservation_start", "Start (Berlin)", start, "jetzt, YYYY-MM-DD HH:MM, in 30 min"),
		durationField("duration", "Duration", time.Hour),
		newChoiceField("connector_id", "Connector", s.connectorChoices(), 0),
		newTextField("external_id", "External id", c.NewExternalID(c.Now()), "your unique reference"),
	}
	s.form.byName("reservation_start").hint = keyName(c.Keys.Book.Earlier) + ": ∓15 min · at least 15 min ahead"
	s.form.byName("external_id").hint = "unique per booking attempt: how a lost answer is found again"
	if cs := d.recentCustomers(); len(cs) > 0 {
		f := s.form.byName("customer_id")
		f.options = cs
		f.hint = "↑/↓ recent customers: " + strings.Join(cs[:min(3, len(cs))], ", ")
	}
	s.pickConnector()
	s.applyStrategy()
	if d := need.End.Sub(need.Start); !need.Start.IsZero() {
		s.setDuration(d)
	}
	if inCall && call.HasToken() {
		s.prefill(call.Token) // the driver's token, typed once in this call
	}
	s.settled = start
	s.settledAt, _ = model.ParseWhen(start, c.Now(), c.Zone)
	s.form.focusOn(s.form.index("customer_id"))
	if a := d.attemptFor(e.EVSEUID); a != nil {
		s.resumeAttempt(a) // an attempt for this EVSE goes on: show it, never start another
	}
	s.validate()
	return s
}

// resumeAttempt shows an attempt still under way (or whose outcome is
// unknown) in this form, with the request it sends.
func (s *confirmScreen) resumeAttempt(a *attempt) {
	s.attempt = a
	r := a.req
	b := tokenOf(r)
	b.ReservationStart, b.ReservationEnd = &r.ReservationStart, &r.ReservationEnd
	s.prefill(b)
	s.form.byName("reservation_start").setValue(r.ReservationStart.In(s.c.Zone).Format(startLayout))
	s.form.byName("external_id").setValue(r.ExternalID)
	for i, c := range s.evse.Connectors {
		if c.ConnectorID == r.ConnectorID {
			s.form.byName("connector_id").idx = i
		}
	}
	s.proposal = "This booking is already being sent (" + r.ExternalID + "); it is shown here, not sent again."
}

// sending tells whether the attempt's answer is awaited.
func (s *confirmScreen) sending() bool { return s.attempt != nil && s.attempt.sending }

func (s *confirmScreen) connectorChoices() []string {
	var out []string
	for _, c := range s.evse.Connectors {
		out = append(out, fmt.Sprintf("%s · %s %g kW %s", c.ConnectorID, c.ConnectorType.Label(), c.PowerKW, c.PowerType.Label()))
	}
	if len(out) == 0 {
		out = []string{"(not given: any)"}
	}
	return out
}

// pickConnector preselects the connector that meets the driver's need,
// else the fastest.
func (s *confirmScreen) pickConnector() {
	f := s.form.byName("connector_id")
	f.choices = s.connectorChoices()
	best := 0
	for i, c := range s.evse.Connectors {
		if c.PowerKW > s.evse.Connectors[best].PowerKW {
			best = i
		}
	}
	if want, ok := s.need.ConnectorOf(s.evse); ok {
		for i, c := range s.evse.Connectors {
			if c.ConnectorID == want.ConnectorID {
				best = i
			}
		}
	}
	f.idx = best
}

// startLayout is how the form writes a start it proposes.
const startLayout = "2006-01-02 15:04"

// setDuration puts the length d in the form.
func (s *confirmScreen) setDuration(d time.Duration) {
	s.form.byName("duration").setValue(model.FormatLength(d))
}

// tokenOf is the token of a request, as a booking holds it.
func tokenOf(r model.BookingRequest) model.Booking {
	return model.Booking{TokenStrategy: r.TokenStrategy, CustomerID: r.CustomerID, TokenID: r.TokenID,
		FleetGroupID: r.FleetGroupID, TokenUID: r.TokenUID}
}

// mismatch says how the chosen connector misses the driver's need, or "".
func (s *confirmScreen) mismatch() string {
	i := s.form.byName("connector_id").idx
	if s.need.Any() || i >= len(s.evse.Connectors) {
		return ""
	}
	if c := s.evse.Connectors[i]; !s.need.Fits(c) {
		if ok, why := s.need.Meets(s.evse); !ok {
			return "this EVSE: " + why
		}
		return fmt.Sprintf("connector %s is %s %g kW, not %s", c.ConnectorID, c.ConnectorType.Label(), c.PowerKW, s.need.Describe())
	}
	return ""
}

// doubleBooking is this session's booking of the same EVSE for an
// overlapping window, unless the agent confirmed a second one.
func (s *confirmScreen) doubleBooking() (model.Booking, bool) {
	r := s.built
	if s.twiceOK != nil && *s.twiceOK == r {
		return model.Booking{}, false
	}
	return s.d.bookedFor(r.EVSEUID, r.ReservationStart, r.ReservationEnd)
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

func (s *confirmScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.Book
	switch s.outcome {
	case api.KindConflict:
		return []key.Binding{k.OtherEVSE, k.LaterSlot, k.NextBest, k.Submit}
	case api.KindNotFound:
		return []key.Binding{k.Research}
	case api.KindUnknownOutcome:
		return []key.Binding{k.Recheck}
	}
	return []key.Binding{k.Submit, s.c.Keys.Form.Next, k.Earlier, k.JSON}
}

func (s *confirmScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys.Book
	return [][]key.Binding{
		{k.Submit, s.c.Keys.Form.Next, s.c.Keys.Form.Prev, k.Earlier, k.JSON},
		{k.OtherEVSE, k.LaterSlot, k.Research},
	}
}

// input is the form as typed.
func (s *confirmScreen) input() model.BookingInput {
	in := model.BookingInput{
		LocationID: s.loc.LocationID,
		EVSEUID:    s.evse.EVSEUID,
		Start:      s.form.byName("reservation_start").value(),
		Duration:   s.form.byName("duration").value(),
		Strategy:   string(s.strategy()),
		ExternalID: s.form.byName("external_id").value(),
	}
	if i := s.form.byName("connector_id").idx; i < len(s.evse.Connectors) {
		in.ConnectorID = s.evse.Connectors[i].ConnectorID
	}
	switch s.strategy() {
	case model.DriverToken:
		in.CustomerID = s.form.byName("customer_id").value()
		in.TokenID = s.form.byName("token_id").value()
	case model.GroupToken:
		in.FleetGroupID = s.form.byName("fleet_group_id").value()
	case model.Pipelet:
		in.TokenUID = s.form.byName("token_uid").value()
	}
	return in
}

// validate rebuilds the request from the form and judges every field; View
// shows the result without judging anything itself.
func (s *confirmScreen) validate() bool {
	r, es := model.ParseBooking(s.input(), s.c.Now(), s.c.Zone)
	if loose := s.form.judge(es, bookAliases); len(loose) > 0 && s.outcome == 0 {
		s.topErr = strings.Join(loose, "; ")
	}
	s.built, s.ready = r, len(es) == 0
	s.untouched = false
	if !s.tried {
		for _, name := range tokenFields {
			if f := s.form.byName(name); f != nil && !f.hidden && f.value() == "" && f.err != "" {
				f.err, s.untouched = "", true
			}
		}
	}
	s.startHint(r, es)
	s.form.byName("duration").hint = s.form.lengthHint(s.form.byName("duration"))
	s.d.typedToken(tokenOf(r)) // the call's token is what the form holds
	ext := s.form.byName("external_id")
	ext.hint = "unique per booking attempt: how a lost answer is found again"
	if b, used := s.d.withExternalID(r.ExternalID); used && (s.attempt == nil || s.attempt.req.ExternalID != r.ExternalID) {
		ext.hint = "⚠ already the reference of booking " + b.ID + " (" + string(b.Status) + "): give this one its own"
	}
	return s.ready
}

// startHint says under the start what it was read as: the date and weekday,
// and, for a start counted from now, that it is counted again when sent.
// It offers the readings of a day said ambiguously, and notes a start that
// is valid as the one to keep valid.
func (s *confirmScreen) startHint(r model.BookingRequest, es model.FieldErrors) {
	f := s.form.byName("reservation_start")
	f.hint = keyName(s.c.Keys.Book.Earlier) + ": ∓15 min · at least 15 min ahead"
	switch {
	case r.ReservationStart.IsZero():
	case model.MovesWithClock(f.value()):
		f.hint = "→ " + fmtLocal(r.ReservationStart, s.c.Zone) + " · counted again when sent · " + f.hint
	default: // what was typed, as a date and a weekday
		f.hint = "→ " + fmtLocal(r.ReservationStart, s.c.Zone) + " · " + f.hint
	}
	f.offerReadings(model.DayReadings(f.value(), s.c.Now(), s.c.Zone))
	if f.options != nil && f.err != "" {
		f.err += " — " + keyName(s.c.Keys.Form.Suggest) + " picks one"
	}
	if f.value() != s.settled && !r.ReservationStart.IsZero() && es.For("reservation_start") == "" {
		s.settled, s.settledAt = f.value(), r.ReservationStart
	}
}

// keepStartValid moves a start said outright that was valid and has since
// come closer than 15 minutes to the earliest start the API accepts, and
// says so; true when it moved it. A start counted from now never needs it.
func (s *confirmScreen) keepStartValid() bool {
	f := s.form.byName("reservation_start")
	now := s.c.Now()
	t := s.settledAt
	if f.value() != s.settled || t.IsZero() || model.MovesWithClock(f.value()) || !t.Before(now.Add(model.MinLeadTime)) {
		return false
	}
	earliest := model.EarliestStart(now).In(s.c.Zone)
	f.setValue(earliest.Format(startLayout))
	s.form.changed(f)
	s.settled, s.settledAt = f.value(), earliest
	s.moved = fmt.Sprintf("The start moved from %s to %s: %s is less than 15 minutes ahead now, and %s is the earliest the API takes. Check it with the driver; %s books it.",
		t.In(s.c.Zone).Format("15:04"), earliest.Format("15:04"), t.In(s.c.Zone).Format("15:04"), earliest.Format("15:04"), keyName(s.c.Keys.Book.Submit))
	return true
}

func (s *confirmScreen) shiftStart(d time.Duration) {
	f := s.form.byName("reservation_start")
	t, err := model.ParseWhen(f.value(), s.c.Now(), s.c.Zone)
	if err != nil {
		t = model.DefaultStart(s.c.Now())
	}
	f.setValue(t.Add(d).In(s.c.Zone).Format(startLayout))
	s.form.changed(f)
	s.moved = ""
}

func (s *confirmScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
		s.form.setStyles(s.c.Styles)
	case heartbeatMsg:
		if !s.sending() {
			s.keepStartValid()
		}
		s.validate() // "15 minutes ahead" moves with the clock
	case attemptAnsweredMsg:
		if msg.a != s.attempt {
			return s, nil
		}
		return s, s.created(msg.v, msg.msg)
	case tea.PasteMsg:
		return s, s.edit(msg)
	case tea.KeyPressMsg:
		if s.sending() { // one create at a time; it is never re-sent blindly
			return s, refuse("The booking is being sent: the form waits for its answer (" + keyName(s.c.Keys.Back) + " leaves it; the booking goes on).")
		}
		cmd, handled := s.key(msg)
		if !handled {
			return s, s.edit(msg)
		}
		s.validate()
		return s, cmd
	}
	return s, nil
}

// key handles the form's own keys; handled is false for keys meant for a field.
func (s *confirmScreen) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := s.c.Keys.Book
	switch {
	case key.Matches(msg, k.Submit):
		return s.submit(), true
	case key.Matches(msg, k.Earlier):
		s.shiftStart(-15 * time.Minute)
	case key.Matches(msg, k.Later):
		s.shiftStart(15 * time.Minute)
	case key.Matches(msg, k.JSON):
		s.json = !s.json
	case key.Matches(msg, k.OtherEVSE) && len(s.conflict) > 0:
		s.switchEVSE(s.conflict[0])
	case key.Matches(msg, k.NextBest) && s.outcome == api.KindConflict:
		r := s.built
		failed := model.Booking{LocationID: r.LocationID, EVSEUID: r.EVSEUID, ReservationStart: &r.ReservationStart,
			ReservationEnd: &r.ReservationEnd, TokenStrategy: r.TokenStrategy, CustomerID: r.CustomerID,
			TokenID: r.TokenID, FleetGroupID: r.FleetGroupID, TokenUID: r.TokenUID}
		return msgCmd(rebookMsg{booking: failed}), true
	case key.Matches(msg, k.LaterSlot) && s.outcome == api.KindConflict:
		s.laterSlot()
		s.outcome, s.topErr, s.conflict = 0, "", nil
	case key.Matches(msg, k.Research) && s.outcome == api.KindNotFound:
		return msgCmd(backToMsg{match: isSearch, then: resubmitMsg{}}), true
	case key.Matches(msg, k.Recheck) && s.outcome == api.KindUnknownOutcome && s.attempt != nil:
		return s.d.recheckAttempt(s.attempt), true
	case key.Matches(msg, k.OtherEVSE, k.LaterSlot, k.NextBest, k.Research, k.Recheck):
		return s.outOfPlace(msg), true
	default:
		return nil, false
	}
	return nil, true
}

// outOfPlace says why a key that answers a refusal (a 409's, a 404's, an
// unknown outcome's) does nothing now.
func (s *confirmScreen) outOfPlace(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys.Book
	switch {
	case key.Matches(msg, k.OtherEVSE) && s.outcome == api.KindConflict:
		return refuse(keyName(k.OtherEVSE) + ": no other EVSE here is free for this window.")
	case key.Matches(msg, k.OtherEVSE):
		return refuse(keyName(k.OtherEVSE) + ": the next free EVSE is offered when the API refuses the slot (409).")
	case key.Matches(msg, k.LaterSlot, k.NextBest):
		return refuse(keyName(k.LaterSlot) + " and " + keyName(k.NextBest) + ": a later slot and the next best charger are offered when the API refuses the slot (409).")
	}
	return refuse(keyName(k.Research) + ": searching again is offered when the location is gone (404), checking again when the outcome is unknown.")
}

// edit types into the focused field.
func (s *confirmScreen) edit(msg tea.Msg) tea.Cmd {
	cmd, edited := s.form.update(msg)
	if edited {
		s.twice = "" // said of the request as it was
	}
	if edited && s.form.focused().name == "reservation_start" {
		delete(s.form.apiErrs, "duration") // the window the server refused is a new one now
		s.moved = ""
	}
	if s.form.focused().name == "token_strategy" {
		s.applyStrategy()
	}
	s.validate()
	return cmd
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
	s.form.apiErrs = nil
	s.outcome, s.topErr, s.conflict, s.twice = 0, "", nil, ""
	s.tried = true
	if s.keepStartValid() {
		s.validate()
		return nil // said before anything is sent: the next enter books the new start
	}
	if !s.validate() {
		return s.form.firstError()
	}
	if b, twice := s.doubleBooking(); twice {
		// Asked once: the next enter books a second one on purpose.
		r := s.built
		s.twiceOK = &r
		s.twice = fmt.Sprintf("You already booked this EVSE for %s (%s). %s again books a second one; change the window or the EVSE otherwise.",
			shortWindow(b, s.c.Zone), b.ExternalID, keyName(s.c.Keys.Book.Submit))
		return nil
	}
	s.attempt = s.d.startAttempt(s.attempt, s.loc, s.evse)
	return s.d.submitAttempt(s.attempt, s.built)
}

// created shows what the answer to this form's attempt meant.
func (s *confirmScreen) created(v verdict, msg bookingCreatedMsg) tea.Cmd {
	if v == booked {
		b := *msg.result.Booking
		s.d.callBooked(b.ID)
		return tea.Batch(s.d.remember("", b.CustomerID), msgCmd(showStatusMsg{booking: b, loc: s.loc, adopted: msg.result.Adopted, replace: true}))
	}
	s.outcome = api.KindOf(msg.err)
	if authFailure(s.c, s.alerts, msg.err) {
		return nil
	}
	e, _ := api.AsError(msg.err)
	text := ""
	if e != nil {
		text = e.Message
	}
	if text == "" && msg.err != nil {
		text = msg.err.Error()
	}
	switch {
	case v == waiting:
		s.topErr = ""
	case v == unknown:
		s.topErr = text
	case s.outcome == api.KindBadRequest:
		s.topErr = text
		s.form.serverRefused(text, "API: ", bookServerWords)
		s.validate()
		return s.form.firstError()
	case s.outcome == api.KindValidation:
		s.topErr = text
		s.form.judge(e.Fields, bookAliases)
		return s.form.firstError()
	case s.outcome == api.KindConflict:
		s.topErr = text
		s.conflict, s.heldOut = s.otherEVSEs()
	default:
		s.topErr = text
	}
	return nil
}

// otherEVSEs are the location's other bookable EVSEs, those that meet the
// driver's need first (the others stay, for the agent to choose), leaving
// out those the desk or its team holds for the window (model.OtherFree),
// and how many that left out.
func (s *confirmScreen) otherEVSEs() ([]model.EVSE, int) {
	r := s.built
	return model.OtherFree(s.loc, s.need, model.Avoid{Failed: model.Booking{EVSEUID: s.evse.EVSEUID}, Held: s.d.held(),
		Start: r.ReservationStart, End: r.ReservationEnd})
}

// laterSlot moves the window past the one the 409 refused, and past every
// booking the desk or its team holds on the EVSE (model.LaterSlot), so the
// new window overlaps neither.
func (s *confirmScreen) laterSlot() {
	r := s.built
	d := r.ReservationEnd.Sub(r.ReservationStart)
	next, _ := model.LaterSlot(r.EVSEUID, r.ReservationStart, r.ReservationEnd, s.d.held())
	f := s.form.byName("reservation_start")
	f.setValue(next.In(s.c.Zone).Format(startLayout))
	s.form.changed(f)
	s.setDuration(d)
	s.moved = ""
}

func (s *confirmScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(trunc("Book "+s.evse.EVSEUID+" at "+s.loc.Name, s.w)) + "\n")
	b.WriteString(st.Subtle.Render(trunc(model.JoinNonEmpty(", ", s.loc.Address, s.loc.City)+" · "+s.loc.CPOName, s.w)) + "\n")
	b.WriteString(callLine(s.c, s.d, s.w, ""))
	if s.proposal != "" {
		b.WriteString(wrapped(st.Marked, s.proposal, s.w) + "\n")
	} else {
		b.WriteString("\n")
	}
	r := s.built
	if s.json {
		js, _ := json.MarshalIndent(r, "", "  ")
		b.WriteString(st.Subtle.Render("POST /bookings — the exact body ("+keyName(s.c.Keys.Book.JSON)+" goes back to the form):") + "\n" + string(js) + "\n")
		return b.String()
	}
	outcome := s.outcomeView()
	form := s.form.view(st, 15)
	keyed := s.outcome == api.KindConflict || s.outcome == api.KindNotFound || s.outcome == api.KindUnknownOutcome
	if keyed && lipgloss.Height(b.String()+form)+lipgloss.Height(outcome)+4 > s.h { // too tall: a refusal whose keys help comes first, never below the fold
		b.WriteString(outcome)
		outcome = ""
	}
	b.WriteString(form)
	if !r.ReservationStart.IsZero() && r.ReservationEnd.After(r.ReservationStart) {
		b.WriteString("\n" + st.Label.Render("Window  ") + fmt.Sprintf("%s – %s Berlin  (%s – %s UTC)",
			fmtLocal(r.ReservationStart, s.c.Zone), r.ReservationEnd.In(s.c.Zone).Format("15:04"),
			r.ReservationStart.UTC().Format("15:04"), r.ReservationEnd.UTC().Format("15:04")) + "\n")
	}
	price := "no estimate"
	if p, has := s.loc.EstimatedPrice(); has {
		price = model.FormatPrice(p, s.loc.Pricing.Currency) + " (estimate; the CPO's final price comes at the end)"
	}
	b.WriteString(st.Label.Render("Price   ") + price + "\n\n")
	b.WriteString(outcome)
	return b.String()
}

// outcomeView is the line under the form: what is going on, or what went wrong
// and which keys help.
func (s *confirmScreen) outcomeView() string {
	st, k := s.c.Styles, s.c.Keys.Book
	lines := func(first, second string) string {
		if second == "" {
			return first + "\n"
		}
		return first + "\n" + st.Subtle.Width(max(20, s.w)).Render(second) + "\n"
	}
	switch {
	case s.sending():
		return lines(st.Info.Render("Booking… sent once; if the answer is lost chargedesk looks it up by external id before anything is sent again."),
			keyName(s.c.Keys.Back)+" leaves this form; the booking goes on and is announced when it is made.")
	case s.attempt != nil && s.attempt.retry.gaveUp():
		return lines(wrapped(st.ErrBanner, "⚠ "+s.attempt.retry.gaveUpText(keyName(k.Submit)), s.w),
			"No booking was made under "+s.attempt.req.ExternalID+" as far as chargedesk could tell; the next try looks it up first.")
	case s.attempt != nil && s.attempt.retry.pending():
		second := ""
		if s.attempt.resume {
			second = "No booking was made under " + s.attempt.req.ExternalID + "; the retry checks again first."
		}
		return lines(s.attempt.retry.banner(st, s.c.Now(), s.c.Zone, s.w), second)
	case s.outcome == api.KindConflict:
		return s.conflictView(lines)
	case s.twice != "":
		return lines(wrapped(st.Warning, s.twice, s.w), "Your input is kept.")
	case s.outcome == api.KindNotFound:
		return lines(wrapped(st.Error, "404 — "+s.topErr, s.w), "The location may have been removed. "+keyName(k.Research)+" runs the search again.")
	case s.outcome == api.KindUnknownOutcome:
		return lines(wrapped(st.ErrBanner, "Outcome unknown: "+s.topErr, s.w), keyName(k.Recheck)+" looks the booking up again (and books only if it is certainly not there).")
	case s.topErr != "":
		return lines(wrapped(st.Error, s.topErr, s.w), refusalHint(s.topErr, s.c.Mode.ReadOnly)+" Your input is kept.")
	case s.ready:
		return s.readyView()
	}
	if s.untouched && !s.form.hasError() {
		return st.Subtle.Render("Fill in the driver's token to book.") + "\n"
	}
	return st.Warning.Render("Fix the marked fields to book.") + "\n"
}

// readyView is the line under a form ready to book: what to check first
// (a start the form moved, a plug that misses the need), or that enter books.
func (s *confirmScreen) readyView() string {
	st, k := s.c.Styles, s.c.Keys.Book
	switch {
	case s.moved != "":
		return st.Warning.Width(max(20, s.w)).Render(s.moved) + "\n"
	case s.mismatch() != "":
		return wrapped(st.Warning, "Ready — but "+s.mismatch()+" (the driver asked for "+s.need.Describe()+"). "+keyName(k.Submit)+" books it anyway.", s.w) + "\n"
	}
	return st.Success.Render("Ready — "+keyName(k.Submit)+" books it.") + "\n"
}

// conflictView is the outcome line after a 409: the other free EVSEs here
// (none the desk holds for the window), the later slot, the next best.
func (s *confirmScreen) conflictView(lines func(first, second string) string) string {
	st, k := s.c.Styles, s.c.Keys.Book
	if len(s.conflict) > 0 {
		var ids []string
		for _, e := range s.conflict {
			ids = append(ids, e.EVSEUID)
		}
		return wrapped(st.Error, "409 — slot taken: "+s.topErr, s.w) + "\n" +
			lines(wrapped(st.Warning, "Other free EVSEs here: "+strings.Join(ids, ", "), s.w),
				fmt.Sprintf("%s switches to %s · %s tries the next free window · %s next best charger elsewhere · your input is kept",
					keyName(k.OtherEVSE), s.conflict[0].EVSEUID, keyName(k.LaterSlot), keyName(k.NextBest)))
	}
	held := ""
	if s.heldOut > 0 {
		held = " (" + heldText(s.heldOut) + ")"
	}
	return lines(wrapped(st.Error, "409 — slot taken: "+s.topErr, s.w),
		fmt.Sprintf("No other EVSE here is free%s. %s tries the next free window, %s proposes the next best charger elsewhere.", held, keyName(k.LaterSlot), keyName(k.NextBest)))
}

// tokenFields are the fields a token strategy asks for, empty when the form
// opens (the demo prefills its customer).
var tokenFields = []string{"customer_id", "token_id", "fleet_group_id", "token_uid"}
