package localstate

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/petitmonde/chargedesk/model"
)

// historyFile is history.json: one history per scope (the demo, each live
// profile), so a demo customer is never offered in a live session. What a
// file of the older form (one history for all) holds is offered to a live
// scope that has none of its own yet, never to the demo.
type historyFile struct {
	Scopes map[string]model.History `json:"scopes"`
	model.History
}

// HistoryScope names whose history it is: "demo", "profile NAME", or
// "live HOST" for a live target without a profile.
func HistoryScope(demo bool, profile, host string) string {
	switch {
	case demo:
		return "demo"
	case profile != "":
		return "profile " + profile
	}
	return "live " + host
}

// LoadHistory reads the remembered places and customer ids of scope; a
// missing or damaged file is an empty history.
func LoadHistory(path, scope string) (model.History, error) {
	f, err := readHistory(path)
	if err != nil {
		return model.History{}, err
	}
	if h, ok := f.Scopes[scope]; ok || scope == "demo" {
		return h, nil
	}
	return f.Scopes[legacyScope], nil
}

// legacyScope holds the history of a file of the older form.
const legacyScope = ""

func readHistory(path string) (historyFile, error) {
	f := historyFile{Scopes: map[string]model.History{}}
	if path == "" {
		return f, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if json.Unmarshal(b, &f) != nil {
		return historyFile{Scopes: map[string]model.History{}}, nil // a damaged file is forgotten, not fatal
	}
	if f.Scopes == nil {
		f.Scopes = map[string]model.History{}
	}
	if len(f.Places)+len(f.Customers) > 0 { // the older form
		if _, ok := f.Scopes[legacyScope]; !ok {
			f.Scopes[legacyScope] = f.History
		}
		f.History = model.History{}
	}
	return f, nil
}

// SaveHistory writes scope's history, keeping the others, atomically and
// readable by the user only.
func SaveHistory(path, scope string, h model.History) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := readHistory(path)
	if err != nil {
		return err
	}
	f.Scopes[scope] = h
	b, err := json.MarshalIndent(historyFile{Scopes: f.Scopes}, "", "  ")
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
