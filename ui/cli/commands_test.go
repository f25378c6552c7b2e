package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// The scripting commands run in-process through Execute with an Env of the
// test's own, against an httptest server running the simulator on a manual
// clock; waits advance that clock instead of sleeping. Nothing is global, so
// every test runs in parallel.

const cmdKey = "cmd-test-key-7f3a9c2e51d04b86"

var cmdT0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin

type cmdEnv struct {
	t     *testing.T
	sim   *sim.Server
	srv   *simtest.Server
	clock *sim.ManualClock
	base  string
	// commandClock is what the commands read; the simulator's clock unless a
	// test says otherwise.
	commandClock model.Clock

	mu     sync.Mutex
	vars   map[string]string // the commands' environment
	sleeps []time.Duration
	// onSleep, when set, runs at every wait of a command (after the clock moved).
	onSleep func(n int)
	cancel  context.CancelFunc
}

// isolatedEnv is a command environment with a private HOME and no
// configuration from the machine running the tests.
func isolatedEnv(t *testing.T) *cmdEnv {
	home := t.TempDir()
	clock := sim.NewManualClock(cmdT0)
	return &cmdEnv{t: t, clock: clock, commandClock: clock, vars: map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_STATE_HOME": filepath.Join(home, ".local", "state"),
	}}
}

// newCmdEnv is an isolated environment with the simulator on loopback, on
// the environment's manual clock; opts add fault handlers.
func newCmdEnv(t *testing.T, o sim.Options, opts ...simtest.Option) *cmdEnv {
	t.Helper()
	e := isolatedEnv(t)
	e.setenv(api.EnvAPIKey, cmdKey)
	if o.Key == "" {
		o.Key = cmdKey
	}
	o.Clock, o.Seed = e.clock, 1
	e.srv = simtest.Start(t, o, opts...)
	e.sim, e.base = e.srv.Sim, e.srv.Base
	return e
}

// setenv changes the environment of the commands run after it.
func (e *cmdEnv) setenv(k, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[k] = v
}

// env is what the commands get: the test's environment, clock, waits and
// Ctrl-C, and a demo simulator behind httptest.
func (e *cmdEnv) env(stdout, stderr *bytes.Buffer) Env {
	e.mu.Lock()
	vars := make(map[string]string, len(e.vars))
	for k, v := range e.vars {
		vars[k] = v
	}
	e.mu.Unlock()
	return Env{
		Stdout: stdout, Stderr: stderr,
		Getenv:    func(k string) string { return vars[k] },
		Clock:     e.commandClock,
		Sleep:     e.sleep,
		Signals:   e.signals,
		StartDemo: e.startDemo,
		Version:   "test",
	}
}

func (e *cmdEnv) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.clock.Advance(d)
	e.mu.Lock()
	e.sleeps = append(e.sleeps, d)
	n := len(e.sleeps)
	e.mu.Unlock()
	if e.onSleep != nil {
		e.onSleep(n)
	}
	return ctx.Err()
}

// signals stands in for Ctrl-C: e.cancel ends the running command's context.
func (e *cmdEnv) signals(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	e.mu.Lock()
	e.cancel = cancel
	e.mu.Unlock()
	return ctx, cancel
}

func (e *cmdEnv) interrupt() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cancel()
}

// startDemo is the embedded simulator of demo mode, on the wall clock.
func (e *cmdEnv) startDemo(speed float64, seed int64) (Demo, error) {
	s := simtest.Start(e.t, sim.Options{Speed: speed, Seed: seed, Clock: model.SystemClock{}})
	return Demo{BaseURL: s.Base, Key: s.Key, Stop: s.Close}, nil
}

// run runs chargedesk with args against the test server.
func (e *cmdEnv) run(args ...string) (int, string, string) {
	e.t.Helper()
	return e.runRaw(append(args, "--api-url", e.base)...)
}

// runRaw runs chargedesk with args as given, and checks that the API key
// shows in no output and no escape sequence reaches the terminal.
func (e *cmdEnv) runRaw(args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := Execute(args, e.env(&out, &errb))
	for _, s := range []string{out.String(), errb.String()} {
		if strings.Contains(s, cmdKey[:12]) {
			e.t.Errorf("chargedesk %v printed the API key:\n%s", args, s)
		}
		if strings.ContainsAny(s, "\x1b\x07\u009b") {
			e.t.Errorf("chargedesk %v printed an escape sequence: %q", args, s)
		}
	}
	return code, out.String(), errb.String()
}

