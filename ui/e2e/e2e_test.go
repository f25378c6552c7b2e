// Package e2e tests the real chargedesk binary: built once from the module
// root, run under a pseudo-terminal, its screen read through a VT emulator as
// a person would see it.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

var (
	binPath    string
	scratchDir string // removed when the tests end
)

// moduleRoot is where `go build` finds the chargedesk command.
const moduleRoot = "../.."

// crashTestTag builds the binary with the F12 panic of the crash-path test
// (ui/cli/crashtest_on.go); the production build has no such key.
const crashTestTag = "chargedesk_crashtest"

// e2eParallel is how many end-to-end tests run at once unless -parallel says
// otherwise: they mostly wait on a pty or a timer, so more than the cores.
const e2eParallel = 8

func TestMain(m *testing.M) {
	flag.Parse()
	if !flagSet("test.parallel") {
		_ = flag.Set("test.parallel", fmt.Sprint(e2eParallel))
	}
	if os.Getenv("CHARGEDESK_SKIP_E2E") != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "chargedesk-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratchDir = dir
	binPath = filepath.Join(dir, "chargedesk")
	if err := goBuild(binPath, moduleRoot, "-tags", crashTestTag); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// flagSet tells whether the flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// goBuild builds the main package in dir into out.
func goBuild(out, dir string, args ...string) error {
	cmd := exec.Command("go", append(append([]string{"build"}, args...), "-o", out, ".")...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", dir, err, b)
	}
	return nil
}

// term is the program under a pty with an emulator reading its output.
type term struct {
	t   *testing.T
	cmd *exec.Cmd
	pty *os.File
	mu  sync.Mutex
	emu *vt.Emulator
	raw bytes.Buffer // everything the program wrote
	// wrote is closed (and replaced) each time output reaches the emulator:
	// a wait for the screen wakes on it instead of polling.
	wrote chan struct{}
	done  chan struct{}
	read  chan struct{} // closed when all output has been read
	err   error
}

// pinnedEnv is the environment every run gets: no API key, a private HOME
// and config dir, a known terminal type.
func pinnedEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"PATH=" + os.Getenv("PATH"),
		"TZ=UTC",
	}
	return append(env, extra...)
}

func start(t *testing.T, w, h int, env []string, args ...string) *term {
	t.Helper()
	if binPath == "" {
		t.Skip("end-to-end tests skipped (CHARGEDESK_SKIP_E2E)")
	}
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	tm := &term{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), wrote: make(chan struct{}), done: make(chan struct{}), read: make(chan struct{})}
	// The emulator's answers to the program's queries go back as input.
	go func() { _, _ = io.Copy(f, tm.emu) }()
	go func() {
		defer close(tm.read)
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.raw.Write(buf[:n])
				_, _ = tm.emu.Write(buf[:n])
				close(tm.wrote)
				tm.wrote = make(chan struct{})
				tm.mu.Unlock()
			}
			if err != nil {
				break
			}
		}
	}()
	go func() {
		tm.err = cmd.Wait()
		close(tm.done)
	}()
	t.Cleanup(func() {
		select {
		case <-tm.done:
		default:
			_ = cmd.Process.Kill()
			<-tm.done
		}
		_ = f.Close()
	})
	return tm
}

func (tm *term) screen() string {
	s, _ := tm.screenAndNext()
	return s
}

// screenAndNext is the screen now and a channel closed when more output has
// reached it.
func (tm *term) screenAndNext() (string, <-chan struct{}) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String(), tm.wrote
}

// waitFor waits until the screen shows every part, and returns it.
func (tm *term) waitFor(timeout time.Duration, parts ...string) string {
	tm.t.Helper()
	return tm.waitUntil(timeout, fmt.Sprintf("the screen lacks %q", parts), func(s string) bool {
		for _, p := range parts {
			if !strings.Contains(s, p) {
				return false
			}
		}
		return true
	})
}

// waitUntil waits until ok holds for the screen, checking it each time the
// program's output reaches the emulator, and returns that screen; after
// timeout it fails the test saying what was awaited.
func (tm *term) waitUntil(timeout time.Duration, what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s, next := tm.screenAndNext()
		if ok(s) {
			return s
		}
		select {
		case <-next:
		case <-tm.read:
			if s := tm.screen(); ok(s) {
				return s
			}
			tm.t.Fatalf("the program's output ended; %s:\n%s", what, tm.screen())
		case <-deadline.C:
			tm.t.Fatalf("after %v %s:\n%s", timeout, what, tm.screen())
		}
	}
}

