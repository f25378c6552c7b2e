package localstate

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/petitmonde/chargedesk/model"
)

// StatePath is $XDG_STATE_HOME/chargedesk/history.json (default
// ~/.local/state/chargedesk/history.json).
func StatePath(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "chargedesk", "history.json")
}

// LoadHistory reads the remembered places and customer ids; a missing file
// is an empty history.
func LoadHistory(path string) (model.History, error) {
	var h model.History
	if path == "" {
		return h, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return model.History{}, nil // a damaged file is forgotten, not fatal
	}
	return h, nil
}

// SaveHistory writes the history atomically, readable by the user only.
func SaveHistory(path string, h model.History) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// writeAtomic writes data to path through a synced temporary file renamed
// over it, readable by the user only; a failed write (a full disk) leaves
// the old file as it was and no temporary file behind.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