func (e *cmdEnv) resetSleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sleeps
	e.sleeps = nil
	return s
}

func wantCode(t *testing.T, got, want int, stdout, stderr string) {
	t.Helper()
	if got != want {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got, want, stdout, stderr)
	}
}

func wantContains(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("missing %q in:\n%s", p, s)
		}
	}
}

// jsonErr decodes the --json error on stderr.
func jsonErr(t *testing.T, stderr string) failure {
	t.Helper()
	var f failure
	if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &f); err != nil {
		t.Fatalf("stderr is not one JSON error: %v\n%s", err, stderr)
	}
	return f
}

func berlinAt(t time.Time) string { return t.In(model.Berlin).Format("2006-01-02 15:04") }

// bookArgs books the flagship's EVSE n for an hour from t0+1h with driver_token.
func bookArgs(n int, customer string) []string {
	return []string{"book", "--location", sim.FlagshipLocationID, "--evse", fmt.Sprintf("DE*ENB*E123456*%d", n),
		"--start", berlinAt(cmdT0.Add(time.Hour)), "--duration", "1h", "--strategy", "driver_token", "--customer", customer}
}

// book makes a booking through the command and returns it.
func (e *cmdEnv) book(n int, customer string, extra ...string) model.Booking {
	e.t.Helper()
	code, out, errs := e.run(append(append(bookArgs(n, customer), extra...), "--json")...)
	wantCode(e.t, code, exitOK, out, errs)
	var b model.Booking
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		e.t.Fatalf("book --json: %v\n%s", err, out)
	}
	return b
}

func TestCommandSearchHuman(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run("search", "--place", "München", "--radius", "25", "--connector", "IEC_62196_T2_COMBO", "--power-min", "50", "--evses")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "within 25 km of München · CCS (Type 2 Combo) · ≥ 50 kW",
		"DIST", "LOCATION", "NAME", "ADDRESS", "CPO", "FREE", "CONNECTORS", "PRICE", "BOOKABLE",
		sim.FlagshipLocationID, "EnBW Schnellladepark Marienplatz", "DE*ENB*E123456*1", "300 kW")
	if errs != "" {
		t.Errorf("stderr: %s", errs)
	}
	// Columns are aligned: each row's last column starts under BOOKABLE.
	lines := strings.Split(out, "\n")
	head := []rune(lines[1])
	col := len([]rune(lines[1][:strings.Index(lines[1], "BOOKABLE")]))
	for _, l := range lines[2:4] {
		r := []rune(l)
		if len(r) < col || len(head) < col || !regexp.MustCompile(`^(yes|search-only|none free)$`).MatchString(string(r[col:])) {
			t.Errorf("row not aligned with the header:\n%s\n%s", lines[1], l)
		}
	}

	// Coordinates, a window and the short connector name work too.
	code, out, errs = e.run("search", "--place", "48.1351, 11.5820", "--connector", "ccs", "--from", berlinAt(cmdT0.Add(2*time.Hour)), "--duration", "90m", "--bookable", "--limit", "5")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "within 50 km of 48.13510, 11.58200", "free Tue 01 Dec 11:00–12:30 Berlin", "bookable of")
	if strings.Contains(out, "search-only") {
		t.Errorf("--bookable shows a search-only location:\n%s", out)
	}
}

func TestCommandSearchJSON(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run("search", "--json", "--place", "Munich", "--radius", "25", "--bookable")
	wantCode(t, code, exitOK, out, errs)
	var resp model.SearchResponse
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(resp.Results) == 0 || resp.Results[0].LocationID != sim.FlagshipLocationID {
		t.Fatalf("results: %+v", resp.Results)
	}
	for _, l := range resp.Results {
		if l.BookableCount() == 0 {
			t.Errorf("--bookable kept %s", l.LocationID)
		}
	}
	if len(resp.CPOResults) == 0 {
		t.Error("cpo_results dropped")
	}
}

