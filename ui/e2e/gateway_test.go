package e2e

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim/simtest"
)

// gatewayRig is `chargedesk gateway` (the real binary) in front of an API
// (`chargedesk serve`, or the simulator in the test's process when the test
// waits on what reaches it), and the gateway's store.
type gatewayRig struct {
	t            *testing.T
	apiBase, key string
	store        string
	gw           *exec.Cmd
	base         string // the agents' base URL
	env          []string
}

// teamKey is the API key the rigs' gateway holds.
const teamKey = "team-key-0123456789"

// newGatewayRig puts the gateway in front of `chargedesk serve` run with serveArgs.
func newGatewayRig(t *testing.T, serveArgs ...string) *gatewayRig {
	t.Helper()
	_, apiBase := startServe(t, append([]string{"--key", teamKey}, serveArgs...)...)
	return newGatewayRigOn(t, apiBase, teamKey)
}

// newGatewayRigOn puts the gateway in front of the API at apiBase.
func newGatewayRigOn(t *testing.T, apiBase, key string) *gatewayRig {
	t.Helper()
	r := &gatewayRig{t: t, apiBase: apiBase, key: key, store: filepath.Join(t.TempDir(), "gateway.db"), env: pinnedEnv(t)}
	r.startGateway()
	return r
}

// run runs one chargedesk command with the rig's environment and extra.
func (r *gatewayRig) run(extra []string, args ...string) (string, string, error) {
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(append([]string{}, r.env...), extra...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func (r *gatewayRig) addAgent(name string) string {
	r.t.Helper()
	out, errs, err := r.run(nil, "gateway", "agent", "add", name, "--store", r.store)
	if err != nil {
		r.t.Fatalf("agent add %s: %v\n%s", name, err, errs)
	}
	return strings.TrimSpace(out)
}

// startGateway starts (or restarts) the gateway on the rig's store.
func (r *gatewayRig) startGateway() {
	r.t.Helper()
	cmd := exec.Command(binPath, "gateway", "--addr", "127.0.0.1:0", "--store", r.store)
	cmd.Env = append(append([]string{}, r.env...), "PETITMONDE_API_KEY="+r.key, "PETITMONDE_API_URL="+r.apiBase)
	out, err := cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	re := regexp.MustCompile(`agents' base URL: (\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			r.gw, r.base = cmd, m[1]
			return
		}
	}
	r.t.Fatal("the gateway printed no base URL")
}

// kill9 kills the gateway as a crash would.
func (r *gatewayRig) kill9() {
	_ = r.gw.Process.Signal(syscall.SIGKILL)
	_ = r.gw.Wait()
}

// Two TUIs as two agents behind one gateway: agent A books; agent B, on
// its bookings screen, sees the booking appear and confirm without asking
// for it (its log holds no GET /bookings/{id}); the audit names agent A and
// survives kill -9 of the gateway.
func TestE2EGatewayTwoAgents(t *testing.T) {
	t.Parallel()
	r := newGatewayRig(t)
	anna, ben := r.addAgent("anna"), r.addAgent("ben")
	bLog := filepath.Join(t.TempDir(), "ben.jsonl")
	b := start(t, 120, 36, append(pinnedEnv(t), "PETITMONDE_API_KEY="+ben), "--api-url", r.base, "--log", bLog)
	b.waitFor(10*time.Second, "Find a charger", "pushed by the gateway")
	b.press("f2")
	b.waitFor(10*time.Second, "Bookings", "0 loaded")

	a := start(t, 120, 36, append(pinnedEnv(t), "PETITMONDE_API_KEY="+anna), "--api-url", r.base)
	a.waitFor(10*time.Second, "Find a charger")
	a.press("M", "ü", "n", "c", "h", "e", "n")
	a.waitFor(5*time.Second, "→ München (town")
	a.press("enter")
	a.waitFor(10*time.Second, "sorted by distance")
	a.press("enter")
	a.waitFor(5*time.Second, "EVSEs (")
	a.press("enter")
	a.waitFor(5*time.Second, "Customer id")
	a.press("cust_abc123", "enter")
	s := a.waitFor(10*time.Second, "REQUESTED", "External")
	ext := regexp.MustCompile(`External\s+(cd-\S+)`).FindStringSubmatch(s)
	if ext == nil {
		t.Fatalf("no external id on A's screen:\n%s", s)
	}
	b.waitFor(10*time.Second, ext[1])
	b.waitFor(20*time.Second, "CONFIRMED", ext[1])
	a.press("ctrl+c")
	b.press("ctrl+c")
	a.waitExit(5 * time.Second)
	b.waitExit(5 * time.Second)

	calls, err := os.ReadFile(bLog)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(calls), `"path":"/bookings/`); n != 0 {
		t.Errorf("agent B asked for a booking %d times; the gateway pushes them:\n%s", n, calls)
	}
	r.kill9()
	out, errs, err := r.run(nil, "gateway", "audit", "--store", r.store, "--agent", "anna")
	if err != nil || !strings.Contains(out, "anna") || !strings.Contains(out, "create") || !strings.Contains(out, ext[1]) {
		t.Errorf("the audit after kill -9: %v\n%s%s", err, out, errs)
	}
}

// The gateway killed while a create is upstream, then started again: it
// looks the attempt up and adopts the booking; the agent's rerun with the
// same external id gets that booking. One booking.
func TestE2EGatewayKilledMidCreate(t *testing.T) {
	t.Parallel()
	hold := simtest.NewHold(http.MethodPost, "/bookings")
	r := newGatewayRigOn(t, startSim(t, teamKey, simtest.Wrap(hold.Handler)).Base, teamKey)
	anna := r.addAgent("anna")
	agent := []string{"PETITMONDE_API_KEY=" + anna}
	first := startCommand(t, append(append([]string{}, r.env...), agent...), bookArgs(r.base, "gw-killed-1")...)
	first.await(hold.Held(), "the gateway's create to be made upstream")
	r.kill9()
	first.await(first.exited, "the agent's command to end without its gateway")
	first.await(hold.Gone(), "the API to see the killed gateway's connection close")
	r.startGateway()
	out, errs, err := r.run(agent, bookArgs(r.base, "gw-killed-1")...)
	if err != nil {
		t.Fatalf("the rerun: %v\n%s%s", err, out, errs)
	}
	direct := []string{"PETITMONDE_API_KEY=" + r.key}
	list, _, err := r.run(direct, "bookings", "--json", "--api-url", r.apiBase)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(list, `"external_id": "gw-killed-1"`) + strings.Count(list, `"external_id":"gw-killed-1"`); n != 1 {
		t.Fatalf("%d bookings under gw-killed-1, want 1\nrerun said:\n%s%s", n, out, errs)
	}
	audit, _, _ := r.run(nil, "gateway", "audit", "--store", r.store)
	if !strings.Contains(audit, "gw-killed-1") {
		t.Errorf("the audit lacks the create:\n%s", audit)
	}
}
