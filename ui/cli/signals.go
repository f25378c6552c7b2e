package cli

import (
	"context"
	"os/signal"
)

// NotifyStop is the Env.Signals of a real process: the returned context
// ends on the signals that ask chargedesk to stop (stopSignals, per
// platform). The TUI then quits the way q does, restoring the terminal; a
// command stops with exit 130; the servers shut down. A create already
// sent stays in the journal until its answer comes, so stopping never
// loses an attempt: the next start looks it up.
func NotifyStop(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, stopSignals...)
}
