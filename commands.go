package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The scripting commands (issue 5): search, book, status, cancel and bookings
// run one task against the same client, with the same validation and error
// texts as the TUI, print a readable table or block (or JSON with --json) and
// exit with a code a script can branch on.

// Exit codes of the scripting commands. Documented in `chargedesk help`,
// every command's -h and the README.
const (
	exitOK          = 0   // done (with --wait: the booking reached a final status, whichever)
	exitError       = 1   // anything else
	exitUsage       = 2   // bad flags or arguments, or a configuration error
	exitInvalid     = 3   // refused by chargedesk's checks or by the API (400)
	exitNotFound    = 4   // 404
	exitConflict    = 5   // 409: the EVSE is not available for that time
	exitRateLimited = 6   // 429
	exitUnavailable = 7   // no answer, a 5xx, an unreadable answer, or an unknown outcome
	exitAuth        = 8   // 401 or 403
	exitReadOnly    = 9   // refused: --read-only
	exitInterrupted = 130 // Ctrl-C (or SIGTERM) while working or waiting
)

// Hooks the tests replace: the clock the client validates with, how the
// commands wait (poll intervals and the client's retry waits), and the
// context that Ctrl-C ends.
var (
	commandClock   model.Clock = model.SystemClock{}
	commandSleep               = api.Sleep
	commandSignals             = func(parent context.Context) (context.Context, context.CancelFunc) {
		return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	}
)

// errInterrupted ends a command stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// command is one scripting subcommand.
type command struct {
	name     string
	synopsis string // the usage line(s) after "chargedesk "
	summary  string // one line for `chargedesk help`
	about    string // the paragraph of its -h
	// setup defines the command's own flags on fs and returns the function
	// that runs it once the flags are parsed.
	setup func(fs *flag.FlagSet) func(c *cli, args []string) int
}

func commands() []*command {
	return []*command{searchCommand(), bookCommand(), statusCommand(), cancelCommand(), bookingsCommand()}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// runCommand runs a scripting subcommand (search, book, status, cancel,
// bookings, help); ok is false when name is not one, and the TUI handles args.
func runCommand(name string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if name == "" || strings.HasPrefix(name, "-") {
		return 0, false // flags of the TUI
	}
	if name == "help" {
		return helpCommand(args, stdout, stderr), true
	}
	cmd := findCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "chargedesk: unknown command %q (commands: %s, serve, config, help; no command opens the TUI)\n",
			model.SanitizeLine(name), strings.Join(commandNames(), ", "))
		return exitUsage, true
	}
	return cmd.run(args, stdout, stderr), true
}

func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	json     bool
	apiURL   string
	profile  string
	demo     bool
	readOnly bool
	logPath  string
	speed    float64
	seed     int64
}

var commonFlagNames = map[string]bool{"json": true, "api-url": true, "profile": true, "demo": true,
	"read-only": true, "log": true, "speed": true, "seed": true}

func (f *commonFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "machine output: the API's objects as JSON on stdout; errors as JSON on stderr")
	fs.StringVar(&f.apiURL, "api-url", "", "the API base `URL` (e.g. http://127.0.0.1:8787/api/v1/client for chargedesk serve)")
	fs.StringVar(&f.profile, "profile", "", "the profile `NAME` in the config file")
	fs.BoolVar(&f.demo, "demo", false, "use the embedded simulator even when a key is configured (its bookings last only as long as the command)")
	fs.BoolVar(&f.readOnly, "read-only", false, "search and look up only: booking and cancelling are refused (exit 9)")
	fs.StringVar(&f.logPath, "log", "", "append every API call as a JSON line to `FILE` (default $CHARGEDESK_LOG; the key is never written)")
	fs.Float64Var(&f.speed, "speed", demoSpeed, fmt.Sprintf("demo only: run the simulated reservation `N` times faster (default %d)", demoSpeed))
	fs.Int64Var(&f.seed, "seed", 1, "demo only: the simulator's data `SEED` (default 1)")
}

