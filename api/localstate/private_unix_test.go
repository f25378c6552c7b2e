//go:build !windows

package localstate_test

import (
	"os"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api/localstate"
)

// On Unix the mode bits tell: any bit for group or others draws the
// warning, with the chmod that fixes it.
func TestLoadFileWarnsAboutAReadableKey(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		path := writeConfig(t, configTOML, mode)
		_, warnings, err := localstate.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Two profiles hold a key (local, staging); prod only names a variable.
		if len(warnings) != 2 {
			t.Fatalf("mode %04o: warnings %v", mode, warnings)
		}
		for i, name := range []string{"local", "staging"} {
			w := warnings[i]
			if !strings.Contains(w, "chmod 600 "+path) || !strings.Contains(w, `"`+name+`"`) || !strings.Contains(w, path) {
				t.Errorf("mode %04o: warning %q should name the file, the profile %q and chmod 600", mode, w, name)
			}
			if strings.Contains(w, "StagingKeyX7q9Lm2Pz") || strings.Contains(w, "LocalKeyR5t8Wq3Nb") {
				t.Errorf("warning shows the key: %q", w)
			}
		}
	}
	// A readable file without keys is fine.
	path := writeConfig(t, "[profiles.prod]\napi_key_env = \"PM_PROD_KEY\"\n", 0o644)
	if _, warnings, err := localstate.LoadFile(path); err != nil || len(warnings) != 0 {
		t.Errorf("key-less readable file: %v %v", warnings, err)
	}
}
