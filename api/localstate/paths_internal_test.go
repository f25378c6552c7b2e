package localstate

import (
	"path/filepath"
	"testing"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Both platforms' rules, tested on every platform: an XDG variable wins;
// without one, the XDG defaults under $HOME, or Windows' application data
// folders (from the user profile when a session lacks the variables).
func TestEachPlatformsFallbackFolders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		env               map[string]string
		config, state     func(func(string) string) string
		wantCfg, wantStat string
	}{
		{"unix", map[string]string{"HOME": "/home/ana"}, xdgConfigHome, xdgStateHome,
			filepath.Join("/home/ana", ".config"), filepath.Join("/home/ana", ".local", "state")},
		{"unix without HOME", map[string]string{}, xdgConfigHome, xdgStateHome, "", ""},
		{"windows", map[string]string{"AppData": `C:\Users\ana\AppData\Roaming`, "LocalAppData": `C:\Users\ana\AppData\Local`,
			"HOME": "/home/ana", "UserProfile": `C:\Users\other`}, appData, localAppData,
			`C:\Users\ana\AppData\Roaming`, `C:\Users\ana\AppData\Local`},
		{"windows service account", map[string]string{"UserProfile": `C:\Users\svc`}, appData, localAppData,
			filepath.Join(`C:\Users\svc`, "AppData", "Roaming"), filepath.Join(`C:\Users\svc`, "AppData", "Local")},
		{"windows without a profile", map[string]string{"HOME": "/home/ana"}, appData, localAppData, "", ""},
	}
	for _, tc := range cases {
		if got := tc.config(envMap(tc.env)); got != tc.wantCfg {
			t.Errorf("%s: config folder %q, want %q", tc.name, got, tc.wantCfg)
		}
		if got := tc.state(envMap(tc.env)); got != tc.wantStat {
			t.Errorf("%s: state folder %q, want %q", tc.name, got, tc.wantStat)
		}
	}
}

// An XDG variable wins over the platform's folder, on every platform.
func TestXDGVariablesWinEverywhere(t *testing.T) {
	t.Parallel()
	env := envMap(map[string]string{"XDG_CONFIG_HOME": "/xdg/config", "XDG_STATE_HOME": "/xdg/state",
		"HOME": "/home/ana", "AppData": `C:\Roaming`, "LocalAppData": `C:\Local`})
	if got, want := ConfigPath(env), filepath.Join("/xdg/config", "chargedesk", "config.toml"); got != want {
		t.Errorf("ConfigPath %q, want %q", got, want)
	}
	if got, want := StatePath(env), filepath.Join("/xdg/state", "chargedesk", "history.json"); got != want {
		t.Errorf("StatePath %q, want %q", got, want)
	}
	if got, want := JournalDir(env), filepath.Join("/xdg/state", "chargedesk", "journal"); got != want {
		t.Errorf("JournalDir %q, want %q", got, want)
	}
	if got := ConfigPath(envMap(map[string]string{})); got != "" {
		t.Errorf("ConfigPath with no folder known: %q", got)
	}
}
