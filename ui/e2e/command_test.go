package e2e

import (
	"bytes"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// command is a chargedesk command running in the background, for tests
// that act while it is under way (kill it mid-create).
type command struct {
	t      *testing.T
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer // stdout and stderr
	exited chan struct{}
}

// lockedWriter lets the command's two streams write to one buffer.
type lockedWriter struct{ c *command }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.out.Write(p)
}

func startCommand(t *testing.T, env []string, args ...string) *command {
	t.Helper()
	c := &command{t: t, cmd: exec.Command(binPath, args...), exited: make(chan struct{})}
	c.cmd.Env = env
	c.cmd.Stdout, c.cmd.Stderr = lockedWriter{c}, lockedWriter{c}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

func (c *command) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// await waits for ch to close; it fails the test when the command ends first
// (unless ch is its end) or after 30 s, naming what it awaited.
func (c *command) await(ch <-chan struct{}, what string) {
	c.t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	select {
	case <-ch:
		return
	case <-deadline.C:
		c.t.Fatalf("waited 30 s for %s; the command said:\n%s", what, c.output())
	case <-c.exited:
	}
	select {
	case <-ch:
	default:
		c.t.Fatalf("the command ended before %s (%v); it said:\n%s", what, c.cmd.ProcessState, c.output())
	}
}

// kill9 kills the command as a crash would and waits until it is gone.
func (c *command) kill9() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}