var keySeq = map[string]string{
	"enter": "\r", "tab": "\t", "esc": "\x1b", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
	"ctrl+c": "\x03", "ctrl+u": "\x15", "backspace": "\x7f", "f2": "\x1bOQ",
	"ctrl+r": "\x12", "shift+tab": "\x1b[Z",
}

// press types keys (names from keySeq, or text as it is), in order. A lone
// ESC is told from the start of an escape sequence only by what follows it,
// so esc goes through back, which waits for its effect on the screen.
func (tm *term) press(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if k == "esc" {
			tm.t.Fatal("press(\"esc\"): use back, which waits until the program has read the ESC")
		}
		seq, ok := keySeq[k]
		if !ok {
			seq = k
		}
		if _, err := tm.pty.Write([]byte(seq)); err != nil {
			tm.t.Fatalf("write %q: %v", k, err)
		}
	}
}

// back presses esc and waits until the screen shows every part, which it must
// not show before: the program has read the ESC alone (not as the start of
// the next key's sequence) once the screen it leads to is drawn.
func (tm *term) back(timeout time.Duration, parts ...string) string {
	tm.t.Helper()
	before := tm.screen()
	all := true
	for _, p := range parts {
		all = all && strings.Contains(before, p)
	}
	if all {
		tm.t.Fatalf("back: the screen already shows %q, so it cannot tell that esc was read:\n%s", parts, before)
	}
	if _, err := tm.pty.Write([]byte(keySeq["esc"])); err != nil {
		tm.t.Fatalf("write esc: %v", err)
	}
	return tm.waitFor(timeout, parts...)
}

// resize gives the terminal a new size and waits until the screen shows
// every part. The emulator is never smaller than what the program draws for:
// output drawn for the old size may still be in the pty, and its scroll
// margins would lie outside a smaller emulator (x/vt does not clamp them).
// So it grows before the program learns the new size, and shrinks once the
// program has drawn for it.
func (tm *term) resize(timeout time.Duration, w, h int, parts ...string) string {
	tm.t.Helper()
	emulatorTo := func() {
		tm.mu.Lock()
		tm.emu.Resize(w, h)
		tm.mu.Unlock()
	}
	tm.mu.Lock()
	shrink := w < tm.emu.Width() || h < tm.emu.Height()
	tm.mu.Unlock()
	if !shrink {
		emulatorTo()
	}
	if err := pty.Setsize(tm.pty, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		tm.t.Fatal(err)
	}
	s := tm.waitFor(timeout, parts...)
	if shrink {
		emulatorTo()
		s = tm.screen()
	}
	return s
}

func (tm *term) waitExit(timeout time.Duration) {
	tm.t.Helper()
	select {
	case <-tm.done:
	case <-time.After(timeout):
		tm.t.Fatalf("the program did not exit; screen:\n%s", tm.screen())
	}
	// The last frames may still sit in the pty: read them all before judging.
	select {
	case <-tm.read:
	case <-time.After(5 * time.Second):
		tm.t.Fatal("the program's output did not end after it exited")
	}
}

// restored checks that the program left the alternate screen and showed the cursor.
func (tm *term) restored() {
	tm.t.Helper()
	tm.mu.Lock()
	defer tm.mu.Unlock()
	raw := tm.raw.String()
	enter := strings.LastIndex(raw, "\x1b[?1049h")
	leave := strings.LastIndex(raw, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		tm.t.Fatalf("the alternate screen was not left (enter at %d, leave at %d)", enter, leave)
	}
	if tm.emu.IsAltScreen() {
		tm.t.Fatal("the emulator is still on the alternate screen")
	}
	if strings.LastIndex(raw, "\x1b[?25h") < strings.LastIndex(raw, "\x1b[?25l") {
		tm.t.Fatal("the cursor was left hidden")
	}
}

