package cli_test

import (
	"os/exec"
	"syscall"
	"testing"

	"golang.org/x/sys/windows"
)

// On Windows, a Ctrl-Break sent to the process's console group ends the
// context (as Ctrl-C does; a test cannot send Ctrl-C to one process group
// only), and the process stops cleanly. Closing the window arrives as
// SIGTERM, which a test cannot send: stopSignals lists it, and
// signals_windows.go says how Go delivers it.
func TestStopSignalsOnWindows(t *testing.T) {
	t.Parallel()
	cmd, r := startStopper(t, func(c *exec.Cmd) {
		c.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
	})
	if err := windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(cmd.Process.Pid)); err != nil {
		t.Skipf("no console to send Ctrl-Break through: %v", err)
	}
	expectStopped(t, cmd, r, "Ctrl-Break")
}
