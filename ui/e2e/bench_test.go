package e2e

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

// The start-up benchmarks measure the production binary (no crash-test
// hook), built once on first use, against a minimal Bubble Tea v2 program.
var (
	prodOnce, minimalOnce sync.Once
	prodPath, minimalPath string
	prodErr, minimalErr   error
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

// built builds the main package in dir once into the scratch directory.
func built(b *testing.B, once *sync.Once, path *string, errp *error, name, dir string) string {
	if scratchDir == "" {
		b.Skip("needs the scratch directory of the end-to-end tests")
	}
	once.Do(func() {
		*path = filepath.Join(scratchDir, name)
		*errp = goBuild(*path, dir)
	})
	if *errp != nil {
		b.Fatal(*errp)
	}
	return *path
}

// Start-up to the first full frame, demo mode (the embedded simulator starts
// too), against a minimal Bubble Tea v2 program (budget: ≤ 1.5).
func BenchmarkStartupChargedesk(b *testing.B) {
	benchStartup(b, built(b, &prodOnce, &prodPath, &prodErr, "chargedesk-prod", moduleRoot), "Find a charger", "--demo")
}

func BenchmarkStartupMinimalBubbleTea(b *testing.B) {
	benchStartup(b, built(b, &minimalOnce, &minimalPath, &minimalErr, "minimal", "./testdata/minimal"), "Find a charger")
}
