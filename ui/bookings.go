package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui/list"
)

// Date ranges of the bookings list (on created_at).
var dateRanges = []string{"today", "7 days", "30 days", "all", "custom"}

// bookingsPage is how many bookings a page asks for: the API's maximum,
// so loading all of 10,000 takes 100 requests, not 200.
const bookingsPage = model.MaxListLimit

// bookingsDesk is what the bookings list uses of the session.
type bookingsDesk interface {
	nextReq() int
	observe(b model.Booking)
	watching(id string) (watched, bool)
	current(id string) (model.Booking, bool)
	activeCount() int
	cancelDesk
}

// bookingsScreen lists the account's bookings, newest first. The cancel
// dialog docks on it.
type bookingsScreen struct {
	c          Common
	d          bookingsDesk
	alerts     alerts
	statusIdx  int // 0 = any, else model.Statuses[i-1]
	rangeIdx   int
	from, to   time.Time // custom range
	custom     textinput.Model
	customing  bool
	list       list.Model // its filter is the find field
	loaded     []model.Booking
	hay        []string // per loaded booking, lower case: what the find field searches
	extW       int      // the longest external id loaded, in cells
	total      int
	view       []int  // indices into loaded the find field lets through
	viewFor    string // the find text view was built for
	viewOK     bool   // view holds every loaded booking that viewFor lets through
	w, h       int
	req        int
	cancel     context.CancelFunc
	loading    bool
	loadingAll bool
	retry      retrier
	err        string
	note       string
}

func newBookingsScreen(c Common, d bookingsDesk, to alerts) *bookingsScreen {
	s := &bookingsScreen{c: c, d: d, alerts: to, rangeIdx: 1, custom: newInput(c.Styles.IsDark)}
	s.custom.Prompt = "dates: "
	s.custom.Placeholder = "2026-11-01 .. 2026-11-30"
	keys := c.Keys.List
	keys.Filter = c.Keys.BookingList.Find
	s.list = list.New(keys, 1)
	find := newInput(c.Styles.IsDark)
	find.Prompt = "/ "
	find.Placeholder = "external id, customer id, location or agent"
	s.list.WithFilter(find)
	return s
}

func (s *bookingsScreen) Init() tea.Cmd     { return s.reload() }
func (s *bookingsScreen) Title() string     { return "Bookings" }
func (s *bookingsScreen) Typing() bool      { return s.list.Filtering() || s.customing }
func (s *bookingsScreen) CapturesEsc() bool { return s.list.CapturesEsc() || s.customing }

// SetSize leaves the rows what the heading lines do not take.
func (s *bookingsScreen) SetSize(w, h int) { s.w, s.h = w, h; s.list.SetHeight(h - 5) }

func (s *bookingsScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *bookingsScreen) ShortHelp() []key.Binding {
	k := s.c.Keys.BookingList
	if s.list.Filtering() || s.customing {
		return []key.Binding{k.Apply, s.c.Keys.Results.ClearFilter}
	}
	return []key.Binding{k.Open, k.Cancel, k.Find, k.Status, k.Range, k.More}
}

