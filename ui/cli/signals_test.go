package cli_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/petitmonde/chargedesk/ui/cli"
)

// stopperEnv makes this test binary the process a signal test stops.
const stopperEnv = "CHARGEDESK_TEST_STOPPER"

// TestStopperProcess is not a test: it is the process the signal tests
// signal. It waits on NotifyStop's context, says "ready" once it does, and
// "stopped" when the context ends.
func TestStopperProcess(t *testing.T) {
	if os.Getenv(stopperEnv) == "" {
		t.Skip("the helper process of the signal tests")
	}
	ctx, stop := cli.NotifyStop(context.Background())
	defer stop()
	os.Stdout.WriteString("ready\n")
	<-ctx.Done()
	os.Stdout.WriteString("stopped\n")
	os.Exit(0)
}

// startStopper runs TestStopperProcess in a process of its own, prepared
// by prep, and returns once it listens for signals, with what reads the
// rest of its output.
func startStopper(t *testing.T, prep func(*exec.Cmd)) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStopperProcess$")
	cmd.Env = append(os.Environ(), stopperEnv+"=1")
	prep(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); line != "ready\n" {
		t.Fatalf("the stopper said %q (%v)", line, err)
	}
	return cmd, r
}

// expectStopped reads the stopper's last word and its exit.
func expectStopped(t *testing.T, cmd *exec.Cmd, r *bufio.Reader, what string) {
	t.Helper()
	rest, _ := io.ReadAll(r)
	err := cmd.Wait()
	if string(rest) != "stopped\n" || err != nil {
		t.Errorf("after %s the process said %q and ended with %v; want a clean stop", what, rest, err)
	}
}
