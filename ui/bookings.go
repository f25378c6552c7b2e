package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

var bookingsKeys = struct {
	Up, Down, Open, Cancel, Status, Range, Custom, Filter, More, All, Refresh key.Binding
}{
	Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Cancel:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cancel")),
	Status:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status filter")),
	Range:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "date range")),
	Custom:  key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "custom dates")),
	Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find")),
	More:    key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "load more")),
	All:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "load all")),
	Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
}

// Date ranges of the bookings list (on created_at).
var dateRanges = []string{"today", "7 days", "30 days", "all", "custom"}

const bookingsPage = 50

// bookingsScreen lists the account's bookings, newest first.
type bookingsScreen struct {
	c          *Common
	statusIdx  int // 0 = any, else model.Statuses[i-1]
	rangeIdx   int
	from, to   time.Time // custom range
	custom     textinput.Model
	customing  bool
	find       textinput.Model
	finding    bool
	loaded     []model.Booking
	total      int
	view       []int
	cursor     int
	offset     int
	w, h       int
	req        int
	cancel     context.CancelFunc
	loading    bool
	loadingAll bool
	retry      retrier
	err        string
	dialog     cancelDialog
	note       string
}

func newBookingsScreen(c *Common) *bookingsScreen {
	s := &bookingsScreen{c: c, rangeIdx: 1, custom: newInput(c.Styles.IsDark), find: newInput(c.Styles.IsDark), dialog: newCancelDialog(c)}
	s.custom.Prompt = "dates: "
	s.custom.Placeholder = "2026-11-01 .. 2026-11-30"
	s.find.Prompt = "/ "
	s.find.Placeholder = "external id, customer id or location"
	return s
}

func (s *bookingsScreen) Init() tea.Cmd { return s.reload() }
func (s *bookingsScreen) Title() string { return "Bookings" }
func (s *bookingsScreen) Typing() bool  { return s.finding || s.customing || s.dialog.typing() }
func (s *bookingsScreen) CapturesEsc() bool {
	return s.finding || s.customing || s.dialog.open || s.find.Value() != ""
}
func (s *bookingsScreen) SetSize(w, h int) { s.w, s.h = w, h; s.clamp() }

func (s *bookingsScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *bookingsScreen) ShortHelp() []key.Binding {
	if s.dialog.open {
		return []key.Binding{statusKeys.Confirm, statusKeys.Reason}
	}
	if s.finding || s.customing {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")), resultKeys.ClearFilter}
	}
	return []key.Binding{bookingsKeys.Open, bookingsKeys.Cancel, bookingsKeys.Filter, bookingsKeys.Status, bookingsKeys.Range, bookingsKeys.More}
}

func (s *bookingsScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{bookingsKeys.Up, bookingsKeys.Down, bookingsKeys.Open, bookingsKeys.Cancel},
		{bookingsKeys.Filter, bookingsKeys.Status, bookingsKeys.Range, bookingsKeys.Custom},
		{bookingsKeys.More, bookingsKeys.All, bookingsKeys.Refresh},
	}
}

func (s *bookingsScreen) filter() model.BookingFilter {
	f := model.BookingFilter{Limit: bookingsPage, Offset: len(s.loaded)}
	if s.statusIdx > 0 {
		f.Status = model.Statuses[s.statusIdx-1]
	}
	now := s.c.Now().In(s.c.Zone)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.c.Zone)
	switch dateRanges[s.rangeIdx] {
	case "today":
		f.FromDate = midnight
	case "7 days":
		f.FromDate = midnight.AddDate(0, 0, -6)
	case "30 days":
		f.FromDate = midnight.AddDate(0, 0, -29)
	case "custom":
		f.FromDate, f.ToDate = s.from, s.to
	}
	return f
}

func (s *bookingsScreen) reload() tea.Cmd {
	s.loaded = nil
	s.total = 0
	s.cursor, s.offset = 0, 0
	s.loadingAll = false
	s.rebuild()
	return s.fetch()
}

