package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	tea "charm.land/bubbletea/v2"
)

// RunConfig is how Run runs the program in this process.
type RunConfig struct {
	// Output is the terminal (os.Stdout).
	Output io.Writer
	// Stderr gets, once the terminal is restored, the crash notice and
	// anything else written to standard error while the program ran.
	Stderr io.Writer
	// Redact masks the API key in everything Run writes or saves.
	Redact func(string) string
	// CrashLog saves a crash report and returns where.
	CrashLog func(report string) (path string, err error)
	// Log is where Go's log package writes while the program runs (net/http
	// logs through it); nil: nowhere. Never the terminal the program draws on.
	Log io.Writer
}

// Exit codes of Run besides 0 and 1.
const (
	ExitCrashed = 70  // after a panic (EX_SOFTWARE)
	ExitQuit    = 131 // after SIGQUIT (128 + 3), the goroutine dump in the crash log
)

// Run runs root full-screen until it quits or ctx ends; SIGTERM and SIGHUP
// end ctx, and the program then quits the way q does, so the terminal is
// restored. Bubble Tea catches a panic, restores the terminal and writes the
// panic to standard error: Run captures that text and saves it with CrashLog
// instead, key redacted, and says where it is. It returns the exit code: 0,
// ExitCrashed after a panic, 1 on any other failure.
func Run(ctx context.Context, root tea.Model, rc RunConfig) int {
	p := tea.NewProgram(root, tea.WithOutput(rc.Output))
	stopQuitting := quitWhenDone(ctx, p)
	stopDumps := dumpOnSIGQUIT(p)
	restoreLog := quietLog(rc.Log)
	restore := captureStderr()
	_, err := p.Run()
	text := rc.Redact(restore())
	restoreLog()
	stopQuitting()
	dump := stopDumps()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		rc.crashReport(text, "chargedesk crashed and restored the terminal.")
		return ExitCrashed
	case dump != "":
		rc.crashReport(rc.Redact(dump)+"\n"+text, "chargedesk stopped on SIGQUIT and restored the terminal.")
		return ExitQuit
	}
	_, _ = io.WriteString(rc.Stderr, text)
	if err != nil {
		fmt.Fprintln(rc.Stderr, "chargedesk:", rc.Redact(err.Error()))
		return 1
	}
	return 0
}

// crashReport saves report in the crash log and says where; when the log
// cannot be written (a full disk), the report itself goes to stderr.
func (rc RunConfig) crashReport(report, what string) {
	path, err := rc.CrashLog(report)
	if err != nil {
		fmt.Fprintf(rc.Stderr, "%s The crash log could not be written (%s), so here it is:\n\n%s\n", what, err, report)
		return
	}
	fmt.Fprintf(rc.Stderr, "%s The crash log is at %s\n", what, path)
}

// dumpOnSIGQUIT takes over SIGQUIT while the program runs: instead of Go's
// dump-and-exit, which leaves the terminal in the alternate screen, raw and
// without a cursor, it records every goroutine's stack and quits the
// program, which restores the terminal. stop returns the dump ("" when no
// SIGQUIT came).
func dumpOnSIGQUIT(p *tea.Program) (stop func() string) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGQUIT)
	got := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			buf := make([]byte, 1<<20)
			got <- "SIGQUIT: goroutine dump\n\n" + string(buf[:runtime.Stack(buf, true)])
			p.Quit()
		case <-done:
		}
	}()
	return func() string {
		signal.Stop(sigs)
		close(done)
		select {
		case d := <-got:
			return d
		default:
			return ""
		}
	}
}

// quietLog points Go's log package at w (nowhere when nil) for as long as
// the program draws on the terminal; restore points it back.
func quietLog(w io.Writer) (restore func()) {
	if w == nil {
		w = io.Discard
	}
	prev := log.Writer()
	log.SetOutput(w)
	return func() { log.SetOutput(prev) }
}

// quitWhenDone asks p to quit when ctx ends; the returned stop ends the
// watch (call it once p.Run has returned).
func quitWhenDone(ctx context.Context, p *tea.Program) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ctx.Done():
			p.Quit()
		case <-done:
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// captureStderr sends what is written to os.Stderr while the program runs
// into a buffer (Bubble Tea writes a caught panic there, and nothing may
// scribble over the full-screen view); restore puts os.Stderr back and
// returns the text.
func captureStderr() (restore func() string) {
	r, w, err := os.Pipe()
	if err != nil {
		return func() string { return "" }
	}
	var buf bytes.Buffer
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