// run parses the flags (anywhere among the arguments) and runs the command.
func (cmd *command) run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chargedesk "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	body := cmd.setup(fs)
	var cf commonFlags
	cf.register(fs)
	c := &cli{name: cmd.name, stdout: stdout, stderr: stderr, json: wantsJSON(args), zone: berlin,
		keys: []string{os.Getenv(api.EnvAPIKey)}, common: &cf, fs: fs}
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		cmd.printHelp(stdout, fs)
		return exitOK
	}
	if err != nil {
		return c.usageError(err.Error())
	}
	c.json = cf.json
	ctx, stop := commandSignals(context.Background())
	defer stop()
	c.ctx = ctx
	defer c.close()
	return body(c, pos)
}

// parseInterleaved parses flags given before, between and after the
// positional arguments (`status ID --wait`), which flag.Parse alone stops at.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// wantsJSON tells --json before the flags are parsed, so that a usage error
// is reported in the form the caller asked for.
func wantsJSON(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-json", "--json", "-json=true", "--json=true", "-json=1", "--json=1":
			return true
		}
	}
	return false
}

// cli is one run of a command: its output, configuration and client.
type cli struct {
	name           string
	stdout, stderr io.Writer
	json           bool
	zone           *time.Location
	keys           []string // never printed: redacted from everything written
	common         *commonFlags
	fs             *flag.FlagSet
	ctx            context.Context

	client  *api.Client
	res     localstate.Resolved
	demo    bool
	speed   float64
	closers []func()
}

func (c *cli) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
	c.closers = nil
}

// given tells whether the flag was set on the command line.
func (c *cli) given(name string) bool {
	set := false
	c.fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// connect resolves the configuration exactly as the TUI does, opens the
// request log and builds the client; in demo mode it starts the embedded
// simulator. It returns an exit code, or -1 when connected.
func (c *cli) connect() int {
	cf := c.common
	logPath := cf.logPath
	if logPath == "" {
		logPath = os.Getenv("CHARGEDESK_LOG")
	}
	res, warnings, err := resolve(&tuiFlags{demo: cf.demo, apiURL: cf.apiURL, profile: cf.profile,
		readOnly: cf.readOnly, logPath: logPath, speed: cf.speed, seed: cf.seed})
	c.keys = append(c.keys, res.APIKey)
	if err != nil {
		return c.report(failure{Error: err.Error(), Kind: "config"}, exitUsage, "")
	}
	c.res = res
	for _, w := range warnings {
		c.errLine("chargedesk: warning: " + w)
	}
	logger, closeLog, err := openLog(logPath, res.APIKey)
	if err != nil {
		return c.report(failure{Error: err.Error(), Kind: "config"}, exitUsage, "")
	}
	c.closers = append(c.closers, closeLog)
	if logger != nil {
		// openLog masks the key in error texts; a body echoing it is masked too.
		inner := logger
		logger = func(ev api.Event) {
			ev.RequestBody = []byte(c.redact(string(ev.RequestBody)))
			ev.ResponseBody = []byte(c.redact(string(ev.ResponseBody)))
			inner(ev)
		}
	}
	cfg := api.Config{BaseURL: res.BaseURL, APIKey: res.APIKey, OnEvent: logger, ReadOnly: cf.readOnly,
		UserAgent: "chargedesk/" + version, MaxRetryWait: 3 * time.Second, Retries: 2,
		Now:   func() time.Time { return commandClock.Now() },
		Sleep: func(ctx context.Context, d time.Duration) error { return commandSleep(ctx, d) }}
	if res.Demo {
		base, stop, err := startEmbeddedSim(cf.speed, cf.seed)
		if err != nil {
			return c.report(failure{Error: "demo simulator: " + err.Error(), Kind: "error"}, exitError, "")
		}
		c.closers = append(c.closers, stop)
		cfg.BaseURL, cfg.APIKey = base, sim.DefaultKey
		c.demo, c.speed = true, cf.speed
		if cf.demo {
			c.errLine("chargedesk: --demo: using the embedded demo simulator; nothing is booked for real")
		} else {
			c.errLine("chargedesk: no API key configured: using the embedded demo simulator; nothing is booked for real")
		}
	}
	c.client = api.New(cfg)
	return -1
}

// scrub returns v with every configured key masked in its texts, by way of
// its JSON: server data is cleaned of the key before it is formatted (a
// truncated table cell would hide a key from redaction at output).
func scrub[T any](c *cli, v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	clean := c.redact(string(b))
	if clean == string(b) {
		return v
	}
	var out T
	if err := json.Unmarshal([]byte(clean), &out); err != nil {
		return v
	}
	return out
}

// cleanBooking makes a booking from the server safe to print: no key, no
// escape sequences.
func (c *cli) cleanBooking(b model.Booking) model.Booking {
	return model.SanitizeBooking(scrub(c, b))
}

// now reads the commands' clock.
func (c *cli) now() time.Time { return commandClock.Now() }

// redact removes every configured key from s.
func (c *cli) redact(s string) string {
	for _, k := range c.keys {
		s = api.Redact(s, k)
	}
	return s
}

// out writes s to stdout, keys redacted.
func (c *cli) out(s string) { _, _ = io.WriteString(c.stdout, c.redact(s)) }

// errLine writes one line to stderr, keys redacted.
func (c *cli) errLine(s string) { _, _ = io.WriteString(c.stderr, c.redact(s)+"\n") }

// note is a human-mode remark on stderr (silent with --json).
func (c *cli) note(s string) {
	if !c.json {
		c.errLine("chargedesk " + c.name + ": " + s)
	}
}

// emitJSON writes v as JSON to stdout: indented, or one line (JSON lines of --wait).
func (c *cli) emitJSON(v any, line bool) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if !line {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		c.errLine("chargedesk: " + err.Error())
		return
	}
	c.out(b.String())
}