func TestCommandSearchValidation(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run("search", "--place", "Atlantis", "--radius", "500", "--power-min", "lots")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, "invalid request (nothing was sent)", `--place: no town, postal code or station called "Atlantis"`,
		"--radius: must be more than 0 and at most 200 km", "--power-min: a number of kW, 0 or more (such as 50)")

	// The model's own rule, in its words, as JSON.
	code, out, errs = e.run("search", "--json", "--place", "München", "--connector", "SCART")
	wantCode(t, code, exitInvalid, out, errs)
	f := jsonErr(t, errs)
	if f.Kind != "validation" || f.Status != 0 || len(f.Fields) != 1 || f.Fields[0].Flag != "--connector" ||
		!strings.Contains(f.Error, `Invalid connector_type: "SCART" is not an OCPI connector type`) {
		t.Errorf("error: %+v", f)
	}
	if out != "" {
		t.Errorf("stdout on error: %q", out)
	}
}

func TestCommandUsageErrors(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	for _, args := range [][]string{
		{"search"}, // --place missing
		{"search", "--place", "Berlin", "--frobnicate"}, // unknown flag
		{"search", "--place", "Berlin", "extra"},
		{"search", "--place", "Berlin", "--duration", "1h"}, // --duration without --from
		{"status"},
		{"cancel", "a", "b"},
		{"book", "--location", "X"},
		{"book", "--location", "X", "--evse", "Y", "--start", "10:00", "--duration", "1h", "--end", "11:00", "--strategy", "ad_hoc"},
		{"book", "--location", "X", "--evse", "Y", "--start", "10:00", "--duration", "1h", "--strategy", "ad_hoc", "--customer", "c"},
		{"bookings", "--limit", "many"},
	} {
		code, out, errs := e.run(args...)
		if code != exitUsage || !strings.Contains(errs, "-h' for its flags") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		if out != "" {
			t.Errorf("%v: stdout %q", args, out)
		}
	}
	code, out, errs := e.run("book", "--json", "--location", "X")
	wantCode(t, code, exitUsage, out, errs)
	if f := jsonErr(t, errs); f.Kind != "usage" || !strings.Contains(f.Error, "missing --evse, --start, --strategy, --duration or --end") {
		t.Errorf("error: %+v", f)
	}
	code, out, errs = e.runRaw("serach", "--place", "Berlin")
	wantCode(t, code, exitUsage, out, errs)
	wantContains(t, errs, `unknown command "serach"`)
}

func TestCommandHelp(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.runRaw("help")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "chargedesk search --place", "chargedesk book --location", "chargedesk status ID|REFERENCE [--wait]",
		"chargedesk cancel ID", "chargedesk bookings", "Exit codes:", "130", "read-only")
	for _, c := range []string{"search", "book", "status", "cancel", "bookings"} {
		for _, args := range [][]string{{c, "-h"}, {c, "--help"}, {"help", c}} {
			code, out, errs := e.runRaw(args...)
			wantCode(t, code, exitOK, out, errs)
			wantContains(t, out, "Usage: chargedesk "+c, "Exit codes:", "--json", "--api-url URL", "9    refused in read-only mode")
		}
	}
	code, out, errs = e.runRaw("status", "-h")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "exits 0 at any final status")
}

