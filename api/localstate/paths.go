package localstate

import "path/filepath"

// Where chargedesk keeps its files. An XDG variable, when set, wins on
// every platform; without one, macOS and Linux use the XDG defaults under
// $HOME (as gh does on both), and Windows the roaming and local
// application data folders (%AppData%, %LocalAppData%), as Windows
// programs do. Each platform's fallback is in a file of its own
// (paths_unix.go, paths_windows.go); both rules are here, so that each is
// tested everywhere.

// ConfigPath is where config.toml is: $XDG_CONFIG_HOME/chargedesk/config.toml,
// or the platform's default (~/.config/chargedesk/config.toml,
// %AppData%\chargedesk\config.toml). "" when no folder is known.
func ConfigPath(getenv func(string) string) string {
	return under(getenv("XDG_CONFIG_HOME"), defaultConfigDir(getenv), "config.toml")
}

// StatePath is the history: $XDG_STATE_HOME/chargedesk/history.json, or the
// platform's default (~/.local/state/chargedesk/history.json,
// %LocalAppData%\chargedesk\history.json). Its folder also holds the create
// journal, crash logs and the gateway's default store. "" when no folder is
// known.
func StatePath(getenv func(string) string) string {
	return under(getenv("XDG_STATE_HOME"), defaultStateDir(getenv), "history.json")
}

// JournalDir is the create journal's folder, beside the history:
// $XDG_STATE_HOME/chargedesk/journal or the platform's default.
func JournalDir(getenv func(string) string) string {
	p := StatePath(getenv)
	if p == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(p), "journal")
}

// under is name in the chargedesk folder of xdg, or else of fallback.
func under(xdg, fallback, name string) string {
	dir := xdg
	if dir == "" {
		dir = fallback
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "chargedesk", name)
}

// xdgConfigHome and xdgStateHome are the XDG defaults: ~/.config and
// ~/.local/state.
func xdgConfigHome(getenv func(string) string) string { return inHome(getenv, ".config") }
func xdgStateHome(getenv func(string) string) string  { return inHome(getenv, ".local", "state") }

func inHome(getenv func(string) string, elem ...string) string {
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(append([]string{home}, elem...)...)
}

// appData and localAppData are the Windows folders for a user's settings
// (roaming with the profile) and for what stays on this machine. Both are
// set in every Windows session; under a service account without them, the
// folders they stand for inside the user profile.
func appData(getenv func(string) string) string {
	return knownFolder(getenv, "AppData", "Roaming")
}

func localAppData(getenv func(string) string) string {
	return knownFolder(getenv, "LocalAppData", "Local")
}

func knownFolder(getenv func(string) string, variable, inProfile string) string {
	if dir := getenv(variable); dir != "" {
		return dir
	}
	if profile := getenv("UserProfile"); profile != "" {
		return filepath.Join(profile, "AppData", inProfile)
	}
	return ""
}
