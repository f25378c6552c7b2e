package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
)

// The demo's lifecycle runs 60× faster, so a booking plays out in about two
// minutes.
const demoSpeed = 60

// connFlags choose what to talk to and how: the TUI, config and every
// scripting command take them.
type connFlags struct {
	apiURL   string
	profile  string
	demo     bool
	readOnly bool
	insecure bool
	logPath  string
	speed    float64
	seed     int64
	// screenRetries: the TUI's screens retry by themselves, with a countdown
	// on screen (api.DefaultRetry); the client then retries nothing unseen.
	screenRetries bool
}

// commonAnnotation marks the flags every scripting command shares, so that
// -h lists them apart from the command's own.
const commonAnnotation = "chargedesk_common"

// register adds the flags to cmd; a scripting command's texts say what
// they mean there.
func (f *connFlags) register(cmd *cobra.Command, env Env, scripting bool) {
	fs := cmd.Flags()
	demo, readOnly := "use the embedded simulator even when a key is configured",
		"search and look up only; booking and cancelling are disabled"
	if scripting {
		demo += " (its bookings last only as long as the command)"
		readOnly = "search and look up only: booking and cancelling are refused (exit 9)"
	}
	fs.StringVar(&f.apiURL, "api-url", "", "the API base `URL` (e.g. http://127.0.0.1:8787/api/v1/client for chargedesk serve)")
	fs.StringVar(&f.profile, "profile", "", "the profile `NAME` in the config file")
	fs.BoolVar(&f.demo, "demo", false, demo)
	fs.BoolVar(&f.readOnly, "read-only", false, readOnly)
	fs.StringVar(&f.logPath, "log", "", "append every API call as a JSON line to `FILE` (default $CHARGEDESK_LOG; the key is never written)")
	fs.Float64Var(&f.speed, "speed", demoSpeed, "demo only: run the simulated reservation `N` times faster")
	fs.Int64Var(&f.seed, "seed", 1, "demo only: the simulator's data `SEED`")
	fs.BoolVar(&f.insecure, "insecure-http", false, "let the key go over plain http to a host that is not this machine (a trusted network only)")
	for _, name := range []string{"api-url", "profile", "demo", "read-only", "insecure-http", "log", "speed", "seed"} {
		_ = fs.SetAnnotation(name, commonAnnotation, []string{"true"})
	}
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles(env))
	for _, name := range []string{"api-url", "speed", "seed"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
}

// isCommon tells whether a flag is one of the shared ones.
func isCommon(f *pflag.Flag) bool { return len(f.Annotations[commonAnnotation]) > 0 }

// conn is a resolved configuration and the client for it: the live API, or
// the embedded demo simulator.
type conn struct {
	res      localstate.Resolved
	warnings []string // about the configuration, e.g. a key file others can read
	keys     []string // every key that might be printed by mistake: redact them
	client   *api.Client
	journal  *localstate.Journal // the create journal (nil in the demo: its bookings end with the process)
	demo     bool                // on the embedded simulator
	speed    float64
	readOnly bool
	insecure bool          // the key goes over plain http (--insecure-http to another host)
	geocoder *api.Geocoder // nil: places are looked up offline only
	closers  []func()
}

func (c *conn) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
	c.closers = nil
}

// redact masks every key of the configuration in s.
func (c *conn) redact(s string) string { return redactAll(s, c.keys) }

func redactAll(s string, keys []string) string {
	for _, k := range keys {
		s = api.Redact(s, k)
	}
	return s
}

// setupError is a failure before any request: the configuration, the log
// file, the demo simulator. kind and exit are what --json and $? say.
type setupError struct {
	kind string
	exit int
	err  error
}

func (e *setupError) Error() string { return e.err.Error() }