func (s *bookingsScreen) fetch() tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.req = s.c.NextReq()
	s.loading = true
	s.err = ""
	return listCmd(ctx, s.c.Client, s.req, s.filter())
}

func (s *bookingsScreen) more() bool { return len(s.loaded) < s.total }

// current is what the list shows for b: the watchlist's fresher copy if any.
func (s *bookingsScreen) current(b model.Booking) (model.Booking, *watched) {
	if w := s.c.watch.get(b.ID); w != nil {
		return w.booking, w
	}
	return b, nil
}

func (s *bookingsScreen) rebuild() {
	needle := strings.ToLower(strings.TrimSpace(s.find.Value()))
	s.view = s.view[:0]
	for i, b := range s.loaded {
		if needle != "" {
			cur, _ := s.current(b)
			hay := strings.ToLower(cur.ExternalID + " " + cur.CustomerID + " " + cur.TokenID + " " + cur.FleetGroupID + " " +
				cur.LocationName + " " + cur.LocationCity + " " + cur.LocationID + " " + cur.ID)
			if !strings.Contains(hay, needle) {
				continue
			}
		}
		s.view = append(s.view, i)
	}
	s.clamp()
}

func (s *bookingsScreen) rows() int { return max(1, s.h-5) }

func (s *bookingsScreen) clamp() {
	s.cursor = min(max(s.cursor, 0), max(len(s.view)-1, 0))
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if n := s.rows(); s.cursor >= s.offset+n {
		s.offset = s.cursor - n + 1
	}
}

func (s *bookingsScreen) selected() (model.Booking, bool) {
	if s.cursor >= len(s.view) || len(s.view) == 0 {
		return model.Booking{}, false
	}
	b, _ := s.current(s.loaded[s.view[s.cursor]])
	return b, true
}

func (s *bookingsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.find.SetStyles(inputStyles(s.c.Styles.IsDark))
		s.custom.SetStyles(inputStyles(s.c.Styles.IsDark))
	case heartbeatMsg:
		if s.retry.due(s.c.Now()) {
			s.retry.at = time.Time{}
			return s, s.fetch()
		}
	case bookingsListedMsg:
		if msg.req != s.req {
			return s, nil
		}
		s.loading = false
		if msg.err != nil {
			switch api.KindOf(msg.err) {
			case api.KindUnauthorized, api.KindForbidden:
				return s, showOverlay(s.c.authHelp(msg.err))
			}
			if !s.retry.schedule(s.c.Now(), msg.err) {
				s.err = msg.err.Error()
			}
			return s, nil
		}
		s.retry.clear()
		s.loaded = append(s.loaded, msg.list.Bookings...)
		s.total = max(msg.list.Total, len(s.loaded))
		if msg.list.Total == 0 && len(msg.list.Bookings) == bookingsPage {
			s.total = len(s.loaded) + 1 // the server gave no total: assume more
		}
		s.rebuild()
		if s.loadingAll && s.more() && len(msg.list.Bookings) > 0 {
			return s, s.fetch()
		}
		s.loadingAll = false
	case bookingCancelledMsg:
		b, note, cmd := s.dialog.result(msg)
		if b != nil {
			s.c.watch.add(*b, model.Location{}, false)
			for i := range s.loaded {
				if s.loaded[i].ID == b.ID {
					s.loaded[i] = *b
				}
			}
			s.note = note + " (" + b.ExternalID + ")"
		}
		return s, cmd
	case tea.PasteMsg:
		switch {
		case s.dialog.open:
			return s, s.dialog.paste(msg)
		case s.finding:
			var cmd tea.Cmd
			s.find, cmd = s.find.Update(msg)
			s.rebuild()
			return s, cmd
		case s.customing:
			var cmd tea.Cmd
			s.custom, cmd = s.custom.Update(msg)
			return s, cmd
		}
	case tea.KeyPressMsg:
		return s, s.key(msg)
	}
	return s, nil
}