func TestCommandBookAndStatus(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run(append(bookArgs(1, "cust_abc"), "--connector", "1", "--external-id", "driver-123-session-456")...)
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "REQUESTED", "Waiting for the CPO to confirm (usually 1–10 s).", "driver-123-session-456",
		"EnBW Schnellladepark Marienplatz", "DE*ENB*E123456*1 · connector 1",
		"Window     Tue 01 Dec 2026 10:00 – 11:00 Berlin (09:00–10:00 UTC)", "starts in 1 h 00 min",
		"driver_token · customer cust_abc", "Watch it: chargedesk status ")
	bs := e.sim.Bookings()
	if len(bs) != 1 || bs[0].ExternalID != "driver-123-session-456" || bs[0].ConnectorID != "1" {
		t.Fatalf("simulator holds %+v", bs)
	}
	id := bs[0].ID

	// The CPO confirms within 10 s.
	e.clock.Advance(15 * time.Second)
	code, out, errs = e.run("status", id)
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "CONFIRMED", "Show the driver the reservation details and the charger's location.", "CPO ref    ENB-R-", id)

	code, out, errs = e.run("status", "--json", id)
	wantCode(t, code, exitOK, out, errs)
	var b model.Booking
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.ID != id || b.Status != model.Confirmed {
		t.Fatalf("status --json: %v %+v\n%s", err, b, out)
	}

	// A default external id is made per attempt; ad_hoc carries its token.
	code, out, errs = e.run("book", "--json", "--location", sim.FlagshipLocationID, "--evse", "DE*ENB*E123456*2",
		"--start", berlinAt(cmdT0.Add(time.Hour)), "--duration", "30m", "--strategy", "ad_hoc")
	wantCode(t, code, exitOK, out, errs)
	var b2 model.Booking
	if err := json.Unmarshal([]byte(out), &b2); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b2.ExternalID, "cd-20261201-0900-") || b2.Status != model.Requested || b2.AdHocToken == nil { // 08:00 UTC is 09:00 in Berlin
		t.Errorf("booking %+v", b2)
	}
}

func TestCommandBookRFC3339AndEnd(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	start := cmdT0.Add(2 * time.Hour)
	code, out, errs := e.run("book", "--json", "--location", sim.ExampleLocationBerlin, "--evse", "DE*ALG*E456789*1",
		"--start", start.Format(time.RFC3339), "--end", start.Add(90*time.Minute).In(model.Berlin).Format(time.RFC3339),
		"--strategy", "pipelet", "--token-uid", "04a2b3c4d5e6f7")
	wantCode(t, code, exitOK, out, errs)
	var b model.Booking
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	if s, en := b.Window(); !s.Equal(start) || en.Sub(s) != 90*time.Minute || b.TokenUID != "04A2B3C4D5E6F7" {
		t.Errorf("booking %+v", b)
	}
}

func TestCommandBookValidation(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	args := []string{"book", "--location", sim.FlagshipLocationID, "--evse", "DE*ENB*E123456*1",
		"--start", berlinAt(cmdT0.Add(5 * time.Minute)), "--duration", "5h", "--strategy", "pipelet", "--token-uid", "xyz"}
	code, out, errs := e.run(args...)
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, "invalid request (nothing was sent)",
		"--start: reservation_start must be at least 15 minutes in the future",
		"--duration: the reservation may last at most 4 hours",
		"--token-uid: token_uid must be 8, 14 or 20 hexadecimal characters",
		"dates must be in the future")
	if len(e.sim.Bookings()) != 0 {
		t.Fatal("an invalid booking was sent")
	}
	code, out, errs = e.run(append(args, "--json")...)
	wantCode(t, code, exitInvalid, out, errs)
	f := jsonErr(t, errs)
	if f.Kind != "validation" || len(f.Fields) != 3 || f.Fields[0].Field != "reservation_start" || f.Fields[0].Flag != "--start" {
		t.Errorf("error %+v", f)
	}
	code, out, errs = e.run("book", "--location", "L", "--evse", "E", "--start", "tomorrow-ish", "--duration", "soon", "--strategy", "driver_token")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, `--start: use "HH:MM"`, "--duration: a length such as 40, 45 min, 1h10, 1:10 or 1,5 h")

	// A 400 of the API is a validation failure too.
	code, out, errs = e.run("book", "--json", "--location", sim.FlagshipLocationID, "--evse", "DE*ENB*E123456*1",
		"--start", berlinAt(cmdT0.Add(time.Hour)), "--duration", "1h", "--strategy", "group_token", "--fleet-group", sim.OverLimitFleetGroup)
	wantCode(t, code, exitInvalid, out, errs)
	if f := jsonErr(t, errs); f.Kind != "bad_request" || f.Status != 400 || f.Error != "Fleet group spending limit exceeded" {
		t.Errorf("error %+v", f)
	}
}

