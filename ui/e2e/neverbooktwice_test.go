package e2e

import (
	"bytes"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim/simtest"
)

// bookArgs books the flagship's EVSE 2 tomorrow at 10:00 under ext.
func bookArgs(base, ext string) []string {
	start := time.Now().In(berlin()).Add(24*time.Hour).Format("2006-01-02") + " 10:00"
	return []string{"book", "--api-url", base, "--location", "DE-ENB-E123456", "--evse", "DE*ENB*E123456*2",
		"--start", start, "--duration", "1h", "--strategy", "driver_token", "--customer", "cust_abc123", "--external-id", ext}
}

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}

// bookingsWith counts the simulator's bookings under ext.
func bookingsWith(t *testing.T, env []string, base, ext string) int {
	t.Helper()
	cmd := exec.Command(binPath, "bookings", "--json", "--api-url", base)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bookings: %v\n%s", err, out)
	}
	return strings.Count(string(out), `"external_id":"`+ext+`"`) + strings.Count(string(out), `"external_id": "`+ext+`"`)
}

// kill -9 while the create's answer is on its way (the simulator has made
// the booking), then the same command again: the rerun finds the attempt
// the killed run left in the journal, looks it up, adopts the booking and
// exits 0. One booking, not two.
func TestE2EKilledMidCreateThenRerun(t *testing.T) {
	t.Parallel()
	const key = "kill-key-0123456789"
	hold := simtest.NewHold(http.MethodPost, "/bookings")
	base := startSim(t, key, simtest.Wrap(hold.Handler)).Base
	env := pinnedEnv(t, "PETITMONDE_API_KEY="+key)
	first := startCommand(t, env, bookArgs(base, "killed-1")...)
	first.await(hold.Held(), "the create to be made")
	first.kill9()

	var stdout, stderr bytes.Buffer
	again := exec.Command(binPath, bookArgs(base, "killed-1")...)
	again.Env, again.Stdout, again.Stderr = env, &stdout, &stderr
	if err := again.Run(); err != nil {
		t.Fatalf("the rerun: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String()+stdout.String(), "killed-1") {
		t.Errorf("the rerun does not say what it found:\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	t.Logf("the rerun said:\n%s%s", stderr.String(), stdout.String())
	if n := bookingsWith(t, env, base, "killed-1"); n != 1 {
		t.Fatalf("%d bookings under killed-1 after kill -9 and a rerun, want 1\nstderr:\n%s", n, stderr.String())
	}
}

// Two processes with the same external id at once: the one that holds the
// journal's lock sends the create; the other refuses at once and says why.
// One booking.
func TestE2ETwoProcessesOneExternalID(t *testing.T) {
	t.Parallel()
	const key = "pair-key-0123456789"
	_, base := startServe(t, "--key", key, "--faults", "only=POST /bookings,latency=2s")
	env := pinnedEnv(t, "PETITMONDE_API_KEY="+key)
	type result struct {
		code int
		out  string
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			cmd := exec.Command(binPath, bookArgs(base, "pair-1")...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			results <- result{code, string(out)}
		}()
	}
	a, b := <-results, <-results
	if (a.code == 0) == (b.code == 0) {
		t.Fatalf("exit codes %d and %d, want one 0 and one refusal:\n%s\n---\n%s", a.code, b.code, a.out, b.out)
	}
	refused := a
	if a.code == 0 {
		refused = b
	}
	t.Logf("the refused process said:\n%s", refused.out)
	if !strings.Contains(refused.out, "pair-1") {
		t.Errorf("the refusal does not name the external id:\n%s", refused.out)
	}
	if n := bookingsWith(t, env, base, "pair-1"); n != 1 {
		t.Fatalf("%d bookings under pair-1, want 1", n)
	}
}
