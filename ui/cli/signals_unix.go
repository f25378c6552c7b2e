//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// stopSignals on Unix: Ctrl-C (SIGINT), SIGTERM (kill, a service manager)
// and SIGHUP (the terminal went away: its window closed, an SSH session
// dropped). SIGQUIT is the TUI's own (ui.Run): a goroutine dump in the
// crash log, the terminal restored.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
