//go:build !windows

package localstate

// On macOS and Linux, the XDG defaults under $HOME.
var (
	defaultConfigDir = xdgConfigHome
	defaultStateDir  = xdgStateHome
)
