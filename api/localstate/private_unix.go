//go:build !windows

package localstate

import (
	"fmt"
	"io/fs"
)

// platformExposure reads the mode bits: any bit for group or others is
// too many.
func platformExposure(path string, st fs.FileInfo) exposure {
	if st.Mode().Perm()&0o077 == 0 {
		return exposure{}
	}
	return exposure{who: fmt.Sprintf("readable by group or others (mode %04o)", st.Mode().Perm()), fix: "chmod 600 " + path}
}