func (s *bookingsScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	if s.dialog.open {
		return s.dialog.key(msg)
	}
	if s.finding {
		switch msg.String() {
		case "enter":
			s.finding = false
			s.find.Blur()
		case "esc":
			s.finding = false
			s.find.Blur()
			s.find.SetValue("")
			s.rebuild()
		default:
			var cmd tea.Cmd
			s.find, cmd = s.find.Update(msg)
			s.rebuild()
			return cmd
		}
		return nil
	}
	if s.customing {
		switch msg.String() {
		case "enter":
			from, to, err := parseRange(s.custom.Value(), s.c.Now(), s.c.Zone)
			if err != nil {
				s.err = "dates: " + err.Error()
				return nil
			}
			s.customing = false
			s.custom.Blur()
			s.from, s.to = from, to
			s.rangeIdx = len(dateRanges) - 1
			return s.reload()
		case "esc":
			s.customing = false
			s.custom.Blur()
			s.err = ""
		default:
			var cmd tea.Cmd
			s.custom, cmd = s.custom.Update(msg)
			return cmd
		}
		return nil
	}
	switch {
	case key.Matches(msg, bookingsKeys.Up):
		s.cursor--
	case key.Matches(msg, bookingsKeys.Down):
		s.cursor++
		if s.cursor >= len(s.view) && s.more() && !s.loading {
			s.clamp()
			return s.fetch() // scrolling past the end loads the next page
		}
	case key.Matches(msg, bookingsKeys.Open):
		if b, ok := s.selected(); ok {
			return push(newStatusScreen(s.c, b, model.Location{}, false))
		}
	case key.Matches(msg, bookingsKeys.Cancel):
		if b, ok := s.selected(); ok {
			s.note = s.dialog.start(b)
		}
	case key.Matches(msg, bookingsKeys.Status):
		s.statusIdx = (s.statusIdx + 1) % (len(model.Statuses) + 1)
		return s.reload()
	case key.Matches(msg, bookingsKeys.Range):
		s.rangeIdx = (s.rangeIdx + 1) % (len(dateRanges) - 1) // custom only through D
		return s.reload()
	case key.Matches(msg, bookingsKeys.Custom):
		s.customing = true
		s.custom.SetValue("")
		return s.custom.Focus()
	case key.Matches(msg, bookingsKeys.Filter):
		s.finding = true
		return s.find.Focus()
	case msg.String() == "esc" && s.find.Value() != "":
		s.find.SetValue("")
		s.rebuild()
	case key.Matches(msg, bookingsKeys.More):
		if s.more() && !s.loading {
			return s.fetch()
		}
	case key.Matches(msg, bookingsKeys.All):
		if s.more() && !s.loading {
			s.loadingAll = true
			return s.fetch()
		}
	case key.Matches(msg, bookingsKeys.Refresh):
		return s.reload()
	}
	s.clamp()
	return nil
}

// parseRange reads "FROM .. TO" (or two dates with a space); TO is inclusive.
func parseRange(v string, now time.Time, zone *time.Location) (time.Time, time.Time, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "..", " "))
	parts := strings.Fields(v)
	if len(parts) != 2 {
		return time.Time{}, time.Time{}, fmt.Errorf(`give two dates, such as "2026-11-01 .. 2026-11-30"`)
	}
	from, err := model.ParseWhen(parts[0], now, zone)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("from: %v", err)
	}
	to, err := model.ParseWhen(parts[1], now, zone)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("to: %v", err)
	}
	to = to.AddDate(0, 0, 1).Add(-time.Second)
	if to.Before(from) {
		return time.Time{}, time.Time{}, fmt.Errorf("the end is before the start")
	}
	return from, to, nil
}

