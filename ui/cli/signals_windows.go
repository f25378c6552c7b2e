package cli

import (
	"os"
	"syscall"
)

// stopSignals on Windows, as Go's runtime delivers the console's events:
// Ctrl-C and Ctrl-Break arrive as os.Interrupt; closing the console
// window, logging off and shutting down arrive as SIGTERM, which is
// Windows' SIGHUP (the terminal went away). For those three the runtime
// holds the console's handler while chargedesk stops, until Windows ends
// the process (about 5 s after a close). In the TUI, Ctrl-C is a key press
// (the console is in raw mode) and quits as on Unix.
//
// Windows has no SIGQUIT: there is no goroutine dump on request.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}
