package gateway_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api/contract"
	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
)

// Every operation of api/openapi.yaml reaches a handler of the simulator
// and of the gateway: its access-log line names the route the contract
// names (a request the router answered itself, 404 or 405, has none). An
// endpoint added to the contract and forgotten in either server fails here.
// The answers are checked against the contract too (the requests are bare
// on purpose: an empty body, an unknown id).
func TestEveryContractOperationIsRouted(t *testing.T) {
	doc, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	type op struct{ method, path string }
	var ops []op
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, op{method, path})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	if len(ops) < 6 {
		t.Fatalf("the contract has %d operations: %v", len(ops), ops)
	}

	clock := sim.NewManualClock(t0)
	simLogs, gwLogs := newLogWatch(), newLogWatch()
	api := simtest.Start(t, sim.Options{Seed: 1, Clock: clock, Logger: slog.New(simLogs)})
	st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "gateway.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	token, err := st.AddAgent(context.Background(), "walker", t0)
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(gateway.New(gateway.Config{UpstreamURL: api.Base, Key: sim.DefaultKey, Store: st,
		Clock: clock, Logger: slog.New(gwLogs)}))
	t.Cleanup(gw.Close)

	client := contract.Client(t, contract.SkipRequests())
	servers := []struct {
		name, base, key string
		logs            *logWatch
	}{
		{"simulator", api.URL + sim.BasePath, sim.DefaultKey, simLogs},
		{"gateway", gw.URL + gateway.ClientPath, token, gwLogs},
	}
	for _, s := range servers {
		for _, o := range ops {
			path := strings.ReplaceAll(o.path, "{id}", "walk-id")
			var body *strings.Reader
			if o.method == http.MethodPost {
				body = strings.NewReader(`{}`)
			} else {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequest(o.method, s.base+path, body)
			req.Header.Set("X-API-Key", s.key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s: %s %s: %v", s.name, o.method, path, err)
			}
			resp.Body.Close()
			full := req.URL.Path
			line := s.logs.waitFor(t, "INFO request", "method="+o.method+" ", "path="+full+" ")
			if want := "route=" + o.method + " " + sim.BasePath + o.path; !strings.Contains(line, want) || resp.StatusCode == http.StatusMethodNotAllowed {
				t.Errorf("%s does not route %s %s: answered %d, logged %q", s.name, o.method, o.path, resp.StatusCode, line)
			}
		}
	}
}