// failure is an error as --json reports it on stderr.
type failure struct {
	Error      string       `json:"error"`
	Kind       string       `json:"kind"`
	Status     int          `json:"status"`
	RetryAfter int          `json:"retry_after_s,omitempty"`
	Fields     []fieldIssue `json:"fields,omitempty"`
}

type fieldIssue struct {
	Field   string `json:"field"`
	Flag    string `json:"flag,omitempty"`
	Message string `json:"message"`
}

// report writes a failure (JSON or human, with an optional hint) and returns code.
func (c *cli) report(f failure, code int, hint string) int {
	f.Error = c.redact(f.Error)
	if c.json {
		b, _ := json.Marshal(f)
		c.errLine(string(b))
		return code
	}
	c.errLine("chargedesk " + c.name + ": " + f.Error)
	if hint != "" {
		c.errLine(hint)
	}
	return code
}

// usageError reports a bad command line (exit 2).
func (c *cli) usageError(msg string) int {
	return c.report(failure{Error: msg, Kind: "usage"}, exitUsage, "Run 'chargedesk "+c.name+" -h' for its flags.")
}

// invalid reports values chargedesk refuses before sending (exit 3), in the
// TUI's words.
func (c *cli) invalid(fe model.FieldErrors) int {
	return c.fail(&api.Error{Kind: api.KindValidation, Message: fe.Error(), Fields: fe, Err: fe})
}

// exitCode maps a failure to the documented exit code.
func exitCode(err error) int {
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	switch api.KindOf(err) {
	case api.KindValidation, api.KindBadRequest:
		return exitInvalid
	case api.KindNotFound:
		return exitNotFound
	case api.KindConflict:
		return exitConflict
	case api.KindRateLimited:
		return exitRateLimited
	case api.KindNetwork, api.KindServer, api.KindDecode, api.KindUnknownOutcome:
		return exitUnavailable
	case api.KindUnauthorized, api.KindForbidden:
		return exitAuth
	case api.KindReadOnly:
		return exitReadOnly
	}
	return exitError
}

