package localstate_test

import (
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/petitmonde/chargedesk/api/localstate"
)

// setACL replaces the file's access list with the SDDL one given, with
// inheritance off, %s standing for the current user's SID.
func setACL(t *testing.T, path, sddl, user string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(strings.ReplaceAll(sddl, "%s", user))
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		t.Fatal(err)
	}
}

func currentUserSID(t *testing.T) string {
	t.Helper()
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	return u.User.Sid.String()
}

// On Windows the file's access list tells: a file the local Users group or
// Everyone may read draws the warning, naming who and the icacls command
// that fixes it; after that command, or with an access list for the user,
// SYSTEM and the Administrators only, there is no warning.
func TestLoadFileWarnsAboutAReadableKeyOnWindows(t *testing.T) {
	t.Parallel()
	user := currentUserSID(t)
	for who, sddl := range map[string]string{
		`BUILTIN\Users`: "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;%s)(A;;FR;;;BU)",
		`Everyone`:      "D:P(A;;FA;;;%s)(A;;GR;;;WD)",
	} {
		path := writeConfig(t, configTOML, 0o600)
		setACL(t, path, sddl, user)
		_, warnings, err := localstate.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 2 {
			t.Fatalf("%s may read it: warnings %v", who, warnings)
		}
		fix := `icacls "` + path + `" /inheritance:r /grant:r "*` + user + `:F"`
		for _, w := range warnings {
			if !strings.Contains(w, who) || !strings.Contains(w, fix) || strings.Contains(w, "StagingKeyX7q9Lm2Pz") {
				t.Errorf("warning %q should name %s and %s, and not the key", w, who, fix)
			}
		}
		// The command the warning gives makes the file private.
		if out, err := exec.Command("icacls", path, "/inheritance:r", "/grant:r", "*"+user+":F").CombinedOutput(); err != nil {
			t.Fatalf("icacls: %v\n%s", err, out)
		}
		if _, warnings, _ := localstate.LoadFile(path); len(warnings) != 0 {
			t.Errorf("after icacls: %v", warnings)
		}
	}
	path := writeConfig(t, configTOML, 0o600)
	setACL(t, path, "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;%s)", user)
	if _, warnings, err := localstate.LoadFile(path); err != nil || len(warnings) != 0 {
		t.Errorf("a private file: %v %v", warnings, err)
	}
}
