package localstate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// Journal records every create on this machine in a directory, one file per
// attempt, written and synced before the request is sent and removed once
// its outcome is known. While an attempt is in flight its file is held
// under an exclusive lock (flock on Unix, LockFileEx on Windows: lock_*.go),
// so a second process with the same external id is refused; a crashed
// process's lock is released by the operating system, and its file stays
// for the next start to resolve by look-up.
type Journal struct {
	dir    string
	target string           // the API it records for: base URL and a fingerprint of the key
	now    func() time.Time // when an attempt begins (WithClock); time.Now by default
}

// Attempt is one recorded create.
type Attempt struct {
	ExternalID string               `json:"external_id"`
	Request    model.BookingRequest `json:"request"`
	Since      time.Time            `json:"since"`          // look-ups search from here: the attempt, or an earlier one with its external id
	Began      time.Time            `json:"began,omitzero"` // when this attempt was recorded: what a report says
	Target     string               `json:"target"`
	PID        int                  `json:"pid"`
}

// OpenJournal is the journal in dir for the API at baseURL with key. The
// key itself is never written: only the first bytes of its SHA-256, so an
// attempt is resolved against the account it was made with.
func OpenJournal(dir, baseURL, key string) *Journal {
	sum := sha256.Sum256([]byte(key))
	return &Journal{dir: dir, target: strings.TrimRight(baseURL, "/") + "#" + hex.EncodeToString(sum[:4]), now: time.Now}
}

// WithClock makes the journal date attempts by now (the program's clock).
func (j *Journal) WithClock(now func() time.Time) *Journal {
	j.now = now
	return j
}

// When is when the attempt was made, for a report ("an attempt from 14:02"):
// Began, or Since in a journal written before Began was kept.
func (a Attempt) When() time.Time {
	if a.Began.IsZero() {
		return a.Since
	}
	return a.Began
}

// Begin records req before it is sent (see api.Journal).
func (j *Journal) Begin(req model.BookingRequest, since time.Time) (api.JournalEntry, error) {
	if err := os.MkdirAll(j.dir, 0o700); err != nil {
		return nil, err
	}
	path := j.path(req.ExternalID)
	f, err := lockFile(path)
	if err != nil {
		return nil, err
	}
	a := Attempt{ExternalID: req.ExternalID, Request: req, Since: since.UTC(), Began: j.now().UTC(), Target: j.target, PID: os.Getpid()}
	if err := writeSynced(f, a); err != nil {
		_ = os.Remove(path)
		_ = f.Close()
		return nil, err
	}
	syncDir(j.dir)
	return &entry{f: f, path: path, dir: j.dir}, nil
}

// lockFile opens path and takes its exclusive lock without waiting. A file
// removed by its holder between the open and the lock is opened again, so
// the lock is always on the file that is at path.
func lockFile(path string) (*os.File, error) {
	for try := 0; try < 3; try++ {
		f, err := openRecord(path)
		if err != nil {
			return nil, err
		}
		if err := tryLock(f, true); err != nil {
			_ = f.Close()
			if errors.Is(err, errHeld) {
				return nil, api.ErrInFlight
			}
			return nil, err
		}
		held, err1 := f.Stat()
		there, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, there) {
			return f, nil
		}
		_ = f.Close()
	}
	return nil, api.ErrInFlight
}

func writeSynced(f *os.File, a Attempt) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir makes a file's creation or removal durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// path is the attempt's file: the external id, kept to safe characters.
func (j *Journal) path(externalID string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, externalID)
	sum := sha256.Sum256([]byte(externalID))
	return filepath.Join(j.dir, fmt.Sprintf("%.64s-%s.json", safe, hex.EncodeToString(sum[:4])))
}

type entry struct {
	f         *os.File
	path, dir string
}

// Done removes the record, then lets go of it.
func (e *entry) Done() {
	_ = os.Remove(e.path)
	syncDir(e.dir)
	_ = e.f.Close() // closing releases the lock
}

// Keep lets go of the record, leaving it for the next start.
func (e *entry) Keep() { _ = e.f.Close() }

// Pending is every recorded attempt for this journal's API that no running
// process holds: those whose outcome nobody knows. Oldest first.
func (j *Journal) Pending() ([]Attempt, error) {
	names, err := os.ReadDir(j.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Attempt
	for _, n := range names {
		if a, ok := j.unheld(filepath.Join(j.dir, n.Name())); ok {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Since.Before(out[b].Since) })
	return out, nil
}

// unheld reads an attempt file no process holds a lock on.
func (j *Journal) unheld(path string) (Attempt, bool) {
	f, err := openReading(path)
	if err != nil {
		return Attempt{}, false
	}
	defer f.Close()
	if tryLock(f, false) != nil {
		return Attempt{}, false // in flight in a live process
	}
	var a Attempt
	if json.NewDecoder(f).Decode(&a) != nil || a.Target != j.target || a.ExternalID == "" {
		return Attempt{}, false
	}
	return a, true
}

// Resolved forgets an attempt whose outcome is now known.
func (j *Journal) Resolved(externalID string) error {
	err := os.Remove(j.path(externalID))
	syncDir(j.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Since is when the recorded attempt with the external id began, if there
// is one (held or not).
func (j *Journal) Since(externalID string) (time.Time, bool) {
	f, err := openReading(j.path(externalID))
	if err != nil {
		return time.Time{}, false
	}
	defer f.Close()
	var a Attempt
	if json.NewDecoder(f).Decode(&a) != nil {
		return time.Time{}, false
	}
	return a.Since, true
}
