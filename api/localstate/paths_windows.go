package localstate

// On Windows, the application data folders: settings roam with the user's
// profile, the history and the journal stay on this machine.
var (
	defaultConfigDir = appData
	defaultStateDir  = localAppData
)
