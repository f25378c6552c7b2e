// Command chargedesk is a full-screen terminal booking assistant for the
// Petit Monde Energy Agent API. Without an API key it runs on an embedded
// simulator of the API (demo mode); `chargedesk serve` runs that simulator as a
// standalone server.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Demo defaults: the provider guide's example search, a demo customer, and a
// lifecycle 60× faster so a booking plays out in about two minutes.
const (
	demoSpeed    = 60
	demoCustomer = "cust_demo_001"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return serve(args[1:], stdout, stderr)
		case "config":
			return showConfig(args[1:], stdout, stderr)
		}
		if code, ok := runCommand(args[0], args[1:], stdout, stderr); ok {
			return code
		}
	}
	return tui(args, stdout, stderr)
}

const usage = `chargedesk — book EV chargers through the Petit Monde Energy Agent API

Usage:
  chargedesk [flags]          open the booking assistant (demo on the embedded
                              simulator when no API key is configured)
  chargedesk serve [flags]    run the API simulator as a server (see serve -h)
  chargedesk config           show the resolved configuration (key masked)
  chargedesk help             the scripting commands: search, book, status,
                              cancel, bookings (tables or --json; exit codes)

Configuration (flag > environment > profile > demo):
  PETITMONDE_API_KEY   the API key (never given as a flag: it would show in ps)
  PETITMONDE_API_URL   the API base URL (default %s)
  CHARGEDESK_PROFILE   a profile of %s

Flags:
`

type tuiFlags struct {
	demo      bool
	apiURL    string
	profile   string
	readOnly  bool
	logPath   string
	speed     float64
	seed      int64
	version   bool
	noHistory bool
}

func parseTUIFlags(args []string, stderr io.Writer) (*tuiFlags, *flag.FlagSet, error) {
	f := &tuiFlags{}
	fs := flag.NewFlagSet("chargedesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&f.demo, "demo", false, "use the embedded simulator even when a key is configured")
	fs.StringVar(&f.apiURL, "api-url", "", "API base URL, e.g. http://127.0.0.1:8787/api/v1/client for chargedesk serve")
	fs.StringVar(&f.profile, "profile", "", "profile name in the config file")
	fs.BoolVar(&f.readOnly, "read-only", false, "search and look up only; booking and cancelling are disabled")
	fs.StringVar(&f.logPath, "log", os.Getenv("CHARGEDESK_LOG"), "write every API call as a JSON line to this file (key never included)")
	fs.Float64Var(&f.speed, "speed", demoSpeed, "demo only: how much faster the simulated reservation runs")
	fs.Int64Var(&f.seed, "seed", 1, "demo only: the simulator's data seed")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.BoolVar(&f.noHistory, "no-history", os.Getenv("CHARGEDESK_NO_HISTORY") != "", "do not remember recent places and customer ids (also CHARGEDESK_NO_HISTORY=1)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, api.DefaultBaseURL, localstate.ConfigPath(os.Getenv))
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	return f, fs, err
}

func tui(args []string, stdout, stderr io.Writer) int {
	f, _, err := parseTUIFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if f.version {
		fmt.Fprintln(stdout, "chargedesk", version)
		return 0
	}
	res, warnings, err := resolve(f)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk:", err)
		return 2
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "chargedesk: warning:", w)
	}

	logger, closeLog, err := openLog(f.logPath, res.APIKey)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk:", err)
		return 2
	}
	defer closeLog()

	mode := ui.Mode{Profile: res.Profile, Host: res.Host(), Production: res.Production(), ReadOnly: f.readOnly}
	// Every call goes to the log file (if any) and to the TUI's request log;
	// the client never waits for the TUI.
	events := make(chan api.Event, 256)
	onEvent := func(ev api.Event) {
		if logger != nil {
			logger(ev)
		}
		select {
		case events <- ev:
		default:
		}
	}
	cfg := api.Config{BaseURL: res.BaseURL, APIKey: res.APIKey, OnEvent: onEvent, ReadOnly: f.readOnly,
		UserAgent: "chargedesk/" + version, MaxRetryWait: 3 * time.Second, Retries: 2}
	opts := ui.Options{}
	if res.Demo {
		base, stop, err := startEmbeddedSim(f.speed, f.seed)
		if err != nil {
			fmt.Fprintln(stderr, "chargedesk: demo simulator:", err)
			return 1
		}
		defer stop()
		cfg.BaseURL, cfg.APIKey = base, sim.DefaultKey
		mode = ui.Mode{Demo: true, Speed: f.speed, Host: "embedded simulator", ReadOnly: f.readOnly, DemoCustomer: demoCustomer}
		munich, _ := model.FindCity("München")
		opts.Query = &model.SearchQuery{Lat: munich.Lat, Lng: munich.Lng, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50}
		opts.PlaceText = munich.Name
	}
	if !f.noHistory {
		path := localstate.StatePath(os.Getenv)
		opts.History, _ = localstate.LoadHistory(path)
		opts.SaveHistory = func(h model.History) error { return localstate.SaveHistory(path, h) }
	}
	opts.Events = events
	opts.Warnings = warnings // shown again inside the TUI, where stderr is hidden
	opts.Client = api.New(cfg)
	opts.Mode = mode
	opts.Clock = model.SystemClock{}

	var root tea.Model = ui.New(opts)
	if os.Getenv("CHARGEDESK_TEST_PANIC") != "" {
		root = panicOnF12{root} // for the end-to-end test of the crash path
	}
	p := tea.NewProgram(root)

	// SIGTERM and SIGHUP end the program the same way q does, so the
	// terminal is restored.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			p.Quit()
		}
	}()

	// Bubble Tea restores the terminal after a panic and writes the panic to
	// standard error; that text goes to a crash log instead, with the key
	// redacted, and the user is told where it is.
	restore := captureStderr()
	_, err = p.Run()
	text := restore()
	if err != nil {
		if errors.Is(err, tea.ErrProgramPanic) || strings.Contains(text, "panic") {
			path := writeCrashLog(api.Redact(text, res.APIKey))
			fmt.Fprintf(stderr, "chargedesk crashed and restored the terminal. The crash log is at %s\n", path)
			return 70
		}
		fmt.Fprintln(stderr, "chargedesk:", api.Redact(err.Error(), res.APIKey))
		return 1
	}
	return 0
}