func TestCommandConflictAndNotFound(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	e.book(1, "cust_abc")
	code, out, errs := e.run(bookArgs(1, "cust_other")...)
	wantCode(t, code, exitConflict, out, errs)
	wantContains(t, errs, "slot taken (409)", "--evses")

	code, out, errs = e.run(append(bookArgs(1, "cust_other"), "--json")...)
	wantCode(t, code, exitConflict, out, errs)
	if f := jsonErr(t, errs); f.Kind != "conflict" || f.Status != 409 || f.Error == "" {
		t.Errorf("error %+v", f)
	}

	code, out, errs = e.run("status", "no-such-booking")
	wantCode(t, code, exitNotFound, out, errs)
	wantContains(t, errs, "not found (404)", "visible only to the API key that made it")
	code, out, errs = e.run("cancel", "--json", "no-such-booking")
	wantCode(t, code, exitNotFound, out, errs)
	if f := jsonErr(t, errs); f.Kind != "not_found" || f.Status != 404 {
		t.Errorf("error %+v", f)
	}
	code, out, errs = e.run(append(bookArgs(1, "cust_abc"), "--location", "DE-XXX-E000000")...)
	wantCode(t, code, exitNotFound, out, errs)
	wantContains(t, errs, "search again")
}

func TestCommandCancel(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, "cust_abc")
	code, out, errs := e.run("cancel", b.ID, "--reason", "Plans changed")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "CANCELLED", "Cancelled — try another charger if the driver still needs one.",
		"Reason     Plans changed", "Cancelled, free of charge.")

	code, out, errs = e.run("cancel", b.ID)
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, "the API refused the cancel (400): Booking cannot be cancelled in status CANCELLED")

	// Confirmed and within an hour of the start: the CPO's fee.
	b2 := e.book(2, "cust_abc")
	e.clock.Advance(15 * time.Second)
	code, out, errs = e.run("cancel", "--json", b2.ID)
	wantCode(t, code, exitOK, out, errs)
	var c model.Booking
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Status != model.Cancelled || c.ClientPrice == nil || *c.ClientPrice != sim.LateCancelFee {
		t.Fatalf("cancel --json: %v %+v", err, c)
	}
}

func TestCommandBookings(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	var ids []string
	for n := 0; n < 3; n++ {
		start := berlinAt(cmdT0.Add(time.Duration(1+2*n) * time.Hour))
		ids = append(ids, e.book(1, "cust_abc", "--external-id", "ext-"+string(rune('a'+n)), "--start", start).ID)
		e.clock.Advance(time.Minute)
	}
	code, out, errs := e.run("cancel", ids[0])
	wantCode(t, code, exitOK, out, errs)

	code, out, errs = e.run("bookings")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "ID", "CREATED", "STATUS", "EXTERNAL ID", "CUSTOMER/TOKEN", "LOCATION", "WINDOW (BERLIN)", "PRICE",
		"ext-a", "ext-b", "ext-c", "cust_abc", "EnBW Schnellladepark Marienplatz, München", "2026-12-01 10:00–11:00", "3 bookings (newest first).")
	if strings.Index(out, "ext-c") > strings.Index(out, "ext-a") {
		t.Errorf("not newest first:\n%s", out)
	}

	code, out, errs = e.run("bookings", "--limit", "2")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "2 of 3 bookings (newest first); --all lists every one.")

	// --all pages by offset.
	code, out, errs = e.run("bookings", "--json", "--all", "--limit", "1")
	wantCode(t, code, exitOK, out, errs)
	var list model.BookingList
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Bookings) != 3 || list.Total != 3 {
		t.Fatalf("bookings --all: %v %+v", err, list)
	}
	for i, b := range list.Bookings {
		if b.ID != ids[2-i] {
			t.Errorf("booking %d is %s, want %s", i, b.ID, ids[2-i])
		}
	}

	code, out, errs = e.run("bookings", "--json", "--status", "cancelled", "--from", "2026-12-01", "--to", "2026-12-01")
	wantCode(t, code, exitOK, out, errs)
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Bookings) != 1 || list.Bookings[0].ID != ids[0] {
		t.Fatalf("--status: %v %+v", err, list)
	}
	code, out, errs = e.run("bookings", "--from", "2026-12-02")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "No bookings match.")

	code, out, errs = e.run("bookings", "--status", "PARKED")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, `Invalid status: "PARKED"`)
	code, out, errs = e.run("bookings", "--from", "last week")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, `--from: use "YYYY-MM-DD"`)
}

