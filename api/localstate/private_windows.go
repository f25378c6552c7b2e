package localstate

import (
	"fmt"
	"io/fs"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// platformExposure reads the file's access list: an entry that lets anyone
// but the user (the file's owner, the account chargedesk runs as), SYSTEM
// or the Administrators read it is too many. A file whose list cannot be
// read is reported as not checked, with the reason.
func platformExposure(path string, _ fs.FileInfo) exposure {
	user, err := currentUser()
	if err != nil {
		return exposure{who: "not checked for other readers (" + err.Error() + ")", fix: privateCommand(path, nil)}
	}
	readers, err := fileReaders(path, user)
	if err != nil {
		return exposure{who: "not checked for other readers (its access list: " + err.Error() + ")", fix: privateCommand(path, user)}
	}
	if len(readers) == 0 {
		return exposure{}
	}
	return exposure{who: "readable by other users (its access list lets " + strings.Join(readers, ", ") + " read it)",
		fix: privateCommand(path, user)}
}

// fileReaders names who besides user may read the file at path.
func fileReaders(path string, user *windows.SID) ([]string, error) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return nil, err
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return nil, err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return nil, err
	}
	if dacl == nil { // a null access list lets everyone do everything
		return []string{"everyone (the file has no access list)"}, nil
	}
	entries := make([]accessEntry, 0, dacl.AceCount)
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return nil, err
		}
		t := ace.Header.AceType
		if t != windows.ACCESS_ALLOWED_ACE_TYPE && t != windows.ACCESS_DENIED_ACE_TYPE {
			continue // object and callback entries: not set on plain files
		}
		// An allowed and a denied entry share this layout: the SID
		// starts where SidStart is.
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		entries = append(entries, accessEntry{
			allow: t == windows.ACCESS_ALLOWED_ACE_TYPE, sid: sid.String(), mask: uint32(ace.Mask),
			inheritOnly: ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0,
		})
	}
	sids := otherReaders(entries, owner.String(), user.String())
	names := make([]string, len(sids))
	for i, s := range sids {
		names[i] = accountName(s)
	}
	return names, nil
}

// currentUser is the account this process runs as.
func currentUser() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return u.User.Sid.Copy()
}

// accountName is DOMAIN\name for a SID in its string form, or the SID
// when it names no account this machine knows.
func accountName(s string) string {
	sid, err := windows.StringToSid(s)
	if err != nil {
		return s
	}
	account, domain, _, err := sid.LookupAccount("")
	switch {
	case err != nil:
		return s
	case domain == "":
		return account
	}
	return domain + `\` + account
}

// privateCommand is the icacls command that leaves only the user able to
// use the file: the inherited entries removed, the user granted full
// control. It names the user by SID (icacls's *SID form), which works in
// cmd and PowerShell alike.
func privateCommand(path string, user *windows.SID) string {
	who := "%USERNAME%"
	if user != nil {
		who = "*" + user.String()
	}
	return fmt.Sprintf(`icacls "%s" /inheritance:r /grant:r "%s:F"`, path, who)
}
