//go:build !windows

package cli_test

import (
	"os/exec"
	"syscall"
	"testing"
)

// On Unix, Ctrl-C, SIGTERM and SIGHUP each end the context, and the
// process stops cleanly instead of being killed by the signal.
func TestStopSignalsOnUnix(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		cmd, r := startStopper(t, func(*exec.Cmd) {})
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		expectStopped(t, cmd, r, sig.String())
	}
}
