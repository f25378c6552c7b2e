package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
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