func (s *bookingsScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	status := "any status"
	if s.statusIdx > 0 {
		status = string(model.Statuses[s.statusIdx-1])
	}
	rng := dateRanges[s.rangeIdx]
	if rng == "custom" {
		rng = s.from.In(s.c.Zone).Format("02.01.2006") + "–" + s.to.In(s.c.Zone).Format("02.01.2006")
	}
	b.WriteString(st.Title.Render(fmt.Sprintf("Bookings · %s · created %s", status, rng)) + "\n")
	count := fmt.Sprintf("%d loaded", len(s.loaded))
	if s.total > 0 {
		count = fmt.Sprintf("%d of %d loaded", len(s.loaded), s.total)
	}
	if v := s.find.Value(); v != "" && !s.finding {
		count += fmt.Sprintf(" · %d match %q", len(s.view), v)
		if s.more() {
			count += " (a loads all to search them)"
		}
	}
	if n := s.c.watch.activeCount(); n > 0 {
		count += fmt.Sprintf(" · watching %d", n)
	}
	b.WriteString(st.Subtle.Render(count) + "\n")
	switch {
	case s.finding:
		b.WriteString(s.find.View() + "\n")
	case s.customing:
		b.WriteString(s.custom.View() + "\n")
		if s.err != "" {
			b.WriteString(st.Error.Render(s.err) + "\n")
		}
	case s.retry.pending():
		b.WriteString(s.retry.banner(st, s.c.Now(), s.c.Zone, s.w) + "\n")
	case s.err != "":
		b.WriteString(st.Error.Render(s.err) + "\n")
	case s.loading:
		b.WriteString(st.Info.Render("Loading…") + "\n")
	case s.note != "":
		b.WriteString(st.Info.Render(trunc(s.note, s.w)) + "\n")
	default:
		b.WriteString("\n")
	}
	if s.dialog.open {
		b.WriteString(s.dialog.view())
		return b.String()
	}
	if len(s.view) == 0 && !s.loading {
		b.WriteString(st.Subtle.Render("No bookings here. d changes the date range, s the status filter.") + "\n")
		return b.String()
	}
	end := min(len(s.view), s.offset+s.rows())
	for i := s.offset; i < end; i++ {
		b.WriteString(s.row(i) + "\n")
	}
	if end == len(s.view) && s.more() {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("… %d more: ] or ↓ loads the next page", s.total-len(s.loaded))) + "\n")
	}
	return b.String()
}

func (s *bookingsScreen) row(i int) string {
	st := s.c.Styles
	bk, w := s.current(s.loaded[s.view[i]])
	mark := "  "
	switch {
	case w != nil && w.changed:
		mark = st.Marked.Render("⚑ ")
	case w != nil && w.active():
		mark = st.Info.Render("◉ ")
	}
	cur := "  "
	if i == s.cursor {
		cur = st.Focused.Render("▸ ")
	}
	who := bk.CustomerID
	switch {
	case who == "" && bk.TokenID != "":
		who = "token " + bk.TokenID
	case who == "" && bk.FleetGroupID != "":
		who = "fleet " + bk.FleetGroupID
	case who == "":
		who = string(bk.TokenStrategy)
	}
	window := ""
	if start, end := bk.Window(); !start.IsZero() {
		window = start.In(s.c.Zone).Format("02 Jan 15:04") + "–" + end.In(s.c.Zone).Format("15:04")
	}
	price := ""
	if bk.ClientPrice != nil {
		price = model.FormatPrice(*bk.ClientPrice, bk.ClientPriceCurrency)
	}
	status := pad(st.SmallBadge(bk.Status), 12)
	extW := min(28, max(14, len(bk.ExternalID)))
	ext := pad(bk.ExternalID, extW)
	if i == s.cursor {
		ext = st.Selected.Render(ext)
	}
	loc := model.JoinNonEmpty(", ", bk.LocationName, bk.LocationCity)
	// marker, status, external id, who, window, price; the location takes the rest.
	fixed := 4 + 12 + 1 + extW + 1 + 14 + 1 + 18 + 1 + 9 + 1
	locW := max(8, s.w-fixed-1)
	line := cur + mark + status + " " + ext + " " + pad(who, 14) + " " + pad(window, 18) + " " + padLeft(price, 9) + " " + pad(loc, locW)
	return trunc(line, s.w)
}
