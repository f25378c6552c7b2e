package cli

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

func statusCommand(env Env) *cobra.Command {
	var wait bool
	cmd := &cobra.Command{
		Use:   "status ID|REFERENCE [--wait]",
		Short: "show a booking; --wait watches it to its final status",
		Long: `Shows one booking: its status and what to tell the driver, the CPO's reference, the
window in Berlin time, the token and the price. ID is the booking's id, or the reference
the driver reads out (its external id, e.g. cd-20261201-1402-…): that is looked up among
the bookings made around the time it names (a cd-… reference), else the last 30 days.
--wait polls until the booking reaches a final status (COMPLETED, CANCELLED, EXPIRED or
NO_SHOW) with the TUI's poll policy: every 5 s while the CPO decides, rarely while a
confirmed reservation is far off, every 15 s near its start, once a minute while
attending, slower when the rate-limit budget runs low. Each status change is printed as
it happens (a line; with --json one booking object per line), then the final booking.
It exits 0 at any final status — read which from the output. A failed look (429,
network, 5xx) is retried (honouring Retry-After); after 5 in a row it exits with that
failure's code. Ctrl-C stops watching (exit 130) and leaves the booking as it is.`,
	}
	cmd.Flags().BoolVar(&wait, "wait", false, "poll until the booking reaches a final status, printing each change")
	return newScript(env, cmd, func(inv *invocation, args []string) int {
		id, code, ok := inv.bookingID(args)
		if !ok {
			return code
		}
		if code := inv.connect(); code >= 0 {
			return code
		}
		nb, err := inv.lookUpBooking(id)
		if err != nil {
			return inv.fail(err)
		}
		b := inv.cleanBooking(*nb)
		if inv.json {
			inv.emitJSON(b, wait)
		} else {
			inv.out(inv.bookingBlock(b))
		}
		if !wait {
			return exitOK
		}
		return inv.watchAndReport(b)
	})
}

// bookingID takes the one positional argument of status and cancel.
func (inv *invocation) bookingID(args []string) (string, int, bool) {
	switch {
	case len(args) == 0:
		return "", inv.usageError("the booking ID is missing: chargedesk " + inv.name + " ID"), false
	case len(args) > 1:
		return "", inv.usageError(fmt.Sprintf("one booking ID, please; unexpected %q", model.SanitizeLine(args[1]))), false
	case strings.TrimSpace(args[0]) == "":
		return "", inv.usageError("the booking ID is empty"), false
	}
	return strings.TrimSpace(args[0]), 0, true
}

var bookingIDForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// lookUpBooking gets a booking by its id, or finds it by the reference the
// driver reads out (its external id) when ref is not a booking id.
func (inv *invocation) lookUpBooking(ref string) (*model.Booking, error) {
	if _, ours := api.ExternalIDTime(ref); !ours {
		b, err := inv.client().GetBooking(inv.ctx, ref)
		if !api.IsNotFound(err) || bookingIDForm.MatchString(ref) {
			return b, err
		}
	}
	from, to := inv.now().AddDate(0, 0, -30), inv.now().Add(time.Hour)
	if t, ok := api.ExternalIDTime(ref); ok {
		from, to = t.Add(-24*time.Hour), t.Add(24*time.Hour)
	}
	b, err := inv.client().FindByExternalID(inv.ctx, ref, from, to)
	if err == nil && b == nil {
		err = &api.Error{Kind: api.KindNotFound, Message: fmt.Sprintf("no booking has the id or the external id %s (bookings made %s to %s looked at)",
			ref, berlinTime(from, "2006-01-02"), berlinTime(to, "2006-01-02"))}
	}
	return b, err
}
