package localstate_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/localstate"
)

func TestWriteCrashLog(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state")
	at := time.Date(2026, 12, 1, 8, 30, 5, 0, time.UTC)
	path, err := localstate.WriteCrashLog(envOf(map[string]string{"XDG_STATE_HOME": state}), at, "boom")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, "chargedesk", "crash-20261201-083005.log"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	st, err := os.Stat(path)
	if err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Fatalf("stat: %v, mode %v", err, st.Mode())
	}
	if b, _ := os.ReadFile(path); string(b) != "boom" {
		t.Errorf("report %q", b)
	}
}

func TestWriteCrashLogWithoutStateDirUsesTemp(t *testing.T) {
	t.Parallel()
	path, err := localstate.WriteCrashLog(envOf(map[string]string{}), time.Now(), "boom")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	if filepath.Dir(path) != filepath.Clean(os.TempDir()) {
		t.Errorf("path %s is not in %s", path, os.TempDir())
	}
}
