package localstate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envWithoutXDG is this session's environment with the XDG variables unset.
func envWithoutXDG(k string) string {
	if strings.HasPrefix(k, "XDG_") {
		return ""
	}
	return os.Getenv(k)
}

// On Windows, without XDG variables: the configuration roams with the
// user's profile (%AppData%), the history and the journal stay on this
// machine (%LocalAppData%); a HOME set by Git Bash or MSYS changes nothing.
func TestPathsOnWindowsWithoutXDG(t *testing.T) {
	t.Parallel()
	env := envMap(map[string]string{"HOME": "/home/ana", "AppData": `C:\Users\ana\AppData\Roaming`,
		"LocalAppData": `C:\Users\ana\AppData\Local`})
	for _, c := range [][2]string{
		{ConfigPath(env), `C:\Users\ana\AppData\Roaming\chargedesk\config.toml`},
		{StatePath(env), `C:\Users\ana\AppData\Local\chargedesk\history.json`},
		{JournalDir(env), `C:\Users\ana\AppData\Local\chargedesk\journal`},
	} {
		if c[0] != c[1] {
			t.Errorf("%q, want %q", c[0], c[1])
		}
	}
	// The real session's folders, as os.Getenv reads them (the names are
	// not case-sensitive on Windows).
	if p, want := ConfigPath(envWithoutXDG), filepath.Join(envWithoutXDG("APPDATA"), "chargedesk", "config.toml"); p != want {
		t.Errorf("this session's config path %q, want %q", p, want)
	}
}
