package localstate

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// errHeld is tryLock's answer when another open file holds the lock.
var errHeld = errors.New("locked by another process")

// openRecord opens an attempt's file for writing, creating it. It inherits
// the access list of the journal's folder in %LocalAppData%, which only
// the user (and SYSTEM and the Administrators) can read.
func openRecord(path string) (*os.File, error) {
	return openShared(path, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.OPEN_ALWAYS)
}

// openReading opens an attempt's file to read it.
func openReading(path string) (*os.File, error) {
	return openShared(path, windows.GENERIC_READ, windows.OPEN_EXISTING)
}

// openShared opens path sharing reads, writes and deletion with other
// handles (os.OpenFile does not share deletion): the holder of an attempt
// removes its file before it closes it, as on Unix, and a reader never
// keeps it from doing so.
func openShared(path string, access, disposition uint32) (*os.File, error) {
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(name, access,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, disposition, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// The lock is on one byte far past the end of the record, not on the
// record itself: Windows locks are mandatory, and a lock on the data would
// keep Since and Pending from reading a record in flight.
const (
	lockOffsetLow  = 0xffffffff
	lockOffsetHigh = 0x7fffffff
)

// tryLock takes f's lock without waiting: exclusive to send an attempt,
// shared to see that nobody is sending it (LockFileEx). The lock belongs
// to the handle: closing it, or the process ending in any way, releases it.
func tryLock(f *os.File, exclusive bool) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	ol := windows.Overlapped{Offset: lockOffsetLow, OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errHeld
	}
	return err
}