// Launch to CONFIRMED in demo mode with Enter only.
func TestE2EDemoEnterOnlyToConfirmed(t *testing.T) {
	t.Parallel()
	tm := start(t, 100, 30, pinnedEnv(t))
	tm.waitFor(10*time.Second, "DEMO", "Find a charger", "München")
	steps := []string{"sorted by distance", "EVSEs (", "Ready — enter books it", "REQUESTED"}
	keys := 0
	for _, want := range steps {
		tm.press("enter")
		keys++
		tm.waitFor(10*time.Second, want)
	}
	if keys > 6 {
		t.Fatalf("%d keys to a submitted booking", keys)
	}
	s := tm.waitFor(20*time.Second, "CONFIRMED", "CPO ref", "Simulated clock")
	if strings.Contains(s, "demo-key") {
		t.Fatal("the simulator's key is on screen")
	}
	tm.press("q")
	tm.waitFor(5*time.Second, "Quit chargedesk?")
	tm.press("y")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// cust_expire: the CPO never answers; EXPIRED and the suggestion to try another charger.
func TestE2EExpiredSuggestsAnotherCharger(t *testing.T) {
	t.Parallel()
	// A CPO that gives up after 3 s instead of 30: the test waits for the
	// outcome, not for the clock.
	_, base := startServe(t, "--key", "e2e-expire-0123456789", "--confirm-timeout", "3s")
	tm := start(t, 100, 30, pinnedEnv(t, "PETITMONDE_API_KEY=e2e-expire-0123456789"), "--api-url", base)
	tm.waitFor(10*time.Second, "Find a charger")
	tm.press("down") // München
	tm.press("enter")
	tm.waitFor(10*time.Second, "sorted by distance")
	tm.press("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	tm.press("enter")
	tm.waitFor(10*time.Second, "Customer id")
	tm.press("cust_expire")
	tm.waitFor(5*time.Second, "cust_expire")
	tm.press("enter")
	tm.waitFor(10*time.Second, "REQUESTED")
	tm.waitFor(20*time.Second, "EXPIRED", "suggest trying another charger", "t try another charger")
	tm.press("t")
	tm.waitFor(5*time.Second, "⚑ EXPIRED")
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// The same EVSE and window twice: 409 and the other free EVSEs.
func TestE2EConflict(t *testing.T) {
	t.Parallel()
	tm := start(t, 100, 30, pinnedEnv(t))
	tm.waitFor(10*time.Second, "Find a charger")
	for _, want := range []string{"sorted by distance", "EVSEs (", "Ready", "REQUESTED"} {
		tm.press("enter")
		tm.waitFor(10*time.Second, want)
	}
	tm.back(5*time.Second, "EVSEs (")
	tm.press("enter")
	tm.waitFor(5*time.Second, "Ready")
	tm.press("enter")
	tm.waitFor(5*time.Second, "You already booked this EVSE")
	tm.press("enter") // a second booking of it on purpose: the API refuses
	tm.waitFor(10*time.Second, "409", "Other free EVSEs here", "ctrl+n")
	tm.press("\x0e") // ctrl+n
	tm.press("enter")
	tm.waitFor(10*time.Second, "REQUESTED")
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// A simulator with a low --rate-limit: 429 with a visible countdown.
// (chargedesk asks GET /usage once at start, then the search: 2 requests.)
func TestE2ERateLimitCountdown(t *testing.T) {
	t.Parallel()
	_, base := startServe(t, "--rate-limit", "2", "--key", "e2e-key-0123456789")
	tm := start(t, 100, 30, pinnedEnv(t, "PETITMONDE_API_KEY=e2e-key-0123456789"), "--api-url", base)
	// The start's /usage answered (it counts itself) before the search goes
	// out: two answers in flight at once could come back in either order.
	tm.waitFor(10*time.Second, "LIVE", "127.0.0.1", "Find a charger", "rate 1/2")
	tm.press("down") // München
	tm.press("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "rate 0/2") // the usage meter and the search
	tm.press("enter")
	tm.waitFor(5*time.Second, "EVSEs (")
	tm.press("enter")
	tm.waitFor(5*time.Second, "Customer id")
	tm.press("cust_abc123")
	tm.press("enter")
	s := tm.waitFor(10*time.Second, "Rate limited", "retrying automatically in")
	re2 := regexp.MustCompile(`retrying automatically in ([^(]+) \(`)
	countdown := func(screen string) []string { return re2.FindStringSubmatch(strings.ReplaceAll(screen, "\n", " ")) }
	first := countdown(s)
	if first == nil {
		t.Fatalf("no countdown on screen:\n%s", s)
	}
	// The countdown moves: the screen shows another value of it (it ticks each second).
	tm.waitUntil(5*time.Second, fmt.Sprintf("the countdown does not move from %q", first[1]), func(screen string) bool {
		second := countdown(screen)
		return second != nil && second[1] != first[1]
	})
	if strings.Contains(tm.screen(), "e2e-key-0123456789") {
		t.Fatal("the key is on screen")
	}
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// Resizing below the minimum shows one notice; back up, the screen returns.
func TestE2EResize(t *testing.T) {
	t.Parallel()
	tm := start(t, 100, 30, pinnedEnv(t))
	tm.waitFor(10*time.Second, "Find a charger")
	tm.resize(5*time.Second, 50, 12, "Terminal too small")
	tm.resize(5*time.Second, 80, 24, "Find a charger", "Min. power")
	tm.press("enter")
	tm.waitFor(10*time.Second, "sorted by distance")
	tm.resize(5*time.Second, 120, 40, "sorted by distance")
	tm.press("q")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// --help and --version work without a terminal.
func TestE2EHelpAndVersion(t *testing.T) {
	t.Parallel()
	if binPath == "" {
		t.Skip("end-to-end tests skipped")
	}
	out, err := exec.Command(binPath, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "chargedesk ") {
		t.Fatalf("--version: %v %q", err, out)
	}
	cmd := exec.Command(binPath, "--help")
	cmd.Env = pinnedEnv(t, "PETITMONDE_API_KEY=secret-key-that-must-not-show")
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PETITMONDE_API_KEY") || !strings.Contains(string(out), "-api-url") {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "secret-key-that-must-not-show") {
		t.Fatal("--help shows the key")
	}
	cmd = exec.Command(binPath, "config")
	cmd.Env = pinnedEnv(t, "PETITMONDE_API_KEY=secret-key-that-must-not-show")
	out, _ = cmd.CombinedOutput()
	if strings.Contains(string(out), "secret-key-that-must-not-show") || !strings.Contains(string(out), "••••") {
		t.Fatalf("config dump does not mask the key:\n%s", out)
	}
}

// A panic restores the terminal, says where the crash log is, and the log
// does not carry the key.
func TestE2EPanicRestoresTerminalAndKeepsTheKey(t *testing.T) {
	t.Parallel()
	const key = "crash-key-0123456789abcdef"
	srv, base := startServe(t, "--key", key)
	_ = srv
	env := pinnedEnv(t, "PETITMONDE_API_KEY="+key)
	logFile := filepath.Join(t.TempDir(), "calls.jsonl")
	tm := start(t, 100, 30, env, "--api-url", base, "--log", logFile)
	tm.waitFor(10*time.Second, "Find a charger")
	tm.press("down", "enter")
	tm.waitFor(10*time.Second, "sorted by distance")
	tm.press("\x1b[24~") // F12
	tm.waitExit(10 * time.Second)
	tm.restored()
	tm.mu.Lock()
	raw := tm.raw.String()
	tm.mu.Unlock()
	m := regexp.MustCompile(`crash log is at (\S+)`).FindStringSubmatch(raw)
	if m == nil {
		t.Fatalf("no crash log named; output tail:\n%q", raw[max(0, len(raw)-400):])
	}
	if strings.Contains(raw, key) {
		t.Fatal("the key reached the terminal")
	}
	log, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "test panic requested with F12") || strings.Contains(string(log), key) {
		t.Fatalf("crash log:\n%s", log)
	}
	if code := tm.cmd.ProcessState.ExitCode(); code != 70 {
		t.Fatalf("exit code %d, want 70", code)
	}
	// The --log file: one JSON object per call, the key in none.
	calls, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) < 2 || !strings.Contains(string(calls), `"path":"/search?`) || strings.Contains(string(calls), key) {
		t.Fatalf("log file:\n%s", calls)
	}
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %s", l)
		}
	}
}

// SIGTERM and SIGHUP restore the terminal too.
func TestE2ESignalsRestoreTerminal(t *testing.T) {
	t.Parallel()
	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			tm := start(t, 100, 30, pinnedEnv(t))
			tm.waitFor(10*time.Second, "Find a charger")
			tm.press("enter")
			tm.waitFor(10*time.Second, "sorted by distance")
			if err := tm.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			tm.waitExit(10 * time.Second)
			tm.restored()
		})
	}
}