// kindName is the machine name of a failure class in --json errors.
func kindName(k api.Kind) string {
	switch k {
	case api.KindValidation:
		return "validation"
	case api.KindBadRequest:
		return "bad_request"
	case api.KindUnauthorized:
		return "unauthorized"
	case api.KindForbidden:
		return "forbidden"
	case api.KindNotFound:
		return "not_found"
	case api.KindConflict:
		return "conflict"
	case api.KindRateLimited:
		return "rate_limited"
	case api.KindServer:
		return "server"
	case api.KindNetwork:
		return "network"
	case api.KindDecode:
		return "decode"
	case api.KindUnknownOutcome:
		return "unknown_outcome"
	case api.KindReadOnly:
		return "read_only"
	}
	return "error"
}

// flagOf names the command-line flag behind an API field.
func (c *cli) flagOf(field string) string {
	switch field {
	case "reservation_end":
		if c.given("end") {
			return "--end"
		}
		return "--duration"
	case "connector_id", "connector_type":
		return "--connector"
	}
	if f, ok := fieldFlags[field]; ok {
		return f
	}
	return ""
}

var fieldFlags = map[string]string{
	"place": "--place", "lat": "--place", "lng": "--place", "radius": "--radius", "power_min": "--power-min",
	"limit": "--limit", "start_time": "--from", "end_time": "--duration", "window": "--duration",
	"location_id": "--location", "evse_uid": "--evse", "reservation_start": "--start", "duration": "--duration",
	"token_strategy": "--strategy", "customer_id": "--customer", "token_id": "--token-id",
	"fleet_group_id": "--fleet-group", "token_uid": "--token-uid", "external_id": "--external-id",
	"id": "ID", "status": "--status", "from_date": "--from", "to_date": "--to", "reason": "--reason",
}

// fail reports an error of the client (or a local one) with the provider's
// advice for its class and returns the exit code.
func (c *cli) fail(err error) int {
	code := exitCode(err)
	if errors.Is(err, errInterrupted) {
		return c.report(failure{Error: err.Error(), Kind: "interrupted"}, code, "")
	}
	e, ok := api.AsError(err)
	if !ok {
		return c.report(failure{Error: err.Error(), Kind: "error"}, code, "")
	}
	msg := model.SanitizeLine(e.Message)
	if msg == "" {
		msg = model.SanitizeLine(e.Error())
	}
	f := failure{Error: msg, Kind: kindName(e.Kind), Status: e.Status}
	if e.Kind == api.KindRateLimited && e.RetryAfter > 0 {
		f.RetryAfter = int((e.RetryAfter + time.Second - 1) / time.Second)
	}
	for _, fe := range e.Fields {
		f.Fields = append(f.Fields, fieldIssue{Field: fe.Field, Flag: c.flagOf(fe.Field), Message: model.SanitizeLine(fe.Msg)})
	}
	if e.Kind == api.KindNetwork && c.ctx != nil && c.ctx.Err() != nil {
		code = exitInterrupted
		f.Kind = "interrupted"
	}
	if c.json {
		return c.report(f, code, "")
	}
	title, hint := c.describe(e, code)
	f.Error = title + ": " + msg
	if e.Kind == api.KindValidation && len(f.Fields) > 0 {
		lines := []string{title + ":"}
		for _, fi := range f.Fields {
			label := fi.Flag
			if label == "" {
				label = fi.Field
			}
			lines = append(lines, "  "+label+": "+trimFieldPrefix(fi.Field, fi.Message))
		}
		f.Error = strings.Join(lines, "\n")
	}
	return c.report(f, code, hint)
}

// trimFieldPrefix drops the field name the TUI's texts start with (they
// stand next to their field there), as the flag is named before them here.
func trimFieldPrefix(field, msg string) string {
	for _, p := range []string{field + ": ", fieldLabels[field]} {
		if p != "" && strings.HasPrefix(msg, p) {
			return msg[len(p):]
		}
	}
	return msg
}

var fieldLabels = map[string]string{"power_min": "min. power: ", "start_time": "window from: ", "end_time": "duration: "}

