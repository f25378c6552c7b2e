package localstate

import (
	"slices"
	"testing"
)

// The rule that reads a Windows access list, on every platform: who else
// may read the file, the machine's own accounts and the user aside.
func TestOtherReaders(t *testing.T) {
	t.Parallel()
	const (
		user   = "S-1-5-21-1-2-3-1001"
		owner  = "S-1-5-21-1-2-3-1002"
		other  = "S-1-5-21-1-2-3-1003"
		users  = "S-1-5-32-545"
		anyone = "S-1-1-0"
		full   = 0x001f01ff // FILE_ALL_ACCESS
		read   = 0x00120089 // FILE_GENERIC_READ
		write  = 0x00120116 // FILE_GENERIC_WRITE: no reading
	)
	allow := func(sid string, mask uint32) accessEntry { return accessEntry{allow: true, sid: sid, mask: mask} }
	deny := func(sid string, mask uint32) accessEntry { return accessEntry{sid: sid, mask: mask} }
	cases := []struct {
		name    string
		entries []accessEntry
		want    []string
	}{
		{"the user, SYSTEM and the Administrators", []accessEntry{allow(sidLocalSystem, full), allow(sidAdministrators, full), allow(user, full)}, nil},
		{"the owner and OWNER RIGHTS", []accessEntry{allow(owner, full), allow(sidOwnerRights, read)}, nil},
		{"inherited by Users", []accessEntry{allow(user, full), allow(users, read)}, []string{users}},
		{"Everyone by generic read", []accessEntry{allow(anyone, genericRead)}, []string{anyone}},
		{"Everyone by generic all", []accessEntry{allow(anyone, genericAll)}, []string{anyone}},
		{"another user, named twice", []accessEntry{allow(other, read), allow(other, full), allow(users, read)}, []string{other, users}},
		{"write but no read", []accessEntry{allow(other, write)}, nil},
		{"denied first", []accessEntry{deny(users, read), allow(users, read)}, nil},
		{"denied after the grant", []accessEntry{allow(users, read), deny(users, read)}, []string{users}},
		{"a deny of writing only", []accessEntry{deny(users, write), allow(users, read)}, []string{users}},
		{"inherit only: for a folder's children", []accessEntry{{allow: true, sid: users, mask: read, inheritOnly: true}}, nil},
	}
	for _, tc := range cases {
		if got := otherReaders(tc.entries, owner, user); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