// captureStderr sends what is written to os.Stderr while the TUI runs into
// a buffer; restore puts os.Stderr back and returns the text.
func captureStderr() func() string {
	var buf bytes.Buffer
	r, w, err := os.Pipe()
	if err != nil {
		return func() string { return "" }
	}
	orig := os.Stderr
	os.Stderr = w
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(&buf, r)
		close(done)
	}()
	return func() string {
		os.Stderr = orig
		_ = w.Close()
		<-done
		_ = r.Close()
		return buf.String()
	}
}

// writeCrashLog saves a crash report in the state directory (or the temp
// directory) and returns its path.
func writeCrashLog(text string) string {
	dir := filepath.Dir(localstate.StatePath(os.Getenv))
	if dir == "." || os.MkdirAll(dir, 0o700) != nil {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("crash-%s.log", time.Now().UTC().Format("20060102-150405")))
	report := fmt.Sprintf("chargedesk %s crashed at %s\n\n%s", version, time.Now().UTC().Format(time.RFC3339), text)
	if err := os.WriteFile(path, []byte(report), 0o600); err != nil {
		return "(could not be written: " + err.Error() + ")"
	}
	return path
}

// panicOnF12 panics when F12 is pressed (CHARGEDESK_TEST_PANIC only).
type panicOnF12 struct{ tea.Model }

func (m panicOnF12) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "f12" {
		// The key is in the message on purpose: the crash log must not show it.
		panic("test panic requested with F12 (CHARGEDESK_TEST_PANIC); key " + os.Getenv(api.EnvAPIKey))
	}
	next, cmd := m.Model.Update(msg)
	return panicOnF12{next}, cmd
}