// describe is the human title and advice of a failure, following the
// provider's error table (what the TUI says, in a sentence).
func (c *cli) describe(e *api.Error, code int) (title, hint string) {
	switch e.Kind {
	case api.KindValidation:
		return "invalid request (nothing was sent)", c.checkHint()
	case api.KindBadRequest:
		if c.name == "cancel" {
			return "the API refused the cancel (400)", "Only REQUESTED, PENDING and CONFIRMED bookings can be cancelled."
		}
		return "the API refused the request (400)", c.checkHint()
	case api.KindUnauthorized:
		if c.res.APIKey == "" && !c.demo {
			return "no API key (401)", "No API key is configured: set " + api.EnvAPIKey + " (a key is never given as a flag), or a profile's key. Talking to: " + c.baseURL()
		}
		return "API key rejected (401)", "Set a valid key in " + c.keyPlace() + ". Talking to: " + c.baseURL()
	case api.KindForbidden:
		return "access refused (403)", "The key is valid but the account is suspended or inactive: ask your Petit Monde Energy account manager, or use another account's key (" + c.keyPlace() + ")."
	case api.KindNotFound:
		switch c.name {
		case "book":
			return "not found (404)", "The location, EVSE or connector may have been removed: search again (chargedesk search)."
		case "status", "cancel":
			return "not found (404)", "Check the booking id: a booking is visible only to the API key that made it."
		}
		return "not found (404)", "Check --api-url. Talking to: " + c.baseURL()
	case api.KindConflict:
		if c.name == "book" {
			return "slot taken (409)", "Try another EVSE of the location (chargedesk search --place … --evses) or another --start."
		}
		return "conflict (409)", ""
	case api.KindRateLimited:
		if e.RetryAfter > 0 {
			return "rate limited (429)", fmt.Sprintf("Wait %s, then try again.", model.HumanDuration(e.RetryAfter))
		}
		return "rate limited (429)", "Wait a minute, then try again."
	case api.KindServer:
		return fmt.Sprintf("server error (%d)", e.Status), c.transportHint()
	case api.KindNetwork:
		if code == exitInterrupted {
			if c.name == "cancel" {
				return "interrupted", "The cancel may or may not have reached the API: check with chargedesk status ID."
			}
			return "interrupted", ""
		}
		return "network problem", c.transportHint()
	case api.KindDecode:
		return "unreadable answer", c.transportHint()
	case api.KindUnknownOutcome:
		return "outcome unknown", "Look for the booking with chargedesk bookings before booking again: it was not sent twice."
	case api.KindReadOnly:
		return "refused", "Drop --read-only to book or cancel."
	}
	return "error", ""
}

func (c *cli) checkHint() string {
	switch c.name {
	case "book":
		return "Check the request (dates must be in the future). Run 'chargedesk book -h' for the flags."
	case "search":
		return "Check the search flags. Run 'chargedesk search -h' for them."
	}
	return "Check the request. Run 'chargedesk " + c.name + " -h' for the flags."
}

func (c *cli) transportHint() string {
	if c.name == "book" {
		return "chargedesk looked the booking up by its external_id: nothing was booked, so running the same command again is safe."
	}
	if c.name == "cancel" {
		return "The booking was looked up afterwards and is not cancelled; try again later. Talking to: " + c.baseURL()
	}
	return "Nothing was changed. Check the connection and --api-url; talking to: " + c.baseURL()
}

func (c *cli) baseURL() string {
	if c.client != nil {
		return c.client.BaseURL()
	}
	return c.res.BaseURL
}

func (c *cli) keyPlace() string {
	if c.res.Profile != "" {
		return fmt.Sprintf("%s, or the key of profile %q in the config file", api.EnvAPIKey, c.res.Profile)
	}
	return "the environment variable " + api.EnvAPIKey
}

// exitCodeHelp is the table of exit codes, in every -h and `chargedesk help`.
const exitCodeHelp = `Exit codes:
  0    done; with --wait: the booking reached a final status (COMPLETED,
       CANCELLED, EXPIRED or NO_SHOW — whichever; read it from the output)
  1    anything else
  2    usage: unknown flag, missing argument; or a configuration error
  3    invalid request: refused by chargedesk's checks (nothing sent) or by the API (400)
  4    not found (404)
  5    conflict (409): the EVSE is not available for that time
  6    rate limited (429): the error says when to retry
  7    network failure, server error (5xx), unreadable answer, or an unknown
       outcome of a booking (never sent twice: look it up by its external id)
  8    authentication: API key missing or rejected (401), account refused (403)
  9    refused in read-only mode (--read-only)
  130  interrupted (Ctrl-C) — a watched booking is left as it is
`