func (s *bookingsScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys.BookingList
	return [][]key.Binding{
		{s.c.Keys.List.Up, s.c.Keys.List.Down, k.Open, k.Cancel},
		{k.Find, k.Status, k.Range, k.Custom},
		{k.More, k.All, k.Refresh},
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
	s.retry.clear()
	s.loaded, s.hay, s.extW = nil, nil, 0
	s.view, s.viewOK = s.view[:0], false
	s.total = 0
	s.list.Select(0)
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
	s.req = s.d.nextReq()
	s.loading = true
	s.err = ""
	return listCmd(ctx, s.c.Client, s.req, s.filter())
}

func (s *bookingsScreen) more() bool { return len(s.loaded) < s.total }

// pushed takes a booking the gateway pushed: one the list lacks (another
// agent's, just made) comes in at the top when the list's status filter
// takes it; the rows it has show the newest copy by themselves (current).
func (s *bookingsScreen) pushed(b model.Booking) {
	if s.loading && len(s.loaded) == 0 {
		return // the list that is loading will hold it
	}
	for _, have := range s.loaded {
		if have.ID == b.ID {
			s.rebuild()
			return
		}
	}
	if s.statusIdx > 0 && model.Statuses[s.statusIdx-1] != b.Status {
		return
	}
	keep, had := s.selectedID()
	s.loaded = append([]model.Booking{b}, s.loaded...)
	s.hay = append([]string{findText(b)}, s.hay...)
	s.extW = max(s.extW, ansi.StringWidth(b.ExternalID))
	s.total++
	s.view, s.viewOK = s.view[:0], false // every index moved down by one
	s.rebuild()
	if had {
		s.reselect(keep) // the agent's booking stays the selected one
	}
}

// add joins a page of bookings at the end of the list.
func (s *bookingsScreen) add(page []model.Booking) {
	s.loaded = append(s.loaded, page...)
	for _, b := range page {
		s.hay = append(s.hay, findText(b))
		s.extW = max(s.extW, ansi.StringWidth(b.ExternalID))
	}
	s.viewOK = false
}

// findText is what the find field searches of a booking, lower case: its
// references, the driver's token, the place and the agent who booked it
// (none of which a status change alters).
func findText(b model.Booking) string {
	return strings.ToLower(b.ExternalID + " " + b.CustomerID + " " + b.TokenID + " " + b.FleetGroupID + " " +
		b.LocationName + " " + b.LocationCity + " " + b.LocationID + " " + b.ID + " " + b.BookedBy)
}

// current is what the list shows for b: the newest copy the program has
// of it (the watchlist keeps them), and its watch entry if it is watched.
func (s *bookingsScreen) current(b model.Booking) (model.Booking, *watched) {
	if w, ok := s.d.watching(b.ID); ok {
		return w.booking, &w
	}
	if nb, ok := s.d.current(b.ID); ok {
		return nb, nil
	}
	return b, nil
}

// rebuild recomputes the rows the find field lets through and keeps the
// cursor on the booking it was on (a pushed booking above it, a narrower
// or wider find, a page loaded below). Typing on narrows the rows already
// found; only a shorter text, or a changed list, looks at every booking.
func (s *bookingsScreen) rebuild() {
	keep, had := s.selectedID()
	needle := s.list.Filter()
	from := s.view
	if !s.viewOK || !strings.Contains(needle, s.viewFor) {
		from = nil // every loaded booking
	}
	view := make([]int, 0, len(s.loaded))
	test := func(i int) {
		if needle == "" || strings.Contains(s.hay[i], needle) {
			view = append(view, i)
		}
	}
	if from == nil {
		for i := range s.loaded {
			test(i)
		}
	} else {
		for _, i := range from {
			test(i)
		}
	}
	s.view, s.viewFor, s.viewOK = view, needle, true
	s.list.SetLen(len(s.view))
	if had {
		s.reselect(keep)
	}
}

// selectedID is the booking under the cursor.
func (s *bookingsScreen) selectedID() (string, bool) {
	c := s.list.Cursor()
	if c < 0 || c >= len(s.view) {
		return "", false
	}
	return s.loaded[s.view[c]].ID, true
}

// reselect puts the cursor on booking id, if a row shows it.
func (s *bookingsScreen) reselect(id string) {
	for i, j := range s.view {
		if s.loaded[j].ID == id {
			s.list.Select(i)
			return
		}
	}
}

func (s *bookingsScreen) selected() (model.Booking, bool) {
	c := s.list.Cursor()
	if c < 0 || c >= len(s.view) {
		return model.Booking{}, false
	}
	b, _ := s.current(s.loaded[s.view[c]])
	return b, true
}

func (s *bookingsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		s.c = msg.c
		s.list.SetInputStyles(inputStyles(s.c.Styles.IsDark))
		s.custom.SetStyles(inputStyles(s.c.Styles.IsDark))
	case heartbeatMsg:
		if s.retry.fire(s.c.Now()) {
			return s, s.fetch()
		}
	case pushedMsg:
		s.pushed(msg.booking)
	case bookingsListedMsg:
		if msg.req == s.req {
			return s, s.listed(msg)
		}
	case cancelAnsweredMsg:
		s.cancelled(msg)
	case tea.PasteMsg:
		return s, s.paste(msg)
	case tea.KeyPressMsg:
		return s, s.key(msg)
	}
	return s, nil
}

