package cli

import (
	"bytes"
	"runtime/debug"
	"testing"
)

func TestBuildStamp(t *testing.T) {
	t.Parallel()
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	cases := []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		wantV, wantC    string
	}{
		{"stamped by the release recipe", "v1.2.0", "0123abcd", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffff", "true")},
			"v1.2.0", "0123abcd"},
		{"go install …@v1.2.0", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0", "unknown"},
		{"go build in a clean clone", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("9f8e7d", "false")},
			"dev", "9f8e7d"},
		{"go build with changes", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("9f8e7d", "true")},
			"dev", "9f8e7d-dirty"},
		{"nothing recorded", "", "", nil, "dev", "unknown"},
	}
	for _, tc := range cases {
		v, c := stampFrom(tc.version, tc.commit, tc.bi)
		if v != tc.wantV || c != tc.wantC {
			t.Errorf("%s: %q %q, want %q %q", tc.name, v, c, tc.wantV, tc.wantC)
		}
	}
}

// --version prints both.
func TestVersionFlagPrintsVersionAndCommit(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	code := Execute([]string{"--version"}, Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" },
		Signals: NotifyStop, Version: "v1.2.0", Commit: "0123abcd"})
	if want := "chargedesk v1.2.0 (commit 0123abcd)\n"; code != 0 || out.String() != want {
		t.Errorf("--version: exit %d, %q; want %q", code, out.String(), want)
	}
}