func resolve(f *tuiFlags) (localstate.Resolved, []string, error) {
	fc, warnings, err := localstate.LoadFile(localstate.ConfigPath(os.Getenv))
	if err != nil {
		return localstate.Resolved{}, nil, err
	}
	res, err := localstate.Resolve(localstate.Inputs{FlagURL: f.apiURL, FlagProfile: f.profile, ForceDemo: f.demo, File: fc})
	return res, warnings, err
}

// startEmbeddedSim serves the simulator on a loopback port for demo mode.
func startEmbeddedSim(speed float64, seed int64) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: sim.New(sim.Options{Speed: speed, Seed: seed}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + sim.BasePath, stop, nil
}

// openLog returns the request-log hook writing JSON lines to path ("" = none).
func openLog(path, key string) (func(api.Event), func(), error) {
	if path == "" {
		return nil, func() {}, nil
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	var mu sync.Mutex
	enc := json.NewEncoder(fh)
	hook := func(ev api.Event) {
		ev.Err = api.Redact(ev.Err, key)
		ev.RequestBody = []byte(api.Redact(string(ev.RequestBody), key))
		ev.ResponseBody = []byte(api.Redact(string(ev.ResponseBody), key))
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(ev)
	}
	return hook, func() { _ = fh.Close() }, nil
}

func showConfig(args []string, stdout, stderr io.Writer) int {
	f, _, err := parseTUIFlags(args, stderr)
	if err != nil {
		return 2
	}
	res, warnings, err := resolve(f)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk:", err)
		return 2
	}
	fmt.Fprintf(stdout, "config file: %s\n", localstate.ConfigPath(os.Getenv))
	fmt.Fprint(stdout, res.String())
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	return 0
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chargedesk serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "listen address")
	key := fs.String("key", sim.DefaultKey, "the API key the simulator accepts")
	rate := fs.Int("rate-limit", sim.DefaultRateLimit, "requests per minute per key (sliding window)")
	quota := fs.Int("quota", sim.DefaultMonthlyQuota, "requests per calendar month per key")
	speed := fs.Float64("speed", 1, "divide every lifecycle wait tied to the reservation (time to start, charging, grace) by N")
	seed := fs.Int64("seed", 1, "seed of the generated locations and the lifecycle delays")
	faultSpec := fs.String("faults", "", "inject faults: a preset ("+strings.Join(sim.FaultPresets, ", ")+
		") and/or key=value items, e.g. \"flaky,latency=50ms+100ms,drop-after=5%\" (see api/sim/doc.go)")
	hostile := fs.Bool("hostile", false, "serve terminal-hostile location and CPO names (escape sequences, bidi, very wide text)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: chargedesk serve [flags]\n\nRuns the Agent API simulator under /api/v1/client.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	faults, err := sim.ParseFaults(*faultSpec)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 1
	}
	h := sim.New(sim.Options{Key: *key, RateLimit: *rate, MonthlyQuota: *quota, Speed: *speed, Seed: *seed, Faults: faults, Hostile: *hostile})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	base := "http://" + ln.Addr().String() + sim.BasePath
	fmt.Fprintf(stdout, "chargedesk simulator listening\n  base URL: %s\n  API key:  %s\n  rate limit %d/min, quota %d/month, speed ×%g, seed %d\n",
		base, *key, *rate, *quota, *speed, *seed)
	if f := faults.String(); f != "" {
		fmt.Fprintf(stdout, "  faults: %s\n", f)
	}
	if *hostile {
		fmt.Fprintln(stdout, "  hostile names in the Munich search")
	}
	fmt.Fprintf(stdout, "try:\n  curl -s \"%s/search?lat=48.1351&lng=11.5820&radius=25&connector_type=IEC_62196_T2_COMBO&power_min=50\" -H \"X-API-Key: %s\"\n", base, *key)
	fmt.Fprintf(stdout, "or:\n  PETITMONDE_API_KEY=%s chargedesk --api-url %s\nCtrl-C stops it.\n", *key, base)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 1
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	fmt.Fprintln(stdout, "simulator stopped")
	return 0
}