// SIGQUIT used to leave the terminal in the alternate screen, raw and
// without a cursor (Go's dump-and-exit): now the terminal is restored and the
// goroutine dump, key redacted, goes to the crash log.
func TestE2ESIGQUITRestoresTerminalAndDumps(t *testing.T) {
	t.Parallel()
	const key = "quit-key-0123456789abcdef"
	_, base := startServe(t, "--key", key)
	tm := start(t, 100, 30, pinnedEnv(t, "PETITMONDE_API_KEY="+key), "--api-url", base)
	tm.waitFor(10*time.Second, "Find a charger")
	if err := tm.cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	tm.waitExit(10 * time.Second)
	tm.restored()
	if code := tm.cmd.ProcessState.ExitCode(); code != 131 {
		t.Fatalf("exit code %d, want 131", code)
	}
	tm.mu.Lock()
	raw := tm.raw.String()
	tm.mu.Unlock()
	m := regexp.MustCompile(`crash log is at (\S+)`).FindStringSubmatch(raw)
	if m == nil || strings.Contains(raw, key) {
		t.Fatalf("output tail:\n%q", raw[max(0, len(raw)-400):])
	}
	dump, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(dump), "goroutine ") || strings.Contains(string(dump), key) {
		t.Fatalf("dump:\n%.2000s", dump)
	}
}

