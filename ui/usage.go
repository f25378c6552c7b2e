package ui

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// usageScreen shows what the month's quota is spent on: the requests of the
// month as last reported and since, the pace the rest of the month allows,
// when the quota runs out at the rate this session spends it, and what each
// booking of the session cost in requests. Opening it asks /usage once.
type usageScreen struct {
	c       Common
	d       usageDesk
	opened  time.Time
	costs   []bookingCost
	session int // requests this session
	w, h    int
}

// bookingCost is the requests spent on one booking: its create, look-ups,
// polls and cancel.
type bookingCost struct {
	id, ref  string
	status   model.Status
	requests int
}

// usageDesk is what the usage screen uses of the session.
type usageDesk interface {
	logDesk
	current(id string) (model.Booking, bool)
	monthBudget() model.MonthBudget
}

func newUsageScreen(c Common, d usageDesk) *usageScreen {
	s := &usageScreen{c: c, d: d, opened: c.Now()}
	s.count()
	return s
}

func (s *usageScreen) Init() tea.Cmd { return usageCmd(s.c.Client) }
func (s *usageScreen) Title() string { return "Usage" }
func (s *usageScreen) Typing() bool  { return false }

func (s *usageScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *usageScreen) ShortHelp() []key.Binding { return []key.Binding{s.c.Keys.UsageClose} }
func (s *usageScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.c.Keys.UsageClose}}
}

func (s *usageScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
	case logEventMsg, usageMsg, heartbeatMsg:
		s.count()
	}
	return s, nil
}

// count attributes the session's requests to the bookings they were for.
func (s *usageScreen) count() {
	byID := map[string]*bookingCost{}
	s.session = s.d.calls()
	for i := range s.session {
		ev := s.d.call(i)
		id := bookingOf(ev)
		if id == "" {
			continue
		}
		bc := byID[id]
		if bc == nil {
			bc = &bookingCost{id: id}
			byID[id] = bc
		}
		bc.requests++
	}
	s.costs = s.costs[:0]
	for id, bc := range byID {
		if b, ok := s.d.current(id); ok {
			bc.ref, bc.status = b.ExternalID, b.Status
		}
		s.costs = append(s.costs, *bc)
	}
	sort.Slice(s.costs, func(i, j int) bool { return s.costs[i].ref < s.costs[j].ref })
}

// bookingOf is the booking a request was about: its id in the path, or in
// the answer to a create.
func bookingOf(ev api.Event) string {
	if rest, ok := strings.CutPrefix(ev.Path, "/bookings/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		id, _, _ = strings.Cut(id, "?")
		return id
	}
	if ev.Method == "POST" && ev.Path == "/bookings" {
		var b struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(ev.ResponseBody, &b) == nil {
			return b.ID
		}
	}
	return ""
}

func (s *usageScreen) View() string {
	st := s.c.Styles
	now := s.c.Now()
	var b strings.Builder
	b.WriteString(st.Title.Render("Requests: the account's one key, shared by the team") + "\n\n")
	budget := s.d.monthBudget()
	row := func(label, value string) {
		b.WriteString(st.Label.Render(pad(label, 14)) + trunc(value, s.w-14) + "\n")
	}
	if !budget.Known {
		row("Month", "not reported yet (asking /usage)")
	} else {
		row("Month", fmt.Sprintf("%d of %d left: %d used as of %s, %d by this desk since",
			budget.Left(), budget.Limit, budget.Limit-budget.Remaining, budget.ReportedAt.In(s.c.Zone).Format("15:04"), budget.SpentSince))
		row("Pace", fmt.Sprintf("%.1f requests an hour keep the month alive (until %s)", budget.Pace(now), budget.ResetAt.In(s.c.Zone).Format("Mon 02 Jan")))
	}
	rate := s.sessionRate(now)
	row("This session", fmt.Sprintf("%d requests, %.1f an hour", s.session, rate))
	if budget.Known {
		row("Forecast", "at this session's rate the month's quota "+budget.Forecast(now, rate, s.c.Zone))
		if budget.Paused(now) {
			row("", st.Warning.Render("background checks are paused to keep the rest for searches, bookings and cancels"))
		} else if f := budget.Stretch(now); f > 1 {
			row("", st.Warning.Render(fmt.Sprintf("background checks run %.1f× slower to make the quota last", f)))
		}
	}
	b.WriteString("\n" + st.TableHeading.Render("What each booking cost") + "\n")
	if len(s.costs) == 0 {
		b.WriteString(st.Subtle.Render("No booking yet this session.") + "\n")
	}
	refW := 12 // the reference whole (the driver reads it out); the booking id's start after it, room permitting
	for _, c := range s.costs {
		refW = max(refW, ansi.StringWidth(c.ref))
	}
	for _, c := range s.costs {
		line := fmt.Sprintf("  %s %-10s %3d requests", pad(c.ref, refW), c.status, c.requests)
		if id := "  (" + c.id[:min(8, len(c.id))] + ")"; ansi.StringWidth(line+id) <= s.w {
			line += id
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// sessionRate is the requests an hour this session has spent (at least an
// hour's worth of time counted, so a fresh session does not look wild).
func (s *usageScreen) sessionRate(now time.Time) float64 {
	if s.d.calls() == 0 {
		return 0
	}
	span := max(now.Sub(s.d.call(0).Time), time.Hour)
	return float64(s.session) / span.Hours()
}
