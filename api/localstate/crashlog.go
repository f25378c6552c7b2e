package localstate

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WriteCrashLog saves a crash report beside the history (the state
// directory), or in the temporary directory when that cannot be made,
// readable by the user only, and returns its path. The report must already
// have the API key redacted: it is written as given.
func WriteCrashLog(getenv func(string) string, at time.Time, report string) (string, error) {
	dir := filepath.Dir(StatePath(getenv))
	if dir == "." || os.MkdirAll(dir, 0o700) != nil {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("crash-%s.log", at.UTC().Format("20060102-150405")))
	if err := os.WriteFile(path, []byte(report), 0o600); err != nil {
		return "", err
	}
	return path, nil
}