const timeHelp = `Times are Europe/Berlin: "YYYY-MM-DD HH:MM", "DD.MM.YYYY HH:MM", "HH:MM" (the next one),
or RFC 3339 with an offset ("2026-12-01T13:00:00Z"). Durations: 1h, 90m, 1h30m.
`

const outputHelp = `Output: aligned tables or a booking block; server text is cleaned of control
characters and escape sequences. With --json: the API's objects as JSON on stdout
(indented; with --wait one object per line as each status arrives), and errors as
one line {"error": "…", "kind": "…", "status": N} on stderr (its last line; notices
such as the demo one come before it). The API key is never printed.
`

func (cmd *command) printHelp(w io.Writer, fs *flag.FlagSet) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: chargedesk %s\n\n%s\n", cmd.synopsis, cmd.about)
	b.WriteString("\nFlags:\n")
	printFlags(&b, fs, func(n string) bool { return !commonFlagNames[n] })
	b.WriteString("\nCommon flags:\n")
	printFlags(&b, fs, func(n string) bool { return commonFlagNames[n] })
	b.WriteString("\n" + configHelp + "\n" + timeHelp + "\n" + outputHelp + "\n" + exitCodeHelp)
	_, _ = io.WriteString(w, b.String())
}

const configHelp = `Configuration as the TUI (flag > environment > profile > demo): the key comes
from ` + api.EnvAPIKey + ` or a profile, never from a flag. With no key configured the
command runs on the embedded demo simulator and says so on stderr.
`

func printFlags(b *strings.Builder, fs *flag.FlagSet, keep func(string) bool) {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if keep(f.Name) {
			names = append(names, f.Name)
		}
	})
	sort.Strings(names)
	for _, n := range names {
		f := fs.Lookup(n)
		arg, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if len(head) <= 22 {
			fmt.Fprintf(b, "%-24s%s\n", head, usage)
		} else {
			fmt.Fprintf(b, "%s\n%24s%s\n", head, "", usage)
		}
	}
}

// helpCommand is `chargedesk help [COMMAND]`.
func helpCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		cmd := findCommand(args[0])
		if cmd == nil {
			fmt.Fprintf(stderr, "chargedesk help: unknown command %q (commands: %s)\n", model.SanitizeLine(args[0]), strings.Join(commandNames(), ", "))
			return exitUsage
		}
		fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
		cmd.setup(fs)
		var cf commonFlags
		cf.register(fs)
		cmd.printHelp(stdout, fs)
		return exitOK
	}
	var b strings.Builder
	b.WriteString("chargedesk — book EV chargers through the Petit Monde Energy Agent API\n\n")
	b.WriteString("Usage:\n  chargedesk [flags]            the interactive booking assistant (chargedesk -h)\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  chargedesk %-18s %s\n", c.name, c.summary)
	}
	b.WriteString("  chargedesk serve              run the API simulator as a server (serve -h)\n")
	b.WriteString("  chargedesk config             show the resolved configuration (key masked)\n")
	b.WriteString("  chargedesk help COMMAND       a command's flags (same as COMMAND -h)\n\nScripting commands:\n")
	for _, c := range commands() {
		for i, l := range strings.Split(c.synopsis, "\n") {
			if i == 0 {
				b.WriteString("  chargedesk " + l + "\n")
			} else {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	b.WriteString(`
Common flags: --json, --api-url URL, --profile NAME, --demo, --read-only, --log FILE
(and --speed N, --seed N for the demo simulator). Flags may come before or after ID.

`)
	b.WriteString(configHelp + "\n" + timeHelp + "\n" + outputHelp + "\n" + exitCodeHelp)
	_, _ = io.WriteString(stdout, b.String())
	return exitOK
}
