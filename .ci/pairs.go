//go:build ignore

// Command pairs compares two commands interleaved: it runs A and B one
// after the other, n times (A first in odd pairs, B first in even ones), so
// that a busy machine slows both alike, and reports each one's wall time
// and peak memory (maximum resident set) and the ratio A/B of each pair:
// minimum, median and maximum. A command that fails stops it.
//
//	go run .ci/pairs.go [-n 21] -- A [args…] -- B [args…]
//
// BENCHMARKS.md gives the commands it measured the start-up and place
// figures with.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

type sample struct {
	took time.Duration
	rss  int64 // bytes; 0 where the platform does not say
}

func main() {
	n := flag.Int("n", 21, "pairs to run")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/pairs.go [-n 21] -- A [args…] -- B [args…]")
		flag.PrintDefaults()
	}
	flag.Parse()
	a, b, ok := split(flag.Args())
	if !ok || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	var sa, sb []sample
	for i := range *n {
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		x, err := run(first)
		if err != nil {
			fail(first, err)
		}
		y, err := run(second)
		if err != nil {
			fail(second, err)
		}
		if i%2 == 1 {
			x, y = y, x
		}
		sa, sb = append(sa, x), append(sb, y)
	}
	fmt.Printf("A: %s\nB: %s\n%d pairs, interleaved\n", strings.Join(a, " "), strings.Join(b, " "), *n)
	report("A", sa)
	report("B", sb)
	ratios := func(f func(sample) float64) []float64 {
		out := make([]float64, len(sa))
		for i := range sa {
			out[i] = f(sa[i]) / f(sb[i])
		}
		return out
	}
	fmt.Printf("time A/B   %s\n", spread(ratios(func(s sample) float64 { return float64(s.took) }), "%.2f"))
	if sa[0].rss > 0 {
		fmt.Printf("memory A/B %s\n", spread(ratios(func(s sample) float64 { return float64(s.rss) }), "%.2f"))
	}
}

// split cuts "-- A … -- B …" (the first "--" is eaten by flag).
func split(args []string) (a, b []string, ok bool) {
	i := slices.Index(args, "--")
	if i <= 0 || i == len(args)-1 {
		return nil, nil, false
	}
	return args[:i], args[i+1:], true
}

func run(argv []string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = nil, nil // discarded
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, err
	}
	s := sample{took: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = int64(ru.Maxrss) * 1024 // Linux reports kilobytes
	}
	return s, nil
}

func fail(argv []string, err error) {
	fmt.Fprintf(os.Stderr, "pairs: %s: %v\n", strings.Join(argv, " "), err)
	os.Exit(1)
}

func report(name string, ss []sample) {
	ms := make([]float64, len(ss))
	mb := make([]float64, len(ss))
	for i, s := range ss {
		ms[i], mb[i] = float64(s.took.Microseconds())/1000, float64(s.rss)/1e6
	}
	fmt.Printf("%s time ms  %s\n", name, spread(ms, "%.1f"))
	if ss[0].rss > 0 {
		fmt.Printf("%s memory MB %s\n", name, spread(mb, "%.1f"))
	}
}

// spread is "min … median … max".
func spread(vs []float64, format string) string {
	s := slices.Sorted(slices.Values(vs))
	f := func(v float64) string { return fmt.Sprintf(format, v) }
	return fmt.Sprintf("min %s  median %s  max %s", f(s[0]), f(s[len(s)/2]), f(s[len(s)-1]))
}
