package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/model"
)

func cancelCommand(env Env) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   `cancel ID [--reason "..."]`,
		Short: "cancel a booking",
		Long: `Cancels a booking. Free while it is REQUESTED or PENDING; once CONFIRMED the CPO may
charge a fee (shown as its price). ATTENDING, COMPLETED, EXPIRED, NO_SHOW and CANCELLED
bookings cannot be cancelled (the API answers 400: exit 3). A cancel whose answer is
lost is checked by reading the booking, never sent blindly again.`,
	}
	cmd.Flags().StringVar(&reason, "reason", "", "the `TEXT` passed to the CPO (default: the API's \"Cancelled by client\")")
	_ = cmd.RegisterFlagCompletionFunc("reason", cobra.NoFileCompletions)
	return newScript(env, cmd, func(inv *invocation, args []string) int {
		id, code, ok := inv.bookingID(args)
		if !ok {
			return code
		}
		if code := inv.connect(); code >= 0 {
			return code
		}
		nb, err := inv.client().CancelBooking(inv.ctx, id, strings.TrimSpace(reason))
		if err != nil {
			return inv.fail(err)
		}
		b := inv.cleanBooking(*nb)
		if inv.json {
			inv.emitJSON(b, false)
			return exitOK
		}
		inv.out(inv.bookingBlock(b))
		switch {
		case b.Status != model.Cancelled:
		case b.ClientPrice != nil && *b.ClientPrice > 0:
			inv.out(fmt.Sprintf("\nCancelled. The CPO charges a cancellation fee of %s.\n", model.FormatPrice(*b.ClientPrice, b.ClientPriceCurrency)))
		default:
			inv.out("\nCancelled, free of charge.\n")
		}
		return exitOK
	})
}
