package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// cancelReasons are offered in the cancel dialog; the last one is typed.
var cancelReasons = []string{"Driver cancelled by phone", "Plans changed", "Booked the wrong charger", "Driver chose another charger", "Other (type below)"}

// cancelDesk is what the cancel dialog uses of the session.
type cancelDesk interface {
	nextReq() int
	cancelled(b model.Booking)
}

// cancelAnsweredMsg tells the screen a cancel dialog is docked on what
// became of the cancel: the cancelled booking and what to say, or refused
// (the dialog stays open and says why).
type cancelAnsweredMsg struct {
	booking *model.Booking
	note    string
	refused bool
}

// cancelDialog asks for a reason and cancels one booking. The status screen
// and the bookings list dock it.
type cancelDialog struct {
	c       Common
	d       cancelDesk
	alerts  alerts
	booking model.Booking
	named   bool // it names the booking above the question (its screen's heading does not)
	idx     int
	reason  textinput.Model
	req     int
	sending bool
	err     string
	w       int
}

// refusal says why b cannot be cancelled, or "" when it can.
func refusal(c Common, b model.Booking) string {
	switch {
	case c.Mode.ReadOnly:
		return "Cancelling is disabled: chargedesk runs read-only (--read-only)."
	case b.Status.Cancellable():
		return ""
	case b.Status.Terminal():
		return fmt.Sprintf("A %s booking cannot be cancelled: it is already over.", b.Status)
	case b.Status == model.Attending:
		return "An ATTENDING booking cannot be cancelled: the vehicle is at the charger."
	}
	return fmt.Sprintf("chargedesk does not know status %q, so it does not offer to cancel; refresh first.", string(b.Status))
}

// openCancel docks the cancel dialog for b on screen on, or returns why b
// cannot be cancelled.
func openCancel(c Common, d cancelDesk, to alerts, on dockHost, b model.Booking, named bool) string {
	if why := refusal(c, b); why != "" {
		return why
	}
	dlg := &cancelDialog{c: c, d: d, alerts: to, booking: b, named: named, reason: newInput(c.Styles.IsDark)}
	dlg.reason.Placeholder = "reason for the CPO"
	dlg.reason.CharLimit = 200
	to.dock(on, dlg)
	return ""
}

func (d *cancelDialog) ID() string   { return "cancel " + d.booking.ID }
func (d *cancelDialog) Typing() bool { return d.idx == len(cancelReasons)-1 }
func (d *cancelDialog) SetSize(w, _ int) {
	d.w = w
	d.reason.SetWidth(max(10, min(60, w-10)))
}

// ShortHelp is the dialog's keys for the footer.
func (d *cancelDialog) ShortHelp() []key.Binding {
	k := d.c.Keys.Cancel
	return []key.Binding{k.Confirm, k.Prev, k.Close}
}

func (d *cancelDialog) Update(msg tea.Msg) (tea.Cmd, dialogAction) {
	switch msg := msg.(type) {
	case themeChangedMsg:
		d.c = msg.c
		d.reason.SetStyles(inputStyles(d.c.Styles.IsDark))
	case bookingCancelledMsg:
		return d.answered(msg)
	case tea.KeyPressMsg:
		return d.key(msg)
	case tea.PasteMsg:
		return d.edit(msg), dialogAction{}
	}
	return nil, dialogAction{}
}

// key handles a key; every key is the dialog's while it is on top.
func (d *cancelDialog) key(msg tea.KeyPressMsg) (tea.Cmd, dialogAction) {
	if d.sending {
		return refuse("The cancel is being sent: its answer shows here."), dialogAction{}
	}
	k := d.c.Keys.Cancel
	switch {
	case key.Matches(msg, k.Close):
		return nil, dialogAction{close: true}
	case key.Matches(msg, k.Prev):
		d.idx = (d.idx - 1 + len(cancelReasons)) % len(cancelReasons)
	case key.Matches(msg, k.Next):
		d.idx = (d.idx + 1) % len(cancelReasons)
	case key.Matches(msg, k.Confirm):
		return d.send(), dialogAction{}
	default:
		return d.edit(msg), dialogAction{}
	}
	if d.Typing() {
		return d.reason.Focus(), dialogAction{}
	}
	d.reason.Blur()
	return nil, dialogAction{}
}