// changeLineRe is a status change of --wait in human mode.
var changeLineRe = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  ([A-Z_]+)`)

func TestCommandStatusWaitExpired(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, sim.TriggerExpire)
	e.resetSleeps()

	code, out, errs := e.run("status", b.ID, "--wait")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, out, "REQUESTED", "The CPO didn't respond — suggest trying another charger.")
	changes := changeLineRe.FindAllStringSubmatch(out, -1)
	if len(changes) != 1 || changes[0][1] != "EXPIRED" {
		t.Errorf("changes %v in:\n%s", changes, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "EXPIRED since 2026-12-01 09:00:30 Berlin") {
		t.Errorf("the final block is not last:\n%s", out)
	}
	wantContains(t, errs, "watching booking "+b.ID)
	// The TUI's policy: every 5 s while the CPO decides, stopping at the final status.
	sleeps := e.resetSleeps()
	var total time.Duration
	for _, d := range sleeps {
		if d != model.PollConfirming {
			t.Errorf("waited %v, want %v", d, model.PollConfirming)
		}
		total += d
	}
	if total != 30*time.Second {
		t.Errorf("waited %v in all (%d polls), want 30s", total, len(sleeps))
	}

	// Already final: printed once, no wait.
	code, out, errs = e.run("status", "--wait", "--json", b.ID)
	wantCode(t, code, exitOK, out, errs)
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 || !strings.Contains(out, `"status":"EXPIRED"`) {
		t.Errorf("want one JSON line, got:\n%s", out)
	}
	if len(e.resetSleeps()) != 0 {
		t.Error("waited for a final booking")
	}
}

func TestCommandBookWaitJSONLines(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run(append(bookArgs(1, "cust_abc"), "--wait", "--json")...)
	wantCode(t, code, exitOK, out, errs)
	if errs != "" {
		t.Errorf("stderr in --json mode: %s", errs)
	}
	var seen []model.Status
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var b model.Booking
		if err := json.Unmarshal(sc.Bytes(), &b); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seen = append(seen, b.Status)
	}
	if len(seen) < 3 || seen[0] != model.Requested || seen[len(seen)-1] != model.Completed {
		t.Fatalf("statuses %v", seen)
	}
	order := map[model.Status]int{}
	for i, st := range model.Statuses {
		order[st] = i
	}
	for i := 1; i < len(seen); i++ {
		if order[seen[i]] <= order[seen[i-1]] {
			t.Errorf("statuses %v: %s after %s", seen, seen[i], seen[i-1])
		}
	}
	// The policy asked while the CPO decided, then only at the booking's
	// decision points: few requests, with long waits between them.
	sleeps := e.resetSleeps()
	long := false
	for _, d := range sleeps {
		long = long || d >= 15*time.Minute
	}
	if !long || len(sleeps) > 8 {
		t.Errorf("%d waits %v: want at most 8, one of them long (a decision point far off)", len(sleeps), sleeps)
	}
}

func TestCommandWaitInterrupted(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, sim.TriggerExpire)
	e.onSleep = func(n int) {
		if n == 2 {
			e.interrupt() // Ctrl-C
		}
	}
	code, out, errs := e.run("status", b.ID, "--wait")
	wantCode(t, code, exitInterrupted, out, errs)
	wantContains(t, errs, "interrupted: stopped watching booking "+b.ID+", which is REQUESTED (nothing was cancelled)")
	if st := e.sim.Bookings()[0].Status; st != model.Requested {
		t.Errorf("booking is %s", st)
	}
}

func TestCommandRateLimited(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{RateLimit: 1})
	code, out, errs := e.run("search", "--place", "Berlin")
	wantCode(t, code, exitOK, out, errs)
	code, out, errs = e.run("search", "--place", "Berlin")
	wantCode(t, code, exitRateLimited, out, errs)
	wantContains(t, errs, "rate limited (429)", "Wait 1 min")
	code, out, errs = e.run("bookings", "--json")
	wantCode(t, code, exitRateLimited, out, errs)
	if f := jsonErr(t, errs); f.Kind != "rate_limited" || f.Status != 429 || f.RetryAfter < 1 || f.RetryAfter > 60 {
		t.Errorf("error %+v", f)
	}
}

func TestCommandNetworkFailure(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	e.srv.Close()
	code, out, errs := e.run("search", "--place", "Berlin")
	wantCode(t, code, exitUnavailable, out, errs)
	wantContains(t, errs, "network problem", "Nothing was changed")
	code, out, errs = e.run("status", "--json", "abc")
	wantCode(t, code, exitUnavailable, out, errs)
	if f := jsonErr(t, errs); f.Kind != "network" || f.Status != 0 {
		t.Errorf("error %+v", f)
	}
	// A create without an answer is not sent again blindly: the look-up fails too.
	code, out, errs = e.run(bookArgs(1, "cust_abc")...)
	wantCode(t, code, exitUnavailable, out, errs)
	wantContains(t, errs, "outcome unknown", "it was NOT sent again", "Look for external_id cd-")
	// An external id of the caller's is looked up before anything is sent:
	// that failing, nothing is sent at all, and the outcome of an earlier
	// attempt under that id is unknown.
	code, out, errs = e.run(append(bookArgs(1, "cust_abc"), "--external-id", "ext-lost")...)
	wantCode(t, code, exitUnavailable, out, errs)
	wantContains(t, errs, "outcome unknown", "external_id ext-lost may have booked", "nothing was sent")
}

func TestCommandServerError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/teapot") {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"error":"upstream CPO unreachable"}`))
	}))
	defer srv.Close()
	e := isolatedEnv(t)
	e.setenv(api.EnvAPIKey, cmdKey)
	e.base = srv.URL
	code, out, errs := e.run("bookings")
	wantCode(t, code, exitUnavailable, out, errs)
	wantContains(t, errs, "server error (502): upstream CPO unreachable")
	// Anything without a class of its own: exit 1.
	code, out, errs = e.run("status", "teapot")
	wantCode(t, code, exitError, out, errs)
}

