package cli

import "runtime/debug"

// BuildStamp is the version and commit a binary reports (--version, the
// User-Agent, crash logs): those stamped in at link time by the release
// recipe (-X main.version=… -X main.commit=…), or else what the Go
// toolchain recorded in the binary: the module's version for `go install
// …@v1.2.0`, the checkout's revision for `go build` in a clone ("-dirty"
// when it had changes). What nobody recorded is "dev" and "unknown".
func BuildStamp(version, commit string) (string, string) {
	bi, _ := debug.ReadBuildInfo()
	return stampFrom(version, commit, bi)
}

func stampFrom(version, commit string, bi *debug.BuildInfo) (string, string) {
	if bi != nil && version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	if bi != nil && commit == "" {
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if commit != "" && dirty {
			commit += "-dirty"
		}
	}
	if version == "" {
		version = "dev"
	}
	if commit == "" {
		commit = "unknown"
	}
	return version, commit
}

// versionLine is what --version prints after "chargedesk ".
func versionLine(env Env) string {
	commit := env.Commit
	if commit == "" {
		commit = "unknown"
	}
	return env.Version + " (commit " + commit + ")"
}