// listed takes a page of the list: it joins the rows loaded, and loading
// all goes on with the next page.
func (s *bookingsScreen) listed(msg bookingsListedMsg) tea.Cmd {
	s.loading = false
	if msg.err != nil {
		if authFailure(s.c, s.alerts, msg.err) {
			return nil
		}
		switch {
		case s.retry.schedule(s.c.Now(), msg.err):
		case s.retry.gaveUp():
			s.err = s.retry.gaveUpText(keyName(s.c.Keys.BookingList.Refresh))
		default:
			s.err = msg.err.Error()
		}
		return nil
	}
	s.retry.clear()
	for _, b := range msg.list.Bookings {
		s.d.observe(b) // a listed copy newer than the watched one wins
	}
	s.add(msg.list.Bookings)
	s.total = max(msg.list.Total, len(s.loaded))
	if msg.list.Total == 0 && len(msg.list.Bookings) == bookingsPage {
		s.total = len(s.loaded) + 1 // the server gave no total: assume more
	}
	s.rebuild()
	if s.loadingAll && s.more() && len(msg.list.Bookings) > 0 {
		return s.fetch()
	}
	s.loadingAll = false
	return nil
}

// cancelled shows a booking the cancel dialog cancelled in its row.
func (s *bookingsScreen) cancelled(msg cancelAnsweredMsg) {
	b := msg.booking
	if b == nil {
		return
	}
	for i := range s.loaded {
		if s.loaded[i].ID == b.ID {
			s.loaded[i] = *b
		}
	}
	s.note = msg.note + " (" + b.ExternalID + ")"
}

// paste goes to the field being typed in: the find field or the dates.
func (s *bookingsScreen) paste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case s.list.Filtering():
		ev, cmd := s.list.Update(msg)
		if ev == list.FilterChanged {
			s.rebuild()
		}
		return cmd
	case s.customing:
		var cmd tea.Cmd
		s.custom, cmd = s.custom.Update(msg)
		return cmd
	}
	return nil
}

func (s *bookingsScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	if s.customing {
		return s.customKey(msg)
	}
	switch ev, cmd := s.list.Update(msg); ev {
	case list.FilterChanged:
		s.rebuild()
		return cmd
	case list.PastEnd:
		if s.more() && !s.loading {
			return s.fetch() // scrolling past the end loads the next page
		}
		return nil
	case list.None:
	default:
		return cmd
	}
	k := s.c.Keys.BookingList
	switch {
	case key.Matches(msg, k.Open, k.Cancel):
		return s.onSelected(msg)
	case key.Matches(msg, k.Status):
		s.statusIdx = (s.statusIdx + 1) % (len(model.Statuses) + 1)
		return s.reload()
	case key.Matches(msg, k.Range):
		s.rangeIdx = (s.rangeIdx + 1) % (len(dateRanges) - 1) // custom only through D
		return s.reload()
	case key.Matches(msg, k.Custom):
		s.customing = true
		s.custom.SetValue("")
		return s.custom.Focus()
	case key.Matches(msg, k.More, k.All):
		return s.loadMore(key.Matches(msg, k.All))
	case key.Matches(msg, k.Refresh):
		return s.reload()
	}
	return nil
}

