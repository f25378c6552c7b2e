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

// cancelDialog asks for a reason and cancels one booking. The status screen
// and the bookings list both use it.
type cancelDialog struct {
	c       *Common
	booking model.Booking
	open    bool
	idx     int
	reason  textinput.Model
	req     int
	sending bool
	err     string
}

func newCancelDialog(c *Common) cancelDialog {
	d := cancelDialog{c: c, reason: newInput(c.Styles.IsDark)}
	d.reason.Placeholder = "reason for the CPO"
	d.reason.CharLimit = 200
	return d
}

// refusal says why b cannot be cancelled, or "" when it can.
func refusal(c *Common, b model.Booking) string {
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

// start opens the dialog for b, or returns why it cannot.
func (d *cancelDialog) start(b model.Booking) string {
	if why := refusal(d.c, b); why != "" {
		return why
	}
	d.booking = b
	d.open = true
	d.idx = 0
	d.err = ""
	d.sending = false
	d.reason.SetValue("")
	d.reason.Blur()
	return ""
}

func (d *cancelDialog) typing() bool { return d.open && d.idx == len(cancelReasons)-1 }

func (d *cancelDialog) close() {
	d.open = false
	d.reason.Blur()
}

// help is the dialog's keys for the footer.
func (d *cancelDialog) help() []key.Binding {
	k := d.c.Keys.Cancel
	return []key.Binding{k.Confirm, k.Prev, k.Close}
}

// key handles a key while the dialog is open.
func (d *cancelDialog) key(msg tea.KeyPressMsg) tea.Cmd {
	if d.sending {
		return nil
	}
	k := d.c.Keys.Cancel
	switch {
	case key.Matches(msg, k.Close):
		d.close()
		return nil
	case key.Matches(msg, k.Prev):
		d.idx = (d.idx - 1 + len(cancelReasons)) % len(cancelReasons)
	case key.Matches(msg, k.Next):
		d.idx = (d.idx + 1) % len(cancelReasons)
	case key.Matches(msg, k.Confirm):
		reason := cancelReasons[d.idx]
		if d.typing() {
			reason = strings.TrimSpace(d.reason.Value())
			if reason == "" {
				d.err = "reason: type a reason, or pick one of the list"
				return nil
			}
		}
		d.sending = true
		d.err = ""
		d.req = d.c.NextReq()
		return cancelCmd(context.Background(), d.c.Client, d.req, d.booking.ID, reason)
	default:
		if d.typing() {
			var cmd tea.Cmd
			d.reason, cmd = d.reason.Update(msg)
			return cmd
		}
		return nil
	}
	if d.typing() {
		return d.reason.Focus()
	}
	d.reason.Blur()
	return nil
}

func (d *cancelDialog) paste(msg tea.PasteMsg) tea.Cmd {
	if !d.typing() {
		return nil
	}
	var cmd tea.Cmd
	d.reason, cmd = d.reason.Update(msg)
	return cmd
}

// result takes the answer to the dialog's cancel. ok reports a cancelled
// booking (in b); note says what happened for the screen.
func (d *cancelDialog) result(msg bookingCancelledMsg) (b *model.Booking, note string, cmd tea.Cmd) {
	if msg.req != d.req || !d.sending {
		return nil, "", nil
	}
	d.sending = false
	if msg.err != nil {
		if cmd, ok := d.c.authFailure(msg.err); ok {
			d.close()
			return nil, "", cmd
		}
		e, _ := api.AsError(msg.err)
		d.err = msg.err.Error()
		if e != nil && e.Message != "" {
			d.err = e.Message
		}
		if api.IsRateLimited(msg.err) {
			d.err += fmt.Sprintf(" — try again in %d s", int(e.RetryAfter.Seconds()+0.5))
		}
		return nil, "", nil
	}
	d.close()
	note = "Cancelled."
	if p := msg.booking.ClientPrice; p != nil && *p > 0 {
		note = fmt.Sprintf("Cancelled. The CPO charges a cancellation fee of %s.", model.FormatPrice(*p, msg.booking.ClientPriceCurrency))
	}
	return msg.booking, note, nil
}

func (d *cancelDialog) view() string {
	st := d.c.Styles
	var b strings.Builder
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
	if d.typing() {
		b.WriteString("    " + d.reason.View() + "\n")
	}
	switch {
	case d.sending:
		b.WriteString(st.Info.Render("Cancelling…") + "\n")
	case d.err != "":
		b.WriteString(st.Error.Render(d.err) + "\n")
	}
	b.WriteString(st.Subtle.Render(keyName(d.c.Keys.Cancel.Confirm)+" cancels the booking · "+keyName(d.c.Keys.Cancel.Close)+" keeps it") + "\n")
	return b.String()
}
