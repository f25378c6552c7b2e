// Command chargedesk is a full-screen terminal booking assistant for the
// Petit Monde Energy Agent API, with scripting commands. Without an API key it
// runs on an embedded simulator of the API (demo mode); `chargedesk serve`
// runs that simulator as a standalone server.
//
// main only wires the process to the command line (package ui/cli): the
// streams, the environment, the clock, the signals, and the simulator, which
// the command line does not import.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/server"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/ui/cli"
)

// version and commit are stamped in by the release recipe (.ci/release.go):
// -ldflags "-X main.version=v1.2.0 -X main.commit=…". Without them the
// binary reports what the Go toolchain recorded (cli.BuildStamp).
var version, commit string

func main() {
	version, commit := cli.BuildStamp(version, commit)
	os.Exit(cli.Execute(os.Args[1:], cli.Env{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		Clock:     model.SystemClock{},
		Sleep:     api.Sleep,
		Signals:   cli.NotifyStop,
		StartDemo: startDemo,
		Serve:     serve,
		ServeDefaults: cli.ServeConfig{Addr: "127.0.0.1:8787", Key: sim.DefaultKey, RateLimit: sim.DefaultRateLimit,
			MonthlyQuota: sim.DefaultMonthlyQuota, Speed: 1, Seed: 1, LogFormat: "text"},
		Version: version, Commit: commit,
	}))
}

// listen serves s (with its geocoder) on addr until the returned server is
// stopped.
func listen(addr string, s *sim.Server, log *slog.Logger) (*server.Server, error) {
	go s.Prepare() // the network is ready before the first search
	return server.Listen(server.Config{Addr: addr, Handler: s.WithGeocoder(), Log: log})
}

// startDemo serves the simulator on a loopback port for demo mode.
func startDemo(speed float64, seed int64) (cli.Demo, error) {
	srv, err := listen("127.0.0.1:0", sim.New(sim.Options{Speed: speed, Seed: seed}), nil)
	if err != nil {
		return cli.Demo{}, err
	}
	root := srv.URL()
	return cli.Demo{BaseURL: root + sim.BasePath, GeocoderURL: root + sim.GeocoderPath, Key: sim.DefaultKey, Stop: srv.Stop}, nil
}

// serve is `chargedesk serve`: the simulator on c.Addr until ctx ends.
func serve(ctx context.Context, c cli.ServeConfig, stdout, stderr io.Writer) int {
	faults, err := sim.ParseFaults(c.Faults)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 2
	}
	log, err := server.NewLogger(stderr, c.LogFormat)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve: --log-format:", err)
		return 2
	}
	h := sim.New(sim.Options{Key: c.Key, RateLimit: c.RateLimit, MonthlyQuota: c.MonthlyQuota, Speed: c.Speed,
		Seed: c.Seed, Faults: faults, Hostile: c.Hostile, ConfirmTimeout: c.ConfirmTimeout, Logger: log})
	srv, err := listen(c.Addr, h, log)
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 1
	}
	root := srv.URL()
	base := root + sim.BasePath
	fmt.Fprintf(stdout, "chargedesk simulator listening\n  base URL: %s\n  API key:  %s\n  geocoder: %s (geocoder_url, Nominatim's search API)\n  rate limit %d/min, quota %d/month, speed ×%g, seed %d\n",
		base, c.Key, root+sim.GeocoderPath, c.RateLimit, c.MonthlyQuota, c.Speed, c.Seed)
	if f := faults.String(); f != "" {
		fmt.Fprintf(stdout, "  faults: %s\n", f)
	}
	if c.Hostile {
		fmt.Fprintln(stdout, "  hostile names in the Munich search")
	}
	fmt.Fprintf(stdout, "try:\n  curl -s \"%s/search?lat=48.1351&lng=11.5820&radius=25&connector_type=IEC_62196_T2_COMBO&power_min=50\" -H \"X-API-Key: %s\"\n", base, c.Key)
	fmt.Fprintf(stdout, "or:\n  PETITMONDE_API_KEY=%s chargedesk --api-url %s\nCtrl-C stops it.\n", c.Key, base)
	err = srv.Wait(ctx)
	srv.Stop()
	if err != nil {
		fmt.Fprintln(stderr, "chargedesk serve:", err)
		return 1
	}
	fmt.Fprintln(stdout, "simulator stopped")
	return 0
}
