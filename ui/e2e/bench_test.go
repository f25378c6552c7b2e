package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// The start-up benchmarks measure the production binary (no crash-test
// hook), built once on first use, against a minimal Bubble Tea v2 program,
// each under a pty of 100×30 read through a VT emulator (which answers the
// programs' terminal queries, as a terminal would). The machine is shared
// and noisy, so the two programs are never timed apart: each pair runs one
// after the other (in alternating order) and gives one ratio, and the
// benchmark reports the ratios' minimum, median and maximum. Run
//
//	go test ./ui/e2e -run XXX -bench Startup -benchtime 21x
//
// for 21 pairs.
var (
	prodOnce, minimalOnce sync.Once
	prodPath, minimalPath string
	prodErr, minimalErr   error
)

// run is one start of a program under a pty, its screen read through an
// emulator.
type run struct {
	cmd    *exec.Cmd
	pty    *os.File
	start  time.Time
	mu     sync.Mutex
	emu    *vt.Emulator
	change chan struct{} // a token after each read: the screen may have changed
	done   chan struct{} // the output ended
}

func startRun(b *testing.B, path string, env []string, args ...string) *run {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	r := &run{cmd: cmd, emu: vt.NewEmulator(100, 30), change: make(chan struct{}, 1), done: make(chan struct{})}
	r.start = time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		b.Fatal(err)
	}
	r.pty = f
	go func() { _, _ = io.Copy(f, r.emu) }() // the emulator's answers to the program's queries
	go func() {
		defer close(r.done)
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				r.mu.Lock()
				_, _ = r.emu.Write(buf[:n])
				r.mu.Unlock()
				select {
				case r.change <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// waitFor returns how long after the start the screen first showed want.
func (r *run) waitFor(b *testing.B, want string) time.Duration {
	deadline := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		s := r.emu.String()
		r.mu.Unlock()
		if strings.Contains(s, want) {
			return time.Since(r.start)
		}
		select {
		case <-r.change:
		case <-r.done:
			b.Fatalf("the output ended without %q:\n%s", want, s)
		case <-deadline:
			b.Fatalf("no %q after 20 s:\n%s", want, s)
		}
	}
}

func (r *run) press(b *testing.B, seq string) {
	if _, err := r.pty.Write([]byte(seq)); err != nil {
		b.Fatal(err)
	}
}

func (r *run) stop() {
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	_ = r.pty.Close()
	<-r.done
}

// firstFrame is the time from start to the program's first full frame.
func firstFrame(b *testing.B, path string, env []string, args ...string) time.Duration {
	r := startRun(b, path, env, args...)
	defer r.stop()
	return r.waitFor(b, frameText)
}

// frameText is on both programs' first full frame: chargedesk's search
// form, the minimal program's only line.
const frameText = "Find a charger"

func benchEnv(b *testing.B) []string {
	home := b.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"), "TERM=xterm-256color", "LANG=C.UTF-8",
		"PATH=" + os.Getenv("PATH"), "TZ=UTC", "CHARGEDESK_NO_HISTORY=1"}
}

// built builds the main package in dir once into the scratch directory,
// as the release recipe (.ci/release.go) builds what users run: without
// cgo, -trimpath, symbols stripped. Both programs are built alike.
func built(b *testing.B, once *sync.Once, path *string, errp *error, name, dir string) string {
	if scratchDir == "" {
		b.Skip("needs the scratch directory of the end-to-end tests")
	}
	once.Do(func() {
		*path = filepath.Join(scratchDir, name)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", *path, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			*errp = fmt.Errorf("go build %s: %v\n%s", dir, err, out)
		}
	})
	if *errp != nil {
		b.Fatal(*errp)
	}
	return *path
}

func prodBinary(b *testing.B) string {
	return built(b, &prodOnce, &prodPath, &prodErr, "chargedesk-prod", moduleRoot)
}

// spread reports the minimum, median and maximum of a ratio under name.
func spread(b *testing.B, name string, ratios []float64) {
	s := slices.Sorted(slices.Values(ratios))
	b.ReportMetric(s[0], name+"-min")
	b.ReportMetric(s[len(s)/2], name+"-median")
	b.ReportMetric(s[len(s)-1], name+"-max")
}

func medianMS(ds []time.Duration) float64 {
	s := slices.Sorted(slices.Values(ds))
	return float64(s[len(s)/2].Microseconds()) / 1000
}

// BenchmarkStartupRatio: start-up to the first full frame, demo mode (the
// embedded simulator starts too), against the minimal Bubble Tea v2
// program (./testdata/minimal), pair by pair. Budget: median ratio ≤ 1.5.
func BenchmarkStartupRatio(b *testing.B) {
	prod := prodBinary(b)
	minimal := built(b, &minimalOnce, &minimalPath, &minimalErr, "minimal", "./testdata/minimal")
	env := benchEnv(b)
	var ratios []float64
	var tProd, tMin []time.Duration
	for i := 0; b.Loop(); i++ {
		var p, m time.Duration
		if i%2 == 0 {
			p = firstFrame(b, prod, env, "--demo")
			m = firstFrame(b, minimal, env)
		} else {
			m = firstFrame(b, minimal, env)
			p = firstFrame(b, prod, env, "--demo")
		}
		ratios = append(ratios, float64(p)/float64(m))
		tProd, tMin = append(tProd, p), append(tMin, m)
	}
	spread(b, "ratio", ratios)
	b.ReportMetric(medianMS(tProd), "ms-chargedesk-median")
	b.ReportMetric(medianMS(tMin), "ms-minimal-median")
	if testing.Verbose() {
		b.Logf("pairs (chargedesk/minimal ms): %s", pairs(tProd, tMin))
	}
}

// BenchmarkDemoFirstResults: the demo started, Enter pressed as soon as
// the first frame is on the screen (the form is prefilled with the
// guide's search), until the results are on the screen; the ratio of that
// time to the first frame's, both from the start. Budget: median ≤ 2.
func BenchmarkDemoFirstResults(b *testing.B) {
	prod := prodBinary(b)
	env := benchEnv(b)
	var ratios []float64
	var tFrame, tResults []time.Duration
	for b.Loop() {
		r := startRun(b, prod, env, "--demo")
		frame := r.waitFor(b, frameText)
		r.press(b, "\r")
		results := r.waitFor(b, "sorted by distance")
		r.stop()
		ratios = append(ratios, float64(results)/float64(frame))
		tFrame, tResults = append(tFrame, frame), append(tResults, results)
	}
	spread(b, "ratio", ratios)
	b.ReportMetric(medianMS(tFrame), "ms-first-frame-median")
	b.ReportMetric(medianMS(tResults), "ms-results-median")
	if testing.Verbose() {
		b.Logf("runs (results/first frame ms): %s", pairs(tResults, tFrame))
	}
}

func pairs(a, b []time.Duration) string {
	var sb strings.Builder
	for i := range a {
		fmt.Fprintf(&sb, " %.1f/%.1f", float64(a[i].Microseconds())/1000, float64(b[i].Microseconds())/1000)
	}
	return sb.String()
}
