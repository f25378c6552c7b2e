package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

var (
	minimalOnce sync.Once
	minimalPath string
)

// startupOnce runs a binary under a pty until its first full frame (the text
// want appears) and returns how long that took.
func startupOnce(b *testing.B, path string, env []string, want string, args ...string) time.Duration {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		b.Fatal(err)
	}
	var out strings.Builder
	buf := make([]byte, 8192)
	var took time.Duration
	for {
		n, err := f.Read(buf)
		out.Write(buf[:n])
		if strings.Contains(out.String(), want) {
			took = time.Since(start)
			break
		}
		if err != nil {
			b.Fatalf("no frame with %q: %v\n%q", want, err, out.String())
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	_ = f.Close()
	return took
}

func benchStartup(b *testing.B, path, want string, args ...string) {
	env := []string{"HOME=" + b.TempDir(), "TERM=xterm-256color", "PATH=" + os.Getenv("PATH"), "CHARGEDESK_NO_HISTORY=1"}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total += startupOnce(b, path, env, want, args...)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/first-frame")
}

// Start-up to the first full frame, demo mode (the embedded simulator starts
// too), against a minimal Bubble Tea v2 program (issue: ≤ 1.5).
func BenchmarkStartupChargedesk(b *testing.B) {
	if binPath == "" {
		b.Skip("needs the built binary")
	}
	benchStartup(b, binPath, "Find a charger", "--demo")
}

func BenchmarkStartupMinimalBubbleTea(b *testing.B) {
	if scratchDir == "" {
		b.Skip("needs the scratch directory of the end-to-end tests")
	}
	minimalOnce.Do(func() {
		minimalPath = filepath.Join(scratchDir, "minimal")
		if out, err := exec.Command("go", "build", "-o", minimalPath, "./testdata/minimal").CombinedOutput(); err != nil {
			b.Fatalf("build minimal: %v\n%s", err, out)
		}
	})
	benchStartup(b, minimalPath, "Find a charger")
}