// onSelected opens or cancels the booking under the cursor, or says why not.
func (s *bookingsScreen) onSelected(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys.BookingList
	name := keyName(k.Open)
	if key.Matches(msg, k.Cancel) {
		name = keyName(k.Cancel)
	}
	b, ok := s.selected()
	switch {
	case !ok && s.loading:
		return refuse(name + ": the list is loading.")
	case !ok:
		return refuse(name + ": no booking is selected: the list shows none (" + keyName(k.Range) + " widens the dates, " + keyName(k.Status) + " the status).")
	case key.Matches(msg, k.Open):
		return msgCmd(showStatusMsg{booking: b})
	}
	if why := openCancel(s.c, s.d, s.alerts, s, b, false); why != "" {
		return refuse(name + ": " + why)
	}
	return nil
}

// loadMore asks for the next page (every page, all), or says why not.
func (s *bookingsScreen) loadMore(all bool) tea.Cmd {
	k := s.c.Keys.BookingList
	name := keyName(k.More)
	if all {
		name = keyName(k.All)
	}
	switch {
	case s.loading:
		return refuse(name + ": a page is loading.")
	case !s.more():
		return refuse(fmt.Sprintf("%s: all %d bookings of this list are loaded.", name, len(s.loaded)))
	}
	s.loadingAll = all
	return s.fetch()
}

// customKey edits the custom date range.
func (s *bookingsScreen) customKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.Keys.BookingList
	switch {
	case key.Matches(msg, k.Apply):
		from, to, err := model.ParseDayRange(s.custom.Value(), s.c.Now(), s.c.Zone)
		if err != nil {
			s.err = "dates: " + err.Error()
			return nil
		}
		s.customing = false
		s.custom.Blur()
		s.from, s.to = from, to
		s.rangeIdx = len(dateRanges) - 1
		return s.reload()
	case key.Matches(msg, k.Close):
		s.customing = false
		s.custom.Blur()
		s.err = ""
		return nil
	}
	var cmd tea.Cmd
	s.custom, cmd = s.custom.Update(msg)
	return cmd
}

// Heading is what the list holds, how much of it is loaded, and what is
// going on: what a dialog docked on this screen stands under.
func (s *bookingsScreen) Heading() string {
	st := s.c.Styles
	status := "any status"
	if s.statusIdx > 0 {
		status = string(model.Statuses[s.statusIdx-1])
	}
	rng := dateRanges[s.rangeIdx]
	if rng == "custom" {
		rng = s.from.In(s.c.Zone).Format("02.01.2006") + "–" + s.to.In(s.c.Zone).Format("02.01.2006")
	}
	count := fmt.Sprintf("%d loaded", len(s.loaded))
	if s.total > 0 {
		count = fmt.Sprintf("%d of %d loaded", len(s.loaded), s.total)
	}
	if v := s.list.RawFilter(); v != "" && !s.list.Filtering() {
		count += fmt.Sprintf(" · %d match %q", len(s.view), v)
		if s.more() {
			count += " (" + keyName(s.c.Keys.BookingList.All) + " loads all to search them)"
		}
	}
	if n := s.d.activeCount(); n > 0 {
		count += fmt.Sprintf(" · watching %d", n)
	}
	return st.Title.Render(fmt.Sprintf("Bookings · %s · created %s", status, rng)) + "\n" + st.Subtle.Render(count) + "\n" + s.stateLine()
}

// stateLine is the field being typed in, or what is going on: a retry, an
// error, loading, what was done last.
func (s *bookingsScreen) stateLine() string {
	st := s.c.Styles
	switch {
	case s.list.Filtering():
		return s.list.FilterView() + "\n"
	case s.customing && s.err != "":
		return s.custom.View() + "\n" + wrapped(st.Error, s.err, s.w) + "\n"
	case s.customing:
		return s.custom.View() + "\n"
	case s.retry.pending():
		return s.retry.banner(st, s.c.Now(), s.c.Zone, s.w) + "\n"
	case s.err != "":
		return wrapped(st.Error, s.err, s.w) + "\n"
	case s.loading:
		return st.Info.Render("Loading…") + "\n"
	case s.note != "":
		return st.Info.Render(trunc(s.note, s.w)) + "\n"
	}
	return "\n"
}

