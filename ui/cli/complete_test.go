package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

// complete runs cobra's hidden __complete command, as a shell does on <TAB>,
// and returns the offered values (without their descriptions).
func complete(t *testing.T, e *cmdEnv, args ...string) []string {
	t.Helper()
	code, out, errs := e.runRaw(append([]string{"__complete"}, args...)...)
	wantCode(t, code, exitOK, out, errs)
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, ":") { // the directive
			continue
		}
		got = append(got, strings.SplitN(l, "\t", 2)[0])
	}
	return got
}

func wantOffered(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("%q not offered; got %q", w, got)
		}
	}
}

func TestCompleteFlags(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	wantOffered(t, complete(t, e, "status", "--"), "--wait", "--json", "--api-url", "--profile", "--demo", "--read-only", "--log")
	wantOffered(t, complete(t, e, "book", "--"), "--location", "--evse", "--strategy", "--external-id", "--wait", "--json")
	// The TUI's own flags are the root's.
	wantOffered(t, complete(t, e, "--"), "--no-history", "--demo", "--version")
	wantOffered(t, complete(t, e, ""), "search", "book", "status", "cancel", "bookings", "config", "serve", "help", "completion")
}

func TestCompleteValues(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	statuses := complete(t, e, "bookings", "--status", "")
	if len(statuses) != len(model.Statuses) {
		t.Errorf("statuses %q", statuses)
	}
	wantOffered(t, statuses, "CONFIRMED", "NO_SHOW")
	wantOffered(t, complete(t, e, "search", "--connector", ""), "IEC_62196_T2_COMBO", "CHADEMO", "CCS", "T2")
	if got := complete(t, e, "search", "--connector", "ie"); len(got) == 0 || !strings.HasPrefix(got[0], "IEC_") {
		t.Errorf("--connector ie offers %q", got)
	}
	wantOffered(t, complete(t, e, "book", "--strategy", ""), "driver_token", "group_token", "ad_hoc", "pipelet")
	wantOffered(t, complete(t, e, "search", "--place", "M"), "München")
	if got := complete(t, e, "search", "--place", "M"); strings.Contains(strings.Join(got, " "), "Berlin") {
		t.Errorf("--place M offers %q", got)
	}
}

func TestCompleteProfilesFromTheConfigFile(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	dir := filepath.Join(e.vars["XDG_CONFIG_HOME"], "chargedesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	config := `default_profile = "prod"
[profiles.prod]
base_url = "https://api.petitmonde.energy/api/v1/client"
api_key_env = "PM_PROD_KEY"
[profiles.local]
base_url = "http://127.0.0.1:8787/api/v1/client"
api_key = "` + cmdKey + `"
`
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	got := complete(t, e, "book", "--profile", "") // runRaw checks the key is not offered
	if strings.Join(got, " ") != "local prod" {
		t.Errorf("profiles %q, want local and prod", got)
	}
	wantOffered(t, complete(t, e, "--profile", "l"), "local")
	wantOffered(t, complete(t, e, "config", "--profile", ""), "local", "prod")
}
