package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/petitmonde/chargedesk/api/gateway"
)

// The team lead's commands: a token printed once (and only its hash
// kept), the list, a revoke (twice: the second is refused), the audit
// empty at first.
func TestGatewayAgentCommands(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	store := filepath.Join(t.TempDir(), "gw.db")
	code, out, errs := e.runRaw("gateway", "agent", "add", "anna", "--store", store)
	token := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(token, gateway.TokenPrefix) || !strings.Contains(errs, "not shown again") {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	if code, _, errs := e.runRaw("gateway", "agent", "add", "anna", "--store", store); code != exitInvalid || !strings.Contains(errs, "exists") {
		t.Errorf("a second add: %d %q", code, errs)
	}
	code, out, _ = e.runRaw("gateway", "agent", "list", "--json", "--store", store)
	var agents []gateway.Agent
	if code != 0 || json.Unmarshal([]byte(out), &agents) != nil || len(agents) != 1 || agents[0].Name != "anna" || !agents[0].Revoked.IsZero() {
		t.Fatalf("list: %d %s", code, out)
	}
	if strings.Contains(out, token[len(gateway.TokenPrefix):]) {
		t.Error("the list shows the token")
	}
	if code, _, errs := e.runRaw("gateway", "agent", "add", "ben", "--store", store); code != 0 {
		t.Fatalf("add ben: %d %s", code, errs)
	}
	wantOffered(t, complete(t, e, "gateway", "agent", "revoke", "--store", store, ""), "anna", "ben")
	if code, out, _ := e.runRaw("gateway", "agent", "revoke", "anna", "--store", store); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %d %q", code, out)
	}
	if code, _, errs := e.runRaw("gateway", "agent", "revoke", "anna", "--store", store); code != exitNotFound {
		t.Errorf("a second revoke: %d %q", code, errs)
	}
	code, out, _ = e.runRaw("gateway", "agent", "list", "--store", store)
	if code != 0 || !strings.Contains(out, "anna") || !strings.Contains(out, "revoked") {
		t.Errorf("list after revoke: %d\n%s", code, out)
	}
	if got := complete(t, e, "gateway", "agent", "revoke", "--store", store, ""); len(got) != 1 || got[0] != "ben" {
		t.Errorf("revoke offers %q, want only the active ben", got)
	}
	wantOffered(t, complete(t, e, "gateway", "audit", "--store", store, "--agent", ""), "anna", "ben")
	if code, out, _ := e.runRaw("gateway", "audit", "--json", "--store", store); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("audit: %d %q", code, out)
	}
	if code, _, errs := e.runRaw("gateway", "audit", "--since", "yesterday", "--store", store); code != exitUsage || !strings.Contains(errs, "--since") {
		t.Errorf("a bad --since: %d %q", code, errs)
	}
}

// lockedBuffer is an output a test reads while a command writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// --log-format takes text or json, on serve and gateway; anything else is
// a usage error that names the flag.
func TestLogFormatFlag(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	for _, args := range [][]string{{"serve", "--log-format", "xml"}, {"gateway", "--log-format", "xml", "--store", filepath.Join(t.TempDir(), "gw.db")}} {
		code, _, errs := e.runRaw(args...)
		if code != exitUsage || !strings.Contains(errs, "--log-format") || !strings.Contains(errs, "text or json") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}
	wantOffered(t, complete(t, e, "serve", "--log-format", ""), "text", "json")
	wantOffered(t, complete(t, e, "gateway", "--log-format", ""), "text", "json")

	var got ServeConfig
	var out, errb bytes.Buffer
	env := e.env(&out, &errb)
	env.Serve = func(_ context.Context, c ServeConfig, _, _ io.Writer) int { got = c; return 0 }
	if code := Execute([]string{"serve", "--log-format", "json"}, env); code != 0 || got.LogFormat != "json" {
		t.Errorf("serve --log-format json: %d, the server was asked for %q", code, got.LogFormat)
	}
	if code := Execute([]string{"serve"}, env); code != 0 || got.LogFormat != "text" {
		t.Errorf("serve: %d, the server was asked for %q, want text", code, got.LogFormat)
	}
}

// --agent-daily-reads takes 0 (automatic) or more; a negative share is a
// usage error that names the flag and the rule.
func TestAgentDailyReadsFlag(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	code, _, errs := e.runRaw("gateway", "--agent-daily-reads", "-5", "--store", filepath.Join(t.TempDir(), "gw.db"))
	if code != exitUsage || !strings.Contains(errs, "--agent-daily-reads") || !strings.Contains(errs, "0 (automatic) or more") {
		t.Errorf("--agent-daily-reads -5: %d %q", code, errs)
	}
}

// chargedesk gateway, run as a team lead would (in demo mode here): it
// serves agents over HTTP, answers a wrong method 405 with Allow, logs one
// JSON line per request with the agent and never its token, and stops on
// Ctrl-C.
func TestGatewayServesAndLogs(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	store := filepath.Join(t.TempDir(), "gw.db")
	code, out, errs := e.runRaw("gateway", "agent", "add", "anna", "--store", store)
	if code != 0 {
		t.Fatalf("agent add: %d %s", code, errs)
	}
	token := strings.TrimSpace(out)

	stdoutR, stdoutW := io.Pipe()
	var stderr lockedBuffer
	var o, eb bytes.Buffer
	env := e.env(&o, &eb)
	env.Stdout, env.Stderr = stdoutW, &stderr
	exited := make(chan int, 1)
	go func() {
		exited <- Execute([]string{"gateway", "--addr", "127.0.0.1:0", "--store", store, "--log-format", "json"}, env)
		_ = stdoutW.Close()
	}()
	sc := bufio.NewScanner(stdoutR)
	base := ""
	for base == "" && sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "agents' base URL:"); ok {
			base = strings.TrimSpace(rest)
		}
	}
	if base == "" {
		t.Fatalf("the gateway printed no base URL; stderr:\n%s", stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()

	do := func(method, path string) *http.Response {
		req, _ := http.NewRequest(method, base+path, nil)
		req.Header.Set("X-API-Key", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := do(http.MethodGet, "/usage"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /usage: %d", resp.StatusCode)
	}
	if resp := do(http.MethodDelete, "/bookings"); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("DELETE /bookings: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	e.interrupt()
	if code := <-exited; code != 0 {
		t.Errorf("exit %d after Ctrl-C; stderr:\n%s", code, stderr.String())
	}

	logged := stderr.String()
	if strings.Contains(logged, token[len(gateway.TokenPrefix):]) {
		t.Errorf("the token is in the log:\n%s", logged)
	}
	var requests []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logged), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue // the demo notice is a plain line
		}
		if rec["msg"] == "request" {
			requests = append(requests, rec)
		}
	}
	if len(requests) != 2 || requests[0]["agent"] != "anna" || requests[0]["status"] != 200.0 || requests[0]["route"] != "GET /api/v1/client/usage" ||
		requests[1]["status"] != 405.0 || requests[1]["path"] != "/api/v1/client/bookings" {
		t.Errorf("the access log:\n%s", logged)
	}
}