// connect is the one place where chargedesk turns flags, environment and
// config file into a client (flag > environment > profile > demo): it
// resolves the configuration, opens the request log and, when nothing is
// configured or --demo asks for it, starts the embedded simulator. The TUI and
// every command connect here; onEvent, when set, also receives every call
// (the TUI's request log). The conn comes back even with an error, for its
// keys to be masked in the report; the caller closes it.
func connect(env Env, f connFlags, onEvent func(api.Event), onProblem func(string)) (*conn, error) {
	res, warnings, err := resolve(env, f)
	c := &conn{res: res, warnings: warnings, keys: []string{env.Getenv(api.EnvAPIKey), res.APIKey}, readOnly: f.readOnly}
	if err != nil {
		return c, &setupError{"config", exitUsage, err}
	}
	logPath := f.logPath
	if logPath == "" {
		logPath = env.Getenv("CHARGEDESK_LOG")
	}
	logger, err := c.openLog(logPath, onProblem)
	if err != nil {
		return c, &setupError{"config", exitUsage, err}
	}
	cfg := api.Config{BaseURL: res.BaseURL, APIKey: res.APIKey, ReadOnly: f.readOnly,
		UserAgent: "chargedesk/" + env.Version, MaxRetryWait: 3 * time.Second, Retries: clientRetries(f),
		Now: env.Clock.Now, Sleep: env.Sleep, OnEvent: fanOut(logger, onEvent), AllowInsecureHTTP: f.insecure}
	c.insecure = f.insecure && api.InsecureURL(res.BaseURL)
	if dir := localstate.JournalDir(env.Getenv); dir != "" && !res.Demo {
		c.journal = localstate.OpenJournal(dir, res.BaseURL, res.APIKey).WithClock(env.Clock.Now)
		cfg.Journal = c.journal
	}
	if res.Demo {
		d, err := env.StartDemo(f.speed, f.seed)
		if err != nil {
			c.close()
			return c, &setupError{"error", exitError, fmt.Errorf("demo simulator: %w", err)}
		}
		c.closers = append(c.closers, d.Stop)
		cfg.BaseURL, cfg.APIKey = d.BaseURL, d.Key
		c.demo, c.speed = true, f.speed
		if res.GeocoderURL == "" {
			res.GeocoderURL = d.GeocoderURL // the simulator's own, on this machine
		}
	}
	c.client = api.New(cfg)
	if res.GeocoderURL != "" {
		g, err := api.NewGeocoder(api.GeocoderConfig{URL: res.GeocoderURL, UserAgent: cfg.UserAgent})
		if err != nil {
			c.close()
			return c, &setupError{"config", exitUsage, err}
		}
		c.geocoder = g
	}
	return c, nil
}

// clientRetries is how often the client retries a read by itself: twice
// for a command, never under the TUI (whose screens do, one policy, seen).
func clientRetries(f connFlags) int {
	if f.screenRetries {
		return -1
	}
	return 2
}

// resolve reads the config file and applies flag > environment > profile >
// demo; warnings are about the file (a key others can read).
func resolve(env Env, f connFlags) (localstate.Resolved, []string, error) {
	fc, warnings, err := localstate.LoadFile(localstate.ConfigPath(env.Getenv))
	if err != nil {
		return localstate.Resolved{}, nil, err
	}
	res, err := localstate.Resolve(localstate.Inputs{FlagURL: f.apiURL, FlagProfile: f.profile,
		ForceDemo: f.demo, Getenv: env.Getenv, File: fc})
	return res, warnings, err
}

// openLog returns the hook that appends every call to path as a JSON line
// with the keys masked ("" = no log).
func (c *conn) openLog(path string, onProblem func(string)) (func(api.Event), error) {
	if path == "" {
		return nil, nil
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	c.closers = append(c.closers, func() { _ = fh.Close() })
	var mu sync.Mutex
	failed := false
	return func(ev api.Event) {
		ev.Err = c.redact(ev.Err)
		ev.RequestBody = []byte(c.redact(string(ev.RequestBody)))
		ev.ResponseBody = []byte(c.redact(string(ev.ResponseBody)))
		line, err := json.Marshal(ev)
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		// One write per line: a full disk leaves no half line, and is said once.
		if _, err := fh.Write(append(line, '\n')); err != nil && !failed {
			failed = true
			if onProblem != nil {
				onProblem(fmt.Sprintf("the request log %s could not be written (%v): later calls are not in it", path, err))
			}
		}
	}, nil
}

// fanOut calls every hook that is set.
func fanOut(hooks ...func(api.Event)) func(api.Event) {
	var set []func(api.Event)
	for _, h := range hooks {
		if h != nil {
			set = append(set, h)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return func(ev api.Event) {
		for _, h := range set {
			h(ev)
		}
	}
}