// edit types into the reason, while it is the one chosen.
func (d *cancelDialog) edit(msg tea.Msg) tea.Cmd {
	if !d.Typing() {
		return nil
	}
	var cmd tea.Cmd
	d.reason, cmd = d.reason.Update(msg)
	return cmd
}

// send cancels the booking with the reason chosen (or typed).
func (d *cancelDialog) send() tea.Cmd {
	reason := cancelReasons[d.idx]
	if d.Typing() {
		reason = strings.TrimSpace(d.reason.Value())
		if reason == "" {
			d.err = "reason: type a reason, or pick one of the list"
			return nil
		}
	}
	d.sending = true
	d.err = ""
	d.req = d.d.nextReq()
	return cancelCmd(context.Background(), d.c.Client, d.req, d.booking.ID, reason)
}

// answered takes the answer to the dialog's cancel: a cancelled booking
// closes the dialog and is told to the screen; a refusal is said here.
func (d *cancelDialog) answered(msg bookingCancelledMsg) (tea.Cmd, dialogAction) {
	if msg.req != d.req || !d.sending {
		return nil, dialogAction{}
	}
	d.sending = false
	if msg.err != nil {
		if authFailure(d.c, d.alerts, msg.err) {
			return nil, dialogAction{close: true}
		}
		e, _ := api.AsError(msg.err)
		d.err = msg.err.Error()
		if e != nil && e.Message != "" {
			d.err = e.Message
		}
		if api.IsRateLimited(msg.err) {
			d.err += fmt.Sprintf(" — try again in %d s", int(e.RetryAfter.Seconds()+0.5))
		}
		return nil, dialogAction{tell: cancelAnsweredMsg{refused: true}}
	}
	note := "Cancelled."
	if b := msg.booking; b != nil {
		d.d.cancelled(*b)
		if p := b.ClientPrice; p != nil && *p > 0 {
			note = fmt.Sprintf("Cancelled. The CPO charges a cancellation fee of %s.", model.FormatPrice(*p, b.ClientPriceCurrency))
		}
	}
	return nil, dialogAction{close: true, tell: cancelAnsweredMsg{booking: msg.booking, note: note}}
}

func (d *cancelDialog) View() string {
	st := d.c.Styles
	var b strings.Builder
	if d.named {
		b.WriteString(st.Label.Render(pad("Booking", 10)) + trunc(d.booking.ExternalID+" · "+d.booking.EVSEUID, d.w-10) + "\n\n")
	}
	b.WriteString(st.Title.Render("Cancel booking "+d.booking.ExternalID+"?") + "\n")
	if d.booking.Status == model.Confirmed {
		b.WriteString(st.Warning.Render("It is CONFIRMED: the CPO may charge a cancellation fee.") + "\n")
	} else {
		b.WriteString(st.Success.Render("Cancelling now is free (the CPO has not confirmed yet).") + "\n")
	}
	for i, r := range cancelReasons {
		cur := "  "
		if i == d.idx {
			cur = st.Focused.Render("▸ ")
			r = st.Bold.Render(r)
		}
		b.WriteString(cur + r + "\n")
	}
	if d.Typing() {
		b.WriteString("    " + d.reason.View() + "\n")
	}
	switch {
	case d.sending:
		b.WriteString(st.Info.Render("Cancelling…") + "\n")
	case d.err != "":
		b.WriteString(wrapped(st.Error, d.err, d.w) + "\n")
	}
	b.WriteString(st.Subtle.Render(keyName(d.c.Keys.Cancel.Confirm)+" cancels the booking · "+keyName(d.c.Keys.Cancel.Close)+" keeps it") + "\n")
	return b.String()
}