func TestCommandAuth(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{SuspendedKey: "suspended-key-5555"})
	e.setenv(api.EnvAPIKey, "wrong-key-0123456789")
	code, out, errs := e.run("search", "--place", "Berlin")
	wantCode(t, code, exitAuth, out, errs)
	wantContains(t, errs, "API key rejected (401): Invalid API key", "PETITMONDE_API_KEY")
	if strings.Contains(errs, "wrong-key-0123456789") {
		t.Errorf("printed the key: %s", errs)
	}
	code, out, errs = e.run("bookings", "--json")
	wantCode(t, code, exitAuth, out, errs)
	if f := jsonErr(t, errs); f.Kind != "unauthorized" || f.Status != 401 {
		t.Errorf("error %+v", f)
	}

	e.setenv(api.EnvAPIKey, "suspended-key-5555")
	code, out, errs = e.run("status", "abc")
	wantCode(t, code, exitAuth, out, errs)
	wantContains(t, errs, "access refused (403)", "suspended")

	// --api-url without any key: live mode, and the API says 401.
	e.setenv(api.EnvAPIKey, "")
	code, out, errs = e.run("bookings")
	wantCode(t, code, exitAuth, out, errs)
	wantContains(t, errs, "no API key (401)")
}

func TestCommandReadOnly(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, "cust_abc")
	code, out, errs := e.run(append(bookArgs(2, "cust_abc"), "--read-only")...)
	wantCode(t, code, exitReadOnly, out, errs)
	wantContains(t, errs, "booking is disabled: chargedesk runs in read-only mode (--read-only)")
	code, out, errs = e.run("cancel", b.ID, "--read-only", "--json")
	wantCode(t, code, exitReadOnly, out, errs)
	if f := jsonErr(t, errs); f.Kind != "read_only" {
		t.Errorf("error %+v", f)
	}
	if n := len(e.sim.Bookings()); n != 1 || e.sim.Bookings()[0].Status == model.Cancelled {
		t.Errorf("read-only changed something: %d bookings", n)
	}
	// Reading works.
	code, out, errs = e.run("status", b.ID, "--read-only")
	wantCode(t, code, exitOK, out, errs)
}

