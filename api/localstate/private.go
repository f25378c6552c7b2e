package localstate

import (
	"fmt"
	"io/fs"
	"slices"
)

// exposure is how a file that should be private is not: who else can
// read it, and the command that makes it private. The zero value means
// nobody else can read it.
type exposure struct {
	who string // "readable by group or others (mode 0644)"
	fix string // "chmod 600 PATH"
}

// exposed says whether a file holding a secret can be read by other users
// of this machine. How that is known differs by platform: the mode bits
// (private_unix.go), the file's access list (private_windows.go).
func exposed(path string, st fs.FileInfo) exposure { return platformExposure(path, st) }

// keyWarning is the warning for a profile whose key is in an exposed file.
func keyWarning(path, profile string, e exposure) string {
	return fmt.Sprintf("config %s holds the API key of profile %q but is %s: run %s", path, profile, e.who, e.fix)
}

// An accessEntry is one entry of a Windows access list, as far as the
// permission check needs it: whether it allows or denies, whom (a SID in
// its string form), what, and whether it applies to the file itself (an
// inherit-only entry applies only to what a folder's children inherit).
type accessEntry struct {
	allow       bool
	sid         string
	mask        uint32
	inheritOnly bool
}

// Access rights that let a holder read a file's contents.
const (
	fileReadData = 0x00000001
	genericAll   = 0x10000000
	genericRead  = 0x80000000
)

// Who may read any file anyway: the machine itself and its administrators
// (as root may on Unix), and whoever owns it ("OWNER RIGHTS").
const (
	sidLocalSystem    = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
	sidOwnerRights    = "S-1-3-4"
)

// otherReaders is who besides the user an access list lets read a file,
// in the order the list names them. user is the SIDs that count as the
// user: the file's owner and the account chargedesk runs as.
//
// Entries are weighed in order, as Windows does: an entry that denies a
// SID reading keeps a later entry from granting it. Group memberships are
// not expanded, so a deny of a group does not hide a grant to one of its
// members; the check may warn where Windows would refuse the read, never
// the other way round.
func otherReaders(entries []accessEntry, user ...string) []string {
	denied := map[string]bool{}
	var readers []string
	for _, e := range entries {
		if e.inheritOnly || e.mask&(fileReadData|genericRead|genericAll) == 0 {
			continue
		}
		switch {
		case !e.allow:
			denied[e.sid] = true
		case denied[e.sid], slices.Contains(user, e.sid), slices.Contains(readers, e.sid):
		case e.sid == sidLocalSystem, e.sid == sidAdministrators, e.sid == sidOwnerRights:
		default:
			readers = append(readers, e.sid)
		}
	}
	return readers
}