// startServe runs `chargedesk serve` on a free port and returns its base URL.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	if binPath == "" {
		t.Skip("end-to-end tests skipped")
	}
	srv := exec.Command(binPath, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	re := regexp.MustCompile(`base URL: (\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return srv, m[1]
		}
	}
	t.Fatal("serve printed no base URL")
	return nil, ""
}

// startSim runs the simulator in the test's process, as `chargedesk serve`
// runs it (wall clock, speed 1, seed 1) but with opts' fault handlers, so a
// test can wait on a request seen at the server.
func startSim(t *testing.T, key string, opts ...simtest.Option) *simtest.Server {
	t.Helper()
	if binPath == "" {
		t.Skip("end-to-end tests skipped")
	}
	return simtest.Start(t, sim.Options{Key: key, Seed: 1, Clock: model.SystemClock{}}, opts...)
}

// Book in demo mode, open the bookings, find the booking by its external id,
// cancel it, see CANCELLED.
func TestE2EBookFindCancel(t *testing.T) {
	t.Parallel()
	tm := start(t, 120, 36, pinnedEnv(t))
	tm.waitFor(10*time.Second, "Find a charger")
	for _, want := range []string{"sorted by distance", "EVSEs (", "Ready", "REQUESTED"} {
		tm.press("enter")
		tm.waitFor(10*time.Second, want)
	}
	s := tm.waitFor(10*time.Second, "External")
	ext := regexp.MustCompile(`External\s+(cd-\S+)`).FindStringSubmatch(s)
	if ext == nil {
		t.Fatalf("no external id on screen:\n%s", s)
	}
	// Another booking first, so finding it means something.
	tm.back(5*time.Second, "EVSEs (")
	tm.press("down", "enter")
	tm.waitFor(5*time.Second, "Ready")
	tm.press("enter")
	tm.waitFor(10*time.Second, "REQUESTED")
	tm.press("B")
	tm.waitFor(10*time.Second, "2 of 2 loaded")
	tm.press("/")
	tm.press(ext[1])
	tm.press("enter")
	tm.waitFor(5*time.Second, "1 match")
	tm.press("c")
	tm.waitFor(5*time.Second, "Cancel booking "+ext[1]+"?")
	tm.press("enter")
	s = tm.waitFor(10*time.Second, "CANCELLED", "Cancelled")
	if !strings.Contains(s, ext[1]) {
		t.Fatalf("the cancelled row is not the one found:\n%s", s)
	}
	tm.press("enter")
	tm.waitFor(5*time.Second, "CANCELLED", "Driver cancelled by phone")
	tm.press("q")
	tm.waitFor(5*time.Second, "Quit chargedesk?") // the other booking is still active
	tm.press("y")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// Under faults: a create whose answer is lost after the booking was made is
// found by its external id (one booking, not two); failing searches show the
// retry banner and then the results.
func TestE2EUnderFaults(t *testing.T) {
	t.Parallel()
	const key = "fault-key-0123456789"
	// The answer to every create is lost after the simulator made the booking.
	_, base := startServe(t, "--key", key, "--faults", "only=POST /bookings,drop-after=100%")
	env := pinnedEnv(t, "PETITMONDE_API_KEY="+key)
	tm := start(t, 110, 32, env, "--api-url", base)
	tm.waitFor(10*time.Second, "Find a charger")
	tm.press("down", "enter")
	tm.waitFor(10*time.Second, "sorted by distance")
	tm.press("enter")
	tm.waitFor(5*time.Second, "EVSEs (")
	tm.press("enter")
	tm.waitFor(5*time.Second, "Customer id")
	tm.press("cust_abc123", "enter")
	tm.waitFor(15*time.Second, "The create's answer was lost", "not booked twice")
	tm.waitFor(20*time.Second, "CONFIRMED")
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
	// The simulator holds exactly one booking.
	cmd := exec.Command(binPath, "bookings", "--json", "--api-url", base)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bookings: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), `"external_id"`); n != 1 {
		t.Fatalf("%d bookings after one lost answer, want 1:\n%s", n, out)
	}

	// Searches fail three times in a row (seed 5), more than the client's own
	// retries: the banner shows the next retry, then the results come with
	// the third retry, 2+4+8 s (±20 %) after the first failure.
	_, base2 := startServe(t, "--key", key, "--faults", "seed=5,only=GET /search,5xx=80%")
	tm2 := start(t, 110, 32, env, "--api-url", base2)
	tm2.waitFor(10*time.Second, "Find a charger")
	tm2.press("down", "enter")
	tm2.waitFor(10*time.Second, "Server error — retry 1", "nothing you entered is lost")
	tm2.waitFor(30*time.Second, "sorted by distance")
	tm2.press("q")
	tm2.waitExit(5 * time.Second)
	tm2.restored()
}

// Hostile names from the server: the screen stays intact and readable; no
// clipboard write, hyperlink or foreign title reaches the terminal.
func TestE2EHostileNames(t *testing.T) {
	t.Parallel()
	const key = "hostile-key-0123456789"
	_, base := startServe(t, "--key", key, "--hostile")
	tm := start(t, 120, 36, pinnedEnv(t, "PETITMONDE_API_KEY="+key), "--api-url", base)
	tm.waitFor(10*time.Second, "Find a charger")
	tm.press("down", "tab", "right", "tab", "50", "tab", "tab", "25", "enter") // place, connector, power, (window), radius
	tm.waitFor(10*time.Second, "sorted by distance", "EnBW Schnellladepark Marienplatz")
	for i := 0; i < 6; i++ {
		tm.press("down")
	}
	tm.press("m")
	tm.waitFor(5*time.Second, "N↑")
	tm.press("m", "g", "down", "enter")
	s := tm.waitFor(5*time.Second, "EVSEs (")
	lines := strings.Split(s, "\n")
	if !strings.HasPrefix(lines[0], "chargedesk") {
		t.Fatalf("the header was overwritten:\n%s", s)
	}
	tm.back(5*time.Second, "sorted by distance")
	tm.back(5*time.Second, "Find a charger")
	tm.mu.Lock()
	raw := tm.raw.String()
	tm.mu.Unlock()
	for _, bad := range []string{"\x1b]52", "\x1b]8;", "\u202e", "\x1b[2J\x1b[H" + "charger", "\x1b[1A\x1b[2KFake"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("the terminal received %q", bad)
		}
	}
	for _, m := range regexp.MustCompile("\x1b\\][02];([^\x07\x1b]*)").FindAllStringSubmatch(raw, -1) {
		if !strings.HasPrefix(m[1], "chargedesk") {
			t.Fatalf("a foreign window title reached the terminal: %q", m[1])
		}
	}
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	tm.restored()
}

// The driver's need, typed in the search, is what is booked: the plug, and
// the window, without typing them again.
func TestE2ESearchNeedCarriedToTheBooking(t *testing.T) {
	t.Parallel()
	logFile := filepath.Join(t.TempDir(), "calls.jsonl")
	tm := start(t, 120, 36, pinnedEnv(t), "--log", logFile)
	tm.waitFor(10*time.Second, "Find a charger", "München")
	tm.press("tab", "right", "right") // CCS → Type 2 → CHAdeMO
	tm.waitFor(5*time.Second, "CHAdeMO")
	tm.press("tab", "50", "tab", "mor 1430")
	// Between midnight and 04:00 "mor" asks which day: the next one, here.
	if s := tm.waitUntil(5*time.Second, "no reading of mor 1430", func(s string) bool {
		return strings.Contains(s, "may mean") || strings.Contains(s, " 14:30 – 15:30")
	}); strings.Contains(s, "may mean") {
		tm.press("down", "down")
		tm.waitFor(5*time.Second, " 14:30 – 15:30")
	}
	tm.press("tab", "120")
	tm.waitFor(5*time.Second, "2 h")
	tm.press("enter")
	tm.waitFor(10*time.Second, "sorted by distance", "CHAdeMO")
	tm.press("enter")
	tm.waitFor(10*time.Second, "EVSEs (")
	tm.press("enter")
	form := tm.waitFor(10*time.Second, "Ready")
	if !regexp.MustCompile(`Connector\s+\d+ · CHAdeMO`).MatchString(form) {
		t.Fatalf("the booking form did not preselect the CHAdeMO plug:\n%s", form)
	}
	tm.press("enter")
	tm.waitFor(10*time.Second, "REQUESTED")
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)

	calls, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		ConnectorID string    `json:"connector_id"`
		EVSE        string    `json:"evse_uid"`
		Start       time.Time `json:"reservation_start"`
		End         time.Time `json:"reservation_end"`
	}
	for _, line := range strings.Split(strings.TrimSpace(string(calls)), "\n") {
		var ev struct {
			Method string          `json:"method"`
			Path   string          `json:"path"`
			Body   json.RawMessage `json:"request_body"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Method == "POST" && ev.Path == "/bookings" {
			if err := json.Unmarshal(ev.Body, &sent); err != nil {
				t.Fatal(err)
			}
		}
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(berlin)
	want := time.Date(now.Year(), now.Month(), now.Day()+1, 14, 30, 0, 0, berlin)
	if !sent.Start.Equal(want) || sent.End.Sub(sent.Start) != 2*time.Hour {
		t.Fatalf("booked %v – %v, want %v for 2 h", sent.Start.In(berlin), sent.End.In(berlin), want)
	}
	if !regexp.MustCompile(`Connector\s+` + sent.ConnectorID + ` · CHAdeMO`).MatchString(form) {
		t.Fatalf("sent connector %q, which the form did not show as the CHAdeMO plug:\n%s", sent.ConnectorID, form)
	}
}

// A driver says "Aschheim": the agent types the start of it, picks it
// from the list under the field, and searches there.
func TestE2EPlaceFromSuggestions(t *testing.T) {
	t.Parallel()
	logFile := filepath.Join(t.TempDir(), "calls.jsonl")
	tm := start(t, 100, 30, pinnedEnv(t), "--log", logFile)
	tm.waitFor(10*time.Second, "Find a charger", "München")
	tm.press("A", "s", "c", "h", "h")
	tm.waitFor(5*time.Second, "Aschheim · Bayern")
	tm.press("down")
	tm.waitFor(5*time.Second, "› Aschheim · Bayern")
	tm.press("enter")
	tm.waitFor(5*time.Second, "→ Aschheim (town, Landkreis München, Bayern) 48.1711, 11.7167")
	tm.press("tab", "tab", "tab", "tab", "10") // to the radius: 10 km
	tm.press("enter")
	s := tm.waitFor(10*time.Second, "sorted by distance", "within 10 km of Aschheim")
	rows := regexp.MustCompile(`(?m)^[▸ ] +(\d+\.\d) km  `).FindAllStringSubmatch(s, -1)
	if len(rows) == 0 {
		t.Fatalf("no chargers near Aschheim:\n%s", s)
	}
	for _, r := range rows {
		if km, _ := strconv.ParseFloat(r[1], 64); km > 10 {
			t.Errorf("a charger %s km away in a 10 km search", r[1])
		}
	}
	tm.press("ctrl+c")
	tm.waitExit(5 * time.Second)
	calls, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(calls), "lat=48.17112") || !strings.Contains(string(calls), "lng=11.71675") {
		t.Errorf("the search was not sent at Aschheim:\n%s", calls)
	}
}
