//go:build !windows

package localstate

import (
	"errors"
	"os"
	"syscall"
)

// errHeld is tryLock's answer when another open file holds the lock.
var errHeld = errors.New("locked by another process")

// openRecord opens an attempt's file for writing, creating it readable by
// the user only.
func openRecord(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
}

// openReading opens an attempt's file to read it.
func openReading(path string) (*os.File, error) { return os.Open(path) }

// tryLock takes f's lock without waiting: exclusive to send an attempt,
// shared to see that nobody is sending it. The lock (flock) belongs to the
// open file: closing it, or the process ending in any way, releases it.
func tryLock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errHeld
	}
	return err
}
