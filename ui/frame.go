package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
)

// The frame around the content: the header (what chargedesk talks to, the
// screen's name, the newest notice, the rate and the month) and the footer
// (the keys that work now).

func (a *App) header() string {
	st := a.c.Styles
	left, sub := a.headerLeft()
	rate, month := a.budgetTexts()
	title := st.Subtle.Render(a.top().Title())
	full, count, tiny := a.s.noticeHeadline(a.c.Now(), keyName(a.c.Keys.Notices))
	note := func(s string) string {
		if s == "" {
			return ""
		}
		return st.Marked.Render("⚑ " + s)
	}
	join := func(parts ...string) string { return model.JoinNonEmpty(" ", parts...) }
	// When the width runs out, what matters least gives way first: the
	// demo's subtitle, the screen's name, the newest notice's words (its
	// count stays), then the host; a notice is never cut. From 80 columns
	// on, the per-minute rate and the month's figure always show; below,
	// the month gives way too.
	counters := rate + month
	tries := []struct{ l, r string }{
		{left + sub, join(note(full), title) + counters},
		{left, join(note(full), title) + counters},
		{left, join(note(full)) + counters},
		{left, join(note(count), title) + counters},
		{left, join(note(count)) + counters},
		{left, join(note(tiny)) + counters},
	}
	if a.w < 80 {
		counters = rate
		tries = append(tries, struct{ l, r string }{left, join(note(count)) + rate}, struct{ l, r string }{left, join(note(tiny)) + rate})
	}
	for _, try := range tries {
		if a.w-ansi.StringWidth(try.l)-ansi.StringWidth(try.r) >= 1 {
			return try.l + strings.Repeat(" ", a.w-ansi.StringWidth(try.l)-ansi.StringWidth(try.r)) + try.r
		}
	}
	r := join(note(tiny)) + counters
	room := a.w - ansi.StringWidth(r) - 1
	if room < 4 {
		return trunc(left, a.w)
	}
	l := trunc(left, room)
	return l + strings.Repeat(" ", max(1, a.w-ansi.StringWidth(l)-ansi.StringWidth(r))) + r
}

// headerLeft is what chargedesk talks to: the badge, the host, the
// profile and the modes; sub is the demo's subtitle.
func (a *App) headerLeft() (left, sub string) {
	st := a.c.Styles
	left = st.AppName.Render("chargedesk") + " "
	m := a.c.Mode
	switch {
	case m.Demo:
		left += st.DemoBadge.Render("DEMO")
		sub = st.Subtle.Render(" embedded simulator, no real bookings")
	case m.Production:
		left += st.ProdBadge.Render("LIVE") + " " + st.Warning.Render(m.Host)
	default:
		left += st.LiveBadge.Render("LIVE") + " " + st.Value.Render(m.Host)
	}
	if m.Profile != "" {
		left += st.Subtle.Render(" · profile " + m.Profile)
	}
	if m.ReadOnly {
		left += " " + st.ReadOnlyTag.Render("READ-ONLY")
	}
	if m.Insecure {
		left += " " + st.ProdBadge.Render("PLAIN HTTP")
	}
	return left, sub
}

// budgetTexts are the header's per-minute rate and the month's figure, in
// the warning colour when low. The month's figure is what /usage reported
// less what this client spent since: /usage is not asked on a timer. Both
// are the session's, as the answers and the request log reported them.
func (a *App) budgetTexts() (rate, month string) {
	st := a.c.Styles
	if rl := a.s.rateLimit(); rl.Known {
		txt := fmt.Sprintf("  rate %d/%d", rl.Remaining, rl.Limit)
		if rl.Headroom().Low() {
			rate = st.Warning.Render(txt + " low")
		} else {
			rate = st.Subtle.Render(txt)
		}
	}
	if b := a.s.monthBudget(); b.Known {
		txt := fmt.Sprintf(" · month %d/%d", b.Left(), b.Limit)
		if b.Left()*10 < b.Limit {
			month = st.Warning.Render(txt + " low")
		} else {
			month = st.Subtle.Render(txt)
		}
	}
	return rate, month
}

// footer is the active screen's keys (or those of a dialog docked on it),
// then back, bookings, help and quit. When the width runs out the screen's
// last keys go first: help (? or, while typing, f1) and quitting always
// stay.
func (a *App) footer() string {
	k := a.c.Keys
	screen := a.top().ShortHelp()
	docked := a.dialogs.docked(a.top())
	if docked != nil && docked.ShortHelp() != nil {
		screen = docked.ShortHelp()
	}
	var tail []key.Binding
	if len(a.stack) > 1 && docked == nil && !capturesEsc(a.top()) {
		tail = append(tail, k.Back)
	}
	if !a.typing() {
		tail = append(tail, k.Bookings, k.Help, k.Quit)
	} else {
		tail = append(tail, k.BookingsAlways, k.FieldHelp, k.ForceQuit)
	}
	full := a.help
	full.SetWidth(0) // measure it whole; the help model would cut it itself
	for n := len(screen); n >= 0; n-- {
		view := full.ShortHelpView(append(append([]key.Binding{}, screen[:n]...), tail...))
		if ansi.StringWidth(view) <= a.w || n == 0 {
			return trunc(view, a.w)
		}
	}
	return ""
}