func (s *bookingsScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	b.WriteString(s.Heading())
	k := s.c.Keys.BookingList
	if len(s.view) == 0 && !s.loading {
		b.WriteString(st.Subtle.Render("No bookings here. "+keyName(k.Range)+" changes the date range, "+keyName(k.Status)+" the status filter.") + "\n")
		return b.String()
	}
	b.WriteString(s.list.View(func(i int, sel bool) string { return s.row(i, sel) + "\n" }))
	if s.list.Offset()+s.list.Rows() >= len(s.view) && s.more() {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("… %d more: %s or ↓ loads the next page", s.total-len(s.loaded), keyName(k.More))) + "\n")
	}
	return b.String()
}

func (s *bookingsScreen) row(i int, selected bool) string {
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
	if selected {
		cur = st.Focused.Render("▸ ")
	}
	cols := bookingColumns(s.w, s.extW)
	var line strings.Builder
	line.WriteString(cur + mark + pad(st.SmallBadge(string(bk.Status), statusTone(bk.Status)), 11) + " ")
	ext := pad(bk.ExternalID, cols.ext)
	if selected {
		ext = st.Selected.Render(ext)
	}
	line.WriteString(ext + " ")
	if cols.who > 0 {
		line.WriteString(pad(model.TokenShort(bk), cols.who) + " ")
	}
	if start, end := bk.Window(); !start.IsZero() && cols.window > 0 {
		window := start.In(s.c.Zone).Format(cols.day)
		if cols.window > len(cols.day) {
			window += "–" + end.In(s.c.Zone).Format("15:04")
		}
		line.WriteString(pad(window, cols.window) + " ")
	} else if cols.window > 0 {
		line.WriteString(pad("", cols.window) + " ")
	}
	if cols.price > 0 {
		price := ""
		if bk.ClientPrice != nil {
			price = model.FormatPrice(*bk.ClientPrice, bk.ClientPriceCurrency)
		}
		line.WriteString(padLeft(price, cols.price) + " ")
	}
	loc := model.JoinNonEmpty(", ", bk.LocationName, bk.LocationCity)
	if bk.BookedBy != "" { // behind a gateway: who booked it
		loc = "by " + bk.BookedBy + " · " + loc
	}
	line.WriteString(pad(loc, max(minLocation, s.w-cols.fixed())))
	return trunc(line.String(), s.w)
}

// bookingCols are the widths of the bookings list's columns (0: the column
// gives way). The external id, which the driver reads out, is never cut:
// its column is as wide as the longest loaded; on a narrow terminal the
// token goes first, then the price, then the window keeps only its start,
// and the location takes what is left.
type bookingCols struct {
	ext, who, window, price int
	day                     string // the window's date layout
}

// minLocation is the least the location column keeps before another
// column gives way.
const minLocation = 8

func bookingColumns(w, extW int) bookingCols {
	c := bookingCols{ext: max(11, extW), who: 14, window: 18, price: 9, day: "02 Jan 15:04"}
	if w < 110 {
		c.who, c.window, c.day = 9, 17, "02.01 15:04"
	}
	c.ext = min(c.ext, max(11, w-4-11-2-minLocation)) // longer than a whole line: cut, as little as can be
	for _, giveWay := range []func(){
		func() { c.who = 0 },
		func() { c.price = 0 },
		func() { c.window = len(c.day) }, // the start only
	} {
		if w-c.fixed() >= minLocation {
			break
		}
		giveWay()
	}
	return c
}

// fixed is the width of everything but the location.
func (c bookingCols) fixed() int {
	col := func(n int) int {
		if n == 0 {
			return 0
		}
		return n + 1
	}
	return 4 + 11 + 1 + c.ext + 1 + col(c.who) + col(c.window) + col(c.price)
}
