package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

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
}

// ExitCrashed is Run's exit code after a panic (EX_SOFTWARE).
const ExitCrashed = 70

// Run runs root full-screen until it quits or ctx ends; SIGTERM and SIGHUP
// end ctx, and the program then quits the way q does, so the terminal is
// restored. Bubble Tea catches a panic, restores the terminal and writes the
// panic to standard error: Run captures that text and saves it with CrashLog
// instead, key redacted, and says where it is. It returns the exit code: 0,
// ExitCrashed after a panic, 1 on any other failure.
func Run(ctx context.Context, root tea.Model, rc RunConfig) int {
	p := tea.NewProgram(root, tea.WithOutput(rc.Output))
	stopQuitting := quitWhenDone(ctx, p)
	restore := captureStderr()
	_, err := p.Run()
	text := rc.Redact(restore())
	stopQuitting()
	if errors.Is(err, tea.ErrProgramPanic) {
		path, werr := rc.CrashLog(text)
		if werr != nil {
			path = "(could not be written: " + werr.Error() + ")"
		}
		fmt.Fprintf(rc.Stderr, "chargedesk crashed and restored the terminal. The crash log is at %s\n", path)
		return ExitCrashed
	}
	_, _ = io.WriteString(rc.Stderr, text)
	if err != nil {
		fmt.Fprintln(rc.Stderr, "chargedesk:", rc.Redact(err.Error()))
		return 1
	}
	return 0
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