// A hostile or broken server: escape sequences in names and the key echoed
// back in texts never reach the terminal.
func TestCommandServerTextSanitisedAndKeyNeverPrinted(t *testing.T) {
	t.Parallel()
	evil := "Evil\x1b]52;c;cm0gLXJmIH4=\x07 Charger \x1b[2J" + cmdKey + "\u009b31m\u202e"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/search"):
			loc := model.Location{LocationID: "DE-EVL-E000001", Name: evil, CPOName: evil, Address: evil, SupportsReservation: true,
				EVSEs: []model.EVSE{{EVSEUID: "DE*EVL*E000001*1", Status: model.EVSEAvailable}}}
			_ = json.NewEncoder(w).Encode(model.SearchResponse{Total: 1, Results: []model.Location{loc}})
		case strings.HasSuffix(r.URL.Path, "/bookings/b1"):
			_ = json.NewEncoder(w).Encode(model.Booking{ID: "b1", Status: model.Cancelled, LocationName: evil, CancellationReason: evil, ExternalID: evil})
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(model.ErrorBody{Error: "unknown key " + cmdKey + " \x1b[31mred"})
		}
	}))
	defer srv.Close()
	e := isolatedEnv(t)
	e.setenv(api.EnvAPIKey, cmdKey)
	e.base = srv.URL
	logPath := filepath.Join(t.TempDir(), "api.log")
	for _, args := range [][]string{
		{"search", "--place", "Berlin"},
		{"search", "--place", "Berlin", "--json", "--evses"},
		{"status", "b1"},
		{"status", "b1", "--json"},
		{"bookings"},
		{"bookings", "--json", "--log", logPath},
	} {
		code, out, errs := e.run(args...) // run checks: no key, no escape
		if strings.Contains(out+errs, "\u202e") {
			t.Errorf("%v: a bidi override got through", args)
		}
		if args[0] == "bookings" && code != exitNotFound {
			t.Errorf("%v: exit %d", args, code)
		}
		if args[0] != "bookings" {
			wantCode(t, code, exitOK, out, errs)
			wantContains(t, out, "Evil Charger ••••86")
		}
	}
	log, err := os.ReadFile(logPath)
	if err != nil || len(log) == 0 || bytes.Contains(log, []byte(cmdKey)) {
		t.Errorf("log: %v, %d bytes, key in it: %v", err, len(log), bytes.Contains(log, []byte(cmdKey)))
	}
}

func TestCommandDemoWhenNoKey(t *testing.T) {
	t.Parallel()
	e := isolatedEnv(t)
	e.commandClock = model.SystemClock{}
	code, out, errs := e.runRaw("search", "--place", "München", "--json")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "chargedesk: no API key configured: using the embedded demo simulator")
	var resp model.SearchResponse
	if err := json.Unmarshal([]byte(out), &resp); err != nil || len(resp.Results) == 0 {
		t.Fatalf("demo search: %v\n%s", err, out)
	}

	// --demo forces it even with a key; a booking there is said to be a demo.
	e.setenv(api.EnvAPIKey, cmdKey)
	start := time.Now().Add(time.Hour).In(model.Berlin).Format("2006-01-02 15:04")
	code, out, errs = e.runRaw("book", "--demo", "--location", sim.FlagshipLocationID, "--evse", "DE*ENB*E123456*1",
		"--start", start, "--duration", "1h", "--strategy", "ad_hoc")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "--demo: using the embedded demo simulator; nothing is booked for real")
	wantContains(t, out, "REQUESTED", "Simulated clock", "Demo: the simulator ends with this command")
}

// Flags go before or after the ID; "--" ends them.
func TestCommandFlagsAfterID(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	b := e.book(1, "cust_abc")
	code, out, errs := e.run("status", b.ID, "--json")
	wantCode(t, code, exitOK, out, errs)
	if !strings.Contains(out, `"id": "`+b.ID+`"`) {
		t.Errorf("--json after the ID was not taken:\n%s", out)
	}
	code, out, errs = e.run("status", "--wait", "ID1", "--", "--not-a-flag")
	wantCode(t, code, exitUsage, out, errs)
	wantContains(t, errs, `one booking ID, please; unexpected "--not-a-flag"`)
}
