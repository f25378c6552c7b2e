//go:build !windows

package localstate

import (
	"path/filepath"
	"testing"
)

// On macOS and Linux, without XDG variables: the XDG defaults under $HOME,
// whatever Windows variables a shell may have exported.
func TestPathsOnUnixWithoutXDG(t *testing.T) {
	t.Parallel()
	env := envMap(map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "", "AppData": `C:\Roaming`, "LocalAppData": `C:\Local`})
	for _, c := range [][2]string{
		{ConfigPath(env), filepath.Join("/home/ana", ".config", "chargedesk", "config.toml")},
		{StatePath(env), filepath.Join("/home/ana", ".local", "state", "chargedesk", "history.json")},
		{JournalDir(env), filepath.Join("/home/ana", ".local", "state", "chargedesk", "journal")},
	} {
		if c[0] != c[1] {
			t.Errorf("%q, want %q", c[0], c[1])
		}
	}
}
